/* SPDX-License-Identifier: MIT */
#include "race_events.h"

#include "runner.h"
#include "scheduler/sync.h"
#include "target/feedback.h"

/*
 * An event is noted when its feature is reported and completed at the next
 * multi-choice point, where a switch would land. If the thread that
 * reported it still holds a spinlock there (the PTL, around a PTE change),
 * the event is listed a second time at its first point without one: a
 * fault that needs that lock can run only from there.
 */
static struct observer {
	struct strategy base;
	struct strategy_bytes bytes;
	struct race_event *events;
	size_t n, max;
	bool at_next, at_unlocked; /* points the current event waits for */
	int reporter;		   /* the thread that reported it */
	uint8_t va;
} observer;

static void note_race_event(uint32_t feature)
{
	if (!feedback_race_event(feature))
		return;
	observer.at_next = observer.at_unlocked = true;
	observer.reporter = sched_self();
	observer.va = (uint8_t)feedback_feature_va();
}

static void list_event(struct observer *o, const struct sched_choice *c)
{
	struct race_event *e = &o->events[o->n++];
	int cpu[SCN_MAX_THREADS];

	e->point = o->bytes.points;
	e->va = o->va;
	feedback_program_position(cpu, e->op);
	for (int t = 0; t < SCN_MAX_THREADS; t++) {
		e->target[t] = -1;
		for (int k = 0; k < c->n_enabled; k++)
			if (cpu[t] >= 0 && c->enabled[k] == cpu[t])
				e->target[t] = k;
	}
}

static int observer_pick(struct strategy *base, const struct sched_choice *c)
{
	struct observer *o = (struct observer *)base;

	if (c->current_enabled && c->n_enabled > 1 && o->n < o->max) {
		bool unlocked = c->current == o->reporter && !lockdep_spinlocks_held(o->reporter);

		if (o->at_next || (o->at_unlocked && unlocked))
			list_event(o, c);
		if (unlocked)
			o->at_unlocked = false;
		o->at_next = false;
	}
	return o->bytes.base.pick(&o->bytes.base, c);
}

static void observer_begin(struct strategy *base)
{
	struct observer *o = (struct observer *)base;

	o->n = 0;
	o->at_next = o->at_unlocked = false;
	o->bytes.base.begin(&o->bytes.base);
}

size_t race_events(const struct input *in, struct race_event *events, size_t max)
{
	struct exec_result r;

	observer.base = (struct strategy){
		.name = "observer", .begin = observer_begin, .pick = observer_pick};
	strategy_bytes_init(&observer.bytes, in->schedule, in->schedule_len);
	observer.events = events;
	observer.max = max;
	runner_execute(in, &observer.base, false, note_race_event, &r);
	return observer.n;
}
