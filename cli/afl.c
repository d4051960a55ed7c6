/* SPDX-License-Identifier: MIT */
/* AFL++'s binaries, environment and statistics (see afl.h). */
#include "afl.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool beside_mmfuzz(const char *name, char *path, size_t len)
{
	char self[AFL_PATH_LEN];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	self[n > 0 ? n : 0] = 0;
	snprintf(path, len, "%s/%s", n > 0 ? dirname(self) : ".", name);
	return access(path, R_OK) == 0;
}

static bool in_path(const char *name, char *path, size_t len)
{
	const char *env = getenv("PATH");
	char *dirs = strdup(env ? env : "/usr/bin:/bin");
	char *save = NULL;
	bool found = false;

	for (char *d = strtok_r(dirs, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		snprintf(path, len, "%s/%s", d, name);
		found = access(path, X_OK) == 0;
	}
	free(dirs);
	return found;
}

bool afl_locate(struct afl_tools *t)
{
	if (!in_path("afl-fuzz", t->fuzz, sizeof(t->fuzz))) {
		fprintf(stderr, "mmfuzz: afl-fuzz not found in PATH: install AFL++ (Debian: "
				"apt-get install afl++), or use --engine libfuzzer\n");
		return false;
	}
	if (!beside_mmfuzz("mmfuzz-afl", t->target, sizeof(t->target)) ||
	    !beside_mmfuzz("mmfuzz-afl-mutator.so", t->mutator, sizeof(t->mutator))) {
		fprintf(stderr,
			"mmfuzz: %s not found: the AFL++ target is built when afl-clang-fast "
			"is installed at configure time (fuzz/afl.cmake)\n",
			access(t->target, R_OK) == 0 ? t->mutator : t->target);
		return false;
	}
	return true;
}

void afl_export_env(const struct afl_tools *t)
{
	/* One mutator for both engines: ours is the whole mutation stage
	 * (it makes byte-level edits itself, one in eight), as libFuzzer's
	 * target gives libFuzzer's own byte mutations only a share. */
	setenv("AFL_CUSTOM_MUTATOR_LIBRARY", t->mutator, 1);
	setenv("AFL_CUSTOM_MUTATOR_ONLY", "1", 1);
	/* Cutting bytes out of an input breaks its op counts: every trim
	 * step would be an execution spent on an empty program. */
	setenv("AFL_DISABLE_TRIM", "1", 1);
	/* The campaign reads fuzzer_stats; no curses screen on the pipe. */
	setenv("AFL_NO_UI", "1", 1);
	setenv("AFL_NO_COLOR", "1", 1);
	/* Containers: the CPU governor and /proc/sys/kernel/core_pattern
	 * cannot be read or changed, and other containers' processes make
	 * AFL++'s free-core search refuse to start. */
	setenv("AFL_SKIP_CPUFREQ", "1", 1);
	setenv("AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES", "1", 1);
	setenv("AFL_NO_AFFINITY", "1", 1);
	/* A corpus input that meets a bug --only does not mute is not a
	 * reason to refuse the whole corpus. */
	setenv("AFL_SKIP_CRASHES", "1", 1);
	/* Secondaries take what the main instance finds as soon as they
	 * start. */
	setenv("AFL_IMPORT_FIRST", "1", 1);
}

static bool field(const char *line, const char *name, uint64_t *out)
{
	size_t n = strlen(name);

	if (strncmp(line, name, n) != 0 || (line[n] != ' ' && line[n] != ':'))
		return false;
	line = strchr(line, ':');
	if (line)
		*out = strtoull(line + 1, NULL, 10);
	return line != NULL;
}

bool afl_read_stats(const char *dir, struct afl_stats *s)
{
	char *path = NULL;
	char line[512];
	FILE *f;

	if (asprintf(&path, "%s/fuzzer_stats", dir) < 0)
		return false;
	f = fopen(path, "r");
	free(path);
	if (!f)
		return false;
	memset(s, 0, sizeof(*s));
	while (fgets(line, sizeof(line), f)) {
		const char *colon = strchr(line, ':');

		if (strncmp(line, "execs_per_sec", 13) == 0 && colon)
			s->exec_s = strtod(colon + 1, NULL);
		field(line, "execs_done", &s->execs);
		field(line, "corpus_count", &s->corpus);
		field(line, "edges_found", &s->edges);
		field(line, "saved_crashes", &s->crashes);
		field(line, "saved_hangs", &s->hangs);
	}
	fclose(f);
	return true;
}

void afl_content_name(const uint8_t *data, size_t size, char name[17])
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 0x100000001b3ull;
	snprintf(name, 17, "%016llx", (unsigned long long)h);
}
