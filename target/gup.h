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
#define FOLL_FORCE    0x10u /* write even where the VMA is read-only (COW mappings) */
#define FOLL_COW      0x20u /* 4.9-5.19: COW was broken for this FOLL_FORCE write */
#define FOLL_TRIED    0x40u /* a retry after the mmap_lock was dropped */

/*
 * Slow path: look up and grab the page at va (a reference for FOLL_GET, a
 * pin for FOLL_PIN), faulting it in as needed, with the mmap_lock held for
 * read (*locked == 1). A fault handler may drop the lock: then *locked
 * becomes 0 and -EBUSY (retry) or -EAGAIN (go again) is returned. Returns
 * the frame, or a negative errno.
 */
int __get_user_pages(struct mm_struct *mm, int va, unsigned *gup_flags, int *locked);
/* __get_user_pages_locked(): entered with the lock held (*locked == 1),
 * go again while a fault dropped it; returns with the lock held iff
 * *locked. The frame or a negative errno. */
int __get_user_pages_locked(struct mm_struct *mm, int va, unsigned gup_flags, int *locked);
/* The same, taking the lock first and releasing it if still held. The
 * frame or -1. */
int get_user_pages_locked(struct mm_struct *mm, int va, unsigned gup_flags);
/* Lockless walk, falling back to the slow path. */
int get_user_pages_fast(struct mm_struct *mm, int va, unsigned gup_flags);
/* pin_user_pages(): FOLL_PIN through the slow path, taking mmap_lock. */
int pin_user_pages(struct mm_struct *mm, int va, unsigned gup_flags);
void unpin_user_page(int pfn);
/* Drop what a lookup with these flags took: a pin or a reference. */
void gup_put_folio(struct folio *folio, unsigned gup_flags);
/* mm->has_pinned (MMF_HAS_PINNED, 5.9+): set before the first pin. */
void mm_set_has_pinned(struct mm_struct *mm);
bool mm_has_pinned(const struct mm_struct *mm);

#endif
