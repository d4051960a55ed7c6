// SPDX-License-Identifier: MIT
/*
 * Sleep sets for the bounded exploration (dpor.h), and why they keep it
 * sound under the preemption bound.
 *
 * Plain sleep sets (Godefroid): once the subtree where thread t runs
 * first at a node has been explored, t "sleeps" in the subtrees of the
 * node's later children for as long as the steps run there are
 * independent of t's next step. An execution that runs t while it sleeps
 * is equivalent to one that runs t's step first, at the node, which the
 * earlier subtree already covered; so a sleeping thread is not tried, and
 * an execution in which every thread it could run sleeps is cut short
 * (stats.sleep_blocked).
 *
 * Under a bound this can lose schedules: the equivalent execution that
 * runs t first may need more preemptions than the one it stands for, so
 * the bounded search of the earlier subtree never ran it (Coons,
 * Musuvathi and McKinley, OOPSLA 2013, on how bounds make independent
 * steps dependent). So here a thread sleeps only when moving its step to
 * the front never costs a preemption more. Write s for the node, c_x for
 * what choosing x at s costs (1 when x is not strategy_default_pick()'s
 * thread), and sigma = s.t_j.x_1..x_m.t_i.v for an execution in t_j's
 * subtree that runs the sleeper t_i after x_1..x_m, none of which
 * conflicts with t_i's step. Its twin sigma' = s.t_i.t_j.x_1..x_m.v is in
 * t_i's subtree and has the same outcome (adjacent independent steps
 * swapped m + 1 times). A sleeper is admitted only when:
 *
 *   (1) t_i is the node's default pick and t_j is not (c_i = 0, c_j = 1);
 *   (2) t_i's step at s enables no thread (wakes or spawns none);
 *   (3) after that step t_i can go on and does not spin.
 *
 * (2) and (3) make the enabled threads at every decision of x_1..x_m the
 * same in sigma and sigma' (t_i enabled in both, nobody else changed), so
 * those decisions cost the same: the fallback pick depends only on the
 * current thread, its state and the enabled set. What differs: at s,
 * sigma pays c_j = 1 and sigma' pays c_i = 0 plus at most 1 to switch from
 * t_i to t_j; at the end, sigma pays d1 to switch from x_m's thread to
 * t_i and d2 to go on from t_i to v's first thread, where sigma' pays e
 * to go from x_m's thread straight to it. A sleeper is only ever skipped
 * where x_m's thread could go on: where it blocked or exited the schedule
 * has no choice (the fallback's thread runs), sigma' would have to run t_i
 * there too, so a sleeping fallback pick is run, and sleeps no more. With
 * x_m's thread able to go on, e = 1 with d1 = d2 = 0 is impossible:
 * d1 = 0 means x_m's thread spun and t_i was next in round-robin order;
 * by (3) t_i then goes on, so d2 = 0 means v starts with t_i, which in
 * sigma' is still next in round-robin order after x_m's thread (same
 * enabled set), so e = 0. Hence
 * cost(sigma') <= cost(sigma): sigma' is within the bound whenever sigma
 * is, and the earlier subtree covered it (by induction over the order of
 * the depth-first search). Without (1) the twin can cost one more (both
 * children preempt, and sigma' pays again to leave t_i), so only the
 * default child ever sleeps. A thread is woken by any step that conflicts
 * with its step (sched_access_conflict on every access the step recorded,
 * kept from the execution that ran it at s).
 *
 * Two places use the sleep set at decision k: its threads are never added
 * as alternatives there, and when extending a schedule, a default pick
 * that sleeps is replaced by another thread (a preemption, if the bound
 * allows it) or, when no thread the schedule could run here is awake,
 * the execution is redundant and abandoned (STRATEGY_ABANDON): it counts
 * as a schedule run, but has no verdict and no class. The races among its
 * steps are still analysed; the steps it never ran are not, as every
 * continuation is covered by the twins above, where they are analysed.
 *
 * What the argument does not cover: a bounded search also relies on the
 * executions it runs for the branch points the bound needs (dpor_analysis.c
 * adds them where the racing step's run of steps began), and those depend
 * on the execution, not only on its class: the twin puts t_j's run one
 * step later. Two precautions follow. A branch point added for the
 * bound's sake is tried even for a sleeping thread; and in the subtree of
 * a child tried only for the bound's sake, the default child does not
 * sleep. Even so, the reduced search can see fewer Mazurkiewicz classes
 * than without sleep sets (measured in docs/prove.md: the same outcomes on
 * every program compared, a few classes fewer on 4 of 51); a variant that
 * also skipped a sleeper's continuation after a forced switch to it lost
 * an outcome (prove_soundness caught it) and was dropped.
 *
 * One more caveat: the step budget (max_steps) is not part of the
 * argument; a twin that ends in a violation one step later than its
 * original might meet the budget first. Executions that long are reported
 * as livelocks either way.
 */
#include "dpor_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanitizer.h"

SCHED_TSAN_IGNORE_BEGIN

#define T SCHED_MAX_THREADS

static uint64_t object_bit(const void *object)
{
	uint64_t h = (uint64_t)(uintptr_t)object * 0x9e3779b97f4a7c15ull;

	return 1ull << (h >> 58);
}

static struct dpor_step_summary summarise(const struct sched_access *a, uint32_t n)
{
	struct dpor_step_summary s = {0};

	for (uint32_t i = 0; i < n; i++) {
		uint64_t bit;

		if (!a[i].object)
			continue;
		if (a[i].object == SCHED_EVERYTHING) {
			s.everything = true;
			continue;
		}
		bit = object_bit(a[i].object);
		s.touched |= bit;
		if (a[i].mode & SCHED_WRITE)
			s.written |= bit;
	}
	return s;
}

static bool may_conflict(const struct dpor_step_summary *a, const struct dpor_step_summary *b)
{
	return a->everything || b->everything || (a->written & b->touched) ||
	       (a->touched & b->written);
}

static bool steps_conflict(const struct sched_access *a, uint32_t na, const struct sched_access *b,
			   uint32_t nb)
{
	for (uint32_t i = 0; i < na; i++) {
		for (uint32_t j = 0; j < nb; j++) {
			if (sched_access_conflict(&a[i], &b[j]))
				return true;
		}
	}
	return false;
}

void dpor_sleep_begin(struct dpor *d)
{
	d->asleep = 0;
	d->abandoned = false;
}

static void put_to_sleep(struct dpor *d, int t, size_t node)
{
	const struct dpor_node *n = &d->path[node];

	d->asleep |= (uint8_t)(1u << t);
	d->asleep_since[t] = (uint32_t)node;
	d->asleep_summary[t] = summarise(&d->steps[n->step_first], n->step_n);
}

/* Wake the sleepers whose step conflicts with the step that just ran. */
static void wake_conflicting(struct dpor *d, const struct sched_access *step, uint32_t n)
{
	struct dpor_step_summary s = summarise(step, n);

	for (int t = 0; t < T; t++) {
		const struct dpor_node *origin;

		if (!(d->asleep & (1u << t)) || !may_conflict(&s, &d->asleep_summary[t]))
			continue;
		origin = &d->path[d->asleep_since[t]];
		if (steps_conflict(&d->steps[origin->step_first], origin->step_n, step, n))
			d->asleep &= (uint8_t) ~(1u << t);
	}
}

uint8_t dpor_sleep_at(struct dpor *d, size_t k)
{
	const struct sched_event *ev;
	const struct sched_access *acc;
	const struct dpor_node *prev;
	size_t n_ev;

	if (!d->opt.reduce || d->opt.no_sleep_sets || k == 0)
		return d->asleep = 0;
	n_ev = sched_recorded_steps(&ev, &acc);
	if (n_ev < k) /* nothing recorded: no step can be judged independent */
		return d->asleep = 0;
	prev = &d->path[k - 1];
	/* Not beside a child tried for the bound's sake (see the top). */
	if (prev->chosen != prev->dflt && prev->dflt_sleeps &&
	    !(prev->for_bound & (1u << prev->chosen)))
		put_to_sleep(d, prev->dflt, k - 1);
	wake_conflicting(d, &acc[ev[k - 1].first], ev[k - 1].n);
	d->asleep &= d->path[k].enabled;
	return d->asleep;
}

void dpor_sleep_ran(struct dpor *d, int t)
{
	d->asleep &= (uint8_t) ~(1u << t);
}

void dpor_sleep_note_child(struct dpor *d, size_t k)
{
	struct dpor_node *prev = &d->path[k - 1];
	const struct dpor_node *n = &d->path[k];

	if (!d->opt.reduce || k - 1 < d->replay || prev->chosen != prev->dflt)
		return;
	prev->dflt_sleeps = n->current == prev->chosen && n->cur_enabled && !n->yields &&
			    !(n->enabled & (uint8_t)~prev->enabled);
}

static void reserve_steps(struct dpor *d, size_t n)
{
	if (n <= d->cap_steps)
		return;
	d->cap_steps = d->cap_steps ? 2 * d->cap_steps : 4096;
	if (d->cap_steps < n)
		d->cap_steps = n;
	d->steps = realloc(d->steps, d->cap_steps * sizeof(*d->steps));
	if (!d->steps) {
		fprintf(stderr, "mmfuzz: out of memory for the exploration\n");
		abort();
	}
}

void dpor_sleep_keep_steps(struct dpor *d, const struct sched_result *r, size_t first_new)
{
	if (!d->opt.reduce)
		return;
	d->n_steps = 0;
	if (first_new > 0) {
		const struct dpor_node *last_kept = &d->path[first_new - 1];

		d->n_steps = last_kept->step_first + last_kept->step_n;
	}
	for (size_t k = first_new; k < d->n_path; k++) {
		struct dpor_node *n = &d->path[k];
		const struct sched_event *e;

		n->step_first = (uint32_t)d->n_steps;
		n->step_n = 0;
		if (!n->dflt_sleeps || !r->events || k >= r->n_events)
			continue;
		e = &r->events[k];
		reserve_steps(d, d->n_steps + e->n);
		memcpy(&d->steps[d->n_steps], &r->accesses[e->first], e->n * sizeof(*d->steps));
		n->step_n = e->n;
		d->n_steps += e->n;
	}
}

SCHED_TSAN_IGNORE_END
