/* SPDX-License-Identifier: MIT */
/*
 * What every fuzzing engine's entry point shares: the model and the
 * filters from the environment, one execution of an input with its
 * interleaving feedback counted into the engine's map, and the verdict
 * (a violation that passes the filters is printed and aborts, so the
 * engine saves the input). libFuzzer's entry points are in harness.c,
 * AFL++'s in harness_afl.c, the AFL++ custom mutator in afl_mutator.c.
 *
 * Environment: MMFUZZ_PROFILE, MMFUZZ_SET (the model); MMFUZZ_ONLY,
 * MMFUZZ_KNOWN, MMFUZZ_HITS, MMFUZZ_MUTE_ALL, MMFUZZ_WITH_OPS,
 * MMFUZZ_WITHOUT_OPS, MMFUZZ_FIXED_BY, MMFUZZ_WINDOW (what is reported);
 * MMFUZZ_PROGRESS (a lock-latency line every second); MMFUZZ_STEPS (the
 * model steps run, printed at exit). See harness_core.c.
 */
#ifndef MMFUZZ_FUZZ_HARNESS_CORE_H
#define MMFUZZ_FUZZ_HARNESS_CORE_H

#include <stddef.h>
#include <stdint.h>

/* Select the model the engine fuzzes: MMFUZZ_PROFILE (default "latest")
 * with MMFUZZ_SET's switches on top. Prints why and exits 2 on a bad one.
 * The input never chooses the model. */
void harness_select_model(void);

/* The model and every filter from the environment; exits 2 on a bad
 * value. Once, before the first input. */
void harness_setup(void);

/* Where the interleaving features are counted: n bytes (a power of two),
 * one saturating counter per feature (its low bits). The engine's own
 * map: libFuzzer's extra counters, or slots of AFL++'s map. */
void harness_set_feature_counters(uint8_t *counters, size_t n);

/* Run one input (an undecodable one runs as an empty program) and judge
 * it: a violation that passes the filters is printed, its first line the
 * signature, and aborts. */
void harness_run(const uint8_t *data, size_t size);

/* Model steps run so far, over every input (bench/campaign_exec.sh
 * compares them with bench_exec's). MMFUZZ_STEPS=1 prints
 * "mmfuzz: steps S execs N" at exit. */
uint64_t harness_steps(void);

#endif
