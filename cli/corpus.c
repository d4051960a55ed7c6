/* SPDX-License-Identifier: MIT */
/* A campaign's corpus folder and `mmfuzz corpus merge` (see corpus.h). */
#include "corpus.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "fuzz/runner.h"
#include "libfuzzer.h"
#include "stats_file.h"
#include "xalloc.h"

#define PATH_LEN 4096

char *corpus_default_dir(void)
{
	return xasprintf("mmfuzz-corpus/%s", runner_profile_name());
}

struct corpus_size corpus_measure(const char *dir)
{
	struct corpus_size size = {0, 0};
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		struct stat st;

		if (e->d_name[0] != '.' && fstatat(dirfd(d), e->d_name, &st, 0) == 0 &&
		    S_ISREG(st.st_mode)) {
			size.files++;
			size.bytes += (uint64_t)st.st_size;
		}
	}
	if (d)
		closedir(d);
	return size;
}

int corpus_lock(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "mmfuzz: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		fprintf(stderr, "mmfuzz: %s is in use (a campaign or a merge runs on it)\n", dir);
		close(fd);
		return -1;
	}
	return fd;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The merge's staging folder, next to DIR so that the swap is a rename. */
static char *merging_dir(const char *dir)
{
	char *s = xasprintf("%s", dir);
	size_t n = strlen(s);
	char *out;

	while (n > 1 && s[n - 1] == '/')
		s[--n] = 0;
	out = xasprintf("%s.merging", s);
	free(s);
	return out;
}

/* The campaign's statistics go with the inputs: hard links, so that the
 * old folder can go whole after the swap. */
static bool carry_stats(const char *dir, const char *into)
{
	char *from = xasprintf("%s" STATS_DIR, dir);
	char *to = xasprintf("%s" STATS_DIR, into);
	DIR *d = opendir(from);
	struct dirent *e;
	bool ok = true;

	if (d && mkdir(to, 0755) < 0)
		ok = false;
	while (ok && d && (e = readdir(d))) {
		char *a, *b;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		a = xasprintf("%s/%s", from, e->d_name);
		b = xasprintf("%s/%s", to, e->d_name);
		ok = link(a, b) == 0;
		free(a);
		free(b);
	}
	if (d)
		closedir(d);
	if (!ok)
		fprintf(stderr, "mmfuzz: cannot carry %s over: %s\n", from, strerror(errno));
	free(from);
	free(to);
	return ok;
}

/* Keep the last lines of the fuzzer's output (to show why it failed) and
 * the number of features the merged corpus has. */
struct merge_output {
	char tail[8][512];
	int n_tail;
	unsigned long long features;
};

static void note_merge_line(struct merge_output *m, const char *line)
{
	unsigned long long files, features;

	if (sscanf(line, "MERGE-OUTER: %llu new files with %llu new features", &files, &features) ==
	    2)
		m->features = features;
	if (m->n_tail == 8) {
		memmove(m->tail[0], m->tail[1], sizeof(m->tail[0]) * 7);
		m->n_tail--;
	}
	snprintf(m->tail[m->n_tail++], sizeof(m->tail[0]), "%s", line);
}

static void read_lines(int fd, struct merge_output *m)
{
	FILE *in = fdopen(fd, "r");
	char line[4096];

	if (!in) {
		close(fd);
		return;
	}
	while (fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\n")] = 0;
		note_merge_line(m, line);
	}
	fclose(in);
}

/* libFuzzer -merge=1 INTO DIR: INTO gets DIR's inputs that add features.
 * Every input is judged by coverage only (MMFUZZ_MUTE_ALL): one that
 * meets a bug a campaign mutes stays. 0, or the fuzzer's status. */
static int run_merge(const char *fuzzer, const char *dir, const char *into, struct merge_output *m)
{
	char *argv[] = {(char *)fuzzer, "-merge=1",   "-max_len=512", "-seed=1",
			"-timeout=10",	(char *)into, (char *)dir,    NULL};
	int fd, status = 0;
	pid_t pid;

	setenv("MMFUZZ_PROFILE", runner_profile_name(), 1);
	setenv("MMFUZZ_MUTE_ALL", "1", 1);
	unsetenv("MMFUZZ_SET");
	unsetenv("MMFUZZ_HITS");
	pid = libfuzzer_spawn(fuzzer, argv, &fd);
	if (pid < 0)
		return -1;
	read_lines(fd, m);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return libfuzzer_status_code(status);
}

static void print_size(const char *what, const char *dir, struct corpus_size s)
{
	printf("%s %s: %llu inputs, %.1f KB\n", what, dir, (unsigned long long)s.files,
	       (double)s.bytes / 1024);
}

static int merge(const char *fuzzer, const char *dir)
{
	struct merge_output m = {.n_tail = 0};
	struct corpus_size before = corpus_measure(dir), after;
	char *tmp = merging_dir(dir);
	int code;

	remove_tree(tmp); /* a merge killed before its swap */
	if (mkdir(tmp, 0755) < 0) {
		fprintf(stderr, "mmfuzz: cannot create %s: %s\n", tmp, strerror(errno));
		free(tmp);
		return EXIT_USAGE;
	}
	print_size("before:", dir, before);
	fflush(stdout);
	code = run_merge(fuzzer, dir, tmp, &m);
	if (code != 0 || !carry_stats(dir, tmp) ||
	    renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) < 0) {
		if (code != 0) {
			fprintf(stderr, "mmfuzz: the merge failed (status %d); its last lines:\n",
				code);
			for (int i = 0; i < m.n_tail; i++)
				fprintf(stderr, "    %s\n", m.tail[i]);
		} else {
			fprintf(stderr, "mmfuzz: cannot swap %s in: %s\n", tmp, strerror(errno));
		}
		fprintf(stderr, "mmfuzz: %s is unchanged\n", dir);
		remove_tree(tmp);
		free(tmp);
		return EXIT_USAGE;
	}
	remove_tree(tmp); /* now the old corpus */
	after = corpus_measure(dir);
	print_size("after: ", dir, after);
	printf("features: %llu (every one the old corpus had)\n", m.features);
	free(tmp);
	return EXIT_CLEAN;
}

int cmd_corpus(const struct cli_options *o)
{
	char fuzzer[PATH_LEN];
	char *dir;
	int lock, status;

	if (strcmp(o->args[0], "merge") != 0) {
		fprintf(stderr, "mmfuzz corpus: unknown action '%s' (see mmfuzz corpus --help)\n",
			o->args[0]);
		return EXIT_USAGE;
	}
	if (!libfuzzer_locate(fuzzer, sizeof(fuzzer)))
		return EXIT_USAGE;
	dir = o->n_args > 1 ? xasprintf("%s", o->args[1]) : corpus_default_dir();
	lock = corpus_lock(dir);
	if (lock < 0) {
		free(dir);
		return EXIT_USAGE;
	}
	status = merge(fuzzer, dir);
	close(lock);
	free(dir);
	return status;
}
