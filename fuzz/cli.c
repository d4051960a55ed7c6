/* SPDX-License-Identifier: MIT */
/*
 * The mmfuzz command line.
 *
 *   mmfuzz fuzz [--time S] [--seed N] [--jobs N] [--no-seeds] [--only O] [DIR]
 *   mmfuzz run [--repeat N] FILE...
 *   mmfuzz replay [--html OUT] FILE
 *   mmfuzz minimize [-o OUT] FILE   |   mmfuzz explain FILE
 *   mmfuzz explore [--runs N] [--seed N] [--out FILE] FILE
 *   mmfuzz profiles
 *   mmfuzz compile TEXT OUT   |   mmfuzz print FILE
 *
 * Every command takes --profile NAME and --set SWITCH=VALUE. A file that
 * names its model runs on it unless those are given (cli_load).
 * Exit status: 0 clean, 1 violation, 2 usage or input error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "cli.h"
#include "explain.h"
#include "explore.h"
#include "minimize.h"
#include "replay.h"
#include "runner.h"
#include "timeline.h"

#define MAX_SWITCHES 16

int main(int argc, char **argv);

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "mmfuzz: %s\n", msg);
	fprintf(stderr,
		"usage: mmfuzz COMMAND [--profile NAME] [--set SWITCH=VALUE]... ARGS\n"
		"  fuzz [--time SECONDS] [--seed N] [--jobs N] [--no-seeds] [DIR]\n"
		"       [--only ORACLE[:KIND],...]   fuzz campaign (libFuzzer): a folder per\n"
		"                      signature in findings/<model>/ (summary.json); known\n"
		"                      ones are muted; exit 1 only if this run found a new\n"
		"                      signature; --only reports just those oracles\n"
		"  run [--repeat N] FILE...   run inputs; --repeat checks they replay identically\n"
		"  replay [--html OUT] FILE   run one input with the full kernel-level trace;\n"
		"                      --html also writes a timeline page\n"
		"  minimize [-o OUT] [--runs N] FILE   the smallest program and schedule with\n"
		"                      the same violation (text on stdout; OUT self-describing)\n"
		"  explain FILE        the orderings the violation depends on, in kernel steps\n"
		"  explore [--runs N] [--seed N] [--out FILE] FILE\n"
		"                      search random schedules of FILE's program\n"
		"  profiles            list profiles, their switches and the bugs they recreate\n"
		"  compile TEXT OUT    text scenario -> binary seed\n"
		"  print FILE          any input -> text scenario\n"
		"A file that names its model (a `profile` line, or a saved finding) runs on it;\n"
		"--profile/--set override it with a warning. Files without one run on latest.\n"
		"exit status: 0 clean, 1 violation, 2 usage or input error\n");
	return 2;
}

/* Common options; the rest of argv is left in opts->args. */
static int parse_common(int argc, char **argv, struct cli_options *o)
{
	memset(o, 0, sizeof(*o));
	o->args = argv;
	o->profile = getenv("MMFUZZ_PROFILE");
	o->model_given = o->profile != NULL;
	o->repeat = 1;
	o->seeds = true;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--profile") == 0 && v) {
			o->profile = v;
			o->model_given = true;
			i++;
		} else if (strcmp(a, "--set") == 0 && v && o->n_switches < MAX_SWITCHES) {
			o->switches[o->n_switches++] = v;
			o->model_given = true;
			i++;
		} else if (strcmp(a, "--time") == 0 && v) {
			o->time = atoi(v);
			i++;
		} else if (strcmp(a, "--seed") == 0 && v) {
			o->seed = strtoull(v, NULL, 10);
			i++;
		} else if (strcmp(a, "--jobs") == 0 && v) {
			o->jobs = atoi(v);
			i++;
		} else if (strcmp(a, "--repeat") == 0 && v) {
			o->repeat = atoi(v);
			i++;
		} else if (strcmp(a, "--runs") == 0 && v) {
			o->runs = atol(v);
			i++;
		} else if ((strcmp(a, "--out") == 0 || strcmp(a, "-o") == 0) && v) {
			o->out = v;
			i++;
		} else if (strcmp(a, "--html") == 0 && v) {
			o->html = v;
			i++;
		} else if (strcmp(a, "--only") == 0 && v) {
			o->only = v;
			i++;
		} else if (strcmp(a, "--no-seeds") == 0) {
			o->seeds = false;
		} else if (a[0] == '-' && a[1] == '-') {
			fprintf(stderr, "mmfuzz: unknown or incomplete option %s\n", a);
			return -1;
		} else {
			/* Operands are gathered at the front of argv, in order. */
			argv[o->n_args++] = argv[i];
		}
	}
	if (o->repeat < 1) {
		fprintf(stderr, "mmfuzz: --repeat needs a positive count\n");
		return -1;
	}
	/* Check the flags now, so that a bad one is an error before any file. */
	return cli_select_flags(o) < 0 ? -1 : 0;
}

/* Run one file `repeat` times; every run must give the same signature and
 * trace hash. Returns 0 clean, 1 violation, 2 error, 3 nondeterminism. */
static int run_file(const struct cli_options *o, const char *path, int repeat)
{
	struct input in;
	uint8_t *storage = NULL;
	struct exec_result first, r;
	char sig[256], sig2[256];
	int status;

	if (cli_load(o, path, &in, &storage) != 0)
		return 2;
	runner_execute(&in, NULL, false, NULL, &first);
	runner_signature(&first, sig, sizeof(sig));
	for (int i = 1; i < repeat; i++) {
		runner_execute(&in, NULL, false, NULL, &r);
		runner_signature(&r, sig2, sizeof(sig2));
		if (strcmp(sig, sig2) != 0 || r.sched.trace_hash != first.sched.trace_hash) {
			printf("%s: NONDETERMINISTIC at repetition %d: %s (hash %016llx) vs %s "
			       "(hash %016llx)\n",
			       path, i + 1, sig, (unsigned long long)first.sched.trace_hash, sig2,
			       (unsigned long long)r.sched.trace_hash);
			free(storage);
			return 3;
		}
	}
	printf("%s: %s (trace %016llx, %llu steps", path, sig,
	       (unsigned long long)first.sched.trace_hash, (unsigned long long)first.sched.steps);
	if (repeat > 1)
		printf(", identical %d/%d", repeat, repeat);
	printf(")\n");
	if (first.mmap_write_wait_max || first.io_under_mmap_lock)
		printf("  lock latency: longest mmap_lock write wait %llu steps, %u I/O sleep(s) "
		       "under an mmap_lock\n",
		       (unsigned long long)first.mmap_write_wait_max, first.io_under_mmap_lock);
	if (first.violation)
		runner_print_report(&first, stdout);
	status = first.violation ? 1 : 0;
	free(storage);
	return status;
}

static int cmd_run(const struct cli_options *o)
{
	int worst = 0;

	if (o->n_args == 0)
		return usage("run needs at least one FILE");
	for (int i = 0; i < o->n_args; i++) {
		int s = run_file(o, o->args[i], o->repeat);

		if (s > worst)
			worst = s;
	}
	return worst;
}

static int cmd_replay(const struct cli_options *o)
{
	struct input in;
	uint8_t *storage = NULL;
	char err[512];
	int status;

	if (o->n_args != 1)
		return usage("replay needs exactly one FILE");
	if (cli_load(o, o->args[0], &in, &storage) != 0)
		return 2;
	status = replay_print(&in, o->args[0], stdout);
	if (o->html && !timeline_write_html(&in, o->html, err, sizeof(err))) {
		fprintf(stderr, "mmfuzz: %s\n", err);
		status = 2;
	}
	free(storage);
	return status;
}

static void print_line(const char *line)
{
	printf("%s\n", line);
}

/* Each profile with what it models and recreates; the default with every
 * switch, the others with the switches where they differ from it. */
static int cmd_profiles(void)
{
	const struct profile *base = profile_default();

	for (int i = 0; profile_at(i); i++) {
		const struct profile *p = profile_at(i);

		printf("%s%s\n  %s\n  recreates: %s\n", p->name, p == base ? " (default)" : "",
		       p->era, p->recreates);
		if (p == base) {
			policy_print(&p->policy, "    ", print_line);
		} else {
			printf("  differs from %s in:\n", base->name);
			policy_print_diff(&p->policy, &base->policy, "    ", print_line);
		}
	}
	printf("\nswitches (turn one on top of a profile with --set NAME=VALUE):\n");
	policy_print_switches(print_line);
	return 0;
}

static int cmd_compile(const struct cli_options *o)
{
	struct input in;
	uint8_t *storage = NULL;
	char err[512];
	bool ok;

	if (o->n_args != 2)
		return usage("compile needs TEXT and OUT");
	if (cli_load(o, o->args[0], &in, &storage) != 0)
		return 2;
	ok = input_save_file(&in, o->args[1], err, sizeof(err));
	free(storage);
	if (!ok) {
		fprintf(stderr, "mmfuzz: %s\n", err);
		return 2;
	}
	return 0;
}

static int cmd_print(const struct cli_options *o)
{
	struct input in;
	uint8_t *storage = NULL;

	if (o->n_args != 1)
		return usage("print needs one FILE");
	if (cli_load(o, o->args[0], &in, &storage) != 0)
		return 2;
	input_print_text(&in, stdout);
	free(storage);
	return 0;
}

int main(int argc, char **argv)
{
	struct cli_options o;
	const char *cmd;

	if (argc < 2)
		return usage(NULL);
	cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
		usage(NULL);
		return 0;
	}
	if (parse_common(argc - 2, argv + 2, &o) < 0)
		return 2;
	if (strcmp(cmd, "run") == 0)
		return cmd_run(&o);
	if (strcmp(cmd, "replay") == 0)
		return cmd_replay(&o);
	if (strcmp(cmd, "profiles") == 0)
		return cmd_profiles();
	if (strcmp(cmd, "compile") == 0)
		return cmd_compile(&o);
	if (strcmp(cmd, "print") == 0)
		return cmd_print(&o);
	if (strcmp(cmd, "explore") == 0)
		return explore_run(&o);
	if (strcmp(cmd, "minimize") == 0)
		return minimize_run(&o);
	if (strcmp(cmd, "explain") == 0)
		return explain_run(&o);
	if (strcmp(cmd, "fuzz") == 0)
		return campaign_run(&o, argv[0]);
	return usage("unknown command");
}
