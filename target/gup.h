/* SPDX-License-Identifier: MIT */
/*
 * get_user_pages (mm/gup.c): the slow path under the mmap lock
 * (__get_user_pages, follow_page_pte, faultin_page) and the lockless fast
 * path (get_user_pages_fast), with FOLL_GET references and FOLL_PIN pins.
 */
#ifndef MMFUZZ_TARGET_GUP_H
#define MMFUZZ_TARGET_GUP_H

#include "model.h"

#define FOLL_WRITE    0x01u
#define FOLL_GET      0x02u
#define FOLL_PIN      0x04u
#define FOLL_LONGTERM 0x08u

/* Slow path; caller holds mmap_lock for read. Returns the frame with a
 * reference (FOLL_GET) or pin (FOLL_PIN) taken, or -1 (EFAULT/ENOMEM). */
int __get_user_pages(struct mm_struct *mm, int va, unsigned gup_flags);
/* Lockless walk, falling back to the slow path. */
int get_user_pages_fast(struct mm_struct *mm, int va, unsigned gup_flags);
/* pin_user_pages(): FOLL_PIN through the slow path, taking mmap_lock. */
int pin_user_pages(struct mm_struct *mm, int va, unsigned gup_flags);
void unpin_user_page(int pfn);

#endif
