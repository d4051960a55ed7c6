// SPDX-License-Identifier: MIT
/*
 * The bounded-proof driver (prove.h): iterative context bounding over
 * scheduler/dpor.h's explorations, one per bound.
 */
#include "prove.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "runner.h"
#include "scheduler/dpor.h"

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool budget_left(const struct prove_options *o, const struct prove_result *r)
{
	return o->max_schedules == 0 || r->schedules < o->max_schedules;
}

static void copy_stats(struct prove_bound *b, const struct dpor *d)
{
	const struct dpor_stats *s = dpor_stats(d);

	b->sleep_blocked = s->sleep_blocked;
	b->classes = s->classes;
	b->max_steps = s->max_steps;
	b->bound_reached = s->bound_reached;
}

/* The violating execution d just ran: keep it and its schedule bytes. */
static void keep_violation(struct prove_result *r, const struct dpor *d, unsigned k,
			   const struct exec_result *e)
{
	r->verdict = PROVE_VIOLATION;
	r->found_k = k;
	r->violation = *e;
	/* Its recorded steps belong to the scheduler's next run. */
	r->violation.sched.decisions = NULL;
	r->violation.sched.n_decisions = 0;
	r->violation.sched.events = NULL;
	r->violation.sched.n_events = 0;
	r->violation.sched.accesses = NULL;
	r->violation.sched.n_accesses = 0;
	r->schedule_len = dpor_schedule_bytes(d, r->schedule, sizeof(r->schedule));
	/* An execution with no switch needs no bytes: length 0 is a schedule. */
	r->schedule_fits = r->schedule_len > 0 || dpor_last_preemptions(d) == 0;
}

static void tell_progress(const struct prove_options *o, const struct prove_result *r)
{
	if (o->progress)
		o->progress(r, o->progress_arg);
}

/* The execution just run did not replay its prefix: keep why, stop. */
static void keep_drift(struct prove_result *r, unsigned k, const struct exec_result *e)
{
	const char *why = e->sched.report[0] ? e->sched.report : "the schedule drifted on replay";

	r->verdict = PROVE_DRIFT;
	r->found_k = k;
	snprintf(r->drift, sizeof(r->drift), "%.*s", (int)strcspn(why, "\n"), why);
}

/*
 * One bound's exploration, until it is done, a violation, a drift or the
 * budget. An execution the exploration cut short as redundant
 * (SCHED_ABANDONED) is a schedule run but not a verdict: its ending is
 * not a real one (the runner may call it a violation: it is not).
 */
static void explore_bound(const struct input *in, const struct prove_options *o, unsigned k,
			  struct prove_result *r)
{
	struct dpor_options dopt = {.preemptions = k,
				    .reduce = o->reduce,
				    .no_sleep_sets = o->no_sleep_sets,
				    .classic_dpor = o->classic_dpor};
	struct dpor *d = dpor_create(&dopt);
	struct prove_bound *b = &r->bounds[r->n_bounds++];
	double start = now_seconds();
	struct exec_result e;

	*b = (struct prove_bound){.k = k};
	while (!dpor_done(d) && budget_left(o, r)) {
		runner_execute(in, dpor_strategy(d), false, NULL, &e);
		b->schedules++;
		r->schedules++;
		if (e.sched.verdict == SCHED_DRIFT || dpor_stats(d)->drifted) {
			keep_drift(r, k, &e);
			break;
		}
		if (e.violation && e.sched.verdict != SCHED_ABANDONED) {
			keep_violation(r, d, k, &e);
			break;
		}
		if (o->progress_every && r->schedules % o->progress_every == 0) {
			copy_stats(b, d);
			tell_progress(o, r);
		}
	}
	copy_stats(b, d);
	b->complete = dpor_done(d) && !dpor_stats(d)->drifted;
	b->seconds = now_seconds() - start;
	dpor_destroy(d);
}

void prove_run(const struct input *in, const struct prove_options *o, struct prove_result *r)
{
	unsigned bound = o->preemptions > PROVE_MAX_BOUND ? PROVE_MAX_BOUND : o->preemptions;

	memset(r, 0, sizeof(*r));
	r->verdict = PROVE_PROVED;
	for (unsigned k = 0; k <= bound; k++) {
		const struct prove_bound *b;

		explore_bound(in, o, k, r);
		b = &r->bounds[r->n_bounds - 1];
		tell_progress(o, r);
		if (r->verdict == PROVE_VIOLATION || r->verdict == PROVE_DRIFT)
			return;
		if (!b->complete) {
			r->verdict = PROVE_INCOMPLETE;
			return;
		}
		/* No schedule needed one more preemption: higher bounds would
		 * explore the same schedules again. */
		if (!b->bound_reached) {
			r->exhaustive = true;
			return;
		}
	}
}

uint64_t prove_classes(const struct prove_result *r)
{
	return r->n_bounds ? r->bounds[r->n_bounds - 1].classes : 0;
}
