/* SPDX-License-Identifier: MIT */
/* The minimiser's passes over the schedule: fewer switches, switches moved
 * earlier or to another thread, then every schedule with few preemptions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minimize.h"
#include "minimize_internal.h"
#include "runner.h"

/* ---- the schedule ----------------------------------------------------- */

static bool try_plan(struct minimizer *m, const struct plan *p)
{
	struct version *v = &m->trial;

	v->sc = m->best.sc;
	v->plan = *p;
	v->len = 0;
	return run_trial(m, true) && schedule_better(v, &m->best) && commit_trial(m);
}

/* The plan without its voluntary switches number lo..hi-1 (counting
 * only those: the forced ones are kept, they are never followed). */
static void plan_without(const struct plan *from, int lo, int hi, struct plan *to)
{
	int k = 0;

	to->n = 0;
	for (int i = 0; i < from->n; i++) {
		bool voluntary = !from->sw[i].forced;

		if (!voluntary || k < lo || k >= hi)
			to->sw[to->n++] = from->sw[i];
		k += voluntary;
	}
}

static int voluntary_switches(const struct plan *p)
{
	int n = 0;

	for (int i = 0; i < p->n; i++)
		n += !p->sw[i].forced;
	return n;
}

/* ddmin over the plan's switches. */
bool remove_switches(struct minimizer *m)
{
	static struct plan p;
	bool progress = false;
	int parts = 2;

	for (;;) {
		int n = voluntary_switches(&m->best.plan);
		bool reduced = false;

		if (n == 0 || spent(m))
			break;
		if (parts > n)
			parts = n;
		for (int k = 0; k < parts && !reduced; k++) {
			plan_without(&m->best.plan, k * n / parts, (k + 1) * n / parts, &p);
			reduced = try_plan(m, &p);
		}
		progress |= reduced;
		parts = ddmin_next_parts(parts, n, reduced);
		if (!parts)
			break;
	}
	return progress;
}

/* Each switch a few points earlier in its op, or to another thread. */
bool move_switches(struct minimizer *m)
{
	static struct plan p;
	bool progress = false;

	for (int i = 0; i < m->best.plan.n && !spent(m); i++) {
		struct switch_point sw = m->best.plan.sw[i];
		uint16_t earlier[3] = {0, (uint16_t)(sw.nth / 2), (uint16_t)(sw.nth - 1)};
		bool moved = false;

		if (sw.forced)
			continue;
		for (int e = 0; e < 3 && !moved && sw.nth > 0; e++) {
			p = m->best.plan;
			p.sw[i].nth = earlier[e];
			moved = try_plan(m, &p);
		}
		for (int t = 0; t <= EXITER && !moved; t++) {
			if (t == sw.target || (t >= m->best.sc.n_threads && t != EXITER))
				continue;
			p = m->best.plan;
			p.sw[i].target = (uint8_t)t;
			moved = try_plan(m, &p);
		}
		progress |= moved;
	}
	return progress;
}

/* ---- few preemptions, exhaustively ---------------------------------- */

/*
 * The passes above only drop or move the switches a run already has. This
 * one tries every schedule with 0, 1, 2 ... switches at any choice point,
 * to any other thread, up to one fewer than the best has, while the
 * number of runs that takes fits the budget: the first level that
 * reproduces is the fewest preemptions, and the whole level is run for
 * the fewest steps.
 */
#define PROBE_MAX	 1024
#define SEARCH_MAX_LEVEL 3
#define UNBOUNDED_RUNS	 2000000.0

static bool try_points(struct minimizer *m, const struct point_switch *at, int n)
{
	struct source src = {.kind = BY_POINTS, .at = at, .n_at = n};

	m->trial.sc = m->best.sc;
	return run_trial_from(m, &src) && schedule_better(&m->trial, &m->best) && commit_trial(m);
}

/* Run the best program with switches at[0..n): how many choice points
 * it meets, and at each how many other threads could run. */
static int probe(struct minimizer *m, const struct point_switch *at, int n,
		 uint8_t others[PROBE_MAX])
{
	static struct plan seen;
	static uint8_t written[INPUT_MAX_SCHEDULE];
	struct source src = {
		.kind = BY_POINTS, .at = at, .n_at = n, .others = others, .others_max = PROBE_MAX};
	struct outcome o;
	size_t len;

	if (spent(m))
		return 0;
	m->runs++;
	run_tracked(&m->best.sc, &src, &seen, written, &len, &o);
	return o.choices < PROBE_MAX ? o.choices : PROBE_MAX;
}

/* Every schedule of at[0..n) and `left` more switches at later points. */
static void enumerate(struct minimizer *m, struct point_switch *at, int n, int left)
{
	uint8_t others[PROBE_MAX];
	int points = probe(m, at, n, others);

	for (int g = n ? at[n - 1].point + 1 : 0; g < points && !spent(m); g++)
		for (int j = 0; j < others[g] && !spent(m); j++) {
			at[n] = (struct point_switch){.point = (uint16_t)g, .other = (uint8_t)j};
			if (left == 1)
				try_points(m, at, n + 1);
			else
				enumerate(m, at, n + 1, left - 1);
		}
}

/* About how many runs `level` switches take: C(choices, level). */
static double level_cost(const uint8_t others[], int points, int level)
{
	double choices = 0, cost = 1;

	for (int g = 0; g < points; g++)
		choices += others[g];
	for (int l = 1; l <= level; l++)
		cost = cost * (choices - l + 1) / l;
	return cost;
}

bool bounded_search(struct minimizer *m)
{
	struct point_switch at[SEARCH_MAX_LEVEL];
	uint8_t others[PROBE_MAX];
	unsigned long commits = m->commits;
	double left;
	int points;

	if (m->best.preemptions == 0 || memcmp(&m->searched, &m->best.sc, sizeof(m->searched)) == 0)
		return false;
	m->searched = m->best.sc;
	points = probe(m, at, 0, others);
	for (int level = 0; level < m->best.preemptions && level <= SEARCH_MAX_LEVEL; level++) {
		left = m->max_runs ? (double)(m->max_runs - m->runs) : UNBOUNDED_RUNS;
		if (spent(m) || level_cost(others, points, level) > left / 2)
			break;
		if (level == 0)
			try_points(m, at, 0);
		else
			enumerate(m, at, 0, level);
	}
	return m->commits != commits;
}
