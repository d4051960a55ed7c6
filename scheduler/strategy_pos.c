// SPDX-License-Identifier: MIT
/*
 * POS: partial order sampling (Yuan, Yang, Gu, CAV 2018), on what a
 * scheduling point tells: the access each thread's pending step begins
 * with (sched_choice.pending). The rules, at every pick:
 *
 *   1. The step that has just run is the current thread's; it began with
 *      the access its thread had pending at the previous pick (a thread's
 *      first step announced nothing, so it conflicts with all).
 *   2. The current thread's new pending step gets a fresh random priority;
 *      so does every other thread's pending step that conflicts with the
 *      step that ran (same object, one of them writes). A pending access
 *      without an object (nothing announced) conflicts with everything.
 *   3. A spinning current thread (current_yields) drops below every
 *      priority given so far, as PCT's spin rule.
 *   4. The enabled thread with the highest priority runs (ties: the lower
 *      thread id; priorities are 62-bit random numbers).
 *
 * Steps that do not race keep their priorities, so independent steps do
 * not reshuffle the order of racing ones: each partial order of the racing
 * steps has a fair chance, however many interleavings realise it.
 */
#include "strategy.h"

#include "sanitizer.h"

SCHED_TSAN_IGNORE_BEGIN

static int64_t fresh_priority(struct strategy_pos *s)
{
	return (int64_t)(sched_rng_next(&s->rng) >> 2);
}

/* The access a pending step begins with; nothing announced: everything. */
static struct sched_access announced(const struct sched_access *a)
{
	if (a->object)
		return *a;
	return (struct sched_access){.object = SCHED_EVERYTHING, .mode = SCHED_WRITE};
}

static void pos_begin(struct strategy *base)
{
	struct strategy_pos *s = (struct strategy_pos *)base;

	s->rng = s->seed + s->executions++;
	s->yield_low = -1;
	for (int i = 0; i < SCHED_MAX_THREADS; i++) {
		s->priority[i] = fresh_priority(s);
		s->was_pending[i] = (struct sched_access){0};
	}
}

/* Rules 1 and 2: re-draw the priorities of the steps that race with the one that ran. */
static void redraw_racing(struct strategy_pos *s, const struct sched_choice *c)
{
	struct sched_access ran = announced(&s->was_pending[c->current]);

	s->priority[c->current] = fresh_priority(s);
	for (int t = 0; t < SCHED_MAX_THREADS; t++) {
		struct sched_access next = announced(&c->pending[t]);

		if (t != c->current && sched_access_conflict(&ran, &next))
			s->priority[t] = fresh_priority(s);
	}
}

static int pos_pick(struct strategy *base, const struct sched_choice *c)
{
	struct strategy_pos *s = (struct strategy_pos *)base;
	int best = c->enabled[0];

	redraw_racing(s, c);
	if (c->current_yields && c->current_enabled)
		s->priority[c->current] = s->yield_low--;
	for (int i = 1; i < c->n_enabled; i++) {
		if (s->priority[c->enabled[i]] > s->priority[best])
			best = c->enabled[i];
	}
	for (int t = 0; t < SCHED_MAX_THREADS; t++)
		s->was_pending[t] = c->pending[t];
	return best;
}

void strategy_pos_init(struct strategy_pos *s, uint64_t seed)
{
	*s = (struct strategy_pos){
		.base = {.name = "pos", .begin = pos_begin, .pick = pos_pick},
		.seed = seed,
	};
}

SCHED_TSAN_IGNORE_END
