/* SPDX-License-Identifier: MIT */
#include "userfaultfd.h"

#include "fault.h"
#include "mmap_lock.h"
#include "mprotect.h"
#include "oracle.h"
#include "pgtable.h"
#include "policy.h"
#include "vma.h"
#include "vma_lock.h"

/* The context's queues are guarded by its wait-queue spinlock in the
 * kernel; here every access is one step, like the kernel's atomics. */
static MM_ATOMIC bool uffd_released(struct mm_struct *mm)
{
	sched_access(&mm->uffd_released, SCHED_READ);
	return mm->uffd_released;
}

static MM_ATOMIC void uffd_release(struct mm_struct *mm)
{
	sched_access(&mm->uffd_released, SCHED_WRITE);
	mm->uffd_released = true;
}

static MM_ATOMIC void uffd_queue_msg(struct mm_struct *mm, int va)
{
	sched_access(&mm->uffd_nr_msgs, SCHED_WRITE);
	if (mm->uffd_nr_msgs < SCHED_MAX_THREADS)
		mm->uffd_msg_va[mm->uffd_nr_msgs++] = va;
}

static MM_ATOMIC int uffd_dequeue_msg(struct mm_struct *mm)
{
	int va;

	if (mm->uffd_nr_msgs == 0) {
		sched_access(&mm->uffd_nr_msgs, SCHED_READ);
		return -1;
	}
	sched_access(&mm->uffd_nr_msgs, SCHED_WRITE);
	va = mm->uffd_msg_va[0];
	mm->uffd_nr_msgs--;
	for (int i = 0; i < mm->uffd_nr_msgs; i++)
		mm->uffd_msg_va[i] = mm->uffd_msg_va[i + 1];
	return va;
}

bool userfaultfd_wp(struct mm_struct *mm, const struct vm_area_struct *vma)
{
	vma_access(vma, SCHED_READ);
	return (vma->vm_flags & VM_UFFD_WP) && !uffd_released(mm);
}

bool userfaultfd_pte_wp(struct mm_struct *mm, const struct vm_area_struct *vma, struct pte pte)
{
	return userfaultfd_wp(mm, vma) && pte.uffd_wp;
}

int handle_userfault(struct mm_struct *mm, struct vm_area_struct *vma, int va, unsigned fault_flags)
{
	assert_fault_locked(mm, vma, fault_flags);
	/* 6.4-6.5 keep userfaultfd-armed VMAs out of the VMA lock, and their
	 * handler knows only mmap_lock, which it asserts and drops: a fault
	 * that got in by seeing the VMA before it was armed (B8e) breaks it. */
	if ((fault_flags & FAULT_FLAG_VMA_LOCK) && policy.vma_lock_scope == VMA_LOCK_SCOPE_ANON)
		sched_fail(
			"lock-discipline", "userfault-under-vma-lock",
			"T%d handles a userfault on VMA [%d, %d) of P%d under the VMA lock alone: "
			"the VMA was armed after the fault saw it unlocked, and handle_userfault "
			"will drop an mmap_lock it does not hold",
			sched_self(), vma->start, vma->end, mm->id);
	/* Before 6.6 a handler under the VMA lock may not drop it: it
	 * cannot wait for the monitor, it gives up at once. */
	if ((fault_flags & FAULT_FLAG_VMA_LOCK) && !vma_fault_callee_releases())
		return vma_fault_give_up(vma, "userfault");
	if (!(fault_flags & FAULT_FLAG_ALLOW_RETRY)) {
		/* Before 5.7 a retried fault could not wait a second time. */
		mm_trace("handle_userfault P%d va %d: no retry allowed -> SIGBUS", mm->id, va);
		return VM_FAULT_SIGBUS;
	}
	mm_point("handle_userfault", &mm->uffd_nr_msgs, SCHED_WRITE,
		 "handle_userfault P%d va %d: wp fault to the monitor", mm->id, va);
	uffd_queue_msg(mm, va);
	sched_wake_all(&mm->uffd_monitor);
	release_fault_lock(mm, vma, fault_flags);
	while (ptep_get(mm, va).uffd_wp && !uffd_released(mm)) {
		if (!sched_block_timeout(&mm->uffd_faulting, SITE("handle_userfault:wait"))) {
			mm_trace("userfaultfd of P%d closed: faults resolve normally", mm->id);
			uffd_release(mm);
			oracle_uffd_released(mm->id);
		}
	}
	return VM_FAULT_RETRY;
}

bool sys_uffd_register(int va)
{
	struct mm_struct *mm = current_mm();
	struct vm_area_struct *vma;
	bool ok = false;

	mmap_write_lock(mm);
	vma = find_vma(mm, va);
	/* Write-protect mode is for anonymous memory, and only since 5.7:
	 * before, UFFDIO_REGISTER_MODE_WP is an unknown mode (EINVAL). */
	if (vma)
		vma_access(vma, SCHED_READ);
	if (policy.uffd_wp && vma && vma->anon && !uffd_released(mm)) {
		vma = vma_isolate(mm, va);
		if (vma) {
			/* The last change before the unlock: 6.4.0-6.4.7
			 * let a fault see the unlock first (B8e). */
			vm_flags_set_last(vma, VM_UFFD_WP);
			ok = true;
		}
	}
	mm_trace("UFFDIO_REGISTER(WP) P%d va %d: %s", mm->id, va, ok ? "ok" : "EINVAL");
	mmap_write_unlock(mm);
	return ok;
}

/* mwriteprotect_range(): under the mmap_lock for read (mainline), which
 * lets page faults run while PTEs change and flushes are deferred. */
bool sys_uffd_writeprotect(int va, bool enable_wp)
{
	struct mm_struct *mm = current_mm();
	struct vm_area_struct *vma;
	bool write_lock = policy.uffd_wp_write_lock && enable_wp;
	bool ok;

	if (write_lock)
		mmap_write_lock(mm);
	else
		mmap_read_lock(mm);
	vma = find_vma(mm, va);
	/* Before 5.7 the ioctl does not exist (EINVAL). */
	ok = policy.uffd_wp && vma && userfaultfd_wp(mm, vma);
	mm_trace("UFFDIO_WRITEPROTECT P%d va %d %s: %s", mm->id, va, enable_wp ? "WP" : "unprotect",
		 ok		  ? "ok"
		 : policy.uffd_wp ? "ENOENT"
				  : "EINVAL");
	if (ok && enable_wp) {
		unsigned token = oracle_uffd_wp_begin(mm->id, va);

		change_protection(mm, vma, va, va + 1, CP_UFFD_WP);
		oracle_uffd_wp_end(mm->id, va, token);
	} else if (ok) {
		oracle_uffd_unprotect_begin(mm->id, va);
		change_protection(mm, vma, va, va + 1, CP_UFFD_WP_RESOLVE);
		oracle_uffd_unprotect_end(mm->id, va);
		sched_wake_all(&mm->uffd_faulting);
	}
	if (write_lock)
		mmap_write_unlock(mm);
	else
		mmap_read_unlock(mm);
	return ok;
}

void uffd_monitor_resolve(void)
{
	struct mm_struct *mm = current_mm();
	int va;

	while ((va = uffd_dequeue_msg(mm)) < 0) {
		if (uffd_released(mm) ||
		    !sched_block_timeout(&mm->uffd_monitor, SITE("uffd monitor: read")))
			return;
	}
	mm_trace("uffd monitor P%d: wp fault at va %d, unprotecting", mm->id, va);
	sys_uffd_writeprotect(va, false);
}
