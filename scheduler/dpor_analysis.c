// SPDX-License-Identifier: MIT
/*
 * What an executed schedule says about the others (dpor.h).
 *
 * Happens-before over the events (steps) of the execution: program order,
 * plus an edge from every event to each later conflicting event of any
 * thread (sched_access_conflict on their recorded accesses). Each event
 * gets a vector clock; two events of different threads race when they
 * conflict and the earlier one does not happen before the later one by
 * any other path. Reversing a race may change the outcome, so the search
 * must also run a schedule that reverses it.
 *
 * Source sets (Abdulla, Aronis, Jonsson and Sagonas, POPL 2014). For a
 * race between event i (thread q) and a later step j (thread p), let v be
 * the events after i that do not happen after event i, in the order they
 * ran, then step j. Every schedule that shares the prefix before i and
 * runs step j before event i is equivalent to one that begins, at i, with
 * an initial of v: a thread whose first event in v has no predecessor in
 * v (swapping adjacent independent steps brings that event to the front).
 * So one initial tried at i is enough: when one is already done there or
 * in the backtrack set, nothing is added; else one is, the default pick
 * if it is an initial (no preemption), else p, else the lowest. A thread
 * whose choice at i would exceed the bound counts as not tried (it never
 * runs). The classic rule (Flanagan and Godefroid, POPL 2005) adds p
 * itself, or every enabled thread when p cannot run at i; it stays
 * available as dpor_options.classic_dpor, to compare.
 *
 * The bound (Coons, Musuvathi and McKinley, OOPSLA 2013). Running another
 * thread right at i may cost one preemption more than the bound allows,
 * while switching where q's run of consecutive steps (its block) began
 * would not: q's arrival there was a switch already. So p is also added
 * at the block start b, marked as added for the bound (tried even where
 * it sleeps, dpor_sleep.c). This is their rule unchanged: p, or every
 * enabled thread when p cannot run at b. A decision where the bytes have
 * no say (the running thread blocked or exited) cannot take a point: it
 * goes to the nearest earlier decision that can, by the same rule; and a
 * block that began with such a forced switch could not have been replaced
 * for free, so the blocks before it are given p too, back to one that
 * began with a choice. Source sets there were tried (the initials of the
 * events after i that happen after none of q's block): fewer schedules on
 * the scheduler's three-thread program, but more classes missed on
 * latest-was-proc-mem-fork (24 of 5,082 against 5), so not kept.
 *
 * Where source sets do not apply at i, the classic rule does: a decision
 * where the bytes have no say, and an initial that is not enabled at i
 * (its enabling is not in happens-before, e.g. a thread whose first step
 * announced nothing, so the initials are not to be trusted there). A step
 * that never ran (a thread left behind at the end) counts as touching
 * everything; its races are treated like the others.
 *
 * Why no class within the bound should be lost, and where it may be. At
 * i the initial chosen costs no more than the classic rule's p (the
 * default pick nothing, any other thread one, as p), and the points the
 * bound needs (block starts) are the classic ones. When p is not an
 * initial, the classic p-first schedule is no reversal of v either: both
 * rules rely on the races of the subtree's own schedules to reach v's
 * order, and the unbounded argument (the paper's: the threads tried at
 * each decision form a source set for the schedules the sleep sets do not
 * cover) carries over. What is not proved: when an initial r tried
 * already covers the race, the reversal in r's subtree runs r's event
 * first, and may need one switch more than the p-first schedule the
 * classic rule would have added; within the bound that could hide it.
 * Measured instead: test_dpor (same outcomes and classes as naive
 * enumeration on the scheduler's programs, with either rule), test_prove
 * (same outcomes on model scenarios), and the classes on latest in
 * docs/prove.md, where source sets miss fewer classes than the classic
 * rule. Neither rule is complete for the bound when a forced switch
 * decides where a later choice can fall: docs/prove.md, "Completeness
 * within the bound".
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

/* Position of thread t's first event after position i, among its first
 * `count` events; SIZE_MAX when there is none. */
static size_t first_after(const struct dpor *d, int t, uint32_t count, size_t i)
{
	uint32_t lo = 0, hi = count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (d->by_thread[(size_t)mid * T + (size_t)t] > i)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo < count ? d->by_thread[(size_t)lo * T + (size_t)t] : SIZE_MAX;
}

/* A race: earlier event i, and the later step of thread p at position j
 * (j = n_events for a step that never ran), with its complete clock. */
struct race {
	size_t i, j;
	int p;
	const uint32_t *clock_j;
	const uint32_t *count; /* each thread's events before j */
};

/*
 * The initials of v, where v is the events after i that do not happen
 * after event i, in execution order, followed by step j: the threads
 * whose first event in v has no predecessor in v. A thread's events in v
 * are those after i up to its first that happens after event i (then all
 * its later ones do too); its first event in v has a predecessor in v
 * when its clock counts an event of another thread's part of v.
 */
static uint8_t race_initials(const struct dpor *d, const struct sched_result *r,
			     const struct race *x)
{
	uint8_t q = r->events[x->i].tid, in_v = 0, initials = 0;
	uint32_t li = d->local[x->i], base[T];
	const uint32_t *clk[T];

	for (int t = 0; t < T; t++) {
		size_t k;

		if (t == q)
			continue;
		k = first_after(d, t, x->count[t], x->i);
		if (k >= x->j) {
			if (t != x->p)
				continue;
			k = x->j;
		}
		clk[t] = k == x->j ? x->clock_j : &d->clock[k * T];
		/* Step j is in v (its clock has event i: the race). */
		if (k != x->j && clk[t][q] > li)
			continue; /* happens after event i, and so do its later ones */
		base[t] = k == x->j ? x->count[t] : d->local[k];
		in_v |= (uint8_t)(1u << t);
	}
	for (int t = 0; t < T; t++) {
		bool first = (in_v >> t) & 1;

		for (int u = 0; u < T && first; u++)
			first = u == t || !((in_v >> u) & 1) || clk[t][u] <= base[u];
		if (first)
			initials |= (uint8_t)(1u << t);
	}
	return initials;
}

/* Choosing thread t at node n stays within the bound. */
static bool within_bound(const struct dpor *d, const struct dpor_node *n, int t)
{
	return n->preemptions + (unsigned)(t != n->dflt) <= d->opt.preemptions;
}

/* Of `set`: the default pick (no preemption), else p, else the lowest. */
static int preferred(const struct dpor_node *n, uint8_t set, int p)
{
	if (set & (1u << n->dflt))
		return n->dflt;
	if (set & (1u << p))
		return p;
	for (int t = 0; t < T; t++) {
		if (set & (1u << t))
			return t;
	}
	return -1;
}

/*
 * The source-set rule at the race's earlier event (see the top): false
 * where it does not apply (a decision the bytes cannot make, or an initial
 * that is not enabled there), and the classic rule must do.
 */
static bool add_source(struct dpor *d, const struct sched_result *r, const struct race *x)
{
	struct dpor_node *n = &d->path[x->i];
	uint8_t initials, fit = 0, pick;

	if (d->opt.classic_dpor || !dpor_node_multi(n))
		return false;
	initials = race_initials(d, r, x);
	if (!initials || (initials & ~n->enabled))
		return false;
	for (int t = 0; t < T; t++) {
		if (((initials >> t) & 1) && within_bound(d, n, t))
			fit |= (uint8_t)(1u << t);
	}
	if (fit & (n->done | n->backtrack))
		return true; /* one already tried, or to be tried, here */
	pick = (uint8_t)preferred(n, fit ? fit : initials, x->p);
	n->backtrack |= (uint8_t)(1u << pick);
	return true;
}

/*
 * Event i races with a later step of thread p: try an initial of the
 * reversal at i (or, classically, p), and p at the start of i's block. A
 * block that began with a forced switch (the thread before it blocked or
 * exited) could not have been replaced there for free, so the block
 * before it is tried too, and so on back to a block that began with a
 * choice.
 */
static void on_race(struct dpor *d, const struct sched_result *r, const struct race *x)
{
	size_t i = x->i, b = block_start(r, i);

	if (!add_source(d, r, x))
		add_backtrack(d, i, x->p, false);
	for (;;) {
		if (b != i)
			add_backtrack(d, b, x->p, true);
		if (b == 0 || dpor_node_multi(&d->path[b]))
			break;
		b = block_start(r, b - 1);
	}
}

static void reserve_races(struct dpor *d, size_t n)
{
	if (n <= d->cap_races)
		return;
	d->cap_races = 2 * n;
	d->races = realloc(d->races, d->cap_races * sizeof(*d->races));
	if (!d->races) {
		fprintf(stderr, "mmfuzz: out of memory for the exploration\n");
		abort();
	}
}

/*
 * The step thread p is about to take at position j: its earlier
 * conflicting events (the candidates the object index gives, latest
 * first) are joined into `clock` (p's clock before the step); one of
 * another thread not already ordered before the step by a later one is a
 * race. The races are resolved once the clock is complete: the initials
 * of a reversal depend on all of the step's predecessors.
 */
static void order_step(struct dpor *d, const struct sched_result *r, const struct sched_access *a,
		       uint32_t n, int p, size_t j, uint32_t *clock, const uint32_t *count)
{
	size_t n_cand = dpor_objects_candidates(&d->objects, a, n, p), n_races = 0;
	reserve_races(d, n_cand);
	for (size_t c = 0; c < n_cand; c++) {
		size_t i = d->objects.cand[c];
		uint8_t q = r->events[i].tid;

		if (q != p && clock[q] < d->local[i] + 1 && d->opt.reduce)
			d->races[n_races++] = (uint32_t)i;
		clock_join(clock, &d->clock[i * T]);
	}
	for (size_t k = 0; k < n_races; k++) {
		struct race x = {
			.i = d->races[k], .j = j, .p = p, .clock_j = clock, .count = count};

		on_race(d, r, &x);
	}
}

static void reserve_clocks(struct dpor *d, size_t n)
{
	if (n <= d->cap_clock)
		return;
	d->clock = realloc(d->clock, n * T * sizeof(*d->clock));
	d->local = realloc(d->local, n * sizeof(*d->local));
	d->by_thread = realloc(d->by_thread, n * T * sizeof(*d->by_thread));
	if (!d->clock || !d->local || !d->by_thread) {
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

	d->last_class = 0;
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
		order_step(d, r, &r->accesses[e->first], e->n, p, j, cj, count);
		d->by_thread[(size_t)count[p] * T + (size_t)p] = (uint32_t)j;
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
			order_step(d, r, &unknown_step, 1, p, n, thread_clock[p], count);
	}
	/* An execution cut short (a violation, the step budget) has steps left
	 * whose order is not settled: only complete ones have a class. */
	if (r->verdict == SCHED_PASS || r->verdict == SCHED_DEADLOCK) {
		d->last_class = class_hash(d, r);
		class_insert(d, d->last_class);
	}
}

SCHED_TSAN_IGNORE_END
