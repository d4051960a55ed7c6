// SPDX-License-Identifier: MIT
/*
 * Wait queues: sleep until a condition holds. The condition is checked and
 * the thread queued with no scheduling point in between, so a wake-up
 * cannot be lost between the two (Linux gets the same guarantee from
 * prepare_to_wait() setting the task state before the check).
 */
#include "sched.h"
#include "sync.h"

#include "sanitizer.h"

SCHED_TSAN_IGNORE_BEGIN

void init_waitqueue_head(struct wait_queue_head *wq, const char *name)
{
	wq->waiters.n = 0;
	wq->name = name;
}

void wait_event(struct wait_queue_head *wq, bool (*cond)(void *arg), void *arg)
{
	if (sched_self() < 0)
		return;
	might_sleep();
	for (;;) {
		sched_point_on(SITE("wait_event"), &wq->waiters, SCHED_WRITE);
		if (cond(arg))
			return;
		sched_block_event(&wq->waiters, wq->name, SITE("wait_event:sleep"));
	}
}

void wake_up_all(struct wait_queue_head *wq)
{
	if (sched_self() < 0)
		return;
	sched_wake_all(&wq->waiters);
	sched_point_on(SITE("wake_up_all"), &wq->waiters, SCHED_WRITE);
}

SCHED_TSAN_IGNORE_END
