/* SPDX-License-Identifier: MIT */
/*
 * The AFL++ custom mutator (mmfuzz-afl-mutator.so, for
 * AFL_CUSTOM_MUTATOR_LIBRARY): the structure-aware and directed mutator
 * libFuzzer's target uses (mutate.h), linked, not copied. Its directed
 * edits run the model (race_events.h), so the library selects the same
 * model as the target, from the same environment (harness_core.h).
 *
 * One call in eight is a byte-level edit of the whole input instead, and
 * one in eight (when AFL++ offers a second input) a crossover, the share
 * libFuzzer's target gives them: run with AFL_CUSTOM_MUTATOR_ONLY=1, this
 * library is the whole mutation stage. No trimming of its own: AFL++'s
 * byte trimming breaks the op counts (set AFL_DISABLE_TRIM=1), and
 * `mmfuzz minimize` shrinks findings far better.
 *
 * The C API of AFL++ 4.04c (docs/custom_mutators.md); Debian ships no
 * header for it, so the prototypes are written out here.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness_core.h"
#include "mutate.h"
#include "race_events.h"
#include "scheduler/strategy.h"

/* The library is built with hidden visibility: only these leave it. */
#define AFL_API __attribute__((visibility("default")))

AFL_API void *afl_custom_init(void *afl, unsigned int seed);
AFL_API unsigned int afl_custom_fuzz_count(void *data, const unsigned char *buf, size_t buf_size);
AFL_API size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf,
			       uint8_t *add_buf, size_t add_buf_size, size_t max_size);
AFL_API const char *afl_custom_describe(void *data, size_t max_description_len);
AFL_API void afl_custom_deinit(void *data);

#define FUZZ_COUNT 128

enum edit { EDIT_STRUCTURE, EDIT_BYTES, EDIT_CROSSOVER };

struct afl_mutator {
	uint64_t rng;
	enum edit last;
	uint8_t out[INPUT_MAX_ENCODED];
};

/* The byte mutator's state: mutate_bytes takes no context. */
static uint64_t bytes_rng;

static unsigned below(uint64_t *rng, size_t n)
{
	return n ? (unsigned)(sched_rng_next(rng) % n) : 0;
}

/* One small byte-level edit: a bit flipped, a byte set, inserted or
 * erased, or a run of bytes copied over another place. */
static size_t mutate_bytes(uint8_t *data, size_t size, size_t max)
{
	unsigned at = below(&bytes_rng, size);

	switch (below(&bytes_rng, size ? 5 : 1)) {
	case 0:
		if (size < max) {
			at = below(&bytes_rng, size + 1);
			memmove(data + at + 1, data + at, size - at);
			data[at] = (uint8_t)sched_rng_next(&bytes_rng);
			size++;
		}
		break;
	case 1:
		data[at] ^= (uint8_t)(1u << below(&bytes_rng, 8));
		break;
	case 2:
		data[at] = (uint8_t)sched_rng_next(&bytes_rng);
		break;
	case 3:
		memmove(data + at, data + at + 1, size - at - 1);
		size--;
		break;
	default: {
		unsigned to = below(&bytes_rng, size);
		unsigned len = 1 + below(&bytes_rng, size - (at > to ? at : to));

		memmove(data + to, data + at, len);
		break;
	}
	}
	return size;
}

static size_t mutate_whole_bytes(struct afl_mutator *m, size_t size, size_t max)
{
	for (unsigned k = 1 + below(&m->rng, 4); k > 0; k--)
		size = mutate_bytes(m->out, size, max);
	if (size)
		m->out[0] = INPUT_VERSION; /* any other version runs as empty */
	return size;
}

void *afl_custom_init(void *afl, unsigned int seed)
{
	struct afl_mutator *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	harness_select_model();
	m->rng = seed;
	bytes_rng = seed ^ 0x6d6d66757a7aull;
	return m;
}

/* Mutations per visit of a queue entry: AFL++ would spend thousands on
 * each of the first entries (HAVOC_CYCLES times its performance score)
 * before it reaches the others; as libFuzzer does, pass over the whole
 * corpus often, and let the directed edits find the depth. */
unsigned int afl_custom_fuzz_count(void *data, const unsigned char *buf, size_t buf_size)
{
	return FUZZ_COUNT;
}

size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf,
		       uint8_t *add_buf, size_t add_buf_size, size_t max_size)
{
	static const struct mutate_ops ops = {.mutate_bytes = mutate_bytes,
					      .race_events = race_events,
					      .hold_back = race_hold_back};
	struct afl_mutator *m = data;
	size_t max = max_size < sizeof(m->out) ? max_size : sizeof(m->out);
	size_t n = buf_size < max ? buf_size : max;
	unsigned roll = below(&m->rng, 8);

	memcpy(m->out, buf, n);
	if (roll == 0 && n > 0) {
		m->last = EDIT_BYTES;
		n = mutate_whole_bytes(m, n, max);
	} else if (roll == 1 && add_buf && add_buf_size) {
		m->last = EDIT_CROSSOVER;
		n = input_crossover(buf, buf_size, add_buf, add_buf_size, m->out, max,
				    (uint32_t)sched_rng_next(&m->rng));
	} else {
		m->last = EDIT_STRUCTURE;
		n = input_mutate(m->out, n, max, (uint32_t)sched_rng_next(&m->rng), &ops);
	}
	if (n == 0) { /* AFL++ wants at least one byte: an empty program */
		static const uint8_t empty[] = {INPUT_VERSION, 0, 0};

		n = sizeof(empty) < max ? sizeof(empty) : max;
		memcpy(m->out, empty, n);
	}
	*out_buf = m->out;
	return n;
}

/* Part of the queue entries' names: which kind of edit found them. */
const char *afl_custom_describe(void *data, size_t max_description_len)
{
	static const char *const names[] = {"mmfuzz-structure", "mmfuzz-bytes", "mmfuzz-crossover"};
	const struct afl_mutator *m = data;

	return strlen(names[m->last]) <= max_description_len ? names[m->last] : "";
}

void afl_custom_deinit(void *data)
{
	free(data);
}
