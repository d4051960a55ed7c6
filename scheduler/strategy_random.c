// SPDX-License-Identifier: MIT
/* Uniform random walk; execution i of a campaign uses seed + i. */
#include "strategy.h"

#include "sanitizer.h"

SCHED_TSAN_IGNORE_BEGIN

static void random_begin(struct strategy *base)
{
	struct strategy_random *s = (struct strategy_random *)base;

	/* seed + i, so that any single execution of a campaign can be rerun
	 * alone with strategy_random_init(seed + i). */
	s->rng = s->seed + s->executions++;
}

static int random_pick(struct strategy *base, const struct sched_choice *c)
{
	struct strategy_random *s = (struct strategy_random *)base;

	return c->enabled[sched_rng_below(&s->rng, (uint32_t)c->n_enabled)];
}

void strategy_random_init(struct strategy_random *s, uint64_t seed)
{
	*s = (struct strategy_random){
		.base = {.name = "random", .begin = random_begin, .pick = random_pick},
		.seed = seed,
	};
}

SCHED_TSAN_IGNORE_END
