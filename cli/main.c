/* SPDX-License-Identifier: MIT */
/*
 * The mmfuzz command line: `mmfuzz COMMAND [OPTIONS] [OPERANDS]`. The
 * table below names each command, the options it takes and its help;
 * options.c parses them, the command's own file does the work.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

int main(int argc, char **argv);

#define MODEL_NOTE                                                                                 \
	"A file that names its model (a `profile` line, or a saved finding) runs on it;\n"         \
	"--profile/--set override it with a warning. Files without one run on latest.\n"

static const struct cli_command commands[] = {
	{"fuzz", cmd_fuzz,
	 OPT_MODEL | OPT_TIME | OPT_RUNS | OPT_SEED | OPT_JOBS | OPT_NO_SEEDS | OPT_ONLY |
		 OPT_ENGINE | OPT_STOP_AT_FIRST | OPT_SANITIZE,
	 0, 1,
	 "[--engine libfuzzer|afl] [--sanitize] [--time SECONDS | --runs N] [--seed N]\n"
	 "       [--jobs N] [--no-seeds] [--only LIST] [--stop-at-first] [DIR]",
	 "a fuzz campaign (libFuzzer or AFL++) on one model, resumable",
	 "A fuzz campaign on one model. The corpus is DIR (default\n"
	 "mmfuzz-corpus/<model>); findings go to findings/<model>/, one folder per\n"
	 "signature (summary.json). Known signatures are muted; a resumed campaign\n"
	 "looks for new ones. Progress goes to stderr, the summary to stdout.\n"
	 "  --engine NAME       libfuzzer (default) or afl (AFL++: afl-fuzz with\n"
	 "                      mmfuzz-afl and mmfuzz-afl-mutator.so, the same mutator\n"
	 "                      and interleaving feedback; AFL++'s own folder is\n"
	 "                      DIR.afl/)\n"
	 "  --sanitize          fuzz with the ASan+UBSan build (mmfuzz-fuzzer). By\n"
	 "                      default libFuzzer runs the coverage-only build\n"
	 "                      (mmfuzz-fuzzer-cov, faster), and every new finding of\n"
	 "                      it (or of AFL++) is replayed on mmfuzz-fuzzer before\n"
	 "                      it is filed: confirmed, a sanitizer report\n"
	 "                      (sanitizer.<kind>/), or not reproduced\n"
	 "                      (unreproducible/)\n"
	 "  --time SECONDS      stop after this long (default 60)\n"
	 "  --runs N            stop after N executions (without --time, no time\n"
	 "                      limit); a round that restarts after a finding first\n"
	 "                      replays the corpus, so a campaign that finds bugs runs\n"
	 "                      a little more than N\n"
	 "  --seed N            the campaign's seed (default: from the clock, printed);\n"
	 "                      with libFuzzer, one job and --runs, the same seed gives\n"
	 "                      the same campaign (findings and corpus)\n"
	 "  --jobs N            fuzzers in parallel (libFuzzer fork mode; AFL++: one\n"
	 "                      -M and N-1 -S instances)\n"
	 "  --no-seeds          start from an empty corpus, not corpus/seeds\n"
	 "  --only ORACLE[:KIND],...  report only these oracles\n"
	 "  --stop-at-first     end once a signature new to the findings folder is\n"
	 "                      filed (time to a first bug)\n"},
	{"smoke", cmd_smoke,
	 OPT_MODEL | OPT_RUNS | OPT_SEED | OPT_OUT | OPT_JUNIT | OPT_JSON | OPT_STRATEGY |
		 OPT_PREEMPTIONS,
	 0, 64, "[--runs N] [--seed N] [-o DIR] [--junit FILE] [--json FILE] [PATH...]",
	 "a deterministic, count-budgeted check for CI (JUnit, JSON)",
	 "A CI smoke run: replays the regression manifest (each line on its own model)\n"
	 "and runs the seed scenarios, or the PATHs given (.mmf files, folders, corpus\n"
	 "folders), then explores each with N schedules from each strategy (random, PCT\n"
	 "depth 2 and 3), seeded from --seed and the scenario's name. The same output\n"
	 "on every run and machine. Exit: 0 clean, 1 a violation or a manifest\n"
	 "mismatch, 2 usage.\n"
	 "  --runs N            schedules per scenario and strategy (default 20000)\n"
	 "  --strategy A,B,...  the strategies to explore with (default\n"
	 "                      random,pct-depth-2,pct-depth-3; also pos, surw, pctN)\n"
	 "  --seed N            the strategies' base seed (default 1)\n"
	 "  -o, --out DIR       where reproducers go (default smoke-findings/<model>/)\n"
	 "  --junit FILE        JUnit XML results (- for stdout)\n"
	 "  --json FILE         JSON results (- for stdout)\n"
	 "  --preemptions K     also a bounded proof of each scenario (prove-K<k>),\n"
	 "                      within --runs schedules; over that: skipped, not passed\n"},
	{"run", cmd_run, OPT_MODEL | OPT_REPEAT, 1, 1 << 20, "[--repeat N] FILE...",
	 "run inputs and print each verdict",
	 "Run each FILE (- for stdin) and print its verdict.\n"
	 "  --repeat N          run each N times; all must give the same trace\n"},
	{"replay", cmd_replay, OPT_MODEL | OPT_HTML, 1, 1, "[--html OUT] FILE",
	 "one input with the full kernel-level trace",
	 "Run FILE with the full kernel-level trace, the verdict and what the\n"
	 "violated oracle means.\n"
	 "  --html OUT          also write a self-contained timeline page\n"},
	{"minimize", cmd_minimize, OPT_MODEL | OPT_OUT | OPT_RUNS, 1, 1, "[-o OUT] [--runs N] FILE",
	 "the smallest program and schedule with the same violation",
	 "The smallest program and schedule with FILE's violation (same oracle and\n"
	 "kind on the same model). Text on stdout unless -o.\n"
	 "  -o, --out OUT       save it (OUT.mmf: text, other names: binary; - stdout)\n"
	 "  --runs N            at most N model runs (default 200000)\n"},
	{"explain", cmd_explain, OPT_MODEL, 1, 1, "FILE",
	 "the orderings a violation depends on, in kernel steps",
	 "The orderings FILE's violation depends on, the values the oracle judged\n"
	 "and what the oracle means.\n"},
	{"explore", cmd_explore, OPT_MODEL | OPT_RUNS | OPT_SEED | OPT_OUT | OPT_STRATEGY, 1, 1,
	 "[--strategy NAME] [--runs N] [--seed N] [-o OUT] FILE",
	 "random schedules of one scenario's program",
	 "Run FILE's program under sampled schedules until one violates an oracle;\n"
	 "the violating schedule is saved as ordinary schedule bytes.\n"
	 "  --strategy NAME     bytes (default: random schedule bytes), random (uniform\n"
	 "                      random walk), pct2, pct3, pctN (PCT of depth N), pos\n"
	 "                      (partial-order sampling), surw (selectively uniform\n"
	 "                      random walk)\n"
	 "  --runs N            schedules to try (default 10000)\n"
	 "  --seed N            the schedules' seed (default 1)\n"
	 "  -o, --out OUT       save the violating input\n"},
	{"prove", cmd_prove,
	 OPT_MODEL | OPT_PREEMPTIONS | OPT_MAX_SCHEDULES | OPT_NO_REDUCTION | OPT_NO_SLEEP_SETS |
		 OPT_CLASSIC_DPOR | OPT_OUT | OPT_JSON,
	 1, 1,
	 "[--preemptions K] [--max-schedules N]\n"
	 "       [--no-reduction | --no-sleep-sets | --classic-dpor] [-o OUT] [--json F] FILE",
	 "every schedule of a scenario up to K preemptions: a bounded proof",
	 "Explore every schedule of FILE's program with at most K preemptions\n"
	 "(K = 0, 1, ... up to the bound: the first violation is found at the\n"
	 "smallest bound), with partial-order reduction. FILE's own schedule is\n"
	 "ignored. A violation is saved with its model (-o OUT, default\n"
	 "prove-findings/<model>/<name>.mmf), replayed, minimised to OUT.min.mmf.\n"
	 "  --preemptions K     the bound (default 2, at most 16)\n"
	 "  --max-schedules N   give up after N schedules in all (exit 4)\n"
	 "  --no-reduction      run every schedule (to measure the reduction)\n"
	 "  --no-sleep-sets     reduce without sleep sets (they skip a few more\n"
	 "                      Mazurkiewicz classes on some programs: docs/prove.md)\n"
	 "  --classic-dpor      the classic backtrack rule instead of source sets (to\n"
	 "                      compare)\n"
	 "  -o, --out OUT       where the counterexample goes (.mmf: text, else binary)\n"
	 "  --json FILE         the result as JSON (- for stdout; the text then goes\n"
	 "                      to stderr)\n"},
	{"profiles", cmd_profiles, 0, 0, 0, "",
	 "the profiles, their switches and the bugs they recreate",
	 "List the profiles, their switches and the bugs they recreate.\n"},
	{"compile", cmd_compile, OPT_MODEL, 2, 2, "TEXT OUT", "a text scenario -> a binary input",
	 "Compile a text scenario into a binary input (- for stdin or stdout).\n"},
	{"print", cmd_print, OPT_MODEL, 1, 1, "FILE", "any input -> the text format",
	 "Print any input (text or binary, - for stdin) in the text format.\n"},
	{"stats", cmd_stats, OPT_SVG, 0, 1, "[--svg OUT] [DIR]",
	 "a campaign's statistics over time; --svg plots them",
	 "Print a campaign's statistics (DIR: its corpus folder, default\n"
	 "mmfuzz-corpus/latest); --svg plots features, exec/s and findings over time.\n"
	 "  --svg OUT           write the plot (- for stdout)\n"},
	{"corpus", cmd_corpus, OPT_MODEL, 1, 2, "merge [DIR]",
	 "corpus hygiene: merge keeps the inputs that add coverage",
	 "merge: keep only the inputs of DIR (default mmfuzz-corpus/<model>) that\n"
	 "add coverage (libFuzzer -merge=1), written into DIR.merging, then swapped\n"
	 "in atomically; DIR/.stats is kept.\n"},
};

const struct cli_command *cli_command_find(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void print_usage(FILE *out)
{
	fprintf(out, "usage: mmfuzz COMMAND [OPTIONS] [OPERANDS]   (mmfuzz COMMAND --help)\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		MODEL_NOTE "exit status: 0 clean, 1 violation, 2 usage, input or other error;\n"
			   "  3 run --repeat: not identical; 4 prove: incomplete (not a proof);\n"
			   "  130/143 fuzz ended by SIGINT/SIGTERM;\n"
			   "  66 the TSan build (mmfuzz-tsan) found a data race in the model\n");
}

int main(int argc, char **argv)
{
	struct cli_options o;
	const char *cmd;
	int status;

	if (argc < 2) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
		print_usage(stdout);
		return EXIT_CLEAN;
	}
	if (strcmp(cmd, "--version") == 0) {
		cli_print_version();
		return EXIT_CLEAN;
	}
	status = cli_parse(cmd, argc - 1, argv + 1, &o);
	if (status != 0)
		return status > 0 ? EXIT_CLEAN : EXIT_USAGE;
	o.argv0 = argv[0];
	return cli_command_find(cmd)->run(&o);
}
