/* SPDX-License-Identifier: MIT */
#include "mprotect.h"

#include "folio.h"
#include "mmap_lock.h"
#include "mmu_gather.h"
#include "pgtable.h"
#include "policy.h"
#include "tlb.h"
#include "vma.h"

/*
 * 6.0 can_change_pte_writable(): mprotect(PROT_WRITE) may map a page
 * writable at once only if a write fault would have reused it anyway: an
 * exclusive anon page, not uffd-wp protected, and soft-dirty already (or
 * soft-dirty tracking off for the VMA) so no write goes unrecorded.
 */
static bool can_change_pte_writable(const struct vm_area_struct *vma, struct pte pte)
{
	const struct folio *folio = pfn_folio(pte.pfn);

	if (!policy.mprotect_write_upgrade || !(vma->vm_flags & VM_WRITE) || pte.uffd_wp)
		return false;
	if (!(vma->vm_flags & VM_SOFTDIRTY) && !pte.soft_dirty)
		return false;
	return pte.pfn != ZERO_PFN && folio->anon && PageAnonExclusive(folio);
}

/* change_pte_range() for one PTE: the new value. Private mappings have
 * no write bit in vm_page_prot, so a plain change write-protects. */
static struct pte change_pte(const struct vm_area_struct *vma, struct pte old, enum change_prot cp)
{
	struct pte pte = old;

	pte.write = false;
	switch (cp) {
	case CP_MPROTECT:
		pte.write = can_change_pte_writable(vma, old);
		break;
	case CP_UFFD_WP:
		pte.uffd_wp = true;
		break;
	case CP_UFFD_WP_RESOLVE:
		pte.uffd_wp = false;
		/* 5.7-5.19 cleared the write bit even of PTEs that were not
		 * protected (Nadav Amit's sub-bug b). */
		pte.write = old.write && policy.uffd_unprotect_keeps_write;
		break;
	}
	return pte;
}

void change_protection(struct mm_struct *mm, const struct vm_area_struct *vma, int start, int end,
		       enum change_prot cp)
{
	int pages = 0;

	inc_tlb_flush_pending(mm);
	for (int va = start; va < end; va++) {
		struct pte old, pte;

		spin_lock(&mm->ptl);
		old = ptep_get(mm, va);
		if (old.present) {
			pte = change_pte(vma, old, cp);
			mm_point("change_pte_range", "change_pte_range P%d va %d: %s -> %s%s",
				 mm->id, va, old.write ? "RW" : "RO", pte.write ? "RW" : "RO",
				 pte.uffd_wp ? " uffd-wp" : "");
			if (pte.write != old.write || pte.uffd_wp != old.uffd_wp) {
				set_pte(mm, va, pte);
				pages++;
			}
		}
		spin_unlock(&mm->ptl);
	}
	/* The flush comes once, at the end: until then other CPUs may still
	 * write through the old translations. Finding nothing to change is
	 * not enough to skip it when a concurrent change has not flushed yet
	 * (6.0's mmu_gather checks mm_tlb_flush_nested). */
	if (pages || (policy.change_prot_gather && mm_tlb_flush_nested(mm)))
		flush_tlb_range(mm, start, end);
	dec_tlb_flush_pending(mm);
}

bool sys_mprotect(int va, bool writable)
{
	struct mm_struct *mm = current_mm();
	struct vm_area_struct *vma;
	bool ok = false;

	mmap_write_lock(mm);
	vma = find_vma(mm, va);
	if (vma && (!writable || (vma->vm_flags & VM_MAYWRITE)))
		vma = vma_isolate(mm, va);
	else
		vma = NULL;
	if (vma) {
		if (writable)
			vma->vm_flags |= VM_WRITE;
		else
			vma->vm_flags &= ~VM_WRITE;
		change_protection(mm, vma, va, va + 1, CP_MPROTECT);
		ok = true;
	}
	mm_trace("mprotect P%d va %d %s: %s", mm->id, va, writable ? "RW" : "RO",
		 ok ? "ok" : "error");
	mmap_write_unlock(mm);
	return ok;
}
