/* SPDX-License-Identifier: MIT */
/*
 * A VMA's anon_vma, the root of the reverse map of its anonymous pages
 * (after mm/rmap.c): an object with a lifetime, freed when the last VMA
 * linked to it goes; the folios it maps point to it.
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
/* A copy of src (split, fork) is linked to src's anon_vma too. */
void anon_vma_clone(struct vm_area_struct *dst, const struct vm_area_struct *src);
/* vma leaves its anon_vma (unmapped, merged away, or emptied by
 * mremap(MREMAP_DONTUNMAP)), which is freed if no VMA is left linked to
 * it. The caller has write-locked vma. */
void unlink_anon_vmas(struct vm_area_struct *vma);
/* A merge: dst, without an anon_vma, takes src's (vma_merge). 0, or
 * -ENOMEM from an injected failure (dst is left without one). */
int dup_anon_vma(struct vm_area_struct *dst, struct vm_area_struct *src);
/* Teardown: an anon_vma still allocated is a leak (a link never dropped). */
bool anon_vma_check_leaks(char *report, size_t size);

#endif
