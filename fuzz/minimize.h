/* SPDX-License-Identifier: MIT */
/*
 * Minimisation: the smallest program and schedule that still violate the
 * same oracle, with the same kind, on the same model.
 *
 * Every candidate is run on the selected model and kept only if it gives
 * the same verdict. The program comes first (threads, then ops, then
 * smaller argument values), then the schedule: fewest preemptions, then
 * fewest steps. The result is an ordinary input whose schedule bytes
 * replay the run that was checked.
 */
#ifndef MMFUZZ_FUZZ_MINIMIZE_H
#define MMFUZZ_FUZZ_MINIMIZE_H

#include <stdbool.h>
#include <stdint.h>

#include <stdio.h>
#include "input.h"

/* What `mmfuzz minimize` runs at most when --runs does not say. */
#define MINIMIZE_DEFAULT_RUNS 200000

struct minimize_stats {
	int threads_before, threads_after;
	int ops_before, ops_after;
	int preemptions_before, preemptions_after;
	uint64_t steps_before, steps_after;
	unsigned long executions;  /* runs of the model spent */
	bool exhausted;		   /* stopped by max_executions, not at a fixpoint */
	char oracle[64], kind[64]; /* the signature kept ("" if none) */
};

/* Minimise `in` on the selected model, keeping its signature. `out`
 * receives the result (its schedule in out->owned; out->model copied from
 * in). max_executions 0: no bound. false if `in` violates nothing (then
 * out is a copy of in). */
bool minimize_input(const struct input *in, struct input *out, unsigned long max_executions,
		    struct minimize_stats *st);

/* Preemptions in the input's own schedule, run on the selected model:
 * switches away from a thread that could have gone on (and was not
 * spinning). */
int schedule_preemptions(const struct input *in);

/* Ops in a program, over all its threads. */
int scenario_op_count(const struct scenario *sc);

/* One line: the signature, and each measure before -> after. */
void minimize_print_summary(const struct minimize_stats *st, FILE *out);

#endif
