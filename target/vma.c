/* SPDX-License-Identifier: MIT */
/*
 * VMAs as a small array sorted by address. Splitting on a partial unmap
 * keeps the invariant "one VMA per contiguous range with one set of
 * flags", as __split_vma does.
 */
#include "vma.h"

#include <string.h>

struct vm_area_struct *find_vma(struct mm_struct *mm, int va)
{
	sched_access(OBJ_VMA_LIST(mm), SCHED_READ);
	for (int i = 0; i < mm->nr_vmas; i++) {
		vma_access(&mm->vma[i], SCHED_READ);
		if (mm->vma[i].start <= va && va < mm->vma[i].end)
			return &mm->vma[i];
	}
	return NULL;
}

/* Every slot from `index` on, and the count, are rewritten. */
static void vma_slots_written(struct mm_struct *mm, int index)
{
	sched_access(OBJ_VMA_LIST(mm), SCHED_WRITE);
	for (int i = index; i < MAX_VMAS; i++)
		vma_access(&mm->vma[i], SCHED_WRITE);
}

bool is_cow_mapping(unsigned vm_flags)
{
	return (vm_flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

static void vma_insert_at(struct mm_struct *mm, int index, struct vm_area_struct v)
{
	vma_slots_written(mm, index);
	memmove(&mm->vma[index + 1], &mm->vma[index],
		sizeof(mm->vma[0]) * (size_t)(mm->nr_vmas - index));
	mm->vma[index] = v;
	mm->nr_vmas++;
}

static bool vma_insert(struct mm_struct *mm, struct vm_area_struct v)
{
	int index = 0;

	if (mm->nr_vmas >= MAX_VMAS)
		return false;
	for (int va = v.start; va < v.end; va++)
		if (find_vma(mm, va))
			return false;
	while (index < mm->nr_vmas && mm->vma[index].start < v.start)
		index++;
	vma_insert_at(mm, index, v);
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

struct vm_area_struct *vma_isolate(struct mm_struct *mm, int va)
{
	struct vm_area_struct *v = find_vma(mm, va);
	int i;

	if (!v)
		return NULL;
	i = (int)(v - mm->vma);
	vma_access(v, SCHED_WRITE);
	if (v->start < va) {
		struct vm_area_struct tail = *v;

		if (mm->nr_vmas >= MAX_VMAS)
			return NULL;
		tail.start = va;
		v->end = va;
		vma_insert_at(mm, ++i, tail);
	}
	v = &mm->vma[i];
	if (v->end > va + 1) {
		struct vm_area_struct tail = *v;

		if (mm->nr_vmas >= MAX_VMAS)
			return NULL;
		tail.start = va + 1;
		v->end = va + 1;
		vma_insert_at(mm, i + 1, tail);
	}
	return &mm->vma[i];
}

void vma_remove_range(struct mm_struct *mm, int start, int end)
{
	vma_slots_written(mm, 0);
	for (int i = 0; i < mm->nr_vmas; i++) {
		struct vm_area_struct *v = &mm->vma[i];

		if (v->end <= start || v->start >= end)
			continue;
		if (v->start < start && v->end > end && mm->nr_vmas < MAX_VMAS) {
			/* Hole in the middle: split in two. */
			struct vm_area_struct tail = *v;

			tail.start = end;
			v->end = start;
			vma_insert_at(mm, i + 1, tail);
			return;
		}
		if (v->start < start) {
			v->end = start;
			continue;
		}
		if (v->end > end) {
			v->start = end;
			continue;
		}
		memmove(v, v + 1, sizeof(*v) * (size_t)(mm->nr_vmas - i - 1));
		mm->nr_vmas--;
		i--;
	}
}
