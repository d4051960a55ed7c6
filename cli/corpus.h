/* SPDX-License-Identifier: MIT */
/*
 * A campaign's corpus folder: its size, its lock, and `mmfuzz corpus
 * merge`, which keeps only the inputs that add coverage (libFuzzer's
 * -merge=1) so that a long campaign's corpus does not grow without bound.
 *
 * A merge writes into a fresh sibling folder (<DIR>.merging) and swaps
 * it with DIR in one step (renameat2 RENAME_EXCHANGE): killed at any
 * point, DIR holds either the old corpus or the merged one, never part
 * of either. The campaign's statistics (DIR/.stats) move with it.
 */
#ifndef MMFUZZ_CLI_CORPUS_H
#define MMFUZZ_CLI_CORPUS_H

#include <stdbool.h>
#include <stdint.h>

struct corpus_size {
	uint64_t files; /* the inputs: regular files not starting with '.' */
	uint64_t bytes;
};

/* The corpus folder a command on the selected model uses by default:
 * mmfuzz-corpus/<model>; malloc'd. */
char *corpus_default_dir(void);

struct corpus_size corpus_measure(const char *dir);

/* Take the folder's lock (a campaign or a merge at a time). The lock's
 * fd, or -1 after printing why not. */
int corpus_lock(const char *dir);

#endif
