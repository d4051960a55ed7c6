/* SPDX-License-Identifier: MIT */
/*
 * Page faults (mm/memory.c): handle_mm_fault, the anonymous, file and COW
 * paths, and zapping page ranges; plus the fault-retry contract.
 *
 * The contract, as in the kernel: a handler that must sleep (page-cache
 * I/O, a userfaultfd) and was allowed to (FAULT_FLAG_ALLOW_RETRY) drops
 * the mmap_lock and returns VM_FAULT_RETRY; the caller takes the lock
 * again and retries with FAULT_FLAG_TRIED. Otherwise the lock is still
 * held on return. Under policy.fault_lock_contract == RELEASE_ALWAYS,
 * handle_mm_fault always returns with the lock released.
 */
#ifndef MMFUZZ_TARGET_FAULT_H
#define MMFUZZ_TARGET_FAULT_H

#include "model.h"

#define FAULT_FLAG_WRITE       0x01u
#define FAULT_FLAG_UNSHARE     0x02u /* 5.19: break COW for a R/O pin, map R/O */
#define FAULT_FLAG_ALLOW_RETRY 0x04u /* the handler may drop the mmap_lock */
#define FAULT_FLAG_TRIED       0x08u /* this is a retry */
#define FAULT_FLAG_VMA_LOCK    0x10u /* 6.4+: under the VMA's read lock, not mmap_lock */

#define VM_FAULT_OOM	 0x01
#define VM_FAULT_SIGSEGV 0x02
#define VM_FAULT_SIGBUS	 0x04
#define VM_FAULT_RETRY	 0x08 /* the mmap_lock was dropped: retry */
#define VM_FAULT_WRITE	 0x10 /* COW broken or page reused for a write (< 6.0) */
#define VM_FAULT_ERROR	 (VM_FAULT_OOM | VM_FAULT_SIGSEGV | VM_FAULT_SIGBUS)

/* Caller holds mmap_lock for read, or (FAULT_FLAG_VMA_LOCK) the VMA's
 * read lock. Returns 0 or VM_FAULT_* bits; 0 may mean "raced, nothing
 * done": the caller retries the access. */
int handle_mm_fault(struct mm_struct *mm, struct vm_area_struct *vma, int va, unsigned flags);

/* The flags of the next attempt after VM_FAULT_RETRY: FAULT_FLAG_TRIED,
 * and before 5.7 no second chance to drop the lock. */
unsigned fault_flags_retry(unsigned flags);

/* Clear the PTEs of [start, end), dropping rmap and references once the
 * TLBs are flushed (mmu_gather). Caller holds mmap_lock (read for
 * MADV_DONTNEED, write for munmap/exit). `unmap`: the range is going away
 * (munmap, exit) rather than refilled on the next touch. */
void zap_page_range(struct mm_struct *mm, int start, int end, bool unmap);

#endif
