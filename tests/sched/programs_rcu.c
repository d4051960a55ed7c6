// SPDX-License-Identifier: MIT
#include "programs_rcu.h"

#include <string.h>

#include "scheduler/access.h"
#include "scheduler/rcu.h"

enum free_how { FREE_SYNCHRONIZE, FREE_CALL_RCU, FREE_AT_ONCE };

static struct rcu_object {
	bool alive;
	int value;
	struct rcu_head rcu;
} object;
static struct rcu_object *published;
static int reader_saw; /* the value the reader read, -1 if it found nothing */
static enum free_how free_how;

/* Two reads of the object, a scheduling point between them: an updater
 * that frees too early gets in between. */
static void reader(void *arg)
{
	struct rcu_object *p;

	rcu_read_lock();
	sched_point_on(SITE("rcu-reader:dereference"), &published, SCHED_READ);
	p = published;
	reader_saw = -1;
	if (p) {
		sched_point_on(SITE("rcu-reader:use"), &object, SCHED_READ);
		if (!p->alive)
			sched_fail("test", "use-after-free",
				   "the reader used an object freed under it");
		reader_saw = p->value;
	}
	rcu_read_unlock();
}

static void free_object(struct rcu_head *head)
{
	sched_access(&object, SCHED_WRITE);
	object.alive = false;
}

static void updater(void *arg)
{
	sched_point_on(SITE("rcu-updater:unpublish"), &published, SCHED_WRITE);
	published = NULL;
	switch (free_how) {
	case FREE_SYNCHRONIZE:
		synchronize_rcu();
		sched_point_on(SITE("rcu-updater:free"), &object, SCHED_WRITE);
		free_object(&object.rcu);
		break;
	case FREE_CALL_RCU:
		call_rcu(&object.rcu, free_object);
		break;
	case FREE_AT_ONCE:
		sched_point_on(SITE("rcu-updater:free"), &object, SCHED_WRITE);
		free_object(&object.rcu);
		break;
	}
}

static void setup(enum free_how how)
{
	object = (struct rcu_object){.alive = true, .value = 42};
	published = &object;
	reader_saw = 0;
	free_how = how;
	sched_spawn(reader, NULL, "reader");
	sched_spawn(updater, NULL, "updater");
}

static void setup_synchronize(void)
{
	setup(FREE_SYNCHRONIZE);
}

static void setup_callback(void)
{
	setup(FREE_CALL_RCU);
}

static void setup_at_once(void)
{
	setup(FREE_AT_ONCE);
}

/* Every finished run has freed the object (callbacks run, too). */
static uint64_t state(void)
{
	return (uint64_t)object.alive << 32 | (uint32_t)reader_saw;
}

static bool use_after_free(const struct sched_result *r)
{
	return !strcmp(r->kind, "use-after-free") && r->fail_thread == 0;
}

const struct program prog_rcu_synchronize = {
	.name = "rcu-synchronize",
	.setup = setup_synchronize,
	.n_threads = 2,
	.bug = SCHED_PASS,
	.max_steps = 200,
	.state = state,
	.smallest_k = -1,
};

const struct program prog_rcu_callback = {
	.name = "rcu-callback",
	.setup = setup_callback,
	.n_threads = 2,
	.bug = SCHED_PASS,
	.max_steps = 200,
	.state = state,
	.smallest_k = -1,
};

const struct program prog_rcu_no_grace_period = {
	.name = "rcu-no-grace-period",
	.setup = setup_at_once,
	.n_threads = 2,
	.bug = SCHED_VIOLATION,
	.max_steps = 200,
	.bug_ok = use_after_free,
	.state = state,
	.smallest_k = 1,
};
