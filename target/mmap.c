/* SPDX-License-Identifier: MIT */
/* mmap, munmap and madvise(MADV_DONTNEED) on single pages. */
#include "fault.h"
#include "mmap_lock.h"
#include "oracle.h"
#include "syscalls.h"
#include "tlb.h"
#include "vma.h"
#include "vma_lock.h"

/* munmap's work, also done by MAP_FIXED over an existing mapping. */
static void do_munmap(struct mm_struct *mm, int va)
{
	struct vm_area_struct *vma = find_vma(mm, va);

	/* 6.4+: no VMA-locked fault may run on it while its PTEs go (the
	 * write lock waits for those inside). */
	if (vma)
		vma_start_write(vma);
	zap_page_range(mm, va, va + 1, true);
	vma_remove_range(mm, va, va + 1);
}

bool sys_munmap(int va)
{
	struct mm_struct *mm = current_mm();
	uint64_t start = tlb_zap_begin(va, va + 1);

	mmap_write_lock(mm);
	mm_trace("munmap P%d va %d", mm->id, va);
	do_munmap(mm, va);
	tlb_check_zapped(mm, va, va + 1, start);
	mmap_write_unlock(mm);
	return true;
}

bool sys_mmap(int va)
{
	struct mm_struct *mm = current_mm();
	bool ok;

	mmap_write_lock(mm);
	ok = vma_insert_anon(mm, va, va + 1);
	if (ok)
		oracle_mapped(mm->id, va, false);
	mm_trace("mmap P%d va %d: %s", mm->id, va, ok ? "mapped" : "EEXIST");
	mmap_write_unlock(mm);
	return ok;
}

bool sys_mmap_file(int va, int mode)
{
	struct mm_struct *mm = current_mm();
	bool ok;

	mmap_write_lock(mm);
	do_munmap(mm, va); /* MAP_FIXED */
	ok = vma_insert_file(mm, va, (enum file_map)mode);
	if (ok)
		oracle_mapped(mm->id, va, true);
	mm_trace("mmap(MAP_FIXED, file) P%d va %d mode %d: %s", mm->id, va, mode,
		 ok ? "mapped" : "ENOMEM");
	mmap_write_unlock(mm);
	return ok;
}

bool sys_madvise_dontneed(int va)
{
	struct mm_struct *mm = current_mm();
	uint64_t start = tlb_zap_begin(va, va + 1);
	bool mapped;

	mmap_read_lock(mm);
	mapped = find_vma(mm, va) != NULL;
	mm_trace("madvise(MADV_DONTNEED) P%d va %d%s", mm->id, va, mapped ? "" : ": ENOMEM");
	if (mapped)
		zap_page_range(mm, va, va + 1, false);
	/* Returning to the user: no CPU may still reach what was zapped. */
	tlb_check_zapped(mm, va, va + 1, start);
	mmap_read_unlock(mm);
	return mapped;
}
