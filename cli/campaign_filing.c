/* SPDX-License-Identifier: MIT */
/*
 * Filing what the fuzzer finds: libFuzzer saves raw crash files into the
 * findings folder's .incoming/ staging place; each is replayed there (now
 * and then during the run, and when the fuzzer stops) and filed into its
 * signature's folder, or into unreproducible/ if it replays clean (see
 * findings.h). Re-hits of muted signatures come from MMFUZZ_HITS.
 *
 * A target without sanitizers (the coverage-only build, AFL++'s) cannot
 * see a memory error in the model's own code. Each file whose signature
 * is new to the folder is therefore run once more on the ASan+UBSan
 * build (c->confirm_with, which runs a file given to it once) before it
 * is filed: the same signature there -> filed as usual, and said to be
 * confirmed; a sanitizer report -> filed as sanitizer.<kind> with that
 * report; anything else -> filed in unreproducible/, and said so. A file
 * of a signature already filed is not replayed again: its signature was
 * confirmed when it was first filed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "campaign.h"
#include "fuzz/runner.h"
#include "xalloc.h"

#define SETTLE_SECONDS	  2 /* a staged file this recent may be half-written */
#define REPLAY_OUTPUT_MAX ((size_t)256 * 1024)
#define SANITIZER_ORACLE  "sanitizer"

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
		"           filed in %s/%s/ (%s, report.txt, %s)%s\n",
		campaign_now() - c->start, s->oracle, s->kind[0] ? s->kind : "-", c->f.model,
		c->f.root, s->name, s->reproducer, s->minimized ? "minimized.mmf" : "not minimised",
		c->confirm_with[0] ? "; confirmed under ASan+UBSan" : "");
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

/* ---- the sanitizer replay of an uninstrumented target's findings ---- */

/* In the child: the model of the campaign, no filter (the replay judges
 * the bare execution), the output on the pipe. */
static void become_replay(const struct campaign *c, const char *path, int fds[2])
{
	static const char *const filters[] = {
		"MMFUZZ_SET",	   "MMFUZZ_ONLY",	 "MMFUZZ_KNOWN",  "MMFUZZ_HITS",
		"MMFUZZ_PROGRESS", "MMFUZZ_MUTE_ALL",	 "MMFUZZ_WINDOW", "MMFUZZ_FIXED_BY",
		"MMFUZZ_WITH_OPS", "MMFUZZ_WITHOUT_OPS",
	};
	char *argv[] = {xstrdup(c->confirm_with), xstrdup("-timeout=10"), xstrdup(path), NULL};

	/* Its own process group: a Ctrl-C meant for the campaign must not cut
	 * the replay short and make a real finding look unreproduced. */
	setpgid(0, 0);
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
		unsetenv(filters[i]);
	setenv("MMFUZZ_PROFILE", runner_profile_name(), 1);
	dup2(fds[1], STDOUT_FILENO);
	dup2(fds[1], STDERR_FILENO);
	close(fds[0]);
	close(fds[1]);
	execv(argv[0], argv);
	fprintf(stderr, "mmfuzz: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Read fd to its end, keeping the first `max` bytes. How many kept. */
static size_t read_all(int fd, char *out, size_t max)
{
	char sink[4096];
	size_t have = 0;

	for (;;) {
		bool room = have < max;
		ssize_t n = read(fd, room ? out + have : sink, room ? max - have : sizeof(sink));

		if (n == 0 || (n < 0 && errno != EINTR))
			return have;
		if (n > 0 && room)
			have += (size_t)n;
	}
}

/* What the sanitizer build prints on `path` (NUL-terminated, at most
 * REPLAY_OUTPUT_MAX bytes kept) and its wait status; malloc'd, NULL if
 * it cannot be run. */
static char *sanitizer_replay(const struct campaign *c, const char *path, int *status)
{
	char *out;
	int fds[2];
	pid_t pid;

	if (pipe(fds) < 0) {
		fprintf(stderr, "mmfuzz: pipe: %s\n", strerror(errno));
		return NULL;
	}
	pid = fork();
	if (pid == 0)
		become_replay(c, path, fds);
	close(fds[1]);
	if (pid < 0) {
		fprintf(stderr, "mmfuzz: cannot run %s: %s\n", c->confirm_with, strerror(errno));
		close(fds[0]);
		return NULL;
	}
	out = check_alloc(malloc(REPLAY_OUTPUT_MAX + 1));
	out[read_all(fds[0], out, REPLAY_OUTPUT_MAX)] = 0;
	close(fds[0]);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return out;
}

/* "SUMMARY: AddressSanitizer: heap-use-after-free ..." -> the kind
 * ("heap-use-after-free"; "undefined-behavior" for UBSan, "leak" for
 * LeakSanitizer's byte counts). false if no sanitizer reported. */
static bool sanitizer_kind(const char *out, char *kind, size_t len)
{
	for (const char *p = strstr(out, "SUMMARY: "); p; p = strstr(p + 1, "SUMMARY: ")) {
		const char *name = p + strlen("SUMMARY: ");
		const char *colon = strstr(name, "Sanitizer: ");
		size_t n;

		if (!colon || memchr(name, '\n', (size_t)(colon - name)))
			continue;
		name = colon + strlen("Sanitizer: ");
		n = strcspn(name, " \n");
		if (name[0] >= '0' && name[0] <= '9')
			snprintf(kind, len, "leak");
		else
			snprintf(kind, len, "%.*s", (int)(n < len ? n : len - 1), name);
		for (char *k = kind; *k; k++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				    "_-",
				    *k))
				*k = '_';
		return kind[0] != 0;
	}
	return false;
}

/* Does the output carry this signature line, whole? */
static bool has_line(const char *out, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = strstr(out, line); p; p = strstr(p + 1, line))
		if ((p == out || p[-1] == '\n') && (p[n] == '\n' || p[n] == 0))
			return true;
	return false;
}

/* Write text or an input into dir (made if needed); false + a message. */
static bool write_into(const char *dir, const char *name, const char *text, const struct input *in)
{
	char *path = xasprintf("%s/%s", dir, name);
	char err[512] = "";
	bool ok = mkdir(dir, 0755) == 0 || errno == EEXIST;
	FILE *fp;

	if (ok && in) {
		ok = input_save_file(in, path, err, sizeof(err));
	} else if (ok) {
		fp = fopen(path, "w");
		ok = fp && fputs(text, fp) >= 0;
		ok = fp && fclose(fp) == 0 && ok;
	}
	if (!ok)
		fprintf(stderr, "mmfuzz: error: cannot write %s: %s\n", path,
			err[0] ? err : strerror(errno));
	free(path);
	return ok;
}

/* A sanitizer report: the folder sanitizer.<kind> (the same layout as a
 * signature's, which the next campaign loads as one), its report the
 * sanitizer's output. A second input of that kind goes to duplicates/. */
static void file_sanitizer_report(struct campaign *c, const char *path, const struct input *in,
				  const char *kind, const char *output)
{
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char *dir = xasprintf("%s/%s.%s", c->f.root, SANITIZER_ORACLE, kind);
	char *report = xasprintf("%s/report.txt", dir);
	bool first = access(report, F_OK) != 0;
	char *into = first ? xstrdup(dir) : xasprintf("%s/duplicates", dir);
	bool ok = mkdir(dir, 0755) == 0 || errno == EEXIST;

	ok = ok && (!first || write_into(dir, "report.txt", output, NULL)) &&
	     write_into(into, name, NULL, in);
	if (!ok) {
		c->errors++;
	} else {
		/* The file also goes to its model signature's folder: a
		 * violation the sanitizer run also showed is still a finding. */
		file_one(c, path);
		if (!first)
			fprintf(stderr,
				"mmfuzz: %s: sanitizer report %s again on replay (known): a copy "
				"in %s/\n",
				name, kind, into);
		if (first) {
			c->sanitizer_reports++;
			c->new_sigs++;
			fprintf(stderr,
				"[%6.1fs] FINDING mmfuzz: SANITIZER %s profile=%s (on replay under "
				"ASan+UBSan)\n"
				"           filed in %s/ (%s, report.txt)\n",
				campaign_now() - c->start, kind, c->f.model, dir, name);
		}
	}
	free(dir);
	free(report);
	free(into);
}

/* Not reproduced by the sanitizer build: kept in unreproducible/ (as a
 * file that replays clean is), and said so, never dropped. */
static void file_not_confirmed(struct campaign *c, const char *path, const char *sig,
			       const char *output)
{
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char *dir = xasprintf("%s/unreproducible", c->f.root);
	char *to = xasprintf("%s/%s", dir, name);
	struct str_list *l = &c->f.unreproducible;

	if ((mkdir(dir, 0755) < 0 && errno != EEXIST) || rename(path, to) < 0) {
		fprintf(stderr, "mmfuzz: error: cannot move %s to %s: %s\n", path, to,
			strerror(errno));
		c->errors++;
	} else {
		const char *last = strrchr(output, '\n');

		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 8;
			l->items =
				check_alloc(realloc(l->items, (size_t)l->cap * sizeof(*l->items)));
		}
		l->items[l->n++] = xstrdup(name);
		c->f.clean_here++;
		c->not_confirmed++;
		c->filed_in_round++;
		fprintf(stderr,
			"mmfuzz: %s: \"%s\" did not reproduce under ASan+UBSan (%s): kept in %s/\n",
			name, sig, last && last[1] ? last + 1 : "no violation", dir);
	}
	free(dir);
	free(to);
}

static bool signature_filed(const struct campaign *c, const struct exec_result *r)
{
	for (int i = 0; i < c->f.n_sigs; i++)
		if (strcmp(c->f.sigs[i].oracle, r->oracle) == 0 &&
		    strcmp(c->f.sigs[i].kind, r->kind) == 0)
			return true;
	return false;
}

/* A replay that ran to its end and judged the input: libFuzzer's exit
 * after a clean run, or its crash exit with our verdict printed. A
 * replay that could not start, timed out, ran out of memory or was
 * interrupted judged nothing. */
static bool replay_judged(int status, const char *output)
{
	return WIFEXITED(status) &&
	       (WEXITSTATUS(status) == 0 || strstr(output, "mmfuzz: VIOLATION ") != NULL);
}

/* File one staged file of an uninstrumented target: a signature new to
 * the folder only once the sanitizer build has replayed it. A file whose
 * replay judged nothing stays staged, for the next round or campaign. */
static void confirm_and_file(struct campaign *c, const char *path)
{
	struct input *in = check_alloc(malloc(sizeof(*in)));
	uint8_t *storage = NULL;
	char err[256], sig[256], kind[64];
	struct exec_result r;
	char *output = NULL;
	int status = 0;

	if (input_load_file(path, in, &storage, err, sizeof(err)) != INPUT_OK)
		goto as_usual; /* unreproducible/, as findings_file says why */
	snprintf(in->model, sizeof(in->model), "%s", c->f.model);
	runner_execute(in, NULL, false, NULL, &r);
	if (!r.violation || signature_filed(c, &r))
		goto as_usual;
	runner_signature(&r, sig, sizeof(sig));
	if (campaign_stop_signal()) { /* ending: the next campaign replays it */
		c->left_staged++;
		fprintf(stderr,
			"mmfuzz: %s (\"%s\"): not replayed, the campaign is ending: left "
			"in %s/\n",
			path, sig, c->f.incoming);
		goto out;
	}
	output = sanitizer_replay(c, path, &status);
	if (!output) {
		c->errors++;
		goto out;
	}
	if (sanitizer_kind(output, kind, sizeof(kind))) {
		file_sanitizer_report(c, path, in, kind, output);
	} else if (has_line(output, sig)) {
		c->confirmed++;
		goto as_usual;
	} else if (replay_judged(status, output)) {
		file_not_confirmed(c, path, sig, output);
	} else {
		c->errors++;
		fprintf(stderr,
			"mmfuzz: error: the ASan+UBSan replay of %s (\"%s\") judged nothing (%s "
			"%d): left in %s/ for the next campaign\n",
			path, sig, WIFEXITED(status) ? "exit status" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), c->f.incoming);
	}
	goto out;
as_usual:
	file_one(c, path);
out:
	free(output);
	free(storage);
	free(in);
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

			if (c->confirm_with[0])
				confirm_and_file(c, names[i]);
			else
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
