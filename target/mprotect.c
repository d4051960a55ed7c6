/* SPDX-License-Identifier: MIT */
#include "mprotect.h"

#include "folio.h"
#include "mmap_lock.h"
#include "mmu_gather.h"
#include "pgtable.h"
#include "policy.h"
#include "tlb.h"
#include "vma.h"
#include "vma_lock.h"

/*
 * 6.0 can_change_pte_writable(): mprotect(PROT_WRITE) may map a page
 * writable at once only if a write fault would have reused it anyway: an
 * exclusive anon page, not uffd-wp protected, and soft-dirty already (or
 * soft-dirty tracking off for the VMA) so no write goes unrecorded.
 */
static bool can_change_pte_writable(const struct vm_area_struct *vma, struct pte pte)
{
	const struct folio *folio = pfn_folio(pte.pfn);

	vma_access(vma, SCHED_READ);
	sched_access(OBJ_FOLIO_FLAGS(folio), SCHED_READ);
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

/*
 * pte_needs_flush() (x86, 6.0): may another CPU still hold a translation
 * that the new PTE no longer allows? Dropping the write bit does; adding
 * it or changing the uffd-wp software bit alone does not.
 */
static bool pte_needs_flush(struct pte old, struct pte pte)
{
	return old.write && !pte.write;
}

/*
 * change_protection_range(): does the range need a flush before the call
 * returns? pages counts the present PTEs change_pte_range() visited (<=
 * 5.19) or changed (the never-shipped rule); needs_flush says whether the
 * mmu_gather batched a PTE (>= 6.0).
 */
static bool change_prot_must_flush(const struct mm_struct *mm, int pages, bool needs_flush)
{
	switch (policy.change_prot_flush) {
	case CHANGE_PROT_FLUSH_PRESENT:
	case CHANGE_PROT_FLUSH_CHANGED:
		return pages > 0;
	case CHANGE_PROT_FLUSH_GATHER:
		/* tlb_finish_mmu(): a concurrent change may not have flushed
		 * yet, so finding nothing to batch is not enough to skip. */
		return needs_flush || mm_tlb_flush_nested(mm);
	}
	return true;
}

void change_protection(struct mm_struct *mm, const struct vm_area_struct *vma, int start, int end,
		       enum change_prot cp)
{
	int pages = 0;
	bool needs_flush = false;

	mmap_assert_locked(mm);
	inc_tlb_flush_pending(mm);
	for (int va = start; va < end; va++) {
		struct pte old, pte;
		bool changed;

		spin_lock(&mm->ptl);
		old = ptep_get(mm, va);
		if (old.present) {
			pte = change_pte(vma, old, cp);
			changed = pte.write != old.write || pte.uffd_wp != old.uffd_wp;
			mm_point("change_pte_range", &mm->pte[va],
				 changed ? SCHED_WRITE : SCHED_READ,
				 "change_pte_range P%d va %d: %s -> %s%s", mm->id, va,
				 old.write ? "RW" : "RO", pte.write ? "RW" : "RO",
				 pte.uffd_wp ? " uffd-wp" : "");
			if (changed)
				set_pte(mm, va, pte);
			/* Up to 5.19 every present PTE visited counts. */
			if (changed || policy.change_prot_flush == CHANGE_PROT_FLUSH_PRESENT)
				pages++;
			if (pte_needs_flush(old, pte))
				needs_flush = true;
		}
		spin_unlock(&mm->ptl);
	}
	/* The flush comes once, at the end: until then other CPUs may still
	 * write through the old translations. */
	if (change_prot_must_flush(mm, pages, needs_flush))
		flush_tlb_range(mm, start, end);
	else
		mm_trace("change_protection P%d va %d-%d: no flush", mm->id, start, end);
	dec_tlb_flush_pending(mm);
}

bool sys_mprotect(int va, bool writable)
{
	struct mm_struct *mm = current_mm();
	struct vm_area_struct *vma;
	bool ok = false, changed = false;

	mmap_write_lock(mm);
	vma = find_vma(mm, va);
	if (vma && (!writable || (vma->vm_flags & VM_MAYWRITE)))
		vma = vma_isolate(mm, va);
	else
		vma = NULL;
	if (vma) {
		vma_access(vma, SCHED_READ);
		/* mprotect_fixup() merges only a VMA whose flags change. */
		changed = !(vma->vm_flags & VM_WRITE) == writable;
		if (writable)
			vm_flags_set(vma, VM_WRITE);
		else
			vm_flags_clear(vma, VM_WRITE);
		change_protection(mm, vma, va, va + 1, CP_MPROTECT);
		ok = true;
	}
	mm_trace("mprotect P%d va %d %s: %s", mm->id, va, writable ? "RW" : "RO",
		 ok ? "ok" : "error");
	if (ok && !writable) /* returning; nothing write-protects beside it: every entry counts */
		tlb_check_wrprotected(mm, va, va + 1, UINT64_MAX, "mprotect(PROT_READ)");
	if (changed)
		vma_merge(mm, vma);
	mmap_write_unlock(mm);
	return ok;
}
