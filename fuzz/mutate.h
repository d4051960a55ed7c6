/* SPDX-License-Identifier: MIT */
/*
 * Structure-aware mutation of inputs: whole operations are inserted,
 * deleted, changed, duplicated or moved between threads, threads are added
 * or re-parented, and the schedule is perturbed; the result is always a
 * well-formed input. Byte-level mutation alone mostly breaks the op
 * counts; this keeps every child a program.
 */
#ifndef MMFUZZ_FUZZ_MUTATE_H
#define MMFUZZ_FUZZ_MUTATE_H

#include <stddef.h>
#include <stdint.h>

#include "input.h"

/* Mutate `data` (size bytes, capacity max) in place; returns the new size.
 * `mutate_bytes` mutates a byte range in place (libFuzzer's
 * LLVMFuzzerMutate), used for the schedule; may be NULL. */
size_t input_mutate(uint8_t *data, size_t size, size_t max, uint32_t seed,
		    size_t (*mutate_bytes)(uint8_t *data, size_t size, size_t max));

/* The scenario of one input with the schedule of another. */
size_t input_crossover(const uint8_t *a, size_t a_size, const uint8_t *b, size_t b_size,
		       uint8_t *out, size_t max, uint32_t seed);

#endif
