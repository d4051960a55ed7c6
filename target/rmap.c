/* SPDX-License-Identifier: MIT */
#include "rmap.h"

#include <stdio.h>

#include "mmap_lock.h"
#include "policy.h"
#include "syscalls.h"
#include "vma_lock.h"

static int anon_vma_id(const struct anon_vma *av)
{
	return (int)(av - M.anon_vma_slab);
}

/* kmem_cache_alloc(anon_vma_cachep), round-robin as the VMA slab is, so a
 * stale pointer finds its slot free. The slab's bookkeeping is shadow
 * memory: out of TSan's view. Sized to never run out (one per VMA). */
static MM_ATOMIC struct anon_vma *anon_vma_alloc(void)
{
	sched_access(&M.anon_vma_next, SCHED_WRITE);
	for (int n = 0; n < MAX_ANON_VMA_OBJS; n++) {
		int slot = (M.anon_vma_next + n) % MAX_ANON_VMA_OBJS;
		struct anon_vma *av = &M.anon_vma_slab[slot];

		sched_access(av, SCHED_READ);
		if (av->allocated)
			continue;
		sched_access(av, SCHED_WRITE);
		M.anon_vma_next = (slot + 1) % MAX_ANON_VMA_OBJS;
		*av = (struct anon_vma){.allocated = true};
		return av;
	}
	sched_fail("memory-safety", "anon-vma-slab-full", "more than %d anon_vmas",
		   MAX_ANON_VMA_OBJS);
}

/* anon_vma_chain_link(): vma is one more VMA the anon_vma's rmap covers.
 * The kernel links and unlinks under the anon_vma's root rwsem, shared by
 * every process a fork spread it to; the model makes each one step. */
static MM_ATOMIC void anon_vma_chain_link(struct vm_area_struct *vma, struct anon_vma *av)
{
	sched_access(av, SCHED_WRITE);
	if (!av->allocated)
		sched_fail("memory-safety", "use-after-free",
			   "VMA [%d, %d) of P%d linked to anon_vma #%d, already freed", vma->start,
			   vma->end, vma->mm, anon_vma_id(av));
	av->links++;
	vma->anon_vma = av;
}

/*
 * The last VMA left the anon_vma: put_anon_vma() frees it. A folio still
 * mapped that points to it (folio->mapping) can no longer be found by an
 * rmap walk, and the next walk (reclaim, migration, compaction) reads
 * freed memory: KASAN's report, made here where the model can see it.
 */
static MM_ATOMIC void anon_vma_free(struct anon_vma *av)
{
	for (int pfn = 1; pfn < NR_FRAMES; pfn++) {
		const struct folio *folio = &M.frame[pfn];

		if (folio->allocated && folio->mapcount > 0 && folio->anon_vma == av)
			sched_fail(
				"memory-safety", "use-after-free",
				"anon_vma #%d freed while frame %d, still mapped, points to it: "
				"no VMA linked to the anon_vma maps it, and the frame's next rmap "
				"walk reads freed memory",
				anon_vma_id(av), pfn);
	}
	av->allocated = false;
	mm_trace("put_anon_vma: anon_vma #%d freed", anon_vma_id(av));
}

/* The chain of a VMA that goes; the last one frees the anon_vma. */
static MM_ATOMIC void anon_vma_chain_unlink(struct anon_vma *av)
{
	sched_access(av, SCHED_WRITE);
	if (!av->allocated || av->links <= 0)
		sched_fail("memory-safety", "use-after-free", "a VMA left anon_vma #%d, %s",
			   anon_vma_id(av),
			   av->allocated ? "which no VMA was linked to" : "already freed");
	if (--av->links == 0)
		anon_vma_free(av);
}

/* The check and the set of anon_vma are one step: the kernel makes them
 * under mm->page_table_lock, a lock the model does not have. Kept out of
 * TSan's view like the model's other atomics. The model gives each VMA an
 * anon_vma of its own and shares one only through a split, fork or merge. */
static MM_ATOMIC bool anon_vma_test_and_set(struct vm_area_struct *vma)
{
	vma_access(vma, SCHED_READ);
	if (vma->anon_vma)
		return false;
	vma_access(vma, SCHED_WRITE);
	anon_vma_chain_link(vma, anon_vma_alloc());
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

void anon_vma_clone(struct vm_area_struct *dst, const struct vm_area_struct *src)
{
	if (src->anon_vma)
		anon_vma_chain_link(dst, src->anon_vma);
}

void unlink_anon_vmas(struct vm_area_struct *vma)
{
	struct anon_vma *av;

	vma_assert_write_locked(vma);
	vma_access(vma, SCHED_WRITE);
	av = vma->anon_vma;
	vma->anon_vma = NULL;
	if (av)
		anon_vma_chain_unlink(av);
}

/* The failslab knob is outside the model: one atomic step. */
MM_ATOMIC void sys_inject_enomem(void)
{
	mm_point("inject_enomem", &M.inject_enomem, SCHED_WRITE,
		 "fault injection: the next dup_anon_vma allocation fails");
	M.inject_enomem = true;
}

static MM_ATOMIC bool take_injected_enomem(void)
{
	bool fail = M.inject_enomem;

	sched_access(&M.inject_enomem, SCHED_WRITE);
	M.inject_enomem = false;
	return fail;
}

/*
 * A merge gives dst (which has no anon_vma) src's. From the assignment on,
 * a fault under dst's VMA lock takes dst for a VMA with an anon_vma and
 * maps pages that point to it; if the chain's allocation then fails, dst
 * is left unlinked and those pages outlive the anon_vma (B8c), unless dst
 * was write-locked first (d8ab9f7b644a, 6.4.8/6.5), which keeps such
 * faults out until mmap_write_unlock.
 */
int dup_anon_vma(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct mm_struct *mm = &M.proc[dst->mm].mm;

	mmap_assert_write_locked(mm);
	vma_access(src, SCHED_READ);
	vma_access(dst, SCHED_READ);
	if (!src->anon_vma || dst->anon_vma)
		return 0;
	if (policy.vma_lock_dup_anon_vma)
		vma_start_write(dst);
	vma_access(dst, SCHED_WRITE);
	dst->anon_vma = src->anon_vma;
	mm_trace("dup_anon_vma P%d: VMA [%d, %d) takes anon_vma #%d", mm->id, dst->start, dst->end,
		 anon_vma_id(src->anon_vma));
	/* anon_vma_clone's chain allocation, which may sleep. */
	mm_point("anon_vma_clone", dst, SCHED_WRITE,
		 "anon_vma_clone P%d: VMA [%d, %d) allocates its chain", mm->id, dst->start,
		 dst->end);
	if (take_injected_enomem()) {
		vma_access(dst, SCHED_WRITE);
		dst->anon_vma = NULL;
		mm_trace("anon_vma_clone P%d: -ENOMEM, VMA [%d, %d) left without anon_vma", mm->id,
			 dst->start, dst->end);
		return -12;
	}
	anon_vma_chain_link(dst, src->anon_vma);
	return 0;
}

bool anon_vma_check_leaks(char *report, size_t size)
{
	for (int i = 0; i < MAX_ANON_VMA_OBJS; i++) {
		const struct anon_vma *av = &M.anon_vma_slab[i];

		if (av->allocated) {
			snprintf(report, size,
				 "anon_vma #%d still allocated after every process exited: %d "
				 "VMA link(s)",
				 i, av->links);
			return true;
		}
	}
	return false;
}
