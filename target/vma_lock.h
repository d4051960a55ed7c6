/* SPDX-License-Identifier: MIT */
/*
 * Per-VMA locks (6.4+, include/linux/mm.h and mm/memory.c): most page
 * faults find their VMA by an RCU walk of the tree and read-lock just that
 * VMA, taking no mmap_lock. A writer holding mmap_lock for write excludes
 * such a fault only from the VMAs it write-locked with vma_start_write();
 * there is no per-VMA unlock: mmap_write_unlock() bumps mm_lock_seq
 * (vma_end_write_all), which unlocks every VMA locked in that section.
 *
 * With policy.per_vma_lock off (before 6.4) none of this exists: faults
 * take mmap_lock, vma_start_write() and vma_end_write_all() do nothing.
 */
#ifndef MMFUZZ_TARGET_VMA_LOCK_H
#define MMFUZZ_TARGET_VMA_LOCK_H

#include "model.h"

/* Try to read-lock a VMA for a fault; false if it is write-locked (or
 * its lock is contended): the fault falls back to mmap_lock. */
bool vma_start_read(struct vm_area_struct *vma);
void vma_end_read(struct vm_area_struct *vma);
/* Caller holds mmap_lock for write: exclude VMA-locked faults from vma
 * until the mmap_write_unlock. Waits for faults inside it. */
void vma_start_write(struct vm_area_struct *vma);
void vma_assert_write_locked(const struct vm_area_struct *vma);
/* mmap_write_unlock / mmap_write_downgrade: every write-locked VMA of mm
 * is unlocked. */
void vma_end_write_all(struct mm_struct *mm);
/* The VMA leaves (true) or joins (false) its mm's tree. */
void vma_mark_detached(struct vm_area_struct *vma, bool detached);

/* vm_flags change only with the VMA write-locked (6.4's vm_flags_*()). */
void vm_flags_set(struct vm_area_struct *vma, unsigned flags);
void vm_flags_clear(struct vm_area_struct *vma, unsigned flags);

/* The fault path's lookup: the VMA containing va, read-locked, or NULL
 * when the fault must take mmap_lock instead (lock_vma_under_rcu). */
struct vm_area_struct *lock_vma_under_rcu(struct mm_struct *mm, int va);

#endif
