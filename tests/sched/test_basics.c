// SPDX-License-Identifier: MIT
/* The scheduler's own behaviour: runs, spawns, feature hook, trace, timeouts. */
#include <stdlib.h>

#include "scheduler/fiber.h"
#include "scheduler/sync.h"
#include "scheduler/trace.h"
#include "test.h"

static struct sched_result res;
static char order[64];
static int order_len;

static void note(char c)
{
	order[order_len++] = c;
	order[order_len] = '\0';
}

static void thread_note(void *arg)
{
	note(*(const char *)arg);
	sched_point(SITE("basics:a"));
	note(*(const char *)arg);
}

void test_basics(void)
{
	CHECK(fiber_backend()[0] != '\0');
	/* An execution without threads passes at once. */
	run_exec(NULL, 0, true, &res);
	CHECK(res.verdict == SCHED_PASS && res.steps == 0);

	/* The fallback runs each thread to its end, in order. */
	order_len = 0;
	sched_spawn(thread_note, "a", "A");
	sched_spawn(thread_note, "b", "B");
	CHECK(sched_self() == -1);
	run_exec(NULL, 0, true, &res);
	CHECK_R(res.verdict == SCHED_PASS, &res);
	CHECK(!strcmp(order, "aabb"));
	CHECK(res.switches == 1);
	CHECK(res.n_decisions + 1 == res.steps); /* the last point has nobody to run */
	CHECK(res.fail_thread == -1);
	CHECK(!strcmp(sched_thread_name(1), "B"));
	/* Too many threads. */
	for (int i = 0; i < SCHED_MAX_THREADS; i++)
		CHECK(sched_spawn(thread_note, "x", NULL) == i);
	CHECK(sched_spawn(thread_note, "x", NULL) == -1);
	order_len = 0;
	run_exec(NULL, 0, false, &res);
	CHECK(res.verdict == SCHED_PASS && order_len == 2 * SCHED_MAX_THREADS);
}

static int spawned_ran;

static void child(void *arg)
{
	spawned_ran++;
}

static void parent(void *arg)
{
	int tid = sched_spawn(child, NULL, "child");

	if (tid != 1)
		sched_fail("test", "spawn", "child got tid %d", tid);
	sched_point(SITE("parent:after-spawn"));
}

void test_spawn_from_thread(void)
{
	struct strategy_random r;

	strategy_random_init(&r, 1);
	for (int i = 0; i < 20; i++) {
		spawned_ran = 0;
		sched_spawn(parent, NULL, "parent");
		run_exec(&r.base, 0, false, &res);
		CHECK_R(res.verdict == SCHED_PASS, &res);
		CHECK(spawned_ran == 1);
	}
}

static uint32_t features[256];
static int n_features;

static void feature(uint32_t f)
{
	if (n_features < 256)
		features[n_features++] = f;
}

static void pingpong(void *arg)
{
	for (int i = 0; i < 4; i++)
		sched_point(arg ? SITE("pp:odd") : SITE("pp:even"));
}

void test_feature_hook(void)
{
	struct strategy_random r;
	struct sched_config cfg = {.strategy = &r.base, .feature_hook = feature};
	int distinct = 0;

	strategy_random_init(&r, 8);
	n_features = 0;
	sched_spawn(pingpong, NULL, "even");
	sched_spawn(pingpong, (void *)1, "odd");
	sched_run(&cfg, &res);
	CHECK(res.verdict == SCHED_PASS);
	CHECK(n_features + 1 == (int)res.steps);
	for (int i = 1; i < n_features; i++)
		distinct += features[i] != features[0];
	CHECK(distinct > 0);
}

void test_trace_format(void)
{
	FILE *f = tmpfile();
	char line[256] = "";

	CHECK(f != NULL);
	trace_enable(f);
	CHECK(trace_enabled());
	sched_spawn(pingpong, NULL, "even");
	sched_spawn(pingpong, (void *)1, "odd");
	{
		struct strategy_random r;

		strategy_random_init(&r, 2);
		run_exec(&r.base, 0, false, &res);
	}
	trace_enable(NULL);
	CHECK(!trace_enabled());
	trace_printf("not printed");
	rewind(f);
	CHECK(fgets(line, sizeof(line), f) != NULL);
	fclose(f);
	CHECK(!strncmp(line, "[step ", 6));
	CHECK((strstr(line, "] even/CPU") != NULL || strstr(line, "] odd/CPU") != NULL));
}

static struct sched_waitq tq;
static int timeout_result;

static void timed_waiter(void *arg)
{
	timeout_result = sched_block_timeout(&tq, SITE("user wait")) ? 1 : 0;
}

static void waker(void *arg)
{
	sched_wake_one(&tq);
}

void test_timeout_wait(void)
{
	/* Nobody wakes it: the wait times out instead of deadlocking. */
	tq.n = 0;
	timeout_result = -1;
	sched_spawn(timed_waiter, NULL, "waiter");
	run_exec(NULL, 0, false, &res);
	CHECK_R(res.verdict == SCHED_PASS, &res);
	CHECK(timeout_result == 0);
	/* Woken: returns true. */
	tq.n = 0;
	timeout_result = -1;
	sched_spawn(timed_waiter, NULL, "waiter");
	sched_spawn(waker, NULL, "waker");
	run_exec(NULL, 0, false, &res);
	CHECK_R(res.verdict == SCHED_PASS, &res);
	CHECK(timeout_result == 1);
}
