/* SPDX-License-Identifier: MIT */
/*
 * Human-readable execution trace. Off by default (fuzzing speed); the
 * replay command turns it on. Lines are prefixed with the step and the
 * running thread/CPU; the model adds kernel function, locks held, PTE and
 * folio changes and value provenance.
 */
#ifndef MMFUZZ_SCHEDULER_TRACE_H
#define MMFUZZ_SCHEDULER_TRACE_H

#include <stdbool.h>
#include <stdio.h>

void trace_enable(FILE *out); /* NULL disables */
bool trace_enabled(void);
/* One line: "[step N] T<tid>/CPU<tid> <text>" */
void trace_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
