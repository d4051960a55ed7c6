/* SPDX-License-Identifier: MIT */
/*
 * Changing the protection of present PTEs (mm/mprotect.c): mprotect() and
 * userfaultfd write-protection share change_protection(), which flushes
 * the TLBs once at the end, with tlb_flush_pending raised meanwhile.
 */
#ifndef MMFUZZ_TARGET_MPROTECT_H
#define MMFUZZ_TARGET_MPROTECT_H

#include "model.h"

enum change_prot {
	CP_MPROTECT,	    /* to the VMA's (new) protection */
	CP_UFFD_WP,	    /* write-protect, set the uffd-wp bit */
	CP_UFFD_WP_RESOLVE, /* clear the uffd-wp bit */
};

/* Caller holds the mmap_lock (read for uffd, write for mprotect). */
void change_protection(struct mm_struct *mm, const struct vm_area_struct *vma, int start, int end,
		       enum change_prot cp);

/* mprotect(va, 1 page, PROT_READ or PROT_READ|PROT_WRITE). */
bool sys_mprotect(int va, bool writable);

#endif
