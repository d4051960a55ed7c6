/* SPDX-License-Identifier: MIT */
/*
 * `mmfuzz explore`: schedules of one scenario's program until one violates
 * an oracle. By default ("bytes") each schedule is random schedule bytes;
 * --strategy NAME explores with a scheduling strategy instead
 * (fuzz/strategy_select.h), whose picks are written as schedule bytes as
 * they are made, so that a violation saves as an ordinary input.
 */
#include <stdio.h>

#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "smoke.h"

#include "fuzz/runner.h"
#include "fuzz/strategy_select.h"
#include "scheduler/strategy.h"

#define SCHEDULE_PAIRS 24
#define BYTES	       "bytes"

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

/* One exploration: where its schedules come from and what it found. */
struct exploration {
	const char *strategy; /* BYTES or a strategy_select() name */
	uint64_t seed, runs;
	struct selected_strategy *selected; /* NULL for bytes */
	struct smoke_recorder *recorder;
	uint8_t schedule[2 * SCHEDULE_PAIRS];
	uint64_t rng;
};

/* Run schedules until a violation (returns the schedules run) or the budget. */
static uint64_t explore_runs(struct exploration *e, struct input *in, struct exec_result *r)
{
	for (uint64_t i = 0; i < e->runs; i++) {
		if (e->selected) {
			runner_execute(in, &e->recorder->base, false, NULL, r);
		} else {
			in->schedule_len = random_schedule(&e->rng, e->schedule);
			in->schedule = e->schedule;
			runner_execute(in, NULL, false, NULL, r);
		}
		if (r->violation)
			return i + 1;
	}
	return 0;
}

/*
 * Put the strategy's recorded picks into in as its schedule bytes and check
 * that they replay the violation. false, with why, if they do not.
 */
static bool take_recorded_schedule(const struct exploration *e, struct input *in,
				   const struct exec_result *want, char *why, size_t len)
{
	const struct schedule_writer *w = &e->recorder->writer;
	struct exec_result again;

	if (w->failed) {
		snprintf(why, len, "its schedule needs more than %d bytes", INPUT_MAX_SCHEDULE);
		return false;
	}
	memcpy(in->owned, e->recorder->bytes, w->len);
	in->schedule = in->owned;
	in->schedule_len = w->len;
	runner_execute(in, NULL, false, NULL, &again);
	if (!again.violation || strcmp(again.oracle, want->oracle) != 0 ||
	    strcmp(again.kind, want->kind) != 0 ||
	    again.sched.trace_hash != want->sched.trace_hash) {
		snprintf(why, len, "its schedule bytes do not replay it");
		return false;
	}
	return true;
}

static void report_found(const struct cli_options *o, struct exploration *e, struct input *in,
			 const struct exec_result *r, uint64_t schedules)
{
	char sig[256], err[512];

	runner_signature(r, sig, sizeof(sig));
	printf("%s: %s after %llu schedules\n", o->args[0], sig, (unsigned long long)schedules);
	runner_print_report(r, stdout);
	if (!o->out)
		return;
	if (e->selected && !take_recorded_schedule(e, in, r, err, sizeof(err)))
		fprintf(stderr, "mmfuzz explore: not saved: %s\n", err);
	else if (!input_save_file(in, o->out, err, sizeof(err)))
		fprintf(stderr, "mmfuzz: %s\n", err);
	else
		printf("saved as %s (model %s: mmfuzz replay %s)\n", o->out, runner_profile_name(),
		       o->out);
}

/* Set up e for o's strategy; false after saying why not. */
static bool choose_strategy(const struct cli_options *o, struct exploration *e)
{
	e->strategy = o->strategy ? o->strategy : BYTES;
	if (strcmp(e->strategy, BYTES) == 0)
		return true;
	e->selected = malloc(sizeof(*e->selected));
	e->recorder = malloc(sizeof(*e->recorder));
	if (!e->selected || !e->recorder) {
		fprintf(stderr, "mmfuzz explore: out of memory\n");
		return false;
	}
	if (!strategy_select(e->strategy, e->seed, e->selected)) {
		fprintf(stderr, "mmfuzz explore: unknown strategy '%s': choose from %s, %s\n",
			e->strategy, BYTES, STRATEGY_SELECT_NAMES);
		return false;
	}
	smoke_recorder_init(e->recorder, e->selected->strategy);
	return true;
}

int cmd_explore(const struct cli_options *o)
{
	struct input in;
	uint8_t *storage = NULL;
	struct exploration e = {
		.seed = o->seed_given ? o->seed : 1,
		.runs = o->runs_given ? o->runs : 10000,
	};
	uint64_t found;
	int status = EXIT_USAGE;
	struct exec_result r;

	e.rng = e.seed;
	/* The report goes to stdout: the input cannot go there too. */
	if (o->out && strcmp(o->out, "-") == 0) {
		fprintf(stderr, "mmfuzz explore: -o - would mix the report and the input on "
				"standard output; give a file\n");
		return EXIT_USAGE;
	}
	if (!choose_strategy(o, &e))
		goto out;
	status = cli_load(o, o->args[0], &in, &storage);
	if (status != 0)
		goto out;
	/* What it saves runs on this model anywhere. */
	snprintf(in.model, sizeof(in.model), "%s", runner_profile_name());
	found = explore_runs(&e, &in, &r);
	if (found) {
		report_found(o, &e, &in, &r, found);
		status = EXIT_VIOLATION;
	} else {
		printf("%s: no violation in %llu %s schedules (seed %llu) on %s\n", o->args[0],
		       (unsigned long long)e.runs, e.selected ? e.selected->name : "random",
		       (unsigned long long)e.seed, runner_profile_name());
		status = EXIT_CLEAN;
	}
out:
	free(storage);
	free(e.selected);
	free(e.recorder);
	return status;
}
