// SPDX-License-Identifier: MIT
/*
 * PCT: probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi,
 * Nagarakatte, ASPLOS 2010). Always run the highest-priority enabled
 * thread; at depth-1 random steps, demote the running thread. A bug of
 * depth d among n threads and k steps is found with probability at least
 * 1/(n k^(d-1)) per execution.
 */
#include "strategy.h"

#include "sanitizer.h"

SCHED_TSAN_IGNORE_BEGIN

#define PCT_MIN_EST_STEPS 16

static void sort_u64(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		uint64_t x = v[i];
		unsigned j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static void pct_begin(struct strategy *base)
{
	struct strategy_pct *s = (struct strategy_pct *)base;
	uint64_t est = s->est_steps > PCT_MIN_EST_STEPS ? s->est_steps : PCT_MIN_EST_STEPS;

	s->rng = s->seed + s->executions++;
	/* Random distinct initial priorities depth .. depth+n-1 (Fisher-Yates). */
	for (int i = 0; i < SCHED_MAX_THREADS; i++)
		s->priority[i] = (int)s->depth + i;
	for (int i = SCHED_MAX_THREADS - 1; i > 0; i--) {
		int j = (int)sched_rng_below(&s->rng, (uint32_t)i + 1);
		int t = s->priority[i];

		s->priority[i] = s->priority[j];
		s->priority[j] = t;
	}
	s->n_changes = s->depth - 1;
	for (unsigned i = 0; i < s->n_changes; i++)
		s->change_at[i] =
			1 +
			sched_rng_below(&s->rng, (uint32_t)(est > UINT32_MAX ? UINT32_MAX : est));
	sort_u64(s->change_at, s->n_changes);
	s->next_change = 0;
	s->next_low = s->depth - 1;
	s->yield_low = 0;
}

static int pct_pick(struct strategy *base, const struct sched_choice *c)
{
	struct strategy_pct *s = (struct strategy_pct *)base;
	int best = c->enabled[0];

	while (s->next_change < s->n_changes && s->change_at[s->next_change] <= c->step) {
		if (s->change_at[s->next_change] == c->step)
			s->priority[c->current] = (int)s->next_low;
		s->next_change++;
		s->next_low--;
	}
	if (c->current_yields && c->current_enabled)
		s->priority[c->current] = s->yield_low--;
	for (int i = 1; i < c->n_enabled; i++) {
		if (s->priority[c->enabled[i]] > s->priority[best])
			best = c->enabled[i];
	}
	return best;
}

/* The change points are drawn over the longest execution seen so far. */
static void pct_end(struct strategy *base, const struct sched_result *r)
{
	struct strategy_pct *s = (struct strategy_pct *)base;

	if (r->steps > s->est_steps)
		s->est_steps = r->steps;
}

void strategy_pct_init(struct strategy_pct *s, unsigned depth, uint64_t seed)
{
	if (depth < 1)
		depth = 1;
	if (depth > 17)
		depth = 17;
	*s = (struct strategy_pct){
		.base = {.name = "pct", .begin = pct_begin, .pick = pct_pick, .end = pct_end},
		.depth = depth,
		.seed = seed,
	};
}

SCHED_TSAN_IGNORE_END
