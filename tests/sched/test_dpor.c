// SPDX-License-Identifier: MIT
/*
 * Bounded exploration (scheduler/dpor.h) on the classic programs and on
 * small annotated ones: reduction reaches exactly the outcomes naive
 * enumeration reaches, with no more executions (strictly fewer where the
 * steps commute), and the same Mazurkiewicz classes, with source sets and
 * with the classic backtrack rule; K = 0 runs only the
 * non-preemptive schedule; each bug shows at its smallest bound and not
 * below; explorations are deterministic; a saved schedule replays.
 */
#include <stdlib.h>

#include "programs.h"
#include "programs_rcu.h"
#include "scheduler/dpor.h"
#include "test.h"

#define MAX_OUTCOMES 4096
#define MAX_K	     3

/* What an exploration saw: its distinct outcomes and how it got there. */
struct exploration {
	uint64_t outcome[MAX_OUTCOMES]; /* sorted after explore() */
	size_t n_outcomes;
	uint64_t class[MAX_OUTCOMES]; /* the classes' hashes, sorted after explore() */
	size_t n_classes;
	bool overflow;
	uint64_t executions, classes;
	uint64_t abandoned;	 /* cut short as redundant (sleep sets) */
	uint64_t schedules_hash; /* the sequence of trace hashes */
	bool bug_found, bound_reached;
	size_t schedule_len; /* of the first bug */
	uint8_t schedule[256];
};

static uint64_t mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

static uint64_t text_hash(const char *s)
{
	uint64_t h = 7;

	while (*s)
		h = mix(h, (unsigned char)*s++);
	return h;
}

/*
 * Verdict and kind; the program's state only when every thread finished:
 * an execution that stops at a violation leaves the steps it did not
 * reach undone, in whatever order they would have run.
 */
static uint64_t outcome_of(const struct program *p, const struct sched_result *r)
{
	uint64_t h = mix(mix(1, (uint64_t)r->verdict), text_hash(r->kind));

	if (r->verdict == SCHED_PASS && p->state)
		h = mix(h, p->state());
	return h;
}

/* Add v to the set set[0 .. *n). */
static void note_in(uint64_t *set, size_t *n, bool *overflow, uint64_t v)
{
	for (size_t i = 0; i < *n; i++) {
		if (set[i] == v)
			return;
	}
	if (*n == MAX_OUTCOMES) {
		*overflow = true;
		return;
	}
	set[(*n)++] = v;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The programs' step budgets, smaller where naive enumeration would not end. */
static uint64_t budget(const struct program *p)
{
	return p == &prog_rw_starvation ? 40 : p->max_steps;
}

/* Reduce without sleep sets, or with the classic backtrack rule (to compare). */
static bool no_sleep_sets, classic_dpor;

static void explore(const struct program *p, unsigned k, bool reduce, struct exploration *e)
{
	struct dpor_options o = {.preemptions = k,
				 .reduce = reduce,
				 .no_sleep_sets = no_sleep_sets,
				 .classic_dpor = classic_dpor};
	struct dpor *d = dpor_create(&o);
	struct sched_result r;

	*e = (struct exploration){.schedules_hash = 3};
	while (!dpor_done(d)) {
		struct sched_config cfg = {.strategy = dpor_strategy(d), .max_steps = budget(p)};

		p->setup();
		sched_run(&cfg, &r);
		if (r.verdict == SCHED_ABANDONED) {
			/* Redundant: stands for no outcome (dpor_sleep.c). */
			CHECK(reduce);
			e->abandoned++;
			continue;
		}
		note_in(e->outcome, &e->n_outcomes, &e->overflow, outcome_of(p, &r));
		if (dpor_last_class(d))
			note_in(e->class, &e->n_classes, &e->overflow, dpor_last_class(d));
		e->schedules_hash = mix(e->schedules_hash, r.trace_hash);
		if (r.verdict != SCHED_PASS && r.verdict == p->bug && !e->bug_found) {
			e->bug_found = true;
			e->schedule_len = dpor_schedule_bytes(d, e->schedule, sizeof(e->schedule));
		}
	}
	e->executions = dpor_stats(d)->executions;
	CHECK(e->abandoned == dpor_stats(d)->sleep_blocked);
	e->classes = dpor_stats(d)->classes;
	e->bound_reached = dpor_stats(d)->bound_reached;
	qsort(e->outcome, e->n_outcomes, sizeof(e->outcome[0]), cmp_u64);
	qsort(e->class, e->n_classes, sizeof(e->class[0]), cmp_u64);
	CHECK(e->n_classes == e->classes);
	dpor_destroy(d);
}

static bool same_outcomes(const struct exploration *a, const struct exploration *b)
{
	return a->n_outcomes == b->n_outcomes && !a->overflow && !b->overflow &&
	       !memcmp(a->outcome, b->outcome, a->n_outcomes * sizeof(a->outcome[0]));
}

/* The same Mazurkiewicz classes, not just as many. */
static bool same_classes(const struct exploration *a, const struct exploration *b)
{
	return a->n_classes == b->n_classes && !a->overflow && !b->overflow &&
	       !memcmp(a->class, b->class, a->n_classes * sizeof(a->class[0]));
}

static const struct program *const programs[] = {
	&prog_independent,
	&prog_message_passing,
	&prog_three,
	&prog_lost_update,
	&prog_abba_deadlock,
	&prog_clean,
	&prog_rw_starvation,
	/* RCU's recorded accesses must order grace periods and callbacks too. */
	&prog_rcu_synchronize,
	&prog_rcu_callback,
	&prog_rcu_no_grace_period,
};

/* Naive enumeration of the larger programs at K = 3 takes too long. */
static unsigned max_k(const struct program *p)
{
	if (p == &prog_clean)
		return 1;
	if (p == &prog_rw_starvation)
		return 2;
	return MAX_K;
}

static struct exploration naive, reduced, classic;

void test_dpor_agrees_with_naive(void)
{
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
		const struct program *p = programs[i];

		for (unsigned k = 0; k <= max_k(p); k++) {
			explore(p, k, false, &naive);
			explore(p, k, true, &reduced);
			classic_dpor = true;
			explore(p, k, true, &classic);
			classic_dpor = false;
			printf("    %-19s K=%u naive %5llu classic %5llu source sets %5llu "
			       "(%llu redundant) classes %llu/%llu outcomes %zu/%zu\n",
			       p->name, k, (unsigned long long)naive.executions,
			       (unsigned long long)classic.executions,
			       (unsigned long long)reduced.executions,
			       (unsigned long long)reduced.abandoned,
			       (unsigned long long)reduced.classes,
			       (unsigned long long)naive.classes, reduced.n_outcomes,
			       naive.n_outcomes);
			CHECK(same_outcomes(&naive, &reduced));
			CHECK(same_outcomes(&naive, &classic));
			CHECK(reduced.executions <= naive.executions);
			CHECK(same_classes(&naive, &reduced));
			CHECK(same_classes(&naive, &classic));
			CHECK(naive.bug_found == reduced.bug_found);
			if (p == &prog_independent && k > 0)
				CHECK(reduced.executions < naive.executions);
			/* Sleep sets run fewer where a thread's step was tried
			 * already and commutes with what follows. */
			if ((p == &prog_three || p == &prog_abba_deadlock) && k >= 2) {
				no_sleep_sets = true;
				explore(p, k, true, &naive);
				no_sleep_sets = false;
				CHECK(same_outcomes(&naive, &reduced));
				CHECK(reduced.executions < naive.executions);
			}
		}
	}
}

/* K = 0: exactly one schedule, the one the fallback pick runs. */
void test_dpor_k0_is_non_preemptive(void)
{
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
		const struct program *p = programs[i];
		struct sched_result r;
		struct sched_config cfg = {.max_steps = budget(p)};

		for (int reduce = 0; reduce < 2; reduce++) {
			explore(p, 0, reduce, &naive);
			CHECK(naive.executions == 1);
			CHECK(naive.n_outcomes == 1);
			p->setup();
			sched_run(&cfg, &r);
			CHECK(naive.schedules_hash == mix(3, r.trace_hash));
		}
	}
}

/* Each bug at its smallest bound, not below; its schedule replays it. */
void test_dpor_bug_at_smallest_bound(void)
{
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
		const struct program *p = programs[i];

		for (int reduce = 0; reduce < 2; reduce++) {
			for (int k = 0; k <= (int)max_k(p); k++) {
				struct strategy_bytes b;
				struct sched_result r;
				struct sched_config cfg = {.strategy = &b.base,
							   .max_steps = budget(p)};

				explore(p, (unsigned)k, reduce, &naive);
				CHECK(naive.bug_found ==
				      (p->smallest_k >= 0 && k >= p->smallest_k));
				if (!naive.bug_found)
					continue;
				strategy_bytes_init(&b, naive.schedule, naive.schedule_len);
				p->setup();
				sched_run(&cfg, &r);
				CHECK_R(r.verdict == p->bug, &r);
			}
		}
	}
}

/* Two explorations run the same schedules in the same order. */
void test_dpor_deterministic(void)
{
	for (int reduce = 0; reduce < 2; reduce++) {
		explore(&prog_three, 2, reduce, &naive);
		explore(&prog_three, 2, reduce, &reduced);
		CHECK(naive.executions == reduced.executions);
		CHECK(naive.schedules_hash == reduced.schedules_hash);
		CHECK(naive.bound_reached && reduced.bound_reached);
	}
}

static bool site_is(const struct sched_event *e, const char *name)
{
	const char *s = sched_site_name(e->site_id);

	return s && !strcmp(s, name);
}

/*
 * The event log: one event per decision, for the thread it chose, that
 * begins with the access announced at the point it starts from; a woken
 * sleeper's step begins with a write of the queue its waker wrote.
 */
void test_access_recording(void)
{
	struct sched_config cfg = {
		.max_steps = 1000, .record_decisions = true, .record_accesses = true};
	struct sched_result r;
	const void *queue = NULL;
	bool saw_flag = false, saw_sleeper = false;
	static const uint8_t checker_first_bytes[] = {0, 2};
	struct strategy_bytes checker_first;

	prog_message_passing.setup();
	sched_run(&cfg, &r);
	CHECK(r.n_events == r.n_decisions && r.n_events > 0);
	CHECK(!sched_accesses_on);
	for (size_t k = 0; k < r.n_events; k++) {
		const struct sched_event *e = &r.events[k];

		CHECK(e->tid == r.decisions[k].chosen);
		CHECK(e->first + e->n <= r.n_accesses);
		if (site_is(e, "mp:flag")) {
			saw_flag = true;
			CHECK(e->n == 1 && r.accesses[e->first].mode == SCHED_WRITE);
		}
	}
	CHECK(saw_flag);
	CHECK(r.pending[0].object == NULL && r.pending[1].object == NULL); /* both exited */

	/* The checker first, so that it sleeps until the increments are done. */
	strategy_bytes_init(&checker_first, checker_first_bytes, sizeof(checker_first_bytes));
	cfg.strategy = &checker_first.base;
	prog_lost_update.setup();
	sched_run(&cfg, &r);
	CHECK(r.n_events == r.n_decisions);
	for (size_t k = 0; k < r.n_events; k++) {
		const struct sched_event *e = &r.events[k];

		if (site_is(e, "wait_event:sleep")) {
			saw_sleeper = true;
			queue = r.accesses[e->first].object;
			CHECK(e->n >= 1 && r.accesses[e->first].mode == SCHED_WRITE);
		}
	}
	CHECK(saw_sleeper && queue);
	/* Some earlier step of another thread wrote that queue (the wake-up). */
	saw_sleeper = false;
	for (size_t k = 0; k < r.n_events && !saw_sleeper; k++) {
		const struct sched_event *e = &r.events[k];

		for (uint32_t x = 0; x < e->n; x++)
			saw_sleeper |= e->tid != 2 && r.accesses[e->first + x].object == queue;
	}
	CHECK(saw_sleeper);

	/* Not asked for: nothing recorded, and the flag stays down. */
	cfg.record_accesses = false;
	cfg.strategy = NULL;
	prog_lost_update.setup();
	sched_run(&cfg, &r);
	CHECK(r.events == NULL && r.n_events == 0 && !sched_accesses_on);
}

/*
 * A program that is not deterministic (its shape changes from one run to
 * the next): replaying a prefix drifts, and the exploration stops and
 * says so rather than claiming to have covered anything.
 */
static unsigned nd_runs;
static int nd_x;

static void nd_changing(void *arg)
{
	unsigned points = nd_runs % 3 + 1;

	for (unsigned i = 0; i < points; i++) {
		sched_point_on(SITE("nd:changing"), &nd_x, SCHED_WRITE);
		nd_x++;
	}
}

static void nd_steady(void *arg)
{
	sched_point_on(SITE("nd:steady"), &nd_x, SCHED_WRITE);
	nd_x += 10;
}

void test_dpor_drift_stops(void)
{
	for (int reduce = 0; reduce < 2; reduce++) {
		struct dpor_options o = {.preemptions = 2, .reduce = reduce};
		struct dpor *d = dpor_create(&o);
		struct sched_result r = {0};
		uint64_t runs = 0;

		nd_runs = 0;
		while (!dpor_done(d) && runs < 100) {
			struct sched_config cfg = {.strategy = dpor_strategy(d), .max_steps = 100};

			nd_runs++;
			nd_x = 0;
			sched_spawn(nd_changing, NULL, "changing");
			sched_spawn(nd_steady, NULL, "steady");
			sched_run(&cfg, &r);
			runs++;
		}
		CHECK(dpor_done(d) && dpor_stats(d)->drifted);
		CHECK_R(r.verdict == SCHED_DRIFT, &r);
		CHECK(strstr(r.report, "not deterministic") != NULL);
		dpor_destroy(d);
	}
}
