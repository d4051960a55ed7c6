// SPDX-License-Identifier: MIT
/*
 * lockdep-lite: which locks each simulated thread holds, and the lock
 * discipline checks that need that knowledge (held at exit, sleep under
 * a spinlock) or that every primitive reports the same way.
 */
#include <stdio.h>

#include "rcu.h"
#include "sanitizer.h"
#include "sched.h"
#include "sync.h"
#include "sync_internal.h"

SCHED_TSAN_IGNORE_BEGIN

#define LOCKDEP_MAX_HELD 16

struct held_lock {
	const struct lockdep_map *map;
	bool read;
};

static struct held_lock held[SCHED_MAX_THREADS][LOCKDEP_MAX_HELD];
static int held_depth[SCHED_MAX_THREADS];

void lockdep_reset(void)
{
	for (int i = 0; i < SCHED_MAX_THREADS; i++)
		held_depth[i] = 0;
	/* Read-side sections are held "locks" too (rcu.h). */
	rcu_reset();
}

int lockdep_depth(void)
{
	int tid = sched_self();

	return tid < 0 ? 0 : held_depth[tid];
}

int lockdep_spinlocks_held(int tid)
{
	int n = 0;

	for (int k = 0; k < held_depth[tid]; k++)
		n += held[tid][k].map->kind == LOCK_SPIN;
	return n;
}

/* "mmap_lock(R) ptl[P0]", in acquisition order. */
void lockdep_print_held(int tid, char *buf, size_t len)
{
	size_t n = 0;

	if (!len)
		return;
	buf[0] = '\0';
	if (tid < 0 || tid >= SCHED_MAX_THREADS)
		return;
	for (int k = 0; k < held_depth[tid] && n < len; k++) {
		const struct held_lock *h = &held[tid][k];

		n += (size_t)snprintf(buf + n, len - n, "%s%s%s", k ? " " : "", h->map->name,
				      h->read ? "(R)" : "");
	}
}

void lockdep_acquire(const struct lockdep_map *m, bool read)
{
	int tid = sched_self();

	if (held_depth[tid] == LOCKDEP_MAX_HELD)
		sched_fail("lock-discipline", "lock-depth",
			   "T%d '%s' acquires %s while holding %d locks (lockdep-lite limit)", tid,
			   sched_thread_name(tid), m->name, LOCKDEP_MAX_HELD);
	held[tid][held_depth[tid]++] = (struct held_lock){m, read};
}

/* Locks may be released in any order: remove the innermost entry for m. */
void lockdep_release(const struct lockdep_map *m)
{
	int tid = sched_self();

	for (int k = held_depth[tid] - 1; k >= 0; k--) {
		if (held[tid][k].map != m)
			continue;
		for (int j = k + 1; j < held_depth[tid]; j++)
			held[tid][j - 1] = held[tid][j];
		held_depth[tid]--;
		return;
	}
}

void lockdep_thread_exit(int tid)
{
	char list[256];

	if (held_depth[tid] == 0)
		return;
	lockdep_print_held(tid, list, sizeof(list));
	sched_fail("lock-discipline", "held-at-exit", "T%d '%s' exits holding %s", tid,
		   sched_thread_name(tid), list);
}

void might_sleep(void)
{
	int tid = sched_self();
	char list[256];

	if (tid < 0)
		return;
	for (int k = 0; k < held_depth[tid]; k++) {
		const struct lockdep_map *m = held[tid][k].map;

		if (m->kind != LOCK_SPIN && m->kind != LOCK_RCU)
			continue;
		lockdep_print_held(tid, list, sizeof(list));
		if (m->kind == LOCK_RCU)
			sched_fail("lock-discipline", "sleep-in-rcu",
				   "T%d '%s' may sleep inside %s (holds %s)", tid,
				   sched_thread_name(tid), m->name, list);
		sched_fail("lock-discipline", "sleep-under-spinlock",
			   "T%d '%s' may sleep while holding spinlock %s (holds %s)", tid,
			   sched_thread_name(tid), m->name, list);
	}
}

_Noreturn void lockdep_fail_double_lock(const struct lockdep_map *m, const char *op)
{
	int tid = sched_self();
	char list[256];

	lockdep_print_held(tid, list, sizeof(list));
	sched_fail("lock-discipline", "double-lock",
		   "T%d '%s' %s %s, which it already holds: self-deadlock (holds %s)", tid,
		   sched_thread_name(tid), op, m->name, list);
}

/*
 * Unlocking a lock nobody holds is a double unlock (the usual way to get
 * there); unlocking one held by another thread, or held in the other
 * mode, is an unlock of a lock not held.
 */
_Noreturn void lockdep_fail_unlock(const struct lockdep_map *m, const char *op)
{
	int tid = sched_self();
	char owners[64];
	size_t n = 0;

	if (!m->writer && !m->readers)
		sched_fail("lock-discipline", "double-unlock",
			   "T%d '%s' %s %s, which is not locked", tid, sched_thread_name(tid), op,
			   m->name);
	owners[0] = '\0';
	if (m->writer)
		n += (size_t)snprintf(owners, sizeof(owners), "T%d", m->writer - 1);
	for (int i = 0; i < SCHED_MAX_THREADS && n < sizeof(owners); i++) {
		if (m->readers & (1u << i))
			n += (size_t)snprintf(owners + n, sizeof(owners) - n, "%sT%d(R)",
					      n ? "," : "", i);
	}
	sched_fail("lock-discipline", "unlock-not-held", "T%d '%s' %s %s, which is held by %s", tid,
		   sched_thread_name(tid), op, m->name, owners);
}

void lockdep_tsan_forget_held(int tid)
{
	for (int k = held_depth[tid] - 1; k >= 0; k--)
		tsan_lock_released(held[tid][k].map, held[tid][k].read);
}

SCHED_TSAN_IGNORE_END
