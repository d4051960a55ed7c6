// SPDX-License-Identifier: MIT
/*
 * Invariant (1) of issue 15, the flush contract of write-protecting calls
 * (target/tlb.c, target/oracle.c):
 *  - a call that returns while a CPU still caches a writable entry the PTE
 *    no longer allows is a latent tlb-lifetime (writable-after-wrprotect),
 *    reported only when the program has ended, so that a store through the
 *    entry is judged by its symptom's oracle;
 *  - a user store that completes in a read-only VMA after mprotect()
 *    returned is protection-bypass, reported at the store.
 * Each verdict below is clean with the check removed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/input.h"
#include "fuzz/runner.h"
#include "scheduler/trace.h"
#include "check.h"

static int passed, failed;

struct outcome {
	bool violation;
	char oracle[32], kind[48];
	char *trace; /* malloc'd */
};

/* Run a text program (and its schedule, if it has one) on a model. */
static struct outcome run(const char *model, const char *program)
{
	struct outcome o = {0};
	struct input in;
	struct exec_result r;
	char err[256];
	size_t len = 0;
	FILE *out = open_memstream(&o.trace, &len);

	if (!runner_select_model(model, err, sizeof(err)) ||
	    input_parse_text(program, &in, err, sizeof(err)) != INPUT_OK) {
		printf("FAIL setup %s: %s\n", model, err);
		exit(1);
	}
	trace_enable(out);
	runner_execute(&in, NULL, false, NULL, &r);
	trace_enable(NULL);
	fclose(out);
	o.violation = r.violation;
	snprintf(o.oracle, sizeof(o.oracle), "%s", r.oracle);
	snprintf(o.kind, sizeof(o.kind), "%s", r.kind);
	return o;
}

static bool is(const struct outcome *o, const char *oracle, const char *kind)
{
	return o->violation && strcmp(o->oracle, oracle) == 0 && strcmp(o->kind, kind) == 0;
}

/* Does `first` occur in the trace, and `then` after it? */
static bool in_order(const char *trace, const char *first, const char *then)
{
	const char *p = strstr(trace, first);

	return p && strstr(p + strlen(first), then);
}

#define LATENT "latent tlb-lifetime"

/* clear_refs' mmu_gather elides the flush (5.6-5.11): the writer's own
 * CPU keeps its writable entry. Then, optionally, a later op. */
static const char *const clear_refs_then_read = "thread 0\n"
						"  write va=0 word=0\n"
						"  clear-refs\n"
						"  read va=1 word=0\n";

/* Eras whose clear_refs flushes: before 5.6, and from 5.12. */
static const char *const flushing[] = {"v4.9", "v5.12", "latest"};

static void test_clear_refs_latent(void)
{
	struct outcome o = run("v5.11", clear_refs_then_read);

	CHECK(is(&o, "tlb-lifetime", "writable-after-wrprotect"),
	      "v5.11: clear_refs returned with a writable entry: got %s/%s", o.oracle, o.kind);
	/* Latent: recorded at the return, reported after the last op. */
	CHECK(in_order(o.trace, LATENT, "op read va=1") &&
		      in_order(o.trace, "op read va=1", "violation tlb-lifetime"),
	      "v5.11: reported when the program ended, not at the return:\n%s", o.trace);
	free(o.trace);
	for (size_t i = 0; i < sizeof(flushing) / sizeof(flushing[0]); i++) {
		o = run(flushing[i], clear_refs_then_read);
		CHECK(!o.violation && !strstr(o.trace, LATENT), "%s: clear_refs flushes: clean",
		      flushing[i]);
		free(o.trace);
	}
	o = run("latest+clear_refs.tlb=gather", clear_refs_then_read);
	CHECK(is(&o, "tlb-lifetime", "writable-after-wrprotect"),
	      "latest+clear_refs.tlb=gather: got %s/%s", o.oracle, o.kind);
	free(o.trace);
}

/* The symptom owns the bug: a store through the stale entry after
 * clear_refs returned makes pagemap lie (soft-dirty-stale-tlb.mmf). */
static void test_symptom_owns_the_bug(void)
{
	struct outcome o = run("v5.11", "thread 0\n"
					"  write va=0 word=0\n"
					"  signal event=0\n"
					"  wait event=1\n"
					"  write va=0 word=0\n"
					"  pagemap va=0\n"
					"thread 1\n"
					"  wait event=0\n"
					"  clear-refs\n"
					"  signal event=1\n");

	CHECK(is(&o, "soft-dirty-lost", "pagemap"), "v5.11: the symptom's verdict, got %s/%s",
	      o.oracle, o.kind);
	CHECK(in_order(o.trace, LATENT, "violation soft-dirty-lost"),
	      "v5.11: the latent breach was recorded first:\n%s", o.trace);
	free(o.trace);
}

/* Two UFFDIO_WRITEPROTECTs: T1 is preempted before its flush, T2 finds the
 * PTE protected (uffd-wp-protect-unused-stale-entry.mmf). */
static const char *const two_protects = "thread 0\n"
					"  uffd-register va=0\n"
					"  write va=0 word=0\n"
					"thread 1\n"
					"  uffd-wp va=0 wp=1\n"
					"thread 2\n"
					"  uffd-wp va=0 wp=1\n"
					"schedule 20:1\n";

static void test_uffd_wp_latent(void)
{
	struct outcome o = run("v5.19+mprotect.flush=changed", two_protects);

	CHECK(is(&o, "tlb-lifetime", "writable-after-wrprotect") &&
		      strstr(o.trace, "UFFDIO_WRITEPROTECT(WP) of P0 returned"),
	      "v5.19+mprotect.flush=changed: T2 returned before T1's flush: got %s/%s\n%s",
	      o.oracle, o.kind, o.trace);
	/* The entry is flushed (by T1) before the end: still reported. */
	CHECK(in_order(o.trace, LATENT, "flush_tlb_range"), "the breach outlives its entry:\n%s",
	      o.trace);
	free(o.trace);
	o = run("v5.19", two_protects);
	CHECK(!o.violation && !strstr(o.trace, LATENT),
	      "v5.19: every present PTE counts, T2 flushes: clean");
	free(o.trace);
}

/* Two unprotects: before 6.0 unprotecting also cleared the write bit (Nadav
 * Amit's sub-bug b), so T1's is a write-protect whose flush T2 does not
 * wait for. */
static void test_uffd_unprotect_latent(void)
{
	static const char *const two_unprotects = "thread 0\n"
						  "  uffd-register va=0\n"
						  "  write va=0 word=0\n"
						  "thread 1\n"
						  "  uffd-wp va=0 wp=0\n"
						  "thread 2\n"
						  "  uffd-wp va=0 wp=0\n"
						  "schedule 20:1\n";
	struct outcome o = run("v5.11+mprotect.flush=changed", two_unprotects);

	CHECK(is(&o, "tlb-lifetime", "writable-after-wrprotect") &&
		      strstr(o.trace, "UFFDIO_WRITEPROTECT(unprotect) of P0 returned"),
	      "v5.11+mprotect.flush=changed: got %s/%s\n%s", o.oracle, o.kind, o.trace);
	free(o.trace);
	o = run("v5.11", two_unprotects);
	CHECK(!o.violation, "v5.11: T2 flushes: clean, got %s/%s", o.oracle, o.kind);
	free(o.trace);
}

/* mprotect(PROT_READ) over a PTE clear_refs left with a stale writable
 * entry, then a store (mprotect-ro-after-clear-refs.mmf). */
static const char *const store_after_mprotect = "thread 0\n"
						"  write va=0 word=0\n"
						"  signal event=0\n"
						"  wait event=1\n"
						"  write va=0 word=1\n"
						"thread 1\n"
						"  wait event=0\n"
						"  clear-refs\n"
						"  mprotect va=0 rw=0\n"
						"  signal event=1\n";

static void test_protection_bypass(void)
{
	struct outcome o = run("v5.11+mprotect.flush=changed", store_after_mprotect);

	CHECK(is(&o, "protection-bypass", "user-store"),
	      "v5.11+mprotect.flush=changed: the store went through: got %s/%s", o.oracle, o.kind);
	CHECK(in_order(o.trace, "op write va=0 word=1", "violation protection-bypass"),
	      "reported at the store:\n%s", o.trace);
	free(o.trace);
	/* mprotect flushes: the store faults (SIGSEGV); clear_refs' breach
	 * remains, latent. */
	o = run("v5.11", store_after_mprotect);
	CHECK(is(&o, "tlb-lifetime", "writable-after-wrprotect"), "v5.11: got %s/%s", o.oracle,
	      o.kind);
	free(o.trace);
	o = run("latest", store_after_mprotect);
	CHECK(!o.violation, "latest: clean, got %s/%s", o.oracle, o.kind);
	free(o.trace);
	/* A store while a writable VMA's entry is current is no bypass. */
	o = run("latest", "thread 0\n"
			  "  write va=0 word=0\n"
			  "  mprotect va=0 rw=0\n"
			  "  mprotect va=0 rw=1\n"
			  "  write va=0 word=1\n"
			  "  read va=0 word=1\n");
	CHECK(!o.violation && !strstr(o.trace, LATENT), "latest: RO then RW then store: clean");
	free(o.trace);
}

int main(void)
{
	test_clear_refs_latent();
	test_symptom_owns_the_bug();
	test_uffd_wp_latent();
	test_uffd_unprotect_latent();
	test_protection_bypass();
	return CHECK_SUMMARY();
}
