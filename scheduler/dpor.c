// SPDX-License-Identifier: MIT
/*
 * Bounded systematic exploration (dpor.h): a stateless depth-first search
 * over the decisions at multi-choice points. The tree is only the path of
 * the current schedule; each node remembers which threads were tried there
 * and which are still to be tried (all enabled ones when enumerating,
 * the backtrack set found by dpor_analysis.c when reducing).
 */
#include "dpor_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanitizer.h"

SCHED_TSAN_IGNORE_BEGIN

static void *dpor_realloc(void *p, size_t n, size_t size)
{
	p = realloc(p, n * size);
	if (!p) {
		fprintf(stderr, "mmfuzz: out of memory for the exploration\n");
		abort();
	}
	return p;
}

static uint8_t enabled_mask(const struct sched_choice *c)
{
	uint8_t m = 0;

	for (int i = 0; i < c->n_enabled; i++)
		m |= (uint8_t)(1u << c->enabled[i]);
	return m;
}

static void dpor_begin(struct strategy *base)
{
	struct dpor *d = (struct dpor *)base;

	d->pos = 0;
	dpor_sleep_begin(d);
}

/*
 * The default pick sleeps at node n: run another thread the schedule can
 * express here (a preemption), the first awake one in round-robin order
 * after the current thread; -1 when there is none within the bound.
 */
static int awake_alternative(struct dpor *d, const struct dpor_node *n)
{
	uint8_t awake = (uint8_t)(n->enabled & ~n->sleep);

	if (!dpor_node_multi(n) || !awake)
		return -1;
	if (n->preemptions + 1u > d->opt.preemptions) {
		d->stats.bound_reached = true;
		return -1;
	}
	for (int i = 1; i <= SCHED_MAX_THREADS; i++) {
		int t = (n->current + i) % SCHED_MAX_THREADS;

		if (awake & (1u << t))
			return t;
	}
	return -1;
}

/*
 * A decision below the replayed prefix: run the default, record the node.
 * When the default sleeps, an awake thread instead; when every thread the
 * schedule could run sleeps, abandon the execution (dpor_sleep.c).
 */
static int extend_path(struct dpor *d, const struct sched_choice *c)
{
	struct dpor_node *n;
	int dflt = strategy_default_pick(c);
	int pick = dflt;

	if (d->n_path == d->cap_path) {
		d->cap_path = d->cap_path ? 2 * d->cap_path : 256;
		d->path = dpor_realloc(d->path, d->cap_path, sizeof(*d->path));
	}
	n = &d->path[d->n_path];
	*n = (struct dpor_node){
		.enabled = enabled_mask(c),
		.current = (uint8_t)c->current,
		.cur_enabled = c->current_enabled,
		.yields = c->current_yields,
		.dflt = (uint8_t)dflt,
		.chosen = (uint8_t)dflt,
		.done = (uint8_t)(1u << dflt),
	};
	if (d->n_path > 0) {
		const struct dpor_node *prev = n - 1;

		n->preemptions = (uint16_t)(prev->preemptions + (prev->chosen != prev->dflt));
	}
	d->n_path++;
	if (d->n_path > 1)
		dpor_sleep_note_child(d, d->n_path - 1);
	n->sleep = dpor_sleep_at(d, d->n_path - 1);
	/* A sleeping default is covered elsewhere, except where the running
	 * thread blocked or exited: there it must run (dpor_sleep.c). */
	if ((n->sleep & (1u << dflt)) && n->cur_enabled)
		pick = awake_alternative(d, n);
	if (pick < 0) {
		d->n_path--;
		d->pos--;
		d->abandoned = true;
		return STRATEGY_ABANDON;
	}
	n->chosen = (uint8_t)pick;
	n->done = (uint8_t)(1u << pick);
	dpor_sleep_ran(d, pick);
	return pick;
}

static int dpor_pick(struct strategy *base, const struct sched_choice *c)
{
	struct dpor *d = (struct dpor *)base;
	size_t k = d->pos++;
	const struct dpor_node *n;

	if (k >= d->replay)
		return extend_path(d, c);
	n = &d->path[k];
	if (n->enabled != enabled_mask(c) || n->current != c->current) {
		/* Stateless search needs the same prefix to replay the same way. */
		snprintf(d->base.drift, sizeof(d->base.drift),
			 "prove: the program is not deterministic: decision %zu differs on replay",
			 k);
		return -1;
	}
	/* Keeps the sleep set up to date; the same prefix sleeps the same. */
	dpor_sleep_at(d, k);
	dpor_sleep_ran(d, n->chosen);
	return n->chosen;
}

/* Rebuild decision k's choice, to feed the schedule writer. */
static struct sched_choice node_choice(const struct dpor_node *n)
{
	struct sched_choice c = {
		.current = n->current,
		.current_enabled = n->cur_enabled,
		.current_yields = n->yields,
	};

	for (int t = 0; t < SCHED_MAX_THREADS; t++) {
		if (n->enabled & (1u << t))
			c.enabled[c.n_enabled++] = t;
	}
	return c;
}

/* Keep the executed schedule in strategy_bytes form before the path moves on. */
static void save_schedule(struct dpor *d)
{
	struct schedule_writer w;
	size_t need = 2 * d->n_path + 16;

	if (need > d->schedule_cap) {
		d->schedule = dpor_realloc(d->schedule, need, 1);
		d->schedule_cap = need;
	}
	schedule_writer_init(&w, d->schedule, d->schedule_cap);
	for (size_t k = 0; k < d->n_path; k++) {
		struct sched_choice c = node_choice(&d->path[k]);

		schedule_writer_note(&w, &c, d->path[k].chosen);
	}
	d->schedule_len = w.failed ? 0 : w.len;
	d->last_preemptions = 0;
	if (d->n_path > 0) {
		const struct dpor_node *last = &d->path[d->n_path - 1];

		d->last_preemptions = last->preemptions + (last->chosen != last->dflt);
	}
}

/* The threads still to try at node k (besides the done ones). */
static uint8_t alternatives(const struct dpor *d, const struct dpor_node *n)
{
	/* Sleepers are covered elsewhere (dpor_sleep.c), except at the points
	 * the bound's compensation asks for: the executions there, not just
	 * their classes, decide which points later races add. */
	uint8_t want =
		d->opt.reduce ? (uint8_t)((n->backtrack & ~n->sleep) | n->for_bound) : n->enabled;

	return (uint8_t)(want & n->enabled & (uint8_t)~n->done);
}

/* Deepest node with an untried thread within the bound: the next schedule. */
static void next_schedule(struct dpor *d)
{
	for (size_t k = d->n_path; k-- > 0;) {
		struct dpor_node *n = &d->path[k];
		uint8_t alt;

		if (!dpor_node_multi(n))
			continue;
		alt = alternatives(d, n);
		for (int t = 0; t < SCHED_MAX_THREADS; t++) {
			if (!(alt & (1u << t)))
				continue;
			n->done |= (uint8_t)(1u << t);
			if (n->preemptions + (t != n->dflt) > d->opt.preemptions) {
				d->stats.bound_reached = true;
				continue;
			}
			n->chosen = (uint8_t)t;
			d->n_path = k + 1;
			d->replay = k + 1;
			return;
		}
	}
	d->n_path = 0;
	d->replay = 0;
	d->finished = true;
}

static void dpor_end(struct strategy *base, const struct sched_result *r)
{
	struct dpor *d = (struct dpor *)base;

	if (d->pos < d->n_path)
		d->n_path = d->pos; /* ended early (drift): forget the rest */
	d->stats.executions++;
	if (r->steps > d->stats.max_steps)
		d->stats.max_steps = r->steps;
	save_schedule(d);
	if (r->verdict == SCHED_DRIFT && d->pos < d->replay) {
		/* Cannot replay the prefix: the program is not deterministic
		 * under this model. Stop, and say so: nothing is proved. */
		d->finished = true;
		d->stats.drifted = true;
		return;
	}
	if (d->abandoned)
		d->stats.sleep_blocked++;
	dpor_sleep_keep_steps(d, r, d->replay);
	dpor_analyse(d, r);
	next_schedule(d);
}

struct dpor *dpor_create(const struct dpor_options *o)
{
	struct dpor *d = calloc(1, sizeof(*d));

	if (!d) {
		fprintf(stderr, "mmfuzz: out of memory for the exploration\n");
		abort();
	}
	d->opt = *o;
	d->base = (struct strategy){
		.name = o->reduce ? "dpor" : "enumerate",
		.begin = dpor_begin,
		.pick = dpor_pick,
		.end = dpor_end,
		.wants_accesses = true,
	};
	return d;
}

void dpor_destroy(struct dpor *d)
{
	if (!d)
		return;
	free(d->path);
	free(d->schedule);
	free(d->classes);
	free(d->clock);
	free(d->local);
	free(d->by_thread);
	free(d->races);
	free(d->steps);
	dpor_objects_free(&d->objects);
	free(d);
}

struct strategy *dpor_strategy(struct dpor *d)
{
	return &d->base;
}

bool dpor_done(const struct dpor *d)
{
	return d->finished;
}

const struct dpor_stats *dpor_stats(const struct dpor *d)
{
	return &d->stats;
}

size_t dpor_schedule_bytes(const struct dpor *d, uint8_t *out, size_t cap)
{
	if (d->schedule_len > cap)
		return 0;
	memcpy(out, d->schedule, d->schedule_len);
	return d->schedule_len;
}

unsigned dpor_last_preemptions(const struct dpor *d)
{
	return d->last_preemptions;
}

uint64_t dpor_last_class(const struct dpor *d)
{
	return d->last_class;
}

SCHED_TSAN_IGNORE_END
