// SPDX-License-Identifier: MIT
/*
 * Spinlocks (the page-table lock). A contended spin_lock waits like a
 * queued waiter — the same interleavings as spinning, without burning
 * steps — but the holder must not sleep: might_sleep() checks that.
 *
 * Outside an execution (model setup on the main fiber) the primitives do
 * nothing, so that setup code may call helpers that lock.
 */
#include "sched.h"
#include "sync.h"
#include "sync_internal.h"

SCHED_TSAN_IGNORE_BEGIN

void spin_lock_init(spinlock_t *l, const char *name)
{
	l->dep = (struct lockdep_map){.name = name, .kind = LOCK_SPIN};
	l->waiters.n = 0;
	tsan_lock_create(&l->dep);
}

void spin_lock(spinlock_t *l)
{
	if (sched_self() < 0)
		return;
	sched_point_on(SITE("spin_lock"), &l->dep, SCHED_WRITE);
	excl_lock(&l->dep, &l->waiters, "spin_lock", SITE("spin_lock:contended"));
}

bool spin_trylock(spinlock_t *l)
{
	if (sched_self() < 0)
		return true;
	sched_point_on(SITE("spin_trylock"), &l->dep, SCHED_WRITE);
	return excl_trylock(&l->dep, &l->waiters);
}

void spin_unlock(spinlock_t *l)
{
	if (sched_self() < 0)
		return;
	excl_unlock(&l->dep, &l->waiters, "spin_unlock");
	sched_point_on(SITE("spin_unlock"), &l->dep, SCHED_WRITE);
}

bool spin_is_locked(const spinlock_t *l)
{
	return l->dep.writer != 0;
}

SCHED_TSAN_IGNORE_END
