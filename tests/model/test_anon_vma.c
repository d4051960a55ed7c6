// SPDX-License-Identifier: MIT
/*
 * anon_vmas and merges (target/rmap.c, target/vma.c vma_merge) and B8c:
 * an mprotect that makes a VMA match its neighbour merges them, one that
 * changes nothing does not; an anon_vma lives while a VMA is linked to it
 * and its pages are unmapped before it goes; on v6.4 a fault in
 * dup_anon_vma's gap, with the chain's allocation failing (fail-alloc),
 * leaves a mapped page whose anon_vma is freed, and the fix write-locks
 * the VMA first so that the fault waits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/runner.h"
#include "check.h"
#include "trace_run.h"

static int passed, failed;

static bool verdict_is(const char *oracle, const char *kind)
{
	return trace_last.violation && trace_last.oracle && !strcmp(trace_last.oracle, oracle) &&
	       trace_last.kind && !strcmp(trace_last.kind, kind);
}

/* Read-only then writable again: the page's VMA merges back with both
 * neighbours; an mprotect that changes nothing merges nothing. */
static void test_merge(void)
{
	bool v;
	char *t = trace_of("latest",
			   "thread 0\n"
			   "  write va=1 word=0\n"
			   "  mprotect va=1 rw=0\n"
			   "  mprotect va=1 rw=1\n"
			   "  read va=1 word=0\n",
			   &v);

	CHECK(!v && count(t, "vma_merge P0") == 2 &&
		      count(t, "vma_merge P0: [0, 2) grows over [2, 4)") == 1,
	      "latest: [0,1) + [1,2), then + [2,4):\n%s", t);
	/* One anon_vma for the three VMAs and the merged one: freed once, at
	 * exit, after the page was unmapped. */
	CHECK(count(t, "put_anon_vma: anon_vma #0 freed") == 1 && count(t, "put_anon_vma") == 1,
	      "latest: anon_vma #0 freed once, at exit:\n%s", t);
	free(t);

	t = trace_of("latest",
		     "thread 0\n"
		     "  write va=1 word=0\n"
		     "  mprotect va=1 rw=1\n",
		     &v);
	CHECK(!v && count(t, "vma_merge") == 0, "latest: no change, no merge:\n%s", t);
	free(t);

	/* No previous VMA: the next one grows down over the changed one and
	 * takes its anon_vma (vma_merge's case 8). */
	t = trace_of("latest",
		     "thread 0\n"
		     "  munmap va=0\n"
		     "  mprotect va=1 rw=0\n"
		     "  write va=2 word=0\n"
		     "  mprotect va=1 rw=1\n",
		     &v);
	CHECK(!v && count(t, "vma_merge P0: [2, 4) grows over [1, 2)") == 1 &&
		      count(t, "dup_anon_vma") == 0,
	      "latest: the next VMA grows down, keeping its anon_vma:\n%s", t);
	free(t);

	/* Different flags do not merge: read-only next to writable. */
	t = trace_of("latest",
		     "thread 0\n"
		     "  mprotect va=1 rw=0\n"
		     "  mprotect va=2 rw=0\n",
		     &v);
	CHECK(!v && count(t, "vma_merge P0: [1, 2) grows over [2, 3)") == 1,
	      "latest: two read-only neighbours merge:\n%s", t);
	free(t);
}

/* fork: the child's VMA is linked to the parent's anon_vma, so the page the
 * child still maps keeps it alive after the parent unmaps its own. */
static void test_fork_keeps_anon_vma(void)
{
	bool v;
	char *t = trace_of("latest",
			   "thread 0\n"
			   "  write va=0 word=0\n"
			   "  fork\n"
			   "  munmap va=0\n"
			   "  munmap va=1\n"
			   "  munmap va=2\n"
			   "  munmap va=3\n"
			   "  signal event=0\n"
			   "thread 1 child-of 0\n"
			   "  wait event=0\n"
			   "  read va=0 word=0\n",
			   &v);

	CHECK(!v && count(t, "put_anon_vma: anon_vma #0 freed") == 1,
	      "latest: the child keeps anon_vma #0 until its exit:\n%s", t);
	free(t);
}

/* corpus/regress/dup-anon-vma.mmf, with or without the failure. */
static char *b8c_program(const char *model, bool fail, bool *v)
{
	char text[512];

	snprintf(text, sizeof(text),
		 "thread 0\n"
		 "  mprotect va=1 rw=0\n"
		 "  mem-write va=1 word=0\n"
		 "%s"
		 "  mprotect va=1 rw=1\n"
		 "  munmap va=1\n"
		 "thread 1\n"
		 "  write va=0 word=0\n"
		 "schedule 33:1\n",
		 fail ? "  fail-alloc\n" : "");
	return trace_of(model, text, v);
}

static char *b8c(const char *model, bool *v)
{
	return b8c_program(model, true, v);
}

static void test_b8c(void)
{
	bool v;
	char *t = b8c("v6.4", &v);

	CHECK(verdict_is("memory-safety", "use-after-free") &&
		      count(t, "anon_vma_clone P0: -ENOMEM") == 1 &&
		      count(t, "anon_vma #0 freed while frame") == 1,
	      "v6.4: the fault's page outlives anon_vma #0 (%s):\n%s",
	      trace_last.oracle ? trace_last.oracle : "clean", t);
	free(t);

	t = b8c("v6.4+vma_lock.dup_anon_vma=yes", &v);
	{
		const char *locked = strstr(t, "vma_start_write P0 VMA [0, 1)");
		const char *dup = strstr(t, "dup_anon_vma P0");

		CHECK(!v && locked && dup && locked < dup &&
			      count(t, "anon_vma_clone P0: -ENOMEM") == 1,
		      "v6.4 + the fix: write-locked first, the merge fails, the fault waits:\n%s",
		      t);
	}
	free(t);

	/* Without the injected failure the merge succeeds on v6.4 too. */
	t = b8c_program("v6.4", false, &v);
	CHECK(!v && count(t, "vma_merge P0: [0, 1) grows over [1, 2)") == 1,
	      "v6.4: no failure, the merge goes through, clean:\n%s", t);
	free(t);
}

int main(void)
{
	test_merge();
	test_fork_keeps_anon_vma();
	test_b8c();
	return CHECK_SUMMARY();
}
