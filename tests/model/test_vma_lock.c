// SPDX-License-Identifier: MIT
/*
 * Per-VMA locks (target/vma_lock.c): with vma_lock=yes a fault on an
 * anonymous VMA that has an anon_vma runs under that VMA's read lock and
 * no mmap_lock, the first fault (no anon_vma yet) and file faults take
 * mmap_lock, and without the switch no VMA lock is ever taken; an unmapped
 * VMA goes back to the slab only after the RCU grace period its fault
 * readers hold it in. Read off the trace, whose lines end with the locks
 * the thread holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/input.h"
#include "fuzz/runner.h"
#include "scheduler/trace.h"
#include "check.h"

static int passed, failed;

/* Run a text program on a model with the default schedule; return its
 * trace (malloc'd) and verdict. */
static char *trace_of(const char *model, const char *program, bool *violation)
{
	struct input in;
	struct exec_result r;
	char err[256];
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (!runner_select_model(model, err, sizeof(err)) ||
	    input_parse_text(program, &in, err, sizeof(err)) != INPUT_OK) {
		printf("FAIL setup %s: %s\n", model, err);
		exit(1);
	}
	trace_enable(out);
	runner_execute(&in, NULL, false, NULL, &r);
	trace_enable(NULL);
	fclose(out);
	*violation = r.violation;
	return buf;
}

static int count(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* The line of the n-th (from 1) trace event that contains `what`. */
static const char *nth_line(const char *text, const char *what, int n)
{
	const char *p = text;

	while (n-- > 0 && p) {
		p = strstr(p, what);
		if (p && n)
			p++;
	}
	return p;
}

static bool line_has(const char *line, const char *needle)
{
	const char *end = line ? strchr(line, '\n') : NULL;
	const char *hit = line ? strstr(line, needle) : NULL;

	return hit && (!end || hit < end);
}

static const char *const two_writes = "thread 0\n"
				      "  write va=0 word=0\n"
				      "  write va=1 word=0\n";

static void test_anon_faults(void)
{
	bool v;
	char *t = trace_of("latest", two_writes, &v);
	const char *first = nth_line(t, "handle_pte_fault", 1);
	const char *second = nth_line(t, "handle_pte_fault", 2);

	CHECK(!v, "latest: two writes are clean");
	CHECK(count(t, "lock_vma_under_rcu") == 2, "latest: both faults try the VMA lock first");
	/* No anon_vma yet: the first fault falls back to mmap_lock and
	 * creates it; the second runs under the VMA lock alone. */
	CHECK(line_has(first, "mmap_lock[P0](R)") && !line_has(first, "vm_lock"),
	      "first fault under mmap_lock:\n%s", t);
	CHECK(line_has(second, "vm_lock[V0](R)") && !line_has(second, "mmap_lock"),
	      "second fault under the VMA lock only:\n%s", t);
	free(t);

	t = trace_of("v5.19", two_writes, &v);
	CHECK(!v && count(t, "lock_vma_under_rcu") == 0 && count(t, "vm_lock") == 0,
	      "v5.19: no per-VMA locks");
	free(t);

	t = trace_of("latest+vma_lock=no", two_writes, &v);
	CHECK(count(t, "vm_lock") == 0, "latest+vma_lock=no: no per-VMA locks");
	free(t);
}

static void test_file_faults(void)
{
	bool v;
	char *t = trace_of("latest",
			   "thread 0\n"
			   "  mmap-file va=0 mode=1\n"
			   "  write va=0 word=0\n"
			   "  write va=0 word=1\n",
			   &v);
	const char *fault = nth_line(t, "handle_pte_fault", 1);

	CHECK(!v, "latest: writes to a private file mapping are clean");
	CHECK(line_has(fault, "mmap_lock[P0](R)") && !line_has(fault, "vm_lock"),
	      "file faults take mmap_lock:\n%s", t);
	free(t);
}

static void test_munmap_write_locks(void)
{
	bool v;
	char *t = trace_of("latest",
			   "thread 0\n"
			   "  write va=0 word=0\n"
			   "  write va=0 word=1\n"
			   "  munmap va=0\n",
			   &v);

	CHECK(!v, "latest: write, write, munmap is clean");
	/* munmap write-locks the VMA, under the mmap_lock for write, before
	 * it zaps the PTEs. */
	CHECK(line_has(nth_line(t, "vma_start_write P0", 1), "{mmap_lock[P0] vm_lock[V0]}") &&
		      strstr(t, "vma_start_write P0") < strstr(t, "zap_pte_range P0"),
	      "munmap write-locks the VMA before zapping:\n%s", t);
	free(t);
}

int main(void)
{
	test_anon_faults();
	test_file_faults();
	test_munmap_write_locks();
	return CHECK_SUMMARY();
}
