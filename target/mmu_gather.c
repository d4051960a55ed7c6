/* SPDX-License-Identifier: MIT */
#include "mmu_gather.h"

#include "folio.h"
#include "policy.h"
#include "tlb.h"

void inc_tlb_flush_pending(struct mm_struct *mm)
{
	sched_access(&mm->tlb_flush_pending, SCHED_WRITE);
	atomic_fetch_add_explicit(&mm->tlb_flush_pending, 1, memory_order_relaxed);
}

void dec_tlb_flush_pending(struct mm_struct *mm)
{
	sched_access(&mm->tlb_flush_pending, SCHED_WRITE);
	atomic_fetch_sub_explicit(&mm->tlb_flush_pending, 1, memory_order_release);
}

bool mm_tlb_flush_pending(const struct mm_struct *mm)
{
	sched_access(&mm->tlb_flush_pending, SCHED_READ);
	return atomic_load_explicit(&mm->tlb_flush_pending, memory_order_acquire) > 0;
}

bool mm_tlb_flush_nested(const struct mm_struct *mm)
{
	sched_access(&mm->tlb_flush_pending, SCHED_READ);
	return atomic_load_explicit(&mm->tlb_flush_pending, memory_order_acquire) > 1;
}

void tlb_gather_mmu(struct mmu_gather *tlb, struct mm_struct *mm)
{
	*tlb = (struct mmu_gather){.mm = mm, .start = MM_NR_PAGES, .end = 0};
	inc_tlb_flush_pending(mm);
}

void tlb_flush_pte_range(struct mmu_gather *tlb, int va)
{
	if (va < tlb->start)
		tlb->start = va;
	if (va + 1 > tlb->end)
		tlb->end = va + 1;
}

void tlb_remove_page(struct mmu_gather *tlb, int pfn)
{
	tlb->pages[tlb->nr_pages++] = pfn;
}

void tlb_finish_mmu(struct mmu_gather *tlb)
{
	struct mm_struct *mm = tlb->mm;

	/* Another thread may have cleared PTEs this one found empty and not
	 * flushed them yet: flush everything rather than return early. */
	if (policy.tlb_nested_flush && mm_tlb_flush_nested(mm)) {
		mm_trace("tlb_finish_mmu P%d: nested flush pending, flushing the mm", mm->id);
		flush_tlb_mm(mm);
	} else if (tlb->end > tlb->start) {
		flush_tlb_range(mm, tlb->start, tlb->end);
	} else {
		mm_trace("tlb_finish_mmu P%d: nothing batched, no flush", mm->id);
	}
	for (int i = 0; i < tlb->nr_pages; i++)
		folio_put(pfn_folio(tlb->pages[i]));
	dec_tlb_flush_pending(mm);
}
