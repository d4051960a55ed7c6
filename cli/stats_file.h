/* SPDX-License-Identifier: MIT */
/*
 * A campaign's statistics, in the spirit of AFL++'s fuzzer_stats and
 * plot_data, kept in its corpus folder (a dot-folder: libFuzzer does not
 * take it for inputs):
 *
 *   <corpus>/.stats/fuzzer_stats   "key : value" lines, rewritten (tmp +
 *                                  rename) every second of the campaign
 *   <corpus>/.stats/plot_data      one CSV row per second:
 *     # relative_time, execs_done, execs_per_sec, corpus_count, features, coverage, findings
 *
 * fuzzer_stats describes the last campaign on the folder; plot_data goes on
 * across resumed campaigns (a resumed campaign's rows continue the time,
 * executions and findings of the last row), so that a long campaign's
 * plot shows its whole history. They hold wall-clock times: they are a
 * record of a run, not a reproducible output.
 */
#ifndef MMFUZZ_CLI_STATS_FILE_H
#define MMFUZZ_CLI_STATS_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define STATS_DIR     "/.stats"
#define STATS_SUMMARY "fuzzer_stats"
#define STATS_PLOT    "plot_data"

/* One sample: a plot_data row. */
struct stats_sample {
	double time;	 /* seconds since the campaign started */
	uint64_t execs;	 /* executions, over every round of the campaign */
	double exec_s;	 /* over the last interval */
	uint64_t corpus; /* inputs */
	uint64_t features;
	uint64_t coverage;
	uint64_t findings; /* new signatures filed by this campaign */
};

/* What fuzzer_stats says besides the latest sample. */
struct stats_header {
	const char *model;
	uint64_t seed;
	int jobs;
	int rounds;
	uint64_t findings_total; /* signatures in the findings folder */
	const char *status;	 /* running, done, interrupted, failed */
};

struct stats_writer {
	char *dir;  /* <corpus>/.stats */
	FILE *plot; /* plot_data, appended */
	long start; /* wall clock at the start (epoch seconds) */
	struct stats_sample last;
	struct stats_sample base; /* the last row of earlier campaigns, added to ours */
};

/* Start the statistics of a campaign on corpus folder `corpus`. false
 * after printing why not. */
bool stats_open(struct stats_writer *w, const char *corpus);

/* Record a sample: a plot_data row and a fresh fuzzer_stats. */
void stats_record(struct stats_writer *w, const struct stats_sample *s,
		  const struct stats_header *h);

void stats_close(struct stats_writer *w);

/* plot_data of corpus folder `corpus`: *samples (malloc'd), *n. false
 * after printing why not. */
bool stats_load(const char *corpus, struct stats_sample **samples, int *n);

#endif
