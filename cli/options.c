/* SPDX-License-Identifier: MIT */
/*
 * Option parsing for every command, with getopt_long: --opt=value and
 * --opt value, operands anywhere, "--" ends the options. Each command
 * lists the options it takes; any other is refused by name.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "fuzz/oracle_docs.h"

#ifndef MMFUZZ_VERSION
#define MMFUZZ_VERSION "0.13"
#endif

enum {
	LONG_PROFILE = 256,
	LONG_SET,
	LONG_TIME,
	LONG_RUNS,
	LONG_SEED,
	LONG_JOBS,
	LONG_NO_SEEDS,
	LONG_ONLY,
	LONG_REPEAT,
	LONG_HTML,
	LONG_JUNIT,
	LONG_JSON,
	LONG_SVG,
	LONG_STRATEGY,
	LONG_PREEMPTIONS,
	LONG_MAX_SCHEDULES,
	LONG_NO_REDUCTION,
	LONG_NO_SLEEP_SETS,
	LONG_CLASSIC_DPOR,
	LONG_ENGINE,
	LONG_STOP_AT_FIRST,
	LONG_SANITIZE,
	LONG_VERSION
};

static const struct option long_options[] = {
	{"profile", required_argument, NULL, LONG_PROFILE},
	{"set", required_argument, NULL, LONG_SET},
	{"time", required_argument, NULL, LONG_TIME},
	{"runs", required_argument, NULL, LONG_RUNS},
	{"seed", required_argument, NULL, LONG_SEED},
	{"jobs", required_argument, NULL, LONG_JOBS},
	{"no-seeds", no_argument, NULL, LONG_NO_SEEDS},
	{"only", required_argument, NULL, LONG_ONLY},
	{"repeat", required_argument, NULL, LONG_REPEAT},
	{"out", required_argument, NULL, 'o'},
	{"html", required_argument, NULL, LONG_HTML},
	{"junit", required_argument, NULL, LONG_JUNIT},
	{"json", required_argument, NULL, LONG_JSON},
	{"svg", required_argument, NULL, LONG_SVG},
	{"strategy", required_argument, NULL, LONG_STRATEGY},
	{"preemptions", required_argument, NULL, LONG_PREEMPTIONS},
	{"max-schedules", required_argument, NULL, LONG_MAX_SCHEDULES},
	{"no-reduction", no_argument, NULL, LONG_NO_REDUCTION},
	{"no-sleep-sets", no_argument, NULL, LONG_NO_SLEEP_SETS},
	{"classic-dpor", no_argument, NULL, LONG_CLASSIC_DPOR},
	{"engine", required_argument, NULL, LONG_ENGINE},
	{"stop-at-first", no_argument, NULL, LONG_STOP_AT_FIRST},
	{"sanitize", no_argument, NULL, LONG_SANITIZE},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, LONG_VERSION},
	{NULL, 0, NULL, 0},
};

/* The option bit each getopt value needs; 0 for those every command takes. */
static unsigned option_bit(int c)
{
	switch (c) {
	case LONG_PROFILE:
	case LONG_SET:
		return OPT_MODEL;
	case LONG_TIME:
		return OPT_TIME;
	case LONG_RUNS:
		return OPT_RUNS;
	case LONG_SEED:
		return OPT_SEED;
	case LONG_JOBS:
		return OPT_JOBS;
	case LONG_NO_SEEDS:
		return OPT_NO_SEEDS;
	case LONG_ONLY:
		return OPT_ONLY;
	case LONG_REPEAT:
		return OPT_REPEAT;
	case 'o':
		return OPT_OUT;
	case LONG_HTML:
		return OPT_HTML;
	case LONG_JUNIT:
		return OPT_JUNIT;
	case LONG_JSON:
		return OPT_JSON;
	case LONG_SVG:
		return OPT_SVG;
	case LONG_STRATEGY:
		return OPT_STRATEGY;
	case LONG_PREEMPTIONS:
		return OPT_PREEMPTIONS;
	case LONG_MAX_SCHEDULES:
		return OPT_MAX_SCHEDULES;
	case LONG_NO_REDUCTION:
		return OPT_NO_REDUCTION;
	case LONG_NO_SLEEP_SETS:
		return OPT_NO_SLEEP_SETS;
	case LONG_CLASSIC_DPOR:
		return OPT_CLASSIC_DPOR;
	case LONG_ENGINE:
		return OPT_ENGINE;
	case LONG_STOP_AT_FIRST:
		return OPT_STOP_AT_FIRST;
	case LONG_SANITIZE:
		return OPT_SANITIZE;
	default:
		return 0;
	}
}

static const char *option_name(int c)
{
	if (c == 'o')
		return "out";
	for (const struct option *l = long_options; l->name; l++)
		if (l->val == c)
			return l->name;
	return "?";
}

void cli_print_version(void)
{
	printf("mmfuzz %s\n", MMFUZZ_VERSION);
}

bool cli_parse_count(const char *name, const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!text[0] || strspn(text, "0123456789") != strlen(text)) {
		fprintf(stderr, "mmfuzz: --%s: '%s' is not a non-negative whole number\n", name,
			text);
		return false;
	}
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno == ERANGE || v < min || v > max) {
		fprintf(stderr, "mmfuzz: --%s: %s is out of range (%llu to %llu)\n", name, text,
			(unsigned long long)min, (unsigned long long)max);
		return false;
	}
	*out = v;
	return true;
}

/* Every entry of "oracle[:kind],..." must name an oracle mmfuzz has. */
static bool only_list_valid(const char *list)
{
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",:");
		size_t entry = strcspn(p, ",");
		char id[64];

		if (n == 0 || n >= sizeof(id)) {
			fprintf(stderr, "mmfuzz: --only: empty or overlong entry in '%s'\n", list);
			return false;
		}
		memcpy(id, p, n);
		id[n] = '\0';
		if (!oracle_doc(id)) {
			fprintf(stderr, "mmfuzz: --only: no oracle '%s' (the oracles:", id);
			for (int i = 0; oracle_doc_id(i); i++)
				fprintf(stderr, " %s", oracle_doc_id(i));
			fprintf(stderr, ")\n");
			return false;
		}
		p += entry;
		if (*p == ',')
			p++;
	}
	return true;
}

static bool set_count(const char *name, const char *text, uint64_t min, uint64_t max, long *out)
{
	uint64_t v;

	if (!cli_parse_count(name, text, min, max, &v))
		return false;
	*out = (long)v;
	return true;
}

/* Store one option's value. false after printing why not. */
static bool take_option(int c, const char *arg, struct cli_options *o)
{
	switch (c) {
	case LONG_PROFILE:
		o->profile = arg;
		o->model_given = true;
		return true;
	case LONG_SET:
		if (o->n_switches == CLI_MAX_SWITCHES) {
			fprintf(stderr, "mmfuzz: more than %d --set options\n", CLI_MAX_SWITCHES);
			return false;
		}
		o->switches[o->n_switches++] = arg;
		o->model_given = true;
		return true;
	case LONG_TIME:
		return set_count("time", arg, 1, 365L * 24 * 3600, &o->time);
	case LONG_RUNS:
		o->runs_given = true;
		return cli_parse_count("runs", arg, 1, UINT64_MAX / 2, &o->runs);
	case LONG_SEED:
		o->seed_given = true;
		return cli_parse_count("seed", arg, 0, UINT64_MAX, &o->seed);
	case LONG_JOBS:
		return set_count("jobs", arg, 1, 256, &o->jobs);
	case LONG_NO_SEEDS:
		o->seeds = false;
		return true;
	case LONG_ONLY:
		o->only = arg;
		return only_list_valid(arg);
	case LONG_REPEAT:
		return set_count("repeat", arg, 1, 1000000, &o->repeat);
	case 'o':
		o->out = arg;
		return true;
	case LONG_HTML:
		o->html = arg;
		return true;
	case LONG_JUNIT:
		o->junit = arg;
		return true;
	case LONG_JSON:
		o->json = arg;
		return true;
	case LONG_SVG:
		o->svg = arg;
		return true;
	case LONG_STRATEGY:
		o->strategy = arg;
		return true;
	case LONG_PREEMPTIONS:
		return set_count("preemptions", arg, 0, 16, &o->preemptions);
	case LONG_MAX_SCHEDULES:
		return cli_parse_count("max-schedules", arg, 1, UINT64_MAX / 2, &o->max_schedules);
	case LONG_CLASSIC_DPOR:
		o->classic_dpor = true;
		return true;
	case LONG_NO_SLEEP_SETS:
		o->no_sleep_sets = true;
		return true;
	case LONG_NO_REDUCTION:
		o->no_reduction = true;
		return true;
	case LONG_ENGINE:
		o->engine = arg;
		if (strcmp(arg, "libfuzzer") == 0 || strcmp(arg, "afl") == 0)
			return true;
		fprintf(stderr, "mmfuzz: --engine: '%s' is not an engine (libfuzzer, afl)\n", arg);
		return false;
	case LONG_STOP_AT_FIRST:
		o->stop_at_first = true;
		return true;
	case LONG_SANITIZE:
		o->sanitize = true;
		return true;
	default:
		return false;
	}
}

static void print_help(const struct cli_command *cmd)
{
	printf("usage: mmfuzz %s %s\n%s", cmd->name, cmd->synopsis, cmd->help);
	if (cmd->options & OPT_MODEL)
		printf("  --profile NAME      the model: a profile (mmfuzz profiles) or a model\n"
		       "                      name such as v5.9+wp.reuse=mapcount; a file that\n"
		       "                      names its own model runs on it unless this or\n"
		       "                      --set is given (also MMFUZZ_PROFILE)\n"
		       "  --set SWITCH=VALUE  turn one policy switch on top of the profile\n");
	printf("  -h, --help          this help\n"
	       "exit status: 0 clean, 1 violation, 2 usage, input or other error");
	if (strcmp(cmd->name, "run") == 0)
		printf(",\n  3 a file did not replay identically (--repeat)");
	if (strcmp(cmd->name, "prove") == 0)
		printf(",\n  4 incomplete: --max-schedules ran out first, nothing proved");
	if (strcmp(cmd->name, "fuzz") == 0)
		printf(",\n  130 ended by SIGINT, 143 ended by SIGTERM (after the summary)");
	printf("\n");
}

static int usage_error(const struct cli_command *cmd, const char *what)
{
	fprintf(stderr, "mmfuzz %s: %s (see mmfuzz %s --help)\n", cmd->name, what, cmd->name);
	return -1;
}

int cli_parse(const char *name, int argc, char **argv, struct cli_options *o)
{
	const struct cli_command *cmd = cli_command_find(name);
	char msg[256];
	int c, index;

	memset(o, 0, sizeof(*o));
	o->command = name;

	o->repeat = 1;
	o->seeds = true;
	o->preemptions = -1;
	if (!cmd) {
		fprintf(stderr, "mmfuzz: unknown command '%s' (see mmfuzz --help)\n", name);
		return -1;
	}
	/* Only for the commands that run a model: `profiles` lists the names
	 * a bad MMFUZZ_PROFILE should be checked against. */
	if (cmd->options & OPT_MODEL) {
		o->profile = getenv("MMFUZZ_PROFILE");
		o->model_given = o->profile != NULL;
	}
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":ho:", long_options, &index)) != -1) {
		if (c == 'h') {
			print_help(cmd);
			return 1;
		}
		if (c == LONG_VERSION) {
			cli_print_version();
			return 1;
		}
		if (c == '?') {
			/* optopt: a short option, maybe inside a cluster like -xy;
			 * or the code of a long flag given a value ("--flag=1"). */
			if (optopt > 0 && optopt < 128)
				snprintf(msg, sizeof(msg), "unknown option -%c", optopt);
			else if (optopt)
				snprintf(msg, sizeof(msg), "%.*s takes no value",
					 (int)strcspn(argv[optind - 1], "="), argv[optind - 1]);
			else
				snprintf(msg, sizeof(msg), "unknown option %s", argv[optind - 1]);
			return usage_error(cmd, msg);
		}
		if (c == ':') {
			snprintf(msg, sizeof(msg), "%s needs a value", argv[optind - 1]);
			return usage_error(cmd, msg);
		}
		if (!(cmd->options & option_bit(c))) {
			snprintf(msg, sizeof(msg), "--%s does not apply to %s", option_name(c),
				 cmd->name);
			return usage_error(cmd, msg);
		}
		if (!take_option(c, optarg, o))
			return -1;
	}
	o->args = argv + optind;
	o->n_args = argc - optind;
	if (o->n_args < cmd->min_args || o->n_args > cmd->max_args) {
		snprintf(msg, sizeof(msg), "wrong number of operands (usage: mmfuzz %s %s)",
			 cmd->name, cmd->synopsis);
		return usage_error(cmd, msg);
	}
	/* Check the model now, so that a bad one is an error before any file. */
	return cli_select_flags(o) < 0 ? -1 : 0;
}
