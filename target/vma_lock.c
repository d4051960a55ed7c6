/* SPDX-License-Identifier: MIT */
#include "vma_lock.h"

#include <string.h>

#include "fault.h"
#include "mmap_lock.h"
#include "policy.h"
#include "scheduler/ordering.h"
#include "vma.h"

/* Statistics of the execution, not model state: kept out of TSan's view
 * and out of the state hash. */
static struct vma_lock_stats stats;

MM_ATOMIC void count_vm_vma_lock_event(enum vma_lock_event event)
{
	stats.event[event]++;
}

MM_ATOMIC void count_user_fault(void)
{
	stats.user_faults++;
}

static MM_ATOMIC void note_write_wait(uint64_t waited)
{
	if (waited > stats.write_wait_max)
		stats.write_wait_max = waited;
}

static MM_ATOMIC void count_no_anon_vma(void)
{
	stats.no_anon_vma++;
}

static MM_ATOMIC void count_no_anon_vma_retry(void)
{
	stats.no_anon_vma_retry++;
}

MM_ATOMIC void count_anon_vma_trylocked(void)
{
	stats.anon_vma_trylocked++;
}

void vma_lock_stats_reset(void)
{
	memset(&stats, 0, sizeof(stats));
}

void vma_lock_stats_read(struct vma_lock_stats *out)
{
	*out = stats;
}

static struct mm_struct *vma_mm(const struct vm_area_struct *vma)
{
	return &M.proc[vma->mm].mm;
}

/* Is vma write-locked in the writer's current mmap_lock section? A
 * lockless read (READ_ONCE in the kernel): hidden from TSan. */
static MM_ATOMIC bool vma_write_locked(const struct vm_area_struct *vma)
{
	const struct mm_struct *mm = &M.proc[vma->mm].mm;

	vma_access(vma, SCHED_READ);
	sched_access(&mm->mm_lock_seq, SCHED_READ);
	return vma->vm_lock_seq == mm->mm_lock_seq;
}

bool vma_start_read(struct vm_area_struct *vma)
{
	if (vma_write_locked(vma))
		return false;
	if (!down_read_trylock(&vma->vm_lock))
		return false;
	/* A writer may have locked it between the check and the trylock. */
	if (vma_write_locked(vma)) {
		up_read(&vma->vm_lock);
		return false;
	}
	/* The load of mm_lock_seq is an acquire (b1f02b95758d): what the
	 * last writer changed before its unlock is visible. Before 6.4.8 it
	 * was not, which vm_flags_set_last() shows. */
	acquire_ordering(&vma_mm(vma)->mm_lock_seq);
	return true;
}

void vma_end_read(struct vm_area_struct *vma)
{
	vma_access(vma, SCHED_READ);
	up_read(&vma->vm_lock);
}

void vma_start_write(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma_mm(vma);
	uint64_t asked;

	if (!policy.per_vma_lock)
		return;
	mmap_assert_write_locked(mm);
	if (vma_write_locked(vma))
		return;
	/* Waits for the faults that hold it for read: the lock-latency view
	 * of the VMA lock. */
	asked = sched_step();
	down_write(&vma->vm_lock);
	note_write_wait(sched_step() - asked);
	mm_trace("vma_start_write P%d VMA [%d, %d)", mm->id, vma->start, vma->end);
	vma_access(vma, SCHED_WRITE);
	vma->vm_lock_seq = mm->mm_lock_seq;
	up_write(&vma->vm_lock);
}

void vma_assert_write_locked(const struct vm_area_struct *vma)
{
	if (!policy.per_vma_lock || sched_self() < 0 || vma_write_locked(vma))
		return;
	sched_fail("lock-discipline", "vma-not-write-locked",
		   "T%d changes VMA [%d, %d) of P%d without vma_start_write()", sched_self(),
		   vma->start, vma->end, vma->mm);
}

/* The store is a release (b1f02b95758d). Kept out of TSan's view: VMA-
 * locked faults read mm_lock_seq without a lock, by design. */
MM_ATOMIC void vma_end_write_all(struct mm_struct *mm)
{
	sched_access(&mm->mm_lock_seq, SCHED_WRITE);
	release_ordering(&mm->mm_lock_seq);
	mm->mm_lock_seq++;
}

void vma_mark_detached(struct vm_area_struct *vma, bool detached)
{
	if (detached)
		vma_assert_write_locked(vma);
	vma_access(vma, SCHED_WRITE);
	vma->detached = detached;
}

void vm_flags_set(struct vm_area_struct *vma, unsigned flags)
{
	vma_start_write(vma);
	vma_access(vma, SCHED_WRITE);
	vma->vm_flags |= flags;
}

/* The late store races with the fault that locked the VMA: that is 6.4's
 * bug, which the model's own oracle reports by its effect; hidden from
 * TSan, whose replay of real profiles must stay quiet. */
static MM_ATOMIC void vm_flags_store_late(struct vm_area_struct *vma, unsigned flags)
{
	vma_access(vma, SCHED_WRITE);
	vma->vm_flags |= flags;
}

/*
 * vm_flags_set() as the write section's last change, seen from another CPU
 * before 6.4.8 (b1f02b95758d): mm_lock_seq was a plain store and a plain
 * load, so a fault could see the section's end, the VMA unlocked, before
 * the flags stored earlier. The model lets the new count be seen first and
 * the flags land after a scheduling point; the caller's mmap_write_unlock
 * ends the section as usual (the count moves on once more).
 */
void vm_flags_set_last(struct vm_area_struct *vma, unsigned flags)
{
	struct mm_struct *mm = vma_mm(vma);

	if (!policy.per_vma_lock || policy.vma_lock_seq_release) {
		vm_flags_set(vma, flags);
		return;
	}
	vma_start_write(vma);
	vma_end_write_all(mm);
	mm_point("vm_flags_set", vma, SCHED_WRITE,
		 "P%d VMA [%d, %d): a fault may see mm_lock_seq %d, the VMA unlocked, before "
		 "vm_flags |= %#x (no release ordering)",
		 mm->id, vma->start, vma->end, mm->mm_lock_seq, flags);
	vm_flags_store_late(vma, flags);
}

void vm_flags_clear(struct vm_area_struct *vma, unsigned flags)
{
	vma_start_write(vma);
	vma_access(vma, SCHED_WRITE);
	vma->vm_flags &= ~flags;
}

/* The VMA may not be faulted under its own lock: the fault takes mmap_lock.
 * Also read before the lock is taken: a lockless read, hidden from TSan. */
static MM_ATOMIC bool vma_lock_refused(const struct vm_area_struct *vma)
{
	/* 6.4-6.5: only anonymous VMAs, and not those a userfaultfd watches
	 * (its handler drops mmap_lock, which a VMA-locked fault lacks).
	 * From 6.6 the handlers that wait drop whichever lock they hold. */
	if (policy.vma_lock_scope == VMA_LOCK_SCOPE_ANY)
		return false;
	return !vma->anon || (vma->vm_flags & VM_UFFD_WP);
}

/* An anonymous VMA without its anon_vma: the first anonymous page would
 * have to look at the neighbours' anon_vma (find_mergeable_anon_vma),
 * which the VMA lock does not cover. Refused here up to 6.9; file VMAs
 * (>= 6.6), and from 6.10 these too, are let in, and the fault deals with
 * it when it maps an anonymous page (vmf_anon_prepare, memory.c). */
static bool vma_needs_anon_vma(const struct vm_area_struct *vma)
{
	return vma->anon && !vma->anon_vma;
}

/* The RCU walk of the tree (mas_walk): find_vma's walk, but lockless
 * reads of the tree and of the VMAs' ranges, which a writer may be
 * changing; hidden from TSan (a call to find_vma would not be). */
static MM_ATOMIC struct vm_area_struct *vma_walk_rcu(struct mm_struct *mm, int va)
{
	sched_access(OBJ_VMA_LIST(mm), SCHED_READ);
	/* rcu_dereference: the VMAs the tree points to are initialised. */
	acquire_ordering(OBJ_VMA_LIST(mm));
	for (int i = 0; i < mm->nr_vmas; i++) {
		struct vm_area_struct *v = mm->vma[i];

		vma_access(v, SCHED_READ);
		if (v->start <= va && va < v->end)
			return v;
	}
	return NULL;
}

/* 6.4's unlocked look at anon_vma (B8b), racing with writers by design:
 * the read is made here, not in a call TSan would see. */
static MM_ATOMIC bool vma_needs_anon_vma_unlocked(const struct vm_area_struct *vma)
{
	return vma->anon && !vma->anon_vma;
}

struct vm_area_struct *lock_vma_under_rcu(struct mm_struct *mm, int va)
{
	struct vm_area_struct *vma;

	rcu_read_lock();
	mm_point("lock_vma_under_rcu", OBJ_VMA_LIST(mm), SCHED_READ,
		 "lock_vma_under_rcu P%d va %d: walk the VMA tree", mm->id, va);
	vma = vma_walk_rcu(mm, va);
	if (!vma || vma_lock_refused(vma))
		goto inval;
	/* 6.4 looked at anon_vma before locking: the VMA could change (and
	 * its neighbours go away) between the look and the lock (B8b). */
	if (policy.vma_lock_anon_vma_check == ANON_VMA_CHECK_BEFORE_LOCK &&
	    vma_needs_anon_vma_unlocked(vma)) {
		count_no_anon_vma();
		goto inval;
	}
	if (!vma_start_read(vma))
		goto inval;
	vma_access(vma, SCHED_READ);
	if (policy.vma_lock_anon_vma_check == ANON_VMA_CHECK_UNDER_LOCK &&
	    vma_needs_anon_vma(vma)) {
		count_no_anon_vma();
		goto inval_end_read;
	}
	/* Changed between the walk and the lock. */
	if (vma_lock_refused(vma) || va < vma->start || va >= vma->end)
		goto inval_end_read;
	if (vma->detached) {
		/* Replaced: the kernel walks again (a "miss"); the model
		 * takes mmap_lock instead. */
		vma_end_read(vma);
		rcu_read_unlock();
		count_vm_vma_lock_event(VMA_LOCK_MISS);
		return NULL;
	}
	rcu_read_unlock();
	return vma;

inval_end_read:
	vma_end_read(vma);
inval:
	rcu_read_unlock();
	count_vm_vma_lock_event(VMA_LOCK_ABORT);
	return NULL;
}

/* A VMA the running thread holds for read, or write-locked in its mmap
 * write section (vma_assert_locked). */
static void vma_assert_locked(const struct vm_area_struct *vma)
{
	if (rwsem_held_by_me(&vma->vm_lock) || vma_write_locked(vma))
		return;
	sched_fail("lock-discipline", "fault-lock-not-held",
		   "T%d handles a fault on VMA [%d, %d) of P%d without that VMA's lock",
		   sched_self(), vma->start, vma->end, vma->mm);
}

void assert_fault_locked(const struct mm_struct *mm, const struct vm_area_struct *vma,
			 unsigned fault_flags)
{
	if (sched_self() < 0)
		return;
	if (fault_flags & FAULT_FLAG_VMA_LOCK)
		vma_assert_locked(vma);
	else
		mmap_assert_locked(mm);
}

void release_fault_lock(struct mm_struct *mm, struct vm_area_struct *vma, unsigned fault_flags)
{
	assert_fault_locked(mm, vma, fault_flags);
	if (fault_flags & FAULT_FLAG_VMA_LOCK)
		vma_end_read(vma);
	else
		mmap_read_unlock(mm);
}

bool vma_fault_callee_releases(void)
{
	return policy.vma_release_on_retry == VMA_RELEASE_CALLEE ||
	       policy.vma_release_on_retry == VMA_RELEASE_MUTANT_BOTH;
}

bool vma_fault_caller_releases_retry(void)
{
	return policy.vma_release_on_retry == VMA_RELEASE_CALLER ||
	       policy.vma_release_on_retry == VMA_RELEASE_MUTANT_BOTH;
}

int vma_fault_give_up_anon_vma(struct vm_area_struct *vma, const char *why)
{
	count_no_anon_vma_retry();
	return vma_fault_give_up(vma, why);
}

int vma_fault_give_up(struct vm_area_struct *vma, const char *why)
{
	bool release = vma_fault_callee_releases();

	if (sched_self() >= 0)
		vma_assert_locked(vma);
	mm_trace("fault on P%d VMA [%d, %d) gives up the VMA lock (%s): %s", vma->mm, vma->start,
		 vma->end, why,
		 release ? "vma_end_read, VM_FAULT_RETRY" : "VM_FAULT_RETRY, lock held");
	if (release)
		vma_end_read(vma);
	return VM_FAULT_RETRY;
}
