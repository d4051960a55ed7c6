/* SPDX-License-Identifier: MIT */
/*
 * Model-state feedback (target/feedback.h): the windows a stale-TLB bug
 * needs are reported as features when an execution opens them, and not
 * when the fix closes them. Nadav Amit's uffd-wp corruption on 5.11: the
 * unprotect took the write bit away with its flush deferred, a write
 * fault copies the page, and a CPU stores through its stale writable
 * entry after the copy. On 5.12 the fault flushes before copying.
 *
 *   test_feedback CORPUS_DIR
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz/runner.h"
#include "target/feedback.h"

#define MAX_SEEN 4096

static uint32_t seen[MAX_SEEN];
static int n_seen, passed, failed;

static void record(uint32_t feature)
{
	if (n_seen < MAX_SEEN)
		seen[n_seen++] = feature;
}

static bool reported(uint32_t feature)
{
	for (int i = 0; i < n_seen; i++)
		if (seen[i] == feature)
			return true;
	return false;
}

static bool run(const char *file, const char *profile)
{
	struct input in;
	struct exec_result r;
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
	runner_execute(&in, NULL, false, record, &r);
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

int main(int argc, char **argv)
{
	char file[512];
	const unsigned by_unprotect = OP_UFFD_WP + 1;
	/* A store through an entry whose write permission the unprotect took
	 * away, flush pending, into a frame another CPU has finished copying. */
	const uint32_t store_after_copy = FEEDBACK_TLB_HIT | 1u | PTE_WRITE_REVOKED << 1 | 1u << 3 |
					  1u << 4 | COW_COPIED << 5 | by_unprotect << 7;
	/* The copy made while that entry is still writable on another CPU. */
	const uint32_t copy_under_stale_entry =
		FEEDBACK_COW_COPY | 1u | 1u << 1 | by_unprotect << 2;

	if (argc != 2) {
		fprintf(stderr, "usage: test_feedback CORPUS_DIR\n");
		return 2;
	}
	snprintf(file, sizeof(file), "%s/regress/uffd-wp-tlb-corruption.mmf", argv[1]);
	if (run(file, "v5.11")) {
		check(reported(copy_under_stale_entry),
		      "v5.11: no feature for the copy under a stale writable entry");
		check(reported(store_after_copy), "v5.11: no feature for the store after the copy");
	}
	if (run(file, "v5.12")) {
		check(!reported(copy_under_stale_entry), "v5.12: copy under a stale writable entry "
							 "reported, but the fault flushes first");
		check(!reported(store_after_copy),
		      "v5.12: store after the copy reported, but the fault flushes first");
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
