// SPDX-License-Identifier: MIT
/*
 * RCU (scheduler/rcu.h): over every schedule with up to 3 preemptions, a
 * grace period (synchronize_rcu, call_rcu) keeps an object alive for the
 * readers that may hold it, and freeing without one is caught; a grace
 * period does not wait for readers that entered after it began; callbacks
 * always run; and the read-side lock discipline checks.
 */
#include "programs_rcu.h"
#include "scheduler/dpor.h"
#include "scheduler/rcu.h"
#include "scheduler/sync.h"
#include "test.h"

/* What every schedule of a program within the bound did. */
struct rcu_outcomes {
	uint64_t executions, passed, violations;
	uint64_t states[4]; /* distinct final states of passing runs */
	int n_states;
};

static void enumerate(const struct program *p, unsigned k, struct rcu_outcomes *o)
{
	struct dpor_options opt = {.preemptions = k, .reduce = false};
	struct dpor *d = dpor_create(&opt);
	struct sched_result r;

	*o = (struct rcu_outcomes){0};
	while (!dpor_done(d)) {
		struct sched_config cfg = {.strategy = dpor_strategy(d), .max_steps = p->max_steps};
		uint64_t s;
		int i;

		p->setup();
		sched_run(&cfg, &r);
		o->executions++;
		if (r.verdict != SCHED_PASS) {
			o->violations += r.verdict == SCHED_VIOLATION && p->bug_ok && p->bug_ok(&r);
			continue;
		}
		o->passed++;
		s = p->state();
		for (i = 0; i < o->n_states && o->states[i] != s; i++)
			;
		if (i == o->n_states && o->n_states < 4)
			o->states[o->n_states++] = s;
	}
	dpor_destroy(d);
}

/* A passing run ends with the object freed; the reader saw it or not. */
static bool freed_in_every_state(const struct rcu_outcomes *o)
{
	for (int i = 0; i < o->n_states; i++) {
		if (o->states[i] >> 32)
			return false;
	}
	return o->n_states > 0;
}

void test_rcu_grace_period(void)
{
	struct rcu_outcomes o;

	enumerate(&prog_rcu_synchronize, 3, &o);
	CHECK(o.executions > 3 && o.passed == o.executions);
	/* Both orders happen: the reader found the object (42) or nothing. */
	CHECK(o.n_states == 2 && freed_in_every_state(&o));
	enumerate(&prog_rcu_callback, 3, &o);
	CHECK(o.executions > 3 && o.passed == o.executions);
	CHECK(o.n_states == 2 && freed_in_every_state(&o));
	/* Without a grace period the same program frees under the reader. */
	enumerate(&prog_rcu_no_grace_period, 0, &o);
	CHECK(o.violations == 0);
	enumerate(&prog_rcu_no_grace_period, 1, &o);
	CHECK(o.violations > 0);
}

/* ---- a grace period waits only for readers already inside ------------ */

static bool reader_inside, returned_while_inside;

static void late_reader(void *arg)
{
	sched_point_on(SITE("late-reader:enter"), &reader_inside, SCHED_WRITE);
	rcu_read_lock();
	reader_inside = true;
	sched_point_on(SITE("late-reader:leave"), &reader_inside, SCHED_WRITE);
	reader_inside = false;
	rcu_read_unlock();
}

static void waiter(void *arg)
{
	synchronize_rcu();
	sched_access(&reader_inside, SCHED_READ);
	if (reader_inside)
		returned_while_inside = true;
}

static void late_reader_setup(void)
{
	reader_inside = returned_while_inside = false;
	sched_spawn(waiter, NULL, "waiter");
	sched_spawn(late_reader, NULL, "reader");
}

static uint64_t late_reader_state(void)
{
	return returned_while_inside;
}

static const struct program prog_late_reader = {
	.name = "rcu-late-reader",
	.setup = late_reader_setup,
	.n_threads = 2,
	.bug = SCHED_PASS,
	.max_steps = 200,
	.state = late_reader_state,
	.smallest_k = -1,
};

void test_rcu_late_reader_not_waited_for(void)
{
	struct rcu_outcomes o;

	enumerate(&prog_late_reader, 2, &o);
	CHECK(o.passed == o.executions);
	/* Some schedule returns from synchronize_rcu() with the reader inside
	 * (it entered after the grace period began); others do not. */
	CHECK(o.n_states == 2);
}

/* ---- lock discipline -------------------------------------------------- */

static struct sched_result res;
static struct mutex rcu_test_mutex;
static struct rcu_head test_head;

static void run_alone(void (*fn)(void *))
{
	mutex_init(&rcu_test_mutex, "m");
	sched_spawn(fn, NULL, "t");
	run_exec(NULL, 0, false, &res);
}

static void sleeps_in_section(void *arg)
{
	rcu_read_lock();
	mutex_lock(&rcu_test_mutex);
	mutex_unlock(&rcu_test_mutex);
	rcu_read_unlock();
}

static void synchronizes_in_section(void *arg)
{
	rcu_read_lock();
	synchronize_rcu();
	rcu_read_unlock();
}

static void exits_in_section(void *arg)
{
	rcu_read_lock();
}

static void unlocks_twice(void *arg)
{
	rcu_read_lock();
	rcu_read_unlock();
	rcu_read_unlock();
}

/* Nested sections: the inner unlock leaves the thread inside. */
static bool inside_after_inner_unlock;

static void nests(void *arg)
{
	rcu_read_lock();
	rcu_read_lock();
	rcu_read_unlock();
	lockdep_assert_in_rcu_read_lock();
	inside_after_inner_unlock = true;
	rcu_read_unlock();
	lockdep_assert_in_rcu_read_lock();
}

static void sleeping_callback(struct rcu_head *head)
{
	might_sleep();
}

static void callback_sleeps(void *arg)
{
	call_rcu(&test_head, sleeping_callback);
}

void test_rcu_lockdep(void)
{
	run_alone(sleeps_in_section);
	CHECK_R(res.verdict == SCHED_VIOLATION && !strcmp(res.kind, "sleep-in-rcu"), &res);
	CHECK_R(strstr(res.report, "may sleep inside rcu_read_lock (holds rcu_read_lock(R))"),
		&res);
	run_alone(synchronizes_in_section);
	CHECK_R(res.verdict == SCHED_VIOLATION && !strcmp(res.kind, "sleep-in-rcu"), &res);
	run_alone(exits_in_section);
	CHECK_R(res.verdict == SCHED_VIOLATION && !strcmp(res.kind, "held-at-exit"), &res);
	CHECK_R(strstr(res.report, "exits holding rcu_read_lock(R)"), &res);
	run_alone(unlocks_twice);
	CHECK_R(res.verdict == SCHED_VIOLATION && !strcmp(res.kind, "double-unlock"), &res);
	inside_after_inner_unlock = false;
	run_alone(nests);
	CHECK_R(res.verdict == SCHED_VIOLATION && !strcmp(res.kind, "not-in-rcu-read"), &res);
	CHECK(inside_after_inner_unlock);
	run_alone(callback_sleeps);
	CHECK_R(res.verdict == SCHED_VIOLATION && !strcmp(res.kind, "sleep-in-rcu"), &res);
	CHECK_R(strstr(res.report, "inside rcu_callback"), &res);
}
