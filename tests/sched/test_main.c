// SPDX-License-Identifier: MIT
/* Runs every scheduler test; prints "N passed, N failed". */
#include <stdlib.h>

#include "test.h"

static int checks_failed_in_test;

bool test_check(bool ok, const char *file, int line, const char *expr)
{
	if (!ok) {
		fprintf(stderr, "  check failed at %s:%d: %s\n", file, line, expr);
		checks_failed_in_test++;
	}
	return ok;
}

void run_exec(struct strategy *s, uint64_t max_steps, bool record, struct sched_result *r)
{
	struct sched_config cfg = {
		.strategy = s, .max_steps = max_steps, .record_decisions = record};

	sched_run(&cfg, r);
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
#define T(f)                                                                                       \
	{                                                                                          \
#f, f                                                                              \
	}
	T(test_basics),
	T(test_spawn_from_thread),
	T(test_feature_hook),
	T(test_trace_format),
	T(test_timeout_wait),
	T(test_lockdep_double_unlock),
	T(test_lockdep_unlock_not_held),
	T(test_lockdep_sleep_under_spinlock),
	T(test_lockdep_held_at_exit),
	T(test_lockdep_double_lock),
	T(test_lockdep_print_held),
	T(test_deadlock_report),
	T(test_livelock_verdict),
	T(test_rwsem_writer_blocks_reader),
	T(test_rwsem_fifo_handoff),
	T(test_rwsem_trylock),
	T(test_mutex_handoff_fifo),
	T(test_bytes_strategy_semantics),
	T(test_replay_drift_messages),
	T(test_bugs_found_and_replayed),
	T(test_clean_program_passes),
	T(test_determinism),
	T(test_seed_plus_i),
	T(test_pos_semantics),
	T(test_surw_learning),
	T(test_access_recording),
	T(test_rcu_grace_period),
	T(test_rcu_late_reader_not_waited_for),
	T(test_rcu_lockdep),
	T(test_dpor_k0_is_non_preemptive),
	T(test_dpor_bug_at_smallest_bound),
	T(test_dpor_deterministic),
	T(test_dpor_drift_stops),
	T(test_dpor_agrees_with_naive),
#undef T
};

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;

	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		checks_failed_in_test = 0;
		tests[i].fn();
		if (checks_failed_in_test) {
			printf("FAIL %s\n", tests[i].name);
			failed++;
		} else {
			printf("ok   %s\n", tests[i].name);
			passed++;
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
