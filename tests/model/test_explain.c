/* SPDX-License-Identifier: MIT */
/*
 * explain: the critical orderings of the two acceptance reproducers name
 * the steps of the bug (CVE-2020-29374: the vmsplice reference before the
 * reusing write fault; B4b: the unprotect's deferred flush, the COW copy
 * and the store through the stale entry), and every pair reported for any
 * failing regression reproducer, reversed, makes the violation go away.
 * Every oracle id the sources can report has a documented meaning.
 *
 * argv[1]: the corpus directory (its parent is the source tree).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/explain.h"
#include "fuzz/minimize.h"
#include "fuzz/oracle_docs.h"
#include "fuzz/runner.h"
#include "tests/model/check.h"

#define MAX_PAIRS 12
#define MAX_IDS	  64

static int passed, failed;
static const char *corpus;

static bool load(const char *name, const char *model, struct input *in, uint8_t **storage)
{
	char path[1024], err[512];

	snprintf(path, sizeof(path), "%s/regress/%s", corpus, name);
	if (input_load_file(path, in, storage, err, sizeof(err)) != INPUT_OK) {
		printf("FAIL: %s: %s\n", path, err);
		return false;
	}
	if (!runner_select_model(model, err, sizeof(err))) {
		printf("FAIL: model %s: %s\n", model, err);
		return false;
	}
	return true;
}

/* The reversal of a pair is clean or judged by another oracle. */
static bool goes_away(const struct exec_result *r, const char *oracle)
{
	return !r->violation || strcmp(r->oracle, oracle) != 0;
}

/* Every pair: two threads, A before B, and reversing it removes the
 * violation; following the recorded order unreversed keeps it. Returns
 * how many pairs were reversed successfully. */
static int check_reversals(const char *what, const struct input *in,
			   const struct critical_pair *pairs, int n)
{
	struct exec_result r, base;
	struct critical_pair same;
	char oracle[64];
	int ok = 0;

	runner_execute(in, NULL, false, NULL, &base);
	snprintf(oracle, sizeof(oracle), "%s", base.oracle);
	for (int i = 0; i < n; i++) {
		const struct critical_pair *p = &pairs[i];

		CHECK(p->before_thread != p->after_thread && p->before_step < p->after_step,
		      "%s pair %d: T%d step %llu, T%d step %llu", what, i + 1, p->before_thread,
		      (unsigned long long)p->before_step, p->after_thread,
		      (unsigned long long)p->after_step);
		explain_reverse(in, p, &r);
		CHECK(goes_away(&r, oracle), "%s pair %d reversed still %s %s: %s / %s", what,
		      i + 1, r.oracle, r.kind, p->before, p->after);
		ok += goes_away(&r, oracle);
	}
	if (n) {
		/* The control: the same order without the reversal fails. */
		same = pairs[0];
		same.at_after = same.at_before;
		explain_reverse(in, &same, &r);
		CHECK(r.violation && strcmp(r.oracle, oracle) == 0 &&
			      strcmp(r.kind, base.kind) == 0,
		      "%s: the recorded order, followed, gives %s %s", what, r.oracle, r.kind);
	}
	return ok;
}

static bool any_pair(const struct critical_pair *pairs, int n, const char *before1,
		     const char *before2, const char *after1, const char *after2)
{
	for (int i = 0; i < n; i++)
		if ((!before1 || strstr(pairs[i].before, before1)) &&
		    (!before2 || strstr(pairs[i].before, before2)) &&
		    (!after1 || strstr(pairs[i].after, after1)) &&
		    (!after2 || strstr(pairs[i].after, after2)))
			return true;
	return false;
}

static void print_pairs(const struct critical_pair *pairs, int n)
{
	for (int i = 0; i < n; i++)
		printf("  %d. %s (step %llu)\n     happens before %s (step %llu)\n", i + 1,
		       pairs[i].before, (unsigned long long)pairs[i].before_step, pairs[i].after,
		       (unsigned long long)pairs[i].after_step);
}

/* CVE-2020-29374 on 5.7: the child's vmsplice holds a reference the
 * parent's write fault does not see, and reuses the page. */
static void check_cve_pairs(const char *what, const struct input *in)
{
	struct critical_pair pairs[MAX_PAIRS];
	int n = explain_pairs(in, pairs, MAX_PAIRS);
	bool named = any_pair(pairs, n, "vmsplice", "frame", "write", "reuse");

	CHECK(named, "%s: no pair 'vmsplice reference before the reusing write fault'", what);
	if (!named)
		print_pairs(pairs, n);
	CHECK(check_reversals(what, in, pairs, n) == n && n > 0, "%s: %d pairs", what, n);
}

static void test_cve(void)
{
	struct input in, min;
	uint8_t *storage = NULL;
	struct minimize_stats st;

	if (!load("cve-2020-29374-child.mmf", "v5.7", &in, &storage)) {
		failed++;
		return;
	}
	check_cve_pairs("cve-2020-29374-child", &in);
	CHECK(minimize_input(&in, &min, 20000, &st), "minimize found no violation");
	check_cve_pairs("cve-2020-29374-child minimised", &min);
	free(storage);

	/* Clean on a fixed kernel: nothing to explain. */
	if (load("cve-2020-29374-child.mmf", "latest", &in, &storage)) {
		struct critical_pair pairs[MAX_PAIRS];

		CHECK(explain_pairs(&in, pairs, MAX_PAIRS) == 0, "pairs for a clean run");
	}
	free(storage);
}

/* Minimised, B4b keeps its three parts: the unprotect write-protects the
 * PTE with its flush deferred, a write fault copies the page, the store
 * through the stale entry (named with the op whose flush it beats) comes
 * after the copy. */
static void check_uffd_wp_minimised(const struct input *in)
{
	struct critical_pair pairs[MAX_PAIRS];
	struct minimize_stats st;
	struct input min;
	int n;

	CHECK(minimize_input(in, &min, 50000, &st), "minimize found no violation");
	n = explain_pairs(&min, pairs, MAX_PAIRS);
	CHECK(any_pair(pairs, n, "uffd-wp", "change_pte_range", "write", NULL),
	      "minimised: no pair 'unprotect changes the PTE before the write fault'");
	CHECK(any_pair(pairs, n, "copy frame", NULL, "store #",
		       "uffd-wp va=0 wp=0 changed the PTE at step"),
	      "minimised: no pair 'COW copy before the store through the unprotect's stale entry'");
	CHECK(any_pair(pairs, n, NULL, NULL, "store #", "its TLB flush still deferred"),
	      "minimised: the stale store does not name the deferred flush");
	CHECK(check_reversals("uffd-wp-tlb-corruption minimised", &min, pairs, n) == n && n >= 3,
	      "%d pairs", n);
	if (n < 3)
		print_pairs(pairs, n);
}

/* B4b on 5.11: the unprotect's flush is deferred, a write fault copies the
 * page, a store through the stale entry lands in the old frame. */
static void test_uffd_wp(void)
{
	struct critical_pair pairs[MAX_PAIRS];
	struct input in;
	uint8_t *storage = NULL;
	int n;
	bool copy, flush;

	if (!load("uffd-wp-tlb-corruption.mmf", "v5.11", &in, &storage)) {
		failed++;
		return;
	}
	n = explain_pairs(&in, pairs, MAX_PAIRS);
	copy = any_pair(pairs, n, "copy frame", NULL, "store #", "stale TLB entry");
	flush = any_pair(pairs, n, "store #", "stale TLB entry", "uffd-wp", "flush_tlb_range");
	CHECK(copy, "no pair 'COW copy before the store through the stale entry'");
	CHECK(flush, "no pair 'stale store before the unprotect's deferred flush'");
	CHECK(any_pair(pairs, n, "uffd-wp", "change_pte_range", "write", NULL),
	      "no pair 'unprotect changes the PTE before the write fault'");
	if (!copy || !flush)
		print_pairs(pairs, n);
	CHECK(check_reversals("uffd-wp-tlb-corruption", &in, pairs, n) == n && n >= 3, "%d pairs",
	      n);
	check_uffd_wp_minimised(&in);
	free(storage);
}

/* Every failing line of the manifest: whatever pairs explain reports
 * reverse to a run without the violation. */
static void test_manifest(void)
{
	char path[1024], line[512];
	FILE *f;
	int files = 0;

	snprintf(path, sizeof(path), "%s/regress/manifest.txt", corpus);
	f = fopen(path, "r");
	CHECK(f != NULL, "cannot open %s", path);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char name[256], model[256], expect[64], what[600];
		struct critical_pair pairs[MAX_PAIRS];
		struct input in;
		uint8_t *storage = NULL;
		int n;

		if (line[0] == '#' || sscanf(line, "%255s %255s %63s", name, model, expect) != 3 ||
		    strcmp(expect, "clean") == 0)
			continue;
		if (!load(name, model, &in, &storage)) {
			failed++;
			free(storage);
			continue;
		}
		snprintf(what, sizeof(what), "%s on %s", name, model);
		n = explain_pairs(&in, pairs, MAX_PAIRS);
		check_reversals(what, &in, pairs, n);
		files++;
		free(storage);
	}
	fclose(f);
	CHECK(files >= 20, "only %d failing manifest lines", files);
}

/* ---- every oracle id has its doc ---------------------------------------- */

static int add_id(char ids[][64], int n, const char *id)
{
	for (int i = 0; i < n; i++)
		if (strcmp(ids[i], id) == 0)
			return n;
	if (n == MAX_IDS || !id[0])
		return n;
	snprintf(ids[n], 64, "%s", id);
	return n + 1;
}

/* The oracle ids a source file can report: the first argument of
 * sched_fail() and fail_value(), and what is assigned to an `oracle`. */
static int scan_ids(const char *path, char ids[][64], int n)
{
	static const char *const marks[] = {"sched_fail(\"", "fail_value(\"", "oracle = \""};
	char line[1024];
	FILE *f = fopen(path, "r");

	if (!f)
		return n;
	while (fgets(line, sizeof(line), f))
		for (size_t m = 0; m < sizeof(marks) / sizeof(marks[0]); m++)
			for (char *s = strstr(line, marks[m]); s; s = strstr(s + 1, marks[m])) {
				char id[64];

				if (sscanf(s + strlen(marks[m]), "%63[a-z0-9-]\"", id) == 1)
					n = add_id(ids, n, id);
			}
	fclose(f);
	return n;
}

static int scan_dir(const char *dir, char ids[][64], int n)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	CHECK(d != NULL, "cannot open %s", dir);
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char path[1024];

		if (len < 3 || strcmp(e->d_name + len - 2, ".c") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		n = scan_ids(path, ids, n);
	}
	if (d)
		closedir(d);
	return n;
}

static void test_oracle_docs(void)
{
	static const char *const dirs[] = {"target", "scheduler", "fuzz"};
	char ids[MAX_IDS][64], dir[1024];
	int n = 0;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(dir, sizeof(dir), "%s/../%s", corpus, dirs[i]);
		n = scan_dir(dir, ids, n);
	}
	CHECK(n >= 12, "found only %d oracle ids in the sources", n);
	for (int i = 0; i < n; i++)
		CHECK(oracle_doc(ids[i]) != NULL, "oracle '%s' has no doc in fuzz/oracle_docs.c",
		      ids[i]);
	/* And no doc for an id nothing reports any more. */
	for (int i = 0; oracle_doc_id(i); i++) {
		bool used = false;

		for (int k = 0; k < n; k++)
			used |= strcmp(ids[k], oracle_doc_id(i)) == 0;
		CHECK(used, "oracle '%s' is documented but nothing reports it", oracle_doc_id(i));
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	corpus = argv[1];
	test_oracle_docs();
	test_cve();
	test_uffd_wp();
	test_manifest();
	return CHECK_SUMMARY();
}
