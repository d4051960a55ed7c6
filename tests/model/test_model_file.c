/* SPDX-License-Identifier: MIT */
/*
 * Self-describing files: a saved input names the model it needs, in the
 * binary wrapper and in the text format; both round-trip, older files
 * still decode with no model, and a broken model header is an error.
 * Model names are canonical.
 */
#include <fcntl.h>
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

	CHECK(!parse(text, &in, err, sizeof(err)) && strncmp(err, want, strlen(want)) == 0,
	      "'%s': got '%s'", want, err);
}

static void test_text_model_errors(void)
{
	expect_text_error("profile v9.9\nthread 0\n", "1:9: unknown profile 'v9.9'");
	expect_text_error("profile v5.7\nprofile v5.8\nthread 0\n", "2:9: a second profile");
	expect_text_error("thread 0\n  fork\n  profile v5.7\n", "3:3: the model comes before");
	expect_text_error("profile\nthread 0\n", "1:8: expected one value");
	expect_text_error("set nope=1\nthread 0\n", "1:5: unknown switch 'nope'");
	expect_text_error("set wp.reuse=sometimes\nthread 0\n",
			  "1:5: switch wp.reuse has no value 'sometimes'");
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

/* A temporary file holding the bytes; its path goes to `path`. */
static bool write_temp(const void *data, size_t size, char path[32])
{
	int fd;
	bool ok;

	snprintf(path, 32, "/tmp/mmfuzz-load-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return false;
	ok = write(fd, data, size) == (ssize_t)size;
	close(fd);
	return ok;
}

static enum input_error load_bytes(const void *data, size_t size, struct input *in, char *err,
				   size_t errlen)
{
	char path[32];
	uint8_t *storage = NULL;
	enum input_error e = INPUT_CORRUPT;

	snprintf(err, errlen, "cannot write a temporary file");
	if (write_temp(data, size, path))
		e = input_load_file(path, in, &storage, err, errlen);
	unlink(path);
	free(storage);
	return e;
}

static void expect_load(const char *text, size_t size, enum input_error want, const char *msg)
{
	struct input in;
	char err[512] = "";
	enum input_error got = load_bytes(text, size, &in, err, sizeof(err));

	CHECK(got == want && strncmp(err, msg, strlen(msg)) == 0, "%.12s...: got %d '%s'", text,
	      got, err);
}

#define LOAD(text, want, msg) expect_load(text, sizeof(text) - 1, want, msg)

/* Text is known by its content, not by a handful of first letters: a
 * file starting with `//`, `Thread` or a byte order mark was read as
 * binary ("unknown input version 47"). Binary starts with a control byte
 * or 0x89; anything else is neither, and says so. */
static void test_format_by_content(void)
{
	LOAD("// found by hand\nthread 0\n  fork\n", INPUT_OK, "");
	LOAD("\xEF\xBB\xBFthread 0\n  fork\n", INPUT_OK, "");
	LOAD("\r\n\tthread 0\n  fork\n", INPUT_OK, "");
	LOAD("Thread 0\n  fork\n", INPUT_CORRUPT,
	     "1:1: unknown keyword 'Thread' (did you mean 'thread'?)");
	LOAD("hello\n", INPUT_CORRUPT, "1:1: unknown keyword 'hello'");
	LOAD("\xC3\xA9t\xC3\xA9\n", INPUT_CORRUPT, "not an mmfuzz input: its first byte 0xc3");
	LOAD("\x89PNG\r\n", INPUT_BAD_VERSION, "not an mmfuzz input: it starts with 0x89");
	LOAD("\x07\x00\x00", INPUT_BAD_VERSION, "unknown input version 7");
	LOAD("thread 0\n  fo\0rk\n", INPUT_CORRUPT, "2:5: a NUL byte");
	CHECK(input_format_of((const uint8_t *)"\xEF\xBB", 2) == INPUT_FORMAT_UNKNOWN,
	      "half a byte order mark is not text");
}

/* Whatever the fuzzer can run is binary: a first byte input_decode
 * accepts is never taken for text, so no fuzzer input changes meaning. */
static void test_decodable_is_binary(void)
{
	unsigned decodable = 0, text = 0;

	for (int first = 0; first < 256; first++) {
		uint8_t bytes[] = {(uint8_t)first, 0, 1, 3, 0x25, 7, 1};
		struct input in;
		char err[256];

		if (input_decode(bytes, sizeof(bytes), &in, err, sizeof(err)) != INPUT_OK)
			continue;
		decodable++;
		text += input_format_of(bytes, sizeof(bytes)) != INPUT_FORMAT_BINARY;
	}
	CHECK(decodable == INPUT_VERSION && text == 0, "%u first bytes decode, %u taken for text",
	      decodable, text);
}

/* Run fn with file descriptor `fd` (0 or 1) pointing at `path`. */
static bool with_fd_at(int fd, const char *path, bool (*fn)(void *), void *arg)
{
	int saved = dup(fd), at = open(path, fd ? O_WRONLY | O_TRUNC : O_RDONLY);
	bool ok;

	if (saved < 0 || at < 0)
		return false;
	fflush(stdout);
	dup2(at, fd);
	close(at);
	ok = fn(arg);
	fflush(stdout);
	dup2(saved, fd);
	close(saved);
	clearerr(stdin);
	return ok;
}

struct stdio_call {
	struct input in;
	uint8_t *storage;
	char err[256];
};

static bool load_stdin(void *arg)
{
	struct stdio_call *c = arg;

	return input_load_file("-", &c->in, &c->storage, c->err, sizeof(c->err)) == INPUT_OK;
}

static bool save_stdout(void *arg)
{
	struct stdio_call *c = arg;

	return input_save_file(&c->in, "-", c->err, sizeof(c->err));
}

/* "-" is standard input to load from and standard output to save to
 * (`compile X -` used to create a file named "-"). */
static void test_dash_is_stdio(void)
{
	static struct stdio_call c;
	char path[32], dir[] = "/tmp/mmfuzz-dash-XXXXXX", cwd[4096];
	uint8_t want[INPUT_MAX_SAVED], got[INPUT_MAX_SAVED];
	struct input in;
	FILE *f;
	size_t n;

	CHECK(write_temp(program, strlen(program), path) && with_fd_at(0, path, load_stdin, &c) &&
		      parse(program, &in, c.err, sizeof(c.err)) &&
		      memcmp(&c.in.scenario, &in.scenario, sizeof(in.scenario)) == 0,
	      "load from '-': %s", c.err);
	free(c.storage);
	snprintf(c.in.model, sizeof(c.in.model), "v5.7");
	CHECK(getcwd(cwd, sizeof(cwd)) && mkdtemp(dir) && chdir(dir) == 0, "a scratch folder");
	CHECK(with_fd_at(1, path, save_stdout, &c), "save to '-': %s", c.err);
	CHECK(access("-", F_OK) != 0, "save to '-' created a file named '-'");
	unlink("-");
	CHECK(chdir(cwd) == 0 && rmdir(dir) == 0, "scratch folder left");
	f = fopen(path, "rb");
	n = f ? fread(got, 1, sizeof(got), f) : 0;
	if (f)
		fclose(f);
	CHECK(input_save_file(&c.in, path, c.err, sizeof(c.err)) && (f = fopen(path, "rb")) &&
		      fread(want, 1, sizeof(want), f) == n && memcmp(want, got, n) == 0 && n > 6,
	      "standard output got %zu bytes, not the saved file", n);
	if (f)
		fclose(f);
	unlink(path);
}

/* Binary is not written to a terminal. */
static void test_dash_not_a_terminal(void)
{
	static struct stdio_call c;
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	const char *tty = master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0
				  ? ptsname(master)
				  : NULL;

	if (!tty) {
		printf("skip: no pseudo-terminal to write to\n");
		if (master >= 0)
			close(master);
		return;
	}
	parse(program, &c.in, c.err, sizeof(c.err));
	CHECK(!with_fd_at(1, tty, save_stdout, &c) && strstr(c.err, "terminal"),
	      "binary written to a terminal: %s", c.err);
	close(master);
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
	test_format_by_content();
	test_decodable_is_binary();
	test_dash_is_stdio();
	test_dash_not_a_terminal();
	return CHECK_SUMMARY();
}
