/* SPDX-License-Identifier: MIT */
/*
 * Page frames. The shared zero page is frame 0: never allocated by
 * folio_alloc_anon(), never freed, never written. Frames are handed out
 * lowest-first so that a freed frame is reused at once: a stale reference
 * then points at someone else's data, which is what the oracles look for.
 */
#include "folio.h"

#include <stdio.h>
#include <string.h>

#include "policy.h"
#include "tlb.h"

/* The frame allocator's free list: which frame an allocation finds
 * depends on every allocation and free before it. */
static const char frame_allocator;

/* A folio's counters (refcount, mapcount, pincount) are the folio, its
 * flags (allocated, anon, exclusive, page cache, uptodate) another object
 * (OBJ_FOLIO_FLAGS), each word of content one more. */
static void folio_counters_access(const struct folio *folio, enum sched_access_mode mode)
{
	sched_access(folio, mode);
}

static void folio_flags_access(const struct folio *folio, enum sched_access_mode mode)
{
	sched_access(OBJ_FOLIO_FLAGS(folio), mode);
}

struct folio *pfn_folio(int pfn)
{
	return &M.frame[pfn];
}

int folio_pfn(const struct folio *folio)
{
	return (int)(folio - M.frame);
}

MM_ATOMIC void folio_check_live(const struct folio *folio, const char *what)
{
	folio_flags_access(folio, SCHED_READ);
	if (folio_pfn(folio) != ZERO_PFN && !folio->allocated)
		sched_fail("memory-safety", "use-after-free", "%s: frame %d is free", what,
			   folio_pfn(folio));
}

static MM_ATOMIC int folio_alloc(bool anon)
{
	mm_point("alloc_page", &frame_allocator, SCHED_WRITE, "alloc_page");
	/* Find and claim in one step: no scheduling point in between. */
	for (int pfn = 1; pfn < NR_FRAMES; pfn++) {
		struct folio *f = &M.frame[pfn];

		if (f->allocated)
			continue;
		folio_counters_access(f, SCHED_WRITE);
		folio_flags_access(f, SCHED_WRITE);
		for (int w = 0; w < PAGE_WORDS; w++)
			sched_access(&f->data[w], SCHED_WRITE);
		mm_trace("alloc_page -> frame %d", pfn);
		f->allocated = true;
		f->anon = anon;
		f->anon_exclusive = false;
		f->anon_vma = NULL;
		f->pagecache = !anon;
		f->index = 0;
		f->uptodate = anon;
		f->refcount = 1;
		f->mapcount = 0;
		f->pincount = 0;
		memset(f->data, 0, sizeof(f->data));
		sched_trace_mix(0xa110c000u + (unsigned)pfn);
		return pfn;
	}
	return -1;
}

int folio_alloc_anon(void)
{
	return folio_alloc(true);
}

MM_ATOMIC int folio_alloc_pagecache(int index)
{
	int pfn = folio_alloc(false);

	if (pfn > 0)
		M.frame[pfn].index = index; /* recorded by folio_alloc() */
	return pfn;
}

MM_ATOMIC bool folio_uptodate(const struct folio *folio)
{
	folio_flags_access(folio, SCHED_READ);
	return folio->uptodate;
}

MM_ATOMIC void folio_set_uptodate(struct folio *folio, bool uptodate)
{
	folio_flags_access(folio, SCHED_WRITE);
	folio->uptodate = uptodate;
}

void folio_release_cache_ref(struct folio *folio)
{
	if (--folio->refcount == 0) {
		folio->allocated = false;
		folio->pagecache = false;
	}
}

static MM_ATOMIC void folio_free(struct folio *f)
{
	folio_counters_access(f, SCHED_READ);
	if (f->mapcount != 0)
		sched_fail("memory-safety", "freed-while-mapped", "frame %d freed with mapcount %d",
			   folio_pfn(f), f->mapcount);
	tlb_check_frame_freed(folio_pfn(f));
	sched_access(&frame_allocator, SCHED_WRITE);
	folio_flags_access(f, SCHED_WRITE);
	mm_trace("free_page: frame %d", folio_pfn(f));
	f->allocated = false;
	f->anon = false;
	f->anon_exclusive = false;
	f->pagecache = false;
}

MM_ATOMIC void folio_get(struct folio *folio)
{
	if (folio_pfn(folio) == ZERO_PFN)
		return;
	mm_point("folio_get", folio, SCHED_WRITE, "folio_get frame %d: refcount %d -> %d",
		 folio_pfn(folio), folio->refcount, folio->refcount + 1);
	folio_check_live(folio, "folio_get");
	folio->refcount++;
}

MM_ATOMIC void folio_put(struct folio *folio)
{
	if (folio_pfn(folio) == ZERO_PFN)
		return;
	mm_point("folio_put", folio, SCHED_WRITE, "folio_put frame %d: refcount %d -> %d",
		 folio_pfn(folio), folio->refcount, folio->refcount - 1);
	folio_check_live(folio, "folio_put");
	if (folio->refcount <= 0)
		sched_fail("memory-safety", "refcount-underflow", "frame %d: put with refcount %d",
			   folio_pfn(folio), folio->refcount);
	if (--folio->refcount == 0)
		folio_free(folio);
}

MM_ATOMIC void folio_pin(struct folio *folio)
{
	mm_point("try_grab_folio:pin", folio, SCHED_WRITE,
		 "pin frame %d: refcount %d -> %d, pincount %d -> %d", folio_pfn(folio),
		 folio->refcount, folio->refcount + GUP_PIN_COUNTING_BIAS, folio->pincount,
		 folio->pincount + 1);
	folio_check_live(folio, "try_grab_folio(FOLL_PIN)");
	folio->refcount += GUP_PIN_COUNTING_BIAS;
	folio->pincount++;
}

MM_ATOMIC void folio_unpin(struct folio *folio)
{
	mm_point("unpin_user_page", folio, SCHED_WRITE, "unpin frame %d: pincount %d -> %d",
		 folio_pfn(folio), folio->pincount, folio->pincount - 1);
	folio_check_live(folio, "unpin_user_page");
	if (folio->pincount <= 0 || folio->refcount < GUP_PIN_COUNTING_BIAS)
		sched_fail("memory-safety", "refcount-underflow", "frame %d: unpin without a pin",
			   folio_pfn(folio));
	folio->pincount--;
	folio->refcount -= GUP_PIN_COUNTING_BIAS - 1;
	folio_put(folio);
}

MM_ATOMIC bool folio_try_get(struct folio *folio, bool pin)
{
	mm_point("folio_try_get", folio, SCHED_WRITE, "folio_try_get frame %d%s: refcount %d",
		 folio_pfn(folio), pin ? " (pin)" : "", folio->refcount);
	if (folio_pfn(folio) == ZERO_PFN)
		return true;
	/* A page being freed (or free) can't be grabbed: get_page_unless_zero. */
	folio_flags_access(folio, SCHED_READ);
	if (!folio->allocated || folio->refcount == 0)
		return false;
	folio->refcount += pin ? GUP_PIN_COUNTING_BIAS : 1;
	if (pin)
		folio->pincount++;
	return true;
}

MM_ATOMIC bool folio_maybe_dma_pinned(const struct folio *folio)
{
	folio_counters_access(folio, SCHED_READ);
	return folio->refcount >= GUP_PIN_COUNTING_BIAS;
}

MM_ATOMIC bool PageAnonExclusive(const struct folio *folio)
{
	folio_flags_access(folio, SCHED_READ);
	return folio->anon_exclusive;
}

MM_ATOMIC void SetPageAnonExclusive(struct folio *folio)
{
	folio_flags_access(folio, SCHED_WRITE);
	folio->anon_exclusive = true;
}

MM_ATOMIC void ClearPageAnonExclusive(struct folio *folio)
{
	folio_flags_access(folio, SCHED_WRITE);
	folio->anon_exclusive = false;
}

MM_ATOMIC void page_add_new_anon_rmap(struct folio *folio, const struct vm_area_struct *vma)
{
	folio_counters_access(folio, SCHED_WRITE);
	folio_flags_access(folio, SCHED_WRITE);
	folio->mapcount = 1;
	folio->anon = true;
	folio->anon_vma = vma->anon_vma; /* __page_set_anon_rmap */
	/* Fresh anon pages start exclusive (PAE-3). */
	folio->anon_exclusive = policy.anon_exclusive;
	mm_trace("page_add_new_anon_rmap frame %d: mapcount 1%s", folio_pfn(folio),
		 PageAnonExclusive(folio) ? ", anon-exclusive" : "");
}

MM_ATOMIC void page_add_file_rmap(struct folio *folio)
{
	mm_point("page_add_file_rmap", folio, SCHED_WRITE,
		 "page_add_file_rmap frame %d: mapcount %d -> %d", folio_pfn(folio),
		 folio->mapcount, folio->mapcount + 1);
	folio->mapcount++;
}

MM_ATOMIC void page_dup_rmap(struct folio *folio)
{
	if (folio_pfn(folio) == ZERO_PFN)
		return;
	mm_point("page_dup_rmap", folio, SCHED_WRITE, "page_dup_rmap frame %d: mapcount %d -> %d",
		 folio_pfn(folio), folio->mapcount, folio->mapcount + 1);
	folio->mapcount++;
}

MM_ATOMIC void page_remove_rmap(struct folio *folio)
{
	if (folio_pfn(folio) == ZERO_PFN)
		return;
	mm_point("page_remove_rmap", folio, SCHED_WRITE,
		 "page_remove_rmap frame %d: mapcount %d -> %d", folio_pfn(folio), folio->mapcount,
		 folio->mapcount - 1);
	if (folio->mapcount <= 0)
		sched_fail("memory-safety", "mapcount-underflow", "frame %d: mapcount %d",
			   folio_pfn(folio), folio->mapcount);
	folio->mapcount--;
}

void lock_page(struct folio *folio)
{
	mutex_lock(&folio->lock);
}

bool trylock_page(struct folio *folio)
{
	return mutex_trylock(&folio->lock);
}

void unlock_page(struct folio *folio)
{
	mutex_unlock(&folio->lock);
	/* The wait queue's own primitives record it; this peek reads it. */
	sched_access(&folio->unlock_wq, SCHED_READ);
	if (folio->unlock_wq.waiters.n)
		wake_up_all(&folio->unlock_wq);
}

static bool folio_unlocked(void *arg)
{
	const struct folio *folio = arg;

	/* The lock's state decides whether the waiter sleeps: a read of the
	 * lock (whose lock and unlock write it), not only of the queue. */
	sched_access(&folio->lock.dep, SCHED_READ);
	return !mutex_is_locked(&folio->lock);
}

void folio_wait_locked(struct folio *folio)
{
	wait_event(&folio->unlock_wq, folio_unlocked, folio);
}

MM_ATOMIC wseq_t page_word_load(const struct folio *folio, int word)
{
	sched_access(&folio->data[word], SCHED_READ);
	return folio->data[word];
}

MM_ATOMIC void page_word_store(struct folio *folio, int word, wseq_t value)
{
	sched_access(&folio->data[word], SCHED_WRITE);
	folio->data[word] = value;
}

void copy_user_highpage(struct folio *dst, struct folio *src)
{
	for (int w = 0; w < PAGE_WORDS; w++) {
		mm_point("copy_user_highpage", &src->data[w], SCHED_READ,
			 "copy frame %d word %d (#%u) -> frame %d", folio_pfn(src), w,
			 page_word_load(src, w), folio_pfn(dst));
		folio_check_live(src, "copy_user_highpage");
		page_word_store(dst, w, page_word_load(src, w));
	}
}

bool folio_check_unmapped(char *report, size_t len, const char **kind)
{
	for (int pfn = 1; pfn < NR_FRAMES; pfn++) {
		const struct folio *f = &M.frame[pfn];

		if (!f->allocated || (f->mapcount == 0 && f->pincount == 0))
			continue;
		*kind = f->mapcount ? "rmap-leak" : "pin-leak";
		snprintf(report, len,
			 "frame %d still %s after every process exited: mapcount %d, pincount %d",
			 pfn, f->mapcount ? "mapped" : "pinned", f->mapcount, f->pincount);
		return true;
	}
	return false;
}

bool folio_check_leaks(char *report, size_t len)
{
	for (int pfn = 1; pfn < NR_FRAMES; pfn++) {
		const struct folio *f = &M.frame[pfn];

		if (f->allocated) {
			snprintf(
				report, len,
				"frame %d still allocated after every process exited: refcount %d, "
				"mapcount %d, pincount %d",
				pfn, f->refcount, f->mapcount, f->pincount);
			return true;
		}
	}
	return false;
}
