/* SPDX-License-Identifier: MIT */
/*
 * Self-describing files: a saved input names the model it needs, in the
 * binary wrapper and in the text format; both round-trip, older files
 * still decode with no model, and a broken model header is an error.
 * Model names are canonical.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz/input.h"
#include "fuzz/runner.h"
#include "tests/model/check.h"

static int passed, failed;

static const char program[] = "thread 0\n"
			      "  write va=0 word=0\n"
			      "  fork\n"
			      "thread 1 child-of 0\n"
			      "  vmsplice va=0\n"
			      "schedule 3:1\n";

static bool parse(const char *text, struct input *in, char *err, size_t errlen)
{
	return input_parse_text(text, in, err, errlen) == INPUT_OK;
}

/* `profile` and `set` lines give the model; printing gives them back. */
static void test_text_model(void)
{
	struct input in, again;
	char err[256], text[2048];
	FILE *f;

	CHECK(parse(program, &in, err, sizeof(err)) && in.model[0] == 0,
	      "no profile line, no model: '%s' %s", in.model, err);
	snprintf(text, sizeof(text),
		 "# found by a campaign\nprofile v5.9\nset wp.reuse=mapcount\n%s", program);
	CHECK(parse(text, &in, err, sizeof(err)) && strcmp(in.model, "v5.9+wp.reuse=mapcount") == 0,
	      "model '%s' %s", in.model, err);
	f = fmemopen(text, sizeof(text), "w");
	input_print_text(&in, f);
	fclose(f);
	CHECK(strncmp(text, "profile v5.9\nset wp.reuse=mapcount\nthread 0\n", 44) == 0,
	      "printed: %s", text);
	CHECK(parse(text, &again, err, sizeof(err)) && strcmp(again.model, in.model) == 0 &&
		      memcmp(&again.scenario, &in.scenario, sizeof(in.scenario)) == 0,
	      "print -> parse: %s", err);
	CHECK(parse("set wp.reuse=mapcount\nthread 0\n  fork\n", &in, err, sizeof(err)) &&
		      strcmp(in.model, "latest+wp.reuse=mapcount") == 0,
	      "set alone is on top of latest: '%s'", in.model);
}

static void expect_text_error(const char *text, const char *want)
{
	struct input in;
	char err[256] = "";

	CHECK(!parse(text, &in, err, sizeof(err)) && strstr(err, want), "'%s': got '%s'", want,
	      err);
}

static void test_text_model_errors(void)
{
	expect_text_error("profile v9.9\nthread 0\n", "line 1: unknown profile 'v9.9'");
	expect_text_error("profile v5.7\nprofile v5.8\nthread 0\n", "line 2: a second profile");
	expect_text_error("thread 0\n  fork\nprofile v5.7\n", "line 3: the model comes before");
	expect_text_error("profile\nthread 0\n", "line 1: expected one value");
	expect_text_error("set nope=1\nthread 0\n", "unknown switch 'nope'");
	expect_text_error("set wp.reuse=sometimes\nthread 0\n", "has no value 'sometimes'");
}

static bool save_and_load(const struct input *in, struct input *out, uint8_t **storage)
{
	char path[] = "/tmp/mmfuzz-model-XXXXXX", err[256];
	int fd = mkstemp(path);
	bool ok;

	*storage = NULL;
	if (fd < 0)
		return false;
	close(fd);
	ok = input_save_file(in, path, err, sizeof(err)) &&
	     input_load_file(path, out, storage, err, sizeof(err)) == INPUT_OK;
	unlink(path);
	return ok;
}

/* A saved file with a model is wrapped; the bare bytes inside are what
 * the fuzzer would see, and an input without a model is saved bare. */
static void test_binary_wrapper(void)
{
	struct input in, back;
	uint8_t *storage = NULL, bare[INPUT_MAX_ENCODED];
	char err[256];
	size_t n;

	parse(program, &in, err, sizeof(err));
	snprintf(in.model, sizeof(in.model), "v5.7");
	if (!save_and_load(&in, &back, &storage)) {
		CHECK(false, "save and load");
		free(storage);
		return;
	}
	CHECK(strcmp(back.model, "v5.7") == 0 && storage[0] == 0x89 && storage[1] == 'M',
	      "wrapped: model '%s'", back.model);
	CHECK(memcmp(&back.scenario, &in.scenario, sizeof(in.scenario)) == 0 &&
		      back.schedule_len == in.schedule_len &&
		      memcmp(back.schedule, in.schedule, in.schedule_len) == 0,
	      "same program and schedule");
	n = input_encode(&back, bare, sizeof(bare));
	CHECK(n > 0 && bare[0] == INPUT_VERSION, "input_encode stays bare");
	free(storage);
	storage = NULL;
	in.model[0] = 0;
	CHECK(save_and_load(&in, &back, &storage) && back.model[0] == 0 &&
		      storage[0] == INPUT_VERSION,
	      "no model: bare file, as before");
	free(storage);
}

static void test_binary_wrapper_errors(void)
{
	static const uint8_t short_header[] = {0x89, 'M', 'M', 'F', 1, 9, 'v', '5'};
	static const uint8_t future[] = {0x89, 'M', 'M', 'F', 9, 1, 'v', 2, 0, 0};
	static const uint8_t nul[] = {0x89, 'M', 'M', 'F', 1, 2, 'v', 0, 2, 0, 0};
	static const uint8_t empty_inside[] = {0x89, 'M', 'M', 'F', 1, 4, 'v', '5', '.', '7'};
	struct input in;
	char err[256];

	CHECK(input_decode(short_header, sizeof(short_header), &in, err, sizeof(err)) ==
		      INPUT_TRUNCATED,
	      "short header: %s", err);
	CHECK(input_decode(future, sizeof(future), &in, err, sizeof(err)) == INPUT_BAD_VERSION &&
		      strstr(err, "model header version 9"),
	      "future wrapper: %s", err);
	CHECK(input_decode(nul, sizeof(nul), &in, err, sizeof(err)) == INPUT_CORRUPT,
	      "NUL in model: %s", err);
	CHECK(input_decode(empty_inside, sizeof(empty_inside), &in, err, sizeof(err)) ==
		      INPUT_EMPTY,
	      "wrapper around nothing: %s", err);
}

/* One model, one name: switches once, sorted, only those that change it. */
static void test_canonical_names(void)
{
	static const char *const two[] = {"wp.reuse=mapcount", "anon.exclusive=no"};
	static const char *const noop[] = {"wp.reuse=refcount"};
	static const char *const twice[] = {"wp.reuse=anon-exclusive", "wp.reuse=mapcount"};
	char err[256];

	CHECK(runner_select("v5.9", two, 2, err, sizeof(err)) &&
		      strcmp(runner_profile_name(), "v5.9+wp.reuse=mapcount") == 0,
	      "'%s'", runner_profile_name());
	CHECK(runner_select("v5.9", noop, 1, err, sizeof(err)) &&
		      strcmp(runner_profile_name(), "v5.9") == 0,
	      "a switch that changes nothing is dropped: '%s'", runner_profile_name());
	CHECK(runner_select("v5.9", twice, 2, err, sizeof(err)) &&
		      strcmp(runner_profile_name(), "v5.9+wp.reuse=mapcount") == 0,
	      "the last wins: '%s'", runner_profile_name());
	CHECK(runner_select_model("latest+wp.reuse=mapcount+tlb.nested_flush=no", err,
				  sizeof(err)) &&
		      strcmp(runner_profile_name(),
			     "latest+tlb.nested_flush=no+wp.reuse=mapcount") == 0,
	      "sorted: '%s' %s", runner_profile_name(), err);
	CHECK(!runner_select_model("v5.9+nope=1", err, sizeof(err)) && strstr(err, "nope"),
	      "unknown switch in a model: %s", err);
	CHECK(!runner_select_model("v9.9", err, sizeof(err)) && strstr(err, "unknown profile"),
	      "unknown profile in a model: %s", err);
}

int main(void)
{
	test_text_model();
	test_text_model_errors();
	test_binary_wrapper();
	test_binary_wrapper_errors();
	test_canonical_names();
	return CHECK_SUMMARY();
}
