/* SPDX-License-Identifier: MIT */
/*
 * The libFuzzer target. The profile comes from the environment
 * (MMFUZZ_PROFILE, default "latest"; MMFUZZ_SET="switch=value,...") — the
 * input never chooses it. Interleaving feedback goes into libFuzzer's
 * extra counters: one counter per (site, switch, previous site) feature
 * the scheduler reports. A violation prints its report, whose first line
 * is the signature, and aborts so that libFuzzer saves the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define COVERAGE_SIZE (1u << 16)

/* Must be a multiple of 8 bytes: libFuzzer clears it word by word. */
__attribute__((used, section("__libfuzzer_extra_counters"), aligned(64))) static uint8_t
	interleaving_coverage[COVERAGE_SIZE];

static void record_feature(uint32_t feature)
{
	uint8_t *c = &interleaving_coverage[feature & (COVERAGE_SIZE - 1)];

	if (*c < 255)
		(*c)++;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *profile = getenv("MMFUZZ_PROFILE");
	const char *set = getenv("MMFUZZ_SET");
	const char *switches[16];
	char buf[512], err[512];
	int n = 0;

	if (set && *set) {
		char *save = NULL;

		snprintf(buf, sizeof(buf), "%s", set);
		for (char *s = strtok_r(buf, ",", &save); s && n < 16; s = strtok_r(NULL, ",", &save))
			switches[n++] = s;
	}
	if (!runner_select(profile && *profile ? profile : "latest", switches, n, err,
			   sizeof(err))) {
		fprintf(stderr, "mmfuzz: %s\n", err);
		exit(2);
	}
	fprintf(stderr, "mmfuzz: fuzzing profile %s\n", runner_profile_name());
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in;
	struct exec_result r;
	char err[256];

	/* An unknown version or a cut-short scenario runs as an empty
	 * program: every saved finding is then a file `mmfuzz run` accepts. */
	if (input_decode(data, size, &in, err, sizeof(err)) != INPUT_OK)
		return 0;
	runner_execute(&in, NULL, false, record_feature, &r);
	if (r.violation) {
		runner_print_report(&r, stderr);
		fflush(stderr);
		abort();
	}
	return 0;
}
