/* SPDX-License-Identifier: MIT */
/*
 * The minimiser's parts (minimize.c), shared by its files only:
 *   minimize_track.c     the strategy every run goes through (plans, bytes)
 *   minimize.c           trials, what counts as smaller, the driver
 *   minimize_program.c   passes over the program: threads, ops, values
 *   minimize_schedule.c  passes over the schedule: switches, few preemptions
 */
#ifndef MMFUZZ_FUZZ_MINIMIZE_INTERNAL_H
#define MMFUZZ_FUZZ_MINIMIZE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "input.h"
#include "target/execute.h"

#define EXITER	 SCN_MAX_THREADS /* a forked child with no program: it only exits */
#define PLAN_MAX (INPUT_MAX_SCHEDULE / 2)
#define REMOVED	 INT8_MIN

/* A pick the fallback would not make, where the running thread stood. */
struct switch_point {
	uint8_t thread; /* program thread running at the point, or EXITER */
	int8_t op;	/* its op: -1 before the first, n_ops in its exit */
	uint16_t nth;	/* which of its points in that op, from 0 */
	uint8_t target; /* program thread picked, or EXITER */
	/* Noted where the thread blocked or exited (the fallback picked):
	 * not followed, but where an edit removes the op it blocked in, it
	 * becomes a switch at the start of the next op. */
	bool forced;
};

struct plan {
	int n;
	struct switch_point sw[PLAN_MAX];
};

/* One version of the input: a program, its schedule both ways, and what
 * running it showed. */
struct version {
	struct scenario sc;
	struct plan plan;
	uint8_t bytes[INPUT_MAX_SCHEDULE];
	size_t len;
	uint64_t steps;
	int preemptions;
};

/* A switch at a run's n-th choice point (counted over the whole run, as
 * the bytes count): to the `other`-th enabled thread besides the running
 * one. The exhaustive search over few preemptions speaks in these. */
struct point_switch {
	uint16_t point;
	uint8_t other;
};

/* Where a run's picks come from. */
struct source {
	enum { BY_BYTES, BY_PLAN, BY_POINTS } kind;
	const uint8_t *bytes; /* BY_BYTES */
	size_t len;
	const struct plan *plan;       /* BY_PLAN */
	const struct point_switch *at; /* BY_POINTS, by increasing point */
	int n_at;
	/* If set: how many other threads could run at each choice point. */
	uint8_t *others;
	int others_max;
};

/* What one run showed. */
struct outcome {
	struct exec_result r;
	int preemptions;
	int choices;	 /* choice points met */
	bool replayable; /* the writer captured every pick */
};

struct minimizer {
	char oracle[64], kind[64];
	unsigned long runs, max_runs;
	struct version best;
	struct version trial; /* the candidate being run */
	struct plan seen;
	unsigned long commits;	  /* versions kept */
	struct scenario searched; /* the program bounded_search last ran on */
};

/* minimize_track.c: run program sc as `src` says; the run's own plan
 * goes to *seen, its picks as bytes to out[*out_len]. */
void run_tracked(const struct scenario *sc, const struct source *src, struct plan *seen,
		 uint8_t *out, size_t *out_len, struct outcome *o);

/* minimize.c: trials. */
bool spent(const struct minimizer *m);
bool same_signature(const struct minimizer *m, const struct exec_result *r);
bool run_trial_from(struct minimizer *m, const struct source *src);
bool run_trial(struct minimizer *m, bool by_plan);
bool commit_trial(struct minimizer *m);
bool program_smaller(const struct scenario *a, const struct scenario *b);
bool schedule_better(const struct version *a, const struct version *b);
int ddmin_next_parts(int parts, int n, bool reduced);

/* minimize_program.c: each pass returns whether it kept a smaller version. */
bool remove_threads(struct minimizer *m);
bool remove_ops(struct minimizer *m);
bool rename_all(struct minimizer *m);
bool lower_fields(struct minimizer *m);

/* minimize_schedule.c */
bool remove_switches(struct minimizer *m);
bool move_switches(struct minimizer *m);
bool bounded_search(struct minimizer *m);

#endif
