/* SPDX-License-Identifier: MIT */
/* A timeline page of one execution (TO BE WRITTEN). */
#ifndef MMFUZZ_FUZZ_TIMELINE_H
#define MMFUZZ_FUZZ_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "input.h"

/* Run `in` on the selected model and write a self-contained HTML page of
 * its execution to path. false + err if it cannot be written. */
bool timeline_write_html(const struct input *in, const char *path, char *err, size_t errlen);

#endif
