/* SPDX-License-Identifier: MIT */
/*
 * The regression manifest (corpus/regress/manifest.txt): the verdict each
 * reproducer must give on each model, one run per line:
 *
 *   FILE  MODEL  EXPECT
 *
 * FILE is relative to the manifest's folder, MODEL is
 * "PROFILE[+SWITCH=VALUE...]" (runner.h), EXPECT is "clean" or the id of
 * the oracle that must report the violation. '#' starts a comment line;
 * blank lines are skipped. Any other line must have exactly these three
 * fields: a malformed line is an error, never a run silently dropped.
 */
#ifndef MMFUZZ_FUZZ_MANIFEST_H
#define MMFUZZ_FUZZ_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#include "input.h"

#define MANIFEST_FILE_MAX 256

struct manifest_line {
	char file[MANIFEST_FILE_MAX]; /* as written: relative to the manifest's folder */
	char model[INPUT_MODEL_MAX];
	char expect[64];
	int lineno;
};

struct manifest {
	struct manifest_line *lines;
	int n, cap;
};

/* Read the manifest at path. false with err ("PATH:LINE: why") if it
 * cannot be read or a line is malformed; m is then empty. */
bool manifest_load(const char *path, struct manifest *m, char *err, size_t errlen);
void manifest_free(struct manifest *m);

#endif
