// SPDX-License-Identifier: MIT
/*
 * Stacks (target/stack.c) and the VMA tree's nodes (target/vma.c): a user
 * access to the free page just below a VM_GROWSDOWN VMA grows it and goes
 * on; below any other VMA, or further below a stack, it is a SIGSEGV. The
 * expansion runs under the mmap write lock with the VMA write-locked on
 * latest (>= 6.4.1/6.5) and under the read lock on v6.4 (6.1-6.4.0), where
 * its store to the maple tree frees a node a lookup under the read lock is
 * walking (B8f, StackRot): the reproducer's verdict flips with the switch.
 * Nodes are tracked only in an mm that had a stack, so programs without
 * one keep their steps. Read off the trace, whose lines end with the locks
 * the thread holds.
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

/* The line of the first trace event that contains `what`, or NULL. */
static const char *line_of(const char *text, const char *what)
{
	return strstr(text, what);
}

static bool line_has(const char *line, const char *needle)
{
	const char *end = line ? strchr(line, '\n') : NULL;
	const char *hit = line ? strstr(line, needle) : NULL;

	return hit && (!end || hit < end);
}

/* The line after the one `line` points into. */
static const char *next_line(const char *line)
{
	const char *end = line ? strchr(line, '\n') : NULL;

	return end ? end + 1 : NULL;
}

/* The initial VMA covers every page: make room for a stack at va 3. */
#define STACK_AT_3                                                                                 \
	"thread 0\n"                                                                               \
	"  munmap va=2\n"                                                                          \
	"  munmap va=3\n"                                                                          \
	"  mmap-stack va=3\n"

static void test_growth(void)
{
	bool v;
	char *t = trace_of("latest",
			   STACK_AT_3 "  write va=2 word=0\n"
				      "  read va=2 word=0\n",
			   &v);
	const char *grow = line_of(t, "expand_downwards P0");

	CHECK(!v, "latest: a store below the stack is clean:\n%s", t);
	CHECK(line_has(grow, "stack [3, 4) grows down to 2 under the mmap write lock") &&
		      line_has(grow, "{mmap_lock[P0]}"),
	      "latest: the fault grows the stack holding the mmap write lock:\n%s", t);
	CHECK(count(t, "SIGSEGV") == 0 && count(t, "store #1 to frame") == 1 &&
		      count(t, "load #1 from frame") == 1,
	      "latest: the store lands in the grown stack and reads back:\n%s", t);
	/* c137381f71ae: the VMA is write-locked before its range moves (not
	 * only by munmap, before it was a stack). */
	CHECK(line_of(line_of(t, "op write va=2"), "vma_start_write P0 VMA [3, 4)") &&
		      line_of(line_of(t, "op write va=2"), "vma_start_write P0 VMA [3, 4)") < grow,
	      "latest: the stack VMA is write-locked before it grows:\n%s", t);
	free(t);

	/* A second expansion grows it on from its new start. */
	t = trace_of("latest",
		     "thread 0\n"
		     "  munmap va=1\n"
		     "  munmap va=2\n"
		     "  munmap va=3\n"
		     "  mmap-stack va=3\n"
		     "  write va=2 word=0\n"
		     "  write va=1 word=1\n"
		     "  read va=1 word=1\n",
		     &v);
	CHECK(!v && count(t, "expand_downwards P0") == 2 &&
		      line_of(t, "stack [2, 4) grows down to 1") && count(t, "SIGSEGV") == 0,
	      "latest: the stack grows page by page:\n%s", t);
	free(t);

	/* Below a VMA that is not a stack: SIGSEGV, nothing grows. */
	t = trace_of("latest",
		     "thread 0\n"
		     "  munmap va=2\n"
		     "  munmap va=3\n"
		     "  mmap va=3\n"
		     "  write va=2 word=0\n",
		     &v);
	CHECK(!v && line_of(t, "do_user_addr_fault P0 va 2: SIGSEGV") &&
		      count(t, "expand_downwards") == 0 && count(t, "store #") == 0,
	      "latest: a store below a plain VMA faults SIGSEGV:\n%s", t);
	free(t);

	/* Only the page just below grows the stack (no guard gap modelled,
	 * no jump over a free page). */
	t = trace_of("latest",
		     "thread 0\n"
		     "  munmap va=1\n"
		     "  munmap va=2\n"
		     "  munmap va=3\n"
		     "  mmap-stack va=3\n"
		     "  write va=1 word=0\n",
		     &v);
	CHECK(!v && line_of(t, "do_user_addr_fault P0 va 1: SIGSEGV") &&
		      count(t, "expand_downwards") == 0,
	      "latest: two pages below the stack is a SIGSEGV:\n%s", t);
	free(t);

	/* fork copies VM_GROWSDOWN: the child's stack grows in the child. */
	t = trace_of("latest",
		     STACK_AT_3 "  fork\n"
				"thread 1 child-of 0\n"
				"  write va=2 word=0\n",
		     &v);
	CHECK(!v && line_has(line_of(t, "expand_downwards P1"), "stack [3, 4) grows down to 2"),
	      "latest: the child's copy of the stack grows:\n%s", t);
	free(t);
}

static void test_expand_lock(void)
{
	bool v;
	const char *program = STACK_AT_3 "  write va=2 word=0\n";
	char *t = trace_of("v6.4", program, &v);
	const char *grow = line_of(t, "expand_downwards P0");

	/* 6.1-6.4.0: under the read lock, the VMA not write-locked, and the
	 * new range a store to the tree: a new node, the old one to RCU. */
	CHECK(!v && line_has(grow, "under the mmap read lock") &&
		      line_has(grow, "{mmap_lock[P0](R)}") &&
		      line_of(line_of(t, "op write va=2"), "vma_start_write") > grow,
	      "v6.4: the stack grows under the mmap read lock:\n%s", t);
	CHECK(line_has(next_line(grow), "mas_store P0: a new maple node replaces"),
	      "v6.4: growing is a store to the maple tree:\n%s", t);
	free(t);

	/* <= 6.0: the rbtree's VMA moves in place, no node is replaced. */
	t = trace_of("v5.19", program, &v);
	grow = line_of(t, "expand_downwards P0");
	CHECK(!v && line_has(grow, "under the mmap read lock") &&
		      !line_has(next_line(grow), "mas_store"),
	      "v5.19: the stack grows in place under the read lock:\n%s", t);
	free(t);

	/* The fixed rule on the 6.4 profile: drop the read lock, take the
	 * write lock, look again, grow, downgrade. */
	t = trace_of("v6.4+stack.expand_lock=write", program, &v);
	grow = line_of(t, "expand_downwards P0");
	CHECK(!v && line_has(grow, "{mmap_lock[P0]}") &&
		      line_of(line_of(t, "op write va=2"), "vma_start_write P0 VMA [3, 4)") &&
		      line_has(line_of(t, "handle_pte_fault P0 va 2"), "mmap_lock[P0](R)"),
	      "v6.4+stack.expand_lock=write: grown under the write lock, the fault goes on under "
	      "the read lock:\n%s",
	      t);
	free(t);
}

/* Programs without a stack keep their steps: no node, no walk point. */
static void test_nodes_only_with_a_stack(void)
{
	bool v;
	char *t = trace_of("v6.4",
			   "thread 0\n"
			   "  munmap va=3\n"
			   "  mmap va=3\n"
			   "  write va=3 word=0\n"
			   "  dontneed va=3\n",
			   &v);

	CHECK(!v && count(t, "maple node") == 0,
	      "without a stack no maple node is tracked or walked:\n%s", t);
	free(t);
	t = trace_of("v6.4", STACK_AT_3 "  dontneed va=0\n", &v);
	CHECK(!v && count(t, "mas_walk P0: read maple node") >= 1,
	      "with a stack a lookup walks the node:\n%s", t);
	free(t);
}

/* corpus/regress/stackrot.mmf: T0's fault grows the stack under the read
 * lock while T1's madvise has loaded the tree's node under the read lock. */
static const char *const stackrot = STACK_AT_3 "  write va=2 word=0\n"
					       "thread 1\n"
					       "  dontneed va=0\n"
					       "schedule 21:1 1:0\n";

static void test_stackrot(void)
{
	bool v;
	char *t = trace_of("v6.4", stackrot, &v);

	CHECK(v && strcmp(trace_last.oracle, "memory-safety") == 0 &&
		      strcmp(trace_last.kind, "use-after-free") == 0,
	      "v6.4: StackRot is a use-after-free:\n%s", t);
	CHECK(line_of(t, "maple node N0 of P0 freed") &&
		      line_has(line_of(t, "violation memory-safety"), "walked maple node N0") &&
		      line_of(t, "maple node N0 of P0 freed") < line_of(t, "violation"),
	      "v6.4: T1 walks the node the expansion freed:\n%s", t);
	free(t);

	t = trace_of("v6.4+stack.expand_lock=write", stackrot, &v);
	CHECK(!v, "v6.4+stack.expand_lock=write: clean:\n%s", t);
	free(t);
	t = trace_of("latest", stackrot, &v);
	CHECK(!v, "latest: clean:\n%s", t);
	free(t);
	t = trace_of("latest+stack.expand_lock=read", stackrot, &v);
	CHECK(v && strcmp(trace_last.oracle, "memory-safety") == 0,
	      "latest+stack.expand_lock=read: the use-after-free again:\n%s", t);
	free(t);
}

int main(void)
{
	test_growth();
	test_expand_lock();
	test_nodes_only_with_a_stack();
	test_stackrot();
	return CHECK_SUMMARY();
}
