/* SPDX-License-Identifier: MIT */
/*
 * Policy switches and profiles.
 *
 * Every behaviour that changed across kernel history, or that a proposal
 * would change, is one field of struct mm_policy with one documented
 * meaning. A profile is a named preset: a kernel era or a proposal.
 * See ../shared/reference/mm-bugs.md §6 for the catalogue of switches.
 */
#ifndef MMFUZZ_TARGET_POLICY_H
#define MMFUZZ_TARGET_POLICY_H

#include <stdbool.h>

/* do_wp_page(): when may a write fault reuse a R/O-mapped anon page? */
enum wp_reuse_rule {
	REUSE_MAPCOUNT,	      /* <= 5.8: reuse_swap_page(): mapcount == 1 */
	REUSE_REFCOUNT,	      /* 5.9-5.18: page_count == 1 (09854ba94c6a) */
	REUSE_ANON_EXCLUSIVE, /* >= 5.19: PageAnonExclusive, else refcount (6c287605fd56) */
};

/* copy_present_pte(): what fork does with a maybe-DMA-pinned anon page. */
enum fork_pinned_rule {
	FORK_PINNED_SHARE, /* <= 5.8 and 5.9-rc: write-protect and share */
	FORK_PINNED_COPY,  /* >= 5.9: copy the page for the child (70e806e4e645) */
};

struct mm_policy {
	enum wp_reuse_rule wp_reuse;
	/* 5.8 (17839856fd58): a FOLL_GET/FOLL_PIN lookup in a COW mapping
	 * breaks COW as if it were a write, and GUP-fast refuses R/O PTEs. */
	bool gup_read_breaks_cow;
	enum fork_pinned_rule fork_pinned;
	/* 5.19 (a7f226604170): a R/O FOLL_PIN of a maybe-shared anon page
	 * first unshares it (FAULT_FLAG_UNSHARE). */
	bool ro_pin_unshare;
	/* 6.2 (84209e87c696, 8d6a0ac09a16): a R/O long-term pin in a COW
	 * mapping also unshares what is not anon, e.g. the shared zero page. */
	bool ro_longterm_unshare_nonanon;
	/* 5.19: PG_anon_exclusive is tracked (set on fresh anon pages, cleared
	 * when fork shares a page, refused for maybe-pinned pages). */
	bool anon_exclusive;
};

struct profile {
	const char *name;
	const char *era;       /* what kernel state it models */
	const char *recreates; /* bugs of the catalogue it recreates */
	struct mm_policy policy;
};

/* The profile the model runs under; set once per campaign. */
extern struct mm_policy policy;

const struct profile *profile_find(const char *name);
const struct profile *profile_at(int index); /* NULL past the end */
const struct profile *profile_default(void); /* "latest" */

/*
 * Turn one switch, "name=value" (e.g. "wp.reuse=mapcount"), so a
 * developer (and a regression test) can flip a rule on top of a profile.
 * Returns false with a message in err for an unknown name or value.
 */
bool policy_set(struct mm_policy *p, const char *assignment, char *err, int errlen);
/* Combinations the kernel never had and the model cannot run (e.g.
 * unsharing for R/O pins without PG_anon_exclusive would loop): false
 * with a message. */
bool policy_check(const struct mm_policy *p, char *err, int errlen);
/* Print every switch of p, one per line, with its value. */
void policy_print(const struct mm_policy *p, const char *indent, void (*out)(const char *line));
/* The list of switch names and their values, for `mmfuzz profiles`. */
void policy_print_switches(void (*out)(const char *line));

#endif
