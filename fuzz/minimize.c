/* SPDX-License-Identifier: MIT */
/*
 * Minimisation, delta-debugging style.
 *
 * A schedule given as bytes means something only for one program: remove
 * an op and every later gap counts different points. So the minimiser
 * keeps the schedule as a *plan* too: the picks the fallback would not
 * make, each keyed by where the running thread stands in its own program
 * (program thread, op, how many points into that op) and naming the
 * program thread picked, plus where each thread blocked and who ran next.
 * An edit of the program renumbers the plan's threads and ops, and the
 * switches land where they did, whatever the other threads now do. A
 * candidate program is tried three ways: with its plan, switches in
 * removed ops dropped; with them moved to the start of the next op (a
 * removed wait becomes a switch to whoever ran while it waited); with the
 * old schedule bytes unchanged. Whatever runs, a schedule writer turns its
 * picks into bytes and the run's own plan is noted, so a kept candidate is
 * an ordinary input again, and its bytes are run once more to check.
 *
 * The passes, repeated until none changes anything or the runs are spent:
 * remove threads (with their children), remove ops (ddmin over every op
 * of every thread, down to one at a time), make argument values smaller
 * (a page, word, event or pin slot renamed everywhere at once, then each
 * field of each op); then the schedule, for fewer preemptions, then fewer
 * steps: ddmin over the plan's switches, each moved earlier or to another
 * thread, and an exhaustive search of the schedules with fewer switches
 * (at any point, to any thread) while that fits the budget.
 *
 * A fork and the thread it starts are paired by order: a parent's k-th
 * fork starts its k-th `child-of` thread. Removing a fork removes its
 * child (with the child's own children); removing a child that has a
 * younger sibling removes its fork too, so that the sibling keeps its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minimize.h"
#include "minimize_internal.h"
#include "runner.h"

/* No room left for a trial and its commit_trial() check. */
bool spent(const struct minimizer *m)
{
	return m->max_runs && m->runs + 2 > m->max_runs;
}

bool same_signature(const struct minimizer *m, const struct exec_result *r)
{
	return r->violation && strcmp(r->oracle, m->oracle) == 0 && strcmp(r->kind, m->kind) == 0;
}

/*
 * Run the trial program as `src` says. On the same signature, the trial
 * takes the run's own plan, bytes, steps and preemptions, and true is
 * returned.
 */
bool run_trial_from(struct minimizer *m, const struct source *src)
{
	static uint8_t written[INPUT_MAX_SCHEDULE];
	struct version *v = &m->trial;
	struct outcome o;
	size_t len;

	if (spent(m))
		return false;
	m->runs++;
	run_tracked(&v->sc, src, &m->seen, written, &len, &o);
	if (!same_signature(m, &o.r) || !o.replayable)
		return false;
	v->plan = m->seen;
	memcpy(v->bytes, written, len);
	v->len = len;
	v->steps = o.r.sched.steps;
	v->preemptions = o.preemptions;
	return true;
}

/* Run the trial with its plan (by_plan) or its bytes. */
bool run_trial(struct minimizer *m, bool by_plan)
{
	struct source src = {.kind = by_plan ? BY_PLAN : BY_BYTES,
			     .bytes = m->trial.bytes,
			     .len = m->trial.len,
			     .plan = &m->trial.plan};

	return run_trial_from(m, &src);
}

/* The trial's bytes replay what was checked (they must: the writer says
 * so); then it becomes the best version. */
bool commit_trial(struct minimizer *m)
{
	struct version *v = &m->trial;
	uint64_t steps = v->steps;
	unsigned long max_runs = m->max_runs;
	bool same;

	m->max_runs = 0;
	same = run_trial(m, false) && v->steps == steps;
	m->max_runs = max_runs;
	if (!same)
		return false;
	m->best = *v;
	m->commits++;
	return true;
}

int scenario_op_count(const struct scenario *sc)
{
	int n = 0;

	for (int t = 0; t < sc->n_threads; t++)
		n += sc->thread[t].n_ops;
	return n;
}

static int field_sum(const struct scenario *sc)
{
	int sum = 0;

	for (int t = 0; t < sc->n_threads; t++)
		for (int i = 0; i < sc->thread[t].n_ops; i++) {
			const struct op *op = &sc->thread[t].ops[i];

			sum += op->va + op->word + op->arg;
		}
	return sum;
}

/* Is program a smaller than b: fewer threads, then ops, then smaller
 * values? */
bool program_smaller(const struct scenario *a, const struct scenario *b)
{
	if (a->n_threads != b->n_threads)
		return a->n_threads < b->n_threads;
	if (scenario_op_count(a) != scenario_op_count(b))
		return scenario_op_count(a) < scenario_op_count(b);
	return field_sum(a) < field_sum(b);
}

/* Is schedule a better than b: fewer preemptions, then fewer steps,
 * then fewer schedule bytes? */
bool schedule_better(const struct version *a, const struct version *b)
{
	if (a->preemptions != b->preemptions)
		return a->preemptions < b->preemptions;
	if (a->steps != b->steps)
		return a->steps < b->steps;
	return a->len < b->len;
}

/* ddmin's next granularity over n items: after a reduction one part
 * fewer (at least two), else twice as many, up to one item per part; 0
 * once single items have failed. */
int ddmin_next_parts(int parts, int n, bool reduced)
{
	if (reduced)
		return parts > 2 ? parts - 1 : 2;
	if (parts >= n)
		return 0;
	return parts * 2 < n ? parts * 2 : n;
}

/* ---- driver ----------------------------------------------------------- */

static void fill_stats_after(const struct minimizer *m, struct minimize_stats *st)
{
	st->threads_after = m->best.sc.n_threads;
	st->ops_after = scenario_op_count(&m->best.sc);
	st->preemptions_after = m->best.preemptions;
	st->steps_after = m->best.steps;
	st->executions = m->runs;
	st->exhausted = spent(m);
}

/* The first run: the signature to keep, and the input as a version. */
static bool start(struct minimizer *m, const struct input *in, struct minimize_stats *st)
{
	struct version *v = &m->best;
	struct outcome o;

	v->sc = in->scenario;
	m->runs = 1;
	struct source src = {.kind = BY_BYTES, .bytes = in->schedule, .len = in->schedule_len};

	run_tracked(&v->sc, &src, &v->plan, v->bytes, &v->len, &o);
	v->steps = o.r.sched.steps;
	v->preemptions = o.preemptions;
	st->threads_before = v->sc.n_threads;
	st->ops_before = scenario_op_count(&v->sc);
	st->preemptions_before = o.preemptions;
	st->steps_before = o.r.sched.steps;
	if (!o.r.violation)
		return false;
	snprintf(m->oracle, sizeof(m->oracle), "%s", o.r.oracle);
	snprintf(m->kind, sizeof(m->kind), "%s", o.r.kind);
	snprintf(st->oracle, sizeof(st->oracle), "%s", o.r.oracle);
	snprintf(st->kind, sizeof(st->kind), "%s", o.r.kind);
	/* Schedule bytes the writer could not reproduce: keep the input's. */
	if (!o.replayable) {
		memcpy(v->bytes, in->schedule, in->schedule_len);
		v->len = in->schedule_len;
	}
	return true;
}

bool minimize_input(const struct input *in, struct input *out, unsigned long max_executions,
		    struct minimize_stats *st)
{
	static struct minimizer m;
	bool changed = true;

	memset(st, 0, sizeof(*st));
	memset(&m, 0, sizeof(m));
	m.max_runs = max_executions;
	*out = *in;
	if (in->schedule == in->owned)
		out->schedule = out->owned;
	if (!start(&m, in, st)) {
		fill_stats_after(&m, st);
		return false;
	}
	while (changed && !spent(&m)) {
		changed = remove_threads(&m);
		changed |= remove_ops(&m);
		changed |= rename_all(&m);
		changed |= lower_fields(&m);
		changed |= remove_switches(&m);
		changed |= move_switches(&m);
		changed |= bounded_search(&m);
	}
	out->scenario = m.best.sc;
	memcpy(out->owned, m.best.bytes, m.best.len);
	out->schedule = out->owned;
	out->schedule_len = m.best.len;
	fill_stats_after(&m, st);
	return true;
}

int schedule_preemptions(const struct input *in)
{
	static struct plan seen;
	static uint8_t written[INPUT_MAX_SCHEDULE];
	struct outcome o;
	size_t len;

	struct source src = {.kind = BY_BYTES, .bytes = in->schedule, .len = in->schedule_len};

	run_tracked(&in->scenario, &src, &seen, written, &len, &o);
	return o.preemptions;
}

/* ---- mmfuzz minimize -------------------------------------------------- */

/* 12345 as "12,345". */
static void with_commas(unsigned long n, char *buf, size_t len)
{
	char digits[32];
	size_t nd = (size_t)snprintf(digits, sizeof(digits), "%lu", n), k = 0;

	for (size_t i = 0; i < nd && k + 2 < len; i++) {
		if (i > 0 && (nd - i) % 3 == 0)
			buf[k++] = ',';
		buf[k++] = digits[i];
	}
	buf[k] = '\0';
}

void minimize_print_summary(const struct minimize_stats *st, FILE *out)
{
	char runs[32];

	with_commas(st->executions, runs, sizeof(runs));
	fprintf(out,
		"minimize: %s %s on %s: threads %d -> %d, ops %d -> %d, preemptions %d -> %d, "
		"steps %llu -> %llu (%s runs%s)\n",
		st->oracle, st->kind[0] ? st->kind : "-", runner_profile_name(), st->threads_before,
		st->threads_after, st->ops_before, st->ops_after, st->preemptions_before,
		st->preemptions_after, (unsigned long long)st->steps_before,
		(unsigned long long)st->steps_after, runs,
		st->exhausted ? ", stopped at the --runs bound" : "");
}
