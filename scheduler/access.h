/* SPDX-License-Identifier: MIT */
/*
 * What a step touches, for partial-order reduction.
 *
 * A step is what one thread runs from one scheduling point to its next.
 * Two steps of different threads are dependent when they access the same
 * object and at least one writes it; independent steps commute, so a
 * systematic search (prove) needs to run only one of their orders, and a
 * sampler (POS) re-draws the priorities only of steps that race.
 *
 * An object is identified by the address of the model state it names (a
 * lock, a PTE, a folio's counters, a TLB entry, a page word, a VMA...).
 * Addresses are only ever compared for equality within one process, never
 * printed, hashed into traces or used to order anything, so determinism
 * does not depend on them.
 *
 * A scheduling point announces the access its next step begins with
 * (sched_point_on); the step may record further accesses as it makes them
 * (sched_access). A plain sched_point() announces SCHED_EVERYTHING: it is
 * dependent with every step, which is always sound but reduces nothing.
 */
#ifndef MMFUZZ_SCHEDULER_ACCESS_H
#define MMFUZZ_SCHEDULER_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "site.h"

enum sched_access_mode {
	SCHED_READ = 1,
	SCHED_WRITE = 2, /* lock acquire and release count as writes of the lock */
};

struct sched_access {
	const void *object; /* NULL: no access */
	uint32_t mode;	    /* enum sched_access_mode */
};

/* The object every access conflicts with: an unannotated step. */
extern const char sched_everything_object;
#define SCHED_EVERYTHING ((const void *)&sched_everything_object)

/* Same object (or SCHED_EVERYTHING on either side), at least one write. */
bool sched_access_conflict(const struct sched_access *a, const struct sched_access *b);

/* A scheduling point whose next step begins with (object, mode). */
void sched_point_on(struct sched_site *site, const void *object, enum sched_access_mode mode);
/* The same, inside a spin loop (see sched_spin()). */
void sched_spin_on(struct sched_site *site, const void *object, enum sched_access_mode mode);

/*
 * Record a further access of the running step. Cheap when nobody listens:
 * one test of a flag (the run's sched_config.record_accesses).
 */
extern bool sched_accesses_on;
void sched_access_log(const void *object, enum sched_access_mode mode);
static inline void sched_access(const void *object, enum sched_access_mode mode)
{
	if (sched_accesses_on)
		sched_access_log(object, mode);
}

/*
 * One step of a recorded execution: the decision that chose `tid` (index
 * into sched_result.decisions when those are recorded too), and the
 * accesses it made, accesses[first .. first + n).
 */
struct sched_event {
	uint32_t site_id; /* the point the step starts from */
	uint32_t first, n;
	uint8_t tid;
};

#endif
