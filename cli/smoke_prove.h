/* SPDX-License-Identifier: MIT */
/*
 * `mmfuzz smoke --preemptions K`: a bounded proof (fuzz/prove.h) of each
 * scenario, one test case each ("prove-K<k>"), budgeted by --runs
 * schedules over all bounds. A scenario whose proof needs more is
 * reported as skipped ("over budget"), never as passed: only a complete
 * exploration passes. A violation fails the case and is saved as a
 * reproducer like a strategy's.
 */
#ifndef MMFUZZ_CLI_SMOKE_PROVE_H
#define MMFUZZ_CLI_SMOKE_PROVE_H

#include <stdbool.h>

#include "smoke.h"

#define SMOKE_PROVE_PREFIX "prove-K"
/* The verdict of a case the budget did not cover. */
#define SMOKE_PROVE_SKIPPED "skipped: over budget"

/* Prove each of p's scenarios up to `bound` preemptions; append the cases
 * to res (and their failures to res->failures). */
void smoke_prove_run(const struct smoke_plan *p, unsigned bound, const char *dir,
		     struct smoke_results *res);

/* A bounded-proof case, and one the budget did not cover. */
bool smoke_case_is_proof(const struct smoke_case *c);
bool smoke_case_skipped(const struct smoke_case *c);

#endif
