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
	const char *out;  /* explore: where to save a finding */
	char **args;	  /* the operands, in argv order (points into argv's storage) */
	int n_args;
};

/* What the violated oracle means, in kernel terms (explain.c). */
void explain_oracle(const char *oracle, FILE *out);

#endif
