/* SPDX-License-Identifier: MIT */
/*
 * The mmfuzz commands. Each takes the parsed options and returns the
 * process's exit status (enum cli_exit). main.c has the table that names
 * them, the options each takes and their help.
 */
#ifndef MMFUZZ_CLI_COMMANDS_H
#define MMFUZZ_CLI_COMMANDS_H

#include "cli.h"

int cmd_fuzz(const struct cli_options *o);     /* campaign.c */
int cmd_smoke(const struct cli_options *o);    /* smoke.c */
int cmd_stats(const struct cli_options *o);    /* stats.c */
int cmd_corpus(const struct cli_options *o);   /* corpus.c */
int cmd_run(const struct cli_options *o);      /* run.c */
int cmd_replay(const struct cli_options *o);   /* replay.c */
int cmd_minimize(const struct cli_options *o); /* minimize.c */
int cmd_explain(const struct cli_options *o);  /* explain.c */
int cmd_explore(const struct cli_options *o);  /* explore.c */
int cmd_profiles(const struct cli_options *o); /* profiles.c */
int cmd_compile(const struct cli_options *o);  /* convert.c */
int cmd_print(const struct cli_options *o);    /* convert.c */
int cmd_prove(const struct cli_options *o);    /* prove.c */

/* Options a command may take (struct cli_command.options). */
enum cli_option_bit {
	OPT_MODEL = 1u << 0, /* --profile, --set */
	OPT_TIME = 1u << 1,
	OPT_RUNS = 1u << 2,
	OPT_SEED = 1u << 3,
	OPT_JOBS = 1u << 4,
	OPT_NO_SEEDS = 1u << 5,
	OPT_ONLY = 1u << 6,
	OPT_REPEAT = 1u << 7,
	OPT_OUT = 1u << 8,
	OPT_HTML = 1u << 9,
	OPT_JUNIT = 1u << 10,
	OPT_JSON = 1u << 11,
	OPT_SVG = 1u << 12,
	OPT_STRATEGY = 1u << 13,
	OPT_PREEMPTIONS = 1u << 14,
	OPT_MAX_SCHEDULES = 1u << 15,
	OPT_NO_REDUCTION = 1u << 16,
	OPT_ENGINE = 1u << 17,	      /* fuzz: --engine */
	OPT_STOP_AT_FIRST = 1u << 18, /* fuzz: --stop-at-first */
	OPT_NO_SLEEP_SETS = 1u << 19, /* prove: --no-sleep-sets */
	OPT_CLASSIC_DPOR = 1u << 20,  /* prove: --classic-dpor */
	OPT_SANITIZE = 1u << 21,      /* fuzz: --sanitize */
};

struct cli_command {
	const char *name;
	int (*run)(const struct cli_options *o);
	unsigned options; /* enum cli_option_bit */
	int min_args, max_args;
	const char *synopsis; /* after "mmfuzz NAME " */
	const char *summary;  /* one line for `mmfuzz --help` */
	const char *help;     /* what it does and its options, for NAME --help */
};

/* The command called name, or NULL. */
const struct cli_command *cli_command_find(const char *name);

#endif
