// SPDX-License-Identifier: MIT
/* What every strategy shares: the fallback pick and the random source. */
#include "strategy.h"

#include "sanitizer.h"

SCHED_TSAN_IGNORE_BEGIN

/*
 * Non-preemptive: keep the running thread while it can run. A spinning
 * thread (sched_spin) gives way to the next enabled thread, round robin,
 * so that a spin loop is not a livelock merely because nobody else is run.
 */
int strategy_default_pick(const struct sched_choice *c)
{
	if (c->current_enabled && !(c->current_yields && c->n_enabled > 1))
		return c->current;
	for (int i = 0; i < c->n_enabled; i++) {
		if (c->enabled[i] > c->current)
			return c->enabled[i];
	}
	return c->enabled[0];
}

int strategy_enabled_index(const struct sched_choice *c, int tid)
{
	for (int i = 0; i < c->n_enabled; i++) {
		if (c->enabled[i] == tid)
			return i;
	}
	return -1;
}

uint64_t sched_rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, n) without modulo bias worth caring about (n <= 2^32). */
uint32_t sched_rng_below(uint64_t *state, uint32_t n)
{
	return (uint32_t)(((sched_rng_next(state) >> 32) * (uint64_t)n) >> 32);
}

SCHED_TSAN_IGNORE_END
