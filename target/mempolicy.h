/* SPDX-License-Identifier: MIT */
/*
 * NUMA memory policies of VMAs (mm/mempolicy.c): refcounted objects that
 * mbind() installs in vma->vm_policy and that an anonymous page
 * allocation in a fault reads (vma_alloc_folio).
 */
#ifndef MMFUZZ_TARGET_MEMPOLICY_H
#define MMFUZZ_TARGET_MEMPOLICY_H

#include <stddef.h>

#include "model.h"

/* A new policy with one reference (the slab never runs out: see
 * MAX_MPOL_OBJS). */
struct mempolicy *mpol_new(void);
/* A copy of pol with a reference of its own, NULL for NULL (the default
 * policy): what a VMA copied by fork or split gets (vma_dup_policy). */
struct mempolicy *mpol_dup(struct mempolicy *pol);
/* Drop a reference; the last one frees the policy at once. NULL is the
 * default policy, never freed. */
void mpol_put(struct mempolicy *pol);

/* Allocate the anonymous page of a fault at va, on the node vma's policy
 * asks for. The caller holds the fault's lock (fault_flags say which).
 * The frame, or -1 if memory is exhausted. */
int vma_alloc_folio(struct vm_area_struct *vma, int va, unsigned fault_flags);

/* End-of-execution check, outside any thread: every policy went with its
 * last VMA. True with an explanation in report if one is still allocated
 * (a reference leaked: memory-safety "leak"). */
bool mpol_check_leaks(char *report, size_t size);

#endif
