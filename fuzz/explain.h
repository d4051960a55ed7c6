/* SPDX-License-Identifier: MIT */
/*
 * Why an input fails: the orderings between kernel steps that the
 * violation depends on, each checked by reversing it (TO BE WRITTEN).
 */
#ifndef MMFUZZ_FUZZ_EXPLAIN_H
#define MMFUZZ_FUZZ_EXPLAIN_H

#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "input.h"

/* "A happens before B": two steps of different threads. */
struct critical_pair {
	uint64_t before_step, after_step;
	int before_thread, after_thread;
	char before[192], after[192]; /* kernel words: thread, op, function, object */
};

/* The critical pairs of `in` on the selected model, at most max. */
int explain_pairs(const struct input *in, struct critical_pair *pairs, int max);

/* `mmfuzz explain FILE` */
int explain_run(const struct cli_options *o);

#endif
