/* SPDX-License-Identifier: MIT */
/*
 * Synchronisation primitives with Linux semantics, blocking by yielding to
 * the scheduler. Every primitive tracks its owner(s) and checks lock
 * discipline (lockdep-lite); a broken rule ends the execution with the
 * oracle "lock-discipline" and one of the kinds:
 *   double-lock, double-unlock, unlock-not-held, sleep-under-spinlock,
 *   sleep-in-rcu, not-in-rcu-read (rcu.h), held-at-exit, deadlock, livelock.
 * Each acquire and release is a scheduling point (before an acquire
 * tries, after a release). Locks pass to their first waiter on release
 * (FIFO hand-off). Outside an execution (model setup on the main fiber)
 * the primitives do nothing, so setup code may call helpers that lock.
 */
#ifndef MMFUZZ_SCHEDULER_SYNC_H
#define MMFUZZ_SCHEDULER_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "sched.h"

/* LOCK_RCU: an RCU read-side section or a running RCU callback (rcu.h). */
enum lock_kind { LOCK_SPIN, LOCK_MUTEX, LOCK_RWSEM, LOCK_RCU };

/* Identity and ownership, common to every lock. */
struct lockdep_map {
	const char *name;
	enum lock_kind kind;
	uint8_t writer;	 /* exclusive owner tid + 1, 0 if none */
	uint8_t readers; /* bitmask of reader tids (rwsem) */
};

typedef struct {
	struct lockdep_map dep;
	struct sched_waitq waiters;
} spinlock_t;

/* Sleeping lock (mutex, page lock). */
struct mutex {
	struct lockdep_map dep;
	struct sched_waitq waiters;
};

/* Reader/writer semaphore: a waiting writer blocks new readers; waiters are
 * served in FIFO order (a run of readers at the head is admitted together). */
struct rw_semaphore {
	struct lockdep_map dep;
	struct sched_waitq waiters;
	uint8_t waiting_writer[SCHED_MAX_THREADS]; /* per queue slot: 1 if a writer */
};

typedef struct {
	uint32_t sequence;
	const char *name;
} seqcount_t;

struct wait_queue_head {
	struct sched_waitq waiters;
	const char *name;
};

void spin_lock_init(spinlock_t *l, const char *name);
void spin_lock(spinlock_t *l);
bool spin_trylock(spinlock_t *l);
void spin_unlock(spinlock_t *l);
bool spin_is_locked(const spinlock_t *l);

void mutex_init(struct mutex *m, const char *name);
void mutex_lock(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
bool mutex_is_locked(const struct mutex *m);

void init_rwsem(struct rw_semaphore *s, const char *name);
void down_read(struct rw_semaphore *s);
bool down_read_trylock(struct rw_semaphore *s);
void up_read(struct rw_semaphore *s);
void down_write(struct rw_semaphore *s);
bool down_write_trylock(struct rw_semaphore *s);
void up_write(struct rw_semaphore *s);
void downgrade_write(struct rw_semaphore *s);
bool rwsem_is_locked(const struct rw_semaphore *s);
/* Does the running thread hold it (for read / for write)? */
bool rwsem_held_by_me(const struct rw_semaphore *s);

void seqcount_init(seqcount_t *s, const char *name);
void write_seqcount_begin(seqcount_t *s);
void write_seqcount_end(seqcount_t *s);
uint32_t read_seqcount_begin(const seqcount_t *s);
bool read_seqcount_retry(const seqcount_t *s, uint32_t start);

void init_waitqueue_head(struct wait_queue_head *wq, const char *name);
/* Sleep until cond(arg) is true; re-checked after every wake-up. */
void wait_event(struct wait_queue_head *wq, bool (*cond)(void *arg), void *arg);
void wake_up_all(struct wait_queue_head *wq);

/* A point where the running thread may sleep: checks that it holds no
 * spinlock ("sleep-under-spinlock") and is neither in an RCU read-side
 * section nor in an RCU callback ("sleep-in-rcu"). Blocking primitives
 * call it. */
void might_sleep(void);

/* Number of locks the running thread holds, and a printable list of them
 * (for traces: "locks held"). */
int lockdep_depth(void);
void lockdep_print_held(int tid, char *buf, size_t len);
/* Number of spinlocks thread tid holds. */
int lockdep_spinlocks_held(int tid);

/* Called by the scheduler when a thread exits: "held-at-exit" check. */
void lockdep_thread_exit(int tid);
/* Called by the scheduler at the start of every execution. */
void lockdep_reset(void);

#endif
