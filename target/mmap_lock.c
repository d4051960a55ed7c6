/* SPDX-License-Identifier: MIT */
#include "mmap_lock.h"

#include "policy.h"
#include "vma_lock.h"

/* Per-thread bookkeeping for the statistics, not model state. */
static MM_ATOMIC void held(int delta)
{
	M.mmap_lock_depth[sched_self()] += delta;
}

static MM_ATOMIC int depth(void)
{
	return M.mmap_lock_depth[sched_self()];
}

void mmap_assert_locked(const struct mm_struct *mm)
{
	if (depth() <= 0)
		sched_fail("lock-discipline", "unlocked-caller",
			   "T%d entered a path of P%d that needs the mmap_lock without it",
			   sched_self(), mm->id);
}

void mmap_assert_write_locked(const struct mm_struct *mm)
{
	int tid = sched_self();

	if (tid >= 0 && mm->mmap_lock.dep.writer != tid + 1)
		sched_fail(
			"lock-discipline", "unlocked-caller",
			"T%d entered a path of P%d that needs the mmap_lock for write without it",
			tid, mm->id);
}

void mmap_read_lock(struct mm_struct *mm)
{
	down_read(&mm->mmap_lock);
	held(1);
}

/* A scheduling point, like every trylock; fails, without waiting, while a
 * writer holds the lock or anyone (a writer, or readers queued behind
 * one) waits for it, as the rwsem's trylock does. */
bool mmap_read_trylock(struct mm_struct *mm)
{
	if (!down_read_trylock(&mm->mmap_lock))
		return false;
	held(1);
	return true;
}

void mmap_read_unlock(struct mm_struct *mm)
{
	up_read(&mm->mmap_lock);
	held(-1);
}

/* Execution statistics, not model state: kept out of TSan's view. */
static MM_ATOMIC void note_write_wait(uint64_t waited)
{
	if (waited > M.mmap_write_wait_max)
		M.mmap_write_wait_max = waited;
}

static MM_ATOMIC void note_io_under_lock(void)
{
	M.io_under_mmap_lock++;
}

/*
 * Speculative faults (proposal): mmap_seq is odd from the moment a writer
 * holds mmap_lock until it lets go, and moves on by two per write section,
 * so a fault that read it even and finds it unchanged knows no writer ran
 * in between. Bumped in the step that takes or drops the lock: no
 * scheduling point of its own; nothing at all with the proposal off.
 */
static MM_ATOMIC void mmap_seq_bump(struct mm_struct *mm)
{
	if (policy.fault_speculative == SPF_NO)
		return;
	sched_access(&mm->mmap_seq, SCHED_WRITE);
	mm->mmap_seq++;
}

void mmap_write_lock(struct mm_struct *mm)
{
	uint64_t asked = sched_step();

	down_write(&mm->mmap_lock);
	mmap_seq_bump(mm);
	held(1);
	note_write_wait(sched_step() - asked);
}

void mmap_write_unlock(struct mm_struct *mm)
{
	vma_end_write_all(mm);
	mmap_seq_bump(mm);
	up_write(&mm->mmap_lock);
	held(-1);
}

/* The write section ends here: readers may run again (as the series'
 * mmap_write_downgrade does, the count goes even). */
void mmap_write_downgrade(struct mm_struct *mm)
{
	vma_end_write_all(mm);
	mmap_seq_bump(mm);
	downgrade_write(&mm->mmap_lock);
}

/* The VMA whose read lock the running thread holds (6.4+), or NULL.
 * Lockdep's view, not model state: hidden from TSan (the slab's flags
 * change under other locks; a slot this thread holds the lock of stays). */
static MM_ATOMIC const struct vm_area_struct *vma_read_locked_by_me(void)
{
	for (int i = 0; i < MAX_VMA_OBJS; i++)
		if (M.vma_slab[i].allocated && rwsem_held_by_me(&M.vma_slab[i].vm_lock))
			return &M.vma_slab[i];
	return NULL;
}

/*
 * The opt-in check (the proposal's invariant, "no I/O under mmap_lock")
 * covers the VMA read lock too: a fault sleeping for I/O with it held
 * would stall every mmap_lock writer that must write-lock that VMA
 * (vma_start_write waits for its readers, holding mmap_lock), which is
 * the stall the rule is about; 6.6+ handlers drop it before the I/O
 * (maybe_unlock_mmap_for_io -> release_fault_lock).
 */
void io_schedule(const char *what)
{
	const struct vm_area_struct *vma;

	might_sleep();
	if (M.mmap_lock_depth[sched_self()] > 0) {
		note_io_under_lock();
		if (policy.check_io_under_mmap_lock)
			sched_fail("lock-latency", "io-under-mmap-lock",
				   "T%d slept for %s while holding an mmap_lock", sched_self(),
				   what);
	}
	if (policy.check_io_under_mmap_lock && (vma = vma_read_locked_by_me()))
		sched_fail("lock-latency", "io-under-vma-lock",
			   "T%d slept for %s while holding the read lock of VMA [%d, %d) of P%d",
			   sched_self(), what, vma->start, vma->end, vma->mm);
	mm_point("io_schedule", OBJ_THREAD_LOCAL, SCHED_READ, "io_schedule: %s", what);
}
