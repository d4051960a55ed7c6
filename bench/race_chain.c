/* SPDX-License-Identifier: MIT */
/*
 * How far the mutator takes one input into a stale-TLB race: mutate it N
 * times (mutation seeds 0..N-1, so the count is reproducible), run each
 * child once, and count the children that open a window (target/feedback.h)
 * and those whose violation the window explains, i.e. the write the oracle
 * found lost is the store that opened it (as MMFUZZ_WINDOW judges a
 * finding). Point it at a corpus input that reached an earlier link of the
 * chain to see whether the directed edits reach the next one.
 *
 *   race_chain PROFILE WINDOW FILE [N]
 *   e.g. race_chain v5.11 store-after-copy:uffd-wp corpus-input 1000
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/mutate.h"
#include "fuzz/race_events.h"
#include "fuzz/runner.h"
#include "target/feedback.h"

int main(int argc, char **argv);

static struct feedback_window window;
static bool opened;

static void note_feature(uint32_t feature)
{
	if (feedback_window_opened(&window, feature))
		opened = true;
}

/* Is the write the violation found lost the store that opened the window? */
static bool explained(const struct exec_result *r)
{
	return r->violation && feedback_store_opened(&window, r->missed_write);
}

int main(int argc, char **argv)
{
	static const struct mutate_ops ops = {.race_events = race_events,
					      .hold_back = race_hold_back};
	static uint8_t parent[INPUT_MAX_ENCODED], child[INPUT_MAX_ENCODED];
	unsigned n = argc > 4 ? (unsigned)strtoul(argv[4], NULL, 10) : 1000;
	unsigned valid = 0, open = 0, explain = 0;
	uint8_t *storage = NULL;
	struct input in;
	char err[512];
	size_t len;

	if (argc < 4 || argc > 5 || n == 0) {
		fprintf(stderr, "usage: race_chain PROFILE WINDOW FILE [N]\n");
		return 2;
	}
	if (!runner_select(argv[1], NULL, 0, err, sizeof(err))) {
		fprintf(stderr, "race_chain: %s\n", err);
		return 2;
	}
	if (!feedback_window_parse(argv[2], &window)) {
		fprintf(stderr, "race_chain: unknown window '%s'\n", argv[2]);
		return 2;
	}
	if (input_load_file(argv[3], &in, &storage, err, sizeof(err)) != INPUT_OK) {
		fprintf(stderr, "race_chain: %s: %s\n", argv[3], err);
		return 2;
	}
	len = input_encode(&in, parent, sizeof(parent));
	for (unsigned seed = 0; seed < n; seed++) {
		struct exec_result r;
		struct input x;
		size_t size;

		memcpy(child, parent, len);
		size = input_mutate(child, len, sizeof(child), seed, &ops);
		if (input_decode(child, size, &x, err, sizeof(err)) != INPUT_OK)
			continue;
		valid++;
		opened = false;
		runner_execute(&x, NULL, false, note_feature, &r);
		open += opened;
		explain += explained(&r);
	}
	printf("race_chain: %u children (%u well formed): %u open %s, %u lose the store that "
	       "opened it\n",
	       n, valid, open, argv[2], explain);
	free(storage);
	return 0;
}
