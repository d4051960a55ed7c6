// SPDX-License-Identifier: MIT
/*
 * mremap(MREMAP_DONTUNMAP) (target/mremap.c) and B8b (target/rmap.c,
 * target/vma_lock.c): the page moves to the target, whose old mapping is
 * unmapped first (MREMAP_FIXED); the old address stays mapped and reads
 * zero; no CPU keeps a translation of the old address; the source VMA
 * drops its anon_vma when the move covered all of it; errors leave the
 * source alone. B8b (CVE-2024-1312): on v6.4 a fault that saw the anon_vma
 * before mremap removed it runs find_mergeable_anon_vma under the VMA lock
 * alone and reads a neighbour munmap freed (use-after-free); checking
 * under the lock (6.5-rc4) or in the fault (latest) is clean. The reads in
 * the programs are judged by the oracles: a clean verdict says each read
 * returned what the moved or emptied page must hold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/input.h"
#include "fuzz/runner.h"
#include "scheduler/trace.h"
#include "check.h"
#include "trace_run.h"

static int passed, failed;

static bool verdict_is(const char *oracle, const char *kind)
{
	return trace_last.violation && trace_last.oracle && !strcmp(trace_last.oracle, oracle) &&
	       (!kind || (trace_last.kind && !strcmp(trace_last.kind, kind)));
}

/* The contents move; the old address reads zero; a store there after the
 * move faults in a fresh page (its TLB entry was flushed) and does not
 * reach the moved page. The initial VMA [0, 4) is larger than the page:
 * it keeps its anon_vma. */
static void test_contents_move(void)
{
	static const char *const program = "thread 0\n"
					   "  write va=0 word=0\n"
					   "  write va=0 word=1\n"
					   "  mremap va=0 to=2\n"
					   "  read va=2 word=0\n"
					   "  read va=2 word=1\n"
					   "  read va=0 word=0\n"
					   "  write va=0 word=1\n"
					   "  read va=2 word=1\n"
					   "  read va=0 word=1\n";
	static const char *const models[] = {"latest", "v6.4", "v5.19"};

	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		bool v;
		char *t = trace_of(models[i], program, &v);

		CHECK(!v, "%s: moved contents and the emptied page read as promised:\n%s",
		      models[i], t);
		CHECK(count(t, "move_ptes P0 va 0 -> va 2: move frame") == 1,
		      "%s: the PTE moves once:\n%s", models[i], t);
		CHECK(count(t, "handle_pte_fault P0 va 0 write") == 2,
		      "%s: the store after the move faults (no stale TLB entry):\n%s", models[i],
		      t);
		CHECK(count(t, "without anon_vma") == 0,
		      "%s: a partial move keeps the source's anon_vma:\n%s", models[i], t);
		free(t);
	}
}

/* MREMAP_FIXED over a mapped, written page: it is unmapped first and the
 * target reads the moved contents, not its own. */
static void test_fixed_replaces_target(void)
{
	bool v;
	char *t = trace_of("latest",
			   "thread 0\n"
			   "  write va=1 word=0\n"
			   "  write va=0 word=0\n"
			   "  mremap va=0 to=1\n"
			   "  read va=1 word=0\n"
			   "  read va=0 word=0\n",
			   &v);

	const char *zap = strstr(t, "zap_pte_range P0 va 1 (frame 1)");
	const char *move = strstr(t, "move_ptes P0 va 0 -> va 1: move frame 2");

	CHECK(!v && zap && move && zap < move,
	      "latest: the target's page is zapped, the source's moves in:\n%s", t);
	free(t);
}

/* The whole VMA moved: it stays, empty, without its anon_vma. The next
 * write fault on it: on v6.4 lock_vma_under_rcu refuses it (no anon_vma,
 * abort); on latest it runs under the VMA lock and assigns the anon_vma
 * under a trylocked mmap_lock. */
static void test_whole_vma_unlinks(void)
{
	static const char *const program = "thread 0\n"
					   "  munmap va=1\n"
					   "  write va=0 word=0\n"
					   "  mremap va=0 to=1\n"
					   "  write va=0 word=0\n"
					   "  read va=1 word=0\n";
	bool v;
	char *t = trace_of("v6.4", program, &v);

	CHECK(!v && count(t, "VMA [0, 1) stays, empty, without anon_vma") == 1,
	      "v6.4: the emptied VMA drops its anon_vma:\n%s", t);
	CHECK(trace_last.vma_lock_abort_no_anon_vma == 2 && trace_last.vma_lock_success == 0,
	      "v6.4: both writes to the VMA without anon_vma are refused the VMA lock "
	      "(got %u aborts, %u successes)",
	      trace_last.vma_lock_abort_no_anon_vma, trace_last.vma_lock_success);
	CHECK(count(t, "find_mergeable_anon_vma") == 0,
	      "v6.4: under mmap_lock the neighbour walk has no scheduling point:\n%s", t);
	free(t);
	t = trace_of("latest", program, &v);
	CHECK(!v && trace_last.vma_lock_anon_vma_trylocked == 2,
	      "latest: each first write assigns the anon_vma under a trylock (got %u)",
	      trace_last.vma_lock_anon_vma_trylocked);
	free(t);
}

/* Errors: a target equal to the source (EINVAL, nothing changes); no
 * source (EFAULT, after the target was unmapped: a later store there
 * faults with SIGSEGV); a file mapping (the model moves anonymous pages
 * only). */
static void test_errors(void)
{
	bool v;
	char *t = trace_of("latest",
			   "thread 0\n"
			   "  write va=0 word=0\n"
			   "  mremap va=0 to=0\n"
			   "  read va=0 word=0\n",
			   &v);

	CHECK(!v && count(t, "EINVAL (source and target overlap)") == 1 &&
		      count(t, "move_ptes") == 0,
	      "latest: mremap onto itself fails and leaves the page:\n%s", t);
	free(t);
	t = trace_of("latest",
		     "thread 0\n"
		     "  munmap va=1\n"
		     "  write va=2 word=0\n"
		     "  mremap va=1 to=2\n"
		     "  write va=2 word=0\n",
		     &v);
	CHECK(!v && count(t, "EFAULT") == 1 && count(t, "zap_pte_range P0 va 2") == 1 &&
		      count(t, "do_user_addr_fault P0 va 2: SIGSEGV") == 1,
	      "latest: no source: EFAULT, the target already unmapped:\n%s", t);
	free(t);
	t = trace_of("latest",
		     "thread 0\n"
		     "  mmap-file va=0 mode=1\n"
		     "  mremap va=0 to=2\n"
		     "  read va=0 word=0\n",
		     &v);
	CHECK(!v && count(t, "EINVAL (the model moves private anonymous pages only)") == 1,
	      "latest: a file mapping is refused:\n%s", t);
	free(t);
}

/* B8b, the catalogue's interleaving (corpus/regress/mremap-anon-vma-check.mmf):
 * the fault checks anon_vma, mremap empties the VMA and unlinks it, the
 * fault takes the VMA lock and walks to the new neighbour [1, 2), which
 * munmap frees before the fault reads it. */
static const char *const b8b = "thread 0\n"
			       "  write va=0 word=0\n"
			       "  dontneed va=0\n"
			       "  write va=0 word=0\n"
			       "thread 1\n"
			       "  mremap va=0 to=1\n"
			       "thread 2\n"
			       "  munmap va=1\n"
			       "schedule 26:1 15:0 2:1\n";

static void test_b8b_flips(void)
{
	bool v;
	char *t = trace_of("v6.4", b8b, &v);

	CHECK(v && verdict_is("memory-safety", "use-after-free") &&
		      count(t, "find_mergeable_anon_vma P0: read next VMA V2 without mmap_lock") ==
			      1,
	      "v6.4: the fault reads the freed neighbour (%s/%s):\n%s", trace_last.oracle,
	      trace_last.kind, t);
	free(t);
	t = trace_of("latest+vma_lock.anon_vma_check=before-lock", b8b, &v);
	CHECK(v && verdict_is("memory-safety", "use-after-free"),
	      "latest+before-lock: the check turned back finds it again");
	free(t);
	static const char *const fixed[] = {"v6.4+vma_lock.anon_vma_check=under-lock", "latest",
					    "v5.19"};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		t = trace_of(fixed[i], b8b, &v);
		CHECK(!v && count(t, "find_mergeable_anon_vma") == 0,
		      "%s: clean, and no fault walks the neighbours unlocked:\n%s", fixed[i], t);
		free(t);
	}
}

int main(void)
{
	test_contents_move();
	test_fixed_replaces_target();
	test_whole_vma_unlinks();
	test_errors();
	test_b8b_flips();
	return CHECK_SUMMARY();
}
