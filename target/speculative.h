/* SPDX-License-Identifier: MIT */
/*
 * Speculative page faults: a proposal, never merged (Peter Zijlstra's RFC
 * of 2014, "speculative faults relying on the PTL"; Laurent Dufour's
 * series of 2017-2019; Michel Lespinasse's of 2021, against 5.12, which
 * this follows). Instead of a lock on the VMA, a count on the mm:
 * mm->mmap_seq moves on when a writer takes mmap_lock and again when it
 * lets go (mmap_lock.c). An anonymous fault first runs with no mmap_lock:
 * it reads the count (a writer holds the lock if odd: give up), finds the
 * VMA under RCU and works on a copy of it, checks the count, allocates
 * the page, then takes the PTL and checks the count once more before it
 * installs the PTE. A writer changes PTEs under the PTL, so a count still
 * unchanged under the PTL means every writer that will change this VMA
 * comes after the install and sees the new PTE. On any mismatch the new
 * page is freed and the fault goes the usual way, under mmap_lock.
 *
 * What the model covers: the first fault on a none PTE of a private
 * anonymous VMA that already has its anon_vma (a read maps the zero page,
 * a write a fresh page), as the series' do_anonymous_page did. Everything
 * else gives up speculation at once, as the series did for the cases it
 * did not handle: file VMAs, no anon_vma yet, a vm_policy of its own
 * (mbind), userfaultfd-armed VMAs, stacks, present PTEs (COW and
 * spurious faults: the series' speculative wp_page_copy is not modelled).
 */
#ifndef MMFUZZ_TARGET_SPECULATIVE_H
#define MMFUZZ_TARGET_SPECULATIVE_H

#include "model.h"

/*
 * The speculative attempt, from the arch fault handler, no lock held.
 * False: not handled (policy off, or aborted: retry the usual way); true
 * with *ok, the fault completed speculatively and the access may go on.
 */
bool do_speculative_fault(struct mm_struct *mm, int va, unsigned flags, bool *ok);

/* The series' vmstat events (SPF_ATTEMPT, SPF_ABORT_*), per execution,
 * not model state. */
struct spf_stats {
	unsigned attempt;
	unsigned success;
	unsigned abort_odd;	     /* a writer held mmap_lock at the start */
	unsigned abort_no_vma;	     /* no VMA at the address */
	unsigned abort_unhandled;    /* a case the speculative path leaves alone */
	unsigned abort_vma_copy;     /* the count moved while the VMA was copied */
	unsigned abort_pte_map_lock; /* the count moved before the PTE was installed */
};

void spf_stats_reset(void);
void spf_stats_read(struct spf_stats *out);

#endif
