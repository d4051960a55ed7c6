/* SPDX-License-Identifier: MIT */
#include "speculative.h"

#include <string.h>

#include "fault.h"
#include "folio.h"
#include "pgtable.h"
#include "policy.h"
#include "scheduler/ordering.h"
#include "scheduler/rcu.h"

/* Statistics of the execution, not model state: kept out of TSan's view
 * and out of the state hash. */
static struct spf_stats stats;

static MM_ATOMIC void count_spf(unsigned *event)
{
	(*event)++;
}

void spf_stats_reset(void)
{
	memset(&stats, 0, sizeof(stats));
}

void spf_stats_read(struct spf_stats *out)
{
	*out = stats;
}

/* A speculative fault's state: the VMA is the fault's own copy. */
struct spf_fault {
	struct mm_struct *mm;
	struct vm_area_struct vma; /* the snapshot taken under RCU */
	int va;
	unsigned flags;
	unsigned seq; /* mmap_seq when the attempt began (even) */
};

/* Lockless reads of the count, racing with writers by design. */
static MM_ATOMIC unsigned mmap_seq_read(const struct mm_struct *mm)
{
	sched_access(&mm->mmap_seq, SCHED_READ);
	return mm->mmap_seq;
}

/* mmap_seq_read_start(): where the attempt begins; odd: a writer is in. */
static unsigned mmap_seq_read_start(struct mm_struct *mm, int va)
{
	mm_point("spf_seq_start", &mm->mmap_seq, SCHED_READ,
		 "speculative fault P%d va %d: read mmap_seq", mm->id, va);
	return mmap_seq_read(mm);
}

/* mmap_seq_read_check(): no writer took mmap_lock since the start. */
static bool mmap_seq_read_check(const struct spf_fault *f, unsigned *event)
{
	if (mmap_seq_read(f->mm) == f->seq)
		return true;
	mm_trace("speculative fault P%d va %d: mmap_seq moved on from %u, abort", f->mm->id, f->va,
		 f->seq);
	count_spf(event);
	return false;
}

/* The fields the speculative path reads, one by one: a struct copy would
 * be a memcpy, which TSan intercepts even here. */
static MM_ATOMIC void spf_snapshot_vma(struct vm_area_struct *copy,
				       const struct vm_area_struct *vma)
{
	*copy = (struct vm_area_struct){0};
	copy->start = vma->start;
	copy->end = vma->end;
	copy->vm_flags = vma->vm_flags;
	copy->anon = vma->anon;
	copy->file = vma->file;
	copy->anon_vma = vma->anon_vma;
	copy->vm_policy = vma->vm_policy;
	copy->mm = vma->mm;
}

/*
 * The RCU walk of the VMA tree and the snapshot of the VMA found: the
 * VMA may be detached, changed or (after a grace period) freed meanwhile,
 * which the count tells; RCU only keeps its memory until the copy is made.
 * Hidden from TSan: the copy races with writers by design.
 */
static MM_ATOMIC bool spf_copy_vma(struct spf_fault *f)
{
	struct mm_struct *mm = f->mm;

	sched_access(OBJ_VMA_LIST(mm), SCHED_READ);
	acquire_ordering(OBJ_VMA_LIST(mm));
	for (int i = 0; i < mm->nr_vmas; i++) {
		struct vm_area_struct *v = mm->vma[i];

		vma_access(v, SCHED_READ);
		if (v->start <= f->va && f->va < v->end) {
			spf_snapshot_vma(&f->vma, v);
			return true;
		}
	}
	return false;
}

/* What the series handled speculatively; everything else falls back. */
static bool spf_handled(const struct spf_fault *f)
{
	const struct vm_area_struct *vma = &f->vma;
	bool write = f->flags & FAULT_FLAG_WRITE;

	if (!vma->anon || vma->file || !vma->anon_vma || vma->vm_policy)
		return false;
	if (vma->vm_flags & (VM_UFFD_WP | VM_GROWSDOWN | VM_SHARED))
		return false;
	/* An access error is the slow path's to report (bad_area). */
	if (!(vma->vm_flags & VM_READ) || (write && !(vma->vm_flags & VM_WRITE)))
		return false;
	return !ptep_get(f->mm, f->va).present;
}

/*
 * pte_map_lock(): take the PTL and check the count under it. A writer
 * bumps the count before it changes anything and changes PTEs only under
 * the PTL, so an unchanged count here holds until the PTL is dropped. The
 * MUTANT checks first and locks after: a writer may run in between.
 */
static bool pte_map_lock(struct spf_fault *f)
{
	struct mm_struct *mm = f->mm;

	mm_point("spf_pte_map_lock", &mm->mmap_seq, SCHED_READ,
		 "speculative fault P%d va %d: validate and take the PTL", mm->id, f->va);
	if (policy.fault_speculative == SPF_MUTANT_CHECK_OUTSIDE_PTL) {
		if (!mmap_seq_read_check(f, &stats.abort_pte_map_lock))
			return false;
		spin_lock(&mm->ptl);
		return true;
	}
	spin_lock(&mm->ptl);
	if (mmap_seq_read_check(f, &stats.abort_pte_map_lock))
		return true;
	spin_unlock(&mm->ptl);
	return false;
}

/* Install the PTE on behalf of the copy: O10 as in set_pte_at. PTL held. */
static void spf_set_pte(struct spf_fault *f, struct pte pte)
{
	struct mm_struct *mm = f->mm;

	mm_point("spf_set_pte", &mm->pte[f->va], SCHED_WRITE,
		 "speculative set_pte P%d va %d: frame %d %s", mm->id, f->va, pte.pfn,
		 pte.write ? "RW" : "RO");
	if (pte.present && pte.write && !(f->vma.vm_flags & VM_WRITE))
		sched_fail("dirty-not-writable", "pte",
			   "P%d va %d: PTE made writable in a VMA without VM_WRITE", mm->id, f->va);
	set_pte(mm, f->va, pte);
}

/*
 * do_anonymous_page() on the copy. The page is allocated (zeroed) with no
 * lock held; the PTE goes in only if the count held under the PTL and the
 * PTE is still none. False: the attempt was aborted, nothing installed.
 */
static bool spf_do_anonymous_page(struct spf_fault *f)
{
	struct mm_struct *mm = f->mm;
	struct pte pte = {.pfn = ZERO_PFN, .present = true, .young = true};
	struct folio *folio = NULL;

	if (f->flags & FAULT_FLAG_WRITE) {
		int pfn;

		mm_point("spf_do_anonymous_page", OBJ_THREAD_LOCAL, SCHED_READ,
			 "speculative do_anonymous_page P%d va %d: allocate", mm->id, f->va);
		pfn = folio_alloc_anon();
		if (pfn < 0) {
			count_spf(&stats.abort_unhandled); /* OOM: the slow path reports it */
			return false;
		}
		folio = pfn_folio(pfn);
		pte = pte_mkdirty(
			(struct pte){.pfn = (uint16_t)pfn, .present = true, .young = true});
		pte.write = true; /* maybe_mkwrite on the copy: VM_WRITE checked */
	}
	if (!pte_map_lock(f)) {
		if (folio)
			folio_put(folio);
		return false;
	}
	if (!ptep_get(mm, f->va).present) {
		if (folio)
			page_add_new_anon_rmap(folio, &f->vma);
		spf_set_pte(f, pte);
		folio = NULL;
	}
	spin_unlock(&mm->ptl);
	if (folio)
		folio_put(folio); /* another fault mapped it first */
	return true;
}

bool do_speculative_fault(struct mm_struct *mm, int va, unsigned flags, bool *ok)
{
	struct spf_fault f = {.mm = mm, .va = va, .flags = flags};
	bool found;

	if (policy.fault_speculative == SPF_NO)
		return false;
	count_spf(&stats.attempt);
	f.seq = mmap_seq_read_start(mm, va);
	if (f.seq & 1) {
		count_spf(&stats.abort_odd);
		return false;
	}
	rcu_read_lock();
	found = spf_copy_vma(&f);
	rcu_read_unlock();
	if (!found) {
		count_spf(&stats.abort_no_vma);
		return false;
	}
	if (!mmap_seq_read_check(&f, &stats.abort_vma_copy))
		return false;
	if (!spf_handled(&f)) {
		count_spf(&stats.abort_unhandled);
		return false;
	}
	if (!spf_do_anonymous_page(&f))
		return false;
	mm_trace("speculative fault P%d va %d: done without mmap_lock", mm->id, va);
	count_spf(&stats.success);
	*ok = true;
	return true;
}
