/* SPDX-License-Identifier: MIT */
/*
 * The input formats: every byte string decodes without trapping, decoding
 * is stable under re-encoding, text and binary round-trip, and bad input
 * gets the right error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/input.h"
#include "fuzz/mutate.h"
#include "fuzz/race_events.h"
#include "fuzz/runner.h"
#include "target/feedback.h"
#include "scheduler/strategy.h"
#include "tests/model/check.h"

static int passed, failed;

static bool same_scenario(const struct scenario *a, const struct scenario *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* Random bytes: decode must not trap; a decoded input re-encodes to bytes
 * that decode to the same program and schedule. */
static void test_any_bytes(void)
{
	uint64_t rng = 42;
	int ok = 0, stable = 0;

	for (int i = 0; i < 20000; i++) {
		uint8_t buf[96], out[256];
		size_t size = sched_rng_next(&rng) % sizeof(buf);
		struct input a, b;
		char err[256];
		size_t n;

		for (size_t k = 0; k < size; k++)
			buf[k] = (uint8_t)sched_rng_next(&rng);
		if (size > 0 && i % 2)
			buf[0] = INPUT_VERSION;
		if (input_decode(buf, size, &a, err, sizeof(err)) != INPUT_OK)
			continue;
		ok++;
		n = input_encode(&a, out, sizeof(out));
		if (input_decode(out, n, &b, err, sizeof(err)) == INPUT_OK &&
		    same_scenario(&a.scenario, &b.scenario) && a.schedule_len == b.schedule_len &&
		    memcmp(a.schedule, b.schedule, a.schedule_len) == 0)
			stable++;
	}
	CHECK(ok > 1000, "only %d random inputs decoded", ok);
	CHECK(stable == ok, "%d of %d decoded inputs changed on re-encoding", ok - stable, ok);
}

/* The printer writes every field the stricter grammar requires: any
 * program the fuzzer can make prints as text that reads back the same. */
static void test_printed_text_parses(void)
{
	uint64_t rng = 7;
	int decoded = 0, same = 0;

	for (int i = 0; i < 5000; i++) {
		uint8_t buf[64];
		char text[4096], err[256] = "";
		struct input a, b;
		FILE *f;

		for (size_t k = 0; k < sizeof(buf); k++)
			buf[k] = (uint8_t)sched_rng_next(&rng);
		buf[0] = (uint8_t)(1 + i % INPUT_VERSION);
		if (input_decode(buf, sizeof(buf), &a, err, sizeof(err)) != INPUT_OK)
			continue;
		decoded++;
		f = fmemopen(text, sizeof(text), "w");
		input_print_text(&a, f);
		fclose(f);
		if (input_parse_text(text, &b, err, sizeof(err)) == INPUT_OK &&
		    same_scenario(&a.scenario, &b.scenario) && a.schedule_len == b.schedule_len &&
		    memcmp(a.schedule, b.schedule, a.schedule_len) == 0)
			same++;
		else if (decoded - same == 1)
			printf("first mismatch: %s\n%s", err, text);
	}
	CHECK(decoded > 1000 && same == decoded, "%d of %d printed inputs read back differently",
	      decoded - same, decoded);
}

static void test_errors(void)
{
	struct input in;
	char err[256];
	const uint8_t version5[] = {5, 0, 1, 0, 0};
	/* Version 1 knew 14 op kinds: kind 14 wraps to "read" there, and is
	 * "mmap-file" in version 2. */
	const uint8_t v1_op[] = {1, 0, 1, 14, 0};
	const uint8_t v2_op[] = {2, 0, 1, 14, 0};
	/* Version 2 knew 24: kind 24 wraps to "read" there, and is "mremap"
	 * in version 3. */
	const uint8_t v2_wrap[] = {2, 0, 1, 24, 0};
	const uint8_t v3_op[] = {3, 0, 1, 24, 0};
	/* Version 3 knew 27: kind 27 wraps to "read" there, and is
	 * "fail-alloc" in version 4. */
	const uint8_t v3_wrap[] = {3, 0, 1, 27, 0};
	const uint8_t v4_op[] = {4, 0, 1, 27, 0};
	const uint8_t truncated[] = {1, 0, 3, 1, 0}; /* 3 ops declared, half of one given */
	const uint8_t newline[] = {'\n'};

	CHECK(input_decode(NULL, 0, &in, err, sizeof(err)) == INPUT_EMPTY, "empty: %s", err);
	CHECK(input_decode(version5, sizeof(version5), &in, err, sizeof(err)) == INPUT_BAD_VERSION,
	      "version 5 accepted");
	CHECK(strstr(err, "unknown input version 5") != NULL, "message: %s", err);
	CHECK(input_decode(v1_op, sizeof(v1_op), &in, err, sizeof(err)) == INPUT_OK &&
		      in.scenario.thread[0].ops[0].kind == OP_READ,
	      "version 1 op 14 is not read");
	CHECK(input_decode(v2_op, sizeof(v2_op), &in, err, sizeof(err)) == INPUT_OK &&
		      in.scenario.thread[0].ops[0].kind == OP_MMAP_FILE,
	      "version 2 op 14 is not mmap-file");
	CHECK(input_decode(v2_wrap, sizeof(v2_wrap), &in, err, sizeof(err)) == INPUT_OK &&
		      in.scenario.thread[0].ops[0].kind == OP_READ,
	      "version 2 op 24 is not read");
	CHECK(input_decode(v3_op, sizeof(v3_op), &in, err, sizeof(err)) == INPUT_OK &&
		      in.scenario.thread[0].ops[0].kind == OP_MREMAP,
	      "version 3 op 24 is not mremap");
	CHECK(input_decode(v3_wrap, sizeof(v3_wrap), &in, err, sizeof(err)) == INPUT_OK &&
		      in.scenario.thread[0].ops[0].kind == OP_READ,
	      "version 3 op 27 is not read");
	CHECK(input_decode(v4_op, sizeof(v4_op), &in, err, sizeof(err)) == INPUT_OK &&
		      in.scenario.thread[0].ops[0].kind == OP_FAIL_ALLOC,
	      "version 4 op 27 is not fail-alloc");
	CHECK(input_decode(truncated, sizeof(truncated), &in, err, sizeof(err)) == INPUT_TRUNCATED,
	      "truncated accepted");
	CHECK(strstr(err, "truncated") != NULL, "message: %s", err);
	CHECK(input_decode(newline, 1, &in, err, sizeof(err)) == INPUT_BAD_VERSION,
	      "libFuzzer's first input must be rejected cleanly");
	CHECK(input_parse_text("thread 0\n  frobnicate va=0\n", &in, err, sizeof(err)) ==
		      INPUT_CORRUPT,
	      "unknown op accepted");
	CHECK(strncmp(err, "2:3: unknown op 'frobnicate'", 28) == 0, "message: %s", err);
	CHECK(input_parse_text("thread 0\n  write va=9\n", &in, err, sizeof(err)) == INPUT_CORRUPT,
	      "va out of range accepted");
	CHECK(input_parse_text("thread 1\n", &in, err, sizeof(err)) == INPUT_CORRUPT,
	      "threads out of order accepted");
	CHECK(input_parse_text("# nothing\n", &in, err, sizeof(err)) == INPUT_CORRUPT,
	      "empty scenario accepted");
	CHECK(input_parse_text("thread 0\nschedule 1:2 3\n", &in, err, sizeof(err)) == INPUT_OK,
	      "lone final gap rejected: %s", err);
	CHECK(input_parse_text("thread 0\nschedule 3 1:2\n", &in, err, sizeof(err)) ==
		      INPUT_CORRUPT,
	      "lone gap before the end accepted");
}

/* A text error: CORRUPT, and err starts with `want` ("LINE:COL: what"). */
static void expect_error(const char *text, const char *want)
{
	struct input in;
	char err[256] = "";

	CHECK(input_parse_text(text, &in, err, sizeof(err)) == INPUT_CORRUPT &&
		      strncmp(err, want, strlen(want)) == 0,
	      "want '%s', got '%s'", want, err);
}

/* Errors name the line an editor shows, blank and comment lines counted
 * (strtok used to skip blank lines: line 5 was reported as line 3), and
 * the column of the word at fault. */
static void test_error_places(void)
{
	expect_error("thread 0\n\n\n  write va=0 word=0\n  frob\n", "5:3: unknown op 'frob'");
	expect_error("# one\n\nthread 0\n\n  write va=0 word=5\n",
		     "5:19: word must be 0..1, got '5'");
	expect_error("thread 0\n  write va=0 vaa=1\n",
		     "2:14: unknown field 'vaa' (fields of write: va, word)");
	expect_error("thread 0\n\tpin va=1 rw=1 word=0\n",
		     "2:16: unknown field 'word' (fields of pin: va, rw)");
	expect_error("thread 0\n  fork va=0\n", "2:8: unknown field 'va' (fork takes no fields)");
	expect_error("thread 0\r\n\r\n  frob\r\n", "3:3: unknown op 'frob'");
}

/* Every field an op uses is required (`write` alone used to mean
 * va=0 word=0), once (`va=1 va=2` used to keep the last). */
static void test_fields_required_once(void)
{
	expect_error("thread 0\n  write\n", "2:3: missing field 'va' (fields of write: va, word)");
	expect_error("thread 0\n  write va=1\n",
		     "2:3: missing field 'word' (fields of write: va, word)");
	expect_error("thread 0\n  fork\n  signal\n",
		     "3:3: missing field 'event' (fields of signal: event)");
	expect_error("thread 0\n  mmap-file va=0 word=0\n",
		     "2:18: unknown field 'word' (fields of mmap-file: va, mode)");
	expect_error("thread 0\n  write va=1 va=2 word=0\n",
		     "2:14: duplicate field 'va' (first at column 9)");
	expect_error("thread 0\n  write va=1 word=0 word=0\n",
		     "2:21: duplicate field 'word' (first at column 14)");
	expect_error("thread 0\n  write va=1 word\n",
		     "2:14: expected FIELD=VALUE, got 'word' (fields of write: va, word)");
}

/* Lines that used to be half read: words after a complete line, a second
 * `set` of one switch (the last silently won), entries after a lone gap
 * on a later `schedule` line (they shifted every pair after it). */
static void test_nothing_ignored(void)
{
	expect_error("thread 0 initial junk\n", "1:18: unexpected 'junk' after 'initial'");
	expect_error("thread 0\nthread 1 child-of 0 0\n",
		     "2:21: unexpected '0' after the parent thread");
	expect_error("profile v5.9 v5.8\nthread 0\n", "1:14: unexpected 'v5.8' after profile");
	expect_error("set wp.reuse=mapcount\nset wp.reuse=refcount\nthread 0\n",
		     "2:5: switch 'wp.reuse' set twice");
	expect_error("thread 0\nschedule 1:2 3\nschedule 4:0\n",
		     "3:10: only the last schedule entry may lack a target");
	expect_error("thread 0\nschedule 1:2 3:\n",
		     "2:14: schedule entries are GAP:TARGET or a last GAP, each 0..255, got '3:'");
}

/* Words in the wrong case get a hint, whatever comes first. */
static void test_keyword_hints(void)
{
	expect_error("Thread 0\n  fork\n",
		     "1:1: unknown keyword 'Thread' (did you mean 'thread'?)");
	expect_error("thread 0\n  Write va=0 word=0\n",
		     "2:3: unknown op 'Write' (did you mean 'write'?)");
	expect_error("hello world\n", "1:1: unknown keyword 'hello' (a scenario starts with");
	expect_error("  write va=0 word=0\n", "1:3: op 'write' before any 'thread' line");
}

/* `//` comments, a byte order mark and indentation before anything. */
static void test_lexical(void)
{
	struct input in;
	char err[256];

	CHECK(input_parse_text("\xEF\xBB\xBF// scenario\n\n  thread 0 // the parent\n"
			       "  write va=1 word=1// no space needed\n  fork#here too\n",
			       &in, err, sizeof(err)) == INPUT_OK &&
		      in.scenario.thread[0].n_ops == 2 && in.scenario.thread[0].ops[0].va == 1 &&
		      in.scenario.thread[0].ops[1].kind == OP_FORK,
	      "comments and BOM: %s", err);
	expect_error("\xEF\xBB\xBFthread 0\n  frob\n", "2:3: unknown op 'frob'");
	expect_error("\xEF\xBB\xBF"
		     "frob\n",
		     "1:1: unknown keyword 'frob'");
}

/* Limits: a schedule past INPUT_MAX_SCHEDULE is ignored, so every
 * decoded input re-encodes within INPUT_MAX_ENCODED; CRLF text parses. */
static void test_limits(void)
{
	static uint8_t big[INPUT_MAX_SCHEDULE * 2];
	static uint8_t out[INPUT_MAX_ENCODED];
	struct input in;
	char err[256];

	memset(big, 1, sizeof(big));
	big[1] = 0; /* one thread */
	big[2] = 0; /* no ops */
	CHECK(input_decode(big, sizeof(big), &in, err, sizeof(err)) == INPUT_OK, "%s", err);
	CHECK(in.schedule_len == INPUT_MAX_SCHEDULE, "schedule %zu", in.schedule_len);
	CHECK(input_encode(&in, out, sizeof(out)) == 3 + INPUT_MAX_SCHEDULE, "encoding size");
	CHECK(input_encode(&in, out, 10) == 0, "encoding past the buffer must fail");
	CHECK(input_parse_text("thread 0\r\n  write va=1 word=1\r\nschedule 1:2\r\n", &in, err,
			       sizeof(err)) == INPUT_OK,
	      "CRLF: %s", err);
}

static void test_text_roundtrip(void)
{
	const char *text = "thread 0\n"
			   "  write va=0 word=1\n"
			   "  pin va=2 rw=1\n"
			   "  dma-write slot=1 word=1\n"
			   "  fork\n"
			   "  wait event=3\n"
			   "thread 1 child-of 0\n"
			   "  vmsplice va=3\n"
			   "  pipe-read\n"
			   "thread 2\n"
			   "  unpin slot=0\n"
			   "schedule 5:1 0:2 7\n";
	struct input a, b, c;
	char err[256], printed[2048];
	uint8_t bin[512];
	size_t n;
	FILE *f = fmemopen(printed, sizeof(printed), "w");

	CHECK(input_parse_text(text, &a, err, sizeof(err)) == INPUT_OK, "parse: %s", err);
	input_print_text(&a, f);
	fclose(f);
	CHECK(strcmp(printed, text) == 0, "text does not round-trip:\n%s", printed);
	CHECK(input_parse_text(printed, &b, err, sizeof(err)) == INPUT_OK, "reparse: %s", err);
	n = input_encode(&a, bin, sizeof(bin));
	CHECK(input_decode(bin, n, &c, err, sizeof(err)) == INPUT_OK, "decode: %s", err);
	CHECK(same_scenario(&a.scenario, &c.scenario), "binary round trip changed the program");
	CHECK(c.schedule_len == 5 && c.schedule[4] == 7, "schedule lost: %zu", c.schedule_len);
}

/* The structure-aware mutator: every child of a valid input is valid,
 * children differ from parents, and programs grow. */
static void test_mutator(void)
{
	uint8_t buf[512] = {INPUT_VERSION, 0, 0};
	size_t size = 3, changed = 0, max_ops = 0;

	for (uint32_t i = 0; i < 20000; i++) {
		uint8_t before[512];
		size_t before_size = size, ops = 0;
		struct input in;
		char err[128];

		memcpy(before, buf, size);
		size = input_mutate(buf, size, 256, i, NULL);
		if (input_decode(buf, size, &in, err, sizeof(err)) != INPUT_OK) {
			CHECK(false, "mutation %u made an invalid input: %s", i, err);
			return;
		}
		changed += size != before_size || memcmp(before, buf, size) != 0;
		for (int t = 0; t < in.scenario.n_threads; t++)
			ops += in.scenario.thread[t].n_ops;
		if (ops > max_ops)
			max_ops = ops;
		if (i % 500 == 499) { /* restart from the empty program now and then */
			buf[1] = buf[2] = 0;
			size = 3;
		}
	}
	CHECK(changed > 15000, "only %zu of 20000 mutations changed the input", changed);
	CHECK(max_ops >= 20, "programs never grew past %zu ops", max_ops);
}

/* Switch points are absolute: inserting one moves no other switch. */
static void test_switch_at_encoding(void)
{
	uint8_t s[16] = {3, 1, 4, 0}; /* switches at points 3 and 8 */
	size_t len = 4;

	CHECK(schedule_switch_at(s, &len, sizeof(s), 5, 9) && len == 6 &&
		      !memcmp(s, (uint8_t[]){3, 1, 1, 9, 2, 0}, 6),
	      "insert between: %zu %u %u %u %u", len, s[2], s[3], s[4], s[5]);
	CHECK(schedule_switch_at(s, &len, sizeof(s), 3, 7) && len == 6 && s[1] == 7,
	      "a switch already there takes the new target");
	CHECK(schedule_switch_at(s, &len, sizeof(s), 20, 2) && len == 8 && s[6] == 11 && s[7] == 2,
	      "append after the last switch: %u", s[6]);
	len = 7; /* a trailing gap switches nowhere */
	CHECK(schedule_switch_at(s, &len, sizeof(s), 30, 1) && len == 8 && s[6] == 21,
	      "trailing gap not replaced: %zu %u", len, s[6]);
	CHECK(!schedule_switch_at(s, &len, sizeof(s), 400, 1) && len == 8, "gap over 255 accepted");
	CHECK(!schedule_switch_at(s, &len, 8, 25, 1) && len == 8, "overflowed the buffer");
}

/* Logs each multi-choice point of a bytes schedule: what ran next, and
 * what a switch to `target` would have chosen. */
struct point_log {
	struct strategy base;
	struct strategy_bytes bytes;
	uint8_t target;
	uint32_t n, watch;
	int chosen[512], switched[512];
	int cpu_at_watch[SCN_MAX_THREADS]; /* program threads' CPUs at point `watch` */
};

static void point_log_begin(struct strategy *base)
{
	struct point_log *p = (struct point_log *)base;

	p->n = 0;
	p->bytes.base.begin(&p->bytes.base);
}

static int point_log_pick(struct strategy *base, const struct sched_choice *c)
{
	struct point_log *p = (struct point_log *)base;
	int next = p->bytes.base.pick(&p->bytes.base, c);

	if (c->current_enabled && c->n_enabled > 1 && p->n < 512) {
		if (p->n == p->watch) {
			int op[SCN_MAX_THREADS];

			feedback_program_position(p->cpu_at_watch, op);
		}
		p->chosen[p->n] = next;
		p->switched[p->n++] = c->enabled[p->target % c->n_enabled];
	}
	return next;
}

static void run_logged(const struct input *in, struct point_log *log, uint8_t target)
{
	struct exec_result r;

	log->base =
		(struct strategy){.name = "log", .begin = point_log_begin, .pick = point_log_pick};
	strategy_bytes_init(&log->bytes, in->schedule, in->schedule_len);
	log->target = target;
	runner_execute(in, &log->base, false, NULL, &r);
}

/* A switch inserted at point k of a real execution: the same choices up
 * to k, then the switch, at k exactly, whatever k is. */
static void test_switch_at_execution(void)
{
	static struct point_log orig, moved;
	struct input in;
	char err[256];
	uint8_t sched[INPUT_MAX_SCHEDULE];
	unsigned bad = 0, tried = 0, k;

	CHECK(input_parse_text("thread 0\n  uffd-register va=0\n  write va=0 word=0\n"
			       "  vmsplice va=0\n  write va=0 word=1\nthread 1\n"
			       "  uffd-wp va=0 wp=0\nthread 2\n  write va=0 word=0\n"
			       "schedule 2:1 3:2 1:0\n",
			       &in, err, sizeof(err)) == INPUT_OK,
	      "parse: %s", err);
	run_logged(&in, &orig, 0);
	CHECK(orig.n > 20, "only %u multi-choice points", orig.n);
	for (k = 0; k < orig.n; k++) {
		struct input at = in;
		size_t len = in.schedule_len;
		uint8_t target = (uint8_t)(k * 7 + 1);

		memcpy(sched, in.schedule, len);
		if (!schedule_switch_at(sched, &len, sizeof(sched), k, target))
			continue;
		at.schedule = sched;
		at.schedule_len = len;
		run_logged(&at, &moved, target);
		tried++;
		bad += moved.n <= k ||
		       memcmp(orig.chosen, moved.chosen, sizeof(orig.chosen[0]) * k) != 0 ||
		       moved.chosen[k] != moved.switched[k];
	}
	CHECK(tried == orig.n, "only %u of %u points took a switch", tried, orig.n);
	CHECK(bad == 0, "%u of %u inserted switches did not land exactly", bad, tried);
}

/* The race events of the uffd-wp corruption (docs/bugs.md B4b) on v5.11:
 * the same every time, and a switch to a program thread an event names
 * runs that thread at that point. */
static void test_race_events(void)
{
	static struct race_event first[64], again[64];
	static struct point_log moved;
	struct input in;
	char err[256];
	uint8_t sched[INPUT_MAX_SCHEDULE];
	size_t n, len;
	unsigned switches = 0, bad = 0;

	CHECK(runner_select("v5.11", NULL, 0, err, sizeof(err)), "%s", err);
	CHECK(input_parse_text("thread 0\n  uffd-register va=0\n  write va=0 word=0\n"
			       "  vmsplice va=0\n  signal event=0\n  write va=0 word=1\n"
			       "  write va=0 word=1\n  read va=0 word=1\nthread 1\n"
			       "  wait event=0\n  uffd-wp va=0 wp=0\nthread 2\n"
			       "  wait event=0\n  write va=0 word=0\n"
			       "schedule 0:7 0:6 0:7 1:1 2:5 3:2 7:5 0:6 0:1 35:6 3:6 4:2 12:6\n",
			       &in, err, sizeof(err)) == INPUT_OK,
	      "parse: %s", err);
	static struct race_depth depth;

	n = race_events(&in, first, 64, &depth);
	CHECK(n >= 2, "%zu race events", n);
	/* T0's store lands in the frame T2 copied: as deep as a race goes.
	 * With the 5.12 fix T2 flushes before it copies: no stale entry is
	 * used or copied under, only the PTE change is left. */
	CHECK(depth.depth == RACE_DEPTH_MAX && depth.n >= 2, "race depth %d (%zu deep features)",
	      depth.depth, depth.n);
	runner_select("v5.12", NULL, 0, err, sizeof(err));
	race_events(&in, NULL, 0, &depth);
	CHECK(depth.depth == 1, "race depth %d on v5.12", depth.depth);
	runner_select("v5.11", NULL, 0, err, sizeof(err));
	CHECK(race_events(&in, again, 64, NULL) == n && !memcmp(first, again, sizeof(first[0]) * n),
	      "race events differ between two runs");
	for (size_t i = 0; i < n; i++)
		for (int t = 0; t < in.scenario.n_threads; t++) {
			if (first[i].target[t] < 0)
				continue;
			struct input at = in;

			len = in.schedule_len;
			memcpy(sched, in.schedule, len);
			CHECK(schedule_switch_at(sched, &len, sizeof(sched), first[i].point,
						 (uint8_t)first[i].target[t]),
			      "event %zu: no room", i);
			at.schedule = sched;
			at.schedule_len = len;
			moved.watch = first[i].point;
			run_logged(&at, &moved, 0);
			switches++;
			bad += moved.n <= first[i].point ||
			       moved.chosen[first[i].point] != moved.cpu_at_watch[t];
		}
	CHECK(switches >= n, "only %u switches for %zu events", switches, n);
	CHECK(bad == 0, "%u of %u switches did not run the named thread", bad, switches);
	runner_select("latest", NULL, 0, err, sizeof(err));
}

/* Random at multi-choice points, the fallback elsewhere: each pick goes
 * through a schedule writer. */
struct written {
	struct strategy base;
	uint64_t rng;
	struct schedule_writer writer;
	uint8_t out[INPUT_MAX_SCHEDULE];
};

static void written_begin(struct strategy *base)
{
	struct written *w = (struct written *)base;

	schedule_writer_init(&w->writer, w->out, sizeof(w->out));
}

static int written_pick(struct strategy *base, const struct sched_choice *c)
{
	struct written *w = (struct written *)base;
	int pick = strategy_default_pick(c);

	if (c->current_enabled && c->n_enabled > 1 && sched_rng_next(&w->rng) % 4 == 0)
		pick = c->enabled[sched_rng_next(&w->rng) % (uint64_t)c->n_enabled];
	schedule_writer_note(&w->writer, c, pick);
	return pick;
}

static const char b4b_program[] = "thread 0\n  uffd-register va=0\n  write va=0 word=0\n"
				  "  vmsplice va=0\n  signal event=0\nthread 1\n"
				  "  wait event=0\n  uffd-wp va=0 wp=0\nthread 2\n"
				  "  wait event=0\n  write va=0 word=0\n";

/* What a schedule writer writes replays the run it was fed: the same
 * trace, for runs of many random schedules. */
static void test_schedule_writer(void)
{
	static struct written w;
	struct input in;
	char err[256];
	unsigned differ = 0, failed_writes = 0, differ_broken = 0;

	CHECK(input_parse_text(b4b_program, &in, err, sizeof(err)) == INPUT_OK, "parse: %s", err);
	w.base = (struct strategy){.name = "written", .begin = written_begin, .pick = written_pick};
	for (uint64_t seed = 1; seed <= 100; seed++) {
		struct exec_result fed, replayed;
		struct input again = in;

		w.rng = seed;
		runner_execute(&in, &w.base, false, NULL, &fed);
		failed_writes += w.writer.failed;
		again.schedule = w.out;
		again.schedule_len = w.writer.len;
		runner_execute(&again, NULL, false, NULL, &replayed);
		differ += fed.sched.trace_hash != replayed.sched.trace_hash;
		/* The check can fail: the same bytes, one gap longer. */
		if (w.writer.len) {
			w.out[0]++;
			runner_execute(&again, NULL, false, NULL, &replayed);
			differ_broken += fed.sched.trace_hash != replayed.sched.trace_hash;
		}
	}
	CHECK(failed_writes == 0, "the writer failed on %u of 100 runs", failed_writes);
	CHECK(differ == 0, "%u of 100 written schedules replay another trace", differ);
	CHECK(differ_broken > 50, "a gap off by one changed only %u of 100 traces", differ_broken);
}

/* The B4b program one step from the end (see check_hold_back), with `tail`
 * appended to T0. */
static const char *b4b_step(const char *tail)
{
	static char text[512];
	const char *t1 = strstr(b4b_program, "thread 1");

	snprintf(text, sizeof(text), "%.*s%s%sschedule 24:1\n", (int)(t1 - b4b_program),
		 b4b_program, tail, t1);
	return text;
}

/* Holding back a thread (docs/bugs.md B4b, one step from the end): T2's
 * write fault copies the page while the unprotect's flush is pending and
 * T0's CPU still holds the stale writable entry, but T0 has no op left
 * (tail ""), or is blocked waiting for a userfault (tail "uffd-resolve").
 * Given a write where it stands, held back until the copy is done, T0
 * loses it on v5.11, and only if held back. */
static void check_hold_back(const char *tail)
{
	static struct race_event events[RACE_EVENTS_MAX];
	struct input in;
	char err[256];
	uint8_t sched[INPUT_MAX_SCHEDULE];
	size_t n, len;
	unsigned held = 0, lost = 0, lost_latest = 0;
	struct exec_result r;

	CHECK(runner_select("v5.11", NULL, 0, err, sizeof(err)), "%s", err);
	CHECK(input_parse_text(b4b_step(tail), &in, err, sizeof(err)) == INPUT_OK, "parse: %s",
	      err);
	n = race_events(&in, events, RACE_EVENTS_MAX, NULL);
	CHECK(n >= 4, "%s: %zu race events", tail, n);
	for (size_t i = 0; i < n; i++) {
		struct input x = in;
		struct scenario_thread *t0 = &x.scenario.thread[0];
		int at = events[i].op[0];

		CHECK(at == 4 && events[i].target[0] < 0, "event %zu: T0 in op %d", i, at);
		memmove(&t0->ops[at + 1], &t0->ops[at], sizeof(t0->ops[0]) * (t0->n_ops - at));
		t0->ops[at] = (struct op){.kind = OP_WRITE, .va = events[i].va, .word = 1};
		t0->n_ops++;
		if (i == 0) { /* not held back: it writes before the copy */
			runner_execute(&x, NULL, false, NULL, &r);
			CHECK(!r.violation, "%s: T0's write lost without holding it back", tail);
		}
		if (!race_hold_back(&x, 0, at, i, sched, &len, sizeof(sched)))
			continue;
		held++;
		x.schedule = sched;
		x.schedule_len = len;
		runner_execute(&x, NULL, false, NULL, &r);
		lost += r.violation && !strcmp(r.oracle, "lost-write");
		runner_select("latest", NULL, 0, err, sizeof(err));
		runner_execute(&x, NULL, false, NULL, &r);
		lost_latest += r.violation;
		runner_select("v5.11", NULL, 0, err, sizeof(err));
	}
	CHECK(held == n, "%s: held back to only %u of %zu events", tail, held, n);
	CHECK(lost >= 1, "%s: no hold-back lost T0's write (%u tried)", tail, held);
	CHECK(lost < held, "%s: every hold-back lost the write: the point does not matter?", tail);
	CHECK(lost_latest == 0, "%s: %u hold-backs lose a write on latest", tail, lost_latest);
	runner_select("latest", NULL, 0, err, sizeof(err));
}

static void test_hold_back(void)
{
	check_hold_back("");
	check_hold_back("  uffd-resolve\n");
}

/* The directed moves (which run the input) keep every child well formed,
 * and some children of the B4b program one step from the end lose T0's
 * write on v5.11, whether T0 has finished or is blocked. */
static void check_directed_mutator(const char *tail)
{
	const char *t0 = *tail ? "blocked" : "finished";
	static const struct mutate_ops ops = {.race_events = race_events,
					      .hold_back = race_hold_back};
	static uint8_t start[INPUT_MAX_ENCODED], buf[INPUT_MAX_ENCODED];
	struct input in;
	char err[256];
	size_t start_size;
	unsigned invalid = 0, lost = 0;

	runner_select("v5.11", NULL, 0, err, sizeof(err));
	CHECK(input_parse_text(b4b_step(tail), &in, err, sizeof(err)) == INPUT_OK, "parse: %s",
	      err);
	start_size = input_encode(&in, start, sizeof(start));
	for (uint32_t i = 0; i < 3000; i++) {
		struct exec_result r;
		size_t size;

		memcpy(buf, start, start_size);
		size = input_mutate(buf, start_size, sizeof(buf), i, &ops);
		if (input_decode(buf, size, &in, err, sizeof(err)) != INPUT_OK) {
			invalid++;
			continue;
		}
		runner_execute(&in, NULL, false, NULL, &r);
		lost += r.violation && !strcmp(r.oracle, "lost-write");
	}
	CHECK(invalid == 0, "%u of 3000 directed mutations made an invalid input", invalid);
	/* Holding T0 back, rather than luck, loses it (without, 0-1 do), and
	 * the retries an input this deep gets make it common (without, ~20). */
	CHECK(lost >= 60, "only %u of 3000 children lose T0's write (T0 %s)", lost, t0);
	printf("directed mutator: %u of 3000 children of the B4b step (T0 %s) lose a write\n", lost,
	       t0);
	runner_select("latest", NULL, 0, err, sizeof(err));
}

static void test_directed_mutator(void)
{
	check_directed_mutator("");
	check_directed_mutator("  uffd-resolve\n");
}

/* Step one of B4b with two threads: T0 caches a writable entry and a pipe
 * holds a reference; T1's unprotect makes the PTE read-only with the
 * flush deferred, after T0 has finished, so T1 is the only thread that
 * can run (T1 runs first and waits for T0). A COW copy under T0's stale entry needs a third CPU of
 * the process: a new thread, held back until the unprotect. */
static const char *const b4b_two_threads = "thread 0\n"
					   "  uffd-register va=0\n"
					   "  write va=0 word=0\n"
					   "  vmsplice va=0\n"
					   "  signal event=0\n"
					   "  write va=0 word=1\n"
					   "thread 1\n"
					   "  wait event=0\n"
					   "  uffd-wp va=0 wp=0\n"
					   "schedule 0:1\n";

static struct feedback_window copy_under_stale;
static bool copied_under_stale;

static void note_copy_under_stale(uint32_t feature)
{
	copied_under_stale |= feedback_window_opened(&copy_under_stale, feature);
}

/* Run x; did a COW copy happen under an entry the unprotect made stale? */
static bool copies_under_stale_entry(const struct input *x)
{
	struct exec_result r;

	copied_under_stale = false;
	runner_execute(x, NULL, false, note_copy_under_stale, &r);
	return copied_under_stale;
}

/* A new thread held back to the unprotect's events copies the page under
 * T0's stale entry. T1 blocks in its wait while T0 runs, and the fallback
 * then lets the new thread in: it takes that step, touching nothing. */
static void test_new_thread_held_back(void)
{
	static struct race_event events[RACE_EVENTS_MAX];
	struct input in;
	char err[256];
	uint8_t sched[INPUT_MAX_SCHEDULE];
	size_t n, len;
	unsigned held = 0, copied = 0;

	runner_select("v5.11", NULL, 0, err, sizeof(err));
	feedback_window_parse("copy-under-stale-entry:uffd-wp", &copy_under_stale);
	CHECK(input_parse_text(b4b_two_threads, &in, err, sizeof(err)) == INPUT_OK, "parse: %s",
	      err);
	CHECK(!copies_under_stale_entry(&in), "the program copies under a stale entry by itself");
	n = race_events(&in, events, RACE_EVENTS_MAX, NULL);
	CHECK(n >= 2 && !events[0].switchable, "%zu events; the first switchable", n);
	for (size_t i = 0; i < n; i++) {
		struct input x = in;
		struct scenario_thread *t2 = &x.scenario.thread[2];

		x.scenario.n_threads = 3;
		*t2 = (struct scenario_thread){.spawn = SPAWN_INITIAL, .n_ops = 1};
		t2->ops[0] = (struct op){.kind = OP_WRITE, .va = events[i].va};
		if (!race_hold_back(&x, 2, 0, i, sched, &len, sizeof(sched)))
			continue;
		held++;
		x.schedule = sched;
		x.schedule_len = len;
		copied += copies_under_stale_entry(&x);
	}
	CHECK(held >= 2, "a new thread held back to only %u of %zu events", held, n);
	CHECK(copied >= 1, "no new thread copied the page under the stale entry (%u held)", held);
	runner_select("latest", NULL, 0, err, sizeof(err));
}

/* The directed mutator gets there by itself: a new thread, and the
 * retries an input gets whose stale entry's frame a fault would copy. */
static void test_directed_new_thread(void)
{
	static const struct mutate_ops ops = {.race_events = race_events,
					      .hold_back = race_hold_back};
	static uint8_t start[INPUT_MAX_ENCODED], buf[INPUT_MAX_ENCODED];
	struct input in;
	char err[256];
	size_t start_size;
	unsigned copied = 0;

	runner_select("v5.11", NULL, 0, err, sizeof(err));
	feedback_window_parse("copy-under-stale-entry:uffd-wp", &copy_under_stale);
	CHECK(input_parse_text(b4b_two_threads, &in, err, sizeof(err)) == INPUT_OK, "parse: %s",
	      err);
	start_size = input_encode(&in, start, sizeof(start));
	for (uint32_t i = 0; i < 1000; i++) {
		size_t size;

		memcpy(buf, start, start_size);
		size = input_mutate(buf, start_size, sizeof(buf), i, &ops);
		if (input_decode(buf, size, &in, err, sizeof(err)) == INPUT_OK)
			copied += copies_under_stale_entry(&in);
	}
	/* Without a new thread none can; without the retries about 2 do. */
	CHECK(copied >= 10, "only %u of 1000 children copy under the stale entry", copied);
	printf("directed mutator: %u of 1000 children of the two-thread B4b step copy the page "
	       "under the stale entry\n",
	       copied);
	runner_select("latest", NULL, 0, err, sizeof(err));
}

/* Some children keep only the ops on one page (and the ops that use none):
 * a race on one page is cut out of a program that touches four. */
static void test_slice_to_page(void)
{
	static uint8_t start[INPUT_MAX_ENCODED], buf[INPUT_MAX_ENCODED];
	struct input in;
	char err[256];
	size_t start_size;
	unsigned sliced = 0;

	CHECK(input_parse_text("thread 0\n  write va=0 word=0\n  read va=1 word=0\n"
			       "  signal event=0\n  write va=2 word=1\n  vmsplice va=0\n"
			       "thread 1\n  wait event=0\n  read va=3 word=0\n  write va=0 word=1\n"
			       "  mprotect va=1 rw=0\n",
			       &in, err, sizeof(err)) == INPUT_OK,
	      "parse: %s", err);
	start_size = input_encode(&in, start, sizeof(start));
	for (uint32_t i = 0; i < 2000; i++) {
		size_t size;
		int pages = 0, other = 0;
		bool used[256] = {false};

		memcpy(buf, start, start_size);
		size = input_mutate(buf, start_size, sizeof(buf), i, NULL);
		if (input_decode(buf, size, &in, err, sizeof(err)) != INPUT_OK)
			continue;
		for (int t = 0; t < in.scenario.n_threads; t++)
			for (int k = 0; k < in.scenario.thread[t].n_ops; k++) {
				const struct op *op = &in.scenario.thread[t].ops[k];

				if (!op_uses_va(op->kind)) {
					other += op->kind == OP_SIGNAL || op->kind == OP_WAIT;
				} else if (!used[op->va]) {
					used[op->va] = true;
					pages++;
				}
			}
		sliced += pages == 1 && other == 2 && in.scenario.n_threads == 2;
	}
	CHECK(sliced >= 20, "only %u of 2000 children sliced to one page", sliced);
}

int main(void)
{
	test_slice_to_page();
	test_directed_mutator();
	test_new_thread_held_back();
	test_directed_new_thread();
	test_schedule_writer();
	test_hold_back();
	test_switch_at_encoding();
	test_switch_at_execution();
	test_race_events();
	test_mutator();
	test_limits();
	test_any_bytes();
	test_printed_text_parses();
	test_errors();
	test_error_places();
	test_fields_required_once();
	test_nothing_ignored();
	test_keyword_hints();
	test_lexical();
	test_text_roundtrip();
	return CHECK_SUMMARY();
}
