/* SPDX-License-Identifier: MIT */
/*
 * `mmfuzz smoke`, a deterministic CI check budgeted by count:
 *
 *   1. every line of the regression manifest, on its own model, must give
 *      its expected verdict;
 *   2. every scenario runs once with its own schedule, on the smoke's model;
 *   3. every scenario is explored with N schedules from each strategy
 *      (smoke_strategies[], --strategy), from seeds derived from --seed, the
 *      scenario's name and the strategy's, never from the clock or addresses.
 *
 * Each of those is one test case. A strategy's test case stops at its
 * first violation and saves it as a self-describing reproducer (text, with
 * its model) after checking that `mmfuzz replay` of the saved file gives
 * the same signature and trace. The results are printed as text and
 * written as JUnit XML and JSON (smoke_report.c): the same bytes on every
 * run of the same build, inputs and options.
 */
#ifndef MMFUZZ_CLI_SMOKE_H
#define MMFUZZ_CLI_SMOKE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "fuzz/input.h"
#include "scheduler/strategy.h"
#include "target/execute.h"

/* Schedules per scenario and strategy when --runs does not say: the
 * default run on latest stays well under a minute on one core. */
#define SMOKE_DEFAULT_RUNS 20000
#define SMOKE_DEFAULT_SEED 1
/* Where reproducers go: <dir>/<model>/<scenario>.<test case>.mmf */
#define SMOKE_FINDINGS_DIR "smoke-findings"

/* A scheduling strategy smoke explores with. */
struct smoke_strategy {
	const char *name;   /* the test case's name (and part of its seed) */
	const char *select; /* its strategy_select() name */
};
/* The strategies of this smoke: by default random, pct-depth-2 and
 * pct-depth-3; smoke_choose_strategies() may replace them. */
extern const struct smoke_strategy *smoke_strategies;
extern int smoke_n_strategies;
#define SMOKE_MAX_STRATEGIES 16
/* --strategy a,b,...: the strategies to explore with, by the names
 * strategy_select() knows (NULL: keep the default). false after printing
 * why not: an unknown, repeated or empty name, or too many (exit 2). */
bool smoke_choose_strategies(const char *list);

/* An input to run: a manifest line's reproducer or a scenario. */
struct smoke_input {
	char *name;	 /* as reported: the path as given, or "corpus/..." */
	char *path;	 /* where it was read */
	char *model;	 /* the model it runs on (canonical) */
	char *expect;	 /* manifest: "clean" or an oracle id; NULL for a scenario */
	struct input in; /* loaded before anything runs: bad input stops smoke at once */
	uint8_t *storage;
};

struct smoke_plan {
	struct smoke_input **regress; /* the manifest's lines, in order */
	int n_regress;
	struct smoke_input **scenarios; /* in the operands' order, folders sorted */
	int n_scenarios;
};

/* What smoke runs: the operands (files, folders of .mmf, corpus folders
 * with regress/manifest.txt and seeds/), or the corpus of the source tree
 * mmfuzz was built from. false after printing why not (exit 2). */
bool smoke_plan_build(const struct cli_options *o, struct smoke_plan *p);
void smoke_plan_free(struct smoke_plan *p);

/*
 * Wraps a strategy and writes its picks as schedule bytes (strategy.h's
 * schedule_writer). Where the running thread blocked or exited it takes
 * the fallback's pick, as a replay of the bytes would, so that every run
 * explored can be saved. writer.failed: this run's bytes would not fit.
 */
struct smoke_recorder {
	struct strategy base;
	struct strategy *inner;
	struct schedule_writer writer;
	uint8_t bytes[INPUT_MAX_SCHEDULE];
};
void smoke_recorder_init(struct smoke_recorder *r, struct strategy *inner);

/* A reproducer to save: in's program with this schedule and model, as
 * text at path (its folders created), after the header's comment lines. */
struct smoke_saved {
	const struct input *in;
	const uint8_t *schedule;
	size_t schedule_len;
	const char *model;
	const char *path;
	const char *header;
};
/* Save it, then load the saved file and run it as `mmfuzz replay` would
 * (its own model and schedule): it must give want's verdict, signature
 * and trace. false with why (and no file left) if it does not. The
 * smoke's model (s->model) is selected again afterwards. */
bool smoke_save_reproducer(const struct smoke_saved *s, const struct exec_result *want, char *why,
			   size_t len);

/* One test case's outcome. Strings are malloc'd (NULL when absent). */
struct smoke_case {
	char *suite;	 /* "regress", or "smoke on <model>" */
	char *classname; /* the input's name without ".mmf" */
	char *name;	 /* regress: the model; else "own-schedule" or a strategy */
	char *model;
	const struct smoke_strategy *strategy; /* NULL: the input's own schedule */
	uint64_t seed;			       /* the strategy's seed */
	uint64_t budget;		       /* schedules it may run */
	uint64_t schedules;		       /* schedules it ran */
	char *expected;			       /* regress: the manifest's verdict */
	char *verdict;			       /* "clean" or "<oracle> <kind>" */
	bool failed;
	char *message;	  /* failure: the signature, or "expected X, got Y" */
	char *oracle;	  /* failure by a violation */
	char *report;	  /* the oracle's report */
	char *reproducer; /* a saved file that replays the failure */
	char *note;	  /* why there is no reproducer */
};

struct smoke_results {
	char *model; /* the smoke's model (--profile, --set) */
	uint64_t seed, runs;
	struct smoke_case *cases;
	int n, cap;
	int failures;
	uint64_t schedules; /* scenario runs: own schedules and strategies' */
};

/* Run the manifest's lines, then the scenarios with their own schedule
 * and under each strategy; reproducers go under `dir`. */
void smoke_run(const struct smoke_plan *p, const char *dir, struct smoke_results *res);
void smoke_results_free(struct smoke_results *res);
/* A new test case in res for input si: suite and name as reported, the
 * class name the input's name without ".mmf", budget 1 (callers change it). */
struct smoke_case *smoke_new_case(struct smoke_results *res, const char *suite,
				  const struct smoke_input *si, const char *name);

/* The text summary: one line per failed test case, then the counts. */
void smoke_print_summary(const struct smoke_results *res, FILE *out);
/* JUnit XML (libxml2) and JSON (cJSON) to f. false on an error. */
bool smoke_write_junit(const struct smoke_results *res, FILE *f);
bool smoke_write_json(const struct smoke_results *res, FILE *f);

#endif
