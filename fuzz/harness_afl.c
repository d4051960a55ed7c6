/* SPDX-License-Identifier: MIT */
/*
 * The AFL++ target (mmfuzz-afl, built with afl-clang-fast): persistent
 * mode with test cases in shared memory, the fork server deferred until
 * the model is selected and the fibers exist (a first, empty execution
 * creates them), so that no child pays for either. What it runs and
 * reports is harness_core.c's, shared with the libFuzzer target.
 *
 * Interleaving feedback: AFL++ 4.04c reads nothing but its own map. The
 * target registers FEATURE_SLOTS guards of its own with the runtime's
 * __sanitizer_cov_trace_pc_guard_init, the call every instrumented
 * module makes: the runtime numbers them after the code's edges and
 * sizes the map (and tells afl-fuzz its size) to hold them. The features
 * are then counted there exactly as into libFuzzer's extra counters: one
 * byte per feature (its id folded into FEATURE_SLOTS), no collision with
 * code edges, one store per feature.
 *
 * MMFUZZ_AFL_NO_FEEDBACK=1 counts the features into a private array
 * instead: AFL++ then sees code coverage only (to measure what the
 * feedback is worth).
 *
 * MMFUZZ_EXEC_COUNTER=FILE: count the executions into FILE (8 bytes,
 * mapped shared, so every child of the fork server adds to one count;
 * the model steps they ran in the next 8, for bench/campaign_exec.sh):
 * AFL++ 4.04c rewrites its fuzzer_stats only once a minute, and a
 * campaign shows its progress every second.
 *
 * Outside afl-fuzz, `mmfuzz-afl FILE...` runs each file once (a finding
 * aborts with its report), as `mmfuzz-fuzzer FILE` does.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h> /* read(), in __AFL_FUZZ_TESTCASE_LEN */

#include "harness_core.h"
#include "input.h"

/*
 * A power of two: the features' ids folded into it. afl-fuzz clears,
 * classifies and compares the whole map at every execution; with 65,536
 * slots the map was 71,723 bytes and with 8,192 it is 14,379: 1.6x the
 * executions per CPU second, and the feedback still keeps inputs that
 * differ only in their schedule (276 queue entries in 20,000 executions
 * from the seeds on latest, 335 with 65,536, 41 without feedback;
 * docs/fuzzing.md). -DMMFUZZ_AFL_FEATURE_SLOTS=N to measure another.
 */
#ifdef MMFUZZ_AFL_FEATURE_SLOTS
#define FEATURE_SLOTS MMFUZZ_AFL_FEATURE_SLOTS
#else
#define FEATURE_SLOTS (1u << 13)
#endif
#define PERSISTENT_RUNS 100000 /* inputs per child before a fresh fork */
#define MAX_FILE	(1u << 20)

static bool feedback_off; /* MMFUZZ_AFL_NO_FEEDBACK=1 */

#ifdef __AFL_HAVE_MANUAL_CONTROL
__AFL_FUZZ_INIT();

void __sanitizer_cov_trace_pc_guard_init(uint32_t *start, uint32_t *stop);
/* The runtime's map pointer, __afl_area_ptr, looked up at run time: the
 * instrumentation pass declares it in every module itself, and renames a
 * declaration of ours. AFL++ links it into the dynamic symbol table. */
static uint8_t **afl_map;

static uint32_t feature_guards[FEATURE_SLOTS];

/*
 * Reserve the slots, as a module's constructor registers its guards:
 * after the code's own (sanitizer coverage's constructors come first),
 * before the runtime's last constructor, which outside afl-fuzz (or
 * without deferral) starts the fork server and refuses new guards from
 * then on. The runtime numbers a module's guards one after the other,
 * which the counters rely on.
 */
#define BEFORE_FORK_SERVER 101 /* the first priority left to programs */
__attribute__((constructor(BEFORE_FORK_SERVER))) static void reserve_feature_slots(void)
{
	afl_map = dlsym(RTLD_DEFAULT, "__afl_area_ptr");
	if (!afl_map) {
		fprintf(stderr, "mmfuzz: no AFL++ runtime (__afl_area_ptr) in this binary\n");
		exit(2);
	}
	__sanitizer_cov_trace_pc_guard_init(feature_guards, feature_guards + FEATURE_SLOTS);
	if (feature_guards[FEATURE_SLOTS - 1] != feature_guards[0] + FEATURE_SLOTS - 1) {
		fprintf(stderr, "mmfuzz: AFL++ did not number the feature slots in a row "
				"(AFL_INST_RATIO set?)\n");
		exit(2);
	}
}

static uint8_t unseen_counters[FEATURE_SLOTS];

/* The map moves when afl-fuzz attaches its shared memory. */
static void count_features_in_map(void)
{
	if (feedback_off)
		harness_set_feature_counters(unseen_counters, FEATURE_SLOTS);
	else
		harness_set_feature_counters(*afl_map + feature_guards[0], FEATURE_SLOTS);
}

static void start_fork_server(void)
{
	__AFL_INIT();
}
#else
/* Built without AFL++ (a check of this file): counters of our own. */
static uint8_t feature_counters[FEATURE_SLOTS];

static void count_features_in_map(void)
{
	harness_set_feature_counters(feature_counters, FEATURE_SLOTS);
}

static void start_fork_server(void)
{
}
#endif

static uint64_t *exec_counter;

static void map_exec_counter(void)
{
	const char *path = getenv("MMFUZZ_EXEC_COUNTER");
	void *p = MAP_FAILED;
	int fd;

	if (!path || !*path)
		return;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0 && ftruncate(fd, 2 * sizeof(*exec_counter)) == 0)
		p = mmap(NULL, 2 * sizeof(*exec_counter), PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 0);
	if (fd >= 0)
		close(fd);
	if (p == MAP_FAILED) {
		perror(path);
		exit(2);
	}
	exec_counter = p;
}

static void count_execution(void)
{
	if (exec_counter)
		__atomic_fetch_add(exec_counter, 1, __ATOMIC_RELAXED);
}

static void count_steps(uint64_t steps)
{
	if (exec_counter)
		__atomic_fetch_add(&exec_counter[1], steps, __ATOMIC_RELAXED);
}

static void run_file(const char *path)
{
	static uint8_t buf[MAX_FILE];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		perror(path);
		exit(2);
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	fprintf(stderr, "mmfuzz: running %s (%zu bytes)\n", path, n);
	count_execution();
	harness_run(buf, n);
}

/* The model, the filters, the map and the fibers: everything a child
 * inherits from the fork server instead of making it. */
static void set_up(void)
{
	static const uint8_t empty[] = {INPUT_VERSION, 0, 0};

	harness_setup();
	feedback_off = getenv("MMFUZZ_AFL_NO_FEEDBACK") &&
		       strcmp(getenv("MMFUZZ_AFL_NO_FEEDBACK"), "1") == 0;
	map_exec_counter();
	count_features_in_map();
	harness_run(empty, sizeof(empty));
}

#ifdef __AFL_HAVE_MANUAL_CONTROL
static void fuzz_loop(void)
{
	const uint8_t *buf;

	start_fork_server();
	buf = __AFL_FUZZ_TESTCASE_BUF;
	while (__AFL_LOOP(PERSISTENT_RUNS)) {
		size_t len = __AFL_FUZZ_TESTCASE_LEN;

		uint64_t steps = harness_steps();

		count_features_in_map();
		count_execution();
		harness_run(buf, len);
		count_steps(harness_steps() - steps);
	}
}
#else
static void fuzz_loop(void)
{
	start_fork_server();
	fprintf(stderr, "mmfuzz: built without AFL++: give files to run\n");
	exit(2);
}
#endif

int main(int argc, char **argv)
{
	set_up();
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			run_file(argv[i]);
		return 0;
	}
	fuzz_loop();
	return 0;
}
