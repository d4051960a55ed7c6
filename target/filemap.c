/* SPDX-License-Identifier: MIT */
#include "filemap.h"

#include "fault.h"
#include "folio.h"
#include "mmap_lock.h"
#include "policy.h"
#include "syscalls.h"
#include "vma_lock.h"

/* The page cache is an xarray: lookups are lockless (RCU) and insertion
 * is atomic, so these are the kernel's atomics, not locked state. */
static MM_ATOMIC int find_get_page(int index)
{
	int pfn = M.file.page[index];

	sched_access(&M.file.page[index], SCHED_READ);
	if (pfn)
		folio_get(pfn_folio(pfn));
	return pfn;
}

static MM_ATOMIC bool page_cache_insert(int index, int pfn)
{
	if (M.file.page[index]) {
		sched_access(&M.file.page[index], SCHED_READ);
		return false;
	}
	sched_access(&M.file.page[index], SCHED_WRITE);
	M.file.page[index] = pfn;
	return true;
}

/* A fresh page-cache page, locked for the read I/O (locked before anyone
 * can find it), with a reference for the caller besides the cache's own.
 * 0 if another thread inserted one first, -1 out of memory. */
static int add_to_page_cache(int index)
{
	int pfn = folio_alloc_pagecache(index);

	if (pfn < 0)
		return -1;
	lock_page(pfn_folio(pfn));
	if (!page_cache_insert(index, pfn)) {
		unlock_page(pfn_folio(pfn));
		folio_put(pfn_folio(pfn));
		return 0;
	}
	folio_get(pfn_folio(pfn));
	return pfn;
}

static MM_ATOMIC bool take_injected_eio(int index)
{
	bool eio = M.file.inject_eio[index];

	sched_access(&M.file.inject_eio[index], SCHED_WRITE);

	M.file.inject_eio[index] = false;
	return eio;
}

/* The fault-injection knob is outside the model: one atomic step. */
MM_ATOMIC void sys_inject_eio(int index)
{
	mm_point("inject_eio", &M.file.inject_eio[index], SCHED_WRITE,
		 "fault injection: next read of file page %d fails", index);
	M.file.inject_eio[index] = true;
}

/* ->read_folio: the page is locked; sleep for the I/O, then mark it
 * uptodate (or not, on error) and unlock it. Returns 0 or -EIO. */
static int filemap_read_page(struct folio *folio)
{
	bool eio;

	io_schedule("read I/O");
	sched_access(OBJ_FOLIO_FLAGS(folio), SCHED_READ); /* folio->index */
	eio = take_injected_eio(folio->index);
	folio_set_uptodate(folio, !eio);
	mm_trace("read I/O of file page %d (frame %d): %s", folio->index, folio_pfn(folio),
		 eio ? "EIO" : "done");
	unlock_page(folio);
	return eio ? -5 : 0;
}

static bool may_drop_mmap_lock(unsigned fault_flags)
{
	return fault_flags & FAULT_FLAG_ALLOW_RETRY;
}

/* The fault being served: whose lock it holds. */
struct fault_lock {
	struct mm_struct *mm;
	struct vm_area_struct *vma;
	unsigned flags;
};

/* maybe_unlock_mmap_for_io(): drop the fault's lock (mmap_lock, or from
 * 6.7 the VMA lock) before sleeping, if allowed and not dropped already. */
static bool maybe_unlock_mmap_for_io(const struct fault_lock *fl, bool fpin)
{
	if (fpin || !may_drop_mmap_lock(fl->flags))
		return fpin;
	assert_fault_locked(fl->mm, fl->vma, fl->flags);
	mm_trace("filemap_fault: dropping the %s of P%d for I/O",
		 fl->flags & FAULT_FLAG_VMA_LOCK ? "VMA lock" : "mmap_lock", fl->mm->id);
	release_fault_lock(fl->mm, fl->vma, fl->flags);
	return true;
}

/* The lock was dropped: the caller must retry. The May 2023 draft also
 * reports the I/O error; mainline leaves it for the retry to find. */
static int out_retry(struct folio *folio, int error)
{
	int ret = VM_FAULT_RETRY;

	if (folio)
		folio_put(folio);
	if (error && policy.fault_retry_with_error)
		ret |= VM_FAULT_SIGBUS;
	return ret;
}

int filemap_fault(struct mm_struct *mm, struct vm_area_struct *vma, int va, unsigned fault_flags,
		  int *pfn)
{
	const struct fault_lock fl = {.mm = mm, .vma = vma, .flags = fault_flags};
	int index = va;
	bool fpin = false;
	struct folio *folio;
	int found;

retry_find:
	mm_point("filemap_fault", &M.file.page[index], SCHED_READ, "filemap_fault P%d file page %d",
		 mm->id, index);
	found = find_get_page(index);
	if (!found) {
		/* A miss: the read will sleep. */
		fpin = maybe_unlock_mmap_for_io(&fl, fpin);
		found = add_to_page_cache(index);
		if (found < 0)
			return fpin ? out_retry(NULL, 0) : VM_FAULT_OOM;
		if (found == 0) {
			if (fpin)
				return out_retry(NULL, 0);
			goto retry_find; /* lost the race to insert */
		}
		folio = pfn_folio(found);
		if (filemap_read_page(folio) || fpin) {
			if (fpin)
				return out_retry(folio, !folio_uptodate(folio));
			folio_put(folio);
			return VM_FAULT_SIGBUS;
		}
		goto done;
	}
	folio = pfn_folio(found);
	if (!trylock_page(folio)) {
		/* Under I/O by another thread: wait for it, without the mmap_lock
		 * if allowed (lock_folio_maybe_drop_mmap), then retry. */
		fpin = maybe_unlock_mmap_for_io(&fl, fpin);
		io_schedule("a page under read I/O");
		if (fpin) {
			folio_wait_locked(folio);
			return out_retry(folio, 0);
		}
		lock_page(folio);
	}
	if (!folio_uptodate(folio)) {
		/* An earlier read failed: read again (page_not_uptodate). */
		int error;

		fpin = maybe_unlock_mmap_for_io(&fl, fpin);
		error = filemap_read_page(folio);
		if (fpin)
			return out_retry(folio, error);
		if (!error) {
			folio_put(folio);
			goto retry_find;
		}
		folio_put(folio);
		return VM_FAULT_SIGBUS;
	}
	unlock_page(folio);
done:
	if (fpin)
		return out_retry(folio, 0);
	*pfn = folio_pfn(folio);
	return 0;
}

void truncate_inode_pages_final(void)
{
	for (int index = 0; index < FILE_PAGES; index++) {
		int pfn = M.file.page[index];

		M.file.page[index] = 0;
		if (pfn)
			folio_release_cache_ref(pfn_folio(pfn));
	}
}
