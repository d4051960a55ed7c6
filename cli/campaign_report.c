/* SPDX-License-Identifier: MIT */
/*
 * A campaign's summary, on stdout (the progress went to stderr): why it
 * ended, what it ran, its corpus, then the signatures in three lists --
 * new in this run, known and met again, known and not met -- and what
 * else the staging place saw, so that nothing is lost silently.
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "campaign.h"

/* A corpus this much larger than at the start is worth a merge. */
#define MERGE_ADVICE_GROWTH 4
#define MERGE_ADVICE_FILES  2000

static const char *end_reason(const struct campaign *c)
{
	switch (c->end) {
	case END_TIME:
		return "its time was up";
	case END_RUNS:
		return "its runs were done";
	case END_SIGNAL:
		return c->signal == SIGINT ? "interrupted by SIGINT" : "ended by SIGTERM";
	case END_FOUND:
		return "it stopped at its first new finding (--stop-at-first)";
	case END_FAILED:
	case END_CANNOT_RUN:
	default:
		return "THE FUZZER FAILED";
	}
}

static void print_run(const struct campaign *c)
{
	double elapsed = campaign_now() - c->start;
	uint64_t execs = campaign_execs(c);

	printf("mmfuzz: campaign on model %s ended after %.1fs: %s\n", c->f.model, elapsed,
	       end_reason(c));
	if (c->end == END_FAILED)
		printf("  the fuzzer exited with status %d (see its last lines above)\n",
		       c->fuzzer_code);
	printf("executions: %llu in %d round(s), %.0f exec/s; seed %llu\n",
	       (unsigned long long)execs, c->round, elapsed > 0 ? (double)execs / elapsed : 0,
	       (unsigned long long)c->seed);
	printf("corpus %s: %llu inputs (%.1f KB), %llu at the start; ", c->corpus,
	       (unsigned long long)c->corpus_end.files, (double)c->corpus_end.bytes / 1024,
	       (unsigned long long)c->corpus_start.files);
	/* AFL++ reports map edges, not libFuzzer's features and coverage. */
	if (c->engine == ENGINE_AFL)
		printf("map edges %llu\n", (unsigned long long)c->now.features);
	else
		printf("features %llu, coverage %llu\n", (unsigned long long)c->now.features,
		       (unsigned long long)c->now.coverage);
	if (c->corpus_end.files >= MERGE_ADVICE_FILES &&
	    c->corpus_end.files >= MERGE_ADVICE_GROWTH * c->corpus_start.files)
		printf("  it grew %llu-fold: `mmfuzz corpus merge %s` keeps the inputs that "
		       "add coverage\n",
		       (unsigned long long)(c->corpus_end.files / (c->corpus_start.files + 1)),
		       c->corpus);
}

static void print_new(const struct campaign *c, const struct finding_sig *s)
{
	printf("  mmfuzz: VIOLATION %s %s profile=%s\n"
	       "    %s/%s/: %d file(s), report.txt%s",
	       s->oracle, s->kind[0] ? s->kind : "-", c->f.model, c->f.root, s->name, s->files.n,
	       s->minimized ? ", minimized.mmf" : "");
	if (s->hits_here)
		printf("; met %lu more time(s), muted", s->hits_here);
	printf("\n    replay: mmfuzz replay %s/%s/%s\n", c->f.root, s->name, s->reproducer);
}

static void print_known(const struct finding_sig *s)
{
	printf("  %s: met %lu time(s)", s->name, s->hits_here + s->files_here);
	if (s->files_here)
		printf(" (%lu new file(s) in duplicates/)", s->files_here);
	putchar('\n');
}

/* The signatures --only admits, in three lists. */
static void print_signatures(const struct campaign *c)
{
	int met = 0, not_met = 0, hidden = 0;

	if (c->new_sigs)
		printf("new signatures in this run: %d\n", c->new_sigs);
	for (int i = 0; i < c->f.n_sigs; i++) {
		const struct finding_sig *s = &c->f.sigs[i];

		if (s->new_here && campaign_admits(c, s->oracle, s->kind))
			print_new(c, s);
	}
	for (int i = 0; i < c->f.n_sigs; i++) {
		const struct finding_sig *s = &c->f.sigs[i];
		bool admitted = campaign_admits(c, s->oracle, s->kind);

		hidden += !admitted && !s->new_here;
		if (s->new_here || !admitted)
			continue;
		if (!s->hits_here && !s->files_here) {
			not_met++;
			continue;
		}
		if (met++ == 0)
			printf("known signatures met again (muted, not announced):\n");
		print_known(s);
	}
	if (not_met)
		printf("known signatures not met in this run: %d\n", not_met);
	if (hidden)
		printf("known signatures outside --only, not shown: %d\n", hidden);
	if (c->end == END_FAILED || c->end == END_CANNOT_RUN)
		printf("the campaign failed: it filed %d new signature(s) before\n", c->new_sigs);
	else if (!c->new_sigs)
		printf(met ? "no new findings\n" : "no findings in this run\n");
}

static void print_leftovers(const struct campaign *c)
{
	DIR *d = opendir(c->f.incoming);
	struct dirent *e;
	int other = 0;

	const char *sanitizer_build = c->confirm_with[0] ? c->confirm_with : c->fuzzer;

	if (c->confirmed || c->sanitizer_reports || c->not_confirmed)
		printf("replayed under ASan+UBSan: %d new signature(s) confirmed, %d sanitizer "
		       "report(s) filed as %s/sanitizer.<kind>/, %d finding(s) not reproduced\n",
		       c->confirmed, c->sanitizer_reports, c->f.root, c->not_confirmed);
	if (c->f.clean_here)
		printf("%lu file(s) replay clean: kept in %s/unreproducible/ (not a signature; a "
		       "sanitizer report or a timeout? run %s FILE); exit status 2\n",
		       c->f.clean_here, c->f.root, sanitizer_build);
	if (c->left_staged)
		printf("%d finding(s) not yet replayed under ASan+UBSan (interrupted): left in %s "
		       "for the next campaign on this corpus\n",
		       c->left_staged, c->f.incoming);
	if (c->new_hidden)
		printf("%d new signature(s) outside --only filed (see summary.json)\n",
		       c->new_hidden);
	if (c->errors)
		printf("%d error(s) while filing: see above\n", c->errors);
	while (d && (e = readdir(d)))
		other += e->d_name[0] != '.';
	if (d)
		closedir(d);
	if (other)
		printf("%d file(s) left in %s (timeouts, OOMs or leaks: not replayed, see "
		       "them with %s FILE)\n",
		       other, c->f.incoming, sanitizer_build);
}

/* A share in per cent, one decimal, of a total that may be 0. */
static double percent(unsigned long long part, unsigned long long total)
{
	return total ? 100.0 * (double)part / (double)total : 0.0;
}

/* The VMA lock's share of the user faults, as the kernel's vmstat
 * (vma_lock_success/retry/abort/miss) would show it. */
static void print_vma_lock_share(const struct campaign *c)
{
	const struct vma_lock_share *a = &c->lat_done_vma, *b = &c->lat_vma;
	unsigned long long faults = a->faults + b->faults;
	unsigned long long success = a->success + b->success, retry = a->retry + b->retry;
	unsigned long long abort = a->abort + b->abort, miss = a->miss + b->miss;

	if (!faults || !(success + retry + abort + miss))
		return;
	printf("faults under the VMA lock: %.1f%% (success), retry %.1f%%, abort %.1f%%, "
	       "miss %.1f%% of %llu faults; longest wait for a VMA write lock %llu steps\n",
	       percent(success, faults), percent(retry, faults), percent(abort, faults),
	       percent(miss, faults), faults, c->lat_vma_wait_max);
}

/* The spf proposal's share: faults that completed with no mmap_lock. */
static void print_spf_share(const struct campaign *c)
{
	const struct vma_lock_share *a = &c->lat_done_vma, *b = &c->lat_vma;
	unsigned long long faults = a->faults + b->faults;
	unsigned long long attempt = a->spf_attempt + b->spf_attempt;
	unsigned long long success = a->spf_success + b->spf_success;

	if (!faults || !attempt)
		return;
	printf("speculative faults: %.1f%% of %llu faults completed without mmap_lock "
	       "(%llu attempts, %.1f%% of them aborted)\n",
	       percent(success, faults), faults, attempt, percent(attempt - success, attempt));
}

static void print_latency(const struct campaign *c)
{
	unsigned long long execs = c->lat_done_execs + c->lat_execs;

	if (execs)
		printf("lock latency: longest wait for an mmap_lock in write mode %llu steps; "
		       "I/O slept under an mmap_lock in %llu of %llu executions\n",
		       c->lat_wait_max, c->lat_done_io + c->lat_io, execs);
	print_vma_lock_share(c);
	print_spf_share(c);
}

void campaign_report(const struct campaign *c)
{
	print_run(c);
	print_signatures(c);
	print_leftovers(c);
	printf("%s/summary.json: %d signature(s) in all\n", c->f.root, c->f.n_sigs);
	print_latency(c);
	fflush(stdout);
}
