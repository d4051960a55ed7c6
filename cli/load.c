/* SPDX-License-Identifier: MIT */
/* Which model a command runs a file on (see cli.h). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "xalloc.h"
#include "fuzz/runner.h"

/* Select the flags' model (or latest). */
int cli_select_flags(const struct cli_options *o)
{
	char err[512];

	if (!runner_select(o->profile ? o->profile : "latest", o->switches, o->n_switches, err,
			   sizeof(err))) {
		fprintf(stderr, "mmfuzz: %s\n", err);
		return -1;
	}
	return 0;
}

/*
 * The model a file runs on: its own, unless --profile or --set (or
 * MMFUZZ_PROFILE) say otherwise; then the flags win, with one warning
 * line when they name another model. A file without a model runs on the
 * flags' model, or latest.
 */
static int select_for_file(const struct cli_options *o, const struct input *in, const char *path)
{
	char err[512], own[INPUT_MODEL_MAX];

	if (!in->model[0])
		return cli_select_flags(o);
	if (!runner_select_model(in->model, err, sizeof(err))) {
		fprintf(stderr, "mmfuzz: %s: its model: %s\n", path, err);
		return -1;
	}
	if (!o->model_given)
		return 0;
	snprintf(own, sizeof(own), "%s", runner_profile_name());
	if (cli_select_flags(o) < 0)
		return -1;
	if (strcmp(own, runner_profile_name()) != 0)
		fprintf(stderr, "mmfuzz: warning: %s names model %s; running it on %s as asked\n",
			path, own, runner_profile_name());
	return 0;
}

int cli_load(const struct cli_options *o, const char *path, struct input *in, uint8_t **storage)
{
	char err[512];

	*storage = NULL;
	if (input_load_file(path, in, storage, err, sizeof(err)) != INPUT_OK) {
		/* "PATH:LINE:COL: what" for a place in a text file, as compilers
		 * write it. */
		fprintf(stderr, "mmfuzz: %s:%s%s\n", path,
			isdigit((unsigned char)err[0]) ? "" : " ", err);
		free(*storage);
		*storage = NULL;
		return 2;
	}
	if (select_for_file(o, in, path) < 0) {
		free(*storage);
		*storage = NULL;
		return 2;
	}
	return 0;
}

/* Outputs are written beside their place and renamed into it when
 * complete: a run killed half-way leaves PATH.tmp, never a half PATH. */
static char *temporary_of(const char *path)
{
	return xasprintf("%s.tmp", path);
}

FILE *cli_open_out(const char *path)
{
	char *tmp;
	FILE *f;

	if (strcmp(path, "-") == 0)
		return stdout;
	tmp = temporary_of(path);
	f = fopen(tmp, "w");
	if (!f)
		fprintf(stderr, "mmfuzz: %s: %s\n", path, strerror(errno));
	free(tmp);
	return f;
}

bool cli_close_out(FILE *f, const char *path)
{
	bool ok = !ferror(f);
	char *tmp;

	if (f == stdout) {
		ok = fflush(f) == 0 && ok;
		if (!ok)
			fprintf(stderr, "mmfuzz: %s: write error\n", path);
		return ok;
	}
	ok = fclose(f) == 0 && ok;
	tmp = temporary_of(path);
	if (ok && rename(tmp, path) != 0) {
		fprintf(stderr, "mmfuzz: %s: %s\n", path, strerror(errno));
		ok = false;
	} else if (!ok) {
		fprintf(stderr, "mmfuzz: %s: write error\n", path);
	}
	if (!ok)
		unlink(tmp);
	free(tmp);
	return ok;
}

void cli_abandon_out(FILE *f, const char *path)
{
	char *tmp;

	if (f == stdout)
		return;
	fclose(f);
	tmp = temporary_of(path);
	unlink(tmp);
	free(tmp);
}
