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
#include "minimize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "scheduler/sanitizer.h"
#include "target/feedback.h"
#include "target/model.h"

#define EXITER	 SCN_MAX_THREADS /* a forked child with no program: it only exits */
#define PLAN_MAX (INPUT_MAX_SCHEDULE / 2)
#define REMOVED	 INT8_MIN

/* ---- plans ------------------------------------------------------------ */

/* A pick the fallback would not make, where the running thread stood. */
struct switch_point {
	uint8_t thread; /* program thread running at the point, or EXITER */
	int8_t op;	/* its op: -1 before the first, n_ops in its exit */
	uint16_t nth;	/* which of its points in that op, from 0 */
	uint8_t target; /* program thread picked, or EXITER */
	/* Noted where the thread blocked or exited (the fallback picked):
	 * not followed, but where an edit removes the op it blocked in, it
	 * becomes a switch at the start of the next op. */
	bool forced;
};

struct plan {
	int n;
	struct switch_point sw[PLAN_MAX];
};

/* One version of the input: a program, its schedule both ways, and what
 * running it showed. */
struct version {
	struct scenario sc;
	struct plan plan;
	uint8_t bytes[INPUT_MAX_SCHEDULE];
	size_t len;
	uint64_t steps;
	int preemptions;
};

/* ---- the strategy every run goes through ------------------------------ */

/* A switch at a run's n-th choice point (counted over the whole run, as
 * the bytes count): to the `other`-th enabled thread besides the running
 * one. The exhaustive search over few preemptions speaks in these. */
struct point_switch {
	uint16_t point;
	uint8_t other;
};

/* Where a run's picks come from. */
struct source {
	enum { BY_BYTES, BY_PLAN, BY_POINTS } kind;
	const uint8_t *bytes; /* BY_BYTES */
	size_t len;
	const struct plan *plan;       /* BY_PLAN */
	const struct point_switch *at; /* BY_POINTS, by increasing point */
	int n_at;
	/* If set: how many other threads could run at each choice point. */
	uint8_t *others;
	int others_max;
};

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

/* What one run showed. */
struct outcome {
	struct exec_result r;
	int preemptions;
	int choices;	 /* choice points met */
	bool replayable; /* the writer captured every pick */
};

/* Run program sc as `src` says; the run's own plan goes to *seen, its
 * picks as bytes to out[*out_len]. */
static void run_tracked(const struct scenario *sc, const struct source *src, struct plan *seen,
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

/* ---- the minimiser ---------------------------------------------------- */

struct minimizer {
	char oracle[64], kind[64];
	unsigned long runs, max_runs;
	struct version best;
	struct version trial; /* the candidate being run */
	struct plan seen;
	unsigned long commits;	  /* versions kept */
	struct scenario searched; /* the program bounded_search last ran on */
};

/* No room left for a trial and its commit_trial() check. */
static bool spent(const struct minimizer *m)
{
	return m->max_runs && m->runs + 2 > m->max_runs;
}

static bool same_signature(const struct minimizer *m, const struct exec_result *r)
{
	return r->violation && strcmp(r->oracle, m->oracle) == 0 && strcmp(r->kind, m->kind) == 0;
}

/*
 * Run the trial program as `src` says. On the same signature, the trial
 * takes the run's own plan, bytes, steps and preemptions, and true is
 * returned.
 */
static bool run_trial_from(struct minimizer *m, const struct source *src)
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
static bool run_trial(struct minimizer *m, bool by_plan)
{
	struct source src = {.kind = by_plan ? BY_PLAN : BY_BYTES,
			     .bytes = m->trial.bytes,
			     .len = m->trial.len,
			     .plan = &m->trial.plan};

	return run_trial_from(m, &src);
}

/* The trial's bytes replay what was checked (they must: the writer says
 * so); then it becomes the best version. */
static bool commit_trial(struct minimizer *m)
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
static bool program_smaller(const struct scenario *a, const struct scenario *b)
{
	if (a->n_threads != b->n_threads)
		return a->n_threads < b->n_threads;
	if (scenario_op_count(a) != scenario_op_count(b))
		return scenario_op_count(a) < scenario_op_count(b);
	return field_sum(a) < field_sum(b);
}

/* Is schedule a better than b: fewer preemptions, then fewer steps,
 * then fewer schedule bytes? */
static bool schedule_better(const struct version *a, const struct version *b)
{
	if (a->preemptions != b->preemptions)
		return a->preemptions < b->preemptions;
	if (a->steps != b->steps)
		return a->steps < b->steps;
	return a->len < b->len;
}

/* ---- program edits ---------------------------------------------------- */

/* Which threads and ops an edit keeps. */
struct selection {
	bool thread[SCN_MAX_THREADS];
	bool op[SCN_MAX_THREADS][SCN_MAX_OPS];
};

/* Where an edit moved each old thread and op (REMOVED: gone). Ops are
 * indexed from -1 (before the first) to n_ops (the exit), at op + 1. */
struct remap {
	int8_t thread[SCN_MAX_THREADS];
	int8_t op[SCN_MAX_THREADS][SCN_MAX_OPS + 2];
};

static void select_all(const struct scenario *sc, struct selection *sel)
{
	memset(sel, 0, sizeof(*sel));
	for (int t = 0; t < sc->n_threads; t++) {
		sel->thread[t] = true;
		for (int i = 0; i < sc->thread[t].n_ops; i++)
			sel->op[t][i] = true;
	}
}

/* Parent p's forks (op indices) and children (thread indices), in order:
 * the k-th fork starts the k-th child. */
static void fork_pairs(const struct scenario *sc, int p, int forks[], int *n_forks, int kids[],
		       int *n_kids)
{
	*n_forks = *n_kids = 0;
	for (int i = 0; i < sc->thread[p].n_ops; i++)
		if (sc->thread[p].ops[i].kind == OP_FORK)
			forks[(*n_forks)++] = i;
	for (int t = p + 1; t < sc->n_threads; t++)
		if (sc->thread[t].spawn == SPAWN_CHILD_OF(p))
			kids[(*n_kids)++] = t;
}

static bool later_kid_kept(const struct selection *sel, const int kids[], int k, int limit)
{
	for (int j = k + 1; j < limit; j++)
		if (sel->thread[kids[j]])
			return true;
	return false;
}

/* Keep forks and children paired; one pass, true if it dropped anything. */
static bool cascade_parent(const struct scenario *sc, struct selection *sel, int p)
{
	int forks[SCN_MAX_OPS], kids[SCN_MAX_THREADS], n_forks, n_kids;
	bool dropped = false;

	fork_pairs(sc, p, forks, &n_forks, kids, &n_kids);
	for (int k = 0; k < n_kids; k++) {
		int kid = kids[k];
		bool fork_kept = k < n_forks && sel->thread[p] && sel->op[p][forks[k]];

		if (sel->thread[kid] && (!sel->thread[p] || (k < n_forks && !fork_kept))) {
			sel->thread[kid] = false;
			dropped = true;
		} else if (!sel->thread[kid] && fork_kept &&
			   later_kid_kept(sel, kids, k, n_forks < n_kids ? n_forks : n_kids)) {
			sel->op[p][forks[k]] = false;
			dropped = true;
		}
	}
	return dropped;
}

static void cascade(const struct scenario *sc, struct selection *sel)
{
	bool dropped = true;

	while (dropped) {
		dropped = false;
		for (int p = 0; p < sc->n_threads; p++)
			dropped |= cascade_parent(sc, sel, p);
	}
}

static void copy_thread(const struct scenario_thread *from, const bool keep[SCN_MAX_OPS],
			struct scenario_thread *to, int8_t op_map[SCN_MAX_OPS + 2])
{
	op_map[0] = -1;
	for (int i = 0; i < from->n_ops; i++) {
		op_map[i + 1] = keep[i] ? (int8_t)to->n_ops : REMOVED;
		if (keep[i])
			to->ops[to->n_ops++] = from->ops[i];
	}
	op_map[from->n_ops + 1] = (int8_t)to->n_ops;
}

/* Build the program `sel` keeps (after the fork/child cascade); false if
 * it is no program (no thread, or a first thread that is a child). */
static bool apply_selection(const struct scenario *old, struct selection *sel, struct scenario *sc,
			    struct remap *map)
{
	cascade(old, sel);
	memset(sc, 0, sizeof(*sc));
	memset(map, REMOVED, sizeof(*map));
	for (int t = 0; t < old->n_threads; t++)
		if (sel->thread[t])
			map->thread[t] = (int8_t)sc->n_threads++;
	if (sc->n_threads == 0)
		return false;
	for (int t = 0; t < old->n_threads; t++) {
		const struct scenario_thread *th = &old->thread[t];
		struct scenario_thread *nt;

		if (!sel->thread[t])
			continue;
		nt = &sc->thread[map->thread[t]];
		nt->spawn = th->spawn == SPAWN_INITIAL ? SPAWN_INITIAL
						       : SPAWN_CHILD_OF(map->thread[th->spawn - 1]);
		copy_thread(th, sel->op[t], nt, map->op[t]);
	}
	return sc->thread[0].spawn == SPAWN_INITIAL;
}

/* The first op at or after old op `op` that the edit kept, renumbered
 * (the exit is always kept). */
static int8_t next_kept_op(const struct remap *map, int thread, int op)
{
	while (map->op[thread][op + 1] == REMOVED)
		op++;
	return map->op[thread][op + 1];
}

/*
 * The plan for the edited program: switches in removed threads, or to
 * them, go. A switch in a removed op goes too, or with `move` becomes a
 * switch at the start of the next op kept (so does a thread's blocking in
 * it: what the op waited for, a switch can still let happen first).
 */
static int translate_plan(const struct plan *from, const struct remap *map, bool move,
			  struct plan *to)
{
	int moved = 0;

	to->n = 0;
	for (int i = 0; i < from->n; i++) {
		struct switch_point sw = from->sw[i];

		if (sw.thread != EXITER) {
			int8_t t = map->thread[sw.thread];

			if (t == REMOVED)
				continue;
			if (map->op[sw.thread][sw.op + 1] != REMOVED) {
				sw.op = map->op[sw.thread][sw.op + 1];
			} else if (move) {
				sw.op = next_kept_op(map, sw.thread, sw.op);
				sw.nth = 0;
				sw.forced = false;
				moved++;
			} else {
				continue;
			}
			sw.thread = (uint8_t)t;
		}
		if (sw.target != EXITER) {
			if (map->thread[sw.target] == REMOVED)
				continue;
			sw.target = (uint8_t)map->thread[sw.target];
		}
		to->sw[to->n++] = sw;
	}
	return moved;
}

static void identity_remap(const struct scenario *sc, struct remap *map)
{
	struct selection sel;
	struct scenario same;

	select_all(sc, &sel);
	apply_selection(sc, &sel, &same, map);
}

/*
 * Try program sc (smaller than the best's), reached from the best by
 * `map`: with the best's plan translated, the switches in removed ops
 * dropped, then moved, then with the best's bytes unchanged.
 */
static bool try_program(struct minimizer *m, const struct scenario *sc, const struct remap *map)
{
	struct version *v = &m->trial;

	if (!program_smaller(sc, &m->best.sc))
		return false;
	v->sc = *sc;
	translate_plan(&m->best.plan, map, false, &v->plan);
	if (run_trial(m, true) && commit_trial(m))
		return true;
	v->sc = *sc;
	if (translate_plan(&m->best.plan, map, true, &v->plan) && run_trial(m, true) &&
	    commit_trial(m))
		return true;
	if (!m->best.len)
		return false;
	v->sc = *sc;
	memcpy(v->bytes, m->best.bytes, m->best.len);
	v->len = m->best.len;
	return run_trial(m, false) && commit_trial(m);
}

static bool try_selection(struct minimizer *m, struct selection *sel)
{
	struct scenario sc;
	struct remap map;

	return apply_selection(&m->best.sc, sel, &sc, &map) && try_program(m, &sc, &map);
}

/* Remove each thread (last first), with its children; a child also with
 * the fork that starts it. */
static bool remove_threads(struct minimizer *m)
{
	bool progress = false;

	for (int t = m->best.sc.n_threads - 1; t >= 0 && !spent(m); t--) {
		const struct scenario *sc = &m->best.sc;
		struct selection sel;

		if (t >= sc->n_threads)
			continue;
		select_all(sc, &sel);
		sel.thread[t] = false;
		if (try_selection(m, &sel)) {
			progress = true;
			continue;
		}
		if (sc->thread[t].spawn != SPAWN_INITIAL) {
			int p = sc->thread[t].spawn - 1;
			int forks[SCN_MAX_OPS], kids[SCN_MAX_THREADS], n_forks, n_kids;

			fork_pairs(sc, p, forks, &n_forks, kids, &n_kids);
			for (int k = 0; k < n_kids && k < n_forks; k++)
				if (kids[k] == t)
					sel.op[p][forks[k]] = false;
			progress |= try_selection(m, &sel);
		}
	}
	return progress;
}

/* Every op of the program, as (thread, op) pairs. */
static int list_ops(const struct scenario *sc, int list[][2])
{
	int n = 0;

	for (int t = 0; t < sc->n_threads; t++)
		for (int i = 0; i < sc->thread[t].n_ops; i++) {
			list[n][0] = t;
			list[n][1] = i;
			n++;
		}
	return n;
}

/* Remove ops k*n/parts .. (k+1)*n/parts - 1 of the list. */
static bool try_without_chunk(struct minimizer *m, int k, int parts)
{
	int list[SCN_MAX_THREADS * SCN_MAX_OPS][2];
	int n = list_ops(&m->best.sc, list);
	struct selection sel;

	select_all(&m->best.sc, &sel);
	for (int i = k * n / parts; i < (k + 1) * n / parts; i++)
		sel.op[list[i][0]][list[i][1]] = false;
	return try_selection(m, &sel);
}

/* ddmin over the ops (removing complements), down to one at a time. */
static bool remove_ops(struct minimizer *m)
{
	int list[SCN_MAX_THREADS * SCN_MAX_OPS][2];
	bool progress = false;
	int parts = 2;

	for (;;) {
		int n = list_ops(&m->best.sc, list);
		bool reduced = false;

		if (n == 0 || spent(m))
			break;
		if (parts > n)
			parts = n;
		for (int k = 0; k < parts && !reduced; k++)
			reduced = try_without_chunk(m, k, parts);
		if (reduced) {
			progress = true;
			parts = parts > 2 ? parts - 1 : 2;
		} else if (parts >= n) {
			break;
		} else {
			parts = parts * 2 < n ? parts * 2 : n;
		}
	}
	return progress;
}

/* ---- smaller values --------------------------------------------------- */

/* Fields that name the same thing across ops, renamed all at once. */
enum name_class { NAME_VA, NAME_WORD, NAME_EVENT, NAME_SLOT, NR_NAME_CLASSES };

static uint8_t *named_field(struct op *op, enum name_class c)
{
	enum op_kind kind = (enum op_kind)op->kind;

	switch (c) {
	case NAME_VA:
		return op_uses_va(kind) ? &op->va : NULL;
	case NAME_WORD:
		return op_uses_word(kind) ? &op->word : NULL;
	case NAME_EVENT:
		return kind == OP_SIGNAL || kind == OP_WAIT ? &op->arg : NULL;
	case NAME_SLOT:
		return kind == OP_UNPIN || kind == OP_DMA_WRITE || kind == OP_DMA_READ ? &op->arg
										       : NULL;
	default:
		return NULL;
	}
}

static int name_limit(enum name_class c)
{
	switch (c) {
	case NAME_VA:
		return MM_NR_PAGES;
	case NAME_WORD:
		return PAGE_WORDS;
	case NAME_EVENT:
		return SCN_MAX_EVENTS;
	default:
		return MAX_PINS;
	}
}

/* Swap names a and b of class c in every op. */
static void swap_names(struct scenario *sc, enum name_class c, uint8_t a, uint8_t b)
{
	for (int t = 0; t < sc->n_threads; t++)
		for (int i = 0; i < sc->thread[t].n_ops; i++) {
			uint8_t *f = named_field(&sc->thread[t].ops[i], c);

			if (f && *f == a)
				*f = b;
			else if (f && *f == b)
				*f = a;
		}
}

static bool rename_all(struct minimizer *m)
{
	bool progress = false;
	struct remap map;

	for (int c = 0; c < NR_NAME_CLASSES; c++)
		for (int a = name_limit(c) - 1; a > 0; a--)
			for (int b = 0; b < a && !spent(m); b++) {
				struct scenario sc = m->best.sc;

				swap_names(&sc, (enum name_class)c, (uint8_t)a, (uint8_t)b);
				identity_remap(&sc, &map);
				if (try_program(m, &sc, &map)) {
					progress = true;
					break;
				}
			}
	return progress;
}

/* Each field of each op, to each smaller value. */
static bool lower_fields(struct minimizer *m)
{
	bool progress = false;
	struct remap map;

	identity_remap(&m->best.sc, &map);
	for (int t = 0; t < m->best.sc.n_threads; t++)
		for (int i = 0; i < m->best.sc.thread[t].n_ops; i++)
			for (int f = 0; f < 3; f++)
				for (uint8_t v = 0; !spent(m); v++) {
					struct scenario sc = m->best.sc;
					struct op *op = &sc.thread[t].ops[i];
					uint8_t *field = f == 0	  ? &op->va
							 : f == 1 ? &op->word
								  : &op->arg;

					if (v >= *field)
						break;
					*field = v;
					if (try_program(m, &sc, &map)) {
						progress = true;
						break;
					}
				}
	return progress;
}

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
static bool remove_switches(struct minimizer *m)
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
		if (reduced) {
			progress = true;
			parts = parts > 2 ? parts - 1 : 2;
		} else if (parts >= n) {
			break;
		} else {
			parts = parts * 2 < n ? parts * 2 : n;
		}
	}
	return progress;
}

/* Each switch a few points earlier in its op, or to another thread. */
static bool move_switches(struct minimizer *m)
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

static bool bounded_search(struct minimizer *m)
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
