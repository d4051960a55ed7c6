// SPDX-License-Identifier: MIT
/* What a step touches (access.h). Stub until the recording lands. */
#include "access.h"

#include "sanitizer.h"
#include "sched.h"

SCHED_TSAN_IGNORE_BEGIN

const char sched_everything_object;
bool sched_accesses_on;

bool sched_access_conflict(const struct sched_access *a, const struct sched_access *b)
{
	if (!a->object || !b->object)
		return false;
	if (a->object != b->object && a->object != SCHED_EVERYTHING &&
	    b->object != SCHED_EVERYTHING)
		return false;
	return (a->mode | b->mode) & SCHED_WRITE;
}

void sched_point_on(struct sched_site *site, const void *object, enum sched_access_mode mode)
{
	(void)object;
	(void)mode;
	sched_point(site);
}

void sched_spin_on(struct sched_site *site, const void *object, enum sched_access_mode mode)
{
	(void)object;
	(void)mode;
	sched_spin(site);
}

void sched_access_log(const void *object, enum sched_access_mode mode)
{
	(void)object;
	(void)mode;
}

SCHED_TSAN_IGNORE_END
