/* SPDX-License-Identifier: MIT */
/* The model tests' one assertion: count it, and on failure say where and
 * why. Each test file defines `passed` and `failed` and ends with
 * CHECK_SUMMARY(). */
#ifndef MMFUZZ_TESTS_MODEL_CHECK_H
#define MMFUZZ_TESTS_MODEL_CHECK_H

#include <stdio.h>

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (cond) {                                                                        \
			passed++;                                                                  \
		} else {                                                                           \
			failed++;                                                                  \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);                                \
			printf(__VA_ARGS__);                                                       \
			printf("\n");                                                              \
		}                                                                                  \
	} while (0)

/* The closing line CI reads, and the exit status. */
#define CHECK_SUMMARY() (printf("%d passed, %d failed\n", passed, failed), failed ? 1 : 0)

#endif
