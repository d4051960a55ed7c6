// SPDX-License-Identifier: MIT
/*
 * SURW: selectively uniform random walk (Zhao, Wolff, Mathur,
 * Roychoudhury, ASPLOS 2025). A random walk that picks each enabled thread
 * with probability proportional to the number of steps it has left samples
 * interleavings uniformly; SURW counts only the "interesting" steps, so
 * that the interleavings of those are sampled uniformly. Here:
 *
 *   - A step begins with the access its thread announced at the point
 *     before it (sched_choice.pending). The step that has just run is the
 *     current thread's, with the access it had pending at the previous
 *     pick (a thread's first step: nothing announced); the last step of an
 *     execution is the one chosen last.
 *   - Interesting: a step whose announced object is touched (announced) by
 *     steps of more than one thread, or that announces nothing or
 *     SCHED_EVERYTHING (an unannotated point may touch anything).
 *   - Learning: executions 0 .. SURW_LEARN_RUNS-1 of a campaign are
 *     uniform random walks. At the end of each, the objects whose steps
 *     came from two or more threads join the set of shared objects, and
 *     each thread's interesting steps of that execution are added up. The
 *     estimate of thread t is the mean over the learning runs, rounded up.
 *   - Sampling (every later execution): remaining[t] starts at the
 *     estimate. At each pick, thread t is chosen with probability
 *     w(t) / sum of w over the enabled threads, w(t) = max(1, remaining[t]):
 *     never 0 while enabled, so every interleaving stays reachable. After
 *     a step of t has run, remaining[t] drops by one if the step was
 *     interesting (its object in the shared set, or none or everything).
 *   - A spinning current thread (current_yields) has weight 0 when another
 *     thread is enabled, as the other strategies let spinners give way.
 *
 * Thread ids are stable for a given input, so estimates are kept by id.
 * Objects are compared for equality only: the model's state lives at the
 * same addresses in every execution of a process. Deterministic: execution
 * i draws from seed + i.
 */
#include <stdint.h>

#include "strategy.h"

#include "sanitizer.h"

SCHED_TSAN_IGNORE_BEGIN

#define SURW_MAX_ESTIMATE (1u << 24)

/* Unannotated (or nothing announced): counted apart, always interesting. */
static bool touches_everything(const void *object)
{
	return !object || object == SCHED_EVERYTHING;
}

static uint32_t slot_of(const void *object)
{
	/* Only for finding a slot: the answer never depends on the address. */
	uint64_t h = (uint64_t)(uintptr_t)object * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(h >> 40) % SURW_OBJECT_SLOTS;
}

/* object's entry in this run's table (added if new); NULL when it is full. */
static struct surw_object *run_entry(struct strategy_surw *s, const void *object)
{
	uint32_t i = slot_of(object);

	for (uint32_t n = 0; n < SURW_OBJECT_SLOTS; n++, i = (i + 1) % SURW_OBJECT_SLOTS) {
		struct surw_object *e = &s->run_objects[i];

		if (e->object == object)
			return e;
		if (!e->object) {
			e->object = object;
			return e;
		}
	}
	return NULL;
}

static bool is_shared(const struct strategy_surw *s, const void *object)
{
	uint32_t i = slot_of(object);

	for (uint32_t n = 0; n < SURW_OBJECT_SLOTS; n++, i = (i + 1) % SURW_OBJECT_SLOTS) {
		if (s->shared[i] == object)
			return true;
		if (!s->shared[i])
			return false;
	}
	return false;
}

static void add_shared(struct strategy_surw *s, const void *object)
{
	uint32_t i = slot_of(object);

	for (uint32_t n = 0; n < SURW_OBJECT_SLOTS; n++, i = (i + 1) % SURW_OBJECT_SLOTS) {
		if (s->shared[i] == object)
			return;
		if (!s->shared[i]) {
			s->shared[i] = object;
			return;
		}
	}
	s->shared_overflow = true;
}

static bool learning(const struct strategy_surw *s)
{
	return s->executions <= SURW_LEARN_RUNS; /* executions counts this one */
}

static void surw_begin(struct strategy *base)
{
	struct strategy_surw *s = (struct strategy_surw *)base;

	s->rng = s->seed + s->executions++;
	s->last_chosen = -1;
	for (int t = 0; t < SCHED_MAX_THREADS; t++) {
		s->was_pending[t] = (struct sched_access){0};
		s->remaining[t] = s->estimate[t];
		s->run_everything[t] = 0;
	}
	if (learning(s)) {
		for (int i = 0; i < SURW_OBJECT_SLOTS; i++)
			s->run_objects[i] = (struct surw_object){0};
		s->run_overflow = false;
	}
}

/* A step of thread tid that began with `object` has run. */
static void step_ran(struct strategy_surw *s, int tid, const void *object)
{
	if (learning(s)) {
		struct surw_object *e =
			touches_everything(object) || s->run_overflow ? NULL : run_entry(s, object);

		if (e) {
			e->threads |= (uint8_t)(1u << tid);
			e->steps[tid]++;
		} else {
			s->run_everything[tid]++;
			s->run_overflow |= !touches_everything(object);
		}
		return;
	}
	if (s->remaining[tid] &&
	    (touches_everything(object) || s->shared_overflow || is_shared(s, object)))
		s->remaining[tid]--;
}

static uint32_t weight(const struct strategy_surw *s, const struct sched_choice *c, int tid)
{
	if (tid == c->current && c->current_yields && c->n_enabled > 1)
		return 0;
	if (learning(s))
		return 1;
	return s->remaining[tid] > 1 ? s->remaining[tid] : 1;
}

static int surw_pick(struct strategy *base, const struct sched_choice *c)
{
	struct strategy_surw *s = (struct strategy_surw *)base;
	uint64_t total = 0, draw;
	int i;

	step_ran(s, c->current, s->was_pending[c->current].object);
	for (i = 0; i < c->n_enabled; i++)
		total += weight(s, c, c->enabled[i]);
	draw = ((sched_rng_next(&s->rng) >> 32) * total) >> 32;
	for (i = 0; i < c->n_enabled - 1; i++) {
		uint32_t w = weight(s, c, c->enabled[i]);

		if (draw < w)
			break;
		draw -= w;
	}
	for (int t = 0; t < SCHED_MAX_THREADS; t++)
		s->was_pending[t] = c->pending[t];
	s->last_chosen = c->enabled[i];
	return c->enabled[i];
}

/* The end of a learning run: which objects were shared, how many interesting steps each thread ran.
 */
static void learn_from_run(struct strategy_surw *s)
{
	uint32_t interesting[SCHED_MAX_THREADS];

	for (int t = 0; t < SCHED_MAX_THREADS; t++)
		interesting[t] = s->run_everything[t];
	for (int i = 0; i < SURW_OBJECT_SLOTS; i++) {
		const struct surw_object *e = &s->run_objects[i];

		if (!e->object || !(e->threads & (e->threads - 1)))
			continue;
		add_shared(s, e->object);
		for (int t = 0; t < SCHED_MAX_THREADS; t++)
			interesting[t] += e->steps[t];
	}
	for (int t = 0; t < SCHED_MAX_THREADS; t++) {
		s->learnt_total[t] += interesting[t];
		uint64_t mean = (s->learnt_total[t] + SURW_LEARN_RUNS - 1) / SURW_LEARN_RUNS;

		/* Bounded so that the weights of 8 threads add up below 2^32. */
		s->estimate[t] = (uint32_t)(mean < SURW_MAX_ESTIMATE ? mean : SURW_MAX_ESTIMATE);
	}
}

static void surw_end(struct strategy *base, const struct sched_result *r)
{
	struct strategy_surw *s = (struct strategy_surw *)base;

	(void)r;
	if (s->last_chosen >= 0)
		step_ran(s, s->last_chosen, s->was_pending[s->last_chosen].object);
	if (learning(s))
		learn_from_run(s);
}

void strategy_surw_init(struct strategy_surw *s, uint64_t seed)
{
	*s = (struct strategy_surw){
		.base = {.name = "surw", .begin = surw_begin, .pick = surw_pick, .end = surw_end},
		.seed = seed,
	};
}

SCHED_TSAN_IGNORE_END
