/* SPDX-License-Identifier: MIT */
/*
 * The libFuzzer binary (mmfuzz-fuzzer, built beside mmfuzz) as a child
 * process, and what its output says. Campaigns and corpus merges run it.
 *
 * Every run is started with address-space randomisation off (what
 * `setarch -R` does): libFuzzer's tables of recent comparisons hold the
 * values the target compared, pointers among them, and its mutations
 * draw from them, so with randomisation on the same -seed gives another
 * campaign from one run to the next. With it off, one seed is one
 * campaign (with one job: fork mode's jobs race each other).
 */
#ifndef MMFUZZ_CLI_LIBFUZZER_H
#define MMFUZZ_CLI_LIBFUZZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* libFuzzer's exit status when SIGINT or SIGTERM interrupted it. */
#define LIBFUZZER_INTERRUPTED 72

/* Find mmfuzz-fuzzer (libFuzzer + ASan + UBSan) beside the running
 * mmfuzz. false after printing why not (it is built with clang only). */
bool libfuzzer_locate(char *path, size_t len);

/* Is the binary `name` beside the running mmfuzz (its path in `path`
 * either way)? Silent: e.g. "mmfuzz-fuzzer-cov", the coverage-only
 * build. */
bool libfuzzer_find(const char *name, char *path, size_t len);

/* Start `path` with argv (NULL-terminated), its stdout and stderr on a
 * pipe whose reading end is *out_fd; it dies with us (PDEATHSIG). The
 * child's pid, or -1 after printing why not. A binary that cannot be
 * executed exits 127, as in the shell. */
pid_t libfuzzer_spawn(const char *path, char *const argv[], int *out_fd);

/* A wait status as a shell would show it: the exit code, or 128 + the
 * signal. */
int libfuzzer_status_code(int status);

/* What a status line ("#N ... ft: F corp: C/S ...") or the final stats
 * ("stat::number_of_executed_units: N") say. Fields a line does not
 * carry keep their value. */
struct libfuzzer_progress {
	uint64_t execs;	   /* executions of this libFuzzer run */
	uint64_t exec_s;   /* as libFuzzer last reported it */
	uint64_t corpus;   /* inputs in its corpus */
	uint64_t features; /* ft: */
	uint64_t coverage; /* cov: code edges */
	uint64_t crashes;  /* fork mode's oom/timeout/crash: third count */
	bool final;	   /* the final stats were printed: execs is exact */
};

/* Read one line of libFuzzer's output into p. true if it was a status or
 * final-stats line. */
bool libfuzzer_parse_line(const char *line, struct libfuzzer_progress *p);

/* libFuzzer's -seed for `seed` and round `round`: a 31-bit mix of both,
 * never 0 (libFuzzer takes 0 for "pick one from the clock"). */
unsigned libfuzzer_seed(uint64_t seed, unsigned round);

#endif
