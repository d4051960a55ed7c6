/* SPDX-License-Identifier: MIT */
/*
 * The libFuzzer target (mmfuzz-fuzzer). What it runs and reports is
 * harness_core.c's, shared with the AFL++ target (harness_afl.c): this
 * file gives it libFuzzer's extra counters for the interleaving feedback,
 * and the structure-aware mutator (mutate.h) with libFuzzer's own byte
 * mutations beside it.
 */
#include <stdint.h>
#include <stdlib.h>

#include "harness_core.h"
#include "mutate.h"
#include "race_events.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
				 size_t size2, uint8_t *out, size_t max_out_size,
				 unsigned int seed);

/*
 * A power of two: the features' ids folded into it. libFuzzer clears and
 * scans the whole array around every execution; 8,192 counters instead
 * of 65,536 ran 1.2x the executions per CPU second with 5% fewer
 * features, and no more executions to B2 (median 24,683, 5/5 seeds;
 * docs/fuzzing.md). -DMMFUZZ_LF_FEATURE_SLOTS=N to measure another.
 */
#ifdef MMFUZZ_LF_FEATURE_SLOTS
#define COVERAGE_SIZE MMFUZZ_LF_FEATURE_SLOTS
#else
#define COVERAGE_SIZE (1u << 13)
#endif

/* Must be a multiple of 8 bytes: libFuzzer clears it word by word. */
__attribute__((used, section("__libfuzzer_extra_counters"),
	       aligned(64))) static uint8_t interleaving_coverage[COVERAGE_SIZE];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	harness_setup();
	harness_set_feature_counters(interleaving_coverage, COVERAGE_SIZE);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	harness_run(data, size);
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
	static const struct mutate_ops ops = {.mutate_bytes = LLVMFuzzerMutate,
					      .race_events = race_events,
					      .hold_back = race_hold_back};

	return input_mutate(data, size, max_size, seed, &ops);
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
				 size_t size2, uint8_t *out, size_t max_out_size, unsigned int seed)
{
	return input_crossover(data1, size1, data2, size2, out, max_out_size, seed);
}
