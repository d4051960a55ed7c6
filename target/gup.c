/* SPDX-License-Identifier: MIT */
#include "gup.h"

#include "fault.h"
#include "folio.h"
#include "mmap_lock.h"
#include "userfaultfd.h"
#include "oracle.h"
#include "pgtable.h"
#include "policy.h"
#include "vma.h"

/*
 * Must a R/O pin break COW before it may take this page? 5.19: an anon
 * page that may be shared (not PageAnonExclusive), or the next write fault
 * copies it away from the pin. 6.2: in a COW mapping, also a long-term pin
 * of anything else there: the shared zero page, a page-cache page. GUP-fast, which
 * cannot look at the VMA, passes cow_mapping = true and falls back.
 */
static bool gup_must_unshare(unsigned gup_flags, const struct folio *folio, bool cow_mapping)
{
	if (!policy.ro_pin_unshare || (gup_flags & (FOLL_WRITE | FOLL_PIN)) != FOLL_PIN)
		return false;
	sched_access(OBJ_FOLIO_FLAGS(folio), SCHED_READ);
	if (folio_pfn(folio) == ZERO_PFN || !folio->anon)
		/* The zero page or a page-cache page in a private mapping. */
		return policy.ro_longterm_unshare_nonanon && (gup_flags & FOLL_LONGTERM) &&
		       cow_mapping;
	return !PageAnonExclusive(folio);
}

static void try_grab_folio(struct mm_struct *mm, struct folio *folio, unsigned gup_flags)
{
	if (gup_flags & FOLL_PIN) {
		if (folio_pfn(folio) != ZERO_PFN)
			folio_pin(folio);
	} else {
		folio_get(folio);
	}
}

void gup_put_folio(struct folio *folio, unsigned gup_flags)
{
	if (folio_pfn(folio) == ZERO_PFN)
		return;
	if (gup_flags & FOLL_PIN)
		folio_unpin(folio);
	else
		folio_put(folio);
}

enum follow_result { FOLLOW_OK, FOLLOW_FAULT, FOLLOW_UNSHARE };

/*
 * May a FOLL_WRITE lookup use this PTE? A writable one, always. A R/O one
 * only for FOLL_FORCE into a private R/O mapping once COW was broken, and
 * how GUP knows that COW was broken is the Dirty COW story.
 */
static bool can_follow_write_pte(struct mm_struct *mm, const struct vm_area_struct *vma,
				 struct pte pte, unsigned gup_flags)
{
	const struct folio *folio = pfn_folio(pte.pfn);

	if (pte.write)
		return true;
	if (!(gup_flags & FOLL_FORCE))
		return false;
	vma_access(vma, SCHED_READ);
	sched_access(OBJ_FOLIO_FLAGS(folio), SCHED_READ);
	switch (policy.force_write) {
	case FORCE_DROP_FOLL_WRITE:
		return false; /* FOLL_WRITE itself is dropped instead */
	case FORCE_FOLL_COW:
		return (gup_flags & FOLL_COW) && pte.dirty;
	case FORCE_ANON_EXCLUSIVE:
		if (!is_cow_mapping(vma->vm_flags) || (vma->vm_flags & VM_WRITE))
			return false;
		if (pte.pfn == ZERO_PFN || !folio->anon || !PageAnonExclusive(folio))
			return false;
		/* Nor behind the back of the write-protect trackers. */
		if (!(vma->vm_flags & VM_SOFTDIRTY) && !pte.soft_dirty)
			return false;
		return !userfaultfd_pte_wp(mm, vma, pte);
	}
	return false;
}

/* Look the page up under the PTL and grab it if the PTE allows the
 * access; otherwise say which fault would make it allow it. */
static enum follow_result follow_page_pte(struct mm_struct *mm, struct vm_area_struct *vma, int va,
					  unsigned gup_flags, int *pfn)
{
	struct pte pte;
	struct folio *folio;

	spin_lock(&mm->ptl);
	mm_point("follow_page_pte", &mm->pte[va], SCHED_READ, "follow_page_pte P%d va %d%s%s",
		 mm->id, va, gup_flags & FOLL_WRITE ? " FOLL_WRITE" : "",
		 gup_flags & FOLL_PIN ? " FOLL_PIN" : " FOLL_GET");
	pte = ptep_get(mm, va);
	if (!pte.present ||
	    ((gup_flags & FOLL_WRITE) && !can_follow_write_pte(mm, vma, pte, gup_flags))) {
		spin_unlock(&mm->ptl);
		return FOLLOW_FAULT;
	}
	folio = pfn_folio(pte.pfn);
	folio_check_live(folio, "follow_page_pte");
	vma_access(vma, SCHED_READ);
	if (!pte.write && gup_must_unshare(gup_flags, folio, is_cow_mapping(vma->vm_flags))) {
		spin_unlock(&mm->ptl);
		return FOLLOW_UNSHARE;
	}
	try_grab_folio(mm, folio, gup_flags);
	oracle_gup_grabbed(mm->id, va);
	spin_unlock(&mm->ptl);
	*pfn = pte.pfn;
	return FOLLOW_OK;
}

/* vm_fault_to_errno(): the errno of a VM_FAULT_ERROR result. */
static int vm_fault_to_errno(int ret)
{
	return ret & VM_FAULT_OOM ? -12 : -14; /* -ENOMEM, -EFAULT */
}

/* What faultin_page makes of the fault's result when the mmap_lock may
 * have been dropped: -EBUSY to retry, or an errno for an error. */
static int faultin_result(int ret, int *locked)
{
	bool retry_first = policy.gup_faultin_order == RETRY_FIRST;

	if (retry_first && (ret & VM_FAULT_RETRY)) {
		*locked = 0;
		return -16; /* -EBUSY */
	}
	if (ret & VM_FAULT_ERROR)
		return vm_fault_to_errno(ret);
	if (ret & VM_FAULT_RETRY) {
		*locked = 0;
		return -16;
	}
	return 0;
}

static int faultin_page(struct mm_struct *mm, struct vm_area_struct *vma, int va,
			unsigned *gup_flags, bool unshare, int *locked)
{
	unsigned fault_flags = FAULT_FLAG_ALLOW_RETRY;
	bool vma_writable;
	int ret, err;

	if (*gup_flags & FOLL_WRITE)
		fault_flags |= FAULT_FLAG_WRITE;
	else if (unshare)
		fault_flags |= FAULT_FLAG_UNSHARE;
	if (*gup_flags & FOLL_TRIED)
		fault_flags = fault_flags_retry(fault_flags);
	mm_trace("faultin_page P%d va %d%s%s", mm->id, va,
		 fault_flags & FAULT_FLAG_WRITE ? " write" : "",
		 fault_flags & FAULT_FLAG_UNSHARE ? " unshare" : "");
	/* Read before the fault: once it returns, the lock (and with it the
	 * VMA) may be gone. ThreadSanitizer caught the later read under the
	 * always-release proposal, where it is always gone. */
	vma_access(vma, SCHED_READ);
	vma_writable = vma->vm_flags & VM_WRITE;
	ret = handle_mm_fault(mm, vma, va, fault_flags);
	if (policy.fault_lock_contract == RELEASE_ALWAYS) {
		/* The lock is gone either way: errors first, then go again. */
		*locked = 0;
		if (ret & VM_FAULT_ERROR)
			return vm_fault_to_errno(ret);
		err = ret & VM_FAULT_RETRY ? -16 : -11; /* -EBUSY, -EAGAIN */
	} else {
		err = faultin_result(ret, locked);
	}
	if (err && err != -11)
		return err;
	/* COW was broken for a FOLL_FORCE write into a R/O mapping: the page
	 * now mapped is our private copy, but its PTE stays R/O. */
	if ((ret & VM_FAULT_WRITE) && !vma_writable) {
		if (policy.force_write == FORCE_DROP_FOLL_WRITE)
			*gup_flags &= ~FOLL_WRITE; /* <= 4.8: Dirty COW */
		else if (policy.force_write == FORCE_FOLL_COW)
			*gup_flags |= FOLL_COW;
	}
	return err;
}

/* check_vma_flags(): may this lookup touch this VMA at all? */
static bool check_vma_flags(const struct vm_area_struct *vma, unsigned gup_flags)
{
	vma_access(vma, SCHED_READ);
	if (gup_flags & FOLL_WRITE) {
		if (vma->vm_flags & VM_WRITE)
			return true;
		/* FOLL_FORCE writes only into COW mappings (a private copy). */
		return (gup_flags & FOLL_FORCE) && is_cow_mapping(vma->vm_flags);
	}
	return (vma->vm_flags & VM_READ) || (gup_flags & FOLL_FORCE);
}

int __get_user_pages(struct mm_struct *mm, int va, unsigned *gup_flags, int *locked)
{
	struct vm_area_struct *vma = find_vma(mm, va);
	int pfn = -1;

	if (!vma || !check_vma_flags(vma, *gup_flags))
		return -14; /* -EFAULT */
	/* 5.8 (17839856fd58): "COW can break either way": make a reference
	 * taken for reading break COW too, so it can't end up shared. */
	if (policy.gup_read_breaks_cow && (*gup_flags & (FOLL_GET | FOLL_PIN)) &&
	    is_cow_mapping(vma->vm_flags))
		*gup_flags |= FOLL_WRITE;
	for (;;) {
		enum follow_result r = follow_page_pte(mm, vma, va, *gup_flags, &pfn);
		int err;

		if (r == FOLLOW_OK)
			return pfn;
		err = faultin_page(mm, vma, va, gup_flags, r == FOLLOW_UNSHARE, locked);
		if (err)
			return err;
	}
}

int __get_user_pages_locked(struct mm_struct *mm, int va, unsigned gup_flags, int *locked)
{
	int ret;

	for (;;) {
		ret = __get_user_pages(mm, va, &gup_flags, locked);
		if (*locked || (ret != -16 && ret != -11))
			return ret;
		/* The fault dropped the lock: take it again and go on. */
		mmap_read_lock(mm);
		*locked = 1;
		gup_flags |= FOLL_TRIED;
	}
}

int get_user_pages_locked(struct mm_struct *mm, int va, unsigned gup_flags)
{
	int locked = 1;
	int ret;

	mmap_read_lock(mm);
	ret = __get_user_pages_locked(mm, va, gup_flags, &locked);
	/* Whoever still holds the lock releases it; "still holds" is what
	 * `locked` says, and only as reliable as the fault's return value. */
	if (locked)
		mmap_read_unlock(mm);
	return ret < 0 ? -1 : ret;
}

int get_user_pages_fast(struct mm_struct *mm, int va, unsigned gup_flags)
{
	struct pte pte;
	struct folio *folio;
	bool seq_check = policy.gup_fast_seq && (gup_flags & FOLL_PIN);
	uint32_t seq = 0;

	/* Any FOLL_PIN marks the mm before pinning, so fork sees it. */
	if (gup_flags & FOLL_PIN)
		mm_set_has_pinned(mm);
	/* A fork in progress may be about to share what we pin (B5a). */
	if (seq_check)
		seq = read_seqcount_begin(&mm->write_protect_seq);
	mm_point("gup_fast:read_pte", &mm->pte[va], SCHED_READ,
		 "get_user_pages_fast P%d va %d: lockless PTE read", mm->id, va);
	pte = ptep_get(mm, va);
	if (!pte.present || ((gup_flags & FOLL_WRITE) && !pte.write))
		return get_user_pages_locked(mm, va, gup_flags);
	/* 5.8: R/O PTEs go the slow path, where COW is broken first. */
	if (policy.gup_read_breaks_cow && !pte.write)
		return get_user_pages_locked(mm, va, gup_flags);
	folio = pfn_folio(pte.pfn);
	if (!folio_try_get(folio, gup_flags & FOLL_PIN))
		return get_user_pages_locked(mm, va, gup_flags);
	if (!pte.write && gup_must_unshare(gup_flags, folio, true)) {
		gup_put_folio(folio, gup_flags);
		return get_user_pages_locked(mm, va, gup_flags);
	}
	/* Recheck: the PTE may have changed under us (no locks held). */
	mm_point("gup_fast:recheck", &mm->pte[va], SCHED_READ,
		 "get_user_pages_fast P%d va %d: recheck PTE", mm->id, va);
	if (!pte_same(ptep_get(mm, va), pte)) {
		gup_put_folio(folio, gup_flags);
		return get_user_pages_locked(mm, va, gup_flags);
	}
	/* The page is ours as of the recheck: a later zap discards it. */
	oracle_gup_grabbed(mm->id, va);
	if (seq_check && read_seqcount_retry(&mm->write_protect_seq, seq)) {
		gup_put_folio(folio, gup_flags);
		return get_user_pages_locked(mm, va, gup_flags);
	}
	return pte.pfn;
}

int pin_user_pages(struct mm_struct *mm, int va, unsigned gup_flags)
{
	/* Set before pinning so that a concurrent fork sees it. */
	mm_set_has_pinned(mm);
	return get_user_pages_locked(mm, va, gup_flags | FOLL_PIN);
}

void unpin_user_page(int pfn)
{
	gup_put_folio(pfn_folio(pfn), FOLL_PIN);
}

/* MMF_HAS_PINNED is an atomic bit: set without locks, read under any. */
MM_ATOMIC void mm_set_has_pinned(struct mm_struct *mm)
{
	sched_access(&mm->has_pinned, SCHED_WRITE);
	mm->has_pinned = true;
}

MM_ATOMIC bool mm_has_pinned(const struct mm_struct *mm)
{
	sched_access(&mm->has_pinned, SCHED_READ);
	return mm->has_pinned;
}
