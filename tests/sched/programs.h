/* SPDX-License-Identifier: MIT */
/*
 * Classic concurrency bugs written on the scheduler's primitives, and one
 * correct program, used to test that every strategy finds the bugs and
 * never reports the correct one.
 */
#ifndef MMFUZZ_TESTS_SCHED_PROGRAMS_H
#define MMFUZZ_TESTS_SCHED_PROGRAMS_H

#include "scheduler/sched.h"

struct program {
	const char *name;
	void (*setup)(void); /* reset the program's state, spawn its threads */
	int n_threads;
	enum sched_verdict bug; /* the verdict the bug produces */
	uint64_t max_steps;
	/* Extra checks on a buggy result (report contents); NULL if none. */
	bool (*bug_ok)(const struct sched_result *r);
	/* The program's final state, for comparing explorations; may be NULL. */
	uint64_t (*state)(void);
	/* Fewest preemptions that show the bug (-1: no bug). */
	int smallest_k;
};

extern const struct program prog_lost_update;
extern const struct program prog_abba_deadlock;
extern const struct program prog_rw_starvation;
extern const struct program prog_clean;
/* Small annotated programs for the bounded exploration (test_dpor.c). */
extern const struct program prog_independent;
extern const struct program prog_message_passing;
extern const struct program prog_three;

#endif
