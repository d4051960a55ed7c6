/* SPDX-License-Identifier: MIT */
/*
 * Stacks (mm/mmap.c): VMAs that grow down (VM_GROWSDOWN). A user access to
 * the free page just below one expands it from the page fault
 * (expand_stack) instead of raising SIGSEGV. The model has no stack guard
 * gap (a handful of pages): only the page right below the stack grows it.
 *
 * Under which mmap_lock mode that happens is policy.stack_expand_lock:
 * the read lock up to 6.4.0, where from 6.1 the expansion is a store to
 * the maple tree that frees a node other lookups under the read lock may
 * be walking (StackRot, CVE-2023-3269); the write lock from 6.4.1/6.5.
 * GUP does not expand stacks (a425ac5365f6 in 6.5; before, find_extend_vma
 * did: not modelled).
 */
#ifndef MMFUZZ_TARGET_STACK_H
#define MMFUZZ_TARGET_STACK_H

#include "model.h"

/*
 * The fault path's lookup missed va with mmap_lock held for read: grow the
 * stack that starts at va + 1 down over va. Returns the stack VMA with
 * mmap_lock held for read, or NULL with mmap_lock released (no stack to
 * grow there), as 6.5's expand_stack() does.
 */
struct vm_area_struct *expand_stack(struct mm_struct *mm, int va);

#endif
