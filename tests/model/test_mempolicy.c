// SPDX-License-Identifier: MIT
/*
 * Memory policies (target/mempolicy.c): mbind() installs a refcounted
 * policy in vma->vm_policy; fork gives the child's VMA a copy of its own,
 * unmapping (or exit) drops it, and nothing is left allocated at the end.
 * A fault that allocates a page in a VMA with a policy reads it
 * (get_vma_policy), with a scheduling point only then. B8d (CVE-2023-4611):
 * on v6.4 mbind replaces and frees the policy that a fault under the VMA
 * lock is reading (use-after-free); write-locking the VMA first
 * (vma_lock.mbind=yes, 6.4.8/6.5) makes the replacement wait for the
 * fault. Read off the trace and the verdict.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/input.h"
#include "fuzz/runner.h"
#include "scheduler/trace.h"
#include "target/mempolicy.h"
#include "check.h"
#include "trace_run.h"

static int passed, failed;

/* Where `what` first occurs, or the end of text (orders compare false). */
static const char *at(const char *text, const char *what)
{
	const char *p = strstr(text, what);

	return p ? p : text + strlen(text);
}

/* No policy left allocated after the program (every process exited). */
static bool no_leak(void)
{
	char report[256];

	return !mpol_check_leaks(report, sizeof(report));
}

static void test_mbind_refcounts(void)
{
	bool v;
	char *t = trace_of("latest",
			   "thread 0\n"
			   "  mbind va=0\n"
			   "  mbind va=0\n",
			   &v);

	/* Each call makes a policy, installs a copy of it and drops its own
	 * reference; the second call's copy replaces and frees the first's;
	 * the last goes with the VMA at exit: four policies, four frees. */
	CHECK(!v && count(t, "mpol_dup: mempolicy") == 2 && count(t, "mpol_put: mempolicy") == 4,
	      "latest: two mbinds allocate and free four policies:\n%s", t);
	CHECK(strstr(t, "mempolicy #3 replaces a policy") &&
		      strstr(t, "mpol_put: mempolicy #1 freed  {mmap_lock[P0]}"),
	      "the replaced policy is freed at once, under mmap_lock:\n%s", t);
	CHECK(at(t, "exit_mmap P0") < at(t, "mpol_put: mempolicy #3 freed"),
	      "the VMA's policy goes with the VMA at exit:\n%s", t);
	CHECK(no_leak(), "latest: no policy left after two mbinds");
	free(t);

	/* A page that is not mapped: mbind fails and frees what it made. */
	t = trace_of("latest",
		     "thread 0\n"
		     "  munmap va=2\n"
		     "  mbind va=2\n",
		     &v);
	CHECK(!v && strstr(t, "mbind P0 va 2: error") &&
		      count(t, "mpol_put: mempolicy #0 freed") == 1 && no_leak(),
	      "mbind of an unmapped page: error, its policy freed:\n%s", t);
	free(t);
}

static void test_fork_copies_policy(void)
{
	bool v;
	int parent = -1, child = -1;
	const char *line;
	char *t = trace_of("latest",
			   "thread 0\n"
			   "  mbind va=0\n"
			   "  fork\n"
			   "  mbind va=0\n"
			   "thread 1 child-of 0\n"
			   "  write va=0 word=0\n",
			   &v);

	/* vma_dup_policy: the child's VMA gets a copy with a reference of its
	 * own, so the parent's second mbind, which frees the parent's policy,
	 * leaves the child's intact. */
	line = strstr(t, "mpol_dup: mempolicy #1 copied to #");
	CHECK(!v && line &&
		      sscanf(line, "mpol_dup: mempolicy #%d copied to #%d", &parent, &child) == 2 &&
		      child != parent,
	      "latest: fork copies the parent VMA's policy:\n%s", t);
	CHECK(at(t, "dup_mmap P0 -> P1") < line && line < at(at(t, "op fork"), "op mbind va=0"),
	      "the copy is made by fork, before the second mbind:\n%s", t);
	line = strstr(t, "get_vma_policy P1 va 0");
	CHECK(line && strstr(t, "mpol_put: mempolicy #1 freed"),
	      "the child's fault reads its own policy after the parent's is freed:\n%s", t);
	/* five policies: two per mbind, one for the child */
	CHECK(count(t, "mpol_put: mempolicy") == 5 && no_leak(),
	      "latest: every policy freed once, none left:\n%s", t);
	free(t);
}

static void test_unmap_drops_policy(void)
{
	bool v;
	char *t = trace_of("latest",
			   "thread 0\n"
			   "  mbind va=1\n"
			   "  munmap va=1\n"
			   "  write va=0 word=0\n",
			   &v);

	CHECK(!v && at(t, "mpol_put: mempolicy #1 freed") < at(t, "op write va=0") &&
		      count(t, "mpol_put: mempolicy") == 2 && no_leak(),
	      "latest: munmap drops the VMA's policy at once:\n%s", t);
	free(t);
}

static void test_leak_check(void)
{
	char report[256] = "";
	bool v;
	char *t = trace_of("latest", "thread 0\n  mbind va=0\n", &v);

	CHECK(!v && !mpol_check_leaks(report, sizeof(report)), "latest: no leak after mbind");
	/* A reference that nothing drops: what a missing mpol_put leaves. */
	M.mpol_slab[5] = (struct mempolicy){.allocated = true, .refcnt = 1};
	CHECK(mpol_check_leaks(report, sizeof(report)) && strstr(report, "mempolicy #5") &&
		      strstr(report, "refcount 1"),
	      "a policy still allocated at the end is reported: '%s'", report);
	free(t);
	t = trace_of("latest", "thread 0\n  mbind va=0\n", &v);
	CHECK(!v && no_leak(), "the next execution starts with an empty policy slab");
	free(t);
}

/* Programs without a policy keep their schedules: no new point. */
static void test_point_only_with_policy(void)
{
	static const char *const models[] = {"v6.4", "latest", "v5.19"};
	bool v;

	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		char *t = trace_of(models[i],
				   "thread 0\n"
				   "  write va=0 word=0\n"
				   "  write va=1 word=0\n",
				   &v);

		CHECK(!v && count(t, "handle_pte_fault") == 2 && count(t, "get_vma_policy") == 0,
		      "%s: faults in a VMA without a policy read none:\n%s", models[i], t);
		free(t);
		t = trace_of(models[i],
			     "thread 0\n"
			     "  write va=1 word=0\n"
			     "  mbind va=0\n"
			     "  write va=0 word=0\n",
			     &v);
		CHECK(!v && count(t, "get_vma_policy P0 va 0: VMA [0, 1) has mempolicy #1") == 1,
		      "%s: the fault in the mbound VMA reads its policy:\n%s", models[i], t);
		free(t);
	}
}

/* corpus/regress/mbind-vma-lock.mmf: T1's fault stops between loading
 * vma->vm_policy and reading the policy; T0's second mbind runs there. */
static const char *const b8d = "thread 0\n"
			       "  write va=1 word=0\n"
			       "  mbind va=0\n"
			       "  mbind va=0\n"
			       "thread 1\n"
			       "  write va=0 word=0\n"
			       "schedule 21:1 6:0\n";

static void test_b8d(void)
{
	bool v;
	char *t = trace_of("v6.4", b8d, &v);

	CHECK(v && !strcmp(trace_last.oracle, "memory-safety") &&
		      !strcmp(trace_last.kind, "use-after-free") &&
		      strstr(trace_last.sched.report, "touched mempolicy #1 after it was freed"),
	      "v6.4: the fault reads the policy mbind freed (%s %s: %s):\n%s", trace_last.oracle,
	      trace_last.kind, trace_last.sched.report, t);
	CHECK(strstr(t, "mpol_put: mempolicy #1 freed  {mmap_lock[P0]}") &&
		      at(t, "handle_pte_fault P0 va 0 write  {vm_lock[V0](R)}") <
			      at(t, "mpol_put: mempolicy #1 freed"),
	      "v6.4: mbind frees it while the fault holds only the VMA lock:\n%s", t);
	free(t);

	/* 6.4.8/6.5: vma_start_write waits for the fault's read lock. */
	t = trace_of("v6.4+vma_lock.mbind=yes", b8d, &v);
	CHECK(!v && no_leak(), "v6.4+vma_lock.mbind=yes: clean, no leak:\n%s", t);
	CHECK(count(t, "vma_start_write P0 VMA [0, 1)") >= 1 &&
		      at(t, "get_vma_policy P0 va 0") < at(t, "mpol_put: mempolicy #1 freed") &&
		      trace_last.vma_write_wait_max > 0,
	      "the second mbind waits for the fault to read the policy (wait %llu):\n%s",
	      (unsigned long long)trace_last.vma_write_wait_max, t);
	free(t);

	t = trace_of("latest", b8d, &v);
	CHECK(!v && no_leak(), "latest: clean:\n%s", t);
	free(t);
	t = trace_of("v5.19", b8d, &v);
	CHECK(!v, "v5.19: faults hold mmap_lock, mbind waits:\n%s", t);
	free(t);
	t = trace_of("latest+vma_lock.mbind=no", b8d, &v);
	CHECK(v && !strcmp(trace_last.oracle, "memory-safety") &&
		      !strcmp(trace_last.kind, "use-after-free"),
	      "latest+vma_lock.mbind=no: the use-after-free is back:\n%s", t);
	free(t);
}

int main(void)
{
	test_mbind_refcounts();
	test_fork_copies_policy();
	test_unmap_drops_policy();
	test_leak_check();
	test_point_only_with_policy();
	test_b8d();
	return CHECK_SUMMARY();
}
