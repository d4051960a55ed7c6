/* SPDX-License-Identifier: MIT */
/* Page frames: allocation, references, pins, mapcount and the page lock. */
#ifndef MMFUZZ_TARGET_FOLIO_H
#define MMFUZZ_TARGET_FOLIO_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

struct folio *pfn_folio(int pfn);
int folio_pfn(const struct folio *folio);

/* A fresh anonymous page: refcount 1, zero-filled. -1 when out of memory. */
int folio_alloc_anon(void);
/* A fresh page-cache page for file page `index`: refcount 1 (the
 * cache's), not uptodate until its read I/O completes. */
int folio_alloc_pagecache(int index);
bool folio_uptodate(const struct folio *folio);
void folio_set_uptodate(struct folio *folio, bool uptodate);
/* Teardown only, outside any thread: the page cache lets go of a page. */
void folio_release_cache_ref(struct folio *folio);
void folio_get(struct folio *folio);
/* Drop a reference; the frame is freed at zero. Underflow is O9. */
void folio_put(struct folio *folio);
/* FOLL_PIN accounting: refcount += GUP_PIN_COUNTING_BIAS. */
void folio_pin(struct folio *folio);
void folio_unpin(struct folio *folio);
/* GUP-fast's grab: no reference is taken on a frame whose refcount has
 * already dropped to zero (it may be freed and reused under us). */
bool folio_try_get(struct folio *folio, bool pin);
/* The kernel's heuristic: page_maybe_dma_pinned(). */
bool folio_maybe_dma_pinned(const struct folio *folio);

/* PG_anon_exclusive, with the kernel's atomic bit operations. */
bool PageAnonExclusive(const struct folio *folio);
void SetPageAnonExclusive(struct folio *folio);
void ClearPageAnonExclusive(struct folio *folio);

/* rmap: a page table maps the page. */
/* vma: the VMA that maps it first; the folio points to its anon_vma. */
void page_add_new_anon_rmap(struct folio *folio, const struct vm_area_struct *vma);
void page_add_file_rmap(struct folio *folio);
void page_dup_rmap(struct folio *folio);
void page_remove_rmap(struct folio *folio);

void lock_page(struct folio *folio);
bool trylock_page(struct folio *folio);
void unlock_page(struct folio *folio);
/* Sleep until the page is unlocked, without taking the lock. */
void folio_wait_locked(struct folio *folio);

/* A word of page content, as a CPU, a device or the kernel's copy loop
 * reads and writes it: one access, never torn. */
wseq_t page_word_load(const struct folio *folio, int word);
void page_word_store(struct folio *folio, int word, wseq_t value);

/* Copy the content of src into dst (copy_user_highpage): one word at a
 * time, each a scheduling point, so a concurrent store can tear it. */
void copy_user_highpage(struct folio *dst, struct folio *src);

/* O9: any access to a frame that is not allocated. */
void folio_check_live(const struct folio *folio, const char *what);

/* End-of-execution check, outside any thread: every frame freed (O9
 * "leak"). Returns true with an explanation in report on a leak. */
bool folio_check_leaks(char *report, size_t len);
/* After every process exited: no frame is still mapped or pinned (a page
 * cache page would otherwise be dropped mapped). True with a report if one
 * is; *kind is "rmap-leak" or "pin-leak". */
bool folio_check_unmapped(char *report, size_t len, const char **kind);

#endif
