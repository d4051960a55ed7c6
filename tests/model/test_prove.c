/* SPDX-License-Identifier: MIT */
/*
 * Soundness of the reduction on model scenarios: for each small program
 * (corpus files, their schedules removed) on a model where it shows a bug
 * or none, and each bound K = 0..2, the reduced exploration reaches
 * exactly the same set of outcomes as naive enumeration, with no more
 * executions. An outcome is (verdict, oracle, kind, execute_state_hash()):
 * what the oracles judged and, for a clean run, the machine's final
 * state. Executions the
 * reduction cuts short as redundant (sleep-blocked) are not outcomes.
 *
 *   test_prove CORPUS_DIR
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fuzz/input.h"
#include "fuzz/prove.h"
#include "fuzz/runner.h"
#include "scheduler/dpor.h"
#include "target/execute.h"

static int passed, failed;

/* Small enough that naive enumeration up to K = 2 takes seconds. */
static const struct program {
	const char *file; /* relative to the corpus */
	const char *model;
	unsigned bound; /* K = 0..bound */
} programs[] = {
	{"seeds/basic-cow.mmf", "latest", 2},
	{"seeds/zero-page.mmf", "latest", 2},
	{"seeds/soft-dirty-simple.mmf", "latest", 2},
	{"seeds/threads-race.mmf", "latest", 2},
	{"seeds/uffd-stress.mmf", "latest", 2},
	{"regress/cve-2020-29374-child.mmf", "v5.7", 2},
	{"regress/dirty-cow.mmf", "v4.8", 2},
	{"regress/odirect-clear-refs.mmf", "v5.10", 2},
	{"regress/parallel-dontneed.mmf", "v4.8", 2},
	{"regress/uffd-wp-concurrent-protect.mmf", "v5.19+mprotect.flush=changed", 2},
	/* Its lost write needs 3 preemptions: the violation is among the outcomes. */
	{"regress/uffd-wp-tlb-corruption.mmf", "v5.11", 3},
	{"regress/uffd-wp-tlb-corruption.mmf", "v5.12", 2},
};

/* A naive exploration past this is a program too big for this test. */
#define NAIVE_CAP 400000

struct outcome {
	int verdict;
	const char *oracle, *kind; /* stable ids: compared as strings */
	uint64_t state;
};

struct outcomes {
	struct outcome *v;
	size_t n, cap;
	uint64_t executions, blocked;
	bool capped;
};

static int compare_text(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int compare_outcomes(const void *pa, const void *pb)
{
	const struct outcome *a = pa, *b = pb;
	int c;

	if (a->verdict != b->verdict)
		return a->verdict < b->verdict ? -1 : 1;
	c = compare_text(a->oracle, b->oracle);
	if (c)
		return c;
	c = compare_text(a->kind, b->kind);
	if (c)
		return c;
	return a->state < b->state ? -1 : a->state > b->state;
}

static void add_outcome(struct outcomes *s, const struct exec_result *r)
{
	struct outcome o = {
		.verdict = (int)r->sched.verdict,
		.oracle = r->violation ? r->oracle : NULL,
		.kind = r->violation ? r->kind : NULL,
		/* A violation ends the run where it is found: two orders of
		 * independent steps may then stop in different states (the
		 * step after the failing one never runs). Final states are
		 * compared between clean executions only. */
		.state = r->violation ? 0 : execute_state_hash(),
	};

	for (size_t i = 0; i < s->n; i++)
		if (compare_outcomes(&s->v[i], &o) == 0)
			return;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v)
			abort();
	}
	s->v[s->n++] = o;
}

/* Every outcome of one exploration of in's program at bound k. */
static void explore(const struct input *in, unsigned k, bool reduce, struct outcomes *s)
{
	struct dpor_options o = {.preemptions = k, .reduce = reduce};
	struct dpor *d = dpor_create(&o);
	struct exec_result r;

	while (!dpor_done(d)) {
		uint64_t blocked = dpor_stats(d)->sleep_blocked;

		if (s->executions == NAIVE_CAP) {
			s->capped = true;
			break;
		}
		runner_execute(in, dpor_strategy(d), false, NULL, &r);
		s->executions++;
		if (dpor_stats(d)->sleep_blocked == blocked)
			add_outcome(s, &r);
		else
			s->blocked++;
	}
	dpor_destroy(d);
	qsort(s->v, s->n, sizeof(*s->v), compare_outcomes);
}

static size_t violations(const struct outcomes *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++)
		n += s->v[i].oracle != NULL;
	return n;
}

static bool same_sets(const struct outcomes *a, const struct outcomes *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (compare_outcomes(&a->v[i], &b->v[i]) != 0)
			return false;
	return true;
}

/* What naive reaches and reduced does not: to tell the reduction's author. */
static void print_missing(const struct outcomes *naive, const struct outcomes *reduced)
{
	for (size_t i = 0; i < naive->n; i++) {
		const struct outcome *o = &naive->v[i];

		if (!bsearch(o, reduced->v, reduced->n, sizeof(*o), compare_outcomes))
			printf("  missed by the reduction: verdict %d %s %s state %016" PRIx64 "\n",
			       o->verdict, o->oracle ? o->oracle : "clean", o->kind ? o->kind : "",
			       o->state);
	}
}

static void compare_bound(const char *name, const struct input *in, unsigned k)
{
	struct outcomes naive = {0}, reduced = {0};

	explore(in, k, false, &naive);
	explore(in, k, true, &reduced);
	printf("%-44s K=%u: naive %7" PRIu64 ", reduced %7" PRIu64 " (%" PRIu64
	       " redundant), %zu outcomes (%zu violations)\n",
	       name, k, naive.executions, reduced.executions, reduced.blocked, naive.n,
	       violations(&naive));
	CHECK(!naive.capped && !reduced.capped, "%s K=%u: more than %d executions: too big", name,
	      k, NAIVE_CAP);
	CHECK(naive.n > 0, "%s K=%u: naive exploration reached no outcome", name, k);
	CHECK(same_sets(&naive, &reduced), "%s K=%u: naive reaches %zu outcomes, reduced %zu", name,
	      k, naive.n, reduced.n);
	if (!same_sets(&naive, &reduced))
		print_missing(&naive, &reduced);
	CHECK(reduced.executions <= naive.executions,
	      "%s K=%u: reduced ran %" PRIu64 " executions, naive %" PRIu64, name, k,
	      reduced.executions, naive.executions);
	free(naive.v);
	free(reduced.v);
}

static void check_program(const char *corpus, const struct program *p)
{
	char path[1024], err[512];
	struct input *in = malloc(sizeof(*in));
	uint8_t *storage = NULL;

	snprintf(path, sizeof(path), "%s/%s", corpus, p->file);
	if (!in || input_load_file(path, in, &storage, err, sizeof(err)) != INPUT_OK) {
		CHECK(false, "%s: %s", path, in ? err : "out of memory");
		free(in);
		return;
	}
	in->schedule_len = 0; /* the exploration chooses every schedule */
	if (!runner_select_model(p->model, err, sizeof(err))) {
		CHECK(false, "%s: %s", p->model, err);
	} else {
		char name[128];

		snprintf(name, sizeof(name), "%s on %s", p->file, p->model);
		for (unsigned k = 0; k <= p->bound; k++)
			compare_bound(name, in, k);
	}
	free(storage);
	free(in);
}

/* The driver's own promise: a violation it reports replays from its bytes. */
static void check_counterexample(const char *corpus)
{
	static struct prove_result r;
	struct prove_options o = {.preemptions = 2, .reduce = true};
	char path[1024], err[512];
	struct input *in = malloc(sizeof(*in));
	uint8_t *storage = NULL;
	struct exec_result again;

	snprintf(path, sizeof(path), "%s/regress/cve-2020-29374-child.mmf", corpus);
	if (!in || input_load_file(path, in, &storage, err, sizeof(err)) != INPUT_OK ||
	    !runner_select_model("v5.7", err, sizeof(err))) {
		CHECK(false, "%s: %s", path, err);
		free(in);
		return;
	}
	in->schedule_len = 0;
	prove_run(in, &o, &r);
	CHECK(r.verdict == PROVE_VIOLATION, "prove finds nothing in %s on v5.7", path);
	if (r.verdict == PROVE_VIOLATION) {
		memcpy(in->owned, r.schedule, r.schedule_len);
		in->schedule = in->owned;
		in->schedule_len = r.schedule_len;
		runner_execute(in, NULL, false, NULL, &again);
		CHECK(again.violation && strcmp(again.oracle, r.violation.oracle) == 0 &&
			      strcmp(again.kind, r.violation.kind) == 0 &&
			      again.sched.trace_hash == r.violation.sched.trace_hash,
		      "the counterexample's %zu schedule bytes do not replay it", r.schedule_len);
	}
	free(storage);
	free(in);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_prove CORPUS_DIR\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
		check_program(argv[1], &programs[i]);
	check_counterexample(argv[1]);
	return CHECK_SUMMARY();
}
