/* SPDX-License-Identifier: MIT */
/*
 * `mmfuzz fuzz`: a campaign runs libFuzzer (mmfuzz-fuzzer; or AFL++ with
 * --engine afl, campaign_afl.c) on one model and files what it finds into
 * the model's findings folder (campaign_filing.c, findings.h).
 *
 * Signatures the folder already holds are muted in the fuzzer from the
 * start (MMFUZZ_KNOWN), which counts their re-hits into a file
 * (MMFUZZ_HITS): a resumed campaign looks for new bugs and still says how
 * often it met the known ones again.
 *
 * With one job, libFuzzer runs in-process (about twice the speed of its
 * fork mode) and stops at a finding; the campaign files it and restarts
 * on the same corpus with what is left of the budget, its signature
 * muted too, and the next round's seed derived from --seed and the
 * round's number. With several jobs, libFuzzer's fork mode runs them and
 * goes on past findings by itself.
 *
 * The budget: --runs N passes -runs (what is left of N) to each round, so
 * that the executions add up to N exactly with one job (fork mode stops
 * after the job that crossed N). --time is the campaign's own deadline:
 * libFuzzer's -max_total_time counts whole seconds from its own start
 * (it stops once more than T whole seconds have passed: up to T + 1, and
 * every restart after a finding began a new count), so the campaign
 * interrupts the fuzzer itself when the time is up, and -max_total_time
 * is only a backstop.
 *
 * Progress goes to stderr once a second, with executions counted over
 * every round; the same figures go to the corpus folder's statistics
 * (stats_file.h). The summary goes to stdout (campaign_report.c).
 *
 * --stop-at-first ends the campaign once it has filed a signature new to
 * the folder (among those --only admits): time to a first bug.
 *
 * Exit status: 1 only if this run filed a signature new to the folder
 * (among those --only admits), else 0 -- known signatures met again and
 * files that replay clean do not count; 2 on an error, or if the fuzzer
 * failed to start or died; 130 and 143 when SIGINT or SIGTERM ended the
 * campaign (after filing what it found and printing the summary).
 */

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "campaign.h"
#include "commands.h"
#include "fuzz/runner.h"
#include "xalloc.h"

#define DEFAULT_SECONDS	    60
#define KILL_GRACE	    5.0 /* after SIGINT, before SIGKILL */
#define TICK		    1.0 /* progress, statistics and filing, in seconds */
#define MIN_ROUND_SECONDS   0.2 /* less left than this: no new round */
#define BACKSTOP_SECONDS    2	/* -max_total_time beyond the deadline */
#define FUZZER_MAX_LEN	    512
#define FUZZER_TIMEOUT	    10
#define WORK_SETTLE_SECONDS 0.25 /* a working-corpus file this recent may be half-written */

double campaign_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

uint64_t campaign_execs(const struct campaign *c)
{
	uint64_t round = c->now.execs > c->harness_execs ? c->now.execs : c->harness_execs;

	return c->done_execs + round;
}

/* ---- signals: SIGINT and SIGTERM end the campaign, not the process ---- */

static volatile pid_t fuzzer_pid;
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	if (!stop_signal)
		stop_signal = sig;
	if (fuzzer_pid > 0)
		kill(-fuzzer_pid, sig);
	/* A second one ends the campaign at once (staged files are filed
	 * by the next campaign). */
	signal(sig, SIG_DFL);
}

int campaign_stop_signal(void)
{
	return stop_signal;
}

static void catch_stop_signals(void)
{
	struct sigaction sa = {.sa_handler = on_stop_signal};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* ---- the corpus and its seeds ---- */

static int mkdir_p(const char *path)
{
	char buf[CAMPAIGN_PATH_LEN];

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

static bool install_seed(const struct campaign *c, const char *name)
{
	char err[256];
	char *src = xasprintf("%s/%s", c->seeds, name);
	char *dst = xasprintf("%s/seed-%s.bin", c->corpus, name);
	struct input in;
	uint8_t *storage = NULL;
	bool ok = false;

	if (input_load_file(src, &in, &storage, err, sizeof(err)) != INPUT_OK) {
		fprintf(stderr, "mmfuzz: skipping seed %s: %s\n", src, err);
	} else {
		in.model[0] = 0;
		ok = input_save_file(&in, dst, err, sizeof(err));
		if (!ok)
			fprintf(stderr, "mmfuzz: %s\n", err);
	}
	free(storage);
	free(src);
	free(dst);
	return ok;
}

/* Compile every text seed into the corpus directory as a bare binary
 * input (the fuzzer's own format: no model). */
static int install_seeds(const struct campaign *c)
{
	DIR *d = opendir(c->seeds);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		if (has_suffix(e->d_name, ".mmf"))
			n += install_seed(c, e->d_name);
	if (d)
		closedir(d);
	return n;
}

/* ---- the working corpus ---- */

/*
 * libFuzzer writes each input it keeps into its first corpus folder as
 * soon as it keeps it, and early in a campaign it keeps one execution in
 * five: on this project's ext4 disk, creating those files took 65% of a
 * 15-second campaign's CPU time (docs/fuzzing.md). So libFuzzer gets a
 * folder in memory first (/dev/shm/mmfuzz-<uid>-<hash of the corpus
 * path>) and the corpus second, which it only reads; every second the
 * campaign copies what it kept into the corpus (the files a quarter of a
 * second old: whole), and moves all of it after each round. The folder's name is
 * the corpus's, so the next campaign on that corpus (the corpus lock
 * allows one at a time) moves in what a killed one left. Inputs kept less
 * than about a second before the campaign ends stay only in /dev/shm until
 * the next campaign on that corpus (a reboot loses them). A copy is
 * written under a dot-name first and renamed when whole; what a killed
 * copy leaves is swept before the next campaign's fuzzer reads the
 * corpus, so a truncated input is never loaded.
 */
static bool copy_file(const char *from, const char *to)
{
	const char *slash = strrchr(to, '/');
	char *tmp = slash ? xasprintf("%.*s/.%s.tmp", (int)(slash - to), to, slash + 1)
			  : xasprintf(".%s.tmp", to);
	FILE *in = fopen(from, "rb"), *out = in ? fopen(tmp, "wb") : NULL;
	char buf[8192];
	size_t n;
	bool ok = out != NULL;

	while (ok && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		ok = fwrite(buf, 1, n, out) == n;
	ok = ok && !ferror(in);
	if (out && fclose(out) != 0)
		ok = false;
	if (in)
		fclose(in);
	ok = ok && rename(tmp, to) == 0;
	if (!ok)
		unlink(tmp);
	free(tmp);
	return ok;
}

/* Written at least this long ago: libFuzzer (one fwrite per input) is
 * done with it. */
static bool settled_file(const char *path)
{
	struct stat st;
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return stat(path, &st) == 0 &&
	       (double)(now.tv_sec - st.st_mtim.tv_sec) +
			       (double)(now.tv_nsec - st.st_mtim.tv_nsec) / 1e9 >=
		       WORK_SETTLE_SECONDS;
}

/* Call fn(c, from, to, name) for each input of the working corpus, with
 * its path there and its path in the corpus. */
static void for_each_working_input(struct campaign *c,
				   void (*fn)(struct campaign *c, const char *from, const char *to,
					      const char *name))
{
	DIR *d = c->work ? opendir(c->work) : NULL;
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char *from, *to;

		if (e->d_name[0] == '.')
			continue;
		from = xasprintf("%s/%s", c->work, e->d_name);
		to = xasprintf("%s/%s", c->corpus, e->d_name);
		fn(c, from, to, e->d_name);
		free(from);
		free(to);
	}
	if (d)
		closedir(d);
}

static void copy_if_settled(struct campaign *c, const char *from, const char *to, const char *name)
{
	if (!settled_file(from) || access(to, F_OK) == 0 || !copy_file(from, to))
		return;
	if (c->n_copied == c->cap_copied) {
		c->cap_copied = c->cap_copied ? 2 * c->cap_copied : 64;
		c->copied =
			check_alloc(realloc(c->copied, (size_t)c->cap_copied * sizeof(*c->copied)));
	}
	c->copied[c->n_copied++] = xstrdup(name);
}

/* While the fuzzer runs: copy the inputs it kept a while ago into the
 * corpus, and remember them (it may still drop one for a smaller input
 * with the same features). */
static void copy_working_corpus(struct campaign *c)
{
	for_each_working_input(c, copy_if_settled);
}

static void move_in(struct campaign *c, const char *from, const char *to, const char *name)
{
	(void)c;
	(void)name;
	if (access(to, F_OK) == 0 || copy_file(from, to))
		unlink(from);
	else
		fprintf(stderr, "mmfuzz: warning: cannot move %s to %s: %s\n", from, to,
			strerror(errno));
}

/* After a round: what the fuzzer dropped after it was copied leaves the
 * corpus too, and the rest moves in (one already there is the same
 * input: libFuzzer names them by their SHA-1). The corpus ends as moving
 * the whole working corpus now would leave it, however the copies fell
 * in time: a --seed campaign stays reproducible. */
static void move_working_corpus(struct campaign *c)
{
	for (int i = 0; i < c->n_copied; i++) {
		char *from = xasprintf("%s/%s", c->work, c->copied[i]);
		char *to = xasprintf("%s/%s", c->corpus, c->copied[i]);

		if (access(from, F_OK) != 0)
			unlink(to);
		free(from);
		free(to);
		free(c->copied[i]);
	}
	c->n_copied = 0;
	for_each_working_input(c, move_in);
}

char *campaign_memory_dir(const struct campaign *c, const char *suffix)
{
	char real[PATH_MAX];
	unsigned long long h = 14695981039346656037ull; /* FNV-1a */

	if (!is_dir("/dev/shm") || !realpath(c->corpus, real))
		return NULL;
	for (const char *p = real; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	return xasprintf("/dev/shm/mmfuzz-%u-%016llx%s", (unsigned)getuid(), h, suffix);
}

/* What a copy killed half-way left: dot-named, so never loaded. */
static void sweep_partial_copies(const struct campaign *c)
{
	DIR *d = opendir(c->corpus);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char *path;

		if (e->d_name[0] != '.' || !has_suffix(e->d_name, ".tmp"))
			continue;
		path = xasprintf("%s/%s", c->corpus, e->d_name);
		unlink(path);
		free(path);
	}
	if (d)
		closedir(d);
}

/* The folder in /dev/shm is only ours if it is a real directory of our
 * own (anyone can create a name there first). */
static bool ours(const char *dir)
{
	struct stat st;

	return lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid();
}

static void open_working_corpus(struct campaign *c)
{
	sweep_partial_copies(c);
	c->work = campaign_memory_dir(c, "");
	if (c->work && ((mkdir(c->work, 0700) < 0 && errno != EEXIST) || !ours(c->work))) {
		fprintf(stderr,
			"mmfuzz: note: %s is not a directory of ours: fuzzing in the corpus "
			"directly\n",
			c->work);
		free(c->work);
		c->work = NULL;
		return;
	}
	if (c->work)
		move_working_corpus(c); /* what a killed campaign left */
}

static void close_working_corpus(struct campaign *c)
{
	if (!c->work)
		return;
	move_working_corpus(c);
	rmdir(c->work);
	free(c->work);
	c->work = NULL;
}

/* ---- progress and statistics ---- */

static const char *stats_status(const struct campaign *c, bool running)
{
	if (running)
		return "running";
	if (c->end == END_SIGNAL)
		return "interrupted";
	return c->end == END_FAILED || c->end == END_CANNOT_RUN ? "failed" : "done";
}

/* A sample now: one row of statistics and, while the fuzzer runs, one
 * progress line on stderr. */
void campaign_take_sample(struct campaign *c, bool running)
{
	struct stats_sample s = {.time = campaign_now() - c->start,
				 .execs = campaign_execs(c),
				 .corpus = c->now.corpus,
				 .features = c->now.features,
				 .coverage = c->now.coverage,
				 .findings = (uint64_t)c->new_sigs};
	struct stats_header h = {.model = c->f.model,
				 .seed = c->seed,
				 .jobs = c->jobs,
				 .rounds = c->round + running,
				 .findings_total = (uint64_t)c->f.n_sigs,
				 .status = stats_status(c, running)};
	double dt = s.time - c->last_sample.time;

	s.exec_s = dt >= TICK / 2 && s.execs >= c->last_sample.execs
			   ? (double)(s.execs - c->last_sample.execs) / dt
			   : c->last_sample.exec_s;
	stats_record(&c->stats, &s, &h);
	c->last_sample = s;
	if (!running)
		return; /* the summary says the rest */
	fprintf(stderr,
		"[%6.1fs] execs %-10llu %6.0f exec/s  corpus %-5llu features %-6llu findings %llu",
		s.time, (unsigned long long)s.execs, s.exec_s, (unsigned long long)s.corpus,
		(unsigned long long)s.features, (unsigned long long)s.findings);
	if (c->round)
		fprintf(stderr, "  round %d", c->round + 1);
	fputc('\n', stderr);
}

/* "mmfuzz: lock-latency execs N mmap-write-wait-max W io-under-mmap-lock K
 * vma-write-wait-max V faults F vma-lock success S retry R abort A miss M
 * spf attempt P success Q": the harness's running figures for this round
 * (the VMA and spf parts may be missing: a harness built before them). */
static void note_latency(struct campaign *c, const char *line)
{
	unsigned long long execs, wait, io, vma_wait;
	struct vma_lock_share v = {0};
	int n = sscanf(line,
		       "mmfuzz: lock-latency execs %llu mmap-write-wait-max %llu "
		       "io-under-mmap-lock %llu vma-write-wait-max %llu faults %llu "
		       "vma-lock success %llu retry %llu abort %llu miss %llu "
		       "spf attempt %llu success %llu",
		       &execs, &wait, &io, &vma_wait, &v.faults, &v.success, &v.retry, &v.abort,
		       &v.miss, &v.spf_attempt, &v.spf_success);

	if (n < 3)
		return;
	c->lat_execs = execs;
	c->lat_io = io;
	if (wait > c->lat_wait_max)
		c->lat_wait_max = wait;
	if (n >= 9) {
		c->lat_vma = v;
		if (vma_wait > c->lat_vma_wait_max)
			c->lat_vma_wait_max = vma_wait;
	}
	if (c->jobs == 1)
		c->harness_execs = execs;
}

void campaign_keep_tail(struct campaign *c, const char *line)
{
	if (c->n_tail == CAMPAIGN_TAIL_LINES) {
		memmove(c->tail[0], c->tail[1], sizeof(c->tail[0]) * (CAMPAIGN_TAIL_LINES - 1));
		c->n_tail--;
	}
	snprintf(c->tail[c->n_tail++], sizeof(c->tail[0]), "%s", line);
}

static void handle_line(struct campaign *c, const char *line)
{
	note_latency(c, line);
	if (!libfuzzer_parse_line(line, &c->now) && strncmp(line, "mmfuzz: lock-latency", 20) != 0)
		campaign_keep_tail(c, line);
}

/* ---- one round: one run of libFuzzer ---- */

struct round {
	pid_t pid;
	int fd;
	char buf[8192];
	size_t have;
	bool deadline_sent;
	double kill_at;
};

/* When the next sample is due: a second after the last, over rounds. */
static double next_tick(const struct campaign *c)
{
	return c->start + c->last_sample.time + TICK;
}

static void read_output(struct campaign *c, struct round *r, bool *eof)
{
	ssize_t n = read(r->fd, r->buf + r->have, sizeof(r->buf) - 1 - r->have);

	if (n <= 0) {
		*eof = n == 0 || errno != EINTR;
		return;
	}
	r->have += (size_t)n;
	r->buf[r->have] = 0;
	for (char *nl; (nl = strchr(r->buf, '\n'));) {
		*nl = 0;
		handle_line(c, r->buf);
		r->have -= (size_t)(nl + 1 - r->buf);
		memmove(r->buf, nl + 1, r->have + 1);
	}
	if (r->have == sizeof(r->buf) - 1) { /* a line longer than buf */
		handle_line(c, r->buf);
		r->have = 0;
	}
}

/* How long poll may wait: until the next tick or the deadline. */
static int wait_ms(const struct campaign *c, const struct round *r, double t)
{
	double until = next_tick(c) - t;

	if (c->time > 0 && !r->deadline_sent && c->deadline - t < until)
		until = c->deadline - t;
	return until > 0 ? (int)ceil(until * 1000) : 0;
}

/* The time is up, or --stop-at-first has its finding (fork mode goes on
 * past findings): interrupt the fuzzer (it prints its final stats), and
 * kill it if it does not go. */
static void enforce_deadline(struct campaign *c, struct round *r, double t)
{
	bool stop = (c->time > 0 && t >= c->deadline) || (c->stop_at_first && c->new_sigs);

	if (stop && !r->deadline_sent) {
		r->deadline_sent = true;
		r->kill_at = t + KILL_GRACE;
		kill(-r->pid, SIGINT);
	} else if (r->deadline_sent && t >= r->kill_at) {
		kill(-r->pid, SIGKILL);
		r->kill_at = t + KILL_GRACE;
	}
}

static void watch(struct campaign *c, struct round *r)
{
	bool eof = false;

	while (!eof) {
		struct pollfd p = {.fd = r->fd, .events = POLLIN};
		double t = campaign_now();
		int ready = poll(&p, 1, wait_ms(c, r, t));

		if (ready > 0)
			read_output(c, r, &eof);
		else if (ready < 0 && errno != EINTR)
			break;
		t = campaign_now();
		enforce_deadline(c, r, t);
		if (t >= next_tick(c)) {
			copy_working_corpus(c);
			if (campaign_file_incoming(c, true))
				campaign_write_summary(c);
			campaign_take_sample(c, true);
		}
	}
}

static void add_arg(char **argv, int *n, char *arg)
{
	argv[(*n)++] = arg;
	argv[*n] = NULL;
}

static char **round_argv(const struct campaign *c)
{
	char **argv = check_alloc(calloc(20, sizeof(*argv)));
	int n = 0;

	add_arg(argv, &n, xasprintf("%s", c->fuzzer));
	add_arg(argv, &n, xasprintf("-artifact_prefix=%s/", c->f.incoming));
	add_arg(argv, &n, xasprintf("-seed=%u", libfuzzer_seed(c->seed, (unsigned)c->round)));
	if (c->runs)
		add_arg(argv, &n,
			xasprintf("-runs=%llu", (unsigned long long)(c->runs - c->done_execs)));
	if (c->time > 0)
		add_arg(argv, &n,
			xasprintf("-max_total_time=%d",
				  (int)ceil(c->deadline - campaign_now()) + BACKSTOP_SECONDS));
	if (c->jobs > 1) {
		add_arg(argv, &n, xasprintf("-fork=%d", c->jobs));
		add_arg(argv, &n, xasprintf("-ignore_crashes=1"));
	} else {
		/* Only this process writes the corpus: re-reading it would
		 * only make the run depend on the clock. */
		add_arg(argv, &n, xasprintf("-reload=0"));
	}
	/* Entropic's per-feature bookkeeping (two thirds of libFuzzer's own
	 * time with the interleaving features) for a schedule the structure-
	 * aware mutator does not need: 1.6x the executions per CPU second,
	 * and no more executions to B2 (docs/fuzzing.md). */
	add_arg(argv, &n, xasprintf("-entropic=0"));
	add_arg(argv, &n, xasprintf("-max_len=%d", FUZZER_MAX_LEN));
	add_arg(argv, &n, xasprintf("-timeout=%d", FUZZER_TIMEOUT));
	add_arg(argv, &n, xasprintf("-print_final_stats=1"));
	if (c->work)
		add_arg(argv, &n, xasprintf("%s", c->work));
	add_arg(argv, &n, xasprintf("%s", c->corpus));
	return argv;
}

static void free_argv(char **argv)
{
	for (int i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/* The fuzzer's environment: the canonical model (its switches included),
 * the filter, what to mute, where to count re-hits, and a status line
 * every second. */
void campaign_export_env(const struct campaign *c)
{
	char *known = findings_known_keys(&c->f);

	setenv("MMFUZZ_PROFILE", runner_profile_name(), 1);
	unsetenv("MMFUZZ_SET");
	unsetenv("MMFUZZ_MUTE_ALL");
	if (c->only)
		setenv("MMFUZZ_ONLY", c->only, 1);
	else
		unsetenv("MMFUZZ_ONLY");
	setenv("MMFUZZ_KNOWN", known, 1);
	setenv("MMFUZZ_HITS", c->hits, 1);
	setenv("MMFUZZ_PROGRESS", "1", 1);
	free(known);
}

/* Run libFuzzer once, in a process group of its own (fork mode's workers
 * go with it). Its wait status, or -1 if it could not be started. */
static int run_fuzzer(struct campaign *c)
{
	char **argv = round_argv(c);
	struct round r = {.pid = -1};
	int status = 0;

	campaign_export_env(c);
	memset(&c->now, 0, sizeof(c->now));
	c->now.corpus = c->last_sample.corpus;
	c->now.features = c->last_sample.features;
	c->now.coverage = c->last_sample.coverage;
	c->harness_execs = 0;
	c->n_tail = 0;
	r.pid = libfuzzer_spawn(c->fuzzer, argv, &r.fd);
	free_argv(argv);
	if (r.pid < 0)
		return -1;
	/* EACCES: the child has exec'd, and made its group itself. */
	(void)setpgid(r.pid, r.pid);
	fuzzer_pid = r.pid;
	if (stop_signal) /* it came while we were starting the fuzzer */
		kill(-r.pid, stop_signal);
	watch(c, &r);
	close(r.fd);
	while (waitpid(r.pid, &status, 0) < 0 && errno == EINTR)
		;
	kill(-r.pid, SIGKILL); /* fork mode's workers, if any are left */
	fuzzer_pid = 0;
	return status;
}

/* ---- the rounds ---- */

static void end_round(struct campaign *c)
{
	uint64_t execs = c->now.final ? c->now.execs : campaign_execs(c) - c->done_execs;

	move_working_corpus(c);
	campaign_file_incoming(c, false);
	campaign_collect_hits(c, true);
	campaign_write_summary(c);
	c->done_execs += execs;
	c->now.execs = c->harness_execs = 0;
	c->lat_done_execs += c->lat_execs;
	c->lat_done_io += c->lat_io;
	c->lat_execs = c->lat_io = 0;
	c->lat_done_vma.faults += c->lat_vma.faults;
	c->lat_done_vma.success += c->lat_vma.success;
	c->lat_done_vma.retry += c->lat_vma.retry;
	c->lat_done_vma.abort += c->lat_vma.abort;
	c->lat_done_vma.miss += c->lat_vma.miss;
	c->lat_done_vma.spf_attempt += c->lat_vma.spf_attempt;
	c->lat_done_vma.spf_success += c->lat_vma.spf_success;
	c->lat_vma = (struct vma_lock_share){0};
	c->round++;
}

static void report_failure(struct campaign *c, int code)
{
	c->end = END_FAILED;
	c->fuzzer_code = code;
	fprintf(stderr, "mmfuzz: error: the fuzzer failed (exit status %d); its last lines:\n",
		code);
	for (int i = 0; i < c->n_tail; i++)
		fprintf(stderr, "    %s\n", c->tail[i]);
}

/* Is the budget spent? Sets c->end if so. */
static bool budget_spent(struct campaign *c)
{
	if (c->runs && c->done_execs >= c->runs) {
		c->end = END_RUNS;
		return true;
	}
	if (c->time > 0 && c->deadline - campaign_now() < MIN_ROUND_SECONDS) {
		c->end = END_TIME;
		return true;
	}
	return false;
}

/* After a round: go on (true), or why the campaign ends. With one job,
 * libFuzzer stops at a finding or at a timeout, OOM or leak (the file it
 * left is told in the summary): restart. Anything else it did not do on
 * purpose is a failure, never "no findings". */
static bool next_round(struct campaign *c, int status, int staged_before)
{
	int code = libfuzzer_status_code(status);

	if (stop_signal) {
		c->end = END_SIGNAL;
		c->signal = stop_signal;
		return false;
	}
	if (c->stop_at_first && c->new_sigs) {
		c->end = END_FOUND;
		return false;
	}
	if (budget_spent(c))
		return false;
	if (code == 0) { /* its own -runs or -max_total_time */
		c->end = c->runs ? END_RUNS : END_TIME;
		return false;
	}
	if (c->jobs == 1 && (c->filed_in_round || campaign_count_staged(c) > staged_before))
		return true;
	report_failure(c, code);
	return false;
}

static void run_rounds(struct campaign *c)
{
	if (c->engine == ENGINE_AFL) {
		campaign_run_afl(c);
		return;
	}
	for (;;) {
		int staged_before = campaign_count_staged(c);
		int status;

		if (stop_signal) {
			c->end = END_SIGNAL;
			c->signal = stop_signal;
			return;
		}
		if (budget_spent(c))
			return;
		c->filed_in_round = 0;
		status = run_fuzzer(c);
		if (status < 0) {
			c->end = END_CANNOT_RUN;
			return;
		}
		end_round(c);
		if (!next_round(c, status, staged_before))
			return;
	}
}

/* ---- setting up, and the end ---- */

/*
 * The target, and the sanitizer build that confirms its findings. By
 * default libFuzzer runs the coverage-only build (mmfuzz-fuzzer-cov: no
 * ASan or UBSan, 2.2-2.8x the executions per CPU second and to B2 in
 * less time, docs/fuzzing.md), and each new finding is replayed on mmfuzz-fuzzer
 * (ASan+UBSan) before it is filed; --sanitize fuzzes with mmfuzz-fuzzer
 * itself. AFL++'s target has no sanitizers either: its findings are
 * replayed the same way whenever mmfuzz-fuzzer is there.
 */
static int locate_targets(struct campaign *c)
{
	char cov[CAMPAIGN_PATH_LEN];

	if (c->engine == ENGINE_AFL) {
		if (!afl_locate(&c->afl))
			return -1;
		snprintf(c->fuzzer, sizeof(c->fuzzer), "%s", c->afl.target);
		if (!libfuzzer_find("mmfuzz-fuzzer", c->confirm_with, sizeof(c->confirm_with))) {
			fprintf(stderr,
				"mmfuzz: warning: %s not found: AFL++'s findings are filed "
				"without a replay under ASan+UBSan\n",
				c->confirm_with);
			c->confirm_with[0] = 0;
		}
		return 0;
	}
	if (!libfuzzer_locate(c->fuzzer, sizeof(c->fuzzer)))
		return -1;
	if (c->sanitize)
		return 0;
	if (!libfuzzer_find("mmfuzz-fuzzer-cov", cov, sizeof(cov))) {
		fprintf(stderr, "mmfuzz: %s not found: fuzzing with the sanitizer build\n", cov);
		return 0;
	}
	snprintf(c->confirm_with, sizeof(c->confirm_with), "%s", c->fuzzer);
	snprintf(c->fuzzer, sizeof(c->fuzzer), "%s", cov);
	return 0;
}

static const char *build_name(const struct campaign *c)
{
	if (c->engine == ENGINE_AFL)
		return c->confirm_with[0] ? "mmfuzz-afl, findings replayed under ASan+UBSan"
					  : "mmfuzz-afl";
	return c->confirm_with[0] ? "coverage only, findings replayed under ASan+UBSan"
				  : "ASan+UBSan";
}

static int prepare(struct campaign *c, const struct cli_options *o)
{
	const char *model = runner_profile_name();
	char err[1024];
	int seeds = 0;

	if (locate_targets(c) < 0)
		return -1;
	c->corpus = o->n_args ? xasprintf("%s", o->args[0]) : corpus_default_dir();
	if (mkdir_p(c->corpus) < 0) {
		fprintf(stderr, "mmfuzz: cannot create %s: %s\n", c->corpus, strerror(errno));
		return -1;
	}
	c->corpus_lock = corpus_lock(c->corpus);
	if (c->corpus_lock < 0)
		return -1;
	if (c->engine == ENGINE_LIBFUZZER)
		open_working_corpus(c);
	if (!findings_open(&c->f, "findings", err, sizeof(err))) {
		fprintf(stderr, "mmfuzz: %s\n", err);
		return -1;
	}
	c->hits = xasprintf("%s/.hits", c->f.incoming);
	if (o->seeds) {
		find_seeds(c);
		seeds = install_seeds(c);
	}
	c->corpus_start = corpus_measure(c->corpus);
	if (!stats_open(&c->stats, c->corpus))
		return -1;
	fprintf(stderr, "mmfuzz: %s campaign on model %s for ",
		c->engine == ENGINE_AFL ? "AFL++" : "libFuzzer", model);
	if (c->time > 0)
		fprintf(stderr, "%.0fs%s", c->time, c->runs ? " or " : "");
	if (c->runs)
		fprintf(stderr, "%llu runs", (unsigned long long)c->runs);
	fprintf(stderr,
		", seed %llu, %d job(s)\n"
		"        build: %s\n"
		"        corpus %s (%llu inputs, %d seed scenarios added)\n"
		"        findings %s (%d known signature(s), muted)\n",
		(unsigned long long)c->seed, c->jobs, build_name(c), c->corpus,
		(unsigned long long)c->corpus_start.files, seeds, c->f.root, c->f.n_sigs);
	return 0;
}

/* Files a killed campaign left staged (or the old flat layout's) are
 * filed first: announced if new, never replayed as a finding again. */
static void file_leftovers(struct campaign *c)
{
	campaign_collect_hits(c, false);
	campaign_file_incoming(c, false);
	campaign_write_summary(c);
}

static int exit_status(const struct campaign *c)
{
	if (c->end == END_SIGNAL)
		return 128 + c->signal;
	if (c->end == END_FAILED || c->end == END_CANNOT_RUN || c->errors)
		return EXIT_USAGE;
	/* The fuzzer stopped on these, the model does not: a sanitizer report
	 * or a timeout. Not a clean run, and not a known bug either. */
	if (c->f.clean_here)
		return EXIT_USAGE;
	return c->new_sigs ? EXIT_VIOLATION : EXIT_CLEAN;
}

static void release(struct campaign *c)
{
	close_working_corpus(c);
	free(c->copied);
	stats_close(&c->stats);
	findings_close(&c->f);
	if (c->corpus_lock >= 0)
		close(c->corpus_lock);
	free(c->corpus);
	free(c->hits);
}

int cmd_fuzz(const struct cli_options *o)
{
	struct campaign c = {.time = o->time > 0     ? (double)o->time
				     : o->runs_given ? 0
						     : DEFAULT_SECONDS,
			     .runs = o->runs_given ? o->runs : 0,
			     .jobs = o->jobs > 0 ? (int)o->jobs : 1,
			     .seed = o->seed_given ? o->seed : (uint64_t)time(NULL),
			     .only = o->only,
			     .engine = o->engine && strcmp(o->engine, "afl") == 0
					       ? ENGINE_AFL
					       : ENGINE_LIBFUZZER,
			     .stop_at_first = o->stop_at_first,
			     .sanitize = o->sanitize,
			     .corpus_lock = -1};
	int status;

	/* libFuzzer reads -runs into an int. */
	if (o->runs_given && o->runs > INT_MAX) {
		fprintf(stderr, "mmfuzz: --runs: %llu is out of range for fuzz (1 to %d)\n",
			(unsigned long long)o->runs, INT_MAX);
		return EXIT_USAGE;
	}
	c.start = campaign_now();
	c.deadline = c.start + c.time;
	catch_stop_signals();
	if (prepare(&c, o) < 0) {
		release(&c);
		return EXIT_USAGE;
	}
	file_leftovers(&c);
	run_rounds(&c);
	c.corpus_end = corpus_measure(c.corpus);
	campaign_take_sample(&c, false);
	campaign_report(&c);
	status = exit_status(&c);
	release(&c);
	return status;
}
