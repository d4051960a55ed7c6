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

void mmap_write_lock(struct mm_struct *mm)
{
	uint64_t asked = sched_step();

	down_write(&mm->mmap_lock);
	held(1);
	note_write_wait(sched_step() - asked);
}

void mmap_write_unlock(struct mm_struct *mm)
{
	vma_end_write_all(mm);
	up_write(&mm->mmap_lock);
	held(-1);
}

void mmap_write_downgrade(struct mm_struct *mm)
{
	vma_end_write_all(mm);
	downgrade_write(&mm->mmap_lock);
}

void io_schedule(const char *what)
{
	might_sleep();
	if (M.mmap_lock_depth[sched_self()] > 0) {
		note_io_under_lock();
		if (policy.check_io_under_mmap_lock)
			sched_fail("lock-latency", "io-under-mmap-lock",
				   "T%d slept for %s while holding an mmap_lock", sched_self(),
				   what);
	}
	mm_point("io_schedule", OBJ_THREAD_LOCAL, SCHED_READ, "io_schedule: %s", what);
}
