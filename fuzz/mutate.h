/* SPDX-License-Identifier: MIT */
/*
 * Structure-aware mutation of inputs: whole operations are inserted,
 * deleted, changed, duplicated or moved between threads, a program is cut
 * down to the ops on one page, threads are added or re-parented, and the
 * schedule is perturbed, now and then by a switch placed right after a
 * race event of the input's own execution (with a thread held back to
 * touch the page there). The result is always a well-formed input.
 * Byte-level mutation alone mostly breaks the op counts; this keeps every
 * child a program.
 */
#ifndef MMFUZZ_FUZZ_MUTATE_H
#define MMFUZZ_FUZZ_MUTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "input.h"

/* A race event of an execution (feedback_race_event) at one of the
 * multi-choice points right after it, and where the program stood there. */
struct race_event {
	uint32_t point; /* that point, counted as strategy_bytes counts them */
	/* Could the schedule switch there (a multi-choice point)? If not,
	 * `point` is the next multi-choice point, and only a thread held
	 * back can be let in at the event. */
	bool switchable;
	uint8_t va; /* the page the event concerned */
	/* Per program thread at that point: the op it is in (-1: not started;
	 * its op count: past its last op), and the schedule target byte that
	 * switches to it (-1: not enabled). */
	int op[SCN_MAX_THREADS];
	int target[SCN_MAX_THREADS];
	/* ... and whether its CPU holds a TLB entry for the page. */
	bool caches[SCN_MAX_THREADS];
};

/* How far into a stale-TLB race an execution got: the deepest
 * feedback_race_depth() of its features, and (up to a limit) the distinct
 * features two or more deep. */
#define RACE_DEPTH_MAX 3
struct race_depth {
	int depth;
	bool copy_ahead; /* feedback_copy_ahead: a copy under it is next */
	size_t n;
	struct {
		uint32_t feature;
		int depth;
	} deep[32];
};

/* Is this feature among d's two-or-more-deep ones? */
static inline bool race_depth_has(const struct race_depth *d, uint32_t feature)
{
	for (size_t k = 0; k < d->n; k++)
		if (d->deep[k].feature == feature)
			return true;
	return false;
}

/* The most race events the mutator looks at in one execution. */
#define RACE_EVENTS_MAX 64

/* What the mutator may ask of its caller; either member may be NULL. */
struct mutate_ops {
	/* Mutate a byte range in place (libFuzzer's LLVMFuzzerMutate): used
	 * for the schedule. */
	size_t (*mutate_bytes)(uint8_t *data, size_t size, size_t max);
	/* Run `in` and list its race events in order, at most max; *depth
	 * gets how far into a stale-TLB race it got. */
	size_t (*race_events)(const struct input *in, struct race_event *events, size_t max,
			      struct race_depth *depth);
	/* Run `in` holding program thread `thread` back from op `from_op` on
	 * until race event number `event`, and write a schedule that replays
	 * the run (race_hold_back); may be NULL. */
	bool (*hold_back)(const struct input *in, int thread, int from_op, size_t event,
			  uint8_t *schedule, size_t *len, size_t cap);
};

/* Mutate `data` (size bytes, capacity max) in place; returns the new size.
 * `ops` may be NULL. */
size_t input_mutate(uint8_t *data, size_t size, size_t max, uint32_t seed,
		    const struct mutate_ops *ops);

/* Make a schedule of (gap, target) pairs (strategy_bytes) switch to
 * enabled[target % n] at multi-choice point `at`, keeping every other
 * switch at its point, so the execution up to `at` is unchanged. A
 * trailing gap without a target is dropped. false (schedule unchanged)
 * if it would not fit in cap bytes or needs a gap over 255. */
bool schedule_switch_at(uint8_t *schedule, size_t *len, size_t cap, uint32_t at, uint8_t target);

/* The scenario of one input with the schedule of another. */
size_t input_crossover(const uint8_t *a, size_t a_size, const uint8_t *b, size_t b_size,
		       uint8_t *out, size_t max, uint32_t seed);

#endif
