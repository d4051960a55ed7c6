/* SPDX-License-Identifier: MIT */
/*
 * userfaultfd in write-protect mode (fs/userfaultfd.c, mm/userfaultfd.c).
 *
 * A registered VMA carries VM_UFFD_WP; UFFDIO_WRITEPROTECT sets or clears
 * the uffd-wp bit of its PTEs through change_protection(). A write to a
 * uffd-wp PTE becomes a message to the monitor thread, and the faulting
 * thread sleeps (without the mmap_lock) until the monitor resolves it. If
 * nothing else can run, the monitor is taken to have closed the uffd:
 * faults then resolve normally (ctx->released).
 */
#ifndef MMFUZZ_TARGET_USERFAULTFD_H
#define MMFUZZ_TARGET_USERFAULTFD_H

#include "model.h"

bool userfaultfd_wp(struct mm_struct *mm, const struct vm_area_struct *vma);
bool userfaultfd_pte_wp(struct mm_struct *mm, const struct vm_area_struct *vma, struct pte pte);

/* The wp fault on mm/va: queue a message and sleep until resolved.
 * Entered with the mmap_lock for read, or (>= 6.6, FAULT_FLAG_VMA_LOCK)
 * vma's read lock; returns VM_FAULT_RETRY with that lock dropped (see
 * vma_fault_give_up for the VMA lock), or VM_FAULT_SIGBUS (lock held)
 * when the fault may not retry. */
int handle_userfault(struct mm_struct *mm, struct vm_area_struct *vma, int va,
		     unsigned fault_flags);

/* UFFDIO_REGISTER(MODE_WP) of the page at va; UFFDIO_WRITEPROTECT. */
bool sys_uffd_register(int va);
bool sys_uffd_writeprotect(int va, bool enable_wp);
/* The monitor: wait for one wp fault message and resolve it by
 * unprotecting its page (which wakes the faulting thread). */
void uffd_monitor_resolve(void);

#endif
