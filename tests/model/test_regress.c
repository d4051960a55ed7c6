/* SPDX-License-Identifier: MIT */
/*
 * The regression manifest: every reproducer on every listed profile (and
 * with the fix's switch turned back) must give the expected verdict, and
 * every seed scenario must be clean on latest. The whole corpus is run
 * twice in this one process, the second time with the fuzzer's feedback
 * hook on; both passes must give identical trace hashes (feedback only
 * observes).
 *
 *   test_regress CORPUS_DIR
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/manifest.h"
#include "fuzz/runner.h"
#include "target/policy.h"

#define MAX_RUNS 512

struct run {
	char file[512];
	char profile[256];
	char expect[64];
	unsigned long long hash;
};

static struct run runs[MAX_RUNS];
static int n_runs, passed, failed;

static void check(bool ok, const struct run *r, const char *got)
{
	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s on %s: expected %s, got %s\n", r->file, r->profile, r->expect, got);
}

/* "v5.9+wp.reuse=mapcount+..." -> profile and switches. */
static bool select_profile(const char *spec)
{
	char buf[256], err[512];
	const char *switches[16];
	int n = 0;
	char *save = NULL, *name;

	snprintf(buf, sizeof(buf), "%s", spec);
	name = strtok_r(buf, "+", &save);
	for (char *s = strtok_r(NULL, "+", &save); s && n < 16; s = strtok_r(NULL, "+", &save))
		switches[n++] = s;
	if (!runner_select(name, switches, n, err, sizeof(err))) {
		printf("FAIL bad profile %s: %s\n", spec, err);
		return false;
	}
	return true;
}

static unsigned long long features;

static void count_feature(uint32_t feature)
{
	(void)feature;
	features++;
}

static bool execute(struct run *r, struct exec_result *res, bool feedback)
{
	struct input in;
	uint8_t *storage = NULL;
	char err[512];

	if (!select_profile(r->profile))
		return false;
	if (input_load_file(r->file, &in, &storage, err, sizeof(err)) != INPUT_OK) {
		printf("FAIL %s: %s\n", r->file, err);
		free(storage);
		return false;
	}
	runner_execute(&in, NULL, false, feedback ? count_feature : NULL, res);
	free(storage);
	return true;
}

static void add_run(const char *dir, const char *file, const char *profile, const char *expect)
{
	struct run *r;

	if (n_runs >= MAX_RUNS) {
		printf("FAIL more than %d runs: %s/%s on %s not run\n", MAX_RUNS, dir, file,
		       profile);
		failed++;
		return;
	}
	r = &runs[n_runs++];
	snprintf(r->file, sizeof(r->file), "%s/%s", dir, file);
	snprintf(r->profile, sizeof(r->profile), "%s", profile);
	snprintf(r->expect, sizeof(r->expect), "%s", expect);
}

static void load_manifest(const char *corpus)
{
	char path[600], dir[600], err[1024];
	struct manifest m;

	snprintf(dir, sizeof(dir), "%s/regress", corpus);
	snprintf(path, sizeof(path), "%s/manifest.txt", dir);
	if (!manifest_load(path, &m, err, sizeof(err))) {
		printf("FAIL %s\n", err);
		failed++;
		return;
	}
	for (int i = 0; i < m.n; i++)
		add_run(dir, m.lines[i].file, m.lines[i].model, m.lines[i].expect);
	manifest_free(&m);
}

/* A malformed manifest line is an error, not a run silently dropped (the
 * old sscanf loop skipped a line with two fields). */
static void test_manifest_rejects_malformed_lines(void)
{
	static const char *const bad[] = {"a.mmf v5.7\n", "a.mmf v5.7 clean extra\n"};
	char path[64], err[1024];
	struct manifest m;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int fd;
		FILE *f;
		bool loaded;

		snprintf(path, sizeof(path), "/tmp/test_regress_manifestXXXXXX");
		fd = mkstemp(path);
		f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!f) {
			printf("FAIL cannot create %s\n", path);
			failed++;
			return;
		}
		fprintf(f, "# comment\n\n%s", bad[i]);
		fclose(f);
		loaded = manifest_load(path, &m, err, sizeof(err));
		remove(path);
		if (loaded || !strstr(err, ":3: ")) {
			printf("FAIL manifest line \"%.*s\": %s\n", (int)strlen(bad[i]) - 1, bad[i],
			       loaded ? "accepted" : err);
			failed++;
			manifest_free(&m);
		} else {
			passed++;
		}
	}
}

static void load_seeds(const char *corpus)
{
	char dir[600];
	struct dirent **names;
	int n;

	snprintf(dir, sizeof(dir), "%s/seeds", corpus);
	n = scandir(dir, &names, NULL, alphasort); /* sorted: deterministic order */
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name);

		if (len > 4 && strcmp(name + len - 4, ".mmf") == 0)
			add_run(dir, name, "latest", "clean");
		free(names[i]);
	}
	if (n > 0)
		free(names);
}

static void run_pass(int pass)
{
	for (int i = 0; i < n_runs; i++) {
		struct run *r = &runs[i];
		struct exec_result res;
		const char *got;

		if (!execute(r, &res, pass == 1)) {
			failed++;
			continue;
		}
		got = res.violation ? res.oracle : "clean";
		if (pass == 0) {
			r->hash = res.sched.trace_hash;
			check(strcmp(got, r->expect) == 0, r, got);
			if (strcmp(got, r->expect) != 0 && res.violation)
				runner_print_report(&res, stdout);
		} else {
			char what[64];

			snprintf(what, sizeof(what), "a different trace (%016llx)",
				 (unsigned long long)res.sched.trace_hash);
			check(res.sched.trace_hash == r->hash, r, what);
		}
	}
}

/* Userfaultfd write-protection of anonymous memory came with 5.7
 * (292924b26024): the earlier profiles refuse it, later ones have it.
 * The manifest's uffd.wp=no lines check what refusing it does. */
static void test_uffd_wp_eras(void)
{
	static const struct {
		const char *profile;
		bool uffd_wp;
	} eras[] = {{"v4.8", false},
		    {"v4.9", false},
		    {"v5.7", true},
		    {"v5.19", true},
		    {"latest", true}};

	for (size_t i = 0; i < sizeof(eras) / sizeof(eras[0]); i++) {
		const struct profile *p = profile_find(eras[i].profile);

		if (p && p->policy.uffd_wp == eras[i].uffd_wp) {
			passed++;
			continue;
		}
		failed++;
		printf("FAIL profile %s: uffd.wp should be %s\n", eras[i].profile,
		       eras[i].uffd_wp ? "yes" : "no");
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_regress CORPUS_DIR\n");
		return 2;
	}
	test_manifest_rejects_malformed_lines();
	test_uffd_wp_eras();
	load_manifest(argv[1]);
	load_seeds(argv[1]);
	run_pass(0);
	run_pass(1);
	printf("regress: %d runs, each twice (%llu features reported)\n", n_runs, features);
	if (features == 0) {
		printf("FAIL the feedback hook was never called\n");
		failed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
