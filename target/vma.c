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
	for (int i = 0; i < mm->nr_vmas; i++)
		if (mm->vma[i].start <= va && va < mm->vma[i].end)
			return &mm->vma[i];
	return NULL;
}

bool is_cow_mapping(unsigned vm_flags)
{
	return (vm_flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

static void vma_insert_at(struct mm_struct *mm, int index, struct vm_area_struct v)
{
	memmove(&mm->vma[index + 1], &mm->vma[index],
		sizeof(mm->vma[0]) * (size_t)(mm->nr_vmas - index));
	mm->vma[index] = v;
	mm->nr_vmas++;
}

bool vma_insert_anon(struct mm_struct *mm, int start, int end)
{
	int index = 0;

	if (mm->nr_vmas >= MAX_VMAS)
		return false;
	for (int va = start; va < end; va++)
		if (find_vma(mm, va))
			return false;
	while (index < mm->nr_vmas && mm->vma[index].start < start)
		index++;
	vma_insert_at(mm, index,
		      (struct vm_area_struct){.start = start,
					      .end = end,
					      .vm_flags = VM_READ | VM_WRITE | VM_MAYWRITE,
					      .anon = true});
	return true;
}

void vma_remove_range(struct mm_struct *mm, int start, int end)
{
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
