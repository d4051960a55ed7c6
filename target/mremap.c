/* SPDX-License-Identifier: MIT */
/*
 * mremap(old, 1 page, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, new)
 * as mremap_to() and move_vma() do it (5.7+): whatever is mapped at new is
 * unmapped first (MREMAP_FIXED), the source VMA is write-locked, a copy of
 * it is linked at new, the page table entry moves, and the source VMA
 * stays mapped but empty; if the move covered all of it, it also drops its
 * anon_vma (unlink_anon_vmas, 5.12+). That last step is what a VMA-locked
 * fault that checked anon_vma before taking the VMA lock missed (B8b).
 *
 * The model moves private anonymous mappings only (DONTUNMAP of other
 * mappings, allowed since 5.13, is refused), and does not merge the new
 * VMA with its neighbours (copy_vma's vma_merge): a fresh VMA is linked.
 */
#include "mremap.h"

#include "fault.h"
#include "mmap_lock.h"
#include "oracle.h"
#include "pgtable.h"
#include "rmap.h"
#include "syscalls.h"
#include "tlb.h"
#include "vma.h"
#include "vma_lock.h"

/* A device pin of the page at old_va pins the page now at new_va: it
 * keeps its coherency promise there. */
void move_page_tables(struct mm_struct *mm, int old_va, int new_va)
{
	struct pte pte;

	mmap_assert_write_locked(mm);
	/* The model's one PTL is both move_ptes() takes. */
	spin_lock(&mm->ptl);
	pte = ptep_get(mm, old_va);
	mm_point("move_ptes", &mm->pte[old_va], SCHED_WRITE,
		 "move_ptes P%d va %d -> va %d: %s frame %d", mm->id, old_va, new_va,
		 pte.present ? "move" : "nothing to move,", pte.pfn);
	if (pte.present) {
		set_pte(mm, old_va, (struct pte){0});
		/* flush_tlb_range() before the PTL is dropped: no CPU reaches
		 * the page through old_va once another thread can look. A store
		 * through a stale entry before the flush lands in the same
		 * frame, which moves: one step in the model. */
		tlb_invalidate(mm->id, old_va);
		pte.soft_dirty = true; /* move_soft_dirty_pte() */
		pte.uffd_wp = false;   /* the new VMA is not registered */
		set_pte(mm, new_va, pte);
	}
	oracle_moved(mm->id, old_va, new_va);
	spin_unlock(&mm->ptl);
}

/* MREMAP_FIXED over a mapping: munmap's work at new_va first. */
static void mremap_unmap_target(struct mm_struct *mm, int new_va)
{
	struct vm_area_struct *vma = find_vma(mm, new_va);

	if (vma)
		vma_start_write(vma);
	zap_page_range(mm, new_va, new_va + 1, true);
	vma_remove_range(mm, new_va, new_va + 1);
}

/* The checks of vma_to_resize() and the model's limits; an error name or
 * NULL. */
static const char *mremap_refused(struct mm_struct *mm, const struct vm_area_struct *vma)
{
	if (!vma)
		return "EFAULT (nothing mapped at the source)";
	vma_access(vma, SCHED_READ);
	if (!vma->anon || (vma->vm_flags & VM_SHARED))
		return "EINVAL (the model moves private anonymous pages only)";
	if (mm->nr_vmas >= MAX_VMAS)
		return "ENOMEM (map count)";
	return NULL;
}

/* copy_vma() without a merge: a copy of vma at new_va, with its flags,
 * anon_vma and memory policy, write-locked before it is published. */
static struct vm_area_struct *copy_vma(struct mm_struct *mm, struct vm_area_struct *vma, int new_va)
{
	struct vm_area_struct *new_vma = vm_area_dup(vma, mm);

	if (!new_vma)
		return NULL;
	new_vma->start = new_va;
	new_vma->end = new_va + 1;
	/* mremap_userfaultfd_prep() without UFFD_FEATURE_EVENT_REMAP: the
	 * copy is not registered. */
	new_vma->vm_flags &= ~VM_UFFD_WP;
	vma_start_write(new_vma);
	vma_link(mm, new_vma);
	return new_vma;
}

/* move_vma() with MREMAP_DONTUNMAP. The source VMA is write-locked
 * before anything changes: VMA-locked faults on it wait or fall back. */
static bool move_vma(struct mm_struct *mm, struct vm_area_struct *vma, int va, int new_va)
{
	mmap_assert_write_locked(mm);
	vma_start_write(vma);
	if (!copy_vma(mm, vma, new_va))
		return false;
	move_page_tables(mm, va, new_va);
	/* DONTUNMAP: the source stays mapped. If all of it moved its
	 * anon_vma is no longer needed (1583aa278f5f). */
	vma_access(vma, SCHED_READ);
	if (vma->start == va && vma->end == va + 1) {
		unlink_anon_vmas(vma);
		mm_trace("mremap P%d: VMA [%d, %d) stays, empty, without anon_vma", mm->id,
			 vma->start, vma->end);
	}
	return true;
}

bool sys_mremap_dontunmap(int va, int new_va)
{
	struct mm_struct *mm = current_mm();
	uint64_t old_since = tlb_zap_begin(va, va + 1);
	uint64_t new_since = tlb_zap_begin(new_va, new_va + 1);
	const char *refused;
	bool ok = false;

	mmap_write_lock(mm);
	mm_trace("mremap(DONTUNMAP) P%d va %d -> va %d", mm->id, va, new_va);
	if (va == new_va) {
		mm_trace("mremap P%d: EINVAL (source and target overlap)", mm->id);
		goto out;
	}
	mremap_unmap_target(mm, new_va);
	tlb_check_zapped(mm, new_va, new_va + 1, new_since);
	refused = mremap_refused(mm, find_vma(mm, va));
	if (refused) {
		mm_trace("mremap P%d: %s", mm->id, refused);
		goto out;
	}
	ok = move_vma(mm, find_vma(mm, va), va, new_va);
	if (!ok)
		mm_trace("mremap P%d: ENOMEM (VMA slab)", mm->id);
	/* Returning: no CPU may still reach the page through va. */
	tlb_check_zapped(mm, va, va + 1, old_since);
out:
	mmap_write_unlock(mm);
	return ok;
}
