/* SPDX-License-Identifier: MIT */
/*
 * The mmfuzz command line.
 *
 *   mmfuzz fuzz [--time S] [--seed N] [--jobs N] [--no-seeds] [--only O] [DIR]
 *   mmfuzz run [--repeat N] FILE...
 *   mmfuzz replay FILE
 *   mmfuzz explore [--runs N] [--seed N] [--out FILE] FILE
 *   mmfuzz profiles
 *   mmfuzz compile TEXT OUT   |   mmfuzz print FILE
 *
 * Every command takes --profile NAME and --set SWITCH=VALUE.
 * Exit status: 0 clean, 1 violation, 2 usage or input error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "cli.h"
#include "explore.h"
#include "runner.h"
#include "scheduler/trace.h"

#define MAX_SWITCHES 16

int main(int argc, char **argv);

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "mmfuzz: %s\n", msg);
	fprintf(stderr,
		"usage: mmfuzz COMMAND [--profile NAME] [--set SWITCH=VALUE]... ARGS\n"
		"  fuzz [--time SECONDS] [--seed N] [--jobs N] [--no-seeds] [DIR]\n"
		"       [--only ORACLE[:KIND],...]   fuzz campaign (libFuzzer); findings go to\n"
		"                      findings/<profile>/; --only reports just those oracles\n"
		"  run [--repeat N] FILE...   run inputs; --repeat checks they replay identically\n"
		"  replay FILE         run one input with the full kernel-level trace\n"
		"  explore [--runs N] [--seed N] [--out FILE] FILE\n"
		"                      search random schedules of FILE's program\n"
		"  profiles            list profiles, their switches and the bugs they recreate\n"
		"  compile TEXT OUT    text scenario -> binary seed\n"
		"  print FILE          any input -> text scenario\n"
		"exit status: 0 clean, 1 violation, 2 usage or input error\n");
	return 2;
}

/* Common options; the rest of argv is left in opts->args. */
static int parse_common(int argc, char **argv, struct cli_options *o)
{
	const char *switches[MAX_SWITCHES];
	int n_switches = 0;
	char err[512];

	memset(o, 0, sizeof(*o));
	o->args = argv;
	o->profile = getenv("MMFUZZ_PROFILE");
	o->repeat = 1;
	o->seeds = true;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--profile") == 0 && v) {
			o->profile = v;
			i++;
		} else if (strcmp(a, "--set") == 0 && v && n_switches < MAX_SWITCHES) {
			switches[n_switches++] = v;
			o->switches[o->n_switches++] = v;
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
		} else if (strcmp(a, "--out") == 0 && v) {
			o->out = v;
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
	if (!runner_select(o->profile ? o->profile : "latest", switches, n_switches, err,
			   sizeof(err))) {
		fprintf(stderr, "mmfuzz: %s\n", err);
		return -1;
	}
	return 0;
}

static int load(const char *path, struct input *in, uint8_t **storage)
{
	char err[512];

	if (input_load_file(path, in, storage, err, sizeof(err)) != INPUT_OK) {
		fprintf(stderr, "mmfuzz: %s: %s\n", path, err);
		return -1;
	}
	return 0;
}

/* Run one file `repeat` times; every run must give the same signature and
 * trace hash. Returns 0 clean, 1 violation, 2 error, 3 nondeterminism. */
static int run_file(const char *path, int repeat)
{
	struct input in;
	uint8_t *storage = NULL;
	struct exec_result first, r;
	char sig[256], sig2[256];
	int status;

	if (load(path, &in, &storage) < 0) {
		free(storage);
		return 2;
	}
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
		int s = run_file(o->args[i], o->repeat);

		if (s > worst)
			worst = s;
	}
	return worst;
}

static int cmd_replay(const struct cli_options *o)
{
	struct input in;
	uint8_t *storage = NULL;
	struct exec_result r;

	if (o->n_args != 1)
		return usage("replay needs exactly one FILE");
	if (load(o->args[0], &in, &storage) < 0) {
		free(storage);
		return 2;
	}
	printf("== scenario (%s), profile %s\n", o->args[0], runner_profile_name());
	input_print_text(&in, stdout);
	printf("== trace\n");
	trace_enable(stdout);
	runner_execute(&in, NULL, false, NULL, &r);
	trace_enable(NULL);
	printf("== verdict (%llu steps, %llu switches, trace %016llx)\n",
	       (unsigned long long)r.sched.steps, (unsigned long long)r.sched.switches,
	       (unsigned long long)r.sched.trace_hash);
	runner_print_report(&r, stdout);
	explain_oracle(r.violation ? r.oracle : NULL, stdout);
	free(storage);
	return r.violation ? 1 : 0;
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
	if (load(o->args[0], &in, &storage) < 0) {
		free(storage);
		return 2;
	}
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
	if (load(o->args[0], &in, &storage) < 0) {
		free(storage);
		return 2;
	}
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
	if (strcmp(cmd, "fuzz") == 0)
		return campaign_run(&o, argv[0]);
	return usage("unknown command");
}
