/* SPDX-License-Identifier: MIT */
/*
 * Schedules to the first bug, per strategy, side by side: the classic
 * programs of the scheduler's tests, and every regression reproducer with
 * its schedule removed on its first buggy manifest model. Each cell runs
 * SEEDS campaigns (seeds 1..SEEDS) of up to BUDGET schedules and prints
 * the median schedules to the first bug and how many campaigns found it.
 *
 *   strategy_compare CORPUS_DIR [SEEDS [BUDGET]]    (defaults 20, 10000)
 *
 * The median is the lower one (the SEEDS/2-th smallest, rounded up); a
 * campaign that found nothing counts as infinite, and a median that is
 * infinite prints as "-". A reproducer's bug is the manifest's oracle:
 * violations of other oracles do not stop its campaign. As in `mmfuzz
 * explore --strategy`, where the running thread blocked or exited the
 * fallback picks (so that what is found saves as schedule bytes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/manifest.h"
#include "fuzz/runner.h"
#include "fuzz/strategy_select.h"
#include "tests/sched/programs.h"

int main(int argc, char **argv);

static const char *const strategies[] = {"random", "pct2", "pct3", "pos", "surw"};
#define N_STRATEGIES ((int)(sizeof(strategies) / sizeof(strategies[0])))
#define MAX_SEEDS    1000

/* explore's picks: the inner strategy's, except where bytes have no say. */
struct as_explored {
	struct strategy base;
	struct strategy *inner;
};

static void explored_begin(struct strategy *base)
{
	struct as_explored *e = (struct as_explored *)base;

	e->inner->begin(e->inner);
}

static int explored_pick(struct strategy *base, const struct sched_choice *c)
{
	struct as_explored *e = (struct as_explored *)base;
	int pick = e->inner->pick(e->inner, c);

	return !c->current_enabled || c->n_enabled < 2 ? strategy_default_pick(c) : pick;
}

static void explored_end(struct strategy *base, const struct sched_result *r)
{
	struct as_explored *e = (struct as_explored *)base;

	if (e->inner->end)
		e->inner->end(e->inner, r);
}

/* What one cell runs: a classic program or a reproducer. */
struct subject {
	const struct program *program; /* NULL: a reproducer */
	const struct input *in;
	const char *expect; /* the reproducer's oracle */
};

static bool run_once(const struct subject *s, struct strategy *st)
{
	if (s->program) {
		struct sched_config cfg = {.strategy = st, .max_steps = s->program->max_steps};
		static struct sched_result r;

		s->program->setup();
		sched_run(&cfg, &r);
		return r.verdict == s->program->bug;
	} else {
		struct exec_result r;

		runner_execute(s->in, st, false, NULL, &r);
		return r.violation && strcmp(r.oracle, s->expect) == 0;
	}
}

/* Schedules to the first bug with this strategy and seed; 0 if none within budget. */
static uint64_t campaign(const struct subject *s, const char *name, uint64_t seed, uint64_t budget)
{
	static struct selected_strategy sel;
	struct as_explored e;

	if (!strategy_select(name, seed, &sel))
		abort();
	e = (struct as_explored){
		.base = {.name = name,
			 .begin = explored_begin,
			 .pick = explored_pick,
			 .end = explored_end},
		.inner = sel.strategy,
	};
	for (uint64_t i = 0; i < budget; i++) {
		if (run_once(s, &e.base))
			return i + 1;
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void print_cell(const struct subject *s, const char *name, int seeds, uint64_t budget)
{
	uint64_t found[MAX_SEEDS];
	int n_found = 0;
	char cell[48];

	for (int i = 0; i < seeds; i++) {
		uint64_t n = campaign(s, name, (uint64_t)i + 1, budget);

		found[i] = n ? n : UINT64_MAX;
		n_found += n != 0;
	}
	qsort(found, (size_t)seeds, sizeof(found[0]), cmp_u64);
	if (found[(seeds - 1) / 2] == UINT64_MAX)
		snprintf(cell, sizeof(cell), "- (%d/%d)", n_found, seeds);
	else
		snprintf(cell, sizeof(cell), "%llu (%d/%d)",
			 (unsigned long long)found[(seeds - 1) / 2], n_found, seeds);
	printf(" %-15s", cell);
}

static void print_row(const char *label, const struct subject *s, int seeds, uint64_t budget)
{
	printf("%-62s", label);
	for (int k = 0; k < N_STRATEGIES; k++)
		print_cell(s, strategies[k], seeds, budget);
	printf("\n");
	fflush(stdout);
}

static bool seen_before(const struct manifest *m, int i)
{
	for (int j = 0; j < i; j++) {
		if (strcmp(m->lines[j].expect, "clean") != 0 &&
		    strcmp(m->lines[j].file, m->lines[i].file) == 0)
			return true;
	}
	return false;
}

/* Each reproducer, on the first manifest line where it is not clean. */
static int reproducer_rows(const char *corpus, int seeds, uint64_t budget)
{
	char path[1024], err[512], label[512];
	struct manifest m;
	static struct input in;

	snprintf(path, sizeof(path), "%s/regress/manifest.txt", corpus);
	if (!manifest_load(path, &m, err, sizeof(err))) {
		fprintf(stderr, "strategy_compare: %s\n", err);
		return 2;
	}
	for (int i = 0; i < m.n; i++) {
		const struct manifest_line *l = &m.lines[i];
		uint8_t *storage = NULL;

		if (strcmp(l->expect, "clean") == 0 || seen_before(&m, i))
			continue;
		snprintf(path, sizeof(path), "%s/regress/%s", corpus, l->file);
		if (input_load_file(path, &in, &storage, err, sizeof(err)) != INPUT_OK ||
		    !runner_select_model(l->model, err, sizeof(err))) {
			fprintf(stderr, "strategy_compare: %s: %s\n", path, err);
			manifest_free(&m);
			return 2;
		}
		in.schedule_len = 0; /* its own schedule removed */
		snprintf(label, sizeof(label), "%s %s", l->file, l->model);
		print_row(label, &(struct subject){.in = &in, .expect = l->expect}, seeds, budget);
		free(storage);
	}
	manifest_free(&m);
	return 0;
}

int main(int argc, char **argv)
{
	const struct program *programs[] = {&prog_lost_update, &prog_abba_deadlock,
					    &prog_rw_starvation};
	int seeds = argc > 2 ? atoi(argv[2]) : 20;
	uint64_t budget = argc > 3 ? strtoull(argv[3], NULL, 10) : 10000;

	if (argc < 2 || seeds < 1 || seeds > MAX_SEEDS || budget < 1) {
		fprintf(stderr, "usage: strategy_compare CORPUS_DIR [SEEDS [BUDGET]]\n");
		return 2;
	}
	sched_init();
	printf("schedules to the first bug: median (found/seeds), %d seeds, budget %llu\n", seeds,
	       (unsigned long long)budget);
	printf("%-62s", "program / reproducer and model");
	for (int k = 0; k < N_STRATEGIES; k++)
		printf(" %-15s", strategies[k]);
	printf("\n");
	for (size_t p = 0; p < sizeof(programs) / sizeof(programs[0]); p++) {
		char label[128];

		snprintf(label, sizeof(label), "classic: %s", programs[p]->name);
		print_row(label, &(struct subject){.program = programs[p]}, seeds, budget);
	}
	return reproducer_rows(argv[1], seeds, budget);
}
