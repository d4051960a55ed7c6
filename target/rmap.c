/* SPDX-License-Identifier: MIT */
#include "rmap.h"

#include "mmap_lock.h"
#include "policy.h"
#include "vma_lock.h"

/* The check and the set of anon_vma are one step: the kernel makes them
 * under mm->page_table_lock, a lock the model does not have. Kept out of
 * TSan's view like the model's other atomics. */
static MM_ATOMIC bool anon_vma_test_and_set(struct vm_area_struct *vma)
{
	vma_access(vma, SCHED_READ);
	if (vma->anon_vma)
		return false;
	vma_access(vma, SCHED_WRITE);
	vma->anon_vma = true;
	return true;
}

/*
 * The neighbours find_mergeable_anon_vma() looks at, from the tree: the
 * VMA that starts where vma ends, and the one before vma. A read of the
 * tree that no lock of the caller's keeps still (B8b), hence hidden from
 * TSan; the VMAs found are not read yet.
 */
static MM_ATOMIC void vma_neighbours(struct mm_struct *mm, const struct vm_area_struct *vma,
				     struct vm_area_struct **prev, struct vm_area_struct **next)
{
	*prev = NULL;
	*next = NULL;
	sched_access(OBJ_VMA_LIST(mm), SCHED_READ);
	for (int i = 0; i < mm->nr_vmas; i++) {
		if (mm->vma[i] != vma)
			continue;
		if (i > 0)
			*prev = mm->vma[i - 1];
		if (i + 1 < mm->nr_vmas) {
			vma_access(mm->vma[i + 1], SCHED_READ); /* the tree's pivot */
			if (mm->vma[i + 1]->start == vma->end)
				*next = mm->vma[i + 1];
		}
		return;
	}
}

/* reusable_anon_vma(): does the neighbour have an anon_vma vma may share
 * (adjacent, same flags)? Reads the neighbour: a use-after-free if it
 * was freed since the tree was read. */
static MM_ATOMIC bool reusable_anon_vma(const struct vm_area_struct *vma,
					const struct vm_area_struct *old)
{
	vma_access(old, SCHED_READ);
	vma_access(vma, SCHED_READ);
	if (old->end != vma->start && vma->end != old->start)
		return false;
	return old->anon_vma && old->vm_flags == vma->vm_flags;
}

/*
 * find_mergeable_anon_vma() without mmap_lock: between finding a
 * neighbour in the tree and reading it, munmap may free it (its free
 * waits for RCU readers, but this walk is not one). The scheduling point
 * is only on this path, which only 6.4's race reaches: programs that
 * never get there keep their schedules.
 */
static void find_mergeable_anon_vma_unlocked(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *prev, *next;
	struct vm_area_struct *candidates[2];

	vma_neighbours(mm, vma, &prev, &next);
	candidates[0] = next; /* the next VMA first, as the kernel does */
	candidates[1] = prev;
	for (int i = 0; i < 2; i++) {
		struct vm_area_struct *old = candidates[i];

		if (!old)
			continue;
		mm_point("find_mergeable_anon_vma", old, SCHED_READ,
			 "find_mergeable_anon_vma P%d: read %s VMA V%d without mmap_lock", mm->id,
			 old == next ? "next" : "previous", (int)(old - M.vma_slab));
		if (reusable_anon_vma(vma, old))
			return;
	}
}

static MM_ATOMIC bool vma_has_anon_vma(const struct vm_area_struct *vma)
{
	vma_access(vma, SCHED_READ);
	return vma->anon_vma;
}

void anon_vma_prepare(struct vm_area_struct *vma)
{
	struct mm_struct *mm = &M.proc[vma->mm].mm;

	if (vma_has_anon_vma(vma))
		return;
	/* Choosing the anon_vma reads the neighbouring VMAs, which only
	 * mmap_lock keeps in place; the kernel asserts it since 6.10. A fault
	 * gets here under its VMA lock alone only after 6.4's check before
	 * the lock (lock_vma_under_rcu) saw an anon_vma that mremap then
	 * removed. */
	if (policy.vma_lock_anon_vma_check == ANON_VMA_CHECK_IN_FAULT)
		mmap_assert_locked(mm);
	if (sched_self() >= 0 && !rwsem_held_by_me(&mm->mmap_lock))
		find_mergeable_anon_vma_unlocked(mm, vma);
	anon_vma_test_and_set(vma);
}

void unlink_anon_vmas(struct vm_area_struct *vma)
{
	vma_assert_write_locked(vma);
	vma_access(vma, SCHED_WRITE);
	vma->anon_vma = false;
}
