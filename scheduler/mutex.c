// SPDX-License-Identifier: MIT
/* Sleeping locks: struct mutex, also used for the page lock. */
#include "sched.h"
#include "sync.h"
#include "sync_internal.h"

SCHED_TSAN_IGNORE_BEGIN

void mutex_init(struct mutex *m, const char *name)
{
	m->dep = (struct lockdep_map){.name = name, .kind = LOCK_MUTEX};
	m->waiters.n = 0;
	tsan_lock_create(&m->dep);
}

void mutex_lock(struct mutex *m)
{
	if (sched_self() < 0)
		return;
	might_sleep();
	sched_point_on(SITE("mutex_lock"), &m->dep, SCHED_WRITE);
	excl_lock(&m->dep, &m->waiters, "mutex_lock", SITE("mutex_lock:sleep"));
}

bool mutex_trylock(struct mutex *m)
{
	if (sched_self() < 0)
		return true;
	sched_point_on(SITE("mutex_trylock"), &m->dep, SCHED_WRITE);
	return excl_trylock(&m->dep, &m->waiters);
}

void mutex_unlock(struct mutex *m)
{
	if (sched_self() < 0)
		return;
	excl_unlock(&m->dep, &m->waiters, "mutex_unlock");
	sched_point_on(SITE("mutex_unlock"), &m->dep, SCHED_WRITE);
}

bool mutex_is_locked(const struct mutex *m)
{
	return m->dep.writer != 0;
}

SCHED_TSAN_IGNORE_END
