/* SPDX-License-Identifier: MIT */
/*
 * Minimisation: the smallest program and schedule that still violate the
 * same oracle, with the same kind, on the same model (TO BE WRITTEN).
 */
#ifndef MMFUZZ_FUZZ_MINIMIZE_H
#define MMFUZZ_FUZZ_MINIMIZE_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "input.h"

struct minimize_stats {
	int threads_before, threads_after;
	int ops_before, ops_after;
	int preemptions_before, preemptions_after;
	uint64_t steps_before, steps_after;
	unsigned long executions; /* runs of the model spent */
};

/* Minimise `in` on the selected model, keeping its signature. `out`
 * receives the result (its schedule in out->owned; out->model copied from
 * in). max_executions 0: no bound. false if `in` violates nothing. */
bool minimize_input(const struct input *in, struct input *out, unsigned long max_executions,
		    struct minimize_stats *st);

/* Preemptions in the input's own schedule: switches away from a thread
 * that could have gone on. */
int schedule_preemptions(const struct input *in);

/* `mmfuzz minimize [-o OUT] FILE` */
int minimize_run(const struct cli_options *o);

#endif
