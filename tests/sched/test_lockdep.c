// SPDX-License-Identifier: MIT
/* Each lock-discipline check, with the fallback (non-preemptive) schedule. */
#include "scheduler/sync.h"
#include "test.h"

static struct sched_result res;
static struct mutex m1, m2;
static spinlock_t sl;
static struct rw_semaphore sem;
static struct wait_queue_head wq;
static bool flag;

static void reset_locks(void)
{
	mutex_init(&m1, "m1");
	mutex_init(&m2, "m2");
	spin_lock_init(&sl, "ptl[P0]");
	init_rwsem(&sem, "mmap_lock");
	init_waitqueue_head(&wq, "flag");
	flag = false;
}

static bool flag_set(void *arg)
{
	return flag;
}

static void run1(void (*fn)(void *), const char *name)
{
	sched_spawn(fn, NULL, name);
	run_exec(NULL, 0, false, &res);
}

static void double_unlock(void *arg)
{
	mutex_lock(&m1);
	mutex_unlock(&m1);
	mutex_unlock(&m1);
}

void test_lockdep_double_unlock(void)
{
	reset_locks();
	run1(double_unlock, "du");
	CHECK_R(res.verdict == SCHED_VIOLATION, &res);
	CHECK(!strcmp(res.oracle, "lock-discipline") && !strcmp(res.kind, "double-unlock"));
	CHECK_R(strstr(res.report, "T0 'du' mutex_unlock m1") != NULL, &res);
	CHECK(res.fail_thread == 0);
	CHECK(!strcmp(res.fail_site, "mutex_unlock"));
}

static void holder(void *arg)
{
	mutex_lock(&m1);
	wait_event(&wq, flag_set, NULL);
	mutex_unlock(&m1);
}

static void stranger(void *arg)
{
	mutex_unlock(&m1);
}

static void up_write_while_reading(void *arg)
{
	down_read(&sem);
	up_write(&sem);
}

void test_lockdep_unlock_not_held(void)
{
	reset_locks();
	sched_spawn(holder, NULL, "holder");
	sched_spawn(stranger, NULL, "stranger");
	run_exec(NULL, 0, false, &res);
	CHECK_R(res.verdict == SCHED_VIOLATION && !strcmp(res.kind, "unlock-not-held"), &res);
	CHECK_R(strstr(res.report, "T1 'stranger' mutex_unlock m1, which is held by T0"), &res);
	CHECK(res.fail_thread == 1);
	/* Releasing the other mode of an rwsem. */
	reset_locks();
	sched_spawn(up_write_while_reading, NULL, "rw");
	run_exec(NULL, 0, false, &res);
	CHECK_R(res.verdict == SCHED_VIOLATION && !strcmp(res.kind, "unlock-not-held"), &res);
	CHECK_R(strstr(res.report, "up_write mmap_lock, which is held by T0(R)") != NULL, &res);
}

static void sleeper(void *arg)
{
	spin_lock(&sl);
	mutex_lock(&m1);
}

void test_lockdep_sleep_under_spinlock(void)
{
	reset_locks();
	run1(sleeper, "sleeper");
	CHECK_R(res.verdict == SCHED_VIOLATION && !strcmp(res.kind, "sleep-under-spinlock"), &res);
	CHECK_R(strstr(res.report, "spinlock ptl[P0]") != NULL, &res);
}

static void leaver(void *arg)
{
	down_read(&sem);
	spin_lock(&sl);
}

void test_lockdep_held_at_exit(void)
{
	reset_locks();
	run1(leaver, "leaver");
	CHECK_R(res.verdict == SCHED_VIOLATION && !strcmp(res.kind, "held-at-exit"), &res);
	CHECK_R(strstr(res.report, "exits holding mmap_lock(R) ptl[P0]") != NULL, &res);
}

static void relocker(void *arg)
{
	mutex_lock(&m2);
	mutex_lock(&m2);
}

static void rereader(void *arg)
{
	down_read(&sem);
	down_read(&sem);
}

void test_lockdep_double_lock(void)
{
	reset_locks();
	run1(relocker, "relocker");
	CHECK_R(res.verdict == SCHED_VIOLATION && !strcmp(res.kind, "double-lock"), &res);
	CHECK_R(strstr(res.report, "m2") != NULL, &res);
	reset_locks();
	run1(rereader, "rereader");
	CHECK_R(res.verdict == SCHED_VIOLATION && !strcmp(res.kind, "double-lock"), &res);
}

static char held_text[128];
static int held_depth;

static void print_held(void *arg)
{
	down_read(&sem);
	spin_lock(&sl);
	lockdep_print_held(sched_self(), held_text, sizeof(held_text));
	held_depth = lockdep_depth();
	spin_unlock(&sl);
	up_read(&sem);
}

void test_lockdep_print_held(void)
{
	reset_locks();
	run1(print_held, "p");
	CHECK_R(res.verdict == SCHED_PASS, &res);
	CHECK(!strcmp(held_text, "mmap_lock(R) ptl[P0]"));
	CHECK(held_depth == 2);
}

static void deadlock_a(void *arg)
{
	mutex_lock(&m1);
	sched_point(SITE("dl:between"));
	mutex_lock(&m2);
	mutex_unlock(&m2);
	mutex_unlock(&m1);
}

static void deadlock_b(void *arg)
{
	mutex_lock(&m2);
	sched_point(SITE("dl:between"));
	mutex_lock(&m1);
	mutex_unlock(&m1);
	mutex_unlock(&m2);
}

void test_deadlock_report(void)
{
	struct strategy_random r;
	int found = 0;

	strategy_random_init(&r, 5);
	for (int i = 0; i < 200 && !found; i++) {
		reset_locks();
		sched_spawn(deadlock_a, NULL, "a");
		sched_spawn(deadlock_b, NULL, "b");
		run_exec(&r.base, 0, false, &res);
		if (res.verdict == SCHED_DEADLOCK)
			found = 1;
		else
			CHECK_R(res.verdict == SCHED_PASS, &res);
	}
	CHECK(found);
	CHECK(!strcmp(res.oracle, "lock-discipline") && !strcmp(res.kind, "deadlock"));
	CHECK_R(strstr(res.report,
		       "deadlock: T0 waits for m2 held by T1; T1 waits for m1 held by T0"),
		&res);
}

static void spinner(void *arg)
{
	for (;;)
		sched_point(SITE("spin"));
}

void test_livelock_verdict(void)
{
	run1(spinner, "spinner");
	CHECK(res.verdict == SCHED_LIVELOCK);
	CHECK(!strcmp(res.oracle, "lock-discipline") && !strcmp(res.kind, "livelock"));
	CHECK(res.steps == 100001);
	sched_spawn(spinner, NULL, "spinner");
	run_exec(NULL, 50, false, &res);
	CHECK(res.verdict == SCHED_LIVELOCK && res.steps == 51);
}
