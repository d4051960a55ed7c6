/* SPDX-License-Identifier: MIT */
/*
 * What the model tests share: run a text program and read its trace,
 * whose lines end with the locks the thread holds.
 */
#ifndef MMFUZZ_TESTS_TRACE_RUN_H
#define MMFUZZ_TESTS_TRACE_RUN_H

#include <stdbool.h>

#include "fuzz/runner.h"

/* The result of the last trace_of(). */
extern struct exec_result trace_last;

/* Run a text program on a model, with its own schedule if it has one (else
 * the default); return its trace (malloc'd) and verdict. Exits on a
 * program or model that does not load. */
char *trace_of(const char *model, const char *program, bool *violation);

/* How often needle occurs in text. */
int count(const char *text, const char *needle);

#endif
