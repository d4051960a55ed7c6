// SPDX-License-Identifier: MIT
/*
 * The per-object index of the analysis (dpor_internal.h): an access needs
 * ordering only after the latest write of its object and, when it writes,
 * after each thread's latest read since; a SCHED_EVERYTHING step counts as
 * a write of every object. Any earlier conflicting access is ordered
 * before one of those already (it conflicts with that write, or precedes
 * the read in its thread), so happens-before stays exact while each step
 * costs a few lookups instead of a scan of the whole execution.
 *
 * Objects are looked up by address; the table is never iterated, so no
 * result depends on where objects live.
 */
#include "dpor_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanitizer.h"

SCHED_TSAN_IGNORE_BEGIN

#define T SCHED_MAX_THREADS

static void *objects_alloc(void *p, size_t n, size_t size)
{
	p = realloc(p, n * size);
	if (!p) {
		fprintf(stderr, "mmfuzz: out of memory for the exploration\n");
		abort();
	}
	return p;
}

static void forget_all(struct dpor_objects *o)
{
	o->last_everything = -1;
	for (int t = 0; t < T; t++)
		o->last_access[t] = -1;
}

void dpor_objects_reset(struct dpor_objects *o)
{
	if (o->slot)
		memset(o->slot, 0, o->cap * sizeof(*o->slot));
	o->n = 0;
	forget_all(o);
}

void dpor_objects_free(struct dpor_objects *o)
{
	free(o->slot);
	free(o->cand);
	*o = (struct dpor_objects){0};
}

static size_t slot_of(const struct dpor_objects *o, const void *object)
{
	uint64_t h = (uint64_t)(uintptr_t)object * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 17) & (o->cap - 1);
}

static struct dpor_object *find(struct dpor_objects *o, const void *object, bool insert);

static void grow(struct dpor_objects *o)
{
	struct dpor_object *old = o->slot;
	size_t old_cap = o->cap;

	o->cap = old_cap ? 2 * old_cap : 256;
	o->slot = calloc(o->cap, sizeof(*o->slot));
	if (!o->slot) {
		fprintf(stderr, "mmfuzz: out of memory for the exploration\n");
		abort();
	}
	o->n = 0;
	for (size_t i = 0; i < old_cap; i++) {
		if (old[i].object)
			*find(o, old[i].object, true) = old[i];
	}
	free(old);
}

static struct dpor_object *find(struct dpor_objects *o, const void *object, bool insert)
{
	size_t i;

	if (insert && 2 * (o->n + 1) > o->cap)
		grow(o);
	if (!o->cap)
		return NULL;
	for (i = slot_of(o, object);; i = (i + 1) & (o->cap - 1)) {
		struct dpor_object *s = &o->slot[i];

		if (s->object == object)
			return s;
		if (!s->object)
			break;
	}
	if (!insert)
		return NULL;
	o->slot[i].object = object;
	o->slot[i].last_write = -1;
	for (int t = 0; t < T; t++)
		o->slot[i].last_read[t] = -1;
	o->n++;
	return &o->slot[i];
}

static void add_cand(struct dpor_objects *o, size_t *n, int32_t ev)
{
	if (ev < 0)
		return;
	if (*n == o->cap_cand) {
		o->cap_cand = o->cap_cand ? 2 * o->cap_cand : 64;
		o->cand = objects_alloc(o->cand, o->cap_cand, sizeof(*o->cand));
	}
	o->cand[(*n)++] = (uint32_t)ev;
}

static int latest_first(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

static void candidates_of(struct dpor_objects *o, size_t *n, const struct sched_access *a)
{
	const struct dpor_object *s;

	if (!a->object)
		return;
	add_cand(o, n, o->last_everything);
	if (a->object == SCHED_EVERYTHING) {
		for (int t = 0; t < T; t++)
			add_cand(o, n, o->last_access[t]);
		return;
	}
	s = find(o, a->object, false);
	if (!s)
		return;
	add_cand(o, n, s->last_write);
	if (a->mode & SCHED_WRITE) {
		for (int t = 0; t < T; t++)
			add_cand(o, n, s->last_read[t]);
	}
}

size_t dpor_objects_candidates(struct dpor_objects *o, const struct sched_access *a, uint32_t n,
			       int p)
{
	size_t n_cand = 0, out = 0;

	(void)p;
	for (uint32_t x = 0; x < n; x++)
		candidates_of(o, &n_cand, &a[x]);
	qsort(o->cand, n_cand, sizeof(*o->cand), latest_first);
	for (size_t c = 0; c < n_cand; c++) {
		if (out == 0 || o->cand[out - 1] != o->cand[c])
			o->cand[out++] = o->cand[c];
	}
	return out;
}

void dpor_objects_note(struct dpor_objects *o, const struct sched_access *a, uint32_t n, int p,
		       size_t ev)
{
	for (uint32_t x = 0; x < n; x++) {
		struct dpor_object *s;

		if (!a[x].object)
			continue;
		o->last_access[p] = (int32_t)ev;
		if (a[x].object == SCHED_EVERYTHING) {
			o->last_everything = (int32_t)ev;
			continue;
		}
		s = find(o, a[x].object, true);
		if (a[x].mode & SCHED_WRITE) {
			s->last_write = (int32_t)ev;
			for (int t = 0; t < T; t++)
				s->last_read[t] = -1;
		} else {
			s->last_read[p] = (int32_t)ev;
		}
	}
}

SCHED_TSAN_IGNORE_END
