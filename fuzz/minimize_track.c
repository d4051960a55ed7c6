/* SPDX-License-Identifier: MIT */
/* The minimiser's runs: one strategy that follows bytes, a plan or a few
 * switches at given points, and notes the run as a plan and as bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minimize.h"
#include "minimize_internal.h"
#include "runner.h"
#include "scheduler/sanitizer.h"
#include "scheduler/strategy.h"
#include "target/feedback.h"
#include "target/model.h"

/*
 * Follows a source, and on the way notes the run's own plan, counts its
 * preemptions and choice points, and writes its picks as bytes.
 */
struct tracker {
	struct strategy base;
	struct strategy_bytes bytes;
	const struct source *src;
	struct plan *seen;
	struct schedule_writer writer;
	uint8_t *out;
	int preemptions;
	int choices;		      /* choice points so far */
	int next_at;		      /* BY_POINTS: the next switch to make */
	int op_of[SCHED_MAX_THREADS]; /* the op each thread was last seen in */
	uint16_t nth_of[SCHED_MAX_THREADS];
};

/* The scheduler calls these from every simulated thread: like the
 * scheduler's own strategies, they are not TSan's business (sanitizer.h). */
SCHED_TSAN_IGNORE_BEGIN

static int program_thread_of(const int cpu[SCN_MAX_THREADS], int tid)
{
	for (int t = 0; t < SCN_MAX_THREADS; t++)
		if (cpu[t] == tid)
			return t;
	return EXITER;
}

/* Where the running thread stands; counts its points within an op. */
static struct switch_point position(struct tracker *k, const struct sched_choice *c,
				    const int cpu[SCN_MAX_THREADS], const int op[SCN_MAX_THREADS])
{
	int t = program_thread_of(cpu, c->current);
	int o = t < EXITER ? op[t] : 0;

	if (k->op_of[c->current] != o) {
		k->op_of[c->current] = o;
		k->nth_of[c->current] = 0;
	} else if (k->nth_of[c->current] < UINT16_MAX) {
		k->nth_of[c->current]++;
	}
	return (struct switch_point){
		.thread = (uint8_t)t, .op = (int8_t)o, .nth = k->nth_of[c->current]};
}

/* The enabled thread running program thread `target`, or -1. */
static int enabled_tid_of(int target, const struct sched_choice *c, const int cpu[SCN_MAX_THREADS])
{
	if (target < EXITER)
		return strategy_enabled_index(c, cpu[target]) >= 0 ? cpu[target] : -1;
	for (int i = 0; i < c->n_enabled; i++)
		if (program_thread_of(cpu, c->enabled[i]) == EXITER)
			return c->enabled[i];
	return -1;
}

static int planned_pick(const struct plan *p, const struct switch_point *at,
			const struct sched_choice *c, const int cpu[SCN_MAX_THREADS])
{
	for (int i = 0; i < p->n; i++) {
		const struct switch_point *sw = &p->sw[i];

		if (!sw->forced && sw->thread == at->thread && sw->op == at->op &&
		    sw->nth == at->nth) {
			int tid = enabled_tid_of(sw->target, c, cpu);

			return tid >= 0 ? tid : strategy_default_pick(c);
		}
	}
	return strategy_default_pick(c);
}

/* BY_POINTS, at choice point number `point`. */
static int pointed_pick(struct tracker *k, const struct sched_choice *c, int point)
{
	const struct source *s = k->src;
	int other;

	if (k->next_at >= s->n_at || s->at[k->next_at].point != point)
		return strategy_default_pick(c);
	other = s->at[k->next_at++].other;
	for (int i = 0; i < c->n_enabled; i++)
		if (c->enabled[i] != c->current && other-- == 0)
			return c->enabled[i];
	return strategy_default_pick(c);
}

static int source_pick(struct tracker *k, const struct sched_choice *c,
		       const struct switch_point *at, const int cpu[SCN_MAX_THREADS])
{
	bool choice = c->current_enabled && c->n_enabled >= 2;
	int point = choice ? k->choices++ : -1;

	if (choice && k->src->others && point < k->src->others_max)
		k->src->others[point] = (uint8_t)(c->n_enabled - 1);
	if (k->src->kind == BY_BYTES)
		return k->bytes.base.pick(&k->bytes.base, c);
	if (!choice)
		return strategy_default_pick(c);
	if (k->src->kind == BY_PLAN)
		return planned_pick(k->src->plan, at, c, cpu);
	return pointed_pick(k, c, point);
}

static int tracker_pick(struct strategy *base, const struct sched_choice *c)
{
	struct tracker *k = (struct tracker *)base;
	int cpu[SCN_MAX_THREADS], op[SCN_MAX_THREADS], pick;
	bool choice = c->current_enabled && c->n_enabled >= 2;
	struct switch_point at;

	feedback_program_position(cpu, op);
	at = position(k, c, cpu, op);
	pick = source_pick(k, c, &at, cpu);
	if ((!c->current_enabled || (choice && pick != strategy_default_pick(c))) &&
	    k->seen->n < PLAN_MAX) {
		at.target = (uint8_t)program_thread_of(cpu, pick);
		at.forced = !c->current_enabled;
		k->seen->sw[k->seen->n++] = at;
	}
	if (choice && pick != c->current && !c->current_yields)
		k->preemptions++;
	schedule_writer_note(&k->writer, c, pick);
	return pick;
}

static void tracker_begin(struct strategy *base)
{
	struct tracker *k = (struct tracker *)base;

	k->bytes.base.begin(&k->bytes.base);
	k->seen->n = 0;
	k->preemptions = k->choices = k->next_at = 0;
	for (int i = 0; i < SCHED_MAX_THREADS; i++) {
		k->op_of[i] = REMOVED;
		k->nth_of[i] = 0;
	}
	schedule_writer_init(&k->writer, k->out, INPUT_MAX_SCHEDULE);
}

SCHED_TSAN_IGNORE_END
/* Run program sc as `src` says; the run's own plan goes to *seen, its
 * picks as bytes to out[*out_len]. */
void run_tracked(const struct scenario *sc, const struct source *src, struct plan *seen,
		 uint8_t *out, size_t *out_len, struct outcome *o)
{
	static struct input in;
	struct tracker k = {
		.base = {.name = "minimize", .begin = tracker_begin, .pick = tracker_pick},
		.src = src,
		.seen = seen,
		.out = out,
	};

	in.scenario = *sc;
	in.schedule = src->bytes;
	in.schedule_len = src->kind == BY_BYTES ? src->len : 0;
	strategy_bytes_init(&k.bytes, in.schedule, in.schedule_len);
	runner_execute(&in, &k.base, false, NULL, &o->r);
	o->preemptions = k.preemptions;
	o->choices = k.choices;
	o->replayable = !k.writer.failed;
	*out_len = k.writer.len;
}
