// SPDX-License-Identifier: MIT
/*
 * What an executed schedule says about the others (dpor.h).
 *
 * Happens-before over the events (steps) of the execution: program order,
 * plus an edge from every event to each later conflicting event of any
 * thread (sched_access_conflict on their recorded accesses). Each event
 * gets a vector clock; two events of different threads race when they
 * conflict and the earlier one does not happen before the later one by
 * any other path. Reversing a race may change the outcome, so the later
 * event's thread is added to the backtrack set where the earlier event was
 * chosen (dynamic partial-order reduction, Flanagan and Godefroid, POPL
 * 2005); when that thread cannot be chosen there, every enabled thread is.
 *
 * Under a preemption bound that alone would lose schedules: running the
 * other thread right at the earlier event may need one preemption more
 * than the bound allows, while switching where the earlier event's thread
 * began its run of consecutive steps would not (Coons, Musuvathi and
 * McKinley, OOPSLA 2013). So the same backtrack point is also added at
 * the start of that block. Decisions where the bytes have no say (the
 * running thread blocked or exited) cannot take a backtrack point: it
 * goes to the nearest earlier decision that can.
 *
 * The class of the execution (its Mazurkiewicz trace) is hashed from each
 * thread's events in program order with their vector clocks, thread by
 * thread: equivalent executions give the same hash.
 */
#include "dpor_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanitizer.h"

SCHED_TSAN_IGNORE_BEGIN

#define T SCHED_MAX_THREADS

static void clock_join(uint32_t *into, const uint32_t *from)
{
	for (int t = 0; t < T; t++) {
		if (from[t] > into[t])
			into[t] = from[t];
	}
}

/* The nearest decision at or before k where the bytes can choose. */
static struct dpor_node *choosable_at_or_before(struct dpor *d, size_t k)
{
	for (size_t i = k + 1; i-- > 0;) {
		if (dpor_node_multi(&d->path[i]))
			return &d->path[i];
	}
	return NULL;
}

/* `bound`: a point added for the bound's sake (a block start), tried even
 * where its thread sleeps (dpor_sleep.c). */
static void add_backtrack(struct dpor *d, size_t k, int tid, bool bound)
{
	struct dpor_node *n = choosable_at_or_before(d, k);
	uint8_t add;

	if (!n)
		return;
	add = (n->enabled & (1u << tid)) ? (uint8_t)(1u << tid) : n->enabled;
	n->backtrack |= add;
	if (bound || n != &d->path[k])
		n->for_bound |= add;
}

/* Where the run of consecutive steps of event k's thread begins. */
static size_t block_start(const struct sched_result *r, size_t k)
{
	uint8_t q = r->events[k].tid;

	while (k > 0 && r->events[k - 1].tid == q)
		k--;
	return k;
}

/*
 * Event i races with a later step of thread `tid`: try `tid` at i, and at
 * the start of i's block. A block that began with a forced switch (the
 * thread before it blocked or exited) could not have been replaced there
 * for free, so the block before it is tried too, and so on back to a
 * block that began with a choice.
 */
static void on_race(struct dpor *d, const struct sched_result *r, size_t i, int tid)
{
	size_t b = block_start(r, i);

	add_backtrack(d, i, tid, false);
	for (;;) {
		if (b != i)
			add_backtrack(d, b, tid, true);
		if (b == 0 || dpor_node_multi(&d->path[b]))
			break;
		b = block_start(r, b - 1);
	}
}

/*
 * The step thread p is about to take: its earlier conflicting events (the
 * candidates the object index gives, latest first) are joined into
 * `clock` (p's clock before the step); one of another thread not already
 * ordered before the step by a later one is a race.
 */
static void order_step(struct dpor *d, const struct sched_result *r, const struct sched_access *a,
		       uint32_t n, int p, uint32_t *clock)
{
	size_t n_cand = dpor_objects_candidates(&d->objects, a, n, p);

	for (size_t c = 0; c < n_cand; c++) {
		size_t i = d->objects.cand[c];
		uint8_t q = r->events[i].tid;

		if (q != p && clock[q] < d->local[i] + 1 && d->opt.reduce)
			on_race(d, r, i, p);
		clock_join(clock, &d->clock[i * T]);
	}
}

static void reserve_clocks(struct dpor *d, size_t n)
{
	if (n <= d->cap_clock)
		return;
	d->clock = realloc(d->clock, n * T * sizeof(*d->clock));
	d->local = realloc(d->local, n * sizeof(*d->local));
	if (!d->clock || !d->local) {
		fprintf(stderr, "mmfuzz: out of memory for the exploration\n");
		abort();
	}
	d->cap_clock = n;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

static uint64_t class_hash(const struct dpor *d, const struct sched_result *r)
{
	uint64_t h = 0x243f6a8885a308d3ull;

	for (int t = 0; t < T; t++) {
		h = mix(h, 0x100u + (unsigned)t);
		for (size_t i = 0; i < r->n_events; i++) {
			if (r->events[i].tid != t)
				continue;
			h = mix(h, r->events[i].site_id);
			for (int u = 0; u < T; u++)
				h = mix(h, d->clock[i * T + u]);
		}
	}
	return h ? h : 1;
}

/* Insert into the set of class hashes; true if it was new. */
static bool class_insert(struct dpor *d, uint64_t h)
{
	size_t mask;

	if (2 * (d->stats.classes + 1) > d->cap_classes) {
		uint64_t *old = d->classes;
		size_t old_cap = d->cap_classes;

		d->cap_classes = old_cap ? 2 * old_cap : 1024;
		d->classes = calloc(d->cap_classes, sizeof(*d->classes));
		if (!d->classes) {
			fprintf(stderr, "mmfuzz: out of memory for the exploration\n");
			abort();
		}
		d->stats.classes = 0;
		for (size_t i = 0; i < old_cap; i++) {
			if (old[i])
				class_insert(d, old[i]);
		}
		free(old);
	}
	mask = d->cap_classes - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		if (d->classes[i] == h)
			return false;
		if (!d->classes[i]) {
			d->classes[i] = h;
			d->stats.classes++;
			return true;
		}
	}
}

void dpor_analyse(struct dpor *d, const struct sched_result *r)
{
	static const struct sched_access unknown_step = {SCHED_EVERYTHING, SCHED_WRITE};
	uint32_t thread_clock[T][T];
	uint32_t count[T] = {0};
	size_t n = r->n_events;

	if (!r->events || n != d->n_path)
		return; /* accesses not recorded: nothing to learn */
	reserve_clocks(d, n + 1);
	memset(thread_clock, 0, sizeof(thread_clock));
	dpor_objects_reset(&d->objects);
	for (size_t j = 0; j < n; j++) {
		const struct sched_event *e = &r->events[j];
		int p = e->tid;
		uint32_t *cj = &d->clock[j * T];

		memcpy(cj, thread_clock[p], sizeof(thread_clock[p]));
		order_step(d, r, &r->accesses[e->first], e->n, p, cj);
		d->local[j] = count[p]++;
		cj[p] = count[p];
		memcpy(thread_clock[p], cj, sizeof(thread_clock[p]));
		dpor_objects_note(&d->objects, &r->accesses[e->first], e->n, p, j);
	}
	/* Steps that never ran (a thread left behind when the execution ended)
	 * race with what ran. Only the access they would have begun with is
	 * known, not the ones they would have recorded after it: they count
	 * as touching everything. Not after an execution abandoned as
	 * redundant: every continuation of it is covered by another
	 * execution, which analyses those steps (dpor_sleep.c). */
	for (int p = 0; p < r->n_threads && d->opt.reduce && r->verdict != SCHED_ABANDONED; p++) {
		if (r->pending[p].object)
			order_step(d, r, &unknown_step, 1, p, thread_clock[p]);
	}
	/* An execution cut short (a violation, the step budget) has steps left
	 * whose order is not settled: only complete ones have a class. */
	if (r->verdict == SCHED_PASS || r->verdict == SCHED_DEADLOCK)
		class_insert(d, class_hash(d, r));
}

SCHED_TSAN_IGNORE_END
