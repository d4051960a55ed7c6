/* SPDX-License-Identifier: MIT */
/*
 * Read-copy update with the kernel's guarantees, for simulated threads.
 *
 * A reader brackets its use of RCU-protected objects with rcu_read_lock()
 * and rcu_read_unlock(); sections nest, and only the outermost pair counts.
 * An updater unpublishes an object and then either waits for a grace
 * period (synchronize_rcu) or hands the object to call_rcu(), whose
 * callback runs after one. A grace period that begins at some moment ends
 * once every reader that was inside a section at that moment has left it;
 * readers that enter later are not waited for — they cannot have seen the
 * unpublished object.
 *
 * Grace periods here are as short as the rule allows: a callback runs as
 * soon as the last reader it waits for leaves (inside that reader's
 * rcu_read_unlock, as a softirq would on that CPU), or inside call_rcu()
 * when no reader is inside. The kernel may run it much later, but never
 * earlier, so every use-after-free an early callback can expose is real.
 * Callbacks must not sleep or take locks (they run where softirqs do).
 *
 * Lock discipline, checked like the locks in sync.h ("lock-discipline"):
 * sleeping inside a read-side section (synchronize_rcu there included) or
 * inside a callback is "sleep-in-rcu"; exiting inside a section is
 * "held-at-exit";
 * rcu_read_unlock() outside one is "double-unlock";
 * lockdep_assert_in_rcu_read_lock() outside one is "not-in-rcu-read".
 *
 * Outside an execution (model setup on the main fiber) sections are no-ops
 * and call_rcu() runs its callback at once.
 */
#ifndef MMFUZZ_SCHEDULER_RCU_H
#define MMFUZZ_SCHEDULER_RCU_H

#include <stdbool.h>
#include <stdint.h>

#include "sched.h"

struct rcu_head;
typedef void (*rcu_callback_t)(struct rcu_head *head);

/* The readers a grace period waits for: a bitmask of threads, and the
 * section (count of outermost entries) each was in when it began. */
struct rcu_grace_period {
	uint32_t readers;
	uint32_t section[SCHED_MAX_THREADS];
};

/* Embedded in the object call_rcu() will free (as in the kernel). */
struct rcu_head {
	struct rcu_head *next;
	rcu_callback_t func;
	struct rcu_grace_period gp;
};

void rcu_read_lock(void);
void rcu_read_unlock(void);
/* Is the running thread inside a read-side section? */
bool rcu_read_lock_held(void);
/* Fail the execution unless the running thread is inside a section. */
void lockdep_assert_in_rcu_read_lock(void);

/* Sleep until every reader inside a section now has left it. */
void synchronize_rcu(void);
/* Run func(head) after a grace period that begins now. */
void call_rcu(struct rcu_head *head, rcu_callback_t func);

/* Called at the start of every execution (lockdep_reset). */
void rcu_reset(void);

#endif
