// SPDX-License-Identifier: MIT
#include "programs.h"

#include <string.h>

#include "scheduler/sync.h"

/* ---- (a) lost update: load, scheduling point, store --------------------- */

static int lu_counter, lu_done;
static struct wait_queue_head lu_wq;

static void lu_increment(void *arg)
{
	int v;

	sched_access(&lu_counter, SCHED_READ);
	v = lu_counter;
	sched_point_on(SITE("lost:load"), &lu_counter, SCHED_WRITE);
	lu_counter = v + 1;
	sched_point_on(SITE("lost:store"), &lu_done, SCHED_WRITE);
	lu_done++;
	wake_up_all(&lu_wq);
}

static bool lu_all_done(void *arg)
{
	sched_access(&lu_done, SCHED_READ);
	return lu_done == 2;
}

static void lu_check(void *arg)
{
	wait_event(&lu_wq, lu_all_done, NULL);
	if (lu_counter != 2)
		sched_fail("test", "lost-update", "counter is %d after 2 increments", lu_counter);
}

static void lu_setup(void)
{
	lu_counter = 0;
	lu_done = 0;
	init_waitqueue_head(&lu_wq, "lu_done");
	sched_spawn(lu_increment, NULL, "inc0");
	sched_spawn(lu_increment, NULL, "inc1");
	sched_spawn(lu_check, NULL, "check");
}

static uint64_t lu_state(void)
{
	return (uint64_t)lu_counter << 8 | (uint64_t)lu_done;
}

static bool lu_ok(const struct sched_result *r)
{
	return !strcmp(r->kind, "lost-update") && r->fail_thread == 2;
}

const struct program prog_lost_update = {
	.name = "lost-update",
	.setup = lu_setup,
	.n_threads = 3,
	.bug = SCHED_VIOLATION,
	.max_steps = 1000,
	.bug_ok = lu_ok,
	.state = lu_state,
	.smallest_k = 1,
};

/* ---- (b) AB-BA deadlock ------------------------------------------------- */

static struct mutex ab_a, ab_b;

static void ab_forward(void *arg)
{
	mutex_lock(&ab_a);
	mutex_lock(&ab_b);
	mutex_unlock(&ab_b);
	mutex_unlock(&ab_a);
}

static void ab_backward(void *arg)
{
	mutex_lock(&ab_b);
	mutex_lock(&ab_a);
	mutex_unlock(&ab_a);
	mutex_unlock(&ab_b);
}

static void ab_setup(void)
{
	mutex_init(&ab_a, "lock_A");
	mutex_init(&ab_b, "lock_B");
	sched_spawn(ab_forward, NULL, "forward");
	sched_spawn(ab_backward, NULL, "backward");
}

static bool ab_ok(const struct sched_result *r)
{
	return strstr(r->report, "T0 waits for lock_B held by T1") &&
	       strstr(r->report, "T1 waits for lock_A held by T0") && !strcmp(r->kind, "deadlock");
}

const struct program prog_abba_deadlock = {
	.name = "abba-deadlock",
	.setup = ab_setup,
	.n_threads = 2,
	.bug = SCHED_DEADLOCK,
	.max_steps = 1000,
	.bug_ok = ab_ok,
	.smallest_k = 1,
};

/*
 * ---- (c) writer starvation ----------------------------------------------
 * The writer only ever trylocks; three readers re-take the read lock as
 * long as the writer has not written. When the readers' critical sections
 * keep overlapping, the writer never finds the lock free: starvation, seen
 * as a spent step budget (about 15% of uniformly random schedules).
 */

#define RW_READER_CS_POINTS 6
#define RW_READERS	    3

static struct rw_semaphore rw_sem;
static bool rw_written;
/* Each reader's own count of its critical steps, and the writer's of its
 * retries: what those steps touch, so that they say so (they are
 * independent of every other thread's steps). */
static unsigned rw_inside[RW_READERS], rw_retries;

static void rw_reader(void *arg)
{
	unsigned *inside = arg;

	for (;;) {
		sched_access(&rw_written, SCHED_READ);
		if (rw_written)
			break;
		down_read(&rw_sem);
		for (int i = 0; i < RW_READER_CS_POINTS; i++) {
			sched_point_on(SITE("reader:critical"), inside, SCHED_WRITE);
			(*inside)++;
		}
		up_read(&rw_sem);
	}
}

static void rw_writer(void *arg)
{
	while (!down_write_trylock(&rw_sem)) {
		sched_spin_on(SITE("writer:retry"), &rw_retries, SCHED_WRITE);
		rw_retries++;
	}
	sched_access(&rw_written, SCHED_WRITE);
	rw_written = true;
	up_write(&rw_sem);
}

static uint64_t rw_state(void)
{
	return rw_written;
}

static void rw_setup(void)
{
	init_rwsem(&rw_sem, "rw_sem");
	rw_written = false;
	memset(rw_inside, 0, sizeof(rw_inside));
	rw_retries = 0;
	sched_spawn(rw_reader, &rw_inside[0], "reader0");
	sched_spawn(rw_reader, &rw_inside[1], "reader1");
	sched_spawn(rw_reader, &rw_inside[2], "reader2");
	sched_spawn(rw_writer, NULL, "writer");
}

static bool rw_ok(const struct sched_result *r)
{
	return !strcmp(r->kind, "livelock") && !strcmp(r->oracle, "lock-discipline");
}

const struct program prog_rw_starvation = {
	.name = "rw-starvation",
	.setup = rw_setup,
	.n_threads = 4,
	.bug = SCHED_LIVELOCK,
	.max_steps = 1000,
	.bug_ok = rw_ok,
	.state = rw_state,
	.smallest_k = 0,
};

/*
 * ---- a correct program -------------------------------------------------
 * Every kind of lock, a thread spawned by a thread, and a final check.
 */

static struct mutex cl_mutex;
static spinlock_t cl_spin;
static struct rw_semaphore cl_sem;
static struct wait_queue_head cl_wq;
static int cl_counter, cl_spin_counter, cl_version, cl_done;

static void cl_finish(void)
{
	mutex_lock(&cl_mutex);
	sched_access(&cl_done, SCHED_WRITE);
	cl_done++;
	mutex_unlock(&cl_mutex);
	wake_up_all(&cl_wq);
}

static void cl_worker(void *arg)
{
	for (int i = 0; i < 3; i++) {
		mutex_lock(&cl_mutex);
		sched_access(&cl_counter, SCHED_READ);
		int v = cl_counter;
		sched_point_on(SITE("clean:inside"), &cl_counter, SCHED_WRITE);
		cl_counter = v + 1;
		mutex_unlock(&cl_mutex);

		down_read(&cl_sem);
		sched_access(&cl_version, SCHED_READ);
		(void)cl_version;
		up_read(&cl_sem);

		spin_lock(&cl_spin);
		sched_access(&cl_spin_counter, SCHED_WRITE);
		cl_spin_counter++;
		spin_unlock(&cl_spin);
	}
	cl_finish();
}

static void cl_writer(void *arg)
{
	down_write(&cl_sem);
	sched_access(&cl_version, SCHED_WRITE);
	cl_version++;
	up_write(&cl_sem);
	/* A thread started by a thread. */
	sched_spawn(cl_worker, NULL, "late-worker");
	cl_finish();
}

static bool cl_all_done(void *arg)
{
	sched_access(&cl_done, SCHED_READ);
	return cl_done == 4;
}

static void cl_check(void *arg)
{
	wait_event(&cl_wq, cl_all_done, NULL);
	sched_access(&cl_counter, SCHED_READ);
	sched_access(&cl_spin_counter, SCHED_READ);
	sched_access(&cl_version, SCHED_READ);
	if (cl_counter != 9 || cl_spin_counter != 9 || cl_version != 1)
		sched_fail("test", "clean-broken", "counter %d spin %d version %d", cl_counter,
			   cl_spin_counter, cl_version);
}

static uint64_t cl_state(void)
{
	return (uint64_t)cl_counter << 24 | (uint64_t)cl_spin_counter << 16 |
	       (uint64_t)cl_version << 8 | (uint64_t)cl_done;
}

static void cl_setup(void)
{
	mutex_init(&cl_mutex, "cl_mutex");
	spin_lock_init(&cl_spin, "cl_spin");
	init_rwsem(&cl_sem, "cl_sem");
	init_waitqueue_head(&cl_wq, "cl_done");
	cl_counter = cl_spin_counter = cl_version = cl_done = 0;
	sched_spawn(cl_worker, NULL, "worker0");
	sched_spawn(cl_worker, NULL, "worker1");
	sched_spawn(cl_writer, NULL, "writer");
	sched_spawn(cl_check, NULL, "check");
}

const struct program prog_clean = {
	.name = "clean",
	.setup = cl_setup,
	.n_threads = 5,
	.bug = SCHED_PASS,
	.max_steps = 5000,
	.state = cl_state,
	.smallest_k = -1,
};

/*
 * ---- small programs for the bounded exploration (test_dpor.c) ----------
 * Every access annotated, so that reduction has something to work with.
 */

/* Two threads writing different variables: every order is equivalent. */
static int ind_a, ind_b;

static void ind_write_a(void *arg)
{
	for (int i = 0; i < 3; i++) {
		sched_point_on(SITE("indep:a"), &ind_a, SCHED_WRITE);
		ind_a = ind_a * 2 + 1;
	}
}

static void ind_write_b(void *arg)
{
	for (int i = 0; i < 3; i++) {
		sched_point_on(SITE("indep:b"), &ind_b, SCHED_WRITE);
		ind_b = ind_b * 3 + 1;
	}
}

static void ind_setup(void)
{
	ind_a = ind_b = 0;
	sched_spawn(ind_write_a, NULL, "write_a");
	sched_spawn(ind_write_b, NULL, "write_b");
}

static uint64_t ind_state(void)
{
	return (uint64_t)ind_a << 16 | (uint64_t)ind_b;
}

const struct program prog_independent = {
	.name = "independent",
	.setup = ind_setup,
	.n_threads = 2,
	.bug = SCHED_PASS,
	.max_steps = 100,
	.state = ind_state,
	.smallest_k = -1,
};

/* Message passing with the flag set before the data: one preemption
 * between the two stores lets the reader see the flag without the data. */
static int mp_data, mp_flag, mp_seen_flag, mp_seen_data;

static void mp_send(void *arg)
{
	sched_point_on(SITE("mp:flag"), &mp_flag, SCHED_WRITE);
	mp_flag = 1;
	sched_point_on(SITE("mp:data"), &mp_data, SCHED_WRITE);
	mp_data = 42;
}

static void mp_receive(void *arg)
{
	sched_point_on(SITE("mp:read-flag"), &mp_flag, SCHED_READ);
	mp_seen_flag = mp_flag;
	sched_point_on(SITE("mp:read-data"), &mp_data, SCHED_READ);
	mp_seen_data = mp_data;
	if (mp_seen_flag && mp_seen_data != 42)
		sched_fail("test", "message-passing", "flag seen, data %d", mp_seen_data);
}

static void mp_setup(void)
{
	mp_data = mp_flag = mp_seen_flag = mp_seen_data = 0;
	sched_spawn(mp_send, NULL, "send");
	sched_spawn(mp_receive, NULL, "receive");
}

static uint64_t mp_state(void)
{
	return (uint64_t)mp_seen_flag << 8 | (uint64_t)mp_seen_data;
}

const struct program prog_message_passing = {
	.name = "message-passing",
	.setup = mp_setup,
	.n_threads = 2,
	.bug = SCHED_VIOLATION,
	.max_steps = 100,
	.state = mp_state,
	.smallest_k = 1,
};

/* Three threads: two write x and y, the third reads both and a private
 * counter of its own; some steps race, some commute. */
static int tri_x, tri_y, tri_own, tri_seen;

static void tri_write_x(void *arg)
{
	sched_point_on(SITE("tri:x1"), &tri_x, SCHED_WRITE);
	tri_x = 1;
	sched_point_on(SITE("tri:x2"), &tri_x, SCHED_WRITE);
	tri_x = 2;
}

static void tri_write_y(void *arg)
{
	sched_point_on(SITE("tri:y"), &tri_y, SCHED_WRITE);
	tri_y = 1;
}

static void tri_read(void *arg)
{
	sched_point_on(SITE("tri:own"), &tri_own, SCHED_WRITE);
	tri_own++;
	sched_point_on(SITE("tri:read-x"), &tri_x, SCHED_READ);
	tri_seen = tri_x * 10;
	sched_point_on(SITE("tri:read-y"), &tri_y, SCHED_READ);
	tri_seen += tri_y;
}

static void tri_setup(void)
{
	tri_x = tri_y = tri_own = tri_seen = 0;
	sched_spawn(tri_write_x, NULL, "write_x");
	sched_spawn(tri_write_y, NULL, "write_y");
	sched_spawn(tri_read, NULL, "read");
}

static uint64_t tri_state(void)
{
	return (uint64_t)tri_seen << 16 | (uint64_t)tri_x << 8 | (uint64_t)tri_y;
}

const struct program prog_three = {
	.name = "three-threads",
	.setup = tri_setup,
	.n_threads = 3,
	.bug = SCHED_PASS,
	.max_steps = 100,
	.state = tri_state,
	.smallest_k = -1,
};
