/* SPDX-License-Identifier: MIT */
/* `mmfuzz smoke`: see smoke.h. */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "smoke.h"
#include "smoke_prove.h"
#include "xalloc.h"

#include "fuzz/runner.h"

static bool is_stdout(const char *path)
{
	return path && strcmp(path, "-") == 0;
}

/* Open --junit and --json before running: a bad path is a usage error,
 * found before the runs rather than after. */
static bool open_outputs(const struct cli_options *o, FILE **junit, FILE **json)
{
	*junit = *json = NULL;
	if (o->junit && o->json && strcmp(o->junit, o->json) == 0) {
		fprintf(stderr, "mmfuzz smoke: --junit and --json both write %s: give two places\n",
			o->junit);
		return false;
	}
	if (o->junit && !(*junit = cli_open_out(o->junit)))
		return false;
	if (o->json && !(*json = cli_open_out(o->json))) {
		if (*junit)
			cli_abandon_out(*junit, o->junit);
		return false;
	}
	return true;
}

static bool write_outputs(const struct cli_options *o, const struct smoke_results *res, FILE *junit,
			  FILE *json)
{
	bool ok = true;

	if (junit) {
		if (!smoke_write_junit(res, junit))
			fprintf(stderr, "mmfuzz smoke: %s: cannot write the JUnit XML\n", o->junit);
		ok = cli_close_out(junit, o->junit) && ok;
	}
	if (json) {
		if (!smoke_write_json(res, json))
			fprintf(stderr, "mmfuzz smoke: %s: cannot write the JSON\n", o->json);
		ok = cli_close_out(json, o->json) && ok;
	}
	return ok;
}

int cmd_smoke(const struct cli_options *o)
{
	struct smoke_plan plan;
	struct smoke_results res = {
		.seed = o->seed_given ? o->seed : SMOKE_DEFAULT_SEED,
		.runs = o->runs_given ? o->runs : SMOKE_DEFAULT_RUNS,
	};
	/* The text goes to stdout unless a report does. */
	FILE *text = is_stdout(o->junit) || is_stdout(o->json) ? stderr : stdout;
	FILE *junit, *json;
	int status;

	if (cli_select_flags(o) < 0 || !smoke_choose_strategies(o->strategy))
		return EXIT_USAGE;
	res.model = xstrdup(runner_profile_name());
	if (!smoke_plan_build(o, &plan)) {
		free(res.model);
		return EXIT_USAGE;
	}
	if (!open_outputs(o, &junit, &json)) {
		smoke_plan_free(&plan);
		free(res.model);
		return EXIT_USAGE;
	}
	smoke_run(&plan, o->out ? o->out : SMOKE_FINDINGS_DIR, &res);
	if (o->preemptions >= 0)
		smoke_prove_run(&plan, (unsigned)o->preemptions,
				o->out ? o->out : SMOKE_FINDINGS_DIR, &res);
	smoke_print_summary(&res, text);
	status = res.failures ? EXIT_VIOLATION : EXIT_CLEAN;
	if (!write_outputs(o, &res, junit, json))
		status = EXIT_USAGE;
	smoke_plan_free(&plan);
	smoke_results_free(&res);
	return status;
}
