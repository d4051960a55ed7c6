/* SPDX-License-Identifier: MIT */
/*
 * Deferred TLB flushes (mm/mmu_gather.c, include/asm-generic/tlb.h).
 *
 * A zap clears PTEs under the PTE lock but flushes the TLBs once, at the
 * end, and frees the pages only after that flush. Meanwhile other CPUs may
 * still use the old translations; tlb_flush_pending tells the rest of the
 * MM that such a window is open on the mm.
 */
#ifndef MMFUZZ_TARGET_MMU_GATHER_H
#define MMFUZZ_TARGET_MMU_GATHER_H

#include "model.h"

struct mmu_gather {
	struct mm_struct *mm;
	int start, end;		/* range of PTEs changed (end == start: none) */
	int pages[MM_NR_PAGES]; /* pages to free after the flush */
	int nr_pages;
};

void inc_tlb_flush_pending(struct mm_struct *mm);
void dec_tlb_flush_pending(struct mm_struct *mm);
bool mm_tlb_flush_pending(const struct mm_struct *mm);
bool mm_tlb_flush_nested(const struct mm_struct *mm);

void tlb_gather_mmu(struct mmu_gather *tlb, struct mm_struct *mm);
/* A PTE at va was changed: it must be flushed before tlb_finish_mmu returns. */
void tlb_flush_pte_range(struct mmu_gather *tlb, int va);
/* Drop the page's reference once the TLBs no longer map it. */
void tlb_remove_page(struct mmu_gather *tlb, int pfn);
/* Flush what was batched (and, since 4.13, the whole range when another
 * flush is pending), free the pages, close the window. */
void tlb_finish_mmu(struct mmu_gather *tlb);

#endif
