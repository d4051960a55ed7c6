/* SPDX-License-Identifier: MIT */
/*
 * Scheduling strategies by name, for the commands that explore schedules
 * (explore, smoke) and the benchmarks: one place that knows the names.
 *
 *   random        uniform random walk (strategy_random)
 *   pctN          PCT of depth N, 1 <= N <= 17 (strategy_pct); "pct2" and
 *                 "pct-depth-2" are the same strategy
 *   pos           partial order sampling (strategy_pos)
 *   surw          selectively uniform random walk (strategy_surw)
 *
 * Every one is deterministic from its seed: execution i of a campaign uses
 * seed + i (SURW also learns from the campaign's first executions).
 */
#ifndef MMFUZZ_FUZZ_STRATEGY_SELECT_H
#define MMFUZZ_FUZZ_STRATEGY_SELECT_H

#include <stdbool.h>
#include <stdint.h>

#include "scheduler/strategy.h"

/* For help texts and error messages. */
#define STRATEGY_SELECT_NAMES "random, pct2, pct3, pctN (N = 1..17), pos, surw"

struct selected_strategy {
	char name[16]; /* canonical: "random", "pct2", "pos", "surw" */
	union {
		struct strategy_random random;
		struct strategy_pct pct;
		struct strategy_pos pos;
		struct strategy_surw surw;
	} u;
	struct strategy *strategy; /* points into u: do not copy the struct */
};

/* Make the strategy `name` with `seed` in *out. false: no such name. */
bool strategy_select(const char *name, uint64_t seed, struct selected_strategy *out);
/* Is `name` a strategy strategy_select() makes? */
bool strategy_select_known(const char *name);

#endif
