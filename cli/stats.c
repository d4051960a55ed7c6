/* SPDX-License-Identifier: MIT */
/*
 * `mmfuzz stats [--svg OUT] [DIR]`: a campaign's statistics (see
 * stats_file.h): its fuzzer_stats as they stand, then plot_data at a few
 * points in time; --svg plots features, exec/s and findings over time.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "corpus.h"
#include "plot.h"
#include "stats_file.h"
#include "xalloc.h"

#define TABLE_ROWS 10

static bool print_summary(FILE *out, const char *dir)
{
	char *path = xasprintf("%s" STATS_DIR "/" STATS_SUMMARY, dir);
	FILE *f = fopen(path, "r");
	char line[512];

	if (!f) {
		fprintf(stderr, "mmfuzz: no campaign statistics: %s: %s\n", path, strerror(errno));
		free(path);
		return false;
	}
	fprintf(out, "%s:\n", path);
	while (fgets(line, sizeof(line), f))
		fprintf(out, "  %s", line);
	fclose(f);
	free(path);
	return true;
}

static void print_row(FILE *out, const struct stats_sample *s)
{
	fprintf(out, "  %8.1f %12llu %9.0f %8llu %9llu %9llu %9llu\n", s->time,
		(unsigned long long)s->execs, s->exec_s, (unsigned long long)s->corpus,
		(unsigned long long)s->features, (unsigned long long)s->coverage,
		(unsigned long long)s->findings);
}

/* At most TABLE_ROWS rows, evenly spread, the last sample included. */
static void print_table(FILE *out, const struct stats_sample *s, int n)
{
	int step = n > TABLE_ROWS ? (n + TABLE_ROWS - 1) / TABLE_ROWS : 1;

	fprintf(out, "over time (%d samples):\n  %8s %12s %9s %8s %9s %9s %9s\n", n, "time",
		"execs", "exec/s", "corpus", "features", "coverage", "findings");
	for (int i = 0; i < n; i += step)
		if (i != n - 1)
			print_row(out, &s[i]);
	print_row(out, &s[n - 1]);
}

int cmd_stats(const struct cli_options *o)
{
	char *dir = o->n_args ? xasprintf("%s", o->args[0]) : corpus_default_dir();
	struct stats_sample *samples = NULL;
	int n = 0, status = EXIT_USAGE;
	/* With the plot on stdout, the text goes to stderr. */
	FILE *out = o->svg && strcmp(o->svg, "-") == 0 ? stderr : stdout;

	if (print_summary(out, dir) && stats_load(dir, &samples, &n)) {
		if (n == 0) {
			fprintf(stderr,
				"mmfuzz: %s" STATS_DIR "/" STATS_PLOT " has no samples yet\n", dir);
		} else {
			char *title = xasprintf("mmfuzz campaign: %s", dir);

			print_table(out, samples, n);
			status = !o->svg || plot_write_svg(o->svg, title, samples, n) ? EXIT_CLEAN
										      : EXIT_USAGE;
			free(title);
		}
	}
	free(samples);
	free(dir);
	return status;
}
