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
#include "scheduler/strategy.h"

static int passed, failed;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (cond) {                                                                        \
			passed++;                                                                  \
		} else {                                                                           \
			failed++;                                                                  \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);                                \
			printf(__VA_ARGS__);                                                       \
			printf("\n");                                                              \
		}                                                                                  \
	} while (0)

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

static void test_errors(void)
{
	struct input in;
	char err[256];
	const uint8_t version3[] = {3, 0, 1, 0, 0};
	/* Version 1 knew 14 op kinds: kind 14 wraps to "read" there, and is
	 * "mmap-file" in version 2. */
	const uint8_t v1_op[] = {1, 0, 1, 14, 0};
	const uint8_t v2_op[] = {2, 0, 1, 14, 0};
	const uint8_t truncated[] = {1, 0, 3, 1, 0}; /* 3 ops declared, half of one given */
	const uint8_t newline[] = {'\n'};

	CHECK(input_decode(NULL, 0, &in, err, sizeof(err)) == INPUT_EMPTY, "empty: %s", err);
	CHECK(input_decode(version3, sizeof(version3), &in, err, sizeof(err)) == INPUT_BAD_VERSION,
	      "version 3 accepted");
	CHECK(strstr(err, "unknown input version 3") != NULL, "message: %s", err);
	CHECK(input_decode(v1_op, sizeof(v1_op), &in, err, sizeof(err)) == INPUT_OK &&
		      in.scenario.thread[0].ops[0].kind == OP_READ,
	      "version 1 op 14 is not read");
	CHECK(input_decode(v2_op, sizeof(v2_op), &in, err, sizeof(err)) == INPUT_OK &&
		      in.scenario.thread[0].ops[0].kind == OP_MMAP_FILE,
	      "version 2 op 14 is not mmap-file");
	CHECK(input_decode(truncated, sizeof(truncated), &in, err, sizeof(err)) == INPUT_TRUNCATED,
	      "truncated accepted");
	CHECK(strstr(err, "truncated") != NULL, "message: %s", err);
	CHECK(input_decode(newline, 1, &in, err, sizeof(err)) == INPUT_BAD_VERSION,
	      "libFuzzer's first input must be rejected cleanly");
	CHECK(input_parse_text("thread 0\n  frobnicate va=0\n", &in, err, sizeof(err)) ==
		      INPUT_CORRUPT,
	      "unknown op accepted");
	CHECK(strstr(err, "line 2") != NULL, "message lacks the line: %s", err);
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

int main(void)
{
	test_mutator();
	test_limits();
	test_any_bytes();
	test_errors();
	test_text_roundtrip();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
