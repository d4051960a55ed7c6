/* SPDX-License-Identifier: MIT */
/*
 * A timeline page of one execution: `mmfuzz replay --html OUT FILE`.
 *
 * The input is run once with the kernel-level trace captured, and the
 * trace is drawn as one self-contained HTML page (inline CSS, SVG and a
 * few lines of script; nothing is fetched): one lane per thread (each
 * thread has its own CPU), one row per trace line in execution order, each
 * line tagged by what it touches (program op, fault path, PTE, TLB, folio
 * refcount/mapcount, user data), the locks each thread holds as bars, the
 * context switches as dashed arrows, the critical orderings `mmfuzz
 * explain` finds as numbered arrows from step A to step B, and the
 * violation in red. A header gives the model, the signature, the report
 * and what the oracle means.
 */
#ifndef MMFUZZ_FUZZ_TIMELINE_H
#define MMFUZZ_FUZZ_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "fuzz/input.h"

/* Run `in` on the selected model and write a self-contained HTML page of
 * its execution to path. false + err if it cannot be written. */
bool timeline_write_html(const struct input *in, const char *path, char *err, size_t errlen);

#endif
