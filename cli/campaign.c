/* SPDX-License-Identifier: MIT */
/*
 * A campaign files what libFuzzer finds into the model's findings folder
 * (findings.h): libFuzzer saves raw crash files into the folder's
 * .incoming/ staging place, and the campaign replays each one there (now
 * and then during the run, and when the fuzzer stops) and files it into
 * its signature's folder, or into unreproducible/ if it replays clean.
 *
 * Signatures the folder already holds are muted in the fuzzer from the
 * start (MMFUZZ_KNOWN), which counts their re-hits into a file
 * (MMFUZZ_HITS): a resumed campaign looks for new bugs and still says how
 * often it met the known ones again.
 *
 * With one job, libFuzzer runs in-process (about twice the speed of its
 * fork mode) and stops at a finding; the campaign files it and restarts
 * on the same corpus with the time left, its signature muted too. With
 * several jobs, libFuzzer's fork mode runs them and goes on past findings
 * by itself; the crash files it leaves are grouped by the filing.
 *
 * Exit status: 1 only if this run filed a signature new to the folder
 * (among those --only admits), else 0 -- known signatures met again and
 * files that replay clean do not count -- and 2 on an error.
 */

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "findings.h"
#include "fuzz/runner.h"
#include "xalloc.h"

#define PATH_LEN       4096
#define TAIL_LINES     8 /* fuzzer lines kept to explain a failure */
#define SETTLE_SECONDS 2 /* a staged file this recent may be half-written */

struct campaign {
	char fuzzer[PATH_LEN];
	char *corpus;
	char *hits; /* MMFUZZ_HITS: <root>/.incoming/.hits */
	char seeds[PATH_LEN];
	int time;
	int jobs;
	uint64_t seed;
	double start;
	int round; /* fuzzer runs so far */
	const char *only;
	struct findings f;
	int new_sigs;	    /* new to the folder, admitted by --only */
	int new_hidden;	    /* new to the folder, outside --only */
	int filed_in_round; /* files filed since the fuzzer last started */
	int new_in_round;
	int errors; /* files that could not be filed */
	char tail[TAIL_LINES][512];
	int n_tail;
	/* Lock-latency view, from the fuzzer's "lock-latency" lines: the
	 * current round's running figures and the sums of rounds past. */
	unsigned long long lat_execs, lat_io, lat_wait_max;
	unsigned long long lat_done_execs, lat_done_io;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static volatile pid_t fuzzer_pid;
static volatile sig_atomic_t interrupted;

static void forward_signal(int sig)
{
	interrupted = 1;
	if (fuzzer_pid > 0)
		kill(fuzzer_pid, sig);
}

static int mkdir_p(const char *path)
{
	char buf[PATH_LEN];

	if (strlen(path) >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

static const char *exe_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);

	if (n <= 0)
		return ".";
	buf[n] = 0;
	return dirname(buf);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The seed scenarios: $MMFUZZ_SEEDS, ./corpus/seeds, or next to the
 * source tree the binary was built from. */
static void find_seeds(struct campaign *c)
{
	const char *env = getenv("MMFUZZ_SEEDS");

	c->seeds[0] = 0;
	if (env && is_dir(env)) {
		snprintf(c->seeds, sizeof(c->seeds), "%s", env);
		return;
	}
	if (is_dir("corpus/seeds")) {
		snprintf(c->seeds, sizeof(c->seeds), "corpus/seeds");
		return;
	}
	snprintf(c->seeds, sizeof(c->seeds), "%s", MMFUZZ_SOURCE_DIR "/corpus/seeds");
	if (!is_dir(c->seeds))
		c->seeds[0] = 0;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Compile every text seed into the corpus directory as a bare binary
 * input (the fuzzer's own format: no model). */
static int install_seeds(const struct campaign *c)
{
	DIR *d = opendir(c->seeds);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char err[256];
		char *src, *dst;
		struct input in;
		uint8_t *storage = NULL;

		if (!has_suffix(e->d_name, ".mmf"))
			continue;
		src = xasprintf("%s/%s", c->seeds, e->d_name);
		dst = xasprintf("%s/seed-%s.bin", c->corpus, e->d_name);
		if (input_load_file(src, &in, &storage, err, sizeof(err)) != INPUT_OK) {
			fprintf(stderr, "mmfuzz: skipping seed %s: %s\n", src, err);
		} else {
			in.model[0] = 0;
			if (input_save_file(&in, dst, err, sizeof(err)))
				n++;
			else
				fprintf(stderr, "mmfuzz: %s\n", err);
		}
		free(storage);
		free(src);
		free(dst);
	}
	closedir(d);
	return n;
}

static const char *field(const char *line, const char *key)
{
	const char *p = strstr(line, key);

	return p ? p + strlen(key) : NULL;
}

/* Turn libFuzzer's status lines into one progress line of ours. */
static void show_progress(const struct campaign *c, const char *line)
{
	const char *execs = line[0] == '#' ? line + 1 : NULL;
	const char *corp = field(line, "corp: ");
	const char *ft = field(line, "ft: ");
	/* "exec/s: N" in a plain run, "exec/s N" in fork mode. */
	const char *rate =
		field(line, "exec/s: ") ? field(line, "exec/s: ") : field(line, "exec/s ");
	const char *crash = field(line, "oom/timeout/crash: ");
	int ooms, timeouts, crashes;

	if (!execs || !rate)
		return;
	fprintf(stderr, "[%6.1fs] execs %-10lld %6lld exec/s  corpus %-5d features %-6d",
		now() - c->start, atoll(execs), atoll(rate), corp ? atoi(corp) : 0,
		ft ? atoi(ft) : 0);
	if (crash && sscanf(crash, "%d/%d/%d", &ooms, &timeouts, &crashes) == 3)
		fprintf(stderr, "  crashes %d", crashes);
	fputc('\n', stderr);
}

/* "mmfuzz: lock-latency execs N mmap-write-wait-max W io-under-mmap-lock K" */
static void note_latency(struct campaign *c, const char *line)
{
	unsigned long long execs, wait, io;

	if (sscanf(line,
		   "mmfuzz: lock-latency execs %llu mmap-write-wait-max %llu "
		   "io-under-mmap-lock %llu",
		   &execs, &wait, &io) != 3)
		return;
	if (execs < c->lat_execs) { /* a new round counts from zero */
		c->lat_done_execs += c->lat_execs;
		c->lat_done_io += c->lat_io;
	}
	c->lat_execs = execs;
	c->lat_io = io;
	if (wait > c->lat_wait_max)
		c->lat_wait_max = wait;
}

static void print_latency(const struct campaign *c)
{
	unsigned long long execs = c->lat_done_execs + c->lat_execs;

	if (execs)
		fprintf(stderr,
			"lock latency: longest wait for an mmap_lock in write mode %llu steps; "
			"I/O slept under an mmap_lock in %llu of %llu executions\n",
			c->lat_wait_max, c->lat_done_io + c->lat_io, execs);
}

/* Does --only admit this oracle and kind? */
static bool admitted(const struct campaign *c, const char *oracle, const char *kind)
{
	return !c->only || runner_listed(c->only, oracle, kind);
}

static void announce_new(struct campaign *c, const struct finding_sig *s)
{
	if (!admitted(c, s->oracle, s->kind)) {
		c->new_hidden++;
		return;
	}
	c->new_sigs++;
	fprintf(stderr,
		"[%6.1fs] FINDING mmfuzz: VIOLATION %s %s profile=%s\n"
		"           filed in %s/%s/ (%s, report.txt, %s)\n",
		now() - c->start, s->oracle, s->kind[0] ? s->kind : "-", c->f.model, c->f.root,
		s->name, s->reproducer, s->minimized ? "minimized.mmf" : "not minimised");
}

static void file_one(struct campaign *c, const char *path)
{
	struct finding_sig *s;
	char err[1024] = "";
	enum filed how = findings_file(&c->f, path, &s, err, sizeof(err));

	c->filed_in_round++;
	switch (how) {
	case FILED_NEW:
		c->new_in_round++;
		announce_new(c, s);
		break;
	case FILED_ERROR:
		c->errors++;
		fprintf(stderr, "mmfuzz: error: cannot file %s: %s\n", path, err);
		break;
	default: /* known again, or clean: counted, told in the summary */
		break;
	}
}

static bool settled(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && time(NULL) - st.st_mtime >= SETTLE_SECONDS;
}

/* File the staged crash files. While the fuzzer runs, only those old
 * enough to be complete. A file that cannot be filed stays (and is told
 * once: the next scans would fail on it again). */
static int file_incoming(struct campaign *c, bool running)
{
	DIR *d = opendir(c->f.incoming);
	struct dirent *e;
	char **names = NULL;
	int n = 0, cap = 0, filed = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "crash-", 6) != 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			names = check_alloc(realloc(names, (size_t)cap * sizeof(*names)));
		}
		names[n++] = xasprintf("%s/%s", c->f.incoming, e->d_name);
	}
	closedir(d);
	for (int i = 0; i < n; i++) {
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

/* Re-hits of muted signatures, summed from the fuzzer's MMFUZZ_HITS lines
 * ("oracle:kind N"), then the file goes. */
static void collect_hits(struct campaign *c, bool this_run)
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

static void write_summary(struct campaign *c)
{
	char err[1024];

	if (!findings_write_summary(&c->f, err, sizeof(err))) {
		fprintf(stderr, "mmfuzz: error: %s\n", err);
		c->errors++;
	}
}

static void keep_tail(struct campaign *c, const char *line)
{
	if (c->n_tail == TAIL_LINES) {
		memmove(c->tail[0], c->tail[1], sizeof(c->tail[0]) * (TAIL_LINES - 1));
		c->n_tail--;
	}
	snprintf(c->tail[c->n_tail++], sizeof(c->tail[0]), "%s", line);
}

static void handle_line(struct campaign *c, const char *line, time_t *last_progress)
{
	note_latency(c, line);
	if (line[0] == '#') {
		if (time(NULL) != *last_progress) {
			*last_progress = time(NULL);
			show_progress(c, line);
		}
	} else {
		keep_tail(c, line);
	}
}

/* Read the fuzzer's output line by line; file staged crash files every
 * second whether or not it says anything. */
static void watch_output(struct campaign *c, int fd)
{
	char buf[8192];
	size_t have = 0;
	time_t last_progress = 0;
	double last_scan = now();

	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int ready = poll(&p, 1, 1000);
		ssize_t n = 0;

		if (ready > 0) {
			n = read(fd, buf + have, sizeof(buf) - 1 - have);
			if (n <= 0)
				break;
			have += (size_t)n;
			buf[have] = 0;
			for (char *nl; (nl = strchr(buf, '\n'));) {
				*nl = 0;
				handle_line(c, buf, &last_progress);
				have -= (size_t)(nl + 1 - buf);
				memmove(buf, nl + 1, have + 1);
			}
			if (have == sizeof(buf) - 1) { /* a line longer than buf */
				handle_line(c, buf, &last_progress);
				have = 0;
			}
		} else if (ready < 0 && errno != EINTR) {
			break;
		}
		if (now() - last_scan >= 1) {
			last_scan = now();
			if (file_incoming(c, true))
				write_summary(c);
		}
	}
}

static char **build_argv(const struct campaign *c)
{
	char **argv = check_alloc(calloc(16, sizeof(*argv)));
	int n = 0;
	int left = c->time - (int)(now() - c->start);

	argv[n++] = xasprintf("%s", c->fuzzer);
	argv[n++] = xasprintf("-max_total_time=%d", left > 1 ? left : 1);
	argv[n++] = xasprintf("-artifact_prefix=%s/", c->f.incoming);
	argv[n++] =
		xasprintf("-seed=%llu", (unsigned long long)c->seed + (unsigned long long)c->round);
	if (c->jobs > 1) {
		argv[n++] = xasprintf("-fork=%d", c->jobs);
		argv[n++] = xasprintf("-ignore_crashes=1");
	}
	argv[n++] = xasprintf("-max_len=512");
	argv[n++] = xasprintf("-timeout=10");
	argv[n++] = xasprintf("-print_final_stats=1");
	argv[n++] = xasprintf("%s", c->corpus);
	argv[n] = NULL;
	return argv;
}

/* The fuzzer's environment: the canonical model (its switches included),
 * the filter, what to mute and where to count re-hits. */
static void export_env(const struct campaign *c)
{
	char *known = findings_known_keys(&c->f);

	setenv("MMFUZZ_PROFILE", runner_profile_name(), 1);
	unsetenv("MMFUZZ_SET");
	if (c->only)
		setenv("MMFUZZ_ONLY", c->only, 1);
	else
		unsetenv("MMFUZZ_ONLY");
	setenv("MMFUZZ_KNOWN", known, 1);
	setenv("MMFUZZ_HITS", c->hits, 1);
	free(known);
}

static void free_argv(char **argv)
{
	for (int i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
}

static int run_fuzzer(struct campaign *c)
{
	char **argv = build_argv(c);
	int fds[2], status = 0;

	export_env(c);
	if (pipe(fds) < 0) {
		free_argv(argv);
		return -1;
	}
	fuzzer_pid = fork();
	if (fuzzer_pid == 0) {
		/* A campaign killed outright takes its fuzzer with it. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execv(c->fuzzer, argv);
		fprintf(stderr, "mmfuzz: cannot run %s: %s\n", c->fuzzer, strerror(errno));
		_exit(2);
	}
	close(fds[1]);
	free_argv(argv);
	if (fuzzer_pid < 0) {
		close(fds[0]);
		return -1;
	}
	signal(SIGINT, forward_signal);
	signal(SIGTERM, forward_signal);
	watch_output(c, fds[0]);
	close(fds[0]);
	waitpid(fuzzer_pid, &status, 0);
	fuzzer_pid = 0;
	return status;
}

static int locate_fuzzer(struct campaign *c)
{
	char buf[PATH_LEN];

	snprintf(c->fuzzer, sizeof(c->fuzzer), "%s/mmfuzz-fuzzer", exe_dir(buf, sizeof(buf)));
	if (access(c->fuzzer, X_OK) == 0)
		return 0;
	fprintf(stderr,
		"mmfuzz: %s not found: the fuzz target is built with clang "
		"(-DMMFUZZ_FUZZERS=ON)\n",
		c->fuzzer);
	return -1;
}

/* ---- the summary on exit ---- */

static void print_new(const struct campaign *c, const struct finding_sig *s)
{
	fprintf(stderr,
		"  mmfuzz: VIOLATION %s %s profile=%s\n"
		"    %s/%s/: %d file(s), report.txt%s",
		s->oracle, s->kind[0] ? s->kind : "-", c->f.model, c->f.root, s->name, s->files.n,
		s->minimized ? ", minimized.mmf" : "");
	if (s->hits_here)
		fprintf(stderr, "; met %lu more time(s), muted", s->hits_here);
	fprintf(stderr, "\n    replay: mmfuzz replay %s/%s/%s\n", c->f.root, s->name,
		s->reproducer);
}

static void print_known(const struct finding_sig *s)
{
	fprintf(stderr, "  %s: met %lu time(s)", s->name, s->hits_here + s->files_here);
	if (s->files_here)
		fprintf(stderr, " (%lu new file(s) in duplicates/)", s->files_here);
	fputc('\n', stderr);
}

/* The signatures, in three lists: new in this run, known and met again,
 * known and not met. Only those --only admits. */
static void print_signatures(const struct campaign *c)
{
	int met = 0, not_met = 0, hidden = 0;

	if (c->new_sigs)
		fprintf(stderr, "new signatures in this run: %d\n", c->new_sigs);
	for (int i = 0; i < c->f.n_sigs; i++) {
		const struct finding_sig *s = &c->f.sigs[i];

		if (s->new_here && admitted(c, s->oracle, s->kind))
			print_new(c, s);
	}
	for (int i = 0; i < c->f.n_sigs; i++) {
		const struct finding_sig *s = &c->f.sigs[i];

		if (!admitted(c, s->oracle, s->kind))
			hidden += !s->new_here;
		if (s->new_here || !admitted(c, s->oracle, s->kind))
			continue;
		if (!s->hits_here && !s->files_here) {
			not_met++;
			continue;
		}
		if (met++ == 0)
			fprintf(stderr, "known signatures met again (muted, not announced):\n");
		print_known(s);
	}
	if (not_met)
		fprintf(stderr, "known signatures not met in this run: %d\n", not_met);
	if (hidden)
		fprintf(stderr, "known signatures outside --only, not shown: %d\n", hidden);
	if (!c->new_sigs)
		fprintf(stderr, met ? "no new findings\n" : "no findings in this run\n");
}

/* Everything else the staging place saw, so that nothing is lost
 * silently. */
static void print_leftovers(const struct campaign *c)
{
	DIR *d = opendir(c->f.incoming);
	struct dirent *e;
	int other = 0;

	if (c->f.clean_here)
		fprintf(stderr,
			"%lu file(s) replay clean: kept in %s/unreproducible/ (not counted; a "
			"sanitizer report? run %s FILE)\n",
			c->f.clean_here, c->f.root, c->fuzzer);
	if (c->new_hidden)
		fprintf(stderr, "%d new signature(s) outside --only filed (see summary.json)\n",
			c->new_hidden);
	if (c->errors)
		fprintf(stderr, "%d error(s) while filing: see above\n", c->errors);
	while (d && (e = readdir(d)))
		other += e->d_name[0] != '.';
	if (d)
		closedir(d);
	if (other)
		fprintf(stderr,
			"%d file(s) left in %s (timeouts, OOMs or leaks: not replayed, see "
			"them with %s FILE)\n",
			other, c->f.incoming, c->fuzzer);
}

static void summarize(const struct campaign *c)
{
	print_signatures(c);
	print_leftovers(c);
	fprintf(stderr, "%s/summary.json: %d signature(s) in all\n", c->f.root, c->f.n_sigs);
	print_latency(c);
}

/* Files a killed campaign left staged (or the old flat layout's) are
 * filed first: announced if new, never replayed as a finding again. */
static void file_leftovers(struct campaign *c)
{
	collect_hits(c, false);
	file_incoming(c, false);
	write_summary(c);
}

/* One job: restart after a round that filed something (the fuzzer stopped
 * at it), with the new signatures muted too. Not after a time-out, ^C, or
 * a fuzzer that failed by itself (then show why). */
static void run_rounds(struct campaign *c)
{
	for (;;) {
		int status;

		c->filed_in_round = c->new_in_round = 0;
		status = run_fuzzer(c);
		if (status < 0) {
			fprintf(stderr, "mmfuzz: cannot start the fuzzer: %s\n", strerror(errno));
			c->errors++;
			return;
		}
		file_incoming(c, false);
		collect_hits(c, true);
		write_summary(c);
		c->round++;
		if (status != 0 && !c->filed_in_round && !interrupted) {
			fprintf(stderr, "mmfuzz: the fuzzer stopped (status %d); its last lines:\n",
				WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
			for (int i = 0; i < c->n_tail; i++)
				fprintf(stderr, "    %s\n", c->tail[i]);
		}
		if (c->jobs > 1 || !c->filed_in_round || interrupted ||
		    now() - c->start >= c->time - 1)
			return;
	}
}

static int prepare(struct campaign *c, const struct cli_options *o)
{
	const char *model = runner_profile_name();
	char err[1024];
	int seeds = 0;

	if (locate_fuzzer(c) < 0)
		return -1;
	c->corpus = o->n_args ? xasprintf("%s", o->args[0]) : xasprintf("mmfuzz-corpus/%s", model);
	if (mkdir_p(c->corpus) < 0) {
		fprintf(stderr, "mmfuzz: cannot create %s: %s\n", c->corpus, strerror(errno));
		return -1;
	}
	if (!findings_open(&c->f, "findings", err, sizeof(err))) {
		fprintf(stderr, "mmfuzz: %s\n", err);
		return -1;
	}
	c->hits = xasprintf("%s/.hits", c->f.incoming);
	if (o->seeds) {
		find_seeds(c);
		seeds = install_seeds(c);
	}
	fprintf(stderr,
		"mmfuzz: campaign on model %s for %ds, seed %llu, %d job(s)\n"
		"        corpus %s (%d seed scenarios added)\n"
		"        findings %s (%d known signature(s), muted)\n",
		model, c->time, (unsigned long long)c->seed, c->jobs, c->corpus, seeds, c->f.root,
		c->f.n_sigs);
	return 0;
}

int cmd_fuzz(const struct cli_options *o)
{
	struct campaign c = {.time = o->time > 0 ? (int)o->time : 60,
			     .jobs = o->jobs > 0 ? (int)o->jobs : 1,
			     .seed = o->seed_given ? o->seed : (uint64_t)time(NULL),
			     .only = o->only};
	int status;

	if (prepare(&c, o) < 0) {
		findings_close(&c.f);
		free(c.corpus);
		free(c.hits);
		return 2;
	}
	c.start = now();
	file_leftovers(&c);
	run_rounds(&c);
	fprintf(stderr, "mmfuzz: campaign ended after %.1fs\n", now() - c.start);
	summarize(&c);
	status = c.errors ? 2 : c.new_sigs ? 1 : 0;
	findings_close(&c.f);
	free(c.corpus);
	free(c.hits);
	return status;
}
