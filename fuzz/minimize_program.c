/* SPDX-License-Identifier: MIT */
/* The minimiser's passes over the program: remove threads (with their
 * forks and children), remove ops (ddmin), then smaller values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minimize.h"
#include "minimize_internal.h"
#include "runner.h"
#include "target/model.h"

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
bool remove_threads(struct minimizer *m)
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
bool remove_ops(struct minimizer *m)
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
		progress |= reduced;
		parts = ddmin_next_parts(parts, n, reduced);
		if (!parts)
			break;
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

bool rename_all(struct minimizer *m)
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
bool lower_fields(struct minimizer *m)
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
