/* SPDX-License-Identifier: MIT */
/*
 * The mmfuzz command line: the options every command is parsed into
 * (options.c, getopt_long), the commands (commands.h) and the helpers
 * they share to load inputs and open outputs (load.c).
 */
#ifndef MMFUZZ_CLI_CLI_H
#define MMFUZZ_CLI_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Exit statuses, the same for every command (documented in --help). */
enum cli_exit {
	EXIT_CLEAN = 0,
	EXIT_VIOLATION = 1,
	EXIT_USAGE = 2,		   /* bad usage, bad input or an error */
	EXIT_NONDETERMINISTIC = 3, /* run --repeat: a file replayed differently */
	EXIT_INCOMPLETE = 4,	   /* prove: the budget ran out first: not a proof */
	EXIT_SIGINT = 130,	   /* fuzz: ended by SIGINT (128 + 2) */
	EXIT_SIGTERM = 143,	   /* fuzz: ended by SIGTERM (128 + 15) */
};

#define CLI_MAX_SWITCHES 64

struct cli_options {
	const char *argv0; /* how mmfuzz was run: the fuzz binaries are found beside it */
	const char *command;
	const char *profile;
	const char *switches[CLI_MAX_SWITCHES];
	int n_switches;
	bool model_given; /* --profile, --set or MMFUZZ_PROFILE: they override a file's model */
	long time;	  /* fuzz: seconds (0: not given) */
	uint64_t runs;	  /* fuzz: executions; explore/smoke: schedules; minimize: bound */
	bool runs_given;
	uint64_t seed;
	bool seed_given;	/* --seed 0 is a seed like any other */
	long jobs;		/* fuzz: parallel fuzzers (0: not given) */
	long repeat;		/* run: executions per file (1 unless given) */
	bool seeds;		/* fuzz: seed the corpus (--no-seeds clears it) */
	const char *only;	/* fuzz: report only these oracle[:kind]s (validated) */
	const char *engine;	/* fuzz: "libfuzzer" (NULL: the default) or "afl" */
	bool stop_at_first;	/* fuzz: end at the first new signature */
	bool sanitize;		/* fuzz: fuzz with the ASan+UBSan build */
	const char *out;	/* explore, minimize: where to save (-o, --out); "-" is stdout */
	const char *html;	/* replay: the timeline page */
	const char *junit;	/* smoke: JUnit XML results */
	const char *json;	/* smoke: JSON results */
	const char *svg;	/* stats: the plot */
	const char *strategy;	/* explore, smoke: a scheduling strategy by name (NULL: default) */
	long preemptions;	/* prove: the preemption bound K (-1: not given) */
	uint64_t max_schedules; /* prove: stop after this many schedules (0: no limit) */
	bool no_reduction;	/* prove: enumerate every schedule (no partial-order reduction) */
	bool no_sleep_sets;	/* prove: partial-order reduction without sleep sets */
	bool classic_dpor;	/* prove: the classic backtrack rule, not source sets */
	char **args;		/* the operands, in argv order (points into argv's storage) */
	int n_args;
};

struct input;

/*
 * Parse argv[optind..] for `cmd` into o: every option the command takes,
 * as --opt=value or --opt value; numbers are checked; an option the
 * command does not take is an error. Returns 0, 1 after printing help or
 * the version (exit 0), or -1 after printing why not (exit 2).
 */
int cli_parse(const char *cmd, int argc, char **argv, struct cli_options *o);

/* "mmfuzz VERSION" on stdout. */
void cli_print_version(void);

/* Select the options' model (latest if they name none). Returns 0, or -1
 * after printing why not. */
int cli_select_flags(const struct cli_options *o);

/* Load FILE ("-": standard input) and select the model to run it on: the
 * file's own, unless the options name one (then a warning if they
 * differ). Returns 0, or 2 after printing why not. *storage is freed by
 * the caller. */
int cli_load(const struct cli_options *o, const char *path, struct input *in, uint8_t **storage);

/* Open an output file for writing; "-" is standard output. It is written
 * as PATH.tmp and renamed to PATH by cli_close_out, so that PATH is never
 * half-written. NULL after printing why not. cli_close_out returns false
 * on a write error, printed. */
FILE *cli_open_out(const char *path);
bool cli_close_out(FILE *f, const char *path);
/* Close it without putting anything in PATH's place. */
void cli_abandon_out(FILE *f, const char *path);

/* A count option's value: decimal digits only, within [min, max]. false
 * after printing "mmfuzz: --NAME: ..." if it is not. */
bool cli_parse_count(const char *name, const char *text, uint64_t min, uint64_t max, uint64_t *out);

#endif
