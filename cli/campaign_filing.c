/* SPDX-License-Identifier: MIT */
/*
 * Filing what the fuzzer finds: libFuzzer saves raw crash files into the
 * findings folder's .incoming/ staging place; each is replayed there (now
 * and then during the run, and when the fuzzer stops) and filed into its
 * signature's folder, or into unreproducible/ if it replays clean (see
 * findings.h). Re-hits of muted signatures come from MMFUZZ_HITS.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "campaign.h"
#include "fuzz/runner.h"
#include "xalloc.h"

#define SETTLE_SECONDS 2 /* a staged file this recent may be half-written */

bool campaign_admits(const struct campaign *c, const char *oracle, const char *kind)
{
	return !c->only || runner_listed(c->only, oracle, kind);
}

static void announce_new(struct campaign *c, const struct finding_sig *s)
{
	if (!campaign_admits(c, s->oracle, s->kind)) {
		c->new_hidden++;
		return;
	}
	c->new_sigs++;
	fprintf(stderr,
		"[%6.1fs] FINDING mmfuzz: VIOLATION %s %s profile=%s\n"
		"           filed in %s/%s/ (%s, report.txt, %s)\n",
		campaign_now() - c->start, s->oracle, s->kind[0] ? s->kind : "-", c->f.model,
		c->f.root, s->name, s->reproducer,
		s->minimized ? "minimized.mmf" : "not minimised");
}

static void file_one(struct campaign *c, const char *path)
{
	struct finding_sig *s;
	char err[1024] = "";
	enum filed how = findings_file(&c->f, path, &s, err, sizeof(err));

	c->filed_in_round++;
	if (how == FILED_NEW) {
		announce_new(c, s);
	} else if (how == FILED_ERROR) {
		c->errors++;
		fprintf(stderr, "mmfuzz: error: cannot file %s: %s\n", path, err);
	}
	/* Known again, or clean: counted, told in the summary. */
}

static bool settled(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && time(NULL) - st.st_mtime >= SETTLE_SECONDS;
}

/* The staged files whose names start with `prefix`, or (prefix NULL)
 * every one but ours (dot-files); malloc'd paths. */
static char **staged(const struct campaign *c, const char *prefix, int *n)
{
	DIR *d = opendir(c->f.incoming);
	struct dirent *e;
	char **names = NULL;
	int cap = 0;

	*n = 0;
	while (d && (e = readdir(d))) {
		if (prefix ? strncmp(e->d_name, prefix, strlen(prefix)) != 0 : e->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			names = check_alloc(realloc(names, (size_t)cap * sizeof(*names)));
		}
		names[(*n)++] = xasprintf("%s/%s", c->f.incoming, e->d_name);
	}
	if (d)
		closedir(d);
	return names;
}

int campaign_file_incoming(struct campaign *c, bool running)
{
	int n, filed = 0;
	char **names = staged(c, "crash-", &n);

	for (int i = 0; i < n; i++) {
		/* While the fuzzer runs, only files old enough to be whole. A
		 * file that cannot be filed stays (and is told once). */
		if (!running || settled(names[i])) {
			int errors = c->errors;

			file_one(c, names[i]);
			filed += c->errors == errors;
		}
		free(names[i]);
	}
	free(names);
	return filed;
}

int campaign_count_staged(const struct campaign *c)
{
	int n;
	char **names = staged(c, NULL, &n);

	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return n;
}

void campaign_collect_hits(struct campaign *c, bool this_run)
{
	FILE *fp = fopen(c->hits, "r");
	char line[1024];

	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp)) {
		char *space = strrchr(line, ' ');

		if (!space)
			continue;
		*space = 0;
		findings_add_hits(&c->f, line, strtoul(space + 1, NULL, 10), this_run);
	}
	fclose(fp);
	unlink(c->hits);
}

void campaign_write_summary(struct campaign *c)
{
	char err[1024];

	if (!findings_write_summary(&c->f, err, sizeof(err))) {
		fprintf(stderr, "mmfuzz: error: %s\n", err);
		c->errors++;
	}
}
