/* SPDX-License-Identifier: MIT */
/*
 * `mmfuzz fuzz`: a campaign on top of the libFuzzer binary. It seeds the
 * corpus, runs libFuzzer in fork mode (so the campaign goes on after a
 * finding) under the chosen profile and time budget, shows progress, and
 * on exit names every finding with its signature and replay command.
 */
#ifndef MMFUZZ_FUZZ_CAMPAIGN_H
#define MMFUZZ_FUZZ_CAMPAIGN_H

#include "cli.h"

int campaign_run(const struct cli_options *o, const char *argv0);

#endif
