/* SPDX-License-Identifier: MIT */
/*
 * fork(): copying an address space, after kernel/fork.c and
 * copy_page_range() in mm/memory.c. Private anon pages become COW-shared:
 * both PTEs read-only, one more mapping and reference on the page. The
 * exception, since 5.9, is a page that may be DMA-pinned: the child gets
 * its own copy at once, so the parent's pinned page stays the parent's.
 */
#include "task.h"

#include "folio.h"
#include "gup.h"
#include "mmap_lock.h"
#include "oracle.h"
#include "pgtable.h"
#include "policy.h"
#include "syscalls.h"
#include "tlb.h"
#include "vma.h"
#include "vma_lock.h"

/* Give the child its own copy of a maybe-pinned page (early COW). Both
 * PTLs held; the parent's PTE is left as it is. */
static bool copy_present_page(struct mm_struct *child, const struct vm_area_struct *vma, int va,
			      struct folio *src)
{
	int pfn = folio_alloc_anon();

	if (pfn < 0)
		return false;
	mm_trace("copy_present_page: frame %d may be pinned (refcount %d): child gets frame %d",
		 folio_pfn(src), src->refcount, pfn);
	copy_user_highpage(pfn_folio(pfn), src);
	page_add_new_anon_rmap(pfn_folio(pfn), vma);
	vma_access(vma, SCHED_READ);
	/* The child's own page, mapped as a write fault would map it. */
	set_pte(child, va,
		pte_mkdirty((struct pte){.pfn = (uint16_t)pfn,
					 .present = true,
					 .write = (vma->vm_flags & VM_WRITE) != 0,
					 .young = true}));
	return true;
}

/* Does this page need a copy for the child instead of sharing? */
static bool fork_needs_copy(struct mm_struct *parent, struct folio *folio)
{
	if (policy.anon_exclusive)
		/* 5.19 page_try_dup_anon_rmap(): an exclusive page that may be
		 * pinned cannot be shared. */
		return PageAnonExclusive(folio) && folio_maybe_dma_pinned(folio);
	return policy.fork_pinned == FORK_PINNED_COPY && mm_has_pinned(parent) &&
	       folio_maybe_dma_pinned(folio);
}

/* Returns false when fork must fail: a page that may be pinned could not
 * be copied, and sharing it would break the pin. */
static bool copy_present_pte(struct mm_struct *child, struct mm_struct *parent,
			     struct vm_area_struct *vma, int va)
{
	struct pte pte;
	struct folio *folio;

	mm_point("copy_present_pte", &parent->pte[va], SCHED_READ,
		 "copy_present_pte P%d -> P%d va %d frame %d", parent->id, child->id, va,
		 ptep_get(parent, va).pfn);
	pte = ptep_get(parent, va);
	folio = pfn_folio(pte.pfn);
	if (pte.pfn != ZERO_PFN) {
		folio_check_live(folio, "copy_present_pte");
		sched_access(OBJ_FOLIO_FLAGS(folio), SCHED_READ);
		if (folio->anon && fork_needs_copy(parent, folio))
			return copy_present_page(child, vma, va, folio);
		folio_get(folio);
		page_dup_rmap(folio);
		if (PageAnonExclusive(folio))
			mm_trace("page_try_dup_anon_rmap frame %d: clear anon-exclusive", pte.pfn);
		ClearPageAnonExclusive(folio);
	}
	vma_access(vma, SCHED_READ);
	if (is_cow_mapping(vma->vm_flags) && pte.write) {
		/* ptep_set_wrprotect(): the parent stops writing in place.
		 * Its TLBs are flushed once, at the end of dup_mmap. */
		mm_point("ptep_set_wrprotect", &parent->pte[va], SCHED_WRITE,
			 "ptep_set_wrprotect P%d va %d", parent->id, va);
		pte.write = false;
		set_pte(parent, va, pte);
	}
	pte.young = false;
	/* Without UFFD_FEATURE_EVENT_FORK the child is not registered. */
	pte.uffd_wp = false;
	set_pte(child, va, pte);
	return true;
}

static bool copy_page_range(struct mm_struct *child, struct mm_struct *parent,
			    struct vm_area_struct *vma)
{
	bool ok = true;

	for (int va = vma->start; va < vma->end && ok; va++) {
		spin_lock(&child->ptl);
		spin_lock(&parent->ptl);
		if (ptep_get(parent, va).present)
			ok = copy_present_pte(child, parent, vma, va);
		spin_unlock(&parent->ptl);
		spin_unlock(&child->ptl);
	}
	return ok;
}

bool dup_mmap(struct mm_struct *child, struct mm_struct *parent)
{
	bool ok = true;

	mmap_write_lock(parent);
	mm_trace("dup_mmap P%d -> P%d", parent->id, child->id);
	oracle_fork_begin(parent->id, child->id);
	if (policy.gup_fast_seq)
		write_seqcount_begin(&parent->write_protect_seq);
	for (int i = 0; i < parent->nr_vmas && ok; i++) {
		struct vm_area_struct *mpnt, *tmp;

		sched_access(OBJ_VMA_LIST(parent), SCHED_READ);
		mpnt = parent->vma[i];
		/* 6.4.3 (fb49c455323f): no VMA-locked fault may run on a VMA
		 * whose PTEs fork is write-protecting and sharing. */
		if (policy.vma_lock_fork)
			vma_start_write(mpnt);
		tmp = vm_area_dup(mpnt, child);
		if (!tmp) {
			ok = false;
			break;
		}
		/* The child is not registered with the userfaultfd. */
		tmp->vm_flags &= ~VM_UFFD_WP;
		vma_link(child, tmp);
		ok = copy_page_range(child, parent, mpnt);
	}
	if (policy.gup_fast_seq)
		write_seqcount_end(&parent->write_protect_seq);
	flush_tlb_mm(parent);
	if (ok)
		oracle_fork_end(parent->id, child->id);
	mmap_write_unlock(parent);
	return ok;
}

int do_fork(void)
{
	int parent = current_pid();
	int child = process_alloc(parent);

	if (child < 0)
		return -1;
	if (!dup_mmap(&M.proc[child].mm, &M.proc[parent].mm)) {
		/* -ENOMEM: tear down what was copied; no child runs. */
		mm_trace("fork P%d: ENOMEM", parent);
		exit_process(child);
		return -1;
	}
	return child;
}

int sys_fork(void)
{
	return do_fork();
}
