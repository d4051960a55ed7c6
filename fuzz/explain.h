/* SPDX-License-Identifier: MIT */
/*
 * Why an input fails, in kernel words: the orderings between kernel steps
 * that its violation depends on, each checked by reversing it.
 *
 * The failing run is recorded as the order in which threads took their
 * scheduling points. Every context switch of that order is moved a few
 * points earlier and later (or removed); a switch whose move makes the
 * violation go away orders two steps the violation needs. The pair is
 * narrowed to the last step of one thread and the first step of the other
 * that must stay in that order, and kept only if running them the other
 * way round (the rest of the order kept) gives a clean run or another
 * verdict. Waits and signals of the program are taken out for the search
 * when the failure does not need them (they only enforce an order the
 * schedule can give), so that the orderings they enforce can be reversed
 * too.
 */
#ifndef MMFUZZ_FUZZ_EXPLAIN_H
#define MMFUZZ_FUZZ_EXPLAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "input.h"
#include "target/execute.h"

/* "A happens before B": two steps of different threads. */
struct critical_pair {
	/* Steps and scheduler thread ids (the CPU in the trace) as in the
	 * file's own replay (`mmfuzz replay`). */
	uint64_t before_step, after_step;
	int before_thread, after_thread;
	char before[320], after[320]; /* kernel words: thread, op, function, object */
	char reversed[96];	      /* the verdict with B before A: "clean", or another */
	/* How the reversal is built, for explain_reverse(): positions in the
	 * searched order, which thread moves, and whether the program's
	 * waits and signals were taken out. */
	int at_before, at_after;
	bool hoist; /* B's thread runs up to B before A (else A's runs after B) */
	bool without_waits;
};

/* The critical pairs of `in` on the selected model, at most max, in the
 * order of their first step. 0 for a clean input. */
int explain_pairs(const struct input *in, struct critical_pair *pairs, int max);

/* Run `in` with pair p reversed (B before A, the rest of the recorded
 * order kept as far as the threads allow); the verdict goes to r. */
void explain_reverse(const struct input *in, const struct critical_pair *p, struct exec_result *r);

/* The signature, the critical orderings, the value
 * flow the oracle judged and what the oracle means. Exit 1 on a
 * violation, 0 (with "nothing to explain") on a clean run, 2 on errors. */
int explain_print(const struct input *in, const char *name, FILE *out);

#endif
