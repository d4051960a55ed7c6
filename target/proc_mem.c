/* SPDX-License-Identifier: MIT */
/*
 * A write to /proc/pid/mem (or ptrace POKEDATA): access_remote_vm() with
 * FOLL_FORCE, which may write where the mapping is read-only, into the
 * process's private copy of the page. Dirty COW's path (B1). The mmap_lock
 * is held from the lookup to the end of the write, so no fork() can share
 * the page in between.
 */
#include "folio.h"
#include "gup.h"
#include "mmap_lock.h"
#include "oracle.h"
#include "syscalls.h"

bool sys_proc_mem_write(int va, int word)
{
	struct process *p = current_proc();
	struct mm_struct *mm = &p->mm;
	int locked = 1;
	int pfn;
	bool discarded;
	wseq_t v;

	mmap_read_lock(mm);
	pfn = __get_user_pages_locked(mm, va, FOLL_GET | FOLL_WRITE | FOLL_FORCE, &locked);
	if (pfn < 0) {
		mm_trace("/proc/P%d/mem write va %d: EFAULT", mm->id, va);
		if (locked)
			mmap_read_unlock(mm);
		return false;
	}
	mm_point("access_remote_vm", &pfn_folio(pfn)->data[word], SCHED_WRITE,
		 "/proc/P%d/mem write va %d word %d -> frame %d", mm->id, va, word, pfn);
	folio_check_live(pfn_folio(pfn), "access_remote_vm");
	va = oracle_grabbed_va(mm->id, va); /* where the page is now */
	discarded = oracle_zapped_since_grab(mm->id, va);
	if (!discarded)
		oracle_check_private_write(mm->id, va, pfn, VIA_KERNEL);
	v = oracle_record_write(mm->id, va, word, VIA_KERNEL, !discarded, pfn);
	page_word_store(pfn_folio(pfn), word, v);
	folio_put(pfn_folio(pfn));
	if (locked)
		mmap_read_unlock(mm);
	return true;
}
