/* SPDX-License-Identifier: MIT */
/*
 * The fuzzer input: a scenario plus a schedule, as bytes (what libFuzzer
 * and AFL++ mutate and save) and as text (what people read and write).
 *
 * Binary format, version 4 (version 1 knows only the 14 op kinds
 * read..wait, version 2 the 24 kinds read..eio, version 3 the 27 kinds
 * read..mmap-stack; all are still read):
 *   byte 0        version (4)
 *   byte 1        number of threads - 1 (mod 4)
 *   per thread:   one header byte: bits 0-4 op count (mod 17),
 *                 bits 5-7 spawn (mod thread index + 1: 0 initial,
 *                 k = child of thread k-1's next fork)
 *                 then two bytes per op: kind (mod number of kinds),
 *                 fields: bits 0-1 va, bit 2 word, bits 3-7 arg (mod range)
 *   the rest      schedule: (gap, target) byte pairs for strategy_bytes
 *
 * Every field is reduced into range, so any bytes past the header are a
 * valid program. Only an unknown version or a scenario cut short are
 * rejected (the fuzz target runs such inputs as empty programs, so every
 * saved finding is a well-formed file that `mmfuzz run` accepts).
 *
 * A saved finding names the model it was found on. The fuzzed bytes never
 * choose the kernel, so the model goes in a wrapper around them, written
 * only when a file is saved (input_save_file) and ignored by the fuzz
 * target:
 *   bytes 0-3     "\x89MMF" (0x89 is neither a version byte nor text)
 *   byte 4        wrapper version (1)
 *   byte 5        length L of the model
 *   bytes 6..     the model, "PROFILE[+SWITCH=VALUE...]" (runner.h), L bytes
 *   the rest      the bare input above
 * The text format says the same with `profile NAME` and `set S=V` lines.
 */
#ifndef MMFUZZ_FUZZ_INPUT_H
#define MMFUZZ_FUZZ_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "target/scenario.h"

#define INPUT_VERSION	   4
#define INPUT_MAX_SCHEDULE 4096 /* schedule bytes past this are ignored */
/* The largest encoding: header, every thread full, the longest schedule. */
#define INPUT_MAX_ENCODED     (2 + SCN_MAX_THREADS * (1 + 2 * SCN_MAX_OPS) + INPUT_MAX_SCHEDULE)
#define INPUT_MODEL_MAX	      256 /* a model spec, with its NUL */
#define INPUT_WRAPPER_VERSION 1
/* The largest saved file: wrapper, model, input. */
#define INPUT_MAX_SAVED (6 + INPUT_MODEL_MAX + INPUT_MAX_ENCODED)

struct input {
	struct scenario scenario;
	const uint8_t *schedule; /* points into the decoded buffer or `owned` */
	size_t schedule_len;
	uint8_t owned[INPUT_MAX_SCHEDULE]; /* schedule storage for text inputs */
	/* The model the file says it needs, "PROFILE[+SWITCH=VALUE...]";
	 * empty for a bare input (fuzzer bytes, older files, hand-written
	 * scenarios without a `profile` line). */
	char model[INPUT_MODEL_MAX];
};

enum input_error {
	INPUT_OK,
	INPUT_EMPTY,
	INPUT_BAD_VERSION,
	INPUT_TRUNCATED,
	INPUT_CORRUPT, /* a text line that does not parse, or neither format */
};

/* Decode bytes, bare or wrapped (the wrapper's model goes to in->model);
 * on error, err says why in a sentence. `in->schedule` points into data,
 * which must outlive `in`. */
enum input_error input_decode(const uint8_t *data, size_t size, struct input *in, char *err,
			      size_t errlen);
/* Encode into out, bare (no model: what the fuzzer mutates);
 * INPUT_MAX_ENCODED bytes always suffice. Returns the size, or 0 if it
 * does not fit in cap. */
size_t input_encode(const struct input *in, uint8_t *out, size_t cap);

/* Text format: see text.c and the README. On error, err reads
 * "LINE:COLUMN: what" when a place in the text is to blame (callers print
 * "PATH:" before it, as compilers do), else a plain sentence. */
enum input_error input_parse_text(const char *text, struct input *in, char *err, size_t errlen);
void input_print_text(const struct input *in, FILE *out);

/* Which format a file is in, by its first bytes: a binary input starts
 * with a control byte (its version) or the wrapper's 0x89; text with a
 * printable ASCII character, white space or a UTF-8 byte order mark.
 * Anything else is neither. */
enum input_format {
	INPUT_FORMAT_TEXT,
	INPUT_FORMAT_BINARY,
	INPUT_FORMAT_UNKNOWN,
};
enum input_format input_format_of(const uint8_t *data, size_t size);

/* Write the binary encoding of `in` to path ("-": standard output, unless
 * that is a terminal), wrapped with its model when in->model is set.
 * false (err set) if it can't. */
bool input_save_file(const struct input *in, const char *path, char *err, size_t errlen);

/* Load a file ("-": standard input) in either format. Returns INPUT_OK or
 * an error with err set (also for I/O errors, and INPUT_CORRUPT for a file
 * in neither format). `storage` receives the file's bytes. */
enum input_error input_load_file(const char *path, struct input *in, uint8_t **storage, char *err,
				 size_t errlen);

#endif
