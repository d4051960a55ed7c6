// SPDX-License-Identifier: MIT
/*
 * The core of spinlocks and mutexes: one owner, waiters in FIFO order, and
 * hand-off on release (the lock passes to the first waiter, so a thread
 * that releases and re-acquires at once cannot barge ahead of it — the
 * behaviour of ticket/queued spinlocks and of a mutex with waiters).
 */
#include "sched.h"
#include "sync.h"
#include "sync_internal.h"
#include "trace.h"

SCHED_TSAN_IGNORE_BEGIN

void excl_lock(struct lockdep_map *m, struct sched_waitq *q, const char *op,
	       struct sched_site *wait_site)
{
	int me = sched_self();

	if (m->writer == me + 1)
		lockdep_fail_double_lock(m, op);
	if (m->writer == 0 && q->n == 0) {
		m->writer = (uint8_t)(me + 1);
	} else {
		trace_printf("%s %s: waits for T%d", op, m->name, m->writer - 1);
		sched_block(q, m, wait_site); /* returns as the owner */
	}
	lockdep_acquire(m, false);
	tsan_lock_acquired(m, false, false);
}

/* Never blocks; fails when held (by anyone: Linux trylocks do not nest). */
bool excl_trylock(struct lockdep_map *m, const struct sched_waitq *q)
{
	int me = sched_self();

	if (m->writer != 0 || q->n != 0)
		return false;
	m->writer = (uint8_t)(me + 1);
	lockdep_acquire(m, false);
	tsan_lock_acquired(m, false, true);
	return true;
}

void excl_unlock(struct lockdep_map *m, struct sched_waitq *q, const char *op)
{
	int me = sched_self();
	int next;

	/* The release happens before the point that follows it: it belongs
	 * to the releasing step (access.h). */
	sched_access(m, SCHED_WRITE);
	if (m->writer != me + 1)
		lockdep_fail_unlock(m, op);
	tsan_lock_released(m, false);
	lockdep_release(m);
	next = sched_wake_one(q);
	m->writer = (uint8_t)(next >= 0 ? next + 1 : 0);
	if (next >= 0)
		trace_printf("%s %s: hand-off to T%d", op, m->name, next);
}

SCHED_TSAN_IGNORE_END
