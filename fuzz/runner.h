/* SPDX-License-Identifier: MIT */
/*
 * Running inputs under a model: shared by the CLI, the fuzz target and
 * the tests. A model is a profile plus switches turned on top of it,
 * written "PROFILE[+SWITCH=VALUE...]". A campaign chooses it, never the
 * fuzzed bytes; a saved file names it (input.h).
 */
#ifndef MMFUZZ_FUZZ_RUNNER_H
#define MMFUZZ_FUZZ_RUNNER_H

#include <stdbool.h>
#include <stdio.h>

#include "input.h"
#include "target/execute.h"
#include "target/policy.h"

/* Select a profile (or a model "PROFILE+S=V...") and apply "name=value"
 * switches on top. false + err on an unknown profile or switch. */
bool runner_select(const char *profile, const char *const *switches, int n_switches, char *err,
		   size_t errlen);
/* Select a model "PROFILE[+SWITCH=VALUE...]". */
bool runner_select_model(const char *model, char *err, size_t errlen);
/* The selected model's canonical name: the profile, then the switches
 * that change it, each once, sorted ("v5.9+wp.reuse=mapcount"). Only
 * characters safe in a file name. */
const char *runner_profile_name(void);

/* Run one input. `strategy` NULL: the input's own schedule bytes. */
void runner_execute(const struct input *in, struct strategy *strategy, bool record,
		    void (*feature_hook)(uint32_t), struct exec_result *out);

/* Does the list "oracle[:kind],..." (MMFUZZ_ONLY, --only, MMFUZZ_KNOWN)
 * name this oracle and kind? An entry without a kind names every kind. */
bool runner_listed(const char *list, const char *oracle, const char *kind);
/* "mmfuzz: VIOLATION <oracle> <kind> profile=<name>" or "mmfuzz: CLEAN ..." */
void runner_signature(const struct exec_result *r, char *buf, size_t len);
/* The signature line, then the report and the profile's switches. */
void runner_print_report(const struct exec_result *r, FILE *out);

#endif
