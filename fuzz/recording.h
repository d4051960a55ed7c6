/* SPDX-License-Identifier: MIT */
/*
 * One run recorded for explaining it: which thread took each scheduling
 * point, and its trace, told in kernel words. Point k is step k + 1 of
 * the trace; the thread chosen there runs "slice" k, whose lines are the
 * ones of step k + 1 printed by that thread.
 */
#ifndef MMFUZZ_FUZZ_RECORDING_H
#define MMFUZZ_FUZZ_RECORDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "input.h"
#include "target/execute.h"

#define RECORDING_MAX_POINTS 2048 /* longer runs: minimise them first */

/* One trace line: "[step N] T<t>/CPU<tid> text  {locks}". */
struct trace_line {
	uint32_t step;
	int tid;
	const char *who;  /* "T0" */
	const char *text; /* without the locks held */
	int op;		  /* index of the thread's current "op ..." line, or -1 */
};

/* A run: who took each scheduling point, where, and its trace. Point k
 * is step k + 1; the thread chosen there runs "slice" k, the trace lines
 * of step k + 1 printed by that thread. */
struct recording {
	struct exec_result r;
	uint8_t chosen[RECORDING_MAX_POINTS];
	uint8_t current[RECORDING_MAX_POINTS]; /* the thread that reached point k */
	uint32_t site[RECORDING_MAX_POINTS];   /* where it reached it */
	int n;
	char *trace;
	size_t trace_size;
	struct trace_line *lines;
	int n_lines;
};

/* Run `in` with its own schedule on the selected model, keeping the
 * decisions and (with_trace) the trace. false with err set if the run is
 * too long. Free with recording_free(). */
bool recording_run(const struct input *in, bool with_trace, struct recording *rec, char *err,
		   size_t errlen);
void recording_free(struct recording *rec);

/* The line that says most about slice pos, or -1. */
int recording_slice_line(const struct recording *rec, int pos);
/* "T1 vmsplice va=0: folio_try_get frame 1: refcount 2", with a note when
 * a TLB hit goes through a stale entry. */
void recording_describe_line(const struct recording *rec, int idx, char *buf, size_t len);
/* The step of slice pos in kernel words; a lock, a user access or a
 * silent step is told with what the thread does next in the kernel. */
void recording_describe_slice(const struct recording *rec, int pos, char *buf, size_t len);
/* Is the trace text a kernel step of its own (not an op starting, a user
 * access, a lock taken, the scheduler)? */
bool recording_kernel_line(const char *text);

#endif
