// SPDX-License-Identifier: MIT
/*
 * The scheduler under ThreadSanitizer (built with -fsanitize=thread):
 *   tsan_check clean — model data always accessed under model locks, over
 *     many executions, some ending in deadlock with threads abandoned while
 *     holding locks, and main resetting the data between executions: TSan
 *     must report nothing (no false races from the scheduler itself, from
 *     fiber reuse or from abandoned lock state).
 *   tsan_check racy — the same data incremented without the lock: TSan must
 *     report a data race between two simulated threads.
 * An optional second argument sets the number of executions (soak runs:
 * memory and TSan's per-fiber shadow stack must not grow with it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scheduler/sched.h"
#include "scheduler/strategy.h"
#include "scheduler/sync.h"

static struct mutex m, other;
static struct rw_semaphore sem;
static long counter, version;

static void locked_worker(void *arg)
{
	for (int i = 0; i < 3; i++) {
		mutex_lock(&m);
		counter++;
		mutex_unlock(&m);
		down_read(&sem);
		(void)*(volatile long *)&version;
		up_read(&sem);
		down_write(&sem);
		version++;
		up_write(&sem);
	}
}

/*
 * A deadlock without a lock-order cycle (which TSan's own deadlock
 * detector would rightly report): one thread holds m and waits for an
 * event nobody signals, the other waits for m. Both are abandoned holding
 * or waiting for locks.
 */
static struct wait_queue_head never;

static bool never_true(void *arg)
{
	return false;
}

static void stuck(void *arg)
{
	if (arg) {
		mutex_lock(&m);
		counter++;
		wait_event(&never, never_true, NULL);
	} else {
		sched_point(SITE("tsan:before"));
		mutex_lock(&m);
		counter++;
		mutex_unlock(&m);
	}
}

static void racy_worker(void *arg)
{
	long v = counter;

	sched_point(SITE("tsan:racy"));
	counter = v + 1;
}

int main(int argc, char **argv)
{
	bool racy = argc > 1 && !strcmp(argv[1], "racy");
	struct strategy_random r;
	struct sched_config cfg = {.strategy = &r.base};
	static struct sched_result res;
	int deadlocks = 0;
	int executions = argc > 2 ? atoi(argv[2]) : 300;

	strategy_random_init(&r, 11);
	for (int i = 0; i < executions; i++) {
		mutex_init(&m, "m");
		mutex_init(&other, "other");
		init_rwsem(&sem, "sem");
		init_waitqueue_head(&never, "never");
		counter = 0; /* main resets model state between executions */
		version = 0;
		if (racy) {
			sched_spawn(racy_worker, NULL, "racy0");
			sched_spawn(racy_worker, NULL, "racy1");
		} else if (i % 3 == 0) {
			sched_spawn(stuck, (void *)1, "holder");
			sched_spawn(stuck, NULL, "waiter");
		} else {
			sched_spawn(locked_worker, NULL, "w0");
			sched_spawn(locked_worker, NULL, "w1");
			sched_spawn(locked_worker, NULL, "w2");
		}
		sched_run(&cfg, &res);
		deadlocks += res.verdict == SCHED_DEADLOCK;
		if (res.verdict != SCHED_PASS && res.verdict != SCHED_DEADLOCK) {
			printf("unexpected verdict %d: %s\n", res.verdict, res.report);
			return 1;
		}
	}
	printf("%s: %d executions, %d deadlocks\n", racy ? "racy" : "clean", executions, deadlocks);
	return racy || deadlocks > 0 ? 0 : 1;
}
