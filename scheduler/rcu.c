// SPDX-License-Identifier: MIT
/*
 * RCU for simulated threads (rcu.h): per-thread read-side nesting, grace
 * periods as snapshots of the readers inside, callbacks run as early as
 * the rule allows.
 *
 * What a step touches, for partial-order reduction: a thread's nesting
 * (and its section count, which changes with it) is one object, written
 * by the thread's own lock and unlock and read by every grace-period
 * snapshot and check; the callback list is another.
 */
#include "rcu.h"

#include "access.h"
#include "ordering.h"
#include "sanitizer.h"
#include "sync.h"
#include "sync_internal.h"

SCHED_TSAN_IGNORE_BEGIN

_Static_assert(SCHED_MAX_THREADS <= 32, "rcu_grace_period.readers is a 32-bit mask");

/* lockdep sees a read-side section, and a running callback, as a held
 * lock of kind LOCK_RCU: "held-at-exit" and the held-lock lists come for
 * free, and might_sleep() refuses to sleep inside either. */
static struct lockdep_map rcu_lock_map = {.name = "rcu_read_lock", .kind = LOCK_RCU};
static struct lockdep_map rcu_callback_map = {.name = "rcu_callback", .kind = LOCK_RCU};

static struct {
	int nesting[SCHED_MAX_THREADS];
	uint32_t section[SCHED_MAX_THREADS];
	struct rcu_head *callbacks; /* waiting for their grace period, FIFO */
	struct rcu_head **tail;
	struct wait_queue_head gp_wq; /* synchronize_rcu() sleeps here */
} rcu;

void rcu_reset(void)
{
	for (int t = 0; t < SCHED_MAX_THREADS; t++) {
		rcu.nesting[t] = 0;
		rcu.section[t] = 0;
	}
	rcu.callbacks = NULL;
	rcu.tail = &rcu.callbacks;
	init_waitqueue_head(&rcu.gp_wq, "rcu grace period");
	tsan_lock_create(&rcu_lock_map);
	tsan_lock_create(&rcu_callback_map);
}

static const void *nesting_object(int tid)
{
	return &rcu.nesting[tid];
}

/* A grace period beginning now waits for the readers inside now. */
static void gp_begin(struct rcu_grace_period *gp)
{
	gp->readers = 0;
	for (int t = 0; t < SCHED_MAX_THREADS; t++) {
		sched_access(nesting_object(t), SCHED_READ);
		if (rcu.nesting[t] > 0) {
			gp->readers |= 1u << t;
			gp->section[t] = rcu.section[t];
		}
	}
}

/* Has every reader the grace period waits for left that section? Then
 * what they did inside happens-before what follows the grace period. */
static bool gp_elapsed(const struct rcu_grace_period *gp)
{
	for (int t = 0; t < SCHED_MAX_THREADS; t++) {
		if (!(gp->readers & (1u << t)))
			continue;
		sched_access(nesting_object(t), SCHED_READ);
		if (rcu.nesting[t] > 0 && rcu.section[t] == gp->section[t])
			return false;
	}
	for (int t = 0; t < SCHED_MAX_THREADS; t++) {
		if (gp->readers & (1u << t))
			acquire_ordering(nesting_object(t));
	}
	return true;
}

static void invoke_callback(struct rcu_head *head)
{
	bool in_thread = sched_self() >= 0;

	/* What the thread did before call_rcu happens-before the callback,
	 * whichever thread ends up running it. */
	acquire_ordering(head);
	if (in_thread) {
		lockdep_acquire(&rcu_callback_map, true);
		tsan_lock_acquired(&rcu_callback_map, true, false);
	}
	head->func(head);
	if (in_thread) {
		tsan_lock_released(&rcu_callback_map, true);
		lockdep_release(&rcu_callback_map);
	}
}

/* Run, in list order, every callback whose grace period has elapsed. */
static void invoke_ready_callbacks(void)
{
	struct rcu_head **link = &rcu.callbacks;

	sched_access(&rcu.callbacks, SCHED_READ);
	while (*link) {
		struct rcu_head *head = *link;

		if (!gp_elapsed(&head->gp)) {
			link = &head->next;
			continue;
		}
		sched_access(&rcu.callbacks, SCHED_WRITE);
		*link = head->next;
		if (rcu.tail == &head->next)
			rcu.tail = link;
		invoke_callback(head);
	}
}

void rcu_read_lock(void)
{
	int tid = sched_self();

	if (tid < 0)
		return;
	sched_access(nesting_object(tid), SCHED_WRITE);
	if (rcu.nesting[tid]++ > 0)
		return;
	rcu.section[tid]++;
	lockdep_acquire(&rcu_lock_map, true);
	tsan_lock_acquired(&rcu_lock_map, true, false);
}

void rcu_read_unlock(void)
{
	int tid = sched_self();

	if (tid < 0)
		return;
	if (rcu.nesting[tid] == 0)
		sched_fail("lock-discipline", "double-unlock",
			   "T%d '%s' rcu_read_unlock outside a read-side section", tid,
			   sched_thread_name(tid));
	sched_access(nesting_object(tid), SCHED_WRITE);
	if (--rcu.nesting[tid] > 0)
		return;
	tsan_lock_released(&rcu_lock_map, true);
	lockdep_release(&rcu_lock_map);
	release_ordering(nesting_object(tid));
	/* Leaving may end grace periods: run their callbacks, wake their
	 * synchronize_rcu() callers. */
	invoke_ready_callbacks();
	sched_access(&rcu.gp_wq.waiters, SCHED_READ);
	if (rcu.gp_wq.waiters.n)
		wake_up_all(&rcu.gp_wq);
}

bool rcu_read_lock_held(void)
{
	int tid = sched_self();

	/* Setup code on the main fiber has no concurrent updater. */
	return tid < 0 || rcu.nesting[tid] > 0;
}

void lockdep_assert_in_rcu_read_lock(void)
{
	int tid = sched_self();

	if (!rcu_read_lock_held())
		sched_fail("lock-discipline", "not-in-rcu-read",
			   "T%d '%s' must be inside an RCU read-side section here", tid,
			   sched_thread_name(tid));
}

static bool grace_period_over(void *arg)
{
	return gp_elapsed(arg);
}

void synchronize_rcu(void)
{
	struct rcu_grace_period gp;

	if (sched_self() < 0)
		return;
	might_sleep();
	gp_begin(&gp);
	wait_event(&rcu.gp_wq, grace_period_over, &gp);
}

void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	head->func = func;
	head->next = NULL;
	if (sched_self() < 0) {
		invoke_callback(head);
		return;
	}
	gp_begin(&head->gp);
	release_ordering(head);
	sched_access(&rcu.callbacks, SCHED_WRITE);
	*rcu.tail = head;
	rcu.tail = &head->next;
	invoke_ready_callbacks();
}

SCHED_TSAN_IGNORE_END
