/* SPDX-License-Identifier: MIT */
/*
 * The profiles: kernel eras as the catalogue dates them, each the
 * previous one plus the listed changes (mm-bugs.md §6.2, with the
 * corrections at the top of that file).
 */
#include "policy.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct mm_policy policy;

static const struct profile profiles[] = {
	{"v5.7",
	 "Linux 5.7: COW reuse by mapcount; fork shares pinned pages",
	 "CVE-2020-29374 (vmsplice after fork, both directions); R/O pins on a shared page "
	 "and on the zero page",
	 {.wp_reuse = REUSE_MAPCOUNT, .fork_pinned = FORK_PINNED_SHARE}},
	{"v5.8",
	 "Linux 5.8: + read GUP breaks COW (17839856fd58)",
	 "CVE-2020-29374 reverse direction (vmsplice before fork, child reuses)",
	 {.wp_reuse = REUSE_MAPCOUNT,
	  .gup_read_breaks_cow = true,
	  .fork_pinned = FORK_PINNED_SHARE}},
	{"v5.9-rc",
	 "5.9-rc4..rc6: COW reuse by page_count (09854ba94c6a), enforced COW removed, "
	 "no early COW at fork yet",
	 "fork + FOLL_PIN RDMA regression; R/O pin on a shared page",
	 {.wp_reuse = REUSE_REFCOUNT, .fork_pinned = FORK_PINNED_SHARE}},
	{"v5.9",
	 "Linux 5.9: + fork copies maybe-pinned pages for the child (70e806e4e645)",
	 "R/O pins on a shared page and on the zero page",
	 {.wp_reuse = REUSE_REFCOUNT, .fork_pinned = FORK_PINNED_COPY}},
	{"v5.19",
	 "Linux 5.19: PageAnonExclusive, R/O pins of anon pages unshare (6c287605fd56, "
	 "a7f226604170)",
	 "R/O long-term pin of the shared zero page",
	 {.wp_reuse = REUSE_ANON_EXCLUSIVE,
	  .fork_pinned = FORK_PINNED_COPY,
	  .ro_pin_unshare = true,
	  .anon_exclusive = true}},
	{"latest",
	 "Linux >= 6.2: + R/O long-term pins in COW mappings unshare non-anon pages too "
	 "(84209e87c696)",
	 "none: the reference, clean for every scenario",
	 {.wp_reuse = REUSE_ANON_EXCLUSIVE,
	  .fork_pinned = FORK_PINNED_COPY,
	  .ro_pin_unshare = true,
	  .ro_longterm_unshare_nonanon = true,
	  .anon_exclusive = true}},
};

#define NR_PROFILES ((int)(sizeof(profiles) / sizeof(profiles[0])))

const struct profile *profile_at(int index)
{
	return index >= 0 && index < NR_PROFILES ? &profiles[index] : NULL;
}

const struct profile *profile_find(const char *name)
{
	for (int i = 0; i < NR_PROFILES; i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}

const struct profile *profile_default(void)
{
	return profile_find("latest");
}

/* One table drives parsing and printing of every switch. */
struct switch_desc {
	const char *name;
	const char *values[4]; /* index = enum value; bools: "no", "yes" */
	const char *meaning;
	size_t offset;
	bool is_bool;
};

#define SWITCH_ENUM(field, ...) offsetof(struct mm_policy, field), false
#define SWITCH_BOOL(field)	offsetof(struct mm_policy, field), true

static const struct switch_desc switches[] = {
	{"wp.reuse",
	 {"mapcount", "refcount", "anon-exclusive"},
	 "do_wp_page: reuse a R/O anon page if mapcount==1 (<=5.8), refcount==1 (5.9-5.18), "
	 "or PageAnonExclusive (>=5.19)",
	 SWITCH_ENUM(wp_reuse)},
	{"gup.read_breaks_cow",
	 {"no", "yes"},
	 "a read GUP reference in a COW mapping breaks COW first (5.8 only)",
	 SWITCH_BOOL(gup_read_breaks_cow)},
	{"fork.pinned",
	 {"share", "copy"},
	 "fork: write-protect and share a maybe-pinned page, or copy it for the child (>=5.9)",
	 SWITCH_ENUM(fork_pinned)},
	{"gup.ro_pin_unshare",
	 {"no", "yes"},
	 "a R/O FOLL_PIN on a maybe-shared anon page unshares it first (>=5.19)",
	 SWITCH_BOOL(ro_pin_unshare)},
	{"gup.ro_longterm_unshare_nonanon",
	 {"no", "yes"},
	 "a R/O long-term pin in a COW mapping unshares the zero page too (>=6.2)",
	 SWITCH_BOOL(ro_longterm_unshare_nonanon)},
	{"anon.exclusive",
	 {"no", "yes"},
	 "track PG_anon_exclusive; fork refuses to share exclusive maybe-pinned pages (>=5.19)",
	 SWITCH_BOOL(anon_exclusive)},
};

#define NR_SWITCHES ((int)(sizeof(switches) / sizeof(switches[0])))

static int switch_get(const struct mm_policy *p, const struct switch_desc *d)
{
	const char *base = (const char *)p + d->offset;

	if (d->is_bool)
		return *(const bool *)base;
	return (int)*(const enum wp_reuse_rule *)base; /* every enum is int-sized */
}

static void switch_put(struct mm_policy *p, const struct switch_desc *d, int value)
{
	char *base = (char *)p + d->offset;

	if (d->is_bool)
		*(bool *)base = value != 0;
	else
		*(int *)base = value;
}

bool policy_set(struct mm_policy *p, const char *assignment, char *err, int errlen)
{
	const char *eq = strchr(assignment, '=');

	if (!eq) {
		snprintf(err, (size_t)errlen, "switch '%s' needs a value: NAME=VALUE", assignment);
		return false;
	}
	for (int i = 0; i < NR_SWITCHES; i++) {
		const struct switch_desc *d = &switches[i];

		if (strlen(d->name) != (size_t)(eq - assignment) ||
		    strncmp(d->name, assignment, (size_t)(eq - assignment)) != 0)
			continue;
		for (int v = 0; v < 4 && d->values[v]; v++) {
			if (strcmp(d->values[v], eq + 1) == 0) {
				switch_put(p, d, v);
				return true;
			}
		}
		snprintf(err, (size_t)errlen, "switch %s has no value '%s'", d->name, eq + 1);
		return false;
	}
	snprintf(err, (size_t)errlen, "unknown switch '%.*s'", (int)(eq - assignment), assignment);
	return false;
}

bool policy_check(const struct mm_policy *p, char *err, int errlen)
{
	if (p->ro_pin_unshare && !p->anon_exclusive) {
		snprintf(err, (size_t)errlen,
			 "gup.ro_pin_unshare=yes needs anon.exclusive=yes: without "
			 "PG_anon_exclusive an unshared page never looks exclusive");
		return false;
	}
	if (p->ro_longterm_unshare_nonanon && !p->ro_pin_unshare) {
		snprintf(err, (size_t)errlen,
			 "gup.ro_longterm_unshare_nonanon=yes needs gup.ro_pin_unshare=yes");
		return false;
	}
	return true;
}

void policy_print(const struct mm_policy *p, const char *indent, void (*out)(const char *line))
{
	char line[256];

	for (int i = 0; i < NR_SWITCHES; i++) {
		snprintf(line, sizeof(line), "%s%s=%s", indent, switches[i].name,
			 switches[i].values[switch_get(p, &switches[i])]);
		out(line);
	}
}

void policy_print_switches(void (*out)(const char *line))
{
	char line[512];

	for (int i = 0; i < NR_SWITCHES; i++) {
		const struct switch_desc *d = &switches[i];
		int n = snprintf(line, sizeof(line), "  %s = {", d->name);

		for (int v = 0; v < 4 && d->values[v]; v++)
			n += snprintf(line + n, sizeof(line) - (size_t)n, "%s%s", v ? ", " : "",
				      d->values[v]);
		snprintf(line + n, sizeof(line) - (size_t)n, "}\n      %s", d->meaning);
		out(line);
	}
}
