// SPDX-License-Identifier: MIT
/*
 * Replay a recorded execution. Each step is checked against the record
 * (running thread and site): a program or model change that alters the
 * execution is reported as drift at the first differing step, never
 * followed silently into a different interleaving.
 */
#include "strategy.h"

#include <stdio.h>

#include "sanitizer.h"

SCHED_TSAN_IGNORE_BEGIN

static const char *site_label(uint32_t id)
{
	const char *name = sched_site_name(id);

	return name ? name : "?";
}

static void replay_begin(struct strategy *base)
{
	((struct strategy_replay *)base)->pos = 0;
}

static int replay_pick(struct strategy *base, const struct sched_choice *c)
{
	struct strategy_replay *s = (struct strategy_replay *)base;
	const struct sched_decision *d;

	if (s->pos >= s->n) {
		snprintf(base->drift, sizeof(base->drift),
			 "drift at step %llu: the record ends after %zu steps, got T%d at %s",
			 (unsigned long long)c->step, s->n, c->current, c->site->name);
		return -1;
	}
	d = &s->rec[s->pos];
	if (d->current != c->current || d->site_id != c->site->id) {
		snprintf(base->drift, sizeof(base->drift),
			 "drift at step %llu: expected T%d at site 0x%08x (%s), got T%d at %s",
			 (unsigned long long)c->step, d->current, d->site_id,
			 site_label(d->site_id), c->current, c->site->name);
		return -1;
	}
	if (strategy_enabled_index(c, d->chosen) < 0) {
		snprintf(base->drift, sizeof(base->drift),
			 "drift at step %llu: recorded choice T%d is not runnable at %s",
			 (unsigned long long)c->step, d->chosen, c->site->name);
		return -1;
	}
	s->pos++;
	return d->chosen;
}

static void replay_end(struct strategy *base, const struct sched_result *r)
{
	struct strategy_replay *s = (struct strategy_replay *)base;

	if (r->verdict != SCHED_DRIFT && s->pos < s->n)
		snprintf(base->drift, sizeof(base->drift),
			 "drift at step %llu: the execution ended with %zu of %zu recorded steps "
			 "not replayed",
			 (unsigned long long)r->steps, s->n - s->pos, s->n);
}

void strategy_replay_init(struct strategy_replay *s, const struct sched_decision *rec, size_t n)
{
	*s = (struct strategy_replay){
		.base = {.name = "replay",
			 .begin = replay_begin,
			 .pick = replay_pick,
			 .end = replay_end},
		.rec = rec,
		.n = n,
	};
}

SCHED_TSAN_IGNORE_END
