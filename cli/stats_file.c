/* SPDX-License-Identifier: MIT */
/* A campaign's statistics files (see stats_file.h). */
#include "stats_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "xalloc.h"

#define PLOT_HEADER                                                                                \
	"# relative_time, execs_done, execs_per_sec, corpus_count, features, coverage, "           \
	"findings\n"

/* A campaign killed while writing a row leaves it half-written at the
 * end: cut it, so that the rows appended next stay rows. */
static void drop_partial_row(const char *path)
{
	FILE *f = fopen(path, "r");
	long keep = 0, pos = 0;
	int ch;

	if (!f)
		return;
	while ((ch = fgetc(f)) != EOF) {
		pos++;
		if (ch == '\n')
			keep = pos;
	}
	fclose(f);
	if (keep != pos && truncate(path, keep) < 0)
		fprintf(stderr, "mmfuzz: cannot cut %s: %s\n", path, strerror(errno));
}

/* A resumed campaign's rows carry on from the last row of the ones
 * before (none, or a file that does not parse: from zero). */
static void continue_from_last_row(struct stats_writer *w, const char *corpus)
{
	char *path = xasprintf("%s/" STATS_PLOT, w->dir);
	struct stats_sample *rows;
	int n;

	if (access(path, F_OK) != 0) {
		free(path);
		return;
	}
	drop_partial_row(path);
	if (stats_load(corpus, &rows, &n)) {
		if (n > 0)
			w->base = rows[n - 1];
		free(rows);
	}
	free(path);
}

bool stats_open(struct stats_writer *w, const char *corpus)
{
	char *plot;

	memset(w, 0, sizeof(*w));
	w->dir = xasprintf("%s" STATS_DIR, corpus);
	if (mkdir(w->dir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "mmfuzz: cannot create %s: %s\n", w->dir, strerror(errno));
		free(w->dir);
		w->dir = NULL;
		return false;
	}
	continue_from_last_row(w, corpus);
	plot = xasprintf("%s/" STATS_PLOT, w->dir);
	w->plot = fopen(plot, "a");
	if (!w->plot)
		fprintf(stderr, "mmfuzz: cannot write %s: %s\n", plot, strerror(errno));
	free(plot);
	if (!w->plot) {
		free(w->dir);
		w->dir = NULL;
		return false;
	}
	if (ftell(w->plot) == 0)
		fputs(PLOT_HEADER, w->plot);
	fflush(w->plot);
	w->start = (long)time(NULL);
	return true;
}

static double average_rate(const struct stats_sample *s)
{
	return s->time > 0 ? (double)s->execs / s->time : 0;
}

static void write_summary(FILE *f, const struct stats_writer *w, const struct stats_sample *s,
			  const struct stats_header *h)
{
	fprintf(f,
		"start_time        : %ld\n"
		"last_update       : %ld\n"
		"run_time          : %.0f\n"
		"status            : %s\n"
		"model             : %s\n"
		"seed              : %llu\n"
		"jobs              : %d\n"
		"rounds            : %d\n"
		"execs_done        : %llu\n"
		"execs_per_sec     : %.2f\n"
		"execs_per_sec_now : %.2f\n"
		"corpus_count      : %llu\n"
		"features          : %llu\n"
		"coverage          : %llu\n"
		"findings_new      : %llu\n"
		"findings_total    : %llu\n",
		w->start, (long)time(NULL), s->time, h->status, h->model,
		(unsigned long long)h->seed, h->jobs, h->rounds, (unsigned long long)s->execs,
		average_rate(s), s->exec_s, (unsigned long long)s->corpus,
		(unsigned long long)s->features, (unsigned long long)s->coverage,
		(unsigned long long)s->findings, (unsigned long long)h->findings_total);
}

/* fuzzer_stats is replaced whole, so that a reader never sees half. */
static void rewrite_summary(const struct stats_writer *w, const struct stats_sample *s,
			    const struct stats_header *h)
{
	char *tmp = xasprintf("%s/." STATS_SUMMARY ".tmp", w->dir);
	char *path = xasprintf("%s/" STATS_SUMMARY, w->dir);
	FILE *f = fopen(tmp, "w");

	if (f) {
		write_summary(f, w, s, h);
		if (fclose(f) == 0)
			rename(tmp, path);
		else
			unlink(tmp);
	}
	free(tmp);
	free(path);
}

void stats_record(struct stats_writer *w, const struct stats_sample *s,
		  const struct stats_header *h)
{
	if (!w->dir)
		return;
	fprintf(w->plot, "%.1f, %llu, %.2f, %llu, %llu, %llu, %llu\n", w->base.time + s->time,
		(unsigned long long)w->base.execs + s->execs, s->exec_s,
		(unsigned long long)s->corpus, (unsigned long long)s->features,
		(unsigned long long)s->coverage,
		(unsigned long long)w->base.findings + s->findings);
	fflush(w->plot);
	rewrite_summary(w, s, h);
	w->last = *s;
}

void stats_close(struct stats_writer *w)
{
	if (w->plot)
		fclose(w->plot);
	free(w->dir);
	memset(w, 0, sizeof(*w));
}

static bool parse_row(const char *line, struct stats_sample *s)
{
	unsigned long long execs, corpus, features, coverage, findings;

	if (sscanf(line, "%lf, %llu, %lf, %llu, %llu, %llu, %llu", &s->time, &execs, &s->exec_s,
		   &corpus, &features, &coverage, &findings) != 7)
		return false;
	s->execs = execs;
	s->corpus = corpus;
	s->features = features;
	s->coverage = coverage;
	s->findings = findings;
	return true;
}

bool stats_load(const char *corpus, struct stats_sample **samples, int *n)
{
	char *path = xasprintf("%s" STATS_DIR "/" STATS_PLOT, corpus);
	FILE *f = fopen(path, "r");
	char line[512];
	int cap = 0, lineno = 0;
	bool ok = true;

	*samples = NULL;
	*n = 0;
	if (!f) {
		fprintf(stderr, "mmfuzz: no campaign statistics: %s: %s\n", path, strerror(errno));
		free(path);
		return false;
	}
	while (ok && fgets(line, sizeof(line), f)) {
		lineno++;
		if (line[0] == '#')
			continue;
		if (!strchr(line, '\n') && feof(f))
			break; /* a campaign killed while writing this row */
		if (*n == cap) {
			cap = cap ? 2 * cap : 256;
			*samples = check_alloc(realloc(*samples, (size_t)cap * sizeof(**samples)));
		}
		ok = parse_row(line, &(*samples)[*n]);
		if (ok)
			(*n)++;
		else
			fprintf(stderr, "mmfuzz: %s:%d: not a plot_data row\n", path, lineno);
	}
	fclose(f);
	free(path);
	if (!ok) {
		free(*samples);
		*samples = NULL;
		*n = 0;
	}
	return ok;
}
