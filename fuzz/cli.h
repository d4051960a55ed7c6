/* SPDX-License-Identifier: MIT */
/* Options shared by the mmfuzz commands. */
#ifndef MMFUZZ_FUZZ_CLI_H
#define MMFUZZ_FUZZ_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct cli_options {
	const char *profile;
	const char *switches[16];
	int n_switches;
	int time;
	uint64_t seed;
	int jobs;
	int repeat;
	bool seeds;
	const char *only; /* fuzz: report only these oracle[:kind]s */
	long runs;	  /* explore: schedules to try */
	const char *out;  /* explore, minimize: where to save (-o, --out) */
	const char *html; /* replay: where to write the timeline page */
	bool model_given; /* --profile, --set or MMFUZZ_PROFILE: they override a file's model */
	char **args;	  /* the operands, in argv order (points into argv's storage) */
	int n_args;
};

struct input;

/* Select the options' model (latest if they name none). Returns 0, or -1
 * after printing why not. */
int cli_select_flags(const struct cli_options *o);

/* Load FILE and select the model to run it on: the file's own, unless the
 * options name one (then a warning if they differ). Returns 0, or 2
 * after printing why not. *storage is freed by the caller. */
int cli_load(const struct cli_options *o, const char *path, struct input *in, uint8_t **storage);

#endif
