// SPDX-License-Identifier: MIT
/*
 * Reader/writer semaphores (mmap_lock). Linux semantics that matter for
 * interleavings:
 *  - a queued waiter (a writer, or readers behind one) blocks new readers:
 *    readers cannot starve a writer;
 *  - release hands the lock over in FIFO order: to the writer at the head
 *    of the queue, or to the whole run of readers at the head;
 *  - trylocks never block and fail whenever Linux's would: held in a
 *    conflicting mode, or anyone queued.
 * Re-acquiring an rwsem the thread holds, in either mode, is reported as
 * a double lock: a recursive down_read deadlocks as soon as a writer
 * queues in between, which is why lockdep forbids it too.
 */
#include "sched.h"
#include "sync.h"
#include "sync_internal.h"

SCHED_TSAN_IGNORE_BEGIN

static uint8_t bit(int tid)
{
	return (uint8_t)(1u << tid);
}

void init_rwsem(struct rw_semaphore *s, const char *name)
{
	s->dep = (struct lockdep_map){.name = name, .kind = LOCK_RWSEM};
	s->waiters.n = 0;
	for (int i = 0; i < SCHED_MAX_THREADS; i++)
		s->waiting_writer[i] = 0;
	tsan_lock_create(&s->dep);
}

bool rwsem_is_locked(const struct rw_semaphore *s)
{
	return s->dep.writer != 0 || s->dep.readers != 0;
}

bool rwsem_held_by_me(const struct rw_semaphore *s)
{
	int me = sched_self();

	return me >= 0 && (s->dep.writer == me + 1 || (s->dep.readers & bit(me)));
}

/* Queue the running thread (as a writer or not) and sleep until handed the lock. */
static void rwsem_wait(struct rw_semaphore *s, bool writer, struct sched_site *site)
{
	s->waiting_writer[s->waiters.n] = writer;
	sched_block(&s->waiters, &s->dep, site);
}

/* Wake one queue head; keep waiting_writer[] aligned with the queue. */
static int rwsem_wake_head(struct rw_semaphore *s)
{
	int tid = sched_wake_one(&s->waiters);

	for (int i = 1; i < SCHED_MAX_THREADS; i++)
		s->waiting_writer[i - 1] = s->waiting_writer[i];
	s->waiting_writer[SCHED_MAX_THREADS - 1] = 0;
	return tid;
}

/* The lock became free: hand it to the head writer or the head readers. */
static void rwsem_hand_off(struct rw_semaphore *s)
{
	if (s->waiters.n == 0)
		return;
	if (s->waiting_writer[0]) {
		s->dep.writer = (uint8_t)(rwsem_wake_head(s) + 1);
		return;
	}
	while (s->waiters.n > 0 && !s->waiting_writer[0])
		s->dep.readers |= bit(rwsem_wake_head(s));
}

static bool read_available(const struct rw_semaphore *s)
{
	return s->dep.writer == 0 && s->waiters.n == 0;
}

static bool write_available(const struct rw_semaphore *s)
{
	return s->dep.writer == 0 && s->dep.readers == 0 && s->waiters.n == 0;
}

void down_read(struct rw_semaphore *s)
{
	int me = sched_self();

	if (me < 0)
		return;
	might_sleep();
	sched_point_on(SITE("down_read"), &s->dep, SCHED_WRITE);
	if (rwsem_held_by_me(s))
		lockdep_fail_double_lock(&s->dep, "down_read");
	if (read_available(s))
		s->dep.readers |= bit(me);
	else
		rwsem_wait(s, false, SITE("down_read:sleep"));
	lockdep_acquire(&s->dep, true);
	tsan_lock_acquired(&s->dep, true, false);
}

bool down_read_trylock(struct rw_semaphore *s)
{
	int me = sched_self();

	if (me < 0)
		return true;
	sched_point_on(SITE("down_read_trylock"), &s->dep, SCHED_WRITE);
	if (!read_available(s) || rwsem_held_by_me(s))
		return false;
	s->dep.readers |= bit(me);
	lockdep_acquire(&s->dep, true);
	tsan_lock_acquired(&s->dep, true, true);
	return true;
}

void up_read(struct rw_semaphore *s)
{
	int me = sched_self();

	if (me < 0)
		return;
	sched_access(&s->dep, SCHED_WRITE); /* the release, before its point */
	if (!(s->dep.readers & bit(me)))
		lockdep_fail_unlock(&s->dep, "up_read");
	tsan_lock_released(&s->dep, true);
	lockdep_release(&s->dep);
	s->dep.readers &= (uint8_t)~bit(me);
	if (s->dep.readers == 0)
		rwsem_hand_off(s);
	sched_point_on(SITE("up_read"), &s->dep, SCHED_WRITE);
}

void down_write(struct rw_semaphore *s)
{
	int me = sched_self();

	if (me < 0)
		return;
	might_sleep();
	sched_point_on(SITE("down_write"), &s->dep, SCHED_WRITE);
	if (rwsem_held_by_me(s))
		lockdep_fail_double_lock(&s->dep, "down_write");
	if (write_available(s))
		s->dep.writer = (uint8_t)(me + 1);
	else
		rwsem_wait(s, true, SITE("down_write:sleep"));
	lockdep_acquire(&s->dep, false);
	tsan_lock_acquired(&s->dep, false, false);
}

bool down_write_trylock(struct rw_semaphore *s)
{
	int me = sched_self();

	if (me < 0)
		return true;
	sched_point_on(SITE("down_write_trylock"), &s->dep, SCHED_WRITE);
	if (!write_available(s))
		return false;
	s->dep.writer = (uint8_t)(me + 1);
	lockdep_acquire(&s->dep, false);
	tsan_lock_acquired(&s->dep, false, true);
	return true;
}

void up_write(struct rw_semaphore *s)
{
	int me = sched_self();

	if (me < 0)
		return;
	sched_access(&s->dep, SCHED_WRITE); /* the release, before its point */
	if (s->dep.writer != me + 1)
		lockdep_fail_unlock(&s->dep, "up_write");
	tsan_lock_released(&s->dep, false);
	lockdep_release(&s->dep);
	s->dep.writer = 0;
	rwsem_hand_off(s);
	sched_point_on(SITE("up_write"), &s->dep, SCHED_WRITE);
}

/* Writer to reader without letting another writer in (downgrade_write):
 * the readers queued at the head may join. */
void downgrade_write(struct rw_semaphore *s)
{
	int me = sched_self();

	if (me < 0)
		return;
	sched_access(&s->dep, SCHED_WRITE); /* the release, before its point */
	if (s->dep.writer != me + 1)
		lockdep_fail_unlock(&s->dep, "downgrade_write");
	tsan_lock_released(&s->dep, false);
	tsan_lock_acquired(&s->dep, true, false);
	lockdep_release(&s->dep);
	lockdep_acquire(&s->dep, true);
	s->dep.writer = 0;
	s->dep.readers |= bit(me);
	while (s->waiters.n > 0 && !s->waiting_writer[0])
		s->dep.readers |= bit(rwsem_wake_head(s));
	sched_point_on(SITE("downgrade_write"), &s->dep, SCHED_WRITE);
}

SCHED_TSAN_IGNORE_END
