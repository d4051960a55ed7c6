/* SPDX-License-Identifier: MIT */
/*
 * A campaign's statistics as a self-contained SVG: features, exec/s and
 * findings over time, one panel each, sharing the time axis. Written
 * with libxml2's xmlTextWriter (it escapes and encodes).
 */
#ifndef MMFUZZ_CLI_PLOT_H
#define MMFUZZ_CLI_PLOT_H

#include <stdbool.h>

#include "stats_file.h"

/* Write the plot of samples[0..n) (n >= 1) to `path` ("-": stdout),
 * titled `title`. false after printing why not. */
bool plot_write_svg(const char *path, const char *title, const struct stats_sample *samples, int n);

#endif
