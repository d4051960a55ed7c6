/* SPDX-License-Identifier: MIT */
/*
 * VMAs: objects from a slab, and each mm's tree of them (a small array of
 * pointers sorted by address standing in for the maple tree). Splitting on
 * a partial unmap keeps the invariant "one VMA per contiguous range with
 * one set of flags", as __split_vma does.
 *
 * A VMA that leaves the tree is detached and freed through call_rcu()
 * when faults walk the tree under RCU (per-VMA locks, 6.4+), at once
 * before. Slots are handed out round-robin, so a stale pointer finds its
 * slot free (a use-after-free the oracle reports) rather than reused.
 */
#include "vma.h"

#include <string.h>

#include "policy.h"
#include "scheduler/ordering.h"
#include "vma_lock.h"

void vma_use_after_free(const struct vm_area_struct *vma)
{
	sched_fail("memory-safety", "use-after-free",
		   "T%d touched VMA V%d [%d, %d) of P%d after it was freed", sched_self(),
		   (int)(vma - M.vma_slab), vma->start, vma->end, vma->mm);
}

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	/* The slab's cursor is shared by every process: which slot a VMA gets
	 * depends on every allocation before it, in any mm. */
	sched_access(&M.vma_next, SCHED_WRITE);
	for (int n = 0; n < MAX_VMA_OBJS; n++) {
		int slot = (M.vma_next + n) % MAX_VMA_OBJS;
		struct vm_area_struct *v = &M.vma_slab[slot];

		sched_access(v, SCHED_READ);
		if (v->allocated)
			continue;
		sched_access(v, SCHED_WRITE);
		M.vma_next = (slot + 1) % MAX_VMA_OBJS;
		*v = (struct vm_area_struct){
			.mm = mm->id,
			.allocated = true,
			.vm_lock = v->vm_lock, /* initialised once, named after the slot */
			.vm_lock_seq = -1,
		};
		return v;
	}
	mm_trace("vm_area_alloc P%d: the VMA slab is empty (ENOMEM)", mm->id);
	return NULL;
}

struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig, struct mm_struct *mm)
{
	struct vm_area_struct *v = vm_area_alloc(mm);

	if (!v)
		return NULL;
	vma_access(orig, SCHED_READ);
	v->start = orig->start;
	v->end = orig->end;
	v->vm_flags = orig->vm_flags;
	v->anon = orig->anon;
	v->file = orig->file;
	v->anon_vma = orig->anon_vma;
	return v;
}

static void vm_area_free_rcu_cb(struct rcu_head *head)
{
	struct vm_area_struct *v =
		(struct vm_area_struct *)((char *)head - offsetof(struct vm_area_struct, rcu));

	sched_access(v, SCHED_WRITE);
	v->allocated = false;
}

void vm_area_free(struct vm_area_struct *vma)
{
	vma_access(vma, SCHED_WRITE);
	if (policy.per_vma_lock && !policy.vma_free_at_once)
		call_rcu(&vma->rcu, vm_area_free_rcu_cb);
	else
		vm_area_free_rcu_cb(&vma->rcu);
}

struct vm_area_struct *find_vma(struct mm_struct *mm, int va)
{
	sched_access(OBJ_VMA_LIST(mm), SCHED_READ);
	for (int i = 0; i < mm->nr_vmas; i++) {
		struct vm_area_struct *v = mm->vma[i];

		vma_access(v, SCHED_READ);
		if (v->start <= va && va < v->end)
			return v;
	}
	return NULL;
}

bool is_cow_mapping(unsigned vm_flags)
{
	return (vm_flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

/* Publish v in the tree, in address order. */
void vma_link(struct mm_struct *mm, struct vm_area_struct *v)
{
	int index = 0;

	sched_access(OBJ_VMA_LIST(mm), SCHED_WRITE);
	/* rcu_assign_pointer: a lockless walker that finds v sees it whole. */
	release_ordering(OBJ_VMA_LIST(mm));
	while (index < mm->nr_vmas && mm->vma[index]->start < v->start)
		index++;
	memmove(&mm->vma[index + 1], &mm->vma[index],
		sizeof(struct vm_area_struct *) * (size_t)(mm->nr_vmas - index));
	mm->vma[index] = v;
	mm->nr_vmas++;
	vma_mark_detached(v, false);
}

/* Take the VMA at `index` out of the tree and free it (the caller has
 * write-locked it). */
static void vma_unlink_free(struct mm_struct *mm, int index)
{
	struct vm_area_struct *v = mm->vma[index];

	sched_access(OBJ_VMA_LIST(mm), SCHED_WRITE);
	memmove(&mm->vma[index], &mm->vma[index + 1],
		sizeof(struct vm_area_struct *) * (size_t)(mm->nr_vmas - index - 1));
	mm->nr_vmas--;
	vma_mark_detached(v, true);
	vm_area_free(v);
}

static bool vma_insert(struct mm_struct *mm, struct vm_area_struct tmpl)
{
	struct vm_area_struct *v;

	if (mm->nr_vmas >= MAX_VMAS)
		return false;
	for (int va = tmpl.start; va < tmpl.end; va++)
		if (find_vma(mm, va))
			return false;
	v = vm_area_alloc(mm);
	if (!v)
		return false;
	v->start = tmpl.start;
	v->end = tmpl.end;
	v->vm_flags = tmpl.vm_flags;
	v->anon = tmpl.anon;
	v->file = tmpl.file;
	vma_link(mm, v);
	return true;
}

/* A new mapping is soft-dirty as a whole until the next clear_refs. */
bool vma_insert_anon(struct mm_struct *mm, int start, int end)
{
	return vma_insert(mm, (struct vm_area_struct){.start = start,
						      .end = end,
						      .vm_flags = VM_READ | VM_WRITE | VM_MAYWRITE |
								  VM_SOFTDIRTY,
						      .anon = true});
}

bool vma_insert_file(struct mm_struct *mm, int va, enum file_map mode)
{
	static const unsigned flags[] = {
		/* A private mapping keeps VM_MAYWRITE even of a read-only
		 * file: it is a COW mapping, which FOLL_FORCE may write. */
		[MAP_PRIVATE_RO] = VM_READ | VM_MAYWRITE,
		[MAP_PRIVATE_RW] = VM_READ | VM_WRITE | VM_MAYWRITE,
		[MAP_SHARED_RW] = VM_READ | VM_WRITE | VM_MAYWRITE | VM_SHARED | VM_MAYSHARE,
		/* MAP_SHARED of a file opened read-only: never writable. */
		[MAP_SHARED_RO] = VM_READ | VM_MAYSHARE,
	};

	return vma_insert(mm, (struct vm_area_struct){.start = va,
						      .end = va + 1,
						      .vm_flags = flags[mode] | VM_SOFTDIRTY,
						      .file = true});
}

/* __split_vma: v keeps [start, at), a new VMA takes [at, end). */
static struct vm_area_struct *vma_split(struct mm_struct *mm, struct vm_area_struct *v, int at)
{
	struct vm_area_struct *tail;

	if (mm->nr_vmas >= MAX_VMAS)
		return NULL;
	tail = vm_area_dup(v, mm);
	if (!tail)
		return NULL;
	vma_start_write(v);
	vma_access(v, SCHED_WRITE);
	tail->start = at;
	v->end = at;
	vma_link(mm, tail);
	return tail;
}

struct vm_area_struct *vma_isolate(struct mm_struct *mm, int va)
{
	struct vm_area_struct *v = find_vma(mm, va);

	if (!v)
		return NULL;
	if (v->start < va) {
		v = vma_split(mm, v, va);
		if (!v)
			return NULL;
	}
	if (v->end > va + 1 && !vma_split(mm, v, va + 1))
		return NULL;
	return v;
}

void vma_remove_range(struct mm_struct *mm, int start, int end)
{
	sched_access(OBJ_VMA_LIST(mm), SCHED_READ);
	for (int i = 0; i < mm->nr_vmas; i++) {
		struct vm_area_struct *v = mm->vma[i];

		vma_access(v, SCHED_READ);
		if (v->end <= start || v->start >= end)
			continue;
		if (v->start < start && v->end > end) {
			/* Hole in the middle: split in two, unmap nothing else. */
			if (vma_split(mm, v, end)) {
				vma_start_write(v);
				v->end = start;
			}
			return;
		}
		vma_start_write(v);
		vma_access(v, SCHED_WRITE);
		if (v->start < start) {
			v->end = start;
			continue;
		}
		if (v->end > end) {
			v->start = end;
			continue;
		}
		vma_unlink_free(mm, i);
		i--;
	}
}
