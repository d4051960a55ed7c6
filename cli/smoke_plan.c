/* SPDX-License-Identifier: MIT */
/*
 * What `mmfuzz smoke` runs (smoke.h). Every input is loaded and every
 * model checked before anything runs, so a typo stops it at once (exit 2)
 * rather than after a minute of runs.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "smoke.h"
#include "xalloc.h"

#include "fuzz/manifest.h"
#include "fuzz/oracle_docs.h"
#include "fuzz/runner.h"

#ifndef MMFUZZ_SOURCE_DIR
#error "MMFUZZ_SOURCE_DIR must name the source tree (cli/sources.cmake)"
#endif

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* A corpus folder: the layout of the source tree's corpus/. */
static bool is_corpus(const char *dir)
{
	char *manifest = xasprintf("%s/regress/manifest.txt", dir);
	char *seeds = xasprintf("%s/seeds", dir);
	bool yes = is_file(manifest) || is_dir(seeds);

	free(manifest);
	free(seeds);
	return yes;
}

static struct smoke_input *append(struct smoke_input ***v, int *n)
{
	struct smoke_input *si = check_alloc(calloc(1, sizeof(*si)));

	*v = check_alloc(realloc(*v, (size_t)(*n + 1) * sizeof(struct smoke_input *)));
	(*v)[(*n)++] = si;
	return si;
}

static void input_free(struct smoke_input *si)
{
	free(si->name);
	free(si->path);
	free(si->model);
	free(si->expect);
	free(si->storage);
	free(si);
}

/* A scenario runs on the options' model, or on its own if it names one
 * and the options do not (as every command loads a file: cli_load). */
static bool add_scenario(const struct cli_options *o, struct smoke_plan *p, const char *path,
			 const char *name)
{
	struct input in;
	uint8_t *storage;
	struct smoke_input *si;

	if (cli_load(o, path, &in, &storage) != 0)
		return false;
	si = append(&p->scenarios, &p->n_scenarios);
	si->in = in;
	if (in.schedule == in.owned)
		si->in.schedule = si->in.owned;
	si->storage = storage;
	si->name = xstrdup(name);
	si->path = xstrdup(path);
	si->model = xstrdup(runner_profile_name());
	return true;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The folder's *.mmf files, sorted byte-wise (not by locale): the same
 * order on every machine. */
static bool add_folder(const struct cli_options *o, struct smoke_plan *p, const char *dir,
		       const char *shown)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	int n = 0;
	bool ok = true;

	if (!d) {
		fprintf(stderr, "mmfuzz smoke: %s: cannot read the folder\n", dir);
		return false;
	}
	for (struct dirent *e; (e = readdir(d));) {
		char *path = xasprintf("%s/%s", dir, e->d_name);

		if (has_suffix(e->d_name, ".mmf") && is_file(path)) {
			names = check_alloc(realloc(names, (size_t)(n + 1) * sizeof(*names)));
			names[n++] = xstrdup(e->d_name);
		}
		free(path);
	}
	closedir(d);
	if (n == 0)
		fprintf(stderr, "mmfuzz smoke: %s: no .mmf scenarios in this folder\n", dir);
	qsort(names, (size_t)n, sizeof(*names), compare_names);
	for (int i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		char *name = xasprintf("%s/%s", shown, names[i]);

		ok = ok && add_scenario(o, p, path, name);
		free(path);
		free(name);
		free(names[i]);
	}
	free(names);
	return ok && n > 0;
}

/* "clean" or an oracle mmfuzz has: a misspelt verdict would never match. */
static bool known_verdict(const char *expect)
{
	return strcmp(expect, "clean") == 0 || oracle_doc(expect);
}

static bool add_manifest_line(struct smoke_plan *p, const struct manifest_line *l, const char *dir,
			      const char *shown, const char *manifest)
{
	char err[512];
	struct smoke_input *si;

	if (!known_verdict(l->expect)) {
		fprintf(stderr, "mmfuzz smoke: %s:%d: no oracle '%s'\n", manifest, l->lineno,
			l->expect);
		return false;
	}
	if (!runner_select_model(l->model, err, sizeof(err))) {
		fprintf(stderr, "mmfuzz smoke: %s:%d: %s\n", manifest, l->lineno, err);
		return false;
	}
	si = append(&p->regress, &p->n_regress);
	si->path = xasprintf("%s/%s", dir, l->file);
	si->name = xasprintf("%s/%s", shown, l->file);
	si->model = xstrdup(runner_profile_name());
	si->expect = xstrdup(l->expect);
	if (input_load_file(si->path, &si->in, &si->storage, err, sizeof(err)) != INPUT_OK) {
		fprintf(stderr, "mmfuzz smoke: %s:%d: %s: %s\n", manifest, l->lineno, si->path,
			err);
		return false;
	}
	return true;
}

static bool add_manifest(struct smoke_plan *p, const char *dir, const char *shown)
{
	char *path = xasprintf("%s/manifest.txt", dir);
	char err[1024];
	struct manifest m;
	bool ok;

	ok = manifest_load(path, &m, err, sizeof(err));
	if (!ok)
		fprintf(stderr, "mmfuzz smoke: %s\n", err);
	for (int i = 0; ok && i < m.n; i++)
		ok = add_manifest_line(p, &m.lines[i], dir, shown, path);
	manifest_free(&m);
	free(path);
	return ok;
}

/* A corpus: its manifest is replayed, its seeds explored. */
static bool add_corpus(const struct cli_options *o, struct smoke_plan *p, const char *dir,
		       const char *shown)
{
	char *regress = xasprintf("%s/regress", dir), *seeds = xasprintf("%s/seeds", dir);
	char *shown_regress = xasprintf("%s/regress", shown);
	char *shown_seeds = xasprintf("%s/seeds", shown);
	char *manifest = xasprintf("%s/manifest.txt", regress);
	bool ok = true;

	if (is_file(manifest))
		ok = add_manifest(p, regress, shown_regress);
	if (ok && is_dir(seeds))
		ok = add_folder(o, p, seeds, shown_seeds);
	free(regress);
	free(seeds);
	free(shown_regress);
	free(shown_seeds);
	free(manifest);
	return ok;
}

static bool add_operand(const struct cli_options *o, struct smoke_plan *p, const char *path)
{
	char shown[4096];
	size_t len = strlen(path);

	/* "corpus/" and "corpus" name the same scenarios the same way. */
	while (len > 1 && path[len - 1] == '/')
		len--;
	snprintf(shown, sizeof(shown), "%.*s", (int)len, path);
	if (is_dir(path))
		return is_corpus(path) ? add_corpus(o, p, path, shown)
				       : add_folder(o, p, path, shown);
	if (is_file(path))
		return add_scenario(o, p, path, shown);
	fprintf(stderr, "mmfuzz smoke: %s: no such file or folder\n", path);
	return false;
}

/* No operands: the corpus of the source tree this mmfuzz was built from,
 * named as if smoke ran at its top ("corpus/seeds/..."), so that its
 * results read the same in every clone. */
static bool add_source_corpus(const struct cli_options *o, struct smoke_plan *p)
{
	const char *corpus = MMFUZZ_SOURCE_DIR "/corpus";

	if (!is_corpus(corpus)) {
		fprintf(stderr,
			"mmfuzz smoke: no corpus at %s, the source tree mmfuzz was built from;\n"
			"  name what to run: mmfuzz smoke [OPTIONS] CORPUS|FOLDER|FILE...\n",
			corpus);
		return false;
	}
	return add_corpus(o, p, corpus, "corpus");
}

bool smoke_plan_build(const struct cli_options *o, struct smoke_plan *p)
{
	bool ok = true;

	*p = (struct smoke_plan){0};
	if (o->n_args == 0)
		ok = add_source_corpus(o, p);
	for (int i = 0; ok && i < o->n_args; i++)
		ok = add_operand(o, p, o->args[i]);
	if (ok && p->n_scenarios + p->n_regress == 0) {
		fprintf(stderr, "mmfuzz smoke: nothing to run\n");
		ok = false;
	}
	if (!ok)
		smoke_plan_free(p);
	return ok;
}

void smoke_plan_free(struct smoke_plan *p)
{
	for (int i = 0; i < p->n_regress; i++)
		input_free(p->regress[i]);
	for (int i = 0; i < p->n_scenarios; i++)
		input_free(p->scenarios[i]);
	free(p->regress);
	free(p->scenarios);
	*p = (struct smoke_plan){0};
}
