/* SPDX-License-Identifier: MIT */
/* mmap, munmap and madvise(MADV_DONTNEED) on single pages. */
#include "fault.h"
#include "oracle.h"
#include "syscalls.h"
#include "vma.h"

bool sys_munmap(int va)
{
	struct mm_struct *mm = current_mm();

	down_write(&mm->mmap_lock);
	mm_trace("munmap P%d va %d", mm->id, va);
	zap_page_range(mm, va, va + 1, true);
	vma_remove_range(mm, va, va + 1);
	up_write(&mm->mmap_lock);
	return true;
}

bool sys_mmap(int va)
{
	struct mm_struct *mm = current_mm();
	bool ok;

	down_write(&mm->mmap_lock);
	ok = vma_insert_anon(mm, va, va + 1);
	if (ok)
		oracle_mapped(mm->id, va);
	mm_trace("mmap P%d va %d: %s", mm->id, va, ok ? "mapped" : "EEXIST");
	up_write(&mm->mmap_lock);
	return ok;
}

bool sys_madvise_dontneed(int va)
{
	struct mm_struct *mm = current_mm();
	bool mapped;

	down_read(&mm->mmap_lock);
	mapped = find_vma(mm, va) != NULL;
	mm_trace("madvise(MADV_DONTNEED) P%d va %d%s", mm->id, va, mapped ? "" : ": ENOMEM");
	if (mapped)
		zap_page_range(mm, va, va + 1, false);
	up_read(&mm->mmap_lock);
	return mapped;
}
