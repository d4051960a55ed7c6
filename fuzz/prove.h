/* SPDX-License-Identifier: MIT */
/*
 * Bounded proofs: every schedule of an input's program with at most K
 * preemptions, on the selected model (scheduler/dpor.h explores; this
 * drives it).
 *
 * Iterative context bounding: the bounds 0, 1, ..., K are explored in
 * turn, each by its own exploration, so that a violation is found at the
 * smallest bound that shows it. The input's own schedule bytes are
 * ignored. The schedules are those the input format can express (dpor.h):
 * a violation found is saved as an ordinary input whose schedule bytes
 * (prove_result.schedule) replay it.
 *
 * Everything in the result but `seconds` is a function of the input, the
 * model, the options and the build.
 */
#ifndef MMFUZZ_FUZZ_PROVE_H
#define MMFUZZ_FUZZ_PROVE_H

#include <stdbool.h>
#include <stdint.h>

#include "input.h"
#include "target/execute.h"

/* The largest bound prove takes: far past anything that finishes. */
#define PROVE_MAX_BOUND 16

/* One bound's exploration. */
struct prove_bound {
	unsigned k;
	uint64_t schedules;	/* executions run at this bound */
	uint64_t sleep_blocked; /* of those, cut short as redundant */
	uint64_t classes;	/* Mazurkiewicz traces among the complete ones */
	uint64_t max_steps;	/* the longest execution, in steps */
	bool complete;		/* every schedule within k explored (or represented) */
	bool bound_reached;	/* some schedule needed more than k preemptions */
	double seconds;		/* wall clock: never in reproducible output */
};

enum prove_verdict {
	PROVE_PROVED,	  /* every bound explored, no violation */
	PROVE_VIOLATION,  /* a schedule violated an oracle */
	PROVE_INCOMPLETE, /* max_schedules ran out first: no proof */
	/* A schedule's prefix ran differently when replayed (the program is
	 * not deterministic on this model): the search cannot go on and
	 * proves nothing; prove_result.drift says where. An error. */
	PROVE_DRIFT,
};

struct prove_result;

struct prove_options {
	unsigned preemptions;	/* the bound K (at most PROVE_MAX_BOUND) */
	bool reduce;		/* false: naive enumeration */
	bool classic_dpor;	/* the classic backtrack rule, not source sets */
	bool no_sleep_sets;	/* reduce without sleep sets (scheduler/dpor.h) */
	uint64_t max_schedules; /* over all bounds; 0: no limit */
	/* Called every progress_every schedules (0: never) and after each
	 * bound; may be NULL. */
	void (*progress)(const struct prove_result *r, void *arg);
	void *progress_arg;
	uint64_t progress_every;
};

struct prove_result {
	enum prove_verdict verdict;
	struct prove_bound bounds[PROVE_MAX_BOUND + 1];
	unsigned n_bounds;  /* bounds started (the last may be cut short) */
	uint64_t schedules; /* over all bounds */
	/* Every schedule of the program, not just those within K: the last
	 * bound explored never needed one more preemption. */
	bool exhaustive;
	/* PROVE_VIOLATION: the first violating execution, at bound found_k,
	 * after `schedules` schedules in all, and its schedule bytes
	 * (schedule_len 0 with schedule_fits false: too long to save). */
	unsigned found_k;
	struct exec_result violation;
	uint8_t schedule[INPUT_MAX_SCHEDULE];
	size_t schedule_len;
	bool schedule_fits;
	/* PROVE_DRIFT: at bound found_k, after `schedules`, why (one line). */
	char drift[256];
};

/*
 * Prove in's program on the selected model. The result is large (the
 * schedule): callers keep it static or on the heap. A violation at some
 * bound stops the search; so do max_schedules and a drift. Executions
 * the exploration abandons as redundant (SCHED_ABANDONED) count as
 * schedules run but never as a violation.
 */
void prove_run(const struct input *in, const struct prove_options *o, struct prove_result *r);

/* Classes at the last bound explored: the Mazurkiewicz traces of every
 * schedule within it (each bound's exploration covers the lower ones). */
uint64_t prove_classes(const struct prove_result *r);

#endif
