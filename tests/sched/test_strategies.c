// SPDX-License-Identifier: MIT
/*
 * Every strategy finds every classic bug within a bounded number of
 * executions; the finding replays exactly (same verdict, same trace hash);
 * a tampered record is reported as drift; a correct program passes;
 * campaigns are deterministic.
 */
#include <stdlib.h>

#include "programs.h"
#include "test.h"

#define HUNT_BUDGET 2000
#define BYTES_LEN   24

enum strategy_kind { S_RANDOM, S_PCT2, S_PCT3, S_POS, S_SURW, S_BYTES, S_COUNT };

static const char *const kind_name[S_COUNT] = {"random", "pct(2)", "pct(3)",
					       "pos",	 "surw",   "bytes"};

/* A strategy of each kind, re-armed for every execution of a campaign. */
struct campaign {
	enum strategy_kind kind;
	struct strategy_random random;
	struct strategy_pct pct;
	struct strategy_pos pos;
	struct strategy_surw surw;
	struct strategy_bytes bytes;
	uint64_t byte_rng;
	uint8_t buf[BYTES_LEN];
};

static void campaign_init(struct campaign *c, enum strategy_kind kind, uint64_t seed)
{
	c->kind = kind;
	strategy_random_init(&c->random, seed);
	strategy_pct_init(&c->pct, kind == S_PCT3 ? 3 : 2, seed);
	strategy_pos_init(&c->pos, seed);
	strategy_surw_init(&c->surw, seed);
	c->byte_rng = seed;
}

/*
 * A pseudo-random byte with the skew of fuzzer mutations, which favour
 * small values: a uniform byte shifted right by 0..7 bits. Uniform bytes
 * would make nearly every gap longer than these short programs.
 */
static uint8_t fuzzlike_byte(uint64_t *rng)
{
	uint64_t x = sched_rng_next(rng);

	return (uint8_t)((x & 0xff) >> ((x >> 8) & 7));
}

/* The strategy for the next execution; bytes get a fresh pseudo-random string. */
static struct strategy *campaign_next(struct campaign *c)
{
	switch (c->kind) {
	case S_RANDOM:
		return &c->random.base;
	case S_PCT2:
	case S_PCT3:
		return &c->pct.base;
	case S_POS:
		return &c->pos.base;
	case S_SURW:
		return &c->surw.base;
	default:
		for (int i = 0; i < BYTES_LEN; i++)
			c->buf[i] = fuzzlike_byte(&c->byte_rng);
		strategy_bytes_init(&c->bytes, c->buf, sizeof(c->buf));
		return &c->bytes.base;
	}
}

static struct sched_result res, res2;
static struct sched_decision rec[8192];

static void run_program(const struct program *p, struct strategy *s, bool record,
			struct sched_result *r)
{
	p->setup();
	run_exec(s, p->max_steps, record, r);
}

static void hunt(const struct program *p, enum strategy_kind kind)
{
	struct campaign c;
	struct strategy_replay replay;
	int found = -1;
	size_t n;

	campaign_init(&c, kind, 0x5eed);
	for (int i = 0; i < HUNT_BUDGET && found < 0; i++) {
		run_program(p, campaign_next(&c), true, &res);
		if (res.verdict == p->bug)
			found = i;
	}
	if (!test_check(found >= 0, __FILE__, __LINE__, "bug found within budget")) {
		fprintf(stderr, "    %s not found by %s\n", p->name, kind_name[kind]);
		return;
	}
	printf("     %-14s %-7s found at execution %4d (%llu steps, %zu decisions)\n", p->name,
	       kind_name[kind], found, (unsigned long long)res.steps, res.n_decisions);
	CHECK_R(!p->bug_ok || p->bug_ok(&res), &res);
	CHECK(res.n_decisions <= sizeof(rec) / sizeof(rec[0]));
	n = res.n_decisions;
	memcpy(rec, res.decisions, n * sizeof(rec[0]));

	/* The record replays exactly. */
	strategy_replay_init(&replay, rec, n);
	run_program(p, &replay.base, true, &res2);
	CHECK_R(res2.verdict == res.verdict, &res2);
	CHECK(res2.trace_hash == res.trace_hash);
	CHECK(res2.steps == res.steps);
	CHECK(!strcmp(res2.report, res.report));

	/* A changed decision is drift, never silently followed. */
	rec[n / 2].chosen = (uint8_t)((rec[n / 2].chosen + 1) % p->n_threads);
	strategy_replay_init(&replay, rec, n);
	run_program(p, &replay.base, false, &res2);
	CHECK_R(res2.verdict == SCHED_DRIFT, &res2);
	CHECK(strstr(res2.report, "drift at step") != NULL);
}

void test_bugs_found_and_replayed(void)
{
	const struct program *progs[] = {&prog_lost_update, &prog_abba_deadlock,
					 &prog_rw_starvation};

	for (size_t p = 0; p < 3; p++) {
		for (int k = 0; k < S_COUNT; k++)
			hunt(progs[p], (enum strategy_kind)k);
	}
}

void test_clean_program_passes(void)
{
	for (int k = 0; k < S_COUNT; k++) {
		struct campaign c;

		campaign_init(&c, (enum strategy_kind)k, 77);
		for (int i = 0; i < 300; i++) {
			run_program(&prog_clean, campaign_next(&c), false, &res);
			CHECK_R(res.verdict == SCHED_PASS, &res);
		}
	}
	run_program(&prog_clean, NULL, false, &res);
	CHECK_R(res.verdict == SCHED_PASS, &res);
}

/* Hashes of a short campaign over two programs. */
static void campaign_hashes(enum strategy_kind kind, uint64_t seed, uint64_t *out, int n)
{
	struct campaign c;

	campaign_init(&c, kind, seed);
	for (int i = 0; i < n; i++) {
		run_program(i % 2 ? &prog_clean : &prog_lost_update, campaign_next(&c), false,
			    &res);
		out[i] = res.trace_hash ^ res.verdict;
	}
}

void test_determinism(void)
{
	for (int k = 0; k < S_COUNT; k++) {
		uint64_t a[40], b[40];
		int differing = 0;

		campaign_hashes((enum strategy_kind)k, 1234, a, 40);
		/* Other executions in between must not matter. */
		run_program(&prog_abba_deadlock, NULL, false, &res);
		run_program(&prog_rw_starvation, NULL, false, &res);
		campaign_hashes((enum strategy_kind)k, 1234, b, 40);
		CHECK(!memcmp(a, b, sizeof(a)));
		for (int i = 2; i < 40; i += 2)
			differing += a[i] != a[0];
		CHECK(differing > 0); /* the campaign explores, it does not repeat */
	}
}

/* Execution i of a random or POS campaign is the first execution of seed + i. */
void test_seed_plus_i(void)
{
	struct strategy_random r, single;
	struct strategy_pos pos, pos_single;
	uint64_t h[8], hp[8];

	strategy_random_init(&r, 99);
	strategy_pos_init(&pos, 99);
	for (int i = 0; i < 8; i++) {
		run_program(&prog_lost_update, &r.base, false, &res);
		h[i] = res.trace_hash;
		run_program(&prog_lost_update, &pos.base, false, &res);
		hp[i] = res.trace_hash;
	}
	strategy_random_init(&single, 99 + 5);
	run_program(&prog_lost_update, &single.base, false, &res);
	CHECK(res.trace_hash == h[5]);
	strategy_pos_init(&pos_single, 99 + 5);
	run_program(&prog_lost_update, &pos_single.base, false, &res);
	CHECK(res.trace_hash == hp[5]);
}

void test_replay_drift_messages(void)
{
	struct strategy_random r;
	struct strategy_replay replay;
	size_t n;

	strategy_random_init(&r, 3);
	run_program(&prog_abba_deadlock, &r.base, true, &res);
	n = res.n_decisions;
	CHECK(n > 2);
	memcpy(rec, res.decisions, n * sizeof(rec[0]));

	/* Wrong site: the message names the step, the expected thread and site. */
	rec[1].site_id ^= 0x100;
	strategy_replay_init(&replay, rec, n);
	run_program(&prog_abba_deadlock, &replay.base, false, &res2);
	CHECK_R(res2.verdict == SCHED_DRIFT, &res2);
	CHECK_R(strstr(res2.report, "drift at step 2: expected T") != NULL, &res2);
	CHECK_R(strstr(res2.report, ", got T") != NULL, &res2);
	rec[1].site_id ^= 0x100;

	/* Record ends early. */
	strategy_replay_init(&replay, rec, 1);
	run_program(&prog_abba_deadlock, &replay.base, false, &res2);
	CHECK_R(res2.verdict == SCHED_DRIFT, &res2);
	CHECK_R(strstr(res2.report, "record ends") != NULL, &res2);

	/* Execution ends before the record does. */
	rec[n] = rec[n - 1];
	strategy_replay_init(&replay, rec, n + 1);
	run_program(&prog_abba_deadlock, &replay.base, false, &res2);
	CHECK_R(res2.verdict == SCHED_DRIFT, &res2);
	CHECK_R(strstr(res2.report, "not replayed") != NULL, &res2);

	/* The untouched record still replays. */
	strategy_replay_init(&replay, rec, n);
	run_program(&prog_abba_deadlock, &replay.base, false, &res2);
	CHECK_R(res2.verdict == res.verdict && res2.trace_hash == res.trace_hash, &res2);
}

/* Bytes: gap points kept, then a switch to enabled[target % n]; no input on
 * points with one choice; the fallback when input runs out. */
void test_bytes_strategy_semantics(void)
{
	struct strategy_bytes b;
	struct sched_site site = {"unit", 0};
	struct sched_choice c = {
		.current = 0,
		.current_enabled = true,
		.n_enabled = 3,
		.enabled = {0, 1, 2},
		.site = &site,
	};
	const uint8_t data[] = {1, 5, 0, 1};

	strategy_bytes_init(&b, data, sizeof(data));
	b.base.begin(&b.base);
	CHECK(b.base.pick(&b.base, &c) == 0); /* gap 1: keep */
	CHECK(b.base.pick(&b.base, &c) == 2); /* then enabled[5 % 3] */
	c.current = 2;
	c.current_enabled = false; /* blocked: fallback, no input spent */
	CHECK(b.base.pick(&b.base, &c) == 0);
	CHECK(b.pos == 2);
	c.current_enabled = true;
	CHECK(b.base.pick(&b.base, &c) == 1); /* gap 0, enabled[1 % 3] */
	CHECK(b.base.pick(&b.base, &c) == 2); /* out of input: keep current */
}

/*
 * A scripted execution for the samplers' rules, without fibers: thread t
 * runs 1 + len[t] steps, the first announcing nothing, step k >= 1
 * beginning with script[t][k-1]. Thread 0's first step has run before the
 * first pick; the thread a pick chooses runs its next step; the execution
 * ends when every thread has run all of its steps.
 */
#define SCRIPT_THREADS 2
#define SCRIPT_MAX     8

struct script {
	int len[SCRIPT_THREADS];
	struct sched_access step[SCRIPT_THREADS][SCRIPT_MAX];
	int done[SCRIPT_THREADS];			/* steps run */
	int first_pick;					/* what the execution's first pick chose */
	struct sched_access pending[SCHED_MAX_THREADS]; /* what the choice shows */
};

static void script_choice(struct script *sc, int current, struct sched_choice *c)
{
	static struct sched_site site = {"script", 0};

	*c = (struct sched_choice){.current = current, .site = &site, .pending = sc->pending};
	memset(sc->pending, 0, sizeof(sc->pending));
	c->current_enabled = sc->done[current] < 1 + sc->len[current];
	for (int t = 0; t < SCRIPT_THREADS; t++) {
		if (sc->done[t] < 1 + sc->len[t])
			c->enabled[c->n_enabled++] = t;
		if (sc->done[t] > 0 && sc->done[t] <= sc->len[t])
			sc->pending[t] = sc->step[t][sc->done[t] - 1];
	}
}

static void script_run(struct script *sc, struct strategy *s)
{
	struct sched_result r = {.verdict = SCHED_PASS};
	struct sched_choice c;
	int current = 0;

	memset(sc->done, 0, sizeof(sc->done));
	sc->done[0] = 1;
	s->begin(s);
	sc->first_pick = -1;
	for (script_choice(sc, current, &c); c.n_enabled; script_choice(sc, current, &c)) {
		c.step++;
		current = s->pick(s, &c);
		if (sc->first_pick < 0)
			sc->first_pick = current;
		sc->done[current]++;
	}
	if (s->end)
		s->end(s, &r);
}

static const char obj_a, obj_b, obj_p, obj_q;

/* POS: the step that ran re-draws its own thread's priority and those of
 * the pending steps that conflict with it; others keep theirs. */
void test_pos_semantics(void)
{
	struct strategy_pos p, q;
	struct sched_site site = {"unit", 0};
	struct sched_access pending[SCHED_MAX_THREADS] = {{0}};
	struct sched_choice c = {.current = 0,
				 .pending = pending,
				 .current_enabled = true,
				 .n_enabled = 3,
				 .enabled = {0, 1, 2},
				 .site = &site};
	int64_t before[SCHED_MAX_THREADS];
	int first, again;

	strategy_pos_init(&p, 5);
	p.base.begin(&p.base);
	pending[0] = (struct sched_access){&obj_a, SCHED_WRITE};
	pending[1] = (struct sched_access){&obj_a, SCHED_READ};
	pending[2] = (struct sched_access){&obj_b, SCHED_WRITE};
	first = p.base.pick(&p.base, &c);
	CHECK(first >= 0 && first <= 2);
	/* The highest priority runs. */
	for (int t = 0; t < 3; t++)
		CHECK(p.priority[t] <= p.priority[first]);

	/* Thread 0's write of a has run: 1's read of a races with it, 2's
	 * write of b does not. */
	c.current = 0;
	pending[0] = (struct sched_access){&obj_q, SCHED_WRITE};
	memcpy(before, p.priority, sizeof(before));
	p.base.pick(&p.base, &c);
	CHECK(p.priority[0] != before[0]);
	CHECK(p.priority[1] != before[1]);
	CHECK(p.priority[2] == before[2]);

	/* Thread 2's write of b has run: nobody else touches b. */
	c.current = 2;
	memcpy(before, p.priority, sizeof(before));
	p.base.pick(&p.base, &c);
	CHECK(p.priority[2] != before[2]);
	CHECK(p.priority[0] == before[0] && p.priority[1] == before[1]);

	/* Nothing announced conflicts with everything. */
	c.current = 1;
	pending[1] = (struct sched_access){0};
	p.base.pick(&p.base, &c);
	c.current = 1;
	memcpy(before, p.priority, sizeof(before));
	p.base.pick(&p.base, &c);
	CHECK(p.priority[0] != before[0] && p.priority[2] != before[2]);

	/* A spinning thread gives way while anyone else can run. */
	for (int i = 0; i < 20; i++) {
		c.current = i % 3;
		c.current_yields = true;
		CHECK(p.base.pick(&p.base, &c) != c.current);
	}

	/* Same seed, same picks. */
	strategy_pos_init(&p, 77);
	strategy_pos_init(&q, 77);
	p.base.begin(&p.base);
	q.base.begin(&q.base);
	c.current_yields = false;
	for (int i = 0; i < 50; i++) {
		c.current = i % 3;
		first = p.base.pick(&p.base, &c);
		again = q.base.pick(&q.base, &c);
		CHECK(first == again);
	}
}

/* SURW: the learning runs count each thread's steps on objects that both
 * threads touch (and its unannotated first step); later runs spend those
 * counts, and pick threads in proportion to them. */
void test_surw_learning(void)
{
	struct script sc = {.len = {5, 2}};
	struct strategy_surw s;
	int first_t0 = 0, sampled = 0;

	/* T0: a p p a a (a shared: 1 + 3 interesting); T1: a q (1 + 1). */
	sc.step[0][0] = sc.step[0][3] = sc.step[0][4] = (struct sched_access){&obj_a, SCHED_WRITE};
	sc.step[0][1] = sc.step[0][2] = (struct sched_access){&obj_p, SCHED_WRITE};
	sc.step[1][0] = (struct sched_access){&obj_a, SCHED_READ};
	sc.step[1][1] = (struct sched_access){&obj_q, SCHED_WRITE};
	strategy_surw_init(&s, 11);
	for (int i = 0; i < SURW_LEARN_RUNS; i++)
		script_run(&sc, &s.base);
	CHECK(s.estimate[0] == 4);
	CHECK(s.estimate[1] == 2);

	for (int i = 0; i < 600; i++) {
		script_run(&sc, &s.base);
		/* Every interesting step was counted, none of the others. */
		CHECK(s.remaining[0] == 0 && s.remaining[1] == 0);
		sampled++;
		first_t0 += sc.first_pick == 0;
	}
	/* T0's first step has run before the first pick, which takes T0
	 * with probability 3/5. */
	printf("     surw: first pick T0 in %d of %d runs (expected 3/5)\n", first_t0, sampled);
	CHECK(first_t0 > sampled * 50 / 100 && first_t0 < sampled * 70 / 100);
}
