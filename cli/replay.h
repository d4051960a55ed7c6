/* SPDX-License-Identifier: MIT */
/* The replay report: the scenario, every step of the trace, the verdict
 * and what the violated oracle means. `mmfuzz replay` prints it; a
 * campaign saves it as a finding's report.txt. */
#ifndef MMFUZZ_FUZZ_REPLAY_H
#define MMFUZZ_FUZZ_REPLAY_H

#include <stdio.h>

#include "fuzz/input.h"
#include "fuzz/runner.h"

/* The lock-latency view of one execution, as `mmfuzz run` and `mmfuzz
 * replay` print it: mmap_lock, and (6.4+) the VMA lock with the fault
 * counts as the kernel's vmstat has them (success, retry, abort, miss),
 * and how many of them concern a VMA's first anon_vma. */
void print_lock_latency(const struct exec_result *r, FILE *out);

/* Run `in` on the selected model with the trace on, printing to out.
 * `name` titles the report. Returns 1 on a violation, else 0. */
int replay_print(const struct input *in, const char *name, FILE *out);

#endif
