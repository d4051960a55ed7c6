/* SPDX-License-Identifier: MIT */
/*
 * mremap(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP) of one private
 * anonymous page (after mm/mremap.c); the system call is sys_mremap_dontunmap
 * (syscalls.h).
 */
#ifndef MMFUZZ_TARGET_MREMAP_H
#define MMFUZZ_TARGET_MREMAP_H

#include "model.h"

/* move_page_tables() for one page: the PTE at old_va moves to new_va
 * under the page-table lock, the old translation flushed before the lock
 * is dropped; the oracles' promises for old_va move along. */
void move_page_tables(struct mm_struct *mm, int old_va, int new_va);

#endif
