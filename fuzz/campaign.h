/* SPDX-License-Identifier: MIT */
/*
 * `mmfuzz fuzz`: a campaign on top of the libFuzzer binary. It seeds the
 * corpus, runs libFuzzer under the chosen model and time budget, shows
 * progress, files every crash file into the model's findings folder (one
 * folder per signature, findings.h), announces only signatures new to
 * that folder, and on exit lists the new ones, the known ones met again
 * and what replayed clean. Exit status: 1 only if this run found a new
 * signature (that --only admits), 0 if not, 2 on an error.
 */
#ifndef MMFUZZ_FUZZ_CAMPAIGN_H
#define MMFUZZ_FUZZ_CAMPAIGN_H

#include "cli.h"

int campaign_run(const struct cli_options *o, const char *argv0);

#endif
