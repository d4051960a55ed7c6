/* SPDX-License-Identifier: MIT */
/*
 * The findings folder of a model: one folder per bug.
 *
 *   findings/<model>/                  <model> = runner_profile_name()
 *     .incoming/                       libFuzzer's raw crash files land here
 *     <oracle>.<kind>/                 one folder per signature, e.g.
 *                                      fork-isolation.pipe-read
 *       crash-<sha1>                   the first reproducer, self-describing
 *       report.txt                     its replay (replay_print)
 *       minimized.mmf                  its minimised text form, if minimize
 *                                      kept the signature
 *       duplicates/crash-<sha1>...     later inputs with that signature
 *     unreproducible/                  staged files that replay clean (or do
 *                                      not load) in the CLI
 *     summary.json                     one entry per signature (see below)
 *
 * The folders are the truth; summary.json is derived from them (plus what
 * the folders cannot hold: first-seen times and re-hits the fuzzer did not
 * save) and rewritten atomically whenever it changes. Filing a staged
 * file replays it on the selected model; its raw bytes are removed only
 * after its self-describing copy is in place, so a campaign killed at any
 * point files it again (or recognises it) on the next start.
 */
#ifndef MMFUZZ_FUZZ_FINDINGS_H
#define MMFUZZ_FUZZ_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>

/* Runs of the model minimize_input() may spend on a new signature: a few
 * seconds at most, paid once per signature. */
#define FINDINGS_MINIMIZE_RUNS 50000

struct str_list {
	char **items;
	int n, cap;
};

struct finding_sig {
	char *name;   /* the folder: "<oracle>.<kind>", or "<oracle>" */
	char *oracle; /* as the model reports them */
	char *kind;
	char *first_seen;	  /* ISO 8601 UTC */
	char *reproducer;	  /* its file name inside the folder */
	bool minimized;		  /* minimized.mmf is there */
	struct str_list files;	  /* relative to the model folder, reproducer first */
	unsigned long muted_hits; /* re-hits the fuzzer counted without saving */
	/* This campaign only. */
	bool known_at_start;
	bool new_here;
	unsigned long files_here; /* files filed */
	unsigned long hits_here;  /* muted re-hits */
};

struct findings {
	char *root;	/* findings/<model> */
	char *incoming; /* <root>/.incoming */
	char *model;
	struct finding_sig *sigs; /* sorted by name */
	int n_sigs, cap_sigs;
	struct str_list unreproducible; /* file names in <root>/unreproducible */
	unsigned long clean_here;	/* filed there by this campaign */
	char *last_summary;		/* what summary.json holds */
	int lock_fd;
};

enum filed {
	FILED_NEW,	 /* a signature new to the folder */
	FILED_DUPLICATE, /* one more input of a known signature */
	FILED_ALREADY,	 /* this very file was filed before (an interrupted run) */
	FILED_CLEAN,	 /* replays clean, or does not load: unreproducible/ */
	FILED_ERROR,	 /* could not be filed (I/O): left where it is */
};

/* Open (creating) the folder of the selected model under `base`
 * ("findings"), take its lock, load what it holds, file top-level crash
 * files of the old flat layout. false + err if it cannot. */
bool findings_open(struct findings *f, const char *base, char *err, size_t errlen);
void findings_close(struct findings *f);

/* File one staged file (replayed on the selected model). *sig is set
 * for NEW, DUPLICATE and ALREADY (valid until the next filing); err says
 * why for CLEAN and ERROR. */
enum filed findings_file(struct findings *f, const char *path, struct finding_sig **sig, char *err,
			 size_t errlen);

/* The signatures as MMFUZZ_KNOWN wants them, "oracle:kind,...";
 * malloc'd. */
char *findings_known_keys(const struct findings *f);

/* The fuzzer met signature `key` ("oracle:kind") again n times without
 * saving it. `this_run` false: counts a killed campaign left behind. */
void findings_add_hits(struct findings *f, const char *key, unsigned long n, bool this_run);

/* Rewrite summary.json (tmp + rename) if its content changed. */
bool findings_write_summary(struct findings *f, char *err, size_t errlen);

/* The path of the first reproducer, for messages; malloc'd. */
char *findings_reproducer_path(const struct findings *f, const struct finding_sig *s);

#endif
