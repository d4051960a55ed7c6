/* SPDX-License-Identifier: MIT */
/* `mmfuzz minimize [-o OUT] [--runs N] FILE`: the smallest program and
 * schedule with the same violation (fuzz/minimize.h does the search). */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "fuzz/minimize.h"
#include "fuzz/runner.h"

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* OUT ending in .mmf (or "-") gets the text format, anything else the
 * binary. */
static bool save_result(const struct input *in, const char *path)
{
	char err[512];
	FILE *f;

	if (!ends_with(path, ".mmf") && strcmp(path, "-") != 0) {
		if (input_save_file(in, path, err, sizeof(err)))
			return true;
		fprintf(stderr, "mmfuzz: %s\n", err);
		return false;
	}
	f = cli_open_out(path);
	if (!f)
		return false;
	input_print_text(in, f);
	return cli_close_out(f, path);
}

int cmd_minimize(const struct cli_options *o)
{
	static struct input in, out;
	struct minimize_stats st;
	uint8_t *storage = NULL;
	int status = 1;

	if (cli_load(o, o->args[0], &in, &storage) != 0)
		return 2;
	if (!minimize_input(&in, &out,
			    o->runs_given ? (unsigned long)o->runs : MINIMIZE_DEFAULT_RUNS, &st)) {
		fprintf(stderr, "minimize: %s runs clean on %s: nothing to minimise\n", o->args[0],
			runner_profile_name());
		free(storage);
		return 0;
	}
	snprintf(out.model, sizeof(out.model), "%s", runner_profile_name());
	if (o->out) {
		if (!save_result(&out, o->out))
			status = 2;
	} else {
		input_print_text(&out, stdout);
	}
	minimize_print_summary(&st, stderr);
	free(storage);
	return status;
}
