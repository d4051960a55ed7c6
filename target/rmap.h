/* SPDX-License-Identifier: MIT */
/*
 * A VMA's anon_vma, the root of the reverse map of its anonymous pages
 * (after mm/rmap.c). The model keeps only whether a VMA has one.
 */
#ifndef MMFUZZ_TARGET_RMAP_H
#define MMFUZZ_TARGET_RMAP_H

#include "model.h"

/*
 * Give vma an anon_vma before its first anonymous page, sharing a
 * neighbour's if it can (find_mergeable_anon_vma). The caller holds
 * mmap_lock, or (6.4's check-before-lock race, B8b) only vma's own lock:
 * then the neighbours it reads may be unmapped and freed under it.
 */
void anon_vma_prepare(struct vm_area_struct *vma);
/* mremap(MREMAP_DONTUNMAP) emptied vma: it drops its anon_vma. The
 * caller has write-locked vma. */
void unlink_anon_vmas(struct vm_area_struct *vma);

#endif
