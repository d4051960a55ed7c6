/* SPDX-License-Identifier: MIT */
/*
 * Page-table entries: how they are read and written (include/linux/pgtable.h).
 * A PTE is read without its lock by the hardware walker, GUP-fast and the
 * fault handler's first look (READ_ONCE in the kernel), but changed only
 * under the PTE lock, which set_pte() checks.
 */
#ifndef MMFUZZ_TARGET_PGTABLE_H
#define MMFUZZ_TARGET_PGTABLE_H

#include "model.h"

/* READ_ONCE of the PTE mapping va. Inline: faults, walks and GUP all
 * start with it. */
static inline MM_ATOMIC struct pte ptep_get(const struct mm_struct *mm, int va)
{
	sched_access(&mm->pte[va], SCHED_READ);
	return mm->pte[va];
}
/* The same entry, every bit (what a recheck after a lockless read asks). */
bool pte_same(struct pte a, struct pte b);
/* Store a PTE; the running thread must hold mm's PTE lock
 * ("lock-discipline pte-without-ptl" otherwise). */
void set_pte(struct mm_struct *mm, int va, struct pte pte);
/* The kernel's pte_mkdirty: dirty and soft-dirty. Under the sparc64 bug
 * (arch.mkdirty_sets_write) it also sets the write bit. */
struct pte pte_mkdirty(struct pte pte);
/* The hardware walker sets the accessed and dirty bits atomically,
 * without the lock. */
void pte_mkyoung_dirty_hw(struct mm_struct *mm, int va, bool dirty);

#endif
