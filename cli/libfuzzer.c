/* SPDX-License-Identifier: MIT */
/* The libFuzzer binary as a child process (see libfuzzer.h). */
#include "libfuzzer.h"

#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXEC_FAILED 127

bool libfuzzer_find(const char *name, char *path, size_t len)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	self[n > 0 ? n : 0] = 0;
	snprintf(path, len, "%s/%s", n > 0 ? dirname(self) : ".", name);
	return access(path, X_OK) == 0;
}

bool libfuzzer_locate(char *path, size_t len)
{
	if (libfuzzer_find("mmfuzz-fuzzer", path, len))
		return true;
	fprintf(stderr,
		"mmfuzz: %s not found: the fuzz target is built with clang "
		"(-DMMFUZZ_FUZZERS=ON)\n",
		path);
	return false;
}

/* In the child, before exec: the same addresses on every run, the same
 * fate as the parent, the output on the pipe. The environment's strings
 * sit at the top of the stack: PWD, which differs from one campaign
 * folder to the next, would move every stack address with it. */
static void become_fuzzer(const char *path, char *const argv[], int fds[2])
{
	int persona = personality(0xffffffff);

	/* Its own process group, from here as well as from the parent (both,
	 * as job-control shells do, so that the group exists before either
	 * goes on): the campaign signals the fuzzer and its workers as one. */
	setpgid(0, 0);
	if (persona != -1)
		personality((unsigned long)persona | ADDR_NO_RANDOMIZE);
	/* A container's seccomp profile may refuse it; still on the terminal. */
	if (persona == -1 || !(personality(0xffffffff) & ADDR_NO_RANDOMIZE))
		fprintf(stderr,
			"mmfuzz: warning: cannot turn address randomisation off "
			"(personality refused): a --seed campaign may not be reproducible\n");
	unsetenv("PWD");
	unsetenv("OLDPWD");
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	dup2(fds[1], STDOUT_FILENO);
	dup2(fds[1], STDERR_FILENO);
	close(fds[0]);
	close(fds[1]);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	execv(path, argv);
	fprintf(stderr, "mmfuzz: cannot run %s: %s\n", path, strerror(errno));
	_exit(EXEC_FAILED);
}

pid_t libfuzzer_spawn(const char *path, char *const argv[], int *out_fd)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds) < 0) {
		fprintf(stderr, "mmfuzz: pipe: %s\n", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid == 0)
		become_fuzzer(path, argv, fds);
	close(fds[1]);
	if (pid < 0) {
		fprintf(stderr, "mmfuzz: fork: %s\n", strerror(errno));
		close(fds[0]);
		return -1;
	}
	*out_fd = fds[0];
	return pid;
}

int libfuzzer_status_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

static bool number_after(const char *line, const char *key, uint64_t *out)
{
	const char *p = strstr(line, key);

	if (!p)
		return false;
	*out = strtoull(p + strlen(key), NULL, 10);
	return true;
}

/* "#N\tNEW cov: .. ft: .. corp: C/S lim: .. exec/s: R ..." in a plain
 * run; "#N: cov: .. ft: .. corp: C exec/s R oom/timeout/crash: a/b/c"
 * in fork mode. */
static bool parse_status(const char *line, struct libfuzzer_progress *p)
{
	const char *crash = strstr(line, "oom/timeout/crash: ");
	unsigned long long oom, timeout, crashes;

	if (line[0] != '#' || line[1] < '0' || line[1] > '9' || !strstr(line, "exec/s"))
		return false;
	p->execs = strtoull(line + 1, NULL, 10);
	if (!number_after(line, "exec/s: ", &p->exec_s))
		number_after(line, "exec/s ", &p->exec_s);
	number_after(line, "corp: ", &p->corpus);
	number_after(line, "ft: ", &p->features);
	number_after(line, "cov: ", &p->coverage);
	if (crash &&
	    sscanf(crash, "oom/timeout/crash: %llu/%llu/%llu", &oom, &timeout, &crashes) == 3)
		p->crashes = crashes;
	return true;
}

bool libfuzzer_parse_line(const char *line, struct libfuzzer_progress *p)
{
	if (number_after(line, "stat::number_of_executed_units: ", &p->execs)) {
		p->final = true;
		return true;
	}
	return parse_status(line, p);
}

unsigned libfuzzer_seed(uint64_t seed, unsigned round)
{
	/* splitmix64's finaliser: neighbouring seeds and rounds far apart. */
	uint64_t z = seed + 0x9e3779b97f4a7c15ull * ((uint64_t)round + 1);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	z &= 0x7fffffff; /* what every libFuzzer parses as a positive int */
	return z ? (unsigned)z : 1;
}
