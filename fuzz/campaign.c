/* SPDX-License-Identifier: MIT */
/*
 * With one job, libFuzzer runs in-process (about twice the speed of its
 * fork mode) and stops at a finding; the campaign names it, adds its
 * signature to MMFUZZ_KNOWN so it is not reported again, and restarts on
 * the same corpus with the time left. With several jobs, libFuzzer's fork
 * mode runs them and goes on past findings by itself.
 */
#include "campaign.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"

#define PATH_LEN 4096

struct campaign {
	char fuzzer[PATH_LEN];
	char corpus[PATH_LEN];
	char findings[PATH_LEN];
	char seeds[PATH_LEN];
	int time;
	int jobs;
	uint64_t seed;
	double start;
	int round;	  /* in-process runs so far */
	char known[1024]; /* "oracle:kind,..." found so far */
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

/* Compile every text seed into the corpus directory as a binary input. */
static int install_seeds(const struct campaign *c)
{
	DIR *d = opendir(c->seeds);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char src[PATH_LEN * 2], dst[PATH_LEN * 2], err[256];
		struct input in;
		uint8_t *storage = NULL;

		if (!has_suffix(e->d_name, ".mmf"))
			continue;
		snprintf(src, sizeof(src), "%s/%s", c->seeds, e->d_name);
		if (input_load_file(src, &in, &storage, err, sizeof(err)) != INPUT_OK) {
			fprintf(stderr, "mmfuzz: skipping seed %s: %s\n", src, err);
			free(storage);
			continue;
		}
		snprintf(dst, sizeof(dst), "%s/seed-%s.bin", c->corpus, e->d_name);
		if (input_save_file(&in, dst, err, sizeof(err)))
			n++;
		else
			fprintf(stderr, "mmfuzz: %s\n", err);
		free(storage);
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

static void scan_findings(struct campaign *c);

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

static void watch_output(struct campaign *c, FILE *out)
{
	char line[4096];
	time_t last = 0;

	while (fgets(line, sizeof(line), out)) {
		line[strcspn(line, "\n")] = 0;
		note_latency(c, line);
		if (line[0] == '#' && time(NULL) != last) {
			last = time(NULL);
			show_progress(c, line);
			scan_findings(c);
		}
	}
}

static void build_argv(const struct campaign *c, char **argv, char store[][PATH_LEN + 32])
{
	int n = 0;
	int left = c->time - (int)(now() - c->start);

	argv[n++] = (char *)c->fuzzer;
	snprintf(store[0], sizeof(store[0]), "-max_total_time=%d", left > 1 ? left : 1);
	snprintf(store[1], sizeof(store[1]), "-artifact_prefix=%s/", c->findings);
	snprintf(store[2], sizeof(store[2]), "-seed=%llu",
		 (unsigned long long)c->seed + (unsigned long long)c->round);
	snprintf(store[3], sizeof(store[3]), "-fork=%d", c->jobs);
	for (int i = 0; i < 3; i++)
		argv[n++] = store[i];
	if (c->jobs > 1) {
		argv[n++] = store[3];
		argv[n++] = "-ignore_crashes=1";
	}
	argv[n++] = "-max_len=512";
	argv[n++] = "-timeout=10";
	argv[n++] = "-print_final_stats=1";
	argv[n++] = (char *)c->corpus;
	argv[n] = NULL;
}

static void export_profile(const struct cli_options *o, const struct campaign *c)
{
	char set[1024] = "";
	size_t n = 0;

	setenv("MMFUZZ_PROFILE", o->profile ? o->profile : "latest", 1);
	for (int i = 0; i < o->n_switches && n < sizeof(set); i++)
		n += (size_t)snprintf(set + n, sizeof(set) - n, "%s%s", i ? "," : "",
				      o->switches[i]);
	setenv("MMFUZZ_SET", set, 1);
	if (o->only)
		setenv("MMFUZZ_ONLY", o->only, 1);
	setenv("MMFUZZ_KNOWN", c->known, 1);
}

static int run_fuzzer(struct campaign *c, const struct cli_options *o)
{
	char *argv[16];
	char store[4][PATH_LEN + 32];
	int fds[2], status = 0;
	FILE *out;

	build_argv(c, argv, store);
	export_profile(o, c);
	if (pipe(fds) < 0)
		return -1;
	fuzzer_pid = fork();
	if (fuzzer_pid == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execv(c->fuzzer, argv);
		fprintf(stderr, "mmfuzz: cannot run %s: %s\n", c->fuzzer, strerror(errno));
		_exit(2);
	}
	close(fds[1]);
	signal(SIGINT, forward_signal);
	signal(SIGTERM, forward_signal);
	out = fdopen(fds[0], "r");
	watch_output(c, out);
	fclose(out);
	waitpid(fuzzer_pid, &status, 0);
	return status;
}

/* Replay a saved input in this process to name it by its signature and
 * its "oracle:kind" key. */
static bool finding_signature(const char *path, char *sig, size_t len, char *key, size_t keylen)
{
	struct input in;
	struct exec_result r;
	uint8_t *storage = NULL;
	char err[256];
	bool ok = input_load_file(path, &in, &storage, err, sizeof(err)) == INPUT_OK;

	key[0] = 0;
	if (ok) {
		runner_execute(&in, NULL, false, NULL, &r);
		runner_signature(&r, sig, len);
		if (r.violation)
			snprintf(key, keylen, "%s:%s", r.oracle, r.kind);
	} else {
		snprintf(sig, len, "unreadable: %s", err);
	}
	free(storage);
	return ok;
}

/* Findings seen so far, grouped by signature. */
struct finding_group {
	char sig[256];
	char key[160]; /* "oracle:kind" */
	char first[PATH_LEN];
	int count;
};

#define MAX_GROUPS 64
#define MAX_SEEN   4096

static struct finding_group groups[MAX_GROUPS];
static int n_groups;
static char *seen[MAX_SEEN];
static int n_seen;

static bool seen_before(const char *name)
{
	for (int i = 0; i < n_seen; i++)
		if (strcmp(seen[i], name) == 0)
			return true;
	if (n_seen < MAX_SEEN)
		seen[n_seen++] = strdup(name);
	return false;
}

static void add_finding(struct campaign *c, const char *path)
{
	char sig[256], key[160];
	int i;

	finding_signature(path, sig, sizeof(sig), key, sizeof(key));
	for (i = 0; i < n_groups; i++)
		if (strcmp(groups[i].sig, sig) == 0)
			break;
	if (i == n_groups && n_groups < MAX_GROUPS) {
		snprintf(groups[i].sig, sizeof(groups[i].sig), "%s", sig);
		snprintf(groups[i].key, sizeof(groups[i].key), "%s", key);
		snprintf(groups[i].first, sizeof(groups[i].first), "%s", path);
		n_groups++;
		fprintf(stderr, "[%6.1fs] FINDING %s\n           saved as %s\n", now() - c->start,
			sig, path);
		if (key[0]) {
			size_t n = strlen(c->known);

			snprintf(c->known + n, sizeof(c->known) - n, "%s%s", n ? "," : "", key);
		}
	}
	if (i < n_groups)
		groups[i].count++;
}

/* libFuzzer's fork mode does not echo its workers' reports: look for new
 * crash files instead, and name each by replaying it. */
static void scan_findings(struct campaign *c)
{
	DIR *d = opendir(c->findings);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[PATH_LEN * 2];

		if (strncmp(e->d_name, "crash-", 6) != 0 || seen_before(e->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", c->findings, e->d_name);
		add_finding(c, path);
	}
	closedir(d);
}

static int summarize(struct campaign *c)
{
	int total = 0;

	scan_findings(c);
	for (int i = 0; i < n_groups; i++) {
		if (i == 0)
			fprintf(stderr,
				"findings, by signature (replay: mmfuzz replay --profile %s "
				"FILE):\n",
				runner_profile_name());
		fprintf(stderr, "  %s\n    %d input(s), first %s\n", groups[i].sig, groups[i].count,
			groups[i].first);
		total += groups[i].count;
	}
	if (total == 0)
		fprintf(stderr, "no findings (%s is empty)\n", c->findings);
	print_latency(c);
	return total;
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

int campaign_run(const struct cli_options *o, const char *argv0)
{
	struct campaign c = {.time = o->time > 0 ? o->time : 60,
			     .jobs = o->jobs > 0 ? o->jobs : 1,
			     .seed = o->seed ? o->seed : (uint64_t)time(NULL)};
	const char *profile = o->profile ? o->profile : "latest";
	int status, seeds = 0;

	(void)argv0;
	if (locate_fuzzer(&c) < 0)
		return 2;
	snprintf(c.corpus, sizeof(c.corpus), "%s", o->n_args ? o->args[0] : "mmfuzz-corpus");
	if (!o->n_args)
		snprintf(c.corpus + strlen(c.corpus), sizeof(c.corpus) - strlen(c.corpus), "/%s",
			 profile);
	snprintf(c.findings, sizeof(c.findings), "findings/%s", profile);
	if (mkdir_p(c.corpus) < 0 || mkdir_p(c.findings) < 0) {
		fprintf(stderr, "mmfuzz: cannot create %s or %s: %s\n", c.corpus, c.findings,
			strerror(errno));
		return 2;
	}
	if (o->seeds) {
		find_seeds(&c);
		seeds = install_seeds(&c);
	}
	fprintf(stderr,
		"mmfuzz: campaign on profile %s for %ds, seed %llu, %d job(s)\n"
		"        corpus %s (%d seed scenarios added), findings %s\n",
		runner_profile_name(), c.time, (unsigned long long)c.seed, c.jobs, c.corpus, seeds,
		c.findings);
	c.start = now();
	do {
		int before = n_groups;

		status = run_fuzzer(&c, o);
		if (status < 0) {
			fprintf(stderr, "mmfuzz: cannot start the fuzzer\n");
			return 2;
		}
		scan_findings(&c);
		c.round++;
		/* Restart only after a new finding (not on time-out, ^C, or a
		 * fuzzer that failed by itself). */
		if (n_groups == before || interrupted)
			break;
	} while (c.jobs == 1 && now() - c.start < c.time - 1);
	fprintf(stderr, "mmfuzz: campaign ended after %.1fs\n", now() - c.start);
	return summarize(&c) ? 1 : 0;
}
