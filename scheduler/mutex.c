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
	sched_point(SITE("mutex_lock"));
	excl_lock(&m->dep, &m->waiters, "mutex_lock", SITE("mutex_lock:sleep"));
}

bool mutex_trylock(struct mutex *m)
{
	if (sched_self() < 0)
		return true;
	sched_point(SITE("mutex_trylock"));
	return excl_trylock(&m->dep, &m->waiters);
}

void mutex_unlock(struct mutex *m)
{
	if (sched_self() < 0)
		return;
	excl_unlock(&m->dep, &m->waiters, "mutex_unlock");
	sched_point(SITE("mutex_unlock"));
}

bool mutex_is_locked(const struct mutex *m)
{
	return m->dep.writer != 0;
}

SCHED_TSAN_IGNORE_END
