/* SPDX-License-Identifier: MIT */
/*
 * Page faults and COW, after mm/memory.c.
 *
 * The fault handlers take the PTE lock, recheck that the PTE is what they
 * read without it (pte_same), and give up when it changed: the access is
 * then simply retried, as on a real CPU.
 */
#include "fault.h"

#include "feedback.h"
#include "filemap.h"
#include "folio.h"
#include "mempolicy.h"
#include "mmap_lock.h"
#include "mmu_gather.h"
#include "oracle.h"
#include "pgtable.h"
#include "policy.h"
#include "rmap.h"
#include "tlb.h"
#include "userfaultfd.h"
#include "vma.h"
#include "vma_lock.h"

struct vm_fault {
	struct mm_struct *mm;
	struct vm_area_struct *vma;
	int va;
	unsigned flags;
	struct pte orig_pte; /* the PTE value the decision is based on */
};

/* Install a PTE the fault handler built. O10: a PTE of a VMA without
 * VM_WRITE is never writable, whatever made it dirty. PTL held. */
static void set_pte_at(struct vm_fault *vmf, struct pte pte)
{
	struct mm_struct *mm = vmf->mm;

	mm_point("set_pte_at", &mm->pte[vmf->va], SCHED_WRITE,
		 "set_pte_at P%d va %d: %s frame %d %s%s%s", mm->id, vmf->va,
		 pte.present ? "present" : "none", pte.pfn, pte.write ? "RW" : "RO",
		 pte.dirty ? " dirty" : "", pte.uffd_wp ? " uffd-wp" : "");
	if (pte.present && pte.write && !(vmf->vma->vm_flags & VM_WRITE))
		sched_fail("dirty-not-writable", "pte",
			   "P%d va %d: PTE made writable in a VMA without VM_WRITE", mm->id,
			   vmf->va);
	vma_access(vmf->vma, SCHED_READ);
	set_pte(mm, vmf->va, pte);
}

/* maybe_mkwrite(): writable only where the VMA allows writes. */
static struct pte maybe_mkwrite(struct pte pte, const struct vm_area_struct *vma)
{
	vma_access(vma, SCHED_READ);
	if (vma->vm_flags & VM_WRITE)
		pte.write = true;
	return pte;
}

/* Clear a PTE and flush it from every TLB in one step: nothing can use
 * the old translation once the PTE lock is dropped. */
static struct pte ptep_clear_flush(struct mm_struct *mm, int va)
{
	struct pte old = ptep_get(mm, va);

	mm_point("ptep_clear_flush", &mm->pte[va], SCHED_WRITE,
		 "ptep_clear_flush P%d va %d (frame %d)", mm->id, va, old.pfn);
	set_pte(mm, va, (struct pte){0});
	tlb_invalidate(mm->id, va);
	return old;
}

/* The VMA's anon_vma, read under the fault's lock; set only by
 * anon_vma_prepare (rmap.c). Under a VMA lock that writes a VMA that
 * fork may be reading (B8a). */
static MM_ATOMIC bool vma_has_anon_vma(const struct vm_area_struct *vma)
{
	vma_access(vma, SCHED_READ);
	return vma->anon_vma;
}

/*
 * vmf_anon_prepare() (6.7): a fault about to map an anonymous page in a
 * VMA without an anon_vma yet must look at the neighbours' (to share
 * theirs), which the VMA lock does not cover. Under the VMA lock, 6.7-6.9
 * give up and let the retry under mmap_lock do it; from 6.10 the fault
 * takes mmap_lock for read if it can without waiting, assigns the
 * anon_vma under both locks, drops mmap_lock and goes on under the VMA
 * lock alone; it gives up only when the trylock fails. The VMA lock is
 * dropped before VM_FAULT_RETRY as the 6.6 contract says
 * (vma_fault_give_up). 0, or VM_FAULT_RETRY.
 */
static int vmf_anon_prepare(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	bool vma_locked = vmf->flags & FAULT_FLAG_VMA_LOCK;

	assert_fault_locked(vmf->mm, vma, vmf->flags);
	if (vma_has_anon_vma(vma))
		return 0;
	/* 6.4 called anon_vma_prepare() as it was: under the VMA lock alone
	 * only after lock_vma_under_rcu's check before the lock (B8b). */
	if (policy.vma_lock_anon_vma_check == ANON_VMA_CHECK_BEFORE_LOCK) {
		anon_vma_prepare(vma);
		return 0;
	}
	if (vma_locked) {
		if (policy.vma_anon_prepare == ANON_PREPARE_RETRY)
			return vma_fault_give_up_anon_vma(vma, "no anon_vma yet");
		if (policy.vma_anon_prepare == ANON_PREPARE_MUTANT_LOCK)
			mmap_read_lock(vmf->mm);
		else if (!mmap_read_trylock(vmf->mm))
			return vma_fault_give_up_anon_vma(vma, "no anon_vma, mmap_lock busy");
		mm_trace("vmf_anon_prepare P%d va %d: anon_vma under a trylocked mmap_lock",
			 vmf->mm->id, vmf->va);
		count_anon_vma_trylocked();
	}
	anon_vma_prepare(vma);
	if (vma_locked)
		mmap_read_unlock(vmf->mm);
	return 0;
}

/* The anonymous fault's anon_vma: from 6.10 its absence no longer keeps
 * the fault from the VMA lock, so it may have to be assigned here under
 * that lock (vmf_anon_prepare); before, a VMA-locked fault always found
 * one and anon_vma_prepare had nothing to do. */
static int do_anonymous_anon_vma(struct vm_fault *vmf)
{
	if (policy.vma_lock_anon_vma_check == ANON_VMA_CHECK_IN_FAULT)
		return vmf_anon_prepare(vmf);
	anon_vma_prepare(vmf->vma);
	return 0;
}

static int do_anonymous_page(struct vm_fault *vmf)
{
	struct mm_struct *mm = vmf->mm;
	int pfn, ret;

	if (!(vmf->flags & FAULT_FLAG_WRITE)) {
		/* Read fault: map the shared zero page read-only. */
		spin_lock(&mm->ptl);
		if (!ptep_get(mm, vmf->va).present)
			set_pte_at(vmf,
				   (struct pte){.pfn = ZERO_PFN, .present = true, .young = true});
		spin_unlock(&mm->ptl);
		return 0;
	}
	mm_point("do_anonymous_page", OBJ_THREAD_LOCAL, SCHED_READ,
		 "do_anonymous_page P%d va %d: write fault on none pte", mm->id, vmf->va);
	ret = do_anonymous_anon_vma(vmf);
	if (ret)
		return ret;
	pfn = vma_alloc_folio(vmf->vma, vmf->va, vmf->flags);
	if (pfn < 0)
		return VM_FAULT_OOM;
	spin_lock(&mm->ptl);
	if (ptep_get(mm, vmf->va).present) {
		/* Another thread faulted it in first. */
		spin_unlock(&mm->ptl);
		folio_put(pfn_folio(pfn));
		return 0;
	}
	page_add_new_anon_rmap(pfn_folio(pfn), vmf->vma);
	set_pte_at(vmf,
		   maybe_mkwrite(pte_mkdirty((struct pte){
					 .pfn = (uint16_t)pfn, .present = true, .young = true}),
				 vmf->vma));
	spin_unlock(&mm->ptl);
	return 0;
}

/* finish_fault(): map a page-cache page (shared or read-only). The
 * reference from filemap_fault becomes the mapping's. */
static int finish_fault_file(struct vm_fault *vmf, struct folio *folio, bool write)
{
	struct mm_struct *mm = vmf->mm;
	struct pte pte = {.pfn = (uint16_t)folio_pfn(folio), .present = true, .young = true};

	if (write)
		pte = maybe_mkwrite(pte_mkdirty(pte), vmf->vma);
	spin_lock(&mm->ptl);
	if (ptep_get(mm, vmf->va).present) {
		spin_unlock(&mm->ptl);
		folio_put(folio);
		return 0;
	}
	page_add_file_rmap(folio);
	set_pte_at(vmf, pte);
	spin_unlock(&mm->ptl);
	return 0;
}

/* Read fault on a file page: map the page-cache page read-only. */
static int do_read_fault(struct vm_fault *vmf)
{
	int pfn;
	int ret = filemap_fault(vmf->mm, vmf->vma, vmf->va, vmf->flags, &pfn);

	if (ret & (VM_FAULT_ERROR | VM_FAULT_RETRY))
		return ret;
	return finish_fault_file(vmf, pfn_folio(pfn), false);
}

/* Write fault on a private file page: map a private anon copy. */
static int do_cow_fault(struct vm_fault *vmf)
{
	struct mm_struct *mm = vmf->mm;
	int src, pfn;
	int ret = vmf_anon_prepare(vmf);

	if (ret)
		return ret;
	ret = filemap_fault(mm, vmf->vma, vmf->va, vmf->flags, &src);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_RETRY))
		return ret;
	mm_point("do_cow_fault", OBJ_THREAD_LOCAL, SCHED_READ,
		 "do_cow_fault P%d va %d: private copy of file page (frame %d)", mm->id, vmf->va,
		 src);
	pfn = vma_alloc_folio(vmf->vma, vmf->va, vmf->flags);
	if (pfn < 0) {
		folio_put(pfn_folio(src));
		return VM_FAULT_OOM;
	}
	copy_user_highpage(pfn_folio(pfn), pfn_folio(src));
	folio_put(pfn_folio(src));
	spin_lock(&mm->ptl);
	if (ptep_get(mm, vmf->va).present) {
		spin_unlock(&mm->ptl);
		folio_put(pfn_folio(pfn));
		return 0;
	}
	page_add_new_anon_rmap(pfn_folio(pfn), vmf->vma);
	set_pte_at(vmf,
		   maybe_mkwrite(pte_mkdirty((struct pte){
					 .pfn = (uint16_t)pfn, .present = true, .young = true}),
				 vmf->vma));
	spin_unlock(&mm->ptl);
	return 0;
}

/* Write fault on a shared file page: map the page-cache page writable. */
static int do_shared_fault(struct vm_fault *vmf)
{
	int pfn;
	int ret = filemap_fault(vmf->mm, vmf->vma, vmf->va, vmf->flags, &pfn);

	if (ret & (VM_FAULT_ERROR | VM_FAULT_RETRY))
		return ret;
	return finish_fault_file(vmf, pfn_folio(pfn), true);
}

static int do_fault(struct vm_fault *vmf)
{
	/* Under the VMA lock, a file fault may have to drop it to wait for
	 * I/O: before 6.6 a handler could not, so it gave up at once. */
	if ((vmf->flags & FAULT_FLAG_VMA_LOCK) && !vma_fault_callee_releases())
		return vma_fault_give_up(vmf->vma, "file fault");
	if (!(vmf->flags & FAULT_FLAG_WRITE))
		return do_read_fault(vmf);
	vma_access(vmf->vma, SCHED_READ);
	if (!(vmf->vma->vm_flags & VM_SHARED))
		return do_cow_fault(vmf);
	return do_shared_fault(vmf);
}

/* Make the PTE writable in place: the page is ours alone (or, for a
 * shared mapping, everyone's). PTL held on entry, released. */
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
	pte.young = true;
	set_pte_at(vmf, maybe_mkwrite(pte_mkdirty(pte), vmf->vma));
	spin_unlock(&mm->ptl);
	return VM_FAULT_WRITE;
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
	int ret;

	spin_unlock(&mm->ptl);
	mm_point("wp_page_copy", OBJ_THREAD_LOCAL, SCHED_READ,
		 "wp_page_copy P%d va %d: copying frame %d", mm->id, vmf->va,
		 old ? folio_pfn(old) : ZERO_PFN);
	ret = vmf_anon_prepare(vmf);
	if (ret) {
		if (old)
			folio_put(old);
		return ret;
	}
	pfn = vma_alloc_folio(vmf->vma, vmf->va, vmf->flags);
	if (pfn < 0) {
		if (old)
			folio_put(old);
		return VM_FAULT_OOM;
	}
	new = pfn_folio(pfn);
	if (old) {
		feedback_cow_copy_begin(mm, vmf->va, folio_pfn(old));
		copy_user_highpage(new, old);
		feedback_cow_copied();
	}
	spin_lock(&mm->ptl);
	if (pte_same(ptep_get(mm, vmf->va), vmf->orig_pte)) {
		struct pte pte = {.pfn = (uint16_t)pfn, .present = true, .young = true};

		if (unshare) {
			/* Stays R/O; keeps what the trackers put on the old PTE. */
			pte.soft_dirty = vmf->orig_pte.soft_dirty;
			pte.uffd_wp = vmf->orig_pte.uffd_wp;
		} else {
			pte = maybe_mkwrite(pte_mkdirty(pte), vmf->vma);
		}
		ptep_clear_flush(mm, vmf->va);
		page_add_new_anon_rmap(new, vmf->vma);
		set_pte_at(vmf, pte);
		if (old) {
			page_remove_rmap(old);
			/* Drop the reference the old mapping held. */
			folio_put(old);
		}
		new = NULL;
	}
	feedback_cow_copy_end();
	spin_unlock(&mm->ptl);
	if (new)
		folio_put(new);
	if (old)
		folio_put(old); /* the reference taken for the copy */
	return unshare ? 0 : VM_FAULT_WRITE;
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
		sched_access(folio, SCHED_READ);
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
		sched_access(folio, SCHED_READ);
		if (folio->refcount != 1) {
			mm_trace("do_wp_page frame %d: refcount %d != 1 -> copy", folio_pfn(folio),
				 folio->refcount);
			return false;
		}
		if (!trylock_page(folio))
			return false;
		sched_access(folio, SCHED_READ);
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

	mm_point("do_wp_page", vmf->vma, SCHED_READ, "do_wp_page P%d va %d frame %d%s", mm->id,
		 vmf->va, pfn, vmf->flags & FAULT_FLAG_UNSHARE ? " (unshare)" : "");
	if (!(vmf->flags & FAULT_FLAG_UNSHARE)) {
		if (userfaultfd_pte_wp(mm, vmf->vma, vmf->orig_pte)) {
			spin_unlock(&mm->ptl);
			return handle_userfault(mm, vmf->vma, vmf->va, vmf->flags);
		}
		/* 5.12: a CPU may still write through a writable TLB entry
		 * that a deferred flush has yet to remove: flush before
		 * copying, or its write lands in the old page after the copy. */
		if (policy.wp_flush_if_pending && userfaultfd_wp(mm, vmf->vma) &&
		    mm_tlb_flush_pending(mm))
			flush_tlb_page(mm, vmf->va);
	}
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
	vma_access(vmf->vma, SCHED_READ);
	if (vmf->vma->vm_flags & VM_SHARED) {
		if (vmf->flags & FAULT_FLAG_UNSHARE) {
			spin_unlock(&mm->ptl);
			return 0;
		}
		return wp_page_reuse(vmf, folio); /* wp_page_shared() */
	}
	sched_access(OBJ_FOLIO_FLAGS(folio), SCHED_READ);
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

	mm_point("handle_pte_fault", &mm->pte[vmf->va], SCHED_READ,
		 "handle_pte_fault P%d va %d%s%s%s", mm->id, vmf->va,
		 vmf->flags & FAULT_FLAG_WRITE ? " write" : " read",
		 vmf->flags & FAULT_FLAG_UNSHARE ? " unshare" : "",
		 vmf->flags & FAULT_FLAG_TRIED ? " (retry)" : "");
	entry = ptep_get(mm, vmf->va);
	vma_access(vmf->vma, SCHED_READ);
	if (!entry.present)
		return vmf->vma->file ? do_fault(vmf) : do_anonymous_page(vmf);
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
		entry = pte_mkdirty(entry);
	set_pte_at(vmf, entry);
	spin_unlock(&mm->ptl);
	return 0;
}

int handle_mm_fault(struct mm_struct *mm, struct vm_area_struct *vma, int va, unsigned flags)
{
	struct vm_fault vmf = {.mm = mm, .vma = vma, .va = va, .flags = flags};
	int ret = handle_pte_fault(&vmf);

	/* Linus' proposed rule: the lock is gone on return, whatever happened. */
	if (policy.fault_lock_contract == RELEASE_ALWAYS && !(flags & FAULT_FLAG_VMA_LOCK) &&
	    !(ret & VM_FAULT_RETRY))
		mmap_read_unlock(mm);
	return ret;
}

unsigned fault_flags_retry(unsigned flags)
{
	flags |= FAULT_FLAG_TRIED;
	if (policy.fault_retry_once)
		flags &= ~FAULT_FLAG_ALLOW_RETRY;
	return flags;
}

void zap_page_range(struct mm_struct *mm, int start, int end, bool unmap)
{
	struct mmu_gather tlb;

	tlb_gather_mmu(&tlb, mm);
	for (int va = start; va < end; va++) {
		const struct vm_area_struct *vma = find_vma(mm, va);
		bool file = vma && vma->file && !unmap;
		struct pte old;

		spin_lock(&mm->ptl);
		old = ptep_get(mm, va);
		if (old.present) {
			mm_point("zap_pte_range", &mm->pte[va], SCHED_WRITE,
				 "zap_pte_range P%d va %d (frame %d), flush deferred", mm->id, va,
				 old.pfn);
			set_pte(mm, va, (struct pte){0});
		}
		/* The discard takes effect with the clear, in the same step: a
		 * CPU that still reaches the old page until the flush races
		 * with the zap. */
		oracle_discard(mm->id, va, unmap, file);
		if (old.present) {
			tlb_flush_pte_range(&tlb, va);
			if (old.pfn != ZERO_PFN) {
				page_remove_rmap(pfn_folio(old.pfn));
				tlb_remove_page(&tlb, old.pfn);
			}
		}
		spin_unlock(&mm->ptl);
	}
	tlb_finish_mmu(&tlb);
}
