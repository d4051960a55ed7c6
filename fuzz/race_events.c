/* SPDX-License-Identifier: MIT */
#include "race_events.h"

#include "runner.h"
#include "scheduler/sync.h"
#include "target/feedback.h"

/*
 * An event is noted when its feature is reported, and listed at each of the
 * next few points, where a switch would land: the window a racing access
 * must hit is often a few points wide (a COW copy is done only after its
 * words are). If the thread that reported it still holds a spinlock past
 * that (the PTL, around a PTE change), the event is listed once more at its
 * first point without one: a fault that needs that lock can run only from
 * there. A point where the running thread is the only one that can run is
 * listed too, as not switchable: a thread held back (or a new one) can
 * still be let in there, and it is often where the race is, when every
 * other thread has finished or sleeps.
 */
enum { EVENT_WINDOW = 4 };

static struct observer {
	struct strategy base;
	struct strategy_bytes bytes;
	struct race_event *events;
	size_t n, max;
	unsigned window;  /* points left at which the current event is listed */
	bool at_unlocked; /* ... and whether at its first unlocked point */
	int reporter;	  /* the thread that reported it */
	uint8_t va;
	struct race_depth depth;
} observer;

static void note_depth(struct race_depth *d, uint32_t feature, int depth)
{
	const size_t limit = sizeof(d->deep) / sizeof(d->deep[0]);

	if (depth > d->depth)
		d->depth = depth;
	if (depth < 2 || d->n == limit || race_depth_has(d, feature))
		return;
	d->deep[d->n].feature = feature;
	d->deep[d->n++].depth = depth;
}

static void note_race_event(uint32_t feature)
{
	int depth = feedback_race_depth(feature);

	if (!depth)
		return;
	note_depth(&observer.depth, feature, depth);
	observer.depth.copy_ahead |= feedback_copy_ahead(feature);
	observer.window = EVENT_WINDOW;
	observer.at_unlocked = true;
	observer.reporter = sched_self();
	observer.va = (uint8_t)feedback_feature_va();
}

static void list_event(struct observer *o, const struct sched_choice *c)
{
	struct race_event *e = &o->events[o->n++];
	int cpu[SCN_MAX_THREADS];

	e->point = o->bytes.points;
	e->switchable = c->n_enabled > 1;
	e->va = o->va;
	feedback_program_position(cpu, e->op);
	for (int t = 0; t < SCN_MAX_THREADS; t++) {
		e->caches[t] = cpu[t] >= 0 && feedback_cpu_caches(cpu[t], e->va);
		e->target[t] = cpu[t] >= 0 ? strategy_enabled_index(c, cpu[t]) : -1;
	}
}

static int observer_pick(struct strategy *base, const struct sched_choice *c)
{
	struct observer *o = (struct observer *)base;

	if (c->current_enabled && o->n < o->max) {
		bool unlocked = c->current == o->reporter && !lockdep_spinlocks_held(o->reporter);

		if (o->window || (o->at_unlocked && unlocked))
			list_event(o, c);
		if (unlocked)
			o->at_unlocked = false;
		if (o->window)
			o->window--;
	}
	return o->bytes.base.pick(&o->bytes.base, c);
}

static void observer_begin(struct strategy *base)
{
	struct observer *o = (struct observer *)base;

	o->n = 0;
	o->depth.depth = 0;
	o->depth.n = 0;
	o->depth.copy_ahead = false;
	o->window = 0;
	o->at_unlocked = false;
	o->bytes.base.begin(&o->bytes.base);
}

static void observer_init(const struct input *in, struct race_event *events, size_t max)
{
	observer.base = (struct strategy){
		.name = "observer", .begin = observer_begin, .pick = observer_pick};
	strategy_bytes_init(&observer.bytes, in->schedule, in->schedule_len);
	observer.events = events;
	observer.max = max;
}

size_t race_events(const struct input *in, struct race_event *events, size_t max,
		   struct race_depth *depth)
{
	struct exec_result r;

	observer_init(in, events, max);
	runner_execute(in, &observer.base, false, note_race_event, &r);
	if (depth)
		*depth = observer.depth;
	return observer.n;
}

/*
 * Holding a thread back. Once program thread `thread` reaches op `from_op`
 * it is hidden from the input's own schedule, which sees what it saw when
 * that thread exited there, until race event `release_after` is listed;
 * then the thread runs that op, alone while it can, and the rest as the
 * schedule says. Every pick goes to a schedule writer, so the result is an
 * ordinary input.
 */
static struct holder {
	struct strategy base;
	int thread, from_op;
	size_t release_after;
	bool released, on_time; /* on time: right after that event */
	uint8_t va;		/* the page its new op touches */
	/* Where the running thread blocked or exited, the bytes cannot choose
	 * (strategy_bytes): if the fallback lets the held thread in there, it
	 * takes a step that touches nothing (free_steps, set when it is first
	 * held), and the thread the hidden schedule picked follows (pending). */
	int free_steps, pending;
	struct schedule_writer writer;
	uint8_t *out;
	size_t cap;
} holder;

/* The choice as the schedule saw it when `thread` had exited. */
static struct sched_choice without(const struct sched_choice *c, int thread)
{
	struct sched_choice hidden = *c;

	hidden.n_enabled = 0;
	for (int i = 0; i < c->n_enabled; i++)
		if (c->enabled[i] != thread)
			hidden.enabled[hidden.n_enabled++] = c->enabled[i];
	if (c->current == thread)
		hidden.current_enabled = false;
	return hidden;
}

/* How many steps the held thread can take touching nothing: a thread that
 * has not run yet takes one to its new op's first point; the TLB lookup
 * there misses, changing nothing, if its CPU holds no entry for the page. */
static int free_steps(const struct holder *h, int held, bool not_run)
{
	return (int)not_run + !feedback_cpu_caches(held, h->va);
}

static int held_pick(struct holder *h, const struct sched_choice *c, int held)
{
	struct sched_choice hidden = without(c, held);
	int pick;

	if (!hidden.n_enabled) {
		h->released = true; /* nothing else can run: it goes early */
		return held;
	}
	pick = observer_pick(&observer.base, &hidden);
	if (observer.n > h->release_after) {
		h->released = h->on_time = true;
		return held;
	}
	if (!c->current_enabled && strategy_default_pick(c) == held && h->free_steps > 0) {
		h->free_steps--;
		h->pending = pick;
		return held;
	}
	return pick;
}

static int holder_pick(struct strategy *base, const struct sched_choice *c)
{
	struct holder *h = (struct holder *)base;
	int cpu[SCN_MAX_THREADS], op[SCN_MAX_THREADS], held, pick;
	bool reached, not_run;

	feedback_program_position(cpu, op);
	held = cpu[h->thread];
	not_run = op[h->thread] < 0;
	if (not_run)
		op[h->thread] = 0; /* spawned, it stands before its op 0 */
	reached = held >= 0 && op[h->thread] >= h->from_op && strategy_enabled_index(c, held) >= 0;
	if (reached && h->free_steps < 0)
		h->free_steps = free_steps(h, held, not_run);

	if (h->pending >= 0 && c->current == held && strategy_enabled_index(c, h->pending) >= 0)
		pick = h->pending; /* the step it was let in for is taken */
	else if (reached && !h->released)
		pick = held_pick(h, c, held);
	else if (reached && op[h->thread] == h->from_op)
		pick = held; /* its new op runs alone */
	else
		pick = observer_pick(&observer.base, c);
	if (c->current == held)
		h->pending = -1;
	schedule_writer_note(&h->writer, c, pick);
	return pick;
}

static void holder_begin(struct strategy *base)
{
	struct holder *h = (struct holder *)base;

	h->released = h->on_time = false;
	h->free_steps = h->pending = -1;
	schedule_writer_init(&h->writer, h->out, h->cap);
	observer_begin(&observer.base);
}

bool race_hold_back(const struct input *in, int thread, int from_op, size_t event,
		    uint8_t *schedule, size_t *len, size_t cap)
{
	static struct race_event listed[RACE_EVENTS_MAX];
	struct exec_result r;

	if (event >= RACE_EVENTS_MAX || thread < 0 || thread >= SCN_MAX_THREADS || from_op < 0 ||
	    from_op >= SCN_MAX_OPS)
		return false;
	observer_init(in, listed, event + 1);
	holder = (struct holder){
		.base = {.name = "hold-back", .begin = holder_begin, .pick = holder_pick},
		.thread = thread,
		.from_op = from_op,
		.release_after = event,
		.va = in->scenario.thread[thread].ops[from_op].va,
		.out = schedule,
		.cap = cap};
	runner_execute(in, &holder.base, false, note_race_event, &r);
	*len = holder.writer.len;
	return holder.on_time && !holder.writer.failed;
}
