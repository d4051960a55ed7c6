/* SPDX-License-Identifier: MIT */
/*
 * The libFuzzer target. The profile comes from the environment
 * (MMFUZZ_PROFILE, default "latest"; MMFUZZ_SET="switch=value,...") — the
 * input never chooses it. Interleaving feedback goes into libFuzzer's
 * extra counters: one counter per (site, switch, previous site) feature
 * the scheduler reports (and reads-from pairs the oracles report). A
 * violation (of the oracles in MMFUZZ_ONLY, if set) prints its report, whose first line
 * is the signature, and aborts so that libFuzzer saves the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mutate.h"
#include "runner.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
				 size_t size2, uint8_t *out, size_t max_out_size,
				 unsigned int seed);

#define COVERAGE_SIZE (1u << 16)

/* Must be a multiple of 8 bytes: libFuzzer clears it word by word. */
__attribute__((used, section("__libfuzzer_extra_counters"),
	       aligned(64))) static uint8_t interleaving_coverage[COVERAGE_SIZE];

static void record_feature(uint32_t feature)
{
	uint8_t *c = &interleaving_coverage[feature & (COVERAGE_SIZE - 1)];

	if (*c < 255)
		(*c)++;
}

/* MMFUZZ_ONLY="oracle[:kind],...": report only these (hunting one bug
 * while others, already known, would stop every run). */
static char only_oracles[256];

static bool reported(const struct exec_result *r)
{
	char list[sizeof(only_oracles) + 2];
	char item[160];

	if (!only_oracles[0])
		return true;
	snprintf(list, sizeof(list), ",%s,", only_oracles);
	snprintf(item, sizeof(item), ",%s,", r->oracle);
	if (strstr(list, item))
		return true;
	snprintf(item, sizeof(item), ",%s:%s,", r->oracle, r->kind);
	return strstr(list, item) != NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *only = getenv("MMFUZZ_ONLY");
	const char *profile = getenv("MMFUZZ_PROFILE");
	const char *set = getenv("MMFUZZ_SET");
	const char *switches[16];
	char buf[512], err[512];
	int n = 0;

	if (set && *set) {
		char *save = NULL;

		snprintf(buf, sizeof(buf), "%s", set);
		for (char *s = strtok_r(buf, ",", &save); s && n < 16;
		     s = strtok_r(NULL, ",", &save))
			switches[n++] = s;
	}
	if (!runner_select(profile && *profile ? profile : "latest", switches, n, err,
			   sizeof(err))) {
		fprintf(stderr, "mmfuzz: %s\n", err);
		exit(2);
	}
	if (only)
		snprintf(only_oracles, sizeof(only_oracles), "%s", only);
	fprintf(stderr, "mmfuzz: fuzzing profile %s%s%s\n", runner_profile_name(),
		only_oracles[0] ? ", reporting only " : "", only_oracles);
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
	if (r.violation && reported(&r)) {
		runner_print_report(&r, stderr);
		fflush(stderr);
		abort();
	}
	return 0;
}

/* Mostly structure-aware mutations; now and then libFuzzer's own byte
 * mutations over the whole input, which find encodings ours would not. */
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	if (seed % 8 == 0 && size > 0) {
		size = LLVMFuzzerMutate(data, size, max_size);
		if (size > 0)
			data[0] = INPUT_VERSION;
		return size;
	}
	return input_mutate(data, size, max_size, seed, LLVMFuzzerMutate);
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
				 size_t size2, uint8_t *out, size_t max_out_size, unsigned int seed)
{
	return input_crossover(data1, size1, data2, size2, out, max_out_size, seed);
}
