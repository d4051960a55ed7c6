/* SPDX-License-Identifier: MIT */
#include "mutate.h"

#include <string.h>

#include "scheduler/strategy.h"

struct mutation {
	struct input in;
	uint64_t rng;
	uint8_t schedule[INPUT_MAX_SCHEDULE];
};

static unsigned below(struct mutation *m, unsigned n)
{
	return n ? (unsigned)(sched_rng_next(&m->rng) % n) : 0;
}

static struct scenario_thread *random_thread(struct mutation *m)
{
	return &m->in.scenario.thread[below(m, m->in.scenario.n_threads)];
}

/* Mostly a VA some op of the program already uses: the bugs need several
 * operations, often in several threads, on one page, which a uniform
 * choice of VA for each of them rarely gives. */
static uint8_t pick_va(struct mutation *m)
{
	const struct scenario_thread *th = random_thread(m);

	if (th->n_ops && below(m, 4)) {
		const struct op *op = &th->ops[below(m, th->n_ops)];

		if (op_uses_va(op->kind))
			return op->va;
	}
	return (uint8_t)below(m, 256);
}

static struct op random_op(struct mutation *m)
{
	return (struct op){.kind = (uint8_t)below(m, OP_NR),
			   .va = pick_va(m),
			   .word = (uint8_t)below(m, 256),
			   .arg = (uint8_t)below(m, 256)};
}

/* An op the program already has (a random one if it has none). */
static struct op any_op(struct mutation *m)
{
	const struct scenario_thread *th = random_thread(m);

	return th->n_ops ? th->ops[below(m, th->n_ops)] : random_op(m);
}

/* The caller checks there is room. */
static void insert_op_at(struct scenario_thread *th, unsigned at, struct op op)
{
	memmove(&th->ops[at + 1], &th->ops[at], sizeof(th->ops[0]) * (th->n_ops - at));
	th->ops[at] = op;
	th->n_ops++;
}

static void remove_op_at(struct scenario_thread *th, unsigned at)
{
	memmove(&th->ops[at], &th->ops[at + 1], sizeof(th->ops[0]) * (th->n_ops - at - 1));
	th->n_ops--;
}

static void insert_op(struct mutation *m, struct scenario_thread *th, struct op op)
{
	unsigned at = below(m, th->n_ops + 1u);

	if (th->n_ops < SCN_MAX_OPS)
		insert_op_at(th, at, op);
}

static void delete_op(struct mutation *m, struct scenario_thread *th)
{
	unsigned at = below(m, th->n_ops);

	if (th->n_ops)
		remove_op_at(th, at);
}

static void tweak_op(struct mutation *m, struct scenario_thread *th)
{
	struct op *op;

	if (!th->n_ops)
		return;
	op = &th->ops[below(m, th->n_ops)];
	switch (below(m, 4)) {
	case 0:
		op->kind = (uint8_t)below(m, OP_NR);
		break;
	case 1:
		op->va = pick_va(m);
		break;
	case 2:
		op->word = (uint8_t)below(m, 256);
		break;
	default:
		op->arg = (uint8_t)below(m, 256);
		break;
	}
}

/* Move an op to another place, or copy it there: the same op in two
 * threads is how a program races an operation with itself. */
static void move_or_copy_op(struct mutation *m)
{
	struct scenario_thread *from = random_thread(m), *to = random_thread(m);
	unsigned at = below(m, from->n_ops);
	struct op op;

	if (!from->n_ops || to->n_ops >= SCN_MAX_OPS)
		return;
	op = from->ops[at];
	if (below(m, 2))
		remove_op_at(from, at);
	insert_op(m, to, op);
}

/* Drop every op on a page other than one the program uses: a race on one
 * page is buried under ops on others, each adding points and events the
 * directed edits would have to pick through. */
static void slice_to_page(struct mutation *m)
{
	struct scenario *sc = &m->in.scenario;
	uint8_t va = pick_va(m);

	for (int t = 0; t < sc->n_threads; t++) {
		struct scenario_thread *th = &sc->thread[t];
		unsigned kept = 0;

		for (unsigned i = 0; i < th->n_ops; i++)
			if (!op_uses_va(th->ops[i].kind) || th->ops[i].va == va)
				th->ops[kept++] = th->ops[i];
		th->n_ops = (uint8_t)kept;
	}
}

static void reshape_threads(struct mutation *m)
{
	struct scenario *sc = &m->in.scenario;

	if (below(m, 2) && sc->n_threads < SCN_MAX_THREADS) {
		struct scenario_thread *th = &sc->thread[sc->n_threads];

		memset(th, 0, sizeof(*th));
		th->spawn = (uint8_t)below(m, sc->n_threads + 1u);
		sc->n_threads++;
		/* Often a copy of an op of another thread, to race it. */
		insert_op(m, th, below(m, 2) ? random_op(m) : any_op(m));
	} else {
		unsigned t = 1 + below(m, SCN_MAX_THREADS - 1);

		/* Re-parent: initial, or the child of an earlier thread. */
		if (t < sc->n_threads)
			sc->thread[t].spawn = (uint8_t)below(m, t + 1);
	}
}

static void mutate_schedule(struct mutation *m,
			    size_t (*mutate_bytes)(uint8_t *data, size_t size, size_t max))
{
	size_t len = m->in.schedule_len;

	if (mutate_bytes && len <= sizeof(m->schedule) / 4 && below(m, 2)) {
		len = mutate_bytes(m->schedule, len, sizeof(m->schedule) / 4);
	} else if (len + 2 <= sizeof(m->schedule) && below(m, 2)) {
		/* One more switch, anywhere. */
		unsigned at = below(m, (unsigned)len / 2 + 1) * 2;

		memmove(&m->schedule[at + 2], &m->schedule[at], len - at);
		m->schedule[at] = (uint8_t)below(m, 32);
		m->schedule[at + 1] = (uint8_t)below(m, 8);
		len += 2;
	} else if (len) {
		m->schedule[below(m, (unsigned)len)] = (uint8_t)below(m, 32);
	}
	m->in.schedule = m->schedule;
	m->in.schedule_len = len;
}

bool schedule_switch_at(uint8_t *s, size_t *len, size_t cap, uint32_t at, uint8_t target)
{
	size_t n = *len & ~(size_t)1, i;
	uint32_t point = 0; /* the first point pair i counts */

	for (i = 0; i < n; i += 2) {
		uint32_t switch_at = point + s[i];

		if (switch_at == at) {
			s[i + 1] = target;
			*len = n;
			return true;
		}
		if (switch_at > at)
			break;
		point = switch_at + 1;
	}
	if (at - point > UINT8_MAX || n + 2 > cap)
		return false;
	memmove(&s[i + 2], &s[i], n - i);
	s[i] = (uint8_t)(at - point);
	s[i + 1] = target;
	if (i < n) /* the pair that followed keeps its switch point */
		s[i + 2] = (uint8_t)(s[i + 2] - s[i] - 1);
	*len = n + 2;
	return true;
}

/* How a program thread can touch an event's page right after the event:
 * a running one gets a new op after the op it is in and the switch; one
 * that is blocked in an op, or past its last, gets the new op in place of
 * where it stands and is held back until the event, if the caller can.
 * So can a thread the program does not have yet (t == n_threads), of the
 * initial process: races like Nadav Amit's need three CPUs of one mm (the
 * stale entry's owner, the op that made it stale, a fault that copies the
 * page), and every other thread may be busy or in a child. */
enum touch { TOUCH_NONE, TOUCH_BY_SWITCH, TOUCH_BY_HOLDING, TOUCH_BY_NEW_THREAD };

static enum touch how_to_touch(const struct mutation *m, const struct race_event *e, int t,
			       bool can_hold)
{
	const struct scenario_thread *th = &m->in.scenario.thread[t];

	if (t == m->in.scenario.n_threads)
		return can_hold ? TOUCH_BY_NEW_THREAD : TOUCH_NONE;
	if (e->op[t] < 0 || th->n_ops >= SCN_MAX_OPS)
		return TOUCH_NONE;
	if (e->switchable && e->target[t] >= 0 && e->op[t] < th->n_ops)
		return TOUCH_BY_SWITCH;
	return can_hold ? TOUCH_BY_HOLDING : TOUCH_NONE;
}

/* A thread that can touch the event's page (-1: none); mostly one whose
 * CPU caches the page (a stale entry is how these races lose data), else
 * one whose CPU does not (a fault there may copy the page under it). */
static int thread_to_touch(struct mutation *m, const struct race_event *e, bool can_hold)
{
	int caching[SCN_MAX_THREADS], other[SCN_MAX_THREADS], n_caching = 0, n_other = 0;

	for (int t = 0; t <= m->in.scenario.n_threads && t < SCN_MAX_THREADS; t++) {
		if (how_to_touch(m, e, t, can_hold) == TOUCH_NONE)
			continue;
		if (e->caches[t])
			caching[n_caching++] = t;
		else
			other[n_other++] = t;
	}
	if (n_caching && (!n_other || below(m, 4)))
		return caching[below(m, (unsigned)n_caching)];
	return n_other ? other[below(m, (unsigned)n_other)] : -1;
}

/* A read or a write; mostly a write from a CPU without an entry for the
 * page: its fault is what copies a page, and a read there only caches it. */
static struct op touch_op(struct mutation *m, uint8_t va, bool cpu_caches)
{
	bool write = cpu_caches ? below(m, 2) : below(m, 4);

	return (struct op){
		.kind = write ? OP_WRITE : OP_READ, .va = va, .word = (uint8_t)below(m, 256)};
}

/* Thread t touches the page with a new op at index `at` (where it was
 * blocked, or past its last op), held back until event `event` and then
 * run. false (input unchanged) if the run does not reach the event that
 * way. */
static bool hold_back_to_race(struct mutation *m, const struct mutate_ops *ops, int t, unsigned at,
			      const struct race_event *e, size_t event)
{
	struct scenario_thread *th = &m->in.scenario.thread[t];
	uint8_t schedule[INPUT_MAX_SCHEDULE];
	size_t len;

	if (!ops->hold_back)
		return false;
	insert_op_at(th, at, touch_op(m, e->va, e->caches[t]));
	scenario_normalize(&m->in.scenario); /* it runs now */
	if (!ops->hold_back(&m->in, t, (int)at, event, schedule, &len, sizeof(schedule))) {
		remove_op_at(th, at);
		return false;
	}
	memcpy(m->schedule, schedule, len);
	m->in.schedule_len = len;
	return true;
}

/*
 * Preempt right after race event i (a writable PTE changed under another
 * CPU's cached entry, a COW copy, an access through a stale entry) of this
 * input's own execution, and half the time let a thread touch the event's
 * page next. A live thread gets a new read or write right after the op it
 * is in, which it has not reached yet, and the switch goes to it, so the
 * execution up to the switch is unchanged. A thread that is blocked, or
 * has finished, gets the new op where it stands and is held back until
 * the event (one more execution).
 */
static void switch_after_event(struct mutation *m, const struct mutate_ops *ops,
			       const struct race_event *e, size_t i)
{
	uint8_t target = (uint8_t)below(m, 256);
	int t = below(m, 2) ? thread_to_touch(m, e, ops->hold_back != NULL) : -1;
	enum touch how = t >= 0 ? how_to_touch(m, e, t, true) : TOUCH_NONE;
	struct scenario *sc = &m->in.scenario;

	if (how == TOUCH_BY_NEW_THREAD) {
		sc->thread[sc->n_threads++] = (struct scenario_thread){.spawn = SPAWN_INITIAL};
		if (hold_back_to_race(m, ops, t, 0, e, i))
			return;
		sc->n_threads--;
		t = -1;
	} else if (how == TOUCH_BY_HOLDING) {
		if (hold_back_to_race(m, ops, t, (unsigned)e->op[t], e, i))
			return;
		t = -1;
	}
	if (t >= 0) {
		insert_op_at(&m->in.scenario.thread[t], (unsigned)(e->op[t] + 1),
			     touch_op(m, e->va, e->caches[t]));
		target = (uint8_t)e->target[t];
	}
	schedule_switch_at(m->schedule, &m->in.schedule_len, sizeof(m->schedule), e->point, target);
}

/* Tries at the next step of a race for an input already two steps in, or
 * one step short of a copy under a stale entry (race_depth.copy_ahead). */
enum { DEEP_RACE_TRIES = 16 };

/* A feature deeper than any of the parent's, or, once the parent has a
 * feature as deep as they go, another one that deep (the race completed
 * with an entry another op made stale). */
static bool goes_deeper(const struct race_depth *child, const struct race_depth *parent)
{
	for (size_t k = 0; k < child->n; k++) {
		int depth = child->deep[k].depth;

		if (depth > parent->depth ||
		    (depth == RACE_DEPTH_MAX && !race_depth_has(parent, child->deep[k].feature)))
			return true;
	}
	return false;
}

/*
 * A directed edit: find the input's race events (one execution) and
 * switch after one. Stale-TLB bugs need a chain of such edits, each in a
 * window a few points wide; a random gap rarely lands there, and any
 * change before it moves the window. An input already two links into
 * such a chain (feedback_race_depth) is rare and one link from a lost
 * write, and so is one whose stale entry's frame a write fault would
 * copy (copy_ahead): each gets up to DEEP_RACE_TRIES edits, each run
 * once, and keeps the first that goes deeper (goes_deeper; else the
 * last).
 */
static void switch_after_race(struct mutation *m, const struct mutate_ops *ops)
{
	static struct race_event events[RACE_EVENTS_MAX];
	static struct race_depth depth, child_depth;
	static struct input parent;
	static uint8_t parent_schedule[INPUT_MAX_SCHEDULE];
	size_t n;

	scenario_normalize(&m->in.scenario);
	n = ops->race_events(&m->in, events, RACE_EVENTS_MAX, &depth);
	if (!n) {
		mutate_schedule(m, ops->mutate_bytes);
		return;
	}
	parent = m->in;
	memcpy(parent_schedule, m->schedule, m->in.schedule_len);
	for (unsigned k = 1;; k++) {
		size_t i = below(m, (unsigned)n);

		switch_after_event(m, ops, &events[i], i);
		if ((depth.depth < 2 && !depth.copy_ahead) || k == DEEP_RACE_TRIES)
			return;
		scenario_normalize(&m->in.scenario);
		ops->race_events(&m->in, NULL, 0, &child_depth);
		if (goes_deeper(&child_depth, &depth))
			return;
		m->in = parent;
		memcpy(m->schedule, parent_schedule, parent.schedule_len);
	}
}

/* One edit; true if it was a directed one, which must come last: any edit
 * after it would move the window it aimed at. */
static bool mutate_once(struct mutation *m, const struct mutate_ops *ops)
{
	size_t (*mutate_bytes)(uint8_t *, size_t, size_t) = ops ? ops->mutate_bytes : NULL;

	switch (below(m, 11)) {
	case 0:
	case 1:
		insert_op(m, random_thread(m), random_op(m));
		break;
	case 2:
		delete_op(m, random_thread(m));
		break;
	case 3:
	case 4:
		tweak_op(m, random_thread(m));
		break;
	case 5:
		move_or_copy_op(m);
		break;
	case 6:
		reshape_threads(m);
		break;
	case 9:
		slice_to_page(m);
		break;
	case 7:
	case 8:
		if (ops && ops->race_events) {
			switch_after_race(m, ops);
			return true;
		}
		/* fall through */
	default:
		mutate_schedule(m, mutate_bytes);
		break;
	}
	return false;
}

static bool decode(const uint8_t *data, size_t size, struct input *in)
{
	char err[128];
	static const uint8_t empty[] = {INPUT_VERSION, 0, 0};

	if (input_decode(data, size, in, err, sizeof(err)) == INPUT_OK)
		return true;
	return input_decode(empty, sizeof(empty), in, err, sizeof(err)) == INPUT_OK;
}

size_t input_mutate(uint8_t *data, size_t size, size_t max, uint32_t seed,
		    const struct mutate_ops *ops)
{
	static struct mutation m;
	static uint8_t out[INPUT_MAX_ENCODED];
	size_t n;

	m.rng = seed;
	if (!decode(data, size, &m.in))
		return size;
	/* The schedule points into data: copy it before data is rewritten. */
	memcpy(m.schedule, m.in.schedule, m.in.schedule_len);
	m.in.schedule = m.schedule;
	for (unsigned k = 1 + below(&m, 3); k > 0; k--)
		if (mutate_once(&m, ops))
			break;
	scenario_normalize(&m.in.scenario);
	n = input_encode(&m.in, out, sizeof(out));
	/* Too long: cut it (the schedule is last; a cut into the program
	 * itself makes an input the target runs as empty). */
	if (n > max)
		n = max;
	memcpy(data, out, n);
	return n;
}

/* A run of consecutive ops of one thread of b, inserted into a thread
 * of a: programs are built from pieces other inputs found useful. */
static void splice_ops(struct scenario *a, const struct scenario *b, uint64_t *rng)
{
	const struct scenario_thread *from = &b->thread[sched_rng_next(rng) % b->n_threads];
	struct scenario_thread *to = &a->thread[sched_rng_next(rng) % a->n_threads];
	unsigned start, len, at;

	if (!from->n_ops)
		return;
	start = (unsigned)(sched_rng_next(rng) % from->n_ops);
	len = 1 + (unsigned)(sched_rng_next(rng) % (from->n_ops - start));
	if (len > SCN_MAX_OPS - to->n_ops)
		len = SCN_MAX_OPS - to->n_ops;
	at = (unsigned)(sched_rng_next(rng) % (to->n_ops + 1u));
	memmove(&to->ops[at + len], &to->ops[at], sizeof(to->ops[0]) * (to->n_ops - at));
	memcpy(&to->ops[at], &from->ops[start], sizeof(to->ops[0]) * len);
	to->n_ops = (uint8_t)(to->n_ops + len);
}

size_t input_crossover(const uint8_t *a, size_t a_size, const uint8_t *b, size_t b_size,
		       uint8_t *out, size_t max, uint32_t seed)
{
	static struct input x, y;
	static uint8_t buf[INPUT_MAX_ENCODED];
	uint64_t rng = seed;
	size_t n;

	if (!decode(a, a_size, &x) || !decode(b, b_size, &y))
		return 0;
	switch (sched_rng_next(&rng) % 3) {
	case 0:
		splice_ops(&x.scenario, &y.scenario, &rng);
		break;
	case 1: {
		/* One thread of b replaces the same thread of a. */
		unsigned t = (unsigned)(sched_rng_next(&rng) % SCN_MAX_THREADS);

		if (t < y.scenario.n_threads) {
			x.scenario.thread[t] = y.scenario.thread[t];
			if (t >= x.scenario.n_threads)
				x.scenario.n_threads = (uint8_t)(t + 1);
		}
		break;
	}
	default:
		x.schedule = y.schedule;
		x.schedule_len = y.schedule_len;
		break;
	}
	scenario_normalize(&x.scenario);
	n = input_encode(&x, buf, sizeof(buf));
	if (n > max)
		n = max;
	memcpy(out, buf, n);
	return n;
}
