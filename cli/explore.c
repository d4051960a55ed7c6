/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "fuzz/runner.h"
#include "scheduler/strategy.h"

#define SCHEDULE_PAIRS 24

/* A random schedule: short gaps, so that switches land inside the
 * kernel paths rather than after the threads have finished. */
static size_t random_schedule(uint64_t *rng, uint8_t *out)
{
	size_t n = 0;
	unsigned pairs = 1 + (unsigned)(sched_rng_next(rng) % SCHEDULE_PAIRS);

	for (unsigned i = 0; i < pairs; i++) {
		unsigned r = (unsigned)(sched_rng_next(rng) % 100);

		out[n++] = (uint8_t)(r < 60 ? r % 4 : r < 90 ? r % 16 : r % 64);
		out[n++] = (uint8_t)(sched_rng_next(rng) % SCHED_MAX_THREADS);
	}
	return n;
}

int cmd_explore(const struct cli_options *o)
{
	struct input in;
	uint8_t *storage = NULL, schedule[2 * SCHEDULE_PAIRS];
	uint64_t seed = o->seed_given ? o->seed : 1, rng = seed;
	uint64_t runs = o->runs_given ? o->runs : 10000;
	char err[512], sig[256];
	int status;
	struct exec_result r;

	/* The report goes to stdout: the input cannot go there too. */
	if (o->out && strcmp(o->out, "-") == 0) {
		fprintf(stderr, "mmfuzz explore: -o - would mix the report and the input on "
				"standard output; give a file\n");
		return EXIT_USAGE;
	}
	status = cli_load(o, o->args[0], &in, &storage);
	if (status != 0)
		return status;
	/* What it saves runs on this model anywhere. */
	snprintf(in.model, sizeof(in.model), "%s", runner_profile_name());
	for (uint64_t i = 0; i < runs; i++) {
		in.schedule_len = random_schedule(&rng, schedule);
		in.schedule = schedule;
		runner_execute(&in, NULL, false, NULL, &r);
		if (!r.violation)
			continue;
		runner_signature(&r, sig, sizeof(sig));
		printf("%s: %s after %llu schedules\n", o->args[0], sig, (unsigned long long)i + 1);
		runner_print_report(&r, stdout);
		if (o->out && !input_save_file(&in, o->out, err, sizeof(err)))
			fprintf(stderr, "mmfuzz: %s\n", err);
		else if (o->out)
			printf("saved as %s (model %s: mmfuzz replay %s)\n", o->out,
			       runner_profile_name(), o->out);
		free(storage);
		return 1;
	}
	printf("%s: no violation in %llu random schedules (seed %llu) on %s\n", o->args[0],
	       (unsigned long long)runs, (unsigned long long)seed, runner_profile_name());
	free(storage);
	return 0;
}
