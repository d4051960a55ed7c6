// SPDX-License-Identifier: MIT
/* What a step touches (access.h). The recording itself is in sched.c. */
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

SCHED_TSAN_IGNORE_END
