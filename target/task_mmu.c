/* SPDX-License-Identifier: MIT */
/*
 * /proc/pid/clear_refs and /proc/pid/pagemap (fs/proc/task_mmu.c): the
 * soft-dirty tracker. Writing "4" to clear_refs write-protects every PTE
 * and clears its soft-dirty bit, and clears VM_SOFTDIRTY on every VMA; the
 * next write faults and sets soft-dirty again. pagemap reports it.
 */
#include "folio.h"
#include "gup.h"
#include "mmap_lock.h"
#include "mmu_gather.h"
#include "oracle.h"
#include "pgtable.h"
#include "policy.h"
#include "syscalls.h"
#include "tlb.h"
#include "vma.h"
#include "vma_lock.h"

/* 5.11: a pinned page write-protected here would be COWed away from its
 * pin by the next write fault; leave it writable (and soft-dirty). */
static bool pte_is_pinned(struct mm_struct *mm, const struct vm_area_struct *vma, struct pte pte)
{
	vma_access(vma, SCHED_READ);
	if (!policy.clear_refs_skip_pinned || !pte.write || !is_cow_mapping(vma->vm_flags) ||
	    !mm_has_pinned(mm) || pte.pfn == ZERO_PFN)
		return false;
	return folio_maybe_dma_pinned(pfn_folio(pte.pfn));
}

static void clear_soft_dirty(struct mm_struct *mm, const struct vm_area_struct *vma, int va)
{
	struct pte pte;

	spin_lock(&mm->ptl);
	pte = ptep_get(mm, va);
	mm_point("clear_soft_dirty", &mm->pte[va], SCHED_WRITE, "clear_soft_dirty P%d va %d",
		 mm->id, va);
	if (pte.present && pte_is_pinned(mm, vma, pte)) {
		oracle_soft_dirty_untracked(mm->id, va);
	} else if (pte.present) {
		pte.write = false;
		pte.soft_dirty = false;
		set_pte(mm, va, pte);
	}
	spin_unlock(&mm->ptl);
}

/* MUTANT: the store vm_flags_clear() makes, without its vma_start_write(),
 * so nothing orders it against a fault holding the VMA's read lock. */
static void vm_flags_clear_unlocked(struct mm_struct *mm, struct vm_area_struct *vma,
				    unsigned flags)
{
	mmap_assert_write_locked(mm);
	vma_access(vma, SCHED_WRITE);
	vma->vm_flags &= ~flags;
}

static void clear_vm_softdirty(struct mm_struct *mm)
{
	for (int i = 0; i < mm->nr_vmas; i++) {
		mm_point("clear_refs:vm_flags", mm->vma[i], SCHED_WRITE,
			 "clear_refs P%d: clear VM_SOFTDIRTY of VMA %d", mm->id, i);
		/* Each step reads the tree again (the loop's bound and slot). */
		sched_access(OBJ_VMA_LIST(mm), SCHED_READ);
		if (policy.vma_softdirty_no_write_lock)
			vm_flags_clear_unlocked(mm, mm->vma[i], VM_SOFTDIRTY);
		else
			vm_flags_clear(mm->vma[i], VM_SOFTDIRTY);
	}
}

static bool any_vm_softdirty(const struct mm_struct *mm)
{
	sched_access(OBJ_VMA_LIST(mm), SCHED_READ);
	for (int i = 0; i < mm->nr_vmas; i++) {
		vma_access(mm->vma[i], SCHED_READ);
		if (mm->vma[i]->vm_flags & VM_SOFTDIRTY)
			return true;
	}
	return false;
}

/* Before 5.11 the walk ran under the read lock, but vm_flags may only
 * change under the write lock: upgrade (drop, retake for write), clear,
 * downgrade. The mutant skips the upgrade. */
static void clear_refs_lock(struct mm_struct *mm)
{
	if (policy.clear_refs_write_lock) {
		mmap_write_lock(mm);
		clear_vm_softdirty(mm);
		return;
	}
	mmap_read_lock(mm);
	if (!any_vm_softdirty(mm))
		return;
	if (policy.clear_refs_no_upgrade) {
		clear_vm_softdirty(mm); /* MUTANT: a data race with page faults */
		return;
	}
	mmap_read_unlock(mm);
	mmap_write_lock(mm);
	clear_vm_softdirty(mm);
	mmap_write_downgrade(mm);
}

static void clear_refs_unlock(struct mm_struct *mm)
{
	if (policy.clear_refs_write_lock)
		mmap_write_unlock(mm);
	else
		mmap_read_unlock(mm);
}

void sys_clear_refs(void)
{
	struct mm_struct *mm = current_mm();
	struct mmu_gather tlb;

	oracle_clear_refs_begin(mm->id);
	clear_refs_lock(mm);
	mm_trace("clear_refs P%d: \"4\" (soft-dirty)", mm->id);
	if (policy.clear_refs_tlb == CLEAR_REFS_GATHER)
		tlb_gather_mmu(&tlb, mm);
	else if (policy.clear_refs_tlb == CLEAR_REFS_FLUSH_PENDING)
		inc_tlb_flush_pending(mm);
	for (int va = 0; va < MM_NR_PAGES; va++) {
		const struct vm_area_struct *vma = find_vma(mm, va);

		if (vma)
			clear_soft_dirty(mm, vma, va);
	}
	switch (policy.clear_refs_tlb) {
	case CLEAR_REFS_GATHER:
		/* Nothing was batched with tlb_remove_*(): no flush (5.6-5.11). */
		tlb_finish_mmu(&tlb);
		break;
	case CLEAR_REFS_FLUSH_PENDING:
		flush_tlb_mm(mm);
		dec_tlb_flush_pending(mm);
		break;
	case CLEAR_REFS_FLUSH_MM:
		flush_tlb_mm(mm);
		break;
	}
	clear_refs_unlock(mm);
	oracle_clear_refs_end(mm->id);
}

bool sys_pagemap_read(int va)
{
	struct mm_struct *mm = current_mm();
	const struct vm_area_struct *vma;
	bool soft_dirty = false;

	mmap_read_lock(mm);
	vma = find_vma(mm, va);
	if (vma) {
		struct pte pte;

		spin_lock(&mm->ptl);
		pte = ptep_get(mm, va);
		vma_access(vma, SCHED_READ);
		soft_dirty = (vma->vm_flags & VM_SOFTDIRTY) || (pte.present && pte.soft_dirty);
		mm_point("pagemap_read", OBJ_ORACLE(mm->id, va), SCHED_READ,
			 "pagemap P%d va %d: soft-dirty %d", mm->id, va, soft_dirty);
		oracle_check_soft_dirty(mm->id, va, soft_dirty);
		spin_unlock(&mm->ptl);
	}
	mmap_read_unlock(mm);
	return soft_dirty;
}
