/* SPDX-License-Identifier: MIT */
/*
 * `mmfuzz fuzz --engine afl`: the campaign runs AFL++ (afl.h) instead of
 * libFuzzer, on the same corpus folder, filing into the same findings
 * folder the same way.
 *
 * --jobs N starts one main instance (-M main) and N-1 secondaries
 * (-S s1 ...), sharing one output folder, <corpus>.afl/ (beside the
 * corpus, not in it: libFuzzer reads a corpus folder recursively, and
 * AFL++'s crashes/ would crash it). It is emptied when a campaign starts
 * and kept after it for AFL++'s own tools (afl-whatsup, afl-plot). It
 * lives in memory (campaign_memory_dir(), "<...>.afl"), <corpus>.afl
 * being a link to it: afl-fuzz writes every queue entry at once, and on
 * a disk that cost two thirds of its time (docs/fuzzing.md).
 *
 * AFL++ goes on past a crash. Every tick the campaign stages the crash
 * files the instances saved (crashes/id:*) into the findings folder's
 * .incoming/, named crash-afl-<hash of the content>, and files them as
 * it files libFuzzer's (campaign_filing.c): replayed, self-describing,
 * one folder per signature. With --stop-at-first it stops the instances
 * once a signature new to the folder is filed.
 *
 * Progress comes from each instance's fuzzer_stats (executions, map
 * entries), which AFL++ 4.04c rewrites only once a minute and at its end;
 * in between, the executions from the target's own count
 * (MMFUZZ_EXEC_COUNTER, <out>/<name>.execs), the corpus size and the
 * findings from the folders.
 * The budget: --time is the campaign's own deadline (-V is a backstop);
 * --runs N gives each instance -E N/jobs, which AFL++ keeps by itself.
 * At the end the instances' new queue entries join the corpus folder
 * (afl-<hash>), so the next campaign, on either engine, starts from them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "campaign.h"
#include "fuzz/input.h"
#include "xalloc.h"

#define AFL_TICK	     0.25 /* crash folders are looked at this often */
#define AFL_SAMPLE	     1.0  /* a progress line and a statistics row */
#define AFL_KILL_GRACE	     5.0  /* after SIGINT, before SIGKILL */
#define AFL_BACKSTOP_SECONDS 5	  /* -V beyond the deadline */
#define AFL_MAX_INPUT	     (1u << 20)

struct afl_instance {
	char name[16]; /* main, s1, s2, ... */
	char *dir;     /* <out>/<name> */
	char *counter; /* <out>/<name>.execs: MMFUZZ_EXEC_COUNTER */
	pid_t pid;
	int fd; /* its output, -1 once closed */
	char buf[4096];
	size_t have;
	bool exited;
	int status;
	long next_crash; /* crashes/id:N below this are staged */
	struct afl_stats stats;
};

struct afl_run {
	struct afl_instance *inst;
	int n;
	char *out; /* -o */
	char *in;  /* -i */
	bool stop_sent;
	double kill_at;
	int failed;	       /* the instance that failed, or -1 */
	enum campaign_end why; /* why the campaign stopped them */
};

/* ---- files ---- */

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path);
}

static void remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static uint8_t *read_whole(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data;

	if (!f)
		return NULL;
	data = check_alloc(malloc(AFL_MAX_INPUT));
	*size = fread(data, 1, AFL_MAX_INPUT, f);
	fclose(f);
	return data;
}

/* Write data as dir/<prefix><hash>, whole or not at all (tmp + rename).
 * false only on an error; a file already there is left alone. */
static bool write_named(const char *dir, const char *prefix, const uint8_t *data, size_t size)
{
	char name[17];
	char *path, *tmp;
	FILE *f;
	bool ok = true;

	afl_content_name(data, size, name);
	path = xasprintf("%s/%s%s", dir, prefix, name);
	tmp = xasprintf("%s/.%s%s.tmp", dir, prefix, name);
	if (access(path, F_OK) != 0) {
		f = fopen(tmp, "wb");
		ok = f && fwrite(data, 1, size, f) == size;
		ok = f && fclose(f) == 0 && ok;
		ok = ok && rename(tmp, path) == 0;
		if (!ok) {
			fprintf(stderr, "mmfuzz: cannot write %s: %s\n", path, strerror(errno));
			unlink(tmp);
		}
	}
	free(path);
	free(tmp);
	return ok;
}

/* false if `from` is empty (AFL++ has not written it yet) or on an
 * error. */
static bool copy_named(const char *from, const char *dir, const char *prefix)
{
	size_t size = 0;
	uint8_t *data = read_whole(from, &size);
	bool ok = data && size && write_named(dir, prefix, data, size);

	free(data);
	return ok;
}

/* ---- setting up ---- */

/* -i: the corpus, or (empty corpus) one empty program: AFL++ needs an
 * input to start from. */
static char *input_folder(const struct campaign *c, const char *out)
{
	static const uint8_t empty[] = {INPUT_VERSION, 0, 0};
	char *dir;

	if (corpus_measure(c->corpus).files)
		return xstrdup(c->corpus);
	dir = xasprintf("%s/.empty-corpus", out);
	if (mkdir(dir, 0755) < 0 || !write_named(dir, "empty-", empty, sizeof(empty))) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* <corpus>.afl, emptied: a link to a folder in memory when there is
 * one, else a folder. */
static bool make_output_folder(const struct campaign *c, const char *out)
{
	char *mem = campaign_memory_dir(c, ".afl");
	bool ok;

	remove_tree(out); /* a link goes, not what it points to */
	if (mem) {
		remove_tree(mem);
		ok = mkdir(mem, 0700) == 0 && symlink(mem, out) == 0;
		if (!ok)
			remove_tree(mem);
		free(mem);
		if (ok)
			return true;
	}
	return mkdir(out, 0755) == 0;
}

static bool prepare_folders(struct campaign *c, struct afl_run *run)
{
	run->out = xasprintf("%s.afl", c->corpus);
	if (!make_output_folder(c, run->out)) {
		fprintf(stderr, "mmfuzz: cannot create %s: %s\n", run->out, strerror(errno));
		return false;
	}
	run->in = input_folder(c, run->out);
	return run->in != NULL;
}

static void add_arg(char **argv, int *n, char *arg)
{
	argv[(*n)++] = arg;
	argv[*n] = NULL;
}

static char **instance_argv(const struct campaign *c, const struct afl_run *run, int i)
{
	char **argv = check_alloc(calloc(20, sizeof(*argv)));
	int n = 0;

	add_arg(argv, &n, xstrdup(c->afl.fuzz));
	add_arg(argv, &n, xasprintf("-i%s", run->in));
	add_arg(argv, &n, xasprintf("-o%s", run->out));
	add_arg(argv, &n, xstrdup(i == 0 ? "-M" : "-S"));
	add_arg(argv, &n, xstrdup(run->inst[i].name));
	add_arg(argv, &n, xasprintf("-s%u", libfuzzer_seed(c->seed, (unsigned)i)));
	if (c->time > 0)
		add_arg(argv, &n, xasprintf("-V%d", (int)ceil(c->time) + AFL_BACKSTOP_SECONDS));
	if (c->runs)
		add_arg(argv, &n,
			xasprintf("-E%llu", (unsigned long long)(c->runs + (uint64_t)run->n - 1) /
						    (unsigned long long)run->n));
	add_arg(argv, &n, xstrdup("--"));
	add_arg(argv, &n, xstrdup(c->fuzzer));
	return argv;
}

static void free_argv(char **argv)
{
	for (int i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
}

static bool start_instances(struct campaign *c, struct afl_run *run)
{
	for (int i = 0; i < run->n; i++) {
		struct afl_instance *in = &run->inst[i];
		char **argv;

		if (i == 0)
			snprintf(in->name, sizeof(in->name), "main");
		else
			snprintf(in->name, sizeof(in->name), "s%d", i);
		in->dir = xasprintf("%s/%s", run->out, in->name);
		in->counter = xasprintf("%s/%s.execs", run->out, in->name);
		setenv("MMFUZZ_EXEC_COUNTER", in->counter, 1);
		argv = instance_argv(c, run, i);
		in->pid = libfuzzer_spawn(c->afl.fuzz, argv, &in->fd);
		free_argv(argv);
		if (in->pid < 0) {
			run->failed = i;
			return false;
		}
		in->exited = false;
		(void)setpgid(in->pid, in->pid);
	}
	return true;
}

/* ---- watching them ---- */

static void keep_line(struct campaign *c, const struct afl_instance *in, const char *line)
{
	char *tagged = xasprintf("[%s] %s", in->name, line);

	campaign_keep_tail(c, tagged);
	free(tagged);
}

static void read_output(struct campaign *c, struct afl_instance *in)
{
	ssize_t n = read(in->fd, in->buf + in->have, sizeof(in->buf) - 1 - in->have);

	if (n <= 0) {
		if (n == 0 || errno != EINTR) {
			close(in->fd);
			in->fd = -1;
		}
		return;
	}
	in->have += (size_t)n;
	in->buf[in->have] = 0;
	for (char *nl; (nl = strchr(in->buf, '\n'));) {
		*nl = 0;
		keep_line(c, in, in->buf);
		in->have -= (size_t)(nl + 1 - in->buf);
		memmove(in->buf, nl + 1, in->have + 1);
	}
	if (in->have == sizeof(in->buf) - 1) {
		keep_line(c, in, in->buf);
		in->have = 0;
	}
}

/* An instance that leaves with an error before the campaign stopped it
 * failed (AFL++ could not start: its last lines tell why). */
static void reap(struct afl_run *run)
{
	for (int i = 0; i < run->n; i++) {
		struct afl_instance *in = &run->inst[i];

		if (in->exited || in->pid <= 0 || waitpid(in->pid, &in->status, WNOHANG) != in->pid)
			continue;
		in->exited = true;
		if (!run->stop_sent && run->failed < 0 && libfuzzer_status_code(in->status) != 0)
			run->failed = i;
	}
}

static bool all_exited(const struct afl_run *run)
{
	for (int i = 0; i < run->n; i++)
		if (!run->inst[i].exited || run->inst[i].fd >= 0)
			return false;
	return true;
}

static void signal_all(const struct afl_run *run, int sig)
{
	for (int i = 0; i < run->n; i++)
		if (!run->inst[i].exited && run->inst[i].pid > 0)
			kill(-run->inst[i].pid, sig);
}

/* Stop them all (AFL++ writes its statistics and leaves on SIGINT),
 * killing what does not go. */
static void stop_all(struct afl_run *run, enum campaign_end why, double t)
{
	if (!run->stop_sent) {
		run->stop_sent = true;
		run->why = why;
		run->kill_at = t + AFL_KILL_GRACE;
		signal_all(run, SIGINT);
	} else if (t >= run->kill_at) {
		signal_all(run, SIGKILL);
		run->kill_at = t + AFL_KILL_GRACE;
	}
}

static long crash_id(const char *name)
{
	return strncmp(name, "id:", 3) == 0 ? strtol(name + 3, NULL, 10) : -1;
}

struct crash_file {
	long id;
	char *name;
};

static int by_id(const void *a, const void *b)
{
	const struct crash_file *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* The instance's crash files from id `from` on, by id; malloc'd. */
static struct crash_file *list_crashes(const char *dir, long from, int *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct crash_file *list = NULL;
	int cap = 0;

	*n = 0;
	while (d && (e = readdir(d))) {
		long id = crash_id(e->d_name);

		if (id < from)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			list = check_alloc(realloc(list, (size_t)cap * sizeof(*list)));
		}
		list[(*n)++] = (struct crash_file){.id = id, .name = xstrdup(e->d_name)};
	}
	if (d)
		closedir(d);
	if (*n)
		qsort(list, (size_t)*n, sizeof(*list), by_id);
	return list;
}

/* Stage the instance's crash files not staged yet, in AFL++'s order (it
 * numbers them and writes each before the next). One that is still
 * empty is being written: it and those after it wait for the next look. */
static void stage_crashes(struct campaign *c, struct afl_instance *in)
{
	char *dir;
	struct crash_file *list;
	int n;

	if (!in->dir)
		return;
	dir = xasprintf("%s/crashes", in->dir);
	list = list_crashes(dir, in->next_crash, &n);
	for (int i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, list[i].name);

		if (list[i].id == in->next_crash && copy_named(path, c->f.incoming, "crash-afl-"))
			in->next_crash++;
		free(path);
		free(list[i].name);
	}
	free(list);
	free(dir);
}

static uint64_t count_entries(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	uint64_t n = 0;

	while (d && (e = readdir(d)))
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	if (d)
		closedir(d);
	return n;
}

/* The target's count of its executions (0 before it starts). */
static uint64_t counted_execs(const struct afl_instance *in)
{
	uint64_t n = 0;
	int fd = in->counter ? open(in->counter, O_RDONLY | O_CLOEXEC) : -1;

	if (fd >= 0) {
		if (pread(fd, &n, sizeof(n), 0) != (ssize_t)sizeof(n))
			n = 0;
		close(fd);
	}
	return n;
}

/* c->now from the instances: fuzzer_stats where written, the
 * executions the targets counted, the main instance's queue. */
static void gather_progress(struct campaign *c, struct afl_run *run)
{
	char *queue = xasprintf("%s/queue", run->inst[0].dir);
	uint64_t execs = 0, exec_s = 0, edges = 0;

	for (int i = 0; i < run->n; i++) {
		struct afl_instance *in = &run->inst[i];

		uint64_t counted = counted_execs(in);

		if (in->dir)
			afl_read_stats(in->dir, &in->stats);
		execs += in->stats.execs > counted ? in->stats.execs : counted;
		exec_s += (uint64_t)in->stats.exec_s;
		if (in->stats.edges > edges)
			edges = in->stats.edges;
	}
	c->now.execs = execs;
	c->now.exec_s = exec_s;
	c->now.features = edges;
	c->now.corpus = count_entries(queue, "id:");
	free(queue);
}

static int wait_ms(const struct campaign *c, double next, double t)
{
	double until = next - t;

	if (c->time > 0 && c->deadline - t < until)
		until = c->deadline - t;
	return until > 0 ? (int)ceil(until * 1000) : 0;
}

static void poll_output(struct campaign *c, struct afl_run *run, int ms)
{
	struct pollfd *p = check_alloc(calloc((size_t)run->n, sizeof(*p)));
	int ready;

	for (int i = 0; i < run->n; i++)
		p[i] = (struct pollfd){.fd = run->inst[i].fd, .events = POLLIN};
	ready = poll(p, (nfds_t)run->n, ms);
	for (int i = 0; ready > 0 && i < run->n; i++)
		if (p[i].revents)
			read_output(c, &run->inst[i]);
	free(p);
}

/* Why stop now, if at all: a signal, a new signature (--stop-at-first),
 * the deadline. */
static bool should_stop(const struct campaign *c, double t, enum campaign_end *why)
{
	if (campaign_stop_signal())
		*why = END_SIGNAL;
	else if (c->stop_at_first && c->new_sigs)
		*why = END_FOUND;
	else if (c->time > 0 && t >= c->deadline)
		*why = END_TIME;
	else
		return false;
	return true;
}

static void file_findings(struct campaign *c, struct afl_run *run)
{
	for (int i = 0; i < run->n; i++)
		stage_crashes(c, &run->inst[i]);
	if (campaign_file_incoming(c, false))
		campaign_write_summary(c);
}

static void watch(struct campaign *c, struct afl_run *run)
{
	double next_check = campaign_now() + AFL_TICK;
	double next_sample = campaign_now() + AFL_SAMPLE;
	enum campaign_end why;

	while (!all_exited(run)) {
		double t = campaign_now();

		poll_output(c, run, wait_ms(c, next_check, t));
		reap(run);
		t = campaign_now();
		if (t >= next_check) {
			next_check = t + AFL_TICK;
			file_findings(c, run);
		}
		if (run->failed >= 0 && !run->stop_sent)
			stop_all(run, END_FAILED, t);
		else if (should_stop(c, t, &why) || run->stop_sent)
			stop_all(run, run->stop_sent ? run->why : why, t);
		if (t >= next_sample) {
			next_sample = t + AFL_SAMPLE;
			gather_progress(c, run);
			campaign_take_sample(c, true);
		}
	}
}

/* ---- the end ---- */

/* The instances' new queue entries join the corpus folder (not the
 * inputs they started from, which are already there). */
static void import_queue(const struct campaign *c, const struct afl_run *run)
{
	for (int i = 0; i < run->n && run->inst[i].dir; i++) {
		char *queue = xasprintf("%s/queue", run->inst[i].dir);
		DIR *d = opendir(queue);
		struct dirent *e;

		while (d && (e = readdir(d))) {
			char *path;

			if (strncmp(e->d_name, "id:", 3) != 0 || strstr(e->d_name, ",orig:"))
				continue;
			path = xasprintf("%s/%s", queue, e->d_name);
			copy_named(path, c->corpus, "afl-");
			free(path);
		}
		if (d)
			closedir(d);
		free(queue);
	}
}

static void set_end(struct campaign *c, const struct afl_run *run)
{
	const struct afl_instance *failed = run->failed >= 0 ? &run->inst[run->failed] : NULL;

	if (failed) {
		c->end = failed->pid < 0 ? END_CANNOT_RUN : END_FAILED;
		c->fuzzer_code = libfuzzer_status_code(failed->status);
		fprintf(stderr,
			"mmfuzz: error: AFL++ instance %s failed (exit status %d); the last "
			"lines:\n",
			failed->name, c->fuzzer_code);
		for (int i = 0; i < c->n_tail; i++)
			fprintf(stderr, "    %s\n", c->tail[i]);
	} else if (run->stop_sent) {
		c->end = run->why;
		c->signal = campaign_stop_signal();
	} else {
		/* AFL++ left by itself: its -E or -V. */
		c->end = c->runs ? END_RUNS : END_TIME;
	}
}

static void release_run(struct afl_run *run)
{
	for (int i = 0; i < run->n; i++) {
		free(run->inst[i].dir);
		free(run->inst[i].counter);
	}
	free(run->inst);
	free(run->out);
	free(run->in);
}

void campaign_run_afl(struct campaign *c)
{
	struct afl_run run = {.n = c->jobs, .failed = -1};

	run.inst = check_alloc(calloc((size_t)run.n, sizeof(*run.inst)));
	for (int i = 0; i < run.n; i++) /* not started yet */
		run.inst[i] = (struct afl_instance){.pid = -1, .fd = -1, .exited = true};
	if (!prepare_folders(c, &run)) {
		c->end = END_CANNOT_RUN;
		release_run(&run);
		return;
	}
	campaign_export_env(c);
	afl_export_env(&c->afl);
	if (!start_instances(c, &run))
		stop_all(&run, END_CANNOT_RUN, campaign_now());
	watch(c, &run);
	for (int i = 0; i < run.n; i++)
		if (run.inst[i].pid > 0)
			kill(-run.inst[i].pid, SIGKILL); /* their targets, if any are left */
	file_findings(c, &run);
	gather_progress(c, &run);
	c->done_execs = c->now.execs;
	c->now.execs = 0;
	c->round = 1;
	campaign_collect_hits(c, true);
	campaign_write_summary(c);
	import_queue(c, &run);
	set_end(c, &run);
	release_run(&run);
}
