/* SPDX-License-Identifier: MIT */
/*
 * Small RCU programs (scheduler/rcu.h): a reader dereferences a published
 * object inside a read-side section while an updater unpublishes and frees
 * it, after synchronize_rcu(), through call_rcu(), or (the bug) at once.
 */
#ifndef MMFUZZ_TESTS_SCHED_PROGRAMS_RCU_H
#define MMFUZZ_TESTS_SCHED_PROGRAMS_RCU_H

#include "programs.h"

extern const struct program prog_rcu_synchronize;
extern const struct program prog_rcu_callback;
extern const struct program prog_rcu_no_grace_period;

#endif
