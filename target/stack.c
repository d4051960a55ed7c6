/* SPDX-License-Identifier: MIT */
/*
 * Stack VMAs and their growth from the page fault, after mm/mmap.c
 * (expand_stack, expand_downwards) and mm/memory.c (lock_mm_and_find_vma).
 */
#include "stack.h"

#include "mmap_lock.h"
#include "oracle.h"
#include "policy.h"
#include "syscalls.h"
#include "vma.h"
#include "vma_lock.h"

bool sys_mmap_stack(int va)
{
	struct mm_struct *mm = current_mm();
	bool ok;

	mmap_write_lock(mm);
	ok = vma_insert_anon_flags(mm, va, va + 1, VM_GROWSDOWN);
	if (ok)
		oracle_mapped(mm->id, va, false);
	mm_trace("mmap(MAP_GROWSDOWN) P%d va %d: %s", mm->id, va, ok ? "mapped" : "EEXIST");
	mmap_write_unlock(mm);
	return ok;
}

/* The stack va would grow: the VM_GROWSDOWN VMA starting at va + 1. */
static struct vm_area_struct *stack_above(struct mm_struct *mm, int va)
{
	struct vm_area_struct *vma;

	if (va + 1 >= MM_NR_PAGES)
		return NULL;
	vma = find_vma(mm, va + 1);
	if (!vma)
		return NULL;
	vma_access(vma, SCHED_READ);
	return vma->start == va + 1 && (vma->vm_flags & VM_GROWSDOWN) ? vma : NULL;
}

/*
 * Under the read lock the new start is stored while other lookups under
 * the read lock read it (the kernel serialised only the expanders, with
 * page_table_lock): a lockless store, kept out of TSan's view. What went
 * wrong in 6.1-6.4.0 is the tree's node, which the memory-safety oracle
 * judges (vma_tree_walk).
 */
static MM_ATOMIC void vma_grow_start_unlocked(struct vm_area_struct *vma, int va)
{
	vma_access(vma, SCHED_WRITE);
	vma->start = va;
}

/*
 * Grow vma down over the page va (expand_downwards). The check that it
 * still starts above va and the store are one step: expanders racing
 * under the read lock were serialised, and the second found nothing to
 * do. The new range is a store to the tree, except with the rbtree
 * (<= 6.0), whose nodes are the VMAs themselves.
 */
static void expand_downwards(struct mm_struct *mm, struct vm_area_struct *vma, int va)
{
	bool write_locked = policy.stack_expand_lock == STACK_EXPAND_WRITE;

	if (write_locked) {
		mmap_assert_write_locked(mm);
		/* c137381f71ae: no VMA-locked fault may see the range move. */
		vma_start_write(vma);
	} else {
		mmap_assert_locked(mm);
	}
	mm_point("expand_downwards", vma, SCHED_WRITE,
		 "expand_downwards P%d: stack [%d, %d) grows down to %d under the mmap %s lock",
		 mm->id, vma->start, vma->end, va, write_locked ? "write" : "read");
	vma_access(vma, SCHED_READ);
	if (vma->start <= va)
		return;
	if (write_locked) {
		vma_access(vma, SCHED_WRITE);
		vma->start = va;
	} else {
		vma_grow_start_unlocked(vma, va);
	}
	if (policy.stack_expand_lock != STACK_EXPAND_READ_RBTREE)
		vma_tree_store(mm);
	oracle_mapped(mm->id, va, false);
}

/* >= 6.4.1/6.5 (8d7071af8907): expand with the write lock held. The read
 * lock cannot be upgraded: drop it, take the write lock, look again (the
 * stack may have grown, or gone), expand, downgrade. */
static struct vm_area_struct *expand_stack_write_locked(struct mm_struct *mm, int va)
{
	struct vm_area_struct *vma;

	mmap_read_unlock(mm);
	mmap_write_lock(mm);
	vma = find_vma(mm, va);
	if (!vma) {
		vma = stack_above(mm, va);
		if (!vma) {
			mmap_write_unlock(mm);
			return NULL;
		}
		expand_downwards(mm, vma, va);
	}
	mmap_write_downgrade(mm);
	return vma;
}

struct vm_area_struct *expand_stack(struct mm_struct *mm, int va)
{
	struct vm_area_struct *vma = NULL;

	mmap_assert_locked(mm);
	/* No VM_GROWSDOWN VMA ever: nothing to look for (and programs
	 * without a stack keep their steps). */
	if (mm->had_stack)
		vma = stack_above(mm, va);
	if (!vma) {
		mmap_read_unlock(mm);
		return NULL;
	}
	if (policy.stack_expand_lock == STACK_EXPAND_WRITE)
		return expand_stack_write_locked(mm, va);
	/* <= 6.4.0: expand_stack(vma, address) under the read lock. */
	expand_downwards(mm, vma, va);
	return vma;
}
