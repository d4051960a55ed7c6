/* SPDX-License-Identifier: MIT */
/*
 * Anonymous page faults and COW, after mm/memory.c.
 *
 * The fault handlers take the PTE lock, recheck that the PTE is what they
 * read without it (pte_same), and give up when it changed: the access is
 * then simply retried, as on a real CPU.
 */
#include "fault.h"

#include "folio.h"
#include "oracle.h"
#include "pgtable.h"
#include "policy.h"
#include "tlb.h"

struct vm_fault {
	struct mm_struct *mm;
	struct vm_area_struct *vma;
	int va;
	unsigned flags;
	struct pte orig_pte; /* the PTE value the decision is based on */
};

static void set_pte_at(struct mm_struct *mm, int va, struct pte pte)
{
	mm_point("set_pte_at", "set_pte_at P%d va %d: %s frame %d %s%s", mm->id, va,
		 pte.present ? "present" : "none", pte.pfn, pte.write ? "RW" : "RO",
		 pte.dirty ? " dirty" : "");
	set_pte(mm, va, pte);
}

/* Clear a PTE and flush it from every TLB in one step: nothing can use
 * the old translation once the PTE lock is dropped. */
static struct pte ptep_clear_flush(struct mm_struct *mm, int va)
{
	struct pte old = ptep_get(mm, va);

	mm_point("ptep_clear_flush", "ptep_clear_flush P%d va %d (frame %d)", mm->id, va, old.pfn);
	set_pte(mm, va, (struct pte){0});
	tlb_invalidate(mm->id, va);
	return old;
}

static int do_anonymous_page(struct vm_fault *vmf)
{
	struct mm_struct *mm = vmf->mm;
	int pfn;

	if (!(vmf->flags & FAULT_FLAG_WRITE)) {
		/* Read fault: map the shared zero page read-only. */
		spin_lock(&mm->ptl);
		if (!ptep_get(mm, vmf->va).present)
			set_pte_at(mm, vmf->va,
				   (struct pte){.pfn = ZERO_PFN, .present = true, .young = true});
		spin_unlock(&mm->ptl);
		return 0;
	}
	mm_point("do_anonymous_page", "do_anonymous_page P%d va %d: write fault on none pte",
		 mm->id, vmf->va);
	pfn = folio_alloc_anon();
	if (pfn < 0)
		return VM_FAULT_OOM;
	spin_lock(&mm->ptl);
	if (ptep_get(mm, vmf->va).present) {
		/* Another thread faulted it in first. */
		spin_unlock(&mm->ptl);
		folio_put(pfn_folio(pfn));
		return 0;
	}
	page_add_new_anon_rmap(pfn_folio(pfn));
	set_pte_at(mm, vmf->va,
		   (struct pte){.pfn = (uint16_t)pfn,
				.present = true,
				.write = true,
				.dirty = true,
				.young = true});
	spin_unlock(&mm->ptl);
	return 0;
}

/* Make the PTE writable in place: the page is ours alone. PTL held. */
static int wp_page_reuse(struct vm_fault *vmf, struct folio *folio)
{
	struct mm_struct *mm = vmf->mm;
	struct pte pte = ptep_get(mm, vmf->va);

	if (vmf->flags & FAULT_FLAG_UNSHARE) {
		/* Unsharing an exclusive page: nothing to copy, keep it R/O. */
		mm_trace("wp_page_reuse (unshare) frame %d stays mapped R/O", folio_pfn(folio));
		spin_unlock(&mm->ptl);
		return 0;
	}
	mm_trace("wp_page_reuse: frame %d refcount %d mapcount %d%s", folio_pfn(folio),
		 folio->refcount, folio->mapcount,
		 PageAnonExclusive(folio) ? " anon-exclusive" : "");
	pte.write = true;
	pte.dirty = true;
	pte.young = true;
	set_pte_at(mm, vmf->va, pte);
	spin_unlock(&mm->ptl);
	return 0;
}

/*
 * Break COW: copy the page (or zero-fill for the zero page) and map the
 * copy. Entered with the PTL held and a reference on `old` taken; the copy
 * is made without the lock, then the PTE is replaced only if it did not
 * change meanwhile.
 */
static int wp_page_copy(struct vm_fault *vmf, struct folio *old)
{
	struct mm_struct *mm = vmf->mm;
	bool unshare = vmf->flags & FAULT_FLAG_UNSHARE;
	struct folio *new;
	int pfn;

	spin_unlock(&mm->ptl);
	mm_point("wp_page_copy", "wp_page_copy P%d va %d: copying frame %d", mm->id, vmf->va,
		 old ? folio_pfn(old) : ZERO_PFN);
	pfn = folio_alloc_anon();
	if (pfn < 0) {
		if (old)
			folio_put(old);
		return VM_FAULT_OOM;
	}
	new = pfn_folio(pfn);
	if (old)
		copy_user_highpage(new, old);
	spin_lock(&mm->ptl);
	if (pte_same(ptep_get(mm, vmf->va), vmf->orig_pte)) {
		ptep_clear_flush(mm, vmf->va);
		page_add_new_anon_rmap(new);
		set_pte_at(mm, vmf->va,
			   (struct pte){.pfn = (uint16_t)pfn,
					.present = true,
					.write = !unshare,
					.dirty = !unshare,
					.young = true});
		if (old) {
			page_remove_rmap(old);
			/* Drop the reference the old mapping held. */
			folio_put(old);
		}
		new = NULL;
	}
	spin_unlock(&mm->ptl);
	if (new)
		folio_put(new);
	if (old)
		folio_put(old); /* the reference taken for the copy */
	return 0;
}

/*
 * May a write fault reuse this R/O-mapped anon page? The rule that
 * changed three times in five years: see enum wp_reuse_rule. PTL held on
 * entry and on a true return; false may mean "PTE changed, refault" when
 * *raced is set (the PTL is then released).
 */
static bool wp_can_reuse_anon_folio(struct vm_fault *vmf, struct folio *folio, bool *raced)
{
	struct mm_struct *mm = vmf->mm;
	bool reuse;

	switch (policy.wp_reuse) {
	case REUSE_MAPCOUNT:
		/* <= 5.8: lock the page (dropping the PTL if it would sleep),
		 * then reuse_swap_page(): the only mapping, nothing in swap. */
		if (!trylock_page(folio)) {
			folio_get(folio);
			spin_unlock(&mm->ptl);
			lock_page(folio);
			spin_lock(&mm->ptl);
			if (!pte_same(ptep_get(mm, vmf->va), vmf->orig_pte)) {
				unlock_page(folio);
				spin_unlock(&mm->ptl);
				folio_put(folio);
				*raced = true;
				return false;
			}
			folio_put(folio);
		}
		reuse = folio->mapcount == 1;
		mm_trace("reuse_swap_page frame %d: mapcount %d -> %s", folio_pfn(folio),
			 folio->mapcount, reuse ? "reuse" : "copy");
		unlock_page(folio);
		return reuse;
	case REUSE_ANON_EXCLUSIVE:
		if (PageAnonExclusive(folio))
			return true;
		/* fall through: not known exclusive, try the refcount rule */
	case REUSE_REFCOUNT:
		/* 5.9+: only a page nobody else holds a reference to. */
		if (folio->refcount != 1) {
			mm_trace("do_wp_page frame %d: refcount %d != 1 -> copy", folio_pfn(folio),
				 folio->refcount);
			return false;
		}
		if (!trylock_page(folio))
			return false;
		reuse = folio->mapcount == 1 && folio->refcount == 1;
		if (reuse && policy.anon_exclusive) {
			/* page_move_anon_rmap(), under the page lock: ours now. */
			SetPageAnonExclusive(folio);
		}
		unlock_page(folio);
		return reuse;
	}
	return false;
}

/* Write (or unshare) fault on a present R/O PTE. PTL held on entry. */
static int do_wp_page(struct vm_fault *vmf)
{
	struct mm_struct *mm = vmf->mm;
	int pfn = vmf->orig_pte.pfn;
	struct folio *folio = pfn == ZERO_PFN ? NULL : pfn_folio(pfn);
	bool raced = false;

	mm_point("do_wp_page", "do_wp_page P%d va %d frame %d%s", mm->id, vmf->va, pfn,
		 vmf->flags & FAULT_FLAG_UNSHARE ? " (unshare)" : "");
	if (!folio) {
		if ((vmf->flags & FAULT_FLAG_UNSHARE) && !policy.ro_longterm_unshare_nonanon) {
			/* Before 6.2 only anon pages are unshared. */
			spin_unlock(&mm->ptl);
			return 0;
		}
		/* A write, or (6.2) unsharing the zero page for a R/O
		 * long-term pin: a fresh zero-filled anon page. */
		return wp_page_copy(vmf, NULL);
	}
	folio_check_live(folio, "do_wp_page");
	if (folio->anon && wp_can_reuse_anon_folio(vmf, folio, &raced))
		return wp_page_reuse(vmf, folio);
	if (raced)
		return 0;
	folio_get(folio);
	return wp_page_copy(vmf, folio);
}

static int handle_pte_fault(struct vm_fault *vmf)
{
	struct mm_struct *mm = vmf->mm;
	struct pte entry;

	mm_point("handle_pte_fault", "handle_pte_fault P%d va %d%s%s", mm->id, vmf->va,
		 vmf->flags & FAULT_FLAG_WRITE ? " write" : " read",
		 vmf->flags & FAULT_FLAG_UNSHARE ? " unshare" : "");
	entry = ptep_get(mm, vmf->va);
	if (!entry.present)
		return do_anonymous_page(vmf);
	spin_lock(&mm->ptl);
	if (!pte_same(ptep_get(mm, vmf->va), entry)) {
		spin_unlock(&mm->ptl);
		return 0;
	}
	vmf->orig_pte = entry;
	if ((vmf->flags & (FAULT_FLAG_WRITE | FAULT_FLAG_UNSHARE)) && !entry.write)
		return do_wp_page(vmf);
	/* Spurious fault: the PTE already allows the access; update A/D. */
	entry.young = true;
	if (vmf->flags & FAULT_FLAG_WRITE)
		entry.dirty = true;
	set_pte(mm, vmf->va, entry);
	spin_unlock(&mm->ptl);
	return 0;
}

int handle_mm_fault(struct mm_struct *mm, struct vm_area_struct *vma, int va, unsigned flags)
{
	struct vm_fault vmf = {.mm = mm, .vma = vma, .va = va, .flags = flags};

	return handle_pte_fault(&vmf);
}

void zap_page_range(struct mm_struct *mm, int start, int end, bool unmap)
{
	for (int va = start; va < end; va++) {
		struct pte old;

		spin_lock(&mm->ptl);
		if (!ptep_get(mm, va).present) {
			oracle_discard(mm->id, va, unmap);
			spin_unlock(&mm->ptl);
			continue;
		}
		old = ptep_clear_flush(mm, va);
		/* The discard takes effect with the clear: no CPU can reach
		 * the old page any more, and none could miss it before. */
		oracle_discard(mm->id, va, unmap);
		if (old.pfn != ZERO_PFN) {
			struct folio *folio = pfn_folio(old.pfn);

			page_remove_rmap(folio);
			folio_put(folio);
		}
		spin_unlock(&mm->ptl);
	}
}
