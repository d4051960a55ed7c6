/* SPDX-License-Identifier: MIT */
#include "gup.h"

#include "fault.h"
#include "folio.h"
#include "oracle.h"
#include "pgtable.h"
#include "policy.h"
#include "vma.h"

/*
 * Must a R/O pin break COW before it may take this page? 5.19: an anon
 * page that may be shared (not PageAnonExclusive), or the next write fault
 * copies it away from the pin. 6.2: in a COW mapping, also a long-term pin
 * of anything else there, such as the shared zero page. GUP-fast, which
 * cannot look at the VMA, passes cow_mapping = true and falls back.
 */
static bool gup_must_unshare(unsigned gup_flags, const struct folio *folio, bool cow_mapping)
{
	if (!policy.ro_pin_unshare || (gup_flags & (FOLL_WRITE | FOLL_PIN)) != FOLL_PIN)
		return false;
	if (folio_pfn(folio) == ZERO_PFN)
		return policy.ro_longterm_unshare_nonanon && (gup_flags & FOLL_LONGTERM) &&
		       cow_mapping;
	return folio->anon && !PageAnonExclusive(folio);
}

static void try_grab_folio(struct mm_struct *mm, struct folio *folio, unsigned gup_flags)
{
	if (gup_flags & FOLL_PIN) {
		if (folio_pfn(folio) != ZERO_PFN)
			folio_pin(folio);
	} else {
		folio_get(folio);
	}
}

static void gup_put_folio(struct folio *folio, unsigned gup_flags)
{
	if (folio_pfn(folio) == ZERO_PFN)
		return;
	if (gup_flags & FOLL_PIN)
		folio_unpin(folio);
	else
		folio_put(folio);
}

enum follow_result { FOLLOW_OK, FOLLOW_FAULT, FOLLOW_UNSHARE };

/* Look the page up under the PTL and grab it if the PTE allows the
 * access; otherwise say which fault would make it allow it. */
static enum follow_result follow_page_pte(struct mm_struct *mm, struct vm_area_struct *vma, int va,
					  unsigned gup_flags, int *pfn)
{
	struct pte pte;
	struct folio *folio;

	spin_lock(&mm->ptl);
	mm_point("follow_page_pte", "follow_page_pte P%d va %d%s%s", mm->id, va,
		 gup_flags & FOLL_WRITE ? " FOLL_WRITE" : "",
		 gup_flags & FOLL_PIN ? " FOLL_PIN" : " FOLL_GET");
	pte = ptep_get(mm, va);
	if (!pte.present || ((gup_flags & FOLL_WRITE) && !pte.write)) {
		spin_unlock(&mm->ptl);
		return FOLLOW_FAULT;
	}
	folio = pfn_folio(pte.pfn);
	folio_check_live(folio, "follow_page_pte");
	if (!pte.write && gup_must_unshare(gup_flags, folio, is_cow_mapping(vma->vm_flags))) {
		spin_unlock(&mm->ptl);
		return FOLLOW_UNSHARE;
	}
	try_grab_folio(mm, folio, gup_flags);
	oracle_gup_grabbed(mm->id, va);
	if (gup_flags & FOLL_WRITE) {
		pte.dirty = true;
		set_pte(mm, va, pte);
	}
	spin_unlock(&mm->ptl);
	*pfn = pte.pfn;
	return FOLLOW_OK;
}

static int faultin_page(struct mm_struct *mm, struct vm_area_struct *vma, int va,
			unsigned gup_flags, bool unshare)
{
	unsigned fault_flags = 0;

	if (gup_flags & FOLL_WRITE)
		fault_flags |= FAULT_FLAG_WRITE;
	else if (unshare)
		fault_flags |= FAULT_FLAG_UNSHARE;
	mm_trace("faultin_page P%d va %d%s%s", mm->id, va,
		 fault_flags & FAULT_FLAG_WRITE ? " write" : "",
		 fault_flags & FAULT_FLAG_UNSHARE ? " unshare" : "");
	return handle_mm_fault(mm, vma, va, fault_flags);
}

int __get_user_pages(struct mm_struct *mm, int va, unsigned gup_flags)
{
	struct vm_area_struct *vma = find_vma(mm, va);
	int pfn = -1;

	if (!vma || ((gup_flags & FOLL_WRITE) && !(vma->vm_flags & VM_WRITE)))
		return -1;
	/* 5.8 (17839856fd58): "COW can break either way": make a reference
	 * taken for reading break COW too, so it can't end up shared. */
	if (policy.gup_read_breaks_cow && (gup_flags & (FOLL_GET | FOLL_PIN)) &&
	    is_cow_mapping(vma->vm_flags))
		gup_flags |= FOLL_WRITE;
	for (;;) {
		enum follow_result r = follow_page_pte(mm, vma, va, gup_flags, &pfn);

		if (r == FOLLOW_OK)
			return pfn;
		if (faultin_page(mm, vma, va, gup_flags, r == FOLLOW_UNSHARE) & VM_FAULT_OOM)
			return -1;
	}
}

static int gup_slow(struct mm_struct *mm, int va, unsigned gup_flags)
{
	int pfn;

	down_read(&mm->mmap_lock);
	pfn = __get_user_pages(mm, va, gup_flags);
	up_read(&mm->mmap_lock);
	return pfn;
}

int get_user_pages_fast(struct mm_struct *mm, int va, unsigned gup_flags)
{
	struct pte pte;
	struct folio *folio;

	mm_point("gup_fast:read_pte", "get_user_pages_fast P%d va %d: lockless PTE read", mm->id,
		 va);
	pte = ptep_get(mm, va);
	if (!pte.present || ((gup_flags & FOLL_WRITE) && !pte.write))
		return gup_slow(mm, va, gup_flags);
	/* 5.8: R/O PTEs go the slow path, where COW is broken first. */
	if (policy.gup_read_breaks_cow && !pte.write)
		return gup_slow(mm, va, gup_flags);
	folio = pfn_folio(pte.pfn);
	if (!folio_try_get(folio, gup_flags & FOLL_PIN))
		return gup_slow(mm, va, gup_flags);
	if (!pte.write && gup_must_unshare(gup_flags, folio, true)) {
		gup_put_folio(folio, gup_flags);
		return gup_slow(mm, va, gup_flags);
	}
	/* Recheck: the PTE may have changed under us (no locks held). */
	mm_point("gup_fast:recheck", "get_user_pages_fast P%d va %d: recheck PTE", mm->id, va);
	if (!pte_same(ptep_get(mm, va), pte)) {
		gup_put_folio(folio, gup_flags);
		return gup_slow(mm, va, gup_flags);
	}
	oracle_gup_grabbed(mm->id, va);
	return pte.pfn;
}

int pin_user_pages(struct mm_struct *mm, int va, unsigned gup_flags)
{
	/* Set before pinning so that a concurrent fork sees it. */
	mm->has_pinned = true;
	return gup_slow(mm, va, gup_flags | FOLL_PIN);
}

void unpin_user_page(int pfn)
{
	if (pfn != ZERO_PFN)
		folio_unpin(pfn_folio(pfn));
}
