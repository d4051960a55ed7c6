/* SPDX-License-Identifier: MIT */
/*
 * Memory policies and mbind(), after mm/mempolicy.c.
 *
 * A VMA's policy (vma->vm_policy, NULL for the default) holds one
 * reference; a VMA copied by fork or split gets a copy of its own
 * (vma_dup_policy), and the VMA's removal drops it. The last reference
 * frees the policy at once, not after an RCU grace period: a reader that
 * loaded vma->vm_policy is safe only while no one can replace it, which
 * mmap_lock guaranteed until faults ran under the VMA lock alone (6.4).
 * mbind() then replaced the policy of a VMA that such a fault was reading
 * (B8d, CVE-2023-4611) until it write-locked the VMA first (6c21e066f925).
 *
 * Slots are handed out round-robin, as VMAs are, so a stale pointer finds
 * its slot free (a use-after-free the oracle reports) rather than reused.
 */
#include "mempolicy.h"

#include <stdio.h>

#include "folio.h"
#include "mmap_lock.h"
#include "policy.h"
#include "syscalls.h"
#include "vma.h"
#include "vma_lock.h"

static int mpol_id(const struct mempolicy *pol)
{
	return (int)(pol - M.mpol_slab);
}

static _Noreturn void mpol_use_after_free(const struct mempolicy *pol)
{
	sched_fail("memory-safety", "use-after-free",
		   "T%d touched mempolicy #%d after it was freed", sched_self(), mpol_id(pol));
}

/* A policy's fields are touched: recorded, and a use-after-free if it
 * went back to the slab. The slab's bookkeeping is the model's shadow
 * memory, not kernel data: kept out of TSan's view, as frames are. */
static MM_ATOMIC void mpol_access(const struct mempolicy *pol, enum sched_access_mode mode)
{
	sched_access(pol, mode);
	if (!pol->allocated)
		mpol_use_after_free(pol);
}

/* kmem_cache_alloc(policy_cache) with the reference count at one. */
static MM_ATOMIC struct mempolicy *mpol_alloc(void)
{
	sched_access(&M.mpol_next, SCHED_WRITE);
	for (int n = 0; n < MAX_MPOL_OBJS; n++) {
		int slot = (M.mpol_next + n) % MAX_MPOL_OBJS;
		struct mempolicy *pol = &M.mpol_slab[slot];

		sched_access(pol, SCHED_READ);
		if (pol->allocated)
			continue;
		sched_access(pol, SCHED_WRITE);
		M.mpol_next = (slot + 1) % MAX_MPOL_OBJS;
		*pol = (struct mempolicy){.allocated = true, .refcnt = 1};
		return pol;
	}
	/* Each VMA holds at most one policy and each mbind() two more: the
	 * slab is sized so that this cannot happen. */
	sched_fail("memory-safety", "mempolicy-slab-full", "more than %d memory policies",
		   MAX_MPOL_OBJS);
}

struct mempolicy *mpol_new(void)
{
	return mpol_alloc();
}

struct mempolicy *mpol_dup(struct mempolicy *pol)
{
	struct mempolicy *new;

	if (!pol)
		return NULL;
	mpol_access(pol, SCHED_READ); /* the copy reads the original */
	new = mpol_alloc();
	mm_trace("mpol_dup: mempolicy #%d copied to #%d", mpol_id(pol), mpol_id(new));
	return new;
}

/* atomic_dec_and_test(), then kmem_cache_free(). */
MM_ATOMIC void mpol_put(struct mempolicy *pol)
{
	if (!pol)
		return;
	mpol_access(pol, SCHED_WRITE);
	if (--pol->refcnt > 0)
		return;
	mm_trace("mpol_put: mempolicy #%d freed", mpol_id(pol));
	pol->allocated = false;
}

/*
 * vma->vm_policy, loaded by a fault and stored by mbind. Where faults run
 * under the VMA lock and mbind does not take it (v6.4), the two race by
 * design: that race is B8d, which the memory-safety oracle judges, so
 * ThreadSanitizer is not shown it there; everywhere else it checks that a
 * lock orders them.
 */
static bool mbind_races_faults(void)
{
	return policy.per_vma_lock && !policy.vma_lock_mbind;
}

static MM_ATOMIC struct mempolicy *vma_policy_racy(const struct vm_area_struct *vma)
{
	return vma->vm_policy;
}

static MM_ATOMIC void vma_set_policy_racy(struct vm_area_struct *vma, struct mempolicy *pol)
{
	vma->vm_policy = pol;
}

static struct mempolicy *vma_policy(const struct vm_area_struct *vma)
{
	return mbind_races_faults() ? vma_policy_racy(vma) : vma->vm_policy;
}

static void vma_set_policy(struct vm_area_struct *vma, struct mempolicy *pol)
{
	if (mbind_races_faults())
		vma_set_policy_racy(vma, pol);
	else
		vma->vm_policy = pol;
}

/*
 * get_vma_policy(): the VMA's own policy, or NULL for the task's (the
 * default: nothing to read). No reference is taken: only shared (shmem)
 * policies are refcounted here, and the fault's lock on the VMA is what
 * keeps an anonymous VMA's policy alive until the allocation read it.
 */
static struct mempolicy *get_vma_policy(struct vm_area_struct *vma, int va)
{
	struct mempolicy *pol;

	vma_access(vma, SCHED_READ);
	pol = vma_policy(vma);
	if (!pol)
		return NULL;
	/* A point only where a policy exists: programs without mbind keep
	 * their schedules. */
	mm_point("get_vma_policy", pol, SCHED_READ,
		 "get_vma_policy P%d va %d: VMA [%d, %d) has mempolicy #%d", vma->mm, va,
		 vma->start, vma->end, mpol_id(pol));
	return pol;
}

int vma_alloc_folio(struct vm_area_struct *vma, int va, unsigned fault_flags)
{
	struct mempolicy *pol;

	assert_fault_locked(&M.proc[vma->mm].mm, vma, fault_flags);
	pol = get_vma_policy(vma, va);
	/* policy_nodemask()/policy_node(): the node(s) to allocate from. */
	if (pol)
		mpol_access(pol, SCHED_READ);
	return folio_alloc_anon();
}

/*
 * Install a copy of pol as the VMA's policy and drop the old one. Since
 * 6.4.8/6.5 (6c21e066f925) the VMA is write-locked first: a fault under
 * its read lock may be reading the old policy, which the put frees.
 */
static void vma_replace_policy(struct mm_struct *mm, struct vm_area_struct *vma,
			       struct mempolicy *pol)
{
	struct mempolicy *old, *new;

	mmap_assert_write_locked(mm);
	if (policy.vma_lock_mbind)
		vma_start_write(vma);
	new = mpol_dup(pol);
	mm_point("vma_replace_policy", vma, SCHED_WRITE,
		 "vma_replace_policy P%d VMA [%d, %d): mempolicy #%d replaces %s", mm->id,
		 vma->start, vma->end, mpol_id(new), vma_policy(vma) ? "a policy" : "the default");
	vma_access(vma, SCHED_WRITE);
	old = vma_policy(vma);
	vma_set_policy(vma, new);
	mpol_put(old);
}

/*
 * mbind(va, 1 page, MPOL_BIND, ...): do_mbind() makes the policy, then
 * under mmap_lock for write mbind_range() splits the page's VMA off and
 * replaces its policy. The model tracks no nodes, so each call's policy
 * counts as different from the VMA's (mpol_equal never skips a VMA).
 */
bool sys_mbind(int va)
{
	struct mm_struct *mm = current_mm();
	struct mempolicy *new = mpol_new();
	struct vm_area_struct *vma;

	mmap_write_lock(mm);
	vma = vma_isolate(mm, va);
	if (vma)
		vma_replace_policy(mm, vma, new);
	mm_trace("mbind P%d va %d: %s", mm->id, va, vma ? "ok" : "error");
	mmap_write_unlock(mm);
	mpol_put(new);
	return vma != NULL;
}

bool mpol_check_leaks(char *report, size_t size)
{
	for (int i = 0; i < MAX_MPOL_OBJS; i++) {
		const struct mempolicy *pol = &M.mpol_slab[i];

		if (pol->allocated) {
			snprintf(report, size,
				 "mempolicy #%d still allocated after every process exited: "
				 "refcount %d",
				 i, pol->refcnt);
			return true;
		}
	}
	return false;
}
