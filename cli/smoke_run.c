/* SPDX-License-Identifier: MIT */
/*
 * Smoke's test cases (smoke.h): the manifest's lines, each scenario with
 * its own schedule, each scenario under each strategy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smoke.h"
#include "xalloc.h"

#include "fuzz/runner.h"
#include "fuzz/strategy_select.h"

/* Add a strategy here and smoke explores with it by default too. ci_smoke
 * expects these names: they name test cases and their seeds. */
static const struct smoke_strategy default_strategies[] = {
	{"random", "random"},
	{"pct-depth-2", "pct2"},
	{"pct-depth-3", "pct3"},
};
const struct smoke_strategy *smoke_strategies = default_strategies;
int smoke_n_strategies = (int)(sizeof(default_strategies) / sizeof(default_strategies[0]));

/* Chosen by --strategy, for the whole process (names point into a copy
 * of the list that is never freed). */
static struct smoke_strategy chosen_strategies[SMOKE_MAX_STRATEGIES];

static bool chosen_already(int n, const char *name)
{
	for (int i = 0; i < n; i++) {
		if (strcmp(chosen_strategies[i].name, name) == 0)
			return true;
	}
	return false;
}

/* Why `name` cannot be the n-th strategy chosen; NULL if it can. */
static const char *cannot_choose(int n, const char *name)
{
	if (!strategy_select_known(name))
		return "unknown strategy";
	if (chosen_already(n, name))
		return "repeated strategy";
	if (n == SMOKE_MAX_STRATEGIES)
		return "one strategy too many";
	return NULL;
}

bool smoke_choose_strategies(const char *list)
{
	char *copy, *name, *next;
	int n = 0;

	if (!list)
		return true;
	copy = xstrdup(list);
	for (name = copy; name; name = next) {
		const char *why;

		next = strchr(name, ',');
		if (next)
			*next++ = 0;
		why = cannot_choose(n, name);
		if (why) {
			fprintf(stderr,
				"mmfuzz smoke: --strategy %s: %s '%s': give up to %d of %s, "
				"separated by commas\n",
				list, why, name, SMOKE_MAX_STRATEGIES, STRATEGY_SELECT_NAMES);
			free(copy);
			return false;
		}
		chosen_strategies[n++] = (struct smoke_strategy){name, name};
	}
	smoke_strategies = chosen_strategies;
	smoke_n_strategies = n;
	return true;
}

#define OWN_SCHEDULE "own-schedule"

struct smoke_case *smoke_new_case(struct smoke_results *res, const char *suite,
				  const struct smoke_input *si, const char *name)
{
	struct smoke_case *c;
	size_t len = strlen(si->name);

	if (res->n == res->cap) {
		res->cap = res->cap ? 2 * res->cap : 64;
		res->cases = check_alloc(realloc(res->cases, (size_t)res->cap * sizeof(*c)));
	}
	c = &res->cases[res->n++];
	*c = (struct smoke_case){0};
	if (len > 4 && strcmp(si->name + len - 4, ".mmf") == 0)
		len -= 4;
	c->suite = xstrdup(suite);
	c->classname = xasprintf("%.*s", (int)len, si->name);
	c->name = xstrdup(name);
	c->model = xstrdup(si->model);
	c->budget = 1;
	return c;
}

/* "clean", or "<oracle> <kind>" ("-" for no kind, as in the signature). */
static char *verdict_of(const struct exec_result *r)
{
	if (!r->violation)
		return xstrdup("clean");
	return xasprintf("%s %s", r->oracle, r->kind[0] ? r->kind : "-");
}

/* <dir>/<model>/<classname, '/' -> '_'>[.<test case>].mmf: a name that
 * depends on the test case only, so a rerun overwrites its own file. */
static char *reproducer_path(const char *dir, const struct smoke_case *c, bool with_name)
{
	char *stem = xstrdup(c->classname + strspn(c->classname, "./"));
	char *path;

	for (char *s = stem; *s; s++)
		if (*s == '/')
			*s = '_';
	if (with_name)
		path = xasprintf("%s/%s/%s.%s.mmf", dir, c->model, stem, c->name);
	else
		path = xasprintf("%s/%s/%s.mmf", dir, c->model, stem);
	free(stem);
	return path;
}

/* Record a failure and save its reproducer: in's program with this
 * schedule, on the case's model. */
static void fail_case(struct smoke_case *c, const struct exec_result *r, const char *message,
		      const struct smoke_saved *saved)
{
	char why[1024];

	c->failed = true;
	c->message = xstrdup(message);
	c->oracle = r->violation ? xstrdup(r->oracle) : NULL;
	c->report = r->violation ? xstrdup(r->sched.report) : NULL;
	if (smoke_save_reproducer(saved, r, why, sizeof(why)))
		c->reproducer = xstrdup(saved->path);
	else
		c->note = xstrdup(why);
}

/* Fail c with si's input as it is (its own schedule), saved to path. */
static void fail_as_is(struct smoke_case *c, const struct exec_result *r,
		       const struct smoke_input *si, const char *message, const char *header,
		       const char *path)
{
	fail_case(c, r, message,
		  &(struct smoke_saved){.in = &si->in,
					.schedule = si->in.schedule,
					.schedule_len = si->in.schedule_len,
					.model = si->model,
					.path = path,
					.header = header});
}

static char *signature_of(const struct exec_result *r)
{
	char sig[512];

	runner_signature(r, sig, sizeof(sig));
	return xstrdup(strncmp(sig, "mmfuzz: ", 8) == 0 ? sig + 8 : sig);
}

static bool select_model(const char *model)
{
	char err[512];

	if (runner_select_model(model, err, sizeof(err)))
		return true;
	fprintf(stderr, "mmfuzz smoke: %s\n", err);
	return false;
}

/* A manifest line: its reproducer on its model must give its verdict. */
static void run_manifest_line(const struct smoke_input *si, const char *dir,
			      struct smoke_results *res)
{
	struct smoke_case *c = smoke_new_case(res, "regress", si, si->model);
	struct exec_result r;
	char *message, *header, *path;

	c->expected = xstrdup(si->expect);
	if (!select_model(si->model)) {
		c->failed = true;
		c->message = xasprintf("cannot select model %s", si->model);
		return;
	}
	runner_execute(&si->in, NULL, false, NULL, &r);
	c->schedules = 1;
	c->verdict = verdict_of(&r);
	if (strcmp(r.violation ? r.oracle : "clean", si->expect) == 0)
		return;
	message = xasprintf("expected %s, got %s", si->expect, c->verdict);
	header = xasprintf("# mmfuzz smoke: %s on %s: %s\n", si->name, si->model, message);
	path = reproducer_path(dir, c, false);
	fail_as_is(c, &r, si, message, header, path);
	free(message);
	free(header);
	free(path);
}

static void run_own_schedule(const struct smoke_input *si, const char *suite, const char *dir,
			     struct smoke_results *res)
{
	struct smoke_case *c = smoke_new_case(res, suite, si, OWN_SCHEDULE);
	struct exec_result r;
	char *message, *header, *path;

	runner_execute(&si->in, NULL, false, NULL, &r);
	c->schedules = 1;
	res->schedules++;
	c->verdict = verdict_of(&r);
	if (!r.violation)
		return;
	message = signature_of(&r);
	header = xasprintf("# mmfuzz smoke: %s, its own schedule: %s\n", si->name, message);
	path = reproducer_path(dir, c, true);
	fail_as_is(c, &r, si, message, header, path);
	free(message);
	free(header);
	free(path);
}

/* FNV-1a, for seeds that depend on names only. */
static uint64_t hash_text(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * A test case's seed: --seed, the scenario's file name (not its folder,
 * so a corpus copied elsewhere explores the same schedules) and the
 * strategy.
 */
static uint64_t case_seed(uint64_t base, const char *scenario, const char *strategy)
{
	const char *slash = strrchr(scenario, '/');
	uint64_t h = hash_text(0xcbf29ce484222325ULL, slash ? slash + 1 : scenario);

	h = hash_text(h ^ '/', strategy) ^ base;
	return sched_rng_next(&h);
}

static void found_violation(struct smoke_case *c, const struct smoke_input *si,
			    const struct smoke_recorder *rec, const struct exec_result *r,
			    const char *dir)
{
	char *message = signature_of(r), *path = reproducer_path(dir, c, true);
	char *header = xasprintf("# mmfuzz smoke: %s, %s (seed %llu), schedule %llu: %s\n",
				 si->name, c->name, (unsigned long long)c->seed,
				 (unsigned long long)c->schedules, message);

	if (rec->writer.failed) {
		c->failed = true;
		c->message = xstrdup(message);
		c->oracle = xstrdup(r->oracle);
		c->report = xstrdup(r->sched.report);
		c->note = xasprintf("not saved: its schedule needs more than %d bytes",
				    INPUT_MAX_SCHEDULE);
	} else {
		fail_case(c, r, message,
			  &(struct smoke_saved){.in = &si->in,
						.schedule = rec->bytes,
						.schedule_len = rec->writer.len,
						.model = si->model,
						.path = path,
						.header = header});
	}
	free(message);
	free(header);
	free(path);
}

/* Up to `runs` schedules from one strategy; stops at the first violation. */
static void run_strategy(const struct smoke_input *si, const struct smoke_strategy *st,
			 const char *suite, const char *dir, struct smoke_results *res)
{
	struct smoke_case *c = smoke_new_case(res, suite, si, st->name);
	static struct smoke_recorder rec;
	static struct selected_strategy strategy;
	struct exec_result r = {0};

	c->strategy = st;
	c->seed = case_seed(res->seed, si->name, st->name);
	c->budget = res->runs;
	/* The names were checked before anything ran. */
	if (!strategy_select(st->select, c->seed, &strategy))
		abort();
	smoke_recorder_init(&rec, strategy.strategy);
	while (c->schedules < c->budget && !r.violation) {
		runner_execute(&si->in, &rec.base, false, NULL, &r);
		c->schedules++;
	}
	res->schedules += c->schedules;
	c->verdict = verdict_of(&r);
	if (r.violation)
		found_violation(c, si, &rec, &r, dir);
}

static void run_scenario(const struct smoke_input *si, const char *dir, struct smoke_results *res)
{
	char *suite = xasprintf("smoke on %s", si->model);

	if (select_model(si->model)) {
		run_own_schedule(si, suite, dir, res);
		for (int i = 0; i < smoke_n_strategies; i++)
			run_strategy(si, &smoke_strategies[i], suite, dir, res);
	} else {
		/* A scenario that did not run is a failure, never a silent skip. */
		struct smoke_case *c = smoke_new_case(res, suite, si, OWN_SCHEDULE);

		c->failed = true;
		c->message = xasprintf("cannot select model %s", si->model);
	}
	free(suite);
}

void smoke_run(const struct smoke_plan *p, const char *dir, struct smoke_results *res)
{
	for (int i = 0; i < p->n_regress; i++)
		run_manifest_line(p->regress[i], dir, res);
	for (int i = 0; i < p->n_scenarios; i++)
		run_scenario(p->scenarios[i], dir, res);
	for (int i = 0; i < res->n; i++)
		res->failures += res->cases[i].failed;
}

void smoke_results_free(struct smoke_results *res)
{
	for (int i = 0; i < res->n; i++) {
		struct smoke_case *c = &res->cases[i];

		free(c->suite);
		free(c->classname);
		free(c->name);
		free(c->model);
		free(c->expected);
		free(c->verdict);
		free(c->message);
		free(c->oracle);
		free(c->report);
		free(c->reproducer);
		free(c->note);
	}
	free(res->cases);
	free(res->model);
	*res = (struct smoke_results){0};
}
