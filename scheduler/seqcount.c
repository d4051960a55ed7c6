// SPDX-License-Identifier: MIT
/*
 * Sequence counters (mm->write_protect_seq). Writers must be serialised by
 * the caller, as in Linux. Readers do not wait for a writer in progress:
 * read_seqcount_begin() returns the count with the low bit cleared, so a
 * section that overlapped a writer fails read_seqcount_retry() (the
 * raw_seqcount_begin() behaviour). A retry loop should spin with
 * sched_spin() so that it is not a livelock by itself.
 *
 * No TSan annotation: seqcount readers race with the writer by design;
 * data they read should be accessed with atomics in the model.
 */
#include "sched.h"
#include "sync.h"

#include "sanitizer.h"

SCHED_TSAN_IGNORE_BEGIN

void seqcount_init(seqcount_t *s, const char *name)
{
	s->sequence = 0;
	s->name = name;
}

void write_seqcount_begin(seqcount_t *s)
{
	sched_point_on(SITE("write_seqcount_begin"), &s->sequence, SCHED_WRITE);
	s->sequence++;
}

void write_seqcount_end(seqcount_t *s)
{
	sched_access(&s->sequence, SCHED_WRITE);
	s->sequence++;
	sched_point_on(SITE("write_seqcount_end"), &s->sequence, SCHED_WRITE);
}

uint32_t read_seqcount_begin(const seqcount_t *s)
{
	sched_point_on(SITE("read_seqcount_begin"), &s->sequence, SCHED_READ);
	return s->sequence & ~1u;
}

bool read_seqcount_retry(const seqcount_t *s, uint32_t start)
{
	sched_point_on(SITE("read_seqcount_retry"), &s->sequence, SCHED_READ);
	return s->sequence != start;
}

SCHED_TSAN_IGNORE_END
