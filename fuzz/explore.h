/* SPDX-License-Identifier: MIT */
/*
 * `mmfuzz explore`: search the schedules of one scenario. The program is
 * fixed (a reproducer a developer wrote, without waits); each execution
 * draws a random schedule in the input's own encoding, so any violation
 * found is saved as an ordinary input file that `run` and `replay` accept.
 */
#ifndef MMFUZZ_FUZZ_EXPLORE_H
#define MMFUZZ_FUZZ_EXPLORE_H

#include "cli.h"

int explore_run(const struct cli_options *o);

#endif
