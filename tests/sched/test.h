/* SPDX-License-Identifier: MIT */
/* A tiny assertion helper for the scheduler tests. */
#ifndef MMFUZZ_TESTS_SCHED_TEST_H
#define MMFUZZ_TESTS_SCHED_TEST_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "scheduler/sched.h"
#include "scheduler/strategy.h"

/* Record a failed check of the current test; false so callers can return. */
bool test_check(bool ok, const char *file, int line, const char *expr);

/* Check a condition; on failure report it and leave the test function. */
#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!test_check((cond), __FILE__, __LINE__, #cond))                                \
			return;                                                                    \
	} while (0)

/* Check and, on failure, print the result's report too. */
#define CHECK_R(cond, r)                                                                           \
	do {                                                                                       \
		if (!test_check((cond), __FILE__, __LINE__, #cond)) {                              \
			fprintf(stderr, "    verdict %d kind '%s' report:\n%s\n", (r)->verdict,    \
				(r)->kind, (r)->report);                                           \
			return;                                                                    \
		}                                                                                  \
	} while (0)

/* Run the prepared execution with a strategy (NULL: fallback pick). */
void run_exec(struct strategy *s, uint64_t max_steps, bool record, struct sched_result *r);

/* The test functions, one file per area. */
void test_basics(void);
void test_spawn_from_thread(void);
void test_feature_hook(void);
void test_trace_format(void);
void test_timeout_wait(void);
void test_lockdep_double_unlock(void);
void test_lockdep_unlock_not_held(void);
void test_lockdep_sleep_under_spinlock(void);
void test_lockdep_held_at_exit(void);
void test_lockdep_double_lock(void);
void test_lockdep_print_held(void);
void test_deadlock_report(void);
void test_livelock_verdict(void);
void test_rwsem_writer_blocks_reader(void);
void test_rwsem_fifo_handoff(void);
void test_rwsem_trylock(void);
void test_mutex_handoff_fifo(void);
void test_bugs_found_and_replayed(void);
void test_clean_program_passes(void);
void test_determinism(void);
void test_seed_plus_i(void);
void test_pos_semantics(void);
void test_surw_learning(void);
void test_replay_drift_messages(void);
void test_bytes_strategy_semantics(void);
void test_dpor_agrees_with_naive(void);
void test_access_recording(void);
void test_dpor_k0_is_non_preemptive(void);
void test_dpor_bug_at_smallest_bound(void);
void test_dpor_deterministic(void);
void test_dpor_drift_stops(void);
void test_rcu_grace_period(void);
void test_rcu_late_reader_not_waited_for(void);
void test_rcu_lockdep(void);

#endif
