// SPDX-License-Identifier: MIT
/* Fuzzer-bytes strategy: (gap, target) pairs; see strategy.h. */
#include "strategy.h"

#include "sanitizer.h"

SCHED_TSAN_IGNORE_BEGIN

static void bytes_begin(struct strategy *base)
{
	struct strategy_bytes *s = (struct strategy_bytes *)base;

	s->pos = 0;
	s->gap = 0;
	s->have_gap = false;
	s->points = 0;
}

/*
 * Only multi-choice points (the running thread could continue and someone
 * else could run) consume input. When the running thread blocked or
 * exited, the successor is the fallback's, for free: spending bytes there
 * would shift every later decision when a mutation adds a block.
 */
static int bytes_pick(struct strategy *base, const struct sched_choice *c)
{
	struct strategy_bytes *s = (struct strategy_bytes *)base;

	if (!c->current_enabled || c->n_enabled < 2)
		return strategy_default_pick(c);
	s->points++;
	if (!s->have_gap) {
		if (s->pos >= s->size)
			return strategy_default_pick(c);
		s->gap = s->data[s->pos++];
		s->have_gap = true;
	}
	if (s->gap > 0) {
		s->gap--;
		return c->current;
	}
	if (s->pos >= s->size)
		return strategy_default_pick(c);
	s->have_gap = false;
	return c->enabled[s->data[s->pos++] % c->n_enabled];
}

void strategy_bytes_init(struct strategy_bytes *s, const uint8_t *data, size_t size)
{
	*s = (struct strategy_bytes){
		.base = {.name = "bytes", .begin = bytes_begin, .pick = bytes_pick},
		.data = data,
		.size = size,
	};
}

void schedule_writer_init(struct schedule_writer *w, uint8_t *out, size_t cap)
{
	*w = (struct schedule_writer){.out = out, .cap = cap};
}

void schedule_writer_note(struct schedule_writer *w, const struct sched_choice *c, int pick)
{
	if (!c->current_enabled || c->n_enabled < 2) {
		w->failed |= pick != strategy_default_pick(c);
		return;
	}
	/* Keeping the running thread is a gap, except where the fallback
	 * would not keep it (a spinning thread): once the bytes end, a gap
	 * left unwritten there would replay as a switch. */
	if (pick == c->current && !c->current_yields && w->gap < UINT8_MAX) {
		w->gap++;
		return;
	}
	if (w->len + 2 > w->cap || strategy_enabled_index(c, pick) < 0) {
		w->failed = true;
		return;
	}
	w->out[w->len++] = (uint8_t)w->gap;
	w->out[w->len++] = (uint8_t)strategy_enabled_index(c, pick);
	w->gap = 0;
}

SCHED_TSAN_IGNORE_END
