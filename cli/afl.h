/* SPDX-License-Identifier: MIT */
/*
 * AFL++ as the campaign's engine: its binaries, the environment it needs
 * in a container, and what its fuzzer_stats files say. The campaign
 * (campaign_afl.c) starts afl-fuzz with libfuzzer_spawn, as it starts
 * libFuzzer: its own process group, address randomisation off, output
 * on a pipe (AFL_NO_UI: a line now and then, never the screen), dying
 * with the campaign.
 */
#ifndef MMFUZZ_CLI_AFL_H
#define MMFUZZ_CLI_AFL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AFL_PATH_LEN 4096

struct afl_tools {
	char fuzz[AFL_PATH_LEN];    /* afl-fuzz, from PATH */
	char target[AFL_PATH_LEN];  /* mmfuzz-afl, beside mmfuzz */
	char mutator[AFL_PATH_LEN]; /* mmfuzz-afl-mutator.so, beside mmfuzz */
};

/* Find the three. false after printing what is missing and how to get
 * it. */
bool afl_locate(struct afl_tools *t);

/*
 * Set the environment afl-fuzz runs with (it passes it on to the
 * target, whose MMFUZZ_* the campaign sets): the custom mutator as the
 * whole mutation stage, no byte trimming, no screen, and what a
 * container needs (no CPU governor or core_pattern to check, no CPU
 * binding to fight over).
 */
void afl_export_env(const struct afl_tools *t);

/* What an instance's fuzzer_stats says (fields it lacks stay 0). */
struct afl_stats {
	uint64_t execs;	  /* execs_done */
	double exec_s;	  /* execs_per_sec: over the instance's whole run */
	uint64_t corpus;  /* corpus_count */
	uint64_t edges;	  /* edges_found: code edges and interleaving slots */
	uint64_t crashes; /* saved_crashes */
	uint64_t hangs;	  /* saved_hangs */
};

/* Read <dir>/fuzzer_stats. false if it is not there (yet). */
bool afl_read_stats(const char *dir, struct afl_stats *s);

/* A name for a file's content: 16 hex digits of a 64-bit FNV-1a hash,
 * so that the same input found twice gets the same name. */
void afl_content_name(const uint8_t *data, size_t size, char name[17]);

#endif
