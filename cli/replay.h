/* SPDX-License-Identifier: MIT */
/* The replay report: the scenario, every step of the trace, the verdict
 * and what the violated oracle means. `mmfuzz replay` prints it; a
 * campaign saves it as a finding's report.txt. */
#ifndef MMFUZZ_FUZZ_REPLAY_H
#define MMFUZZ_FUZZ_REPLAY_H

#include <stdio.h>

#include "fuzz/input.h"

/* Run `in` on the selected model with the trace on, printing to out.
 * `name` titles the report. Returns 1 on a violation, else 0. */
int replay_print(const struct input *in, const char *name, FILE *out);

#endif
