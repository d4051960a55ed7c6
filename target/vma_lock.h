/* SPDX-License-Identifier: MIT */
/*
 * Per-VMA locks (6.4+, include/linux/mm.h and mm/memory.c): most page
 * faults find their VMA by an RCU walk of the tree and read-lock just that
 * VMA, taking no mmap_lock. A writer holding mmap_lock for write excludes
 * such a fault only from the VMAs it write-locked with vma_start_write();
 * there is no per-VMA unlock: mmap_write_unlock() bumps mm_lock_seq
 * (vma_end_write_all), which unlocks every VMA locked in that section.
 *
 * With policy.per_vma_lock off (before 6.4) none of this exists: faults
 * take mmap_lock, vma_start_write() and vma_end_write_all() do nothing.
 */
#ifndef MMFUZZ_TARGET_VMA_LOCK_H
#define MMFUZZ_TARGET_VMA_LOCK_H

#include "model.h"

/* Try to read-lock a VMA for a fault; false if it is write-locked (or
 * its lock is contended): the fault falls back to mmap_lock. */
bool vma_start_read(struct vm_area_struct *vma);
void vma_end_read(struct vm_area_struct *vma);
/* Caller holds mmap_lock for write: exclude VMA-locked faults from vma
 * until the mmap_write_unlock. Waits for faults inside it. */
void vma_start_write(struct vm_area_struct *vma);
void vma_assert_write_locked(const struct vm_area_struct *vma);
/* mmap_write_unlock / mmap_write_downgrade: every write-locked VMA of mm
 * is unlocked. */
void vma_end_write_all(struct mm_struct *mm);
/* The VMA leaves (true) or joins (false) its mm's tree. */
void vma_mark_detached(struct vm_area_struct *vma, bool detached);

/* vm_flags change only with the VMA write-locked (6.4's vm_flags_*()). */
void vm_flags_set(struct vm_area_struct *vma, unsigned flags);
void vm_flags_clear(struct vm_area_struct *vma, unsigned flags);
/* vm_flags_set() followed by nothing but mmap_write_unlock: before 6.4.8
 * a fault may see the unlock first (policy.vma_lock_seq_release). */
void vm_flags_set_last(struct vm_area_struct *vma, unsigned flags);

/* The fault path's lookup: the VMA containing va, read-locked, or NULL
 * when the fault must take mmap_lock instead (lock_vma_under_rcu). */
struct vm_area_struct *lock_vma_under_rcu(struct mm_struct *mm, int va);

/*
 * The lock a fault runs under (B7c): the VMA's read lock with
 * FAULT_FLAG_VMA_LOCK in fault_flags, else mmap_lock for read. A handler
 * that must sleep (page-cache I/O, a userfaultfd) drops it with
 * release_fault_lock() and returns VM_FAULT_RETRY; whether it may drop
 * the VMA lock, or must return with it held for the arch handler to drop,
 * is policy.vma_release_on_retry.
 */
void release_fault_lock(struct mm_struct *mm, struct vm_area_struct *vma, unsigned fault_flags);
/* The fault's lock is held by the running thread, else lock-discipline. */
void assert_fault_locked(const struct mm_struct *mm, const struct vm_area_struct *vma,
			 unsigned fault_flags);
/* May a handler under the VMA lock drop it before returning RETRY? */
bool vma_fault_callee_releases(void);
/* Does the arch handler call vma_end_read() after a RETRY? */
bool vma_fault_caller_releases_retry(void);
/* A handler under the VMA lock cannot go on (it would sleep, or needs
 * mmap_lock): give up with VM_FAULT_RETRY, dropping the lock first if the
 * contract says the handler does. */
int vma_fault_give_up(struct vm_area_struct *vma, const char *why);
/* The same, because the VMA has no anon_vma yet (counted apart). */
int vma_fault_give_up_anon_vma(struct vm_area_struct *vma, const char *why);

/* The kernel's vmstat events for VMA-locked faults (CONFIG_PER_VMA_LOCK_STATS):
 * completed under the VMA lock, no lockable VMA found (fault under
 * mmap_lock), given up (retried under mmap_lock), VMA replaced between
 * the walk and the lock. */
enum vma_lock_event {
	VMA_LOCK_SUCCESS,
	VMA_LOCK_ABORT,
	VMA_LOCK_RETRY,
	VMA_LOCK_MISS,
	NR_VMA_LOCK_EVENTS
};

/* Per-execution statistics, not model state. */
struct vma_lock_stats {
	unsigned event[NR_VMA_LOCK_EVENTS];
	unsigned user_faults;	     /* do_user_addr_fault() calls */
	unsigned no_anon_vma;	     /* aborts: an anonymous VMA's first fault (no anon_vma) */
	unsigned no_anon_vma_retry;  /* retries: the same, given up in vmf_anon_prepare */
	unsigned anon_vma_trylocked; /* VMA-locked faults that assigned it under a trylock */
	uint64_t write_wait_max;     /* longest vma_start_write() wait, in steps */
};

void count_vm_vma_lock_event(enum vma_lock_event event);
void count_user_fault(void);
void count_anon_vma_trylocked(void);
void vma_lock_stats_reset(void);
void vma_lock_stats_read(struct vma_lock_stats *out);

#endif
