/* SPDX-License-Identifier: MIT */
/*
 * Every scheduling point says what its step touches (issue 16). Runs every
 * corpus file (the regression manifest's runs on their models, the seeds
 * on the model they name or latest) under its own schedule with the steps'
 * accesses recorded, and fails, naming the sites, when
 *   - a step touches SCHED_EVERYTHING (an unannotated point), unless it
 *     starts at a wait with a timeout (its end depends on every thread);
 *   - a step starting at a model point (mm_point) records no access, or
 *     its point announces a NULL object.
 * The model's points are read from the sources (target/ *.c next to the
 * corpus), so a new point is checked without being listed here.
 *
 * And the annotations are checked against what they claim: wherever two
 * consecutive steps of different threads record no conflicting access,
 * running them in the other order must end in the same verdict and the
 * same final state (execute_state_hash). A missed access shows up as a
 * swap that changes the outcome.
 *
 *   test_annotations CORPUS_DIR
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fuzz/manifest.h"
#include "fuzz/runner.h"
#include "scheduler/dpor.h"
#include "scheduler/strategy.h"
#include "target/execute.h"

static int passed, failed;

#define MAX_SITES    256
#define MAX_NAME     64
#define MAX_RUNS     256
#define MAX_PROBLEMS 64

/* The sites of one kind found in the sources, and how often each was met. */
struct site_set {
	char name[MAX_SITES][MAX_NAME];
	uint32_t id[MAX_SITES];
	unsigned long reached[MAX_SITES];
	int n;
};

static struct site_set model_points;  /* mm_point(NAME, ...) */
static struct site_set timeout_waits; /* sched_block_timeout(..., SITE(NAME)) */

static int site_find(const struct site_set *s, uint32_t id)
{
	for (int i = 0; i < s->n; i++)
		if (s->id[i] == id)
			return i;
	return -1;
}

static void site_add(struct site_set *s, const char *name, size_t len)
{
	struct sched_site site;

	if (len >= MAX_NAME || s->n >= MAX_SITES)
		return;
	memcpy(s->name[s->n], name, len);
	s->name[s->n][len] = '\0';
	/* The scheduler's own id (and its name registry, for reports). */
	site = (struct sched_site){s->name[s->n], 0};
	s->id[s->n] = sched_site_id(&site);
	if (site_find(s, s->id[s->n]) < 0)
		s->n++;
}

/* Every `KEY ... "NAME"` in the text: the first string literal after KEY
 * (mm_point's first argument; SITE() inside a sched_block_timeout call). */
static void collect(struct site_set *s, const char *text, const char *key, const char *stop)
{
	for (const char *p = strstr(text, key); p; p = strstr(p + 1, key)) {
		const char *q = strchr(p, '"'), *end_call = strstr(p, stop);
		const char *close;

		if (!q || (end_call && end_call < q))
			continue;
		close = strchr(q + 1, '"');
		if (close)
			site_add(s, q + 1, (size_t)(close - q - 1));
	}
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text;
	long len;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	text = calloc(1, (size_t)len + 1);
	if (text && fread(text, 1, (size_t)len, f) != (size_t)len) {
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

static void load_sites(const char *corpus)
{
	char dir[600], path[900];
	struct dirent **names;
	int n;

	snprintf(dir, sizeof(dir), "%s/../target", corpus);
	n = scandir(dir, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name);

		if (len > 2 && strcmp(name + len - 2, ".c") == 0) {
			char *text;

			snprintf(path, sizeof(path), "%s/%s", dir, name);
			text = read_text(path);
			if (text) {
				collect(&model_points, text, "mm_point(\"", ")");
				collect(&timeout_waits, text, "sched_block_timeout(", ";");
				free(text);
			}
		}
		free(names[i]);
	}
	if (n > 0)
		free(names);
	CHECK(model_points.n >= 30, "only %d mm_point sites found under %s", model_points.n, dir);
	CHECK(timeout_waits.n >= 1, "no sched_block_timeout site found under %s", dir);
}

/* The input's own schedule, with accesses recorded and each model point's
 * announcement checked as the scheduler shows it. */
struct checking_strategy {
	struct strategy base;
	struct strategy *inner;
	const char *file;
	unsigned long null_announcements;
};

static void checking_begin(struct strategy *s)
{
	struct checking_strategy *c = (struct checking_strategy *)s;

	if (c->inner->begin)
		c->inner->begin(c->inner);
}

static int checking_pick(struct strategy *s, const struct sched_choice *choice)
{
	struct checking_strategy *c = (struct checking_strategy *)s;
	const struct sched_site *site = choice->site;

	if (site && choice->current_enabled && site_find(&model_points, site->id) >= 0 &&
	    !choice->pending[choice->current].object) {
		if (c->null_announcements++ == 0)
			printf("FAIL %s: point %s announces a NULL object\n", c->file, site->name);
	}
	return c->inner->pick(c->inner, choice);
}

/* Problems of one execution's events; returns how many were found. */
struct problem {
	uint32_t site;
	const char *what;
};
static struct problem problems[MAX_PROBLEMS];
static int n_problems;

static void note_problem(uint32_t site, const char *what)
{
	for (int i = 0; i < n_problems; i++)
		if (problems[i].site == site && problems[i].what == what)
			return;
	if (n_problems < MAX_PROBLEMS)
		problems[n_problems++] = (struct problem){site, what};
}

static const char *const EVERYTHING = "touches SCHED_EVERYTHING";
static const char *const NOTHING = "records no access";
static const char *const NULL_OBJECT = "records a NULL object";

static void check_events(const struct sched_event *events, size_t n_events,
			 const struct sched_access *accesses)
{
	for (size_t k = 0; k < n_events; k++) {
		const struct sched_event *e = &events[k];
		int point = site_find(&model_points, e->site_id);
		bool waited = site_find(&timeout_waits, e->site_id) >= 0;

		if (point >= 0) {
			model_points.reached[point]++;
			if (e->n == 0)
				note_problem(e->site_id, NOTHING);
		}
		for (uint32_t a = e->first; a < e->first + e->n; a++) {
			if (accesses[a].object == SCHED_EVERYTHING && !waited)
				note_problem(e->site_id, EVERYTHING);
			if (!accesses[a].object)
				note_problem(e->site_id, NULL_OBJECT);
		}
	}
}

static const char *site_name(uint32_t id)
{
	const char *name = sched_site_name(id);

	return name ? name : "(unknown site)";
}

static unsigned long total_events;

/* Replays a list of picks; a pick that is not enabled (or running past
 * the list) marks the run as having left the recorded execution. */
struct forced_strategy {
	struct strategy base;
	const uint8_t *picks;
	size_t n, next;
	bool left;
};

static void forced_begin(struct strategy *s)
{
	struct forced_strategy *f = (struct forced_strategy *)s;

	f->next = 0;
	f->left = false;
}

static int forced_pick(struct strategy *s, const struct sched_choice *choice)
{
	struct forced_strategy *f = (struct forced_strategy *)s;

	if (f->next < f->n && strategy_enabled_index(choice, f->picks[f->next]) >= 0)
		return f->picks[f->next++];
	f->left = true;
	return strategy_default_pick(choice);
}

static bool steps_conflict(const struct sched_event *a, const struct sched_event *b,
			   const struct sched_access *acc)
{
	for (uint32_t i = a->first; i < a->first + a->n; i++)
		for (uint32_t j = b->first; j < b->first + b->n; j++)
			if (sched_access_conflict(&acc[i], &acc[j]))
				return true;
	return false;
}

struct outcome {
	bool violation;
	char oracle[64], kind[64];
	uint64_t state;
};

static struct outcome outcome_of(const struct exec_result *r)
{
	struct outcome o = {.violation = r->violation, .state = execute_state_hash()};

	snprintf(o.oracle, sizeof(o.oracle), "%s", r->oracle);
	snprintf(o.kind, sizeof(o.kind), "%s", r->kind);
	return o;
}

/* A violation ends the execution where it is found: swapped, the step
 * that found it may run before the other, which then never runs. So the
 * final state is compared only between clean executions. */
static bool same_outcome(const struct outcome *a, const struct outcome *b)
{
	return a->violation == b->violation && !strcmp(a->oracle, b->oracle) &&
	       !strcmp(a->kind, b->kind) && (a->violation || a->state == b->state);
}

static unsigned long swaps_run, swaps_left;

/*
 * Swap every independent pair of consecutive steps of the recorded
 * execution (events, copied by the caller) and compare the outcome.
 */
static void check_swaps(const char *file, const struct input *in, const struct sched_event *ev,
			const struct sched_access *acc, size_t n, const struct outcome *want)
{
	uint8_t *picks = malloc(n ? n : 1);
	struct forced_strategy f = {
		.base = {.name = "swap", .begin = forced_begin, .pick = forced_pick},
		.picks = picks,
		.n = n};
	int bad = 0;
	struct exec_result res;
	struct outcome same;

	/* The picks unswapped replay the execution: events[k] is decision k. */
	for (size_t i = 0; i < n; i++)
		picks[i] = ev[i].tid;
	runner_execute(in, &f.base, false, NULL, &res);
	same = outcome_of(&res);
	CHECK(!f.left && same_outcome(&same, want) && same.state == want->state,
	      "%s: the recorded steps' threads do not replay the execution", file);
	for (size_t k = 0; k + 1 < n; k++) {
		struct outcome got;

		if (ev[k].tid == ev[k + 1].tid || steps_conflict(&ev[k], &ev[k + 1], acc))
			continue;
		for (size_t i = 0; i < n; i++)
			picks[i] = ev[i].tid;
		picks[k] = ev[k + 1].tid;
		picks[k + 1] = ev[k].tid;
		runner_execute(in, &f.base, false, NULL, &res);
		if (f.left) {
			swaps_left++;
			continue;
		}
		swaps_run++;
		got = outcome_of(&res);
		if (!same_outcome(&got, want) && bad++ < 3)
			printf("FAIL %s: steps %zu (T%d from %s) and %zu (T%d from %s) record no "
			       "conflict, but swapped they end %s%s%s (state %016llx), not %s%s%s "
			       "(state %016llx)\n",
			       file, k, ev[k].tid, site_name(ev[k].site_id), k + 1, ev[k + 1].tid,
			       site_name(ev[k + 1].site_id), got.violation ? got.oracle : "clean",
			       got.violation ? " " : "", got.kind, (unsigned long long)got.state,
			       want->violation ? want->oracle : "clean", want->violation ? " " : "",
			       want->kind, (unsigned long long)want->state);
	}
	CHECK(bad == 0, "%s: %d swap(s) of independent steps changed the outcome", file, bad);
	free(picks);
}

/* Random schedules per file besides its own, for more pairs to swap. */
#define RANDOM_RUNS 6

static void run_schedule(const char *file, const char *model, const struct input *in,
			 struct strategy *inner)
{
	struct checking_strategy c = {.base = {.name = "annotations-check",
					       .begin = checking_begin,
					       .pick = checking_pick,
					       .wants_accesses = true},
				      .inner = inner,
				      .file = file};
	struct exec_result res;

	runner_execute(in, &c.base, false, NULL, &res);
	n_problems = 0;
	check_events(res.sched.events, res.sched.n_events, res.sched.accesses);
	total_events += res.sched.n_events;
	CHECK(res.sched.n_events > 0, "%s on %s: no step recorded (record_accesses)", file, model);
	CHECK(c.null_announcements == 0, "%s on %s: %lu NULL announcements", file, model,
	      c.null_announcements);
	for (int i = 0; i < n_problems; i++)
		printf("  %s on %s (%s): step from %s %s\n", file, model, inner->name,
		       site_name(problems[i].site), problems[i].what);
	CHECK(n_problems == 0, "%s on %s: %d unannotated site(s), listed above", file, model,
	      n_problems);
	if (res.sched.n_events) {
		/* The record lives until the next run: keep a copy. */
		size_t n = res.sched.n_events, na = res.sched.n_accesses;
		struct sched_event *ev = malloc(n * sizeof(*ev));
		struct sched_access *acc = malloc((na ? na : 1) * sizeof(*acc));
		struct outcome want = outcome_of(&res);

		memcpy(ev, res.sched.events, n * sizeof(*ev));
		if (na)
			memcpy(acc, res.sched.accesses, na * sizeof(*acc));
		check_swaps(file, in, ev, acc, n, &want);
		free(ev);
		free(acc);
	}
}

static void run_file(const char *file, const char *model)
{
	struct strategy_bytes bytes;
	struct strategy_random random;
	struct input in;
	uint8_t *storage = NULL;
	char err[1024];

	if (!runner_select_model(model, err, sizeof(err))) {
		CHECK(false, "%s: model %s: %s", file, model, err);
		return;
	}
	if (input_load_file(file, &in, &storage, err, sizeof(err)) != INPUT_OK) {
		CHECK(false, "%s: %s", file, err);
		free(storage);
		return;
	}
	strategy_bytes_init(&bytes, in.schedule, in.schedule_len);
	run_schedule(file, model, &in, &bytes.base);
	strategy_random_init(&random, 1);
	for (int i = 0; i < RANDOM_RUNS; i++)
		run_schedule(file, model, &in, &random.base);
	free(storage);
}

/*
 * Programs written for the review of the annotations: each exercises state
 * that once had no recorded access, so that a swap of two steps that look
 * independent would change the outcome. Run with many random schedules,
 * which put the racing steps next to each other.
 */
static const struct extra_program {
	const char *name, *model, *text;
} extra_programs[] = {
	/* The VMA slab's cursor is shared by every process: which slot each
	 * mmap gets depends on the order of the two (vma.c vm_area_alloc). */
	{"vma-slab-two-processes", "latest",
	 "thread 0\n  fork\n  munmap va=2\n  mmap va=2\n"
	 "thread 1 child-of 0\n  munmap va=3\n  mmap va=3\n"},
	/* Three faults on one file page: one reads it in, the others find
	 * it locked and wait for it (folio_wait_locked) or lock it. */
	{"file-page-wait", "latest",
	 "thread 0\n  mmap-file va=0 mode=0\n  signal event=0\n  read va=0 word=0\n"
	 "thread 1\n  wait event=0\n  read va=0 word=0\n"
	 "thread 2\n  wait event=0\n  read va=0 word=1\n"},
};

#define EXTRA_RANDOM_RUNS 40
#define EXTRA_BOUND	  2
#define EXTRA_MAX_STATES  4096

/* The final states of clean executions (and a bit per violation kind
 * seen, hashed in), over every schedule within the bound. */
struct state_set {
	uint64_t v[EXTRA_MAX_STATES];
	size_t n;
	unsigned long runs;
};

static void state_add(struct state_set *s, uint64_t h)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == h)
			return;
	if (s->n < EXTRA_MAX_STATES)
		s->v[s->n++] = h;
}

static uint64_t outcome_hash(const struct exec_result *r)
{
	uint64_t h = 1469598103934665603ull;

	if (!r->violation)
		return execute_state_hash();
	for (const char *c = r->oracle; *c; c++)
		h = (h ^ (uint8_t)*c) * 1099511628211ull;
	for (const char *c = r->kind; *c; c++)
		h = (h ^ (uint8_t)*c) * 1099511628211ull;
	return h;
}

static void explore_states(const struct input *in, bool reduce, struct state_set *s)
{
	struct dpor_options o = {.preemptions = EXTRA_BOUND, .reduce = reduce};
	struct dpor *d = dpor_create(&o);
	struct exec_result r;

	while (!dpor_done(d)) {
		uint64_t blocked = dpor_stats(d)->sleep_blocked;

		runner_execute(in, dpor_strategy(d), false, NULL, &r);
		s->runs++;
		if (dpor_stats(d)->sleep_blocked == blocked && r.sched.verdict != SCHED_ABANDONED)
			state_add(s, outcome_hash(&r));
	}
	dpor_destroy(d);
}

/* The reduced search reaches every outcome the naive one does. */
static void check_reduction(const struct extra_program *x, const struct input *in)
{
	static struct state_set naive, reduced;
	size_t missed = 0;

	naive = (struct state_set){0};
	reduced = (struct state_set){0};
	explore_states(in, false, &naive);
	explore_states(in, true, &reduced);
	for (size_t i = 0; i < naive.n; i++) {
		bool found = false;

		for (size_t j = 0; j < reduced.n && !found; j++)
			found = reduced.v[j] == naive.v[i];
		missed += !found;
	}
	printf("%s K=%d: naive %lu runs, %zu outcomes; reduced %lu runs, %zu outcomes\n", x->name,
	       EXTRA_BOUND, naive.runs, naive.n, reduced.runs, reduced.n);
	CHECK(missed == 0 && naive.n == reduced.n,
	      "%s: the reduced search misses %zu of the %zu outcomes naive enumeration reaches",
	      x->name, missed, naive.n);
}

static void run_extra_programs(void)
{
	for (size_t p = 0; p < sizeof(extra_programs) / sizeof(extra_programs[0]); p++) {
		const struct extra_program *x = &extra_programs[p];
		struct strategy_random random;
		struct input in;
		char err[1024];

		if (!runner_select_model(x->model, err, sizeof(err)) ||
		    input_parse_text(x->text, &in, err, sizeof(err)) != INPUT_OK) {
			CHECK(false, "%s: %s", x->name, err);
			continue;
		}
		strategy_random_init(&random, 1);
		for (int i = 0; i < EXTRA_RANDOM_RUNS; i++)
			run_schedule(x->name, x->model, &in, &random.base);
		check_reduction(x, &in);
	}
}

/* The checker itself flags what it must: a made-up execution with one
 * unannotated step, one empty model step and one timed-out wait. */
static void test_checker_flags_problems(void)
{
	uint32_t point = model_points.n ? model_points.id[0] : 0;
	uint32_t wait = timeout_waits.n ? timeout_waits.id[0] : 0;
	const struct sched_access acc[] = {{SCHED_EVERYTHING, SCHED_WRITE},
					   {SCHED_EVERYTHING, SCHED_WRITE}};
	const struct sched_event ev[] = {{.site_id = 12345, .first = 0, .n = 1},
					 {.site_id = point, .first = 1, .n = 0},
					 {.site_id = wait, .first = 1, .n = 1}};
	unsigned long before = model_points.n ? model_points.reached[0] : 0;

	n_problems = 0;
	check_events(ev, 3, acc);
	CHECK(n_problems == 2 && problems[0].site == 12345 && problems[0].what == EVERYTHING &&
		      problems[1].site == point && problems[1].what == NOTHING,
	      "the checker found %d problems in a made-up execution with 2", n_problems);
	if (model_points.n)
		model_points.reached[0] = before;
}

static void run_manifest(const char *corpus)
{
	char dir[600], path[700], file[1000], err[1024];
	struct manifest m;

	snprintf(dir, sizeof(dir), "%s/regress", corpus);
	snprintf(path, sizeof(path), "%s/manifest.txt", dir);
	if (!manifest_load(path, &m, err, sizeof(err))) {
		CHECK(false, "%s", err);
		return;
	}
	for (int i = 0; i < m.n; i++) {
		snprintf(file, sizeof(file), "%s/%s", dir, m.lines[i].file);
		run_file(file, m.lines[i].model);
	}
	manifest_free(&m);
}

/* A seed runs on the model it names, or on latest. */
static void run_seeds(const char *corpus)
{
	char dir[600], file[1000], err[1024];
	struct dirent **names;
	int n;

	snprintf(dir, sizeof(dir), "%s/seeds", corpus);
	n = scandir(dir, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name);

		if (len > 4 && strcmp(name + len - 4, ".mmf") == 0) {
			struct input in;
			uint8_t *storage = NULL;
			char model[INPUT_MODEL_MAX] = "latest";

			snprintf(file, sizeof(file), "%s/%s", dir, name);
			if (input_load_file(file, &in, &storage, err, sizeof(err)) == INPUT_OK &&
			    in.model[0])
				snprintf(model, sizeof(model), "%s", in.model);
			free(storage);
			run_file(file, model);
		}
		free(names[i]);
	}
	if (n > 0)
		free(names);
}

int main(int argc, char **argv)
{
	int reached = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: test_annotations CORPUS_DIR\n");
		return 2;
	}
	load_sites(argv[1]);
	test_checker_flags_problems();
	run_manifest(argv[1]);
	run_seeds(argv[1]);
	run_extra_programs();
	for (int i = 0; i < model_points.n; i++)
		reached += model_points.reached[i] > 0;
	printf("annotations: %lu steps checked; %d of %d model points reached; %lu swaps of "
	       "independent steps compared (%lu more left the execution)\n",
	       total_events, reached, model_points.n, swaps_run, swaps_left);
	CHECK(total_events == 0 || swaps_run > 0, "no swap of independent steps was compared");
	for (int i = 0; i < model_points.n; i++)
		if (!model_points.reached[i])
			printf("  not reached by the corpus: %s\n", model_points.name[i]);
	CHECK(reached * 2 > model_points.n, "the corpus reached only %d of %d model points",
	      reached, model_points.n);
	return CHECK_SUMMARY();
}
