/* SPDX-License-Identifier: MIT */
/*
 * Internal to scheduler/: the lockdep bookkeeping the primitives share,
 * the exclusive-lock core of spinlocks and mutexes, and the TSan view of
 * model locks.
 */
#ifndef MMFUZZ_SCHEDULER_SYNC_INTERNAL_H
#define MMFUZZ_SCHEDULER_SYNC_INTERNAL_H

#include <stdbool.h>

#include "sanitizer.h"
#include "sync.h"

#if defined(SCHED_TSAN)
#include <sanitizer/tsan_interface.h>
#endif

/* Held-lock stack of the running thread (lockdep.c). */
void lockdep_acquire(const struct lockdep_map *m, bool read);
void lockdep_release(const struct lockdep_map *m);
/* Lock discipline failures, named after the operation ("mutex_unlock"). */
_Noreturn void lockdep_fail_double_lock(const struct lockdep_map *m, const char *op);
_Noreturn void lockdep_fail_unlock(const struct lockdep_map *m, const char *op);
/* TSan: end the TSan view of every lock thread `tid` still holds (it was
 * abandoned); called on that thread's fiber. */
void lockdep_tsan_forget_held(int tid);

/* Exclusive ownership with FIFO hand-off (lock_exclusive.c). */
void excl_lock(struct lockdep_map *m, struct sched_waitq *q, const char *op,
	       struct sched_site *wait_site);
bool excl_trylock(struct lockdep_map *m, const struct sched_waitq *q);
void excl_unlock(struct lockdep_map *m, struct sched_waitq *q, const char *op);

/*
 * TSan view of a model lock. The pre/post pairs are adjacent, never held
 * open across a blocking switch: a fiber abandoned between them would stay
 * in TSan's "ignore accesses" mode for good.
 */
static inline void tsan_lock_create(const struct lockdep_map *m)
{
#if defined(SCHED_TSAN)
	__tsan_mutex_create((void *)m, 0);
#endif
	(void)m;
}

static inline void tsan_lock_acquired(const struct lockdep_map *m, bool read, bool trylock)
{
#if defined(SCHED_TSAN)
	unsigned flags =
		(read ? __tsan_mutex_read_lock : 0) | (trylock ? __tsan_mutex_try_lock : 0);

	__tsan_mutex_pre_lock((void *)m, flags);
	__tsan_mutex_post_lock((void *)m, flags, 0);
#endif
	(void)m;
	(void)read;
	(void)trylock;
}

static inline void tsan_lock_released(const struct lockdep_map *m, bool read)
{
#if defined(SCHED_TSAN)
	unsigned flags = read ? __tsan_mutex_read_lock : 0;

	__tsan_mutex_pre_unlock((void *)m, flags);
	__tsan_mutex_post_unlock((void *)m, flags);
#endif
	(void)m;
	(void)read;
}

#endif
