/* SPDX-License-Identifier: MIT */
/*
 * The page cache of the file scenarios map (mm/filemap.c).
 *
 * A miss allocates a locked, not-uptodate page, inserts it, and reads it:
 * the read is a sleep (io_schedule) after which the page is uptodate, or
 * not if an I/O error was injected. Faults that find a page under I/O
 * wait for its lock. With FAULT_FLAG_ALLOW_RETRY the fault handler drops
 * the mmap_lock before it sleeps and returns VM_FAULT_RETRY.
 */
#ifndef MMFUZZ_TARGET_FILEMAP_H
#define MMFUZZ_TARGET_FILEMAP_H

#include "model.h"

/* The ->fault of the file. On success (0) *pfn holds a reference on the
 * uptodate page-cache page; else VM_FAULT_* bits (RETRY: the fault's lock
 * was dropped). Entered with the mmap_lock held for read, or (>= 6.7,
 * FAULT_FLAG_VMA_LOCK) vma's read lock, which is the one dropped. */
int filemap_fault(struct mm_struct *mm, struct vm_area_struct *vma, int va, unsigned fault_flags,
		  int *pfn);

/* Teardown, outside any thread: drop the page cache's references. */
void truncate_inode_pages_final(void);

#endif
