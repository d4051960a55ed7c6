/* SPDX-License-Identifier: MIT */
/*
 * Bounded systematic exploration: every schedule of a program with at most
 * K preemptions, with partial-order reduction (dynamic partial-order
 * reduction over the steps' accesses, access.h), stateless:
 * each schedule is a fresh execution from the start.
 *
 * The schedules explored are those a schedule in the input format can
 * express (strategy_bytes): the running thread is switched away from only
 * at a point where it could continue (a preemption, or a spinning thread
 * giving way); where it blocks or exits, the next thread is
 * strategy_default_pick()'s. K counts the decisions that differ from
 * strategy_default_pick(), i.e. the switch pairs the saved schedule needs.
 *
 * Reduction (reduce = true) is dynamic partial-order reduction over the
 * recorded steps with source sets (dpor_analysis.c) and the backtrack
 * points a bounded search needs, and sleep sets restricted so that they never hide a
 * schedule within the bound (dpor_sleep.c). An execution found redundant
 * part-way is abandoned (its verdict SCHED_ABANDONED, counted in
 * stats.sleep_blocked): it stands for no outcome and no class.
 *
 * Use: dpor_create(), then run executions with dpor_strategy() as the
 * strategy until dpor_done(). Its end() hook reads each execution's steps
 * (the strategy asks the scheduler for accesses) and picks the next
 * schedule. One bound per exploration; iterative context bounding is the
 * caller running K = 0, 1, ... in turn.
 */
#ifndef MMFUZZ_SCHEDULER_DPOR_H
#define MMFUZZ_SCHEDULER_DPOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strategy.h"

struct dpor_options {
	unsigned preemptions; /* the bound K */
	bool reduce;	      /* false: enumerate every schedule (naive, for comparison) */
	bool no_sleep_sets;   /* reduce without sleep sets (to measure them) */
	/* Reduce with the classic backtrack rule instead of source sets
	 * (dpor_analysis.c), to compare them. */
	bool classic_dpor;
};

struct dpor_stats {
	uint64_t executions; /* schedules run to their end */
	/* Of those, cut short as redundant (sleep sets): verdict
	 * SCHED_ABANDONED, no outcome, no class. */
	uint64_t sleep_blocked;
	/* Distinct Mazurkiewicz traces among the complete executions (every
	 * thread exited, or deadlocked): one cut short by a violation or the
	 * step budget leaves the order of its remaining steps open. */
	uint64_t classes;
	bool bound_reached; /* some schedule was not run because it needed > K */
	uint64_t max_steps; /* longest execution, in steps */
	/* A replayed prefix ran differently: the search stopped and covers
	 * nothing (an error, never a proof). */
	bool drifted;
};

struct dpor; /* opaque: the exploration tree lives on the heap */

struct dpor *dpor_create(const struct dpor_options *o);
void dpor_destroy(struct dpor *d);
struct strategy *dpor_strategy(struct dpor *d);
/* Every schedule within the bound has been explored (or represented). */
bool dpor_done(const struct dpor *d);
const struct dpor_stats *dpor_stats(const struct dpor *d);
/* The last execution's schedule in strategy_bytes form (to save a
 * counterexample): returns its length, 0 when out is too small. */
size_t dpor_schedule_bytes(const struct dpor *d, uint8_t *out, size_t cap);
/* Preemptions the last execution used. */
unsigned dpor_last_preemptions(const struct dpor *d);
/* The last execution's Mazurkiewicz class (a hash), 0 when it has none
 * (cut short): to compare which classes two searches reach. */
uint64_t dpor_last_class(const struct dpor *d);

#endif
