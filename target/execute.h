/* SPDX-License-Identifier: MIT */
/*
 * Run one scenario on the model under the current profile: reset the
 * machine, start the threads, let the scheduler interleave them, then run
 * the teardown checks.
 */
#ifndef MMFUZZ_TARGET_EXECUTE_H
#define MMFUZZ_TARGET_EXECUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "scenario.h"
#include "speculative.h"
#include "scheduler/sched.h"
#include "scheduler/strategy.h"

struct exec_options {
	struct strategy *strategy;
	bool record_decisions;
	uint64_t max_steps;
	void (*feature_hook)(uint32_t feature);
};

struct exec_result {
	bool violation;	    /* any verdict but a clean pass */
	const char *oracle; /* stable oracle id */
	const char *kind;   /* where/what: "pipe read", "unlock-not-held", ... */
	/* Lock-latency view: the longest wait (in steps) for an mmap_lock in
	 * write mode, and how often a thread slept for I/O holding one. */
	uint64_t mmap_write_wait_max;
	unsigned io_under_mmap_lock;
	/* The VMA lock's share (6.4+): user faults, and how many of them
	 * completed under the VMA lock (success), found no VMA to lock
	 * (abort: mmap_lock), gave up under it (retry: mmap_lock), or found
	 * their VMA replaced (miss), as the kernel's vmstat counts them; the
	 * longest wait (in steps) of vma_start_write for the VMA's readers. */
	unsigned user_faults;
	unsigned vma_lock_success, vma_lock_abort, vma_lock_retry, vma_lock_miss;
	unsigned vma_lock_abort_no_anon_vma; /* of the aborts: no anon_vma yet */
	unsigned vma_lock_retry_no_anon_vma; /* of the retries: the same (vmf_anon_prepare) */
	/* of the successes: assigned the VMA's anon_vma under a trylocked
	 * mmap_lock (>= 6.10) */
	unsigned vma_lock_anon_vma_trylocked;
	uint64_t vma_write_wait_max;
	/* Speculative faults (the spf proposal): attempts, completions
	 * without mmap_lock and the reasons for the aborts. */
	struct spf_stats spf;
	/* lost-write, pin-coherency: the write the reader missed (its
	 * provenance in the report; feedback_store_opened() tells whether
	 * its store opened a window). 0 for other verdicts. */
	uint32_t missed_write;
	struct sched_result sched;
};

void mm_execute(const struct scenario *sc, const struct exec_options *opt, struct exec_result *out);

/*
 * A hash of the machine's state after the last mm_execute(): what the
 * oracles read (PTEs, frames and folio counters, TLBs, the page cache,
 * pipes and pins). Deterministic: no addresses. Two executions of one
 * program that end in the same state have the same hash, whatever the
 * order of their independent steps (prove's soundness test).
 */
uint64_t execute_state_hash(void);

#endif
