/* SPDX-License-Identifier: MIT */
/*
 * Page faults on anonymous memory (mm/memory.c): handle_mm_fault and the
 * COW decision in do_wp_page, plus zapping page ranges.
 */
#ifndef MMFUZZ_TARGET_FAULT_H
#define MMFUZZ_TARGET_FAULT_H

#include "model.h"

#define FAULT_FLAG_WRITE   0x1u
#define FAULT_FLAG_UNSHARE 0x2u /* 5.19: break COW for a R/O pin, map R/O */

#define VM_FAULT_OOM	 0x1
#define VM_FAULT_SIGSEGV 0x2

/* Caller holds mmap_lock for read. Returns 0 or VM_FAULT_* bits; 0 may
 * mean "raced, nothing done": the caller retries the access. */
int handle_mm_fault(struct mm_struct *mm, struct vm_area_struct *vma, int va, unsigned flags);

/* Clear the PTEs of [start, end), dropping rmap and references. Caller
 * holds mmap_lock (read for MADV_DONTNEED, write for munmap/exit).
 * `unmap`: the range is going away (munmap, exit) rather than zero-filled. */
void zap_page_range(struct mm_struct *mm, int start, int end, bool unmap);

#endif
