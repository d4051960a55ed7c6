/* SPDX-License-Identifier: MIT */
/*
 * A fuzz campaign's state, shared by its run (campaign.c, and
 * campaign_afl.c when AFL++ is the engine) and its report
 * (campaign_report.c).
 */
#ifndef MMFUZZ_CLI_CAMPAIGN_H
#define MMFUZZ_CLI_CAMPAIGN_H

#include <stdbool.h>
#include <stdint.h>

#include "corpus.h"
#include "findings.h"
#include "afl.h"
#include "libfuzzer.h"
#include "stats_file.h"

#define CAMPAIGN_PATH_LEN   4096
#define CAMPAIGN_TAIL_LINES 8 /* fuzzer lines kept to explain a failure */

/* Why the campaign ended. */
enum campaign_end {
	END_TIME,      /* --time spent */
	END_RUNS,      /* --runs executed */
	END_SIGNAL,    /* SIGINT or SIGTERM */
	END_FOUND,     /* --stop-at-first: a new signature was filed */
	END_FAILED,    /* the fuzzer failed to start or died */
	END_CANNOT_RUN /* the fuzzer could not be started at all */
};

enum campaign_engine { ENGINE_LIBFUZZER, ENGINE_AFL };

struct campaign {
	enum campaign_engine engine;
	char fuzzer[CAMPAIGN_PATH_LEN]; /* the target binary */
	/* The ASan+UBSan build (mmfuzz-fuzzer) that replays each new finding
	 * of an uninstrumented target before it is filed: the coverage-only
	 * build's, AFL++'s; "" when the target is that build (--sanitize). */
	char confirm_with[CAMPAIGN_PATH_LEN];
	bool sanitize;	      /* --sanitize: fuzz with mmfuzz-fuzzer itself */
	struct afl_tools afl; /* ENGINE_AFL */
	bool stop_at_first;
	char *corpus;
	char *work;    /* the working corpus in /dev/shm (NULL: none), see campaign.c */
	char **copied; /* its inputs copied into the corpus during this round */
	int n_copied, cap_copied;
	int corpus_lock;
	char *hits; /* MMFUZZ_HITS: <root>/.incoming/.hits */
	char seeds[CAMPAIGN_PATH_LEN];
	/* The budget: either or both. */
	double time;   /* seconds, 0: none */
	uint64_t runs; /* executions, 0: none */
	int jobs;
	uint64_t seed;
	double start, deadline;
	int round; /* fuzzer runs so far */
	const char *only;
	struct findings f;
	int new_sigs;	    /* new to the folder, admitted by --only */
	int new_hidden;	    /* new to the folder, outside --only */
	int filed_in_round; /* files filed since the fuzzer last started */
	int errors;	    /* files that could not be filed */
	/* The sanitizer replays (confirm_with): new signatures it confirmed;
	 * its own reports (filed as sanitizer.<kind>); findings it did not
	 * reproduce (filed in unreproducible/). */
	int confirmed, sanitizer_reports, not_confirmed;
	int left_staged; /* not replayed: the campaign was ending by a signal */
	enum campaign_end end;
	int signal;	 /* the one that ended it, if any */
	int fuzzer_code; /* END_FAILED: its exit status (128 + signal if killed) */
	char tail[CAMPAIGN_TAIL_LINES][512];
	int n_tail;
	/* Executions: exact for past rounds (libFuzzer's final stats), as last
	 * reported for the current one. */
	uint64_t done_execs;
	struct libfuzzer_progress now;
	uint64_t harness_execs; /* the current round's, from lock-latency lines */
	struct corpus_size corpus_start, corpus_end;
	struct stats_writer stats;
	struct stats_sample last_sample;
	/* Lock-latency view, from the fuzzer's "lock-latency" lines: the
	 * current round's running figures and the sums of rounds past. */
	unsigned long long lat_execs, lat_io, lat_wait_max;
	unsigned long long lat_done_execs, lat_done_io;
	/* The VMA lock's share of the user faults, from the same lines: the
	 * current round's and the sums of rounds past; the longest wait for
	 * a VMA write lock. */
	struct vma_lock_share {
		unsigned long long faults, success, retry, abort, miss;
		/* speculative faults (the spf proposal) */
		unsigned long long spf_attempt, spf_success;
	} lat_vma, lat_done_vma;
	unsigned long long lat_vma_wait_max;
};

/* A folder in memory for this corpus: /dev/shm/mmfuzz-<uid>-<hash of the
 * corpus's real path><suffix>, malloc'd; NULL without /dev/shm. */
char *campaign_memory_dir(const struct campaign *c, const char *suffix);

/* Seconds on the monotonic clock. */
double campaign_now(void);

/* Executions so far, over every round. */
uint64_t campaign_execs(const struct campaign *c);

/* Take a sample of the statistics now (and, while the fuzzer runs, print
 * a progress line). */
void campaign_take_sample(struct campaign *c, bool running);

/* The fuzzer's environment: the model, the filters, what to mute. */
void campaign_export_env(const struct campaign *c);

/* SIGINT or SIGTERM, if one came (0 if not). */
int campaign_stop_signal(void);

/* Keep one of the fuzzer's lines, to explain a failure. */
void campaign_keep_tail(struct campaign *c, const char *line);

/* Run AFL++ (campaign_afl.c): --jobs instances, until the budget is
 * spent, a signal, or (--stop-at-first) a new signature; sets c->end. */
void campaign_run_afl(struct campaign *c);

/* Does --only admit this oracle and kind? */
bool campaign_admits(const struct campaign *c, const char *oracle, const char *kind);

/* File the staged crash files (while the fuzzer runs: those old enough
 * to be whole). How many were filed. */
int campaign_file_incoming(struct campaign *c, bool running);

/* Staged files of any kind (crash, timeout, oom, leak...). */
int campaign_count_staged(const struct campaign *c);

/* Re-hits of muted signatures, summed from the fuzzer's MMFUZZ_HITS
 * lines ("oracle:kind N"); then the file goes. `this_run` false: what a
 * killed campaign left. */
void campaign_collect_hits(struct campaign *c, bool this_run);

/* Rewrite summary.json if it changed (an error is counted). */
void campaign_write_summary(struct campaign *c);

/* The summary on stdout, after the campaign. */
void campaign_report(const struct campaign *c);

#endif
