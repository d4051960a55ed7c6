/* SPDX-License-Identifier: MIT */
/*
 * Running inputs under a profile: shared by the CLI, the fuzz target and
 * the tests. The profile (plus any switches turned on top of it) is chosen
 * per campaign, never by the input.
 */
#ifndef MMFUZZ_FUZZ_RUNNER_H
#define MMFUZZ_FUZZ_RUNNER_H

#include <stdbool.h>
#include <stdio.h>

#include "input.h"
#include "target/execute.h"
#include "target/policy.h"

/* Select a profile and apply "name=value" switches. false + err on an
 * unknown profile or switch. */
bool runner_select(const char *profile, const char *const *switches, int n_switches, char *err,
		   size_t errlen);
const char *runner_profile_name(void);

/* Run one input. `strategy` NULL: the input's own schedule bytes. */
void runner_execute(const struct input *in, struct strategy *strategy, bool record,
		    void (*feature_hook)(uint32_t), struct exec_result *out);

/* "mmfuzz: VIOLATION <oracle> <kind> profile=<name>" or "mmfuzz: CLEAN ..." */
void runner_signature(const struct exec_result *r, char *buf, size_t len);
/* The signature line, then the report and the profile's switches. */
void runner_print_report(const struct exec_result *r, FILE *out);

#endif
