/* SPDX-License-Identifier: MIT */
/*
 * The CPU side of a user access: TLB lookup, hardware page walk, and the
 * arch page-fault handler (do_user_addr_fault) that calls into
 * handle_mm_fault.
 */
#include "fault.h"
#include "feedback.h"
#include "folio.h"
#include "mmap_lock.h"
#include "oracle.h"
#include "pgtable.h"
#include "policy.h"
#include "speculative.h"
#include "stack.h"
#include "syscalls.h"
#include "tlb.h"
#include "vma.h"
#include "vma_lock.h"

static bool bad_area(const struct vm_area_struct *vma, bool write)
{
	if (vma)
		vma_access(vma, SCHED_READ);
	return !vma || (write && !(vma->vm_flags & VM_WRITE)) || !(vma->vm_flags & VM_READ);
}

/*
 * 6.4+: the fault under the VMA's own lock, no mmap_lock. False: not
 * handled here (no lockable VMA, an access error to re-check under
 * mmap_lock, or a retry); true with *ok, whether the access may go on.
 * After VM_FAULT_RETRY the VMA lock is the arch handler's to drop before
 * 6.6 and already dropped from 6.6 on (B7c): then vma may be gone.
 */
static bool fault_under_vma_lock(struct mm_struct *mm, int va, unsigned flags, bool *ok)
{
	struct vm_area_struct *vma = lock_vma_under_rcu(mm, va);
	int fault;

	if (!vma)
		return false;
	if (bad_area(vma, flags & FAULT_FLAG_WRITE)) {
		vma_end_read(vma);
		return false;
	}
	fault = handle_mm_fault(mm, vma, va, flags | FAULT_FLAG_VMA_LOCK);
	if (!(fault & VM_FAULT_RETRY) || vma_fault_caller_releases_retry())
		vma_end_read(vma);
	if (fault & VM_FAULT_RETRY) {
		count_vm_vma_lock_event(VMA_LOCK_RETRY);
		return false;
	}
	count_vm_vma_lock_event(VMA_LOCK_SUCCESS);
	*ok = !(fault & VM_FAULT_ERROR);
	if (!*ok)
		mm_trace("do_user_addr_fault P%d va %d: signal (VMA-locked fault)", mm->id, va);
	return true;
}

/*
 * The arch fault handler (x86 do_user_addr_fault). Returns false when the
 * access raises a signal. The mmap_lock is released here unless the fault
 * says it was released already (RETRY), or under RELEASE_ALWAYS.
 */
static bool do_user_addr_fault(int va, bool write)
{
	struct mm_struct *mm = current_mm();
	unsigned flags = FAULT_FLAG_ALLOW_RETRY | (write ? FAULT_FLAG_WRITE : 0);
	bool retry_first = policy.arch_fault_order == RETRY_FIRST;
	struct vm_area_struct *vma;
	bool ok;
	int fault;

	count_user_fault();
	/* The proposal: try without mmap_lock first (speculative.c). */
	if (do_speculative_fault(mm, va, flags, &ok))
		return ok;
	if (policy.per_vma_lock && fault_under_vma_lock(mm, va, flags, &ok))
		return ok;
retry:
	mmap_read_lock(mm);
	vma = find_vma(mm, va);
	if (!vma) {
		/* Just below a stack: grow it (stack.c). Else mmap_lock is gone. */
		vma = expand_stack(mm, va);
		if (!vma) {
			mm_trace("do_user_addr_fault P%d va %d: SIGSEGV", mm->id, va);
			return false;
		}
	}
	if (bad_area(vma, write)) {
		mmap_read_unlock(mm);
		mm_trace("do_user_addr_fault P%d va %d: SIGSEGV", mm->id, va);
		return false;
	}
	fault = handle_mm_fault(mm, vma, va, flags);
	if (policy.fault_lock_contract == RELEASE_ON_RETRY && !(fault & VM_FAULT_RETRY))
		mmap_read_unlock(mm);
	if (retry_first && (fault & VM_FAULT_RETRY)) {
		flags = fault_flags_retry(flags);
		goto retry;
	}
	if (fault & VM_FAULT_ERROR) {
		mm_trace("do_user_addr_fault P%d va %d: %s", mm->id, va,
			 fault & VM_FAULT_SIGBUS ? "SIGBUS" : "signal");
		return false;
	}
	if (fault & VM_FAULT_RETRY) {
		flags = fault_flags_retry(flags);
		goto retry;
	}
	return true;
}

/* The hardware walker: fill the TLB from a PTE that allows the access,
 * setting the accessed and dirty bits as x86 does. */
static bool page_walk_fill(int va, bool write)
{
	struct mm_struct *mm = current_mm();
	struct pte pte;

	mm_point("page_walk", &mm->pte[va], SCHED_READ, "page walk P%d va %d for %s", mm->id, va,
		 write ? "write" : "read");
	pte = ptep_get(mm, va);
	if (!pte.present || (write && !pte.write))
		return false;
	pte_mkyoung_dirty_hw(mm, va, write);
	tlb_fill(sched_self(), mm->id, va, pte.pfn, pte.write, pte.dirty || write);
	return true;
}

static bool user_access(int va, int word, bool write)
{
	int cpu = sched_self();
	int pid = current_pid();

	for (;;) {
		struct tlb_entry *e;

		mm_point("tlb_lookup", &M.cpu[cpu].tlb[va], SCHED_READ, "user %s P%d va %d word %d",
			 write ? "store" : "load", pid, va, word);
		e = tlb_lookup(cpu, pid, va);
		if (e && (!write || (e->writable && e->dirty))) {
			struct folio *folio = pfn_folio(e->pfn);

			/* A translation the PTE no longer holds: only a zap
			 * whose flush is still deferred leaves one behind. */
			bool current = tlb_entry_current(current_mm(), va, e);

			feedback_tlb_hit(current_mm(), va, e, write);
			folio_check_live(folio, write ? "user store" : "user load");
			if (write) {
				wseq_t v;

				oracle_check_private_write(pid, va, e->pfn, VIA_CPU);
				v = oracle_record_write(pid, va, word, VIA_CPU, current, e->pfn);
				feedback_store_recorded(v);
				page_word_store(folio, word, v);
				mm_trace("store #%u to frame %d word %d (TLB hit)", v, e->pfn,
					 word);
			} else {
				wseq_t v = page_word_load(folio, word);

				mm_trace("load #%u from frame %d word %d (TLB hit)", v, e->pfn,
					 word);
				oracle_check_user_read(pid, va, word, v, current);
			}
			return true;
		}
		if (page_walk_fill(va, write))
			continue;
		if (!do_user_addr_fault(va, write))
			return false;
	}
}

bool user_read(int va, int word)
{
	return user_access(va, word, false);
}

bool user_write(int va, int word)
{
	return user_access(va, word, true);
}
