// SPDX-License-Identifier: MIT
/*
 * Speculative page faults (target/speculative.c, the proposal of Michel
 * Lespinasse's 2021 series): with fault.speculative=yes an anonymous fault
 * on a VMA that has its anon_vma completes without mmap_lock, validated by
 * mm->mmap_seq under the PTL; a writer that takes mmap_lock meanwhile makes
 * it abort and retry under mmap_lock; the MUTANT that validates before
 * taking the PTL is caught on a fixed schedule that the proposal survives.
 * Also the opt-in "no I/O under mmap_lock" check, extended to VMA read
 * locks (target/mmap_lock.c io_schedule).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/runner.h"
#include "scheduler/sched.h"
#include "scheduler/strategy.h"
#include "target/mmap_lock.h"
#include "check.h"
#include "trace_run.h"

static int passed, failed;
/* The speculative-fault counts of the last trace_of(). */
static const struct spf_stats *const spf = &trace_last.spf;
/* The rest of the line of the first trace event that contains `what`
 * holds `needle`. */
static bool event_has(const char *text, const char *what, const char *needle)
{
	const char *line = strstr(text, what);
	const char *end = line ? strchr(line, '\n') : NULL;
	const char *hit = line ? strstr(line, needle) : NULL;

	return hit && (!end || hit < end);
}

/* The first write assigns the VMA's anon_vma (slow path); the next write
 * and the read of a third page are speculative. */
static const char *const three_faults = "thread 0\n"
					"  write va=0 word=0\n"
					"  write va=1 word=0\n"
					"  read va=2 word=0\n";

static void test_completes_speculatively(void)
{
	bool v;
	char *t = trace_of("spf", three_faults, &v);

	CHECK(!v && trace_last.user_faults == 3, "spf: three faults, clean");
	CHECK(spf->attempt == 3 && spf->success == 2 && spf->abort_unhandled == 1 &&
		      spf->abort_odd + spf->abort_vma_copy + spf->abort_pte_map_lock == 0,
	      "spf: 3 attempts, 2 speculative, 1 without anon_vma (got %u/%u/%u)", spf->attempt,
	      spf->success, spf->abort_unhandled);
	/* The first went the usual way, under mmap_lock; the others never
	 * took it: their PTE went in under the PTL alone. */
	CHECK(count(t, "handle_pte_fault P0") == 1 &&
		      event_has(t, "handle_pte_fault P0", "mmap_lock[P0](R)"),
	      "spf: only the first fault under mmap_lock:\n%s", t);
	CHECK(count(t, "speculative set_pte") == 2 &&
		      event_has(t, "speculative set_pte P0 va 1", "{ptl[P0]}") &&
		      event_has(t, "speculative set_pte P0 va 2: frame 0 RO", "{ptl[P0]}") &&
		      !event_has(t, "speculative set_pte", "mmap_lock"),
	      "spf: write maps a new page, read the zero page, PTL only:\n%s", t);
	CHECK(trace_last.vma_lock_success == 0 && count(t, "vm_lock") == 0,
	      "spf: no per-VMA locks (the proposal predates them)");
	free(t);

	t = trace_of("latest", three_faults, &v);
	CHECK(!v && spf->attempt == 0 && count(t, "speculative") == 0,
	      "latest: no speculative attempt");
	free(t);
}

/* mprotect(PROT_READ) of va 0 while T0's write fault is speculative: the
 * page allocated, T0 is at pte_map_lock (the mutant has checked the count
 * already, the proposal not yet) when T1 runs mprotect to the end. */
static const char *const racing_mprotect = "thread 0\n"
					   "  write va=1 word=0\n"
					   "  write va=0 word=0\n"
					   "thread 1\n"
					   "  mprotect va=0 rw=0\n";

static void test_writer_aborts(void)
{
	char text[256];
	bool v;
	char *t;

	snprintf(text, sizeof(text), "%sschedule 21:1\n", racing_mprotect);
	t = trace_of("spf-check-outside-ptl", text, &v);
	CHECK(v && strcmp(trace_last.oracle, "protection-bypass") == 0 && spf->success == 1,
	      "MUTANT: mprotect between the check and the PTL, the store goes through "
	      "(got %s):\n%s",
	      trace_last.oracle ? trace_last.oracle : "clean", t);
	free(t);

	t = trace_of("spf", text, &v);
	CHECK(!v && spf->success == 0 && spf->abort_pte_map_lock == 1,
	      "spf: the same schedule aborts under the PTL (got %u success, %u aborts):\n%s",
	      spf->success, spf->abort_pte_map_lock, t);
	CHECK(count(t, "mmap_seq moved on") == 1 && count(t, "SIGSEGV") == 1,
	      "spf: the retry under mmap_lock finds the VMA read-only:\n%s", t);
	free(t);

	t = trace_of("spf+fault.speculative=no", text, &v);
	CHECK(!v && spf->attempt == 0, "fault.speculative=no: the schedule is clean");
	free(t);
}

/* T1 runs at every switch point of T0, and at the second switch gives the
 * CPU back at one of its first points (inside its write section or not):
 * the proposal is clean; a writer holding mmap_lock when the attempt
 * begins (odd count) or taking it meanwhile (moved count) aborts it; the
 * mutant is caught somewhere. */
static void test_every_gap(void)
{
	char text[256];
	int odd = 0, moved = 0, done = 0, mutant = 0, runs = 0, clean = 0;
	bool v;

	for (int gap = 0; gap < 32; gap++) {
		for (int back = 0; back < 6; back++) {
			char *t;

			snprintf(text, sizeof(text), "%sschedule %d:1 %d:0\n", racing_mprotect, gap,
				 back);
			t = trace_of("spf", text, &v);
			runs++;
			clean += !v;
			if (v)
				printf("FAIL spf gap %d back %d: %s\n%s\n", gap, back,
				       trace_last.oracle, t);
			odd += spf->abort_odd > 0;
			moved += spf->abort_vma_copy + spf->abort_pte_map_lock > 0;
			done += spf->success > 0;
			free(t);
			t = trace_of("spf-check-outside-ptl", text, &v);
			mutant += v;
			free(t);
		}
	}
	CHECK(clean == runs, "spf: every one of %d schedules clean (%d)", runs, clean);
	CHECK(odd > 0 && moved > 0 && done > 0,
	      "spf: aborts for an odd (%d) and a moved (%d) count, speculative success (%d)", odd,
	      moved, done);
	CHECK(mutant > 0, "MUTANT: caught in %d of %d schedules", mutant, runs);
}

/* The count is bumped only with the proposal on: even, two per section. */
static void test_mmap_seq(void)
{
	bool v;
	char *t = trace_of("spf", racing_mprotect, &v);
	unsigned seq = M.proc[0].mm.mmap_seq;

	CHECK(!v && seq >= 2 && seq % 2 == 0, "spf: mmap_seq even and moved on (%u)", seq);
	free(t);
	t = trace_of("latest", racing_mprotect, &v);
	CHECK(M.proc[0].mm.mmap_seq == 0, "latest: mmap_seq untouched (%u)", M.proc[0].mm.mmap_seq);
	free(t);
}

/* The check's coverage of VMA read locks: no path of the model sleeps for
 * I/O under one (6.6+ handlers drop it first), so call io_schedule from a
 * thread that holds one. */
static struct vm_area_struct *test_vma;

static void sleep_under_vma_lock(void *arg)
{
	(void)arg;
	down_read(&test_vma->vm_lock);
	io_schedule("test read I/O");
	up_read(&test_vma->vm_lock);
}

static struct sched_result io_under_vma_lock(const char *model)
{
	struct strategy_random s;
	struct sched_config cfg = {0};
	struct sched_result r;
	char err[256];

	if (!runner_select_model(model, err, sizeof(err))) {
		printf("FAIL setup %s: %s\n", model, err);
		exit(1);
	}
	test_vma = &M.vma_slab[MAX_VMA_OBJS - 1];
	*test_vma = (struct vm_area_struct){.start = 0, .end = 1, .allocated = true};
	init_rwsem(&test_vma->vm_lock, "vm_lock[test]");
	strategy_random_init(&s, 1);
	cfg.strategy = &s.base;
	sched_init();
	sched_spawn(sleep_under_vma_lock, NULL, "T0");
	sched_run(&cfg, &r);
	test_vma->allocated = false;
	return r;
}

static void test_io_under_vma_lock(void)
{
	struct sched_result r = io_under_vma_lock("no-io-under-mmap-lock");

	CHECK(r.verdict == SCHED_VIOLATION && strcmp(r.kind, "io-under-vma-lock") == 0,
	      "check on: I/O under a VMA read lock fails (%s)", r.report);
	r = io_under_vma_lock("latest");
	CHECK(r.verdict == SCHED_PASS, "check off: passes (%s)", r.report);
}

int main(void)
{
	test_completes_speculatively();
	test_writer_aborts();
	test_every_gap();
	test_mmap_seq();
	test_io_under_vma_lock();
	return CHECK_SUMMARY();
}
