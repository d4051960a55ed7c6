// SPDX-License-Identifier: MIT
/*
 * Per-VMA locks (target/vma_lock.c): with vma_lock=yes a fault on an
 * anonymous VMA runs under that VMA's read lock and no mmap_lock; the
 * first one (no anon_vma yet) assigns the anon_vma under a trylocked
 * mmap_lock on latest (>= 6.10), retries when a writer holds or waits for
 * mmap_lock, gives up with anon_prepare=retry and is refused by
 * lock_vma_under_rcu with anon_vma_check=under-lock (6.5-6.9); without
 * the switch no VMA lock is ever taken; file faults and userfaults
 * run under the VMA lock on latest (>= 6.6/6.7) and under mmap_lock with
 * vma_lock.scope=anon (6.4-6.5); a handler that sleeps drops the VMA lock
 * itself on latest (release_on_retry=callee) and never with =caller; the
 * vmstat-like counts and the write-lock wait come back in exec_result.
 * Read off the trace, whose lines end with the locks the thread holds.
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

	const char *prepare = nth_line(t, "vmf_anon_prepare P0", 1);

	CHECK(!v, "latest: two writes are clean");
	CHECK(count(t, "lock_vma_under_rcu") == 2, "latest: both faults try the VMA lock first");
	/* >= 6.10: no anon_vma yet, yet the first fault runs under the VMA
	 * lock and takes mmap_lock, by a trylock, only to assign it; the
	 * second finds it and needs nothing more. */
	CHECK(line_has(first, "vm_lock[V0](R)") && !line_has(first, "mmap_lock"),
	      "latest: first fault under the VMA lock:\n%s", t);
	CHECK(line_has(prepare, "anon_vma under a trylocked mmap_lock") &&
		      line_has(prepare, "{vm_lock[V0](R) mmap_lock[P0](R)}") &&
		      count(t, "vmf_anon_prepare P0") == 1 && prepare < second,
	      "latest: the first fault alone assigns the anon_vma, holding both locks:\n%s", t);
	CHECK(line_has(second, "vm_lock[V0](R)") && !line_has(second, "mmap_lock"),
	      "second fault under the VMA lock only:\n%s", t);
	free(t);

	/* 6.5-6.9: lock_vma_under_rcu refuses the VMA: the first fault
	 * falls back to mmap_lock and creates the anon_vma there. */
	t = trace_of("latest+vma_lock.anon_vma_check=under-lock+vma_lock.anon_prepare=retry",
		     two_writes, &v);
	first = nth_line(t, "handle_pte_fault", 1);
	second = nth_line(t, "handle_pte_fault", 2);
	CHECK(!v && line_has(first, "mmap_lock[P0](R)") && !line_has(first, "vm_lock") &&
		      line_has(second, "vm_lock[V0](R)") && count(t, "vmf_anon_prepare") == 0,
	      "anon_vma_check=under-lock: first fault under mmap_lock:\n%s", t);
	free(t);

	/* The check delayed without the trylock (f89a1cd17f13 alone): the
	 * first fault starts under the VMA lock, gives up in
	 * vmf_anon_prepare and is redone under mmap_lock. */
	t = trace_of("latest+vma_lock.anon_prepare=retry", two_writes, &v);
	first = nth_line(t, "handle_pte_fault", 1);
	second = nth_line(t, "handle_pte_fault", 2);
	CHECK(!v && line_has(first, "vm_lock[V0](R)") &&
		      count(t, "gives up the VMA lock (no anon_vma yet)") == 1 &&
		      line_has(second, "mmap_lock[P0](R)") && !line_has(second, "vm_lock") &&
		      count(t, "trylocked") == 0,
	      "anon_prepare=retry: the first fault gives up and retries under mmap_lock:\n%s", t);
	free(t);

	t = trace_of("v5.19", two_writes, &v);
	CHECK(!v && count(t, "lock_vma_under_rcu") == 0 && count(t, "vm_lock") == 0,
	      "v5.19: no per-VMA locks");
	free(t);

	t = trace_of("latest+vma_lock=no", two_writes, &v);
	CHECK(count(t, "vm_lock") == 0, "latest+vma_lock=no: no per-VMA locks");
	free(t);
}

static void test_anon_fault_counts(void)
{
	bool v;
	char *t = trace_of("latest", two_writes, &v);

	/* Both complete under the VMA lock (success), the first having
	 * assigned the anon_vma under a trylocked mmap_lock. */
	CHECK(trace_last.user_faults == 2 && trace_last.vma_lock_success == 2 &&
		      trace_last.vma_lock_abort == 0 && trace_last.vma_lock_retry == 0 &&
		      trace_last.vma_lock_miss == 0 && trace_last.vma_lock_anon_vma_trylocked == 1,
	      "latest: 2 faults, 2 successes, 1 trylock (got %u faults, %u/%u/%u/%u, %u)",
	      trace_last.user_faults, trace_last.vma_lock_success, trace_last.vma_lock_abort,
	      trace_last.vma_lock_retry, trace_last.vma_lock_miss,
	      trace_last.vma_lock_anon_vma_trylocked);
	free(t);
	/* 6.5-6.9: the first fault finds no anon_vma (abort). */
	t = trace_of("latest+vma_lock.anon_vma_check=under-lock+vma_lock.anon_prepare=retry",
		     two_writes, &v);
	CHECK(trace_last.vma_lock_success == 1 && trace_last.vma_lock_abort == 1 &&
		      trace_last.vma_lock_abort_no_anon_vma == 1 && trace_last.vma_lock_retry == 0,
	      "under-lock: 1 success, 1 abort for the anon_vma (got %u/%u/%u/%u)",
	      trace_last.vma_lock_success, trace_last.vma_lock_abort,
	      trace_last.vma_lock_abort_no_anon_vma, trace_last.vma_lock_retry);
	free(t);
	t = trace_of("latest+vma_lock.anon_prepare=retry", two_writes, &v);
	CHECK(trace_last.vma_lock_success == 1 && trace_last.vma_lock_retry == 1 &&
		      trace_last.vma_lock_retry_no_anon_vma == 1 && trace_last.vma_lock_abort == 0,
	      "anon_prepare=retry: 1 success, 1 retry for the anon_vma (got %u/%u/%u/%u)",
	      trace_last.vma_lock_success, trace_last.vma_lock_retry,
	      trace_last.vma_lock_retry_no_anon_vma, trace_last.vma_lock_abort);
	free(t);
	t = trace_of("v5.19", two_writes, &v);
	CHECK(trace_last.user_faults == 2 &&
		      trace_last.vma_lock_success + trace_last.vma_lock_abort == 0,
	      "v5.19: 2 faults, no VMA-lock events");
	free(t);
}

/*
 * The trylock fails while a writer holds mmap_lock: the first fault holds
 * the VMA lock when mprotect, holding mmap_lock for write, waits to
 * write-lock that VMA. A blocking mmap_read_lock would deadlock there; the
 * fault gives up, drops the VMA lock and retries under mmap_lock once
 * mprotect is done. Some switch point of T1 before the trylock gives
 * that; every schedule is clean.
 */
static void test_anon_prepare_contended(void)
{
	static const char *const program = "thread 0\n"
					   "  write va=0 word=0\n"
					   "thread 1\n"
					   "  mprotect va=2 rw=0\n";
	char text[256];
	int contended = 0, trylocked = 0;
	bool v;

	for (int gap = 0; gap < 16; gap++) {
		char *t;
		const char *busy, *waiting;

		snprintf(text, sizeof(text), "%sschedule %d:1\n", program, gap);
		t = trace_of("latest", text, &v);
		busy = nth_line(t, "(no anon_vma, mmap_lock busy)", 1);
		waiting = nth_line(t, "(at down_write:sleep)  {mmap_lock[P0]}", 1);
		CHECK(!v && trace_last.user_faults == 1, "gap %d: clean, one fault:\n%s", gap, t);
		trylocked += trace_last.vma_lock_anon_vma_trylocked;
		if (busy) {
			contended++;
			CHECK(waiting && waiting < busy &&
				      trace_last.vma_lock_retry_no_anon_vma == 1 &&
				      line_has(nth_line(t, "handle_pte_fault P0", 2),
					       "mmap_lock[P0](R)"),
			      "gap %d: the trylock fails while mprotect holds mmap_lock, and the "
			      "fault retries under it:\n%s",
			      gap, t);
		}
		free(t);
	}
	CHECK(contended > 0 && trylocked > 0,
	      "latest: some schedules retry (%d), some take the trylock (%d)", contended,
	      trylocked);
}

/* A shared file page not in the page cache: read it (I/O), then write it
 * (a write-protect fault on the page now mapped). */
static const char *const shared_file = "thread 0\n"
				       "  mmap-file va=0 mode=2\n"
				       "  read va=0 word=0\n"
				       "  write va=0 word=1\n";

static void test_file_faults(void)
{
	bool v;
	char *t = trace_of("latest", shared_file, &v);
	const char *first = nth_line(t, "handle_pte_fault", 1);
	const char *retry = nth_line(t, "handle_pte_fault", 2);
	const char *io = nth_line(t, "io_schedule: read I/O", 1);
	const char *wp = nth_line(t, "do_wp_page", 1);

	CHECK(!v, "latest: a shared file mapping read then written is clean:\n%s", t);
	/* >= 6.7: the read fault runs under the VMA lock, which filemap
	 * drops itself (release_fault_lock) before sleeping for the I/O;
	 * the retry takes mmap_lock and finds the page cached. */
	CHECK(line_has(first, "vm_lock[V1](R)") && !line_has(first, "mmap_lock"),
	      "latest: the file read fault starts under the VMA lock:\n%s", t);
	CHECK(count(t, "dropping the VMA lock of P0 for I/O") == 1 && io &&
		      !line_has(io, "vm_lock") && !line_has(io, "mmap_lock"),
	      "latest: filemap drops the VMA lock before the I/O:\n%s", t);
	CHECK(line_has(retry, "mmap_lock[P0](R)") && !line_has(retry, "vm_lock"),
	      "latest: the retry runs under mmap_lock:\n%s", t);
	/* The shared write fault completes under the VMA lock. */
	CHECK(line_has(wp, "vm_lock[V1](R)") && !line_has(wp, "mmap_lock"),
	      "latest: the write fault on the mapped file page under the VMA lock:\n%s", t);
	CHECK(trace_last.user_faults == 2 && trace_last.vma_lock_retry == 1 &&
		      trace_last.vma_lock_success == 1,
	      "latest: 2 faults, 1 retry, 1 success (got %u, %u, %u)", trace_last.user_faults,
	      trace_last.vma_lock_retry, trace_last.vma_lock_success);
	free(t);

	/* 6.4-6.5's scope: file faults never take the VMA lock. */
	t = trace_of("latest+vma_lock.scope=anon", shared_file, &v);
	CHECK(!v && count(t, "vm_lock[V1](R)") == 0 && trace_last.vma_lock_abort == 2,
	      "scope=anon: file faults take mmap_lock only:\n%s", t);
	free(t);

	/* The 6.4-6.5 contract with 6.7's scope: the handler may not drop
	 * the VMA lock, so it gives up before any I/O and the arch handler
	 * drops it. */
	t = trace_of("latest+vma_lock.release_on_retry=caller", shared_file, &v);
	CHECK(!v && count(t, "dropping the VMA lock") == 0 &&
		      count(t, "VM_FAULT_RETRY, lock held") == 1,
	      "release_on_retry=caller: the file fault gives up holding the lock:\n%s", t);
	free(t);
}

/* The two mixed pairings of B7c are lock-discipline violations. */
static void test_release_contract(void)
{
	static const char *const models[] = {
		"latest+vma_lock.release_on_retry=mutant-both",
		"latest+vma_lock.release_on_retry=mutant-neither",
		"vma-lock-mixed-contract",
	};
	bool v;
	char *t;

	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		t = trace_of(models[i], shared_file, &v);
		CHECK(v && strcmp(trace_last.oracle, "lock-discipline") == 0,
		      "%s: lock-discipline (got %s)", models[i], v ? trace_last.oracle : "clean");
		free(t);
	}
}

/* A userfaultfd write-protect fault under the VMA lock (6.6): the handler
 * drops the VMA lock, waits for the monitor, and the fault is redone. */
static void test_userfault(void)
{
	static const char *const uffd = "thread 0\n"
					"  uffd-register va=0\n"
					"  write va=0 word=0\n"
					"  uffd-wp va=0 wp=1\n"
					"  signal event=0\n"
					"  write va=0 word=1\n"
					"thread 1\n"
					"  wait event=0\n"
					"  uffd-resolve\n";
	bool v;
	char *t = trace_of("latest", uffd, &v);
	const char *fault = nth_line(t, "handle_userfault P0", 1);

	CHECK(!v, "latest: uffd-wp fault resolved by the monitor is clean:\n%s", t);
	CHECK(line_has(fault, "vm_lock[V") && !line_has(fault, "mmap_lock"),
	      "latest: handle_userfault under the VMA lock:\n%s", t);
	CHECK(trace_last.vma_lock_retry == 1,
	      "latest: the userfault is one VMA-lock retry (got %u)", trace_last.vma_lock_retry);
	free(t);

	t = trace_of("v6.4", uffd, &v);
	fault = nth_line(t, "handle_userfault P0", 1);
	CHECK(!v && line_has(fault, "mmap_lock[P0](R)") && !line_has(fault, "vm_lock"),
	      "v6.4: handle_userfault under mmap_lock:\n%s", t);
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
	test_anon_fault_counts();
	test_anon_prepare_contended();
	test_file_faults();
	test_release_contract();
	test_userfault();
	test_munmap_write_locks();
	return CHECK_SUMMARY();
}
