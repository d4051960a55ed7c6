/* SPDX-License-Identifier: MIT */
/*
 * Model-state feedback (target/feedback.h): the windows a stale-TLB bug
 * needs are reported as features when an execution opens them, and not
 * when the fix closes them. Nadav Amit's uffd-wp corruption on 5.11: the
 * unprotect took the write bit away with its flush deferred, a write
 * fault copies the page, and a CPU stores through its stale writable
 * entry after the copy. On 5.12 the fault flushes before copying. The
 * write the oracle finds lost is that very store, and the window is
 * traced to it; a lost write of another bug on the same profile (an
 * O_DIRECT read racing with clear_refs on 5.11) is not, nor is a store
 * through an entry that clear_refs, run by the storing thread itself, left
 * stale (the op that made an entry stale is named even when its own CPU
 * holds the entry).
 *
 *   test_feedback CORPUS_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/runner.h"
#include "target/feedback.h"

#define MAX_SEEN 4096

static uint32_t seen[MAX_SEEN];
static int n_seen, passed, failed;
static struct exec_result result;

static void record(uint32_t feature)
{
	if (n_seen < MAX_SEEN)
		seen[n_seen++] = feature;
}

static bool run(const char *file, const char *profile)
{
	struct input in;
	uint8_t *storage = NULL;
	char err[512];

	n_seen = 0;
	if (!runner_select(profile, NULL, 0, err, sizeof(err)) ||
	    input_load_file(file, &in, &storage, err, sizeof(err)) != INPUT_OK) {
		printf("FAIL %s on %s: %s\n", file, profile, err);
		failed++;
		free(storage);
		return false;
	}
	runner_execute(&in, NULL, false, record, &result);
	free(storage);
	return true;
}

static void check(bool ok, const char *what)
{
	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s\n", what);
}

/* Did the last run open the named window? */
static bool opened(const char *spec)
{
	struct feedback_window w;

	if (!feedback_window_parse(spec, &w)) {
		printf("FAIL window '%s' does not parse\n", spec);
		failed++;
		return false;
	}
	for (int i = 0; i < n_seen; i++)
		if (feedback_window_opened(&w, seen[i]))
			return true;
	return false;
}

/* Did the store that made the write the last run found lost open it? */
static bool opened_by_lost_write(const char *spec)
{
	struct feedback_window w;

	if (!feedback_window_parse(spec, &w) || strcmp(result.oracle, "lost-write") != 0 ||
	    result.missed_write == 0)
		return false;
	return feedback_store_opened(&w, result.missed_write);
}

static void test_window_names(void)
{
	struct feedback_window w;

	check(feedback_window_parse("copy-under-stale-entry", &w) && w.op == -1,
	      "copy-under-stale-entry does not parse");
	check(feedback_window_parse("store-after-copy:uffd-wp", &w) && w.op == OP_UFFD_WP,
	      "store-after-copy:uffd-wp does not parse");
	check(!feedback_window_parse("store-after", &w), "a window name prefix parses");
	check(!feedback_window_parse("store-after-copy:nope", &w), "an unknown op parses");
}

int main(int argc, char **argv)
{
	char file[512];

	if (argc != 2) {
		fprintf(stderr, "usage: test_feedback CORPUS_DIR\n");
		return 2;
	}
	test_window_names();
	snprintf(file, sizeof(file), "%s/regress/uffd-wp-tlb-corruption.mmf", argv[1]);
	if (run(file, "v5.11")) {
		check(opened("copy-under-stale-entry:uffd-wp"),
		      "v5.11: no feature for the copy under a stale writable entry");
		check(opened("store-after-copy:uffd-wp"),
		      "v5.11: no feature for the store after the copy");
		check(!opened("store-after-copy:clear-refs"),
		      "v5.11: the stale entry attributed to clear-refs, not uffd-wp");
		check(opened_by_lost_write("store-after-copy:uffd-wp"),
		      "v5.11: the lost write is not the store after the copy");
	}
	if (run(file, "v5.12")) {
		check(!opened("copy-under-stale-entry"), "v5.12: copy under a stale writable entry "
							 "reported, but the fault flushes first");
		check(!opened("store-after-copy"),
		      "v5.12: store after the copy reported, but the fault flushes first");
	}
	snprintf(file, sizeof(file), "%s/regress/odirect-clear-refs.mmf", argv[1]);
	if (run(file, "v5.11")) {
		check(!strcmp(result.oracle, "lost-write") && result.missed_write != 0,
		      "v5.11: the O_DIRECT read loses no write, or the verdict names none");
		check(!opened_by_lost_write("store-after-copy"),
		      "v5.11: the O_DIRECT write lost is taken for a store after a copy");
	}
	snprintf(file, sizeof(file), "%s/regress/clear-refs-stale-store-after-copy.mmf", argv[1]);
	if (run(file, "v5.11")) {
		check(opened_by_lost_write("store-after-copy:clear-refs"),
		      "v5.11: the store clear_refs left stale is not a store after a copy");
		check(!opened_by_lost_write("store-after-copy:uffd-wp"),
		      "v5.11: the entry clear_refs left stale is taken for uffd-wp's");
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
