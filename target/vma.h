/* SPDX-License-Identifier: MIT */
/* VMAs of an address space: lookup, mapping and unmapping ranges. */
#ifndef MMFUZZ_TARGET_VMA_H
#define MMFUZZ_TARGET_VMA_H

#include "model.h"

/* The VMA containing va, or NULL. Caller holds mmap_lock. */
struct vm_area_struct *find_vma(struct mm_struct *mm, int va);
/* Private anon mappings are COW mappings: VM_MAYWRITE without VM_SHARED. */
bool is_cow_mapping(unsigned vm_flags);
/* Insert a private anonymous RW VMA for [start, end); false if any page
 * of the range is mapped already or no VMA slot is free. */
bool vma_insert_anon(struct mm_struct *mm, int start, int end);
/* Remove [start, end) from the VMA list, splitting VMAs as needed. */
void vma_remove_range(struct mm_struct *mm, int start, int end);

#endif
