/* SPDX-License-Identifier: MIT */
/*
 * The verdict and feedback code both engines share (harness_core.h). The
 * model comes from the environment (MMFUZZ_PROFILE, default "latest";
 * MMFUZZ_SET="switch=value,...") -- the input never chooses it. The
 * interleaving feedback is one counter per (site, switch, previous site)
 * feature the scheduler reports (and reads-from pairs the oracles
 * report, and the model's stale-TLB race features), in whatever map the
 * engine gave (harness_set_feature_counters). A violation (of the oracles
 * in MMFUZZ_ONLY, if set) prints its report, whose first line is the
 * signature, and aborts so that the engine saves the input.
 */
#include "harness_core.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"
#include "target/feedback.h"
#include "target/policy.h"

/*
 * The harness's bookkeeping (re-hit counts, the lock-latency lines) acts
 * on the clock now and then. Its branches are kept out of libFuzzer's
 * code coverage: a branch taken at a time-dependent moment would make an
 * input "new coverage" in one campaign and not in the next, and the same
 * --seed would no longer give the same campaign.
 */
#define CLOCK_DRIVEN __attribute__((no_sanitize("coverage"), noinline))

/* The engine's counters (harness_set_feature_counters); a fallback of
 * one counter until it says. */
static uint8_t no_counters[1];
static uint8_t *feature_counters = no_counters;
static uint32_t feature_mask;

/*
 * MMFUZZ_WINDOW="store-after-copy:uffd-wp" (see target/feedback.h):
 * report a violation only if this window, the mechanism of the bug being
 * timed, explains it. A store-after-copy window explains a lost write when
 * the write missed is the very store that opened it; a copy-under-stale-
 * entry window, when the execution opened it. A differential check alone
 * (MMFUZZ_FIXED_BY) can be fooled when the fix adds a scheduling point
 * (the fixed run follows another interleaving and may be clean for that
 * reason alone), and it rejects the bug whenever another bug of the
 * profile is in the same program.
 */
static struct feedback_window window;
static bool window_wanted, window_opened;

static void record_feature(uint32_t feature)
{
	uint8_t *c = &feature_counters[feature & feature_mask];

	if (*c < 255)
		(*c)++;
	if (window_wanted && feedback_window_opened(&window, feature))
		window_opened = true;
}

static bool window_explains(const struct exec_result *r)
{
	if (!window_wanted)
		return true;
	if (window.kind == WINDOW_STORE_AFTER_COPY)
		return feedback_store_opened(&window, r->missed_write);
	return window_opened;
}

/*
 * MMFUZZ_ONLY="oracle[:kind],...": report only these (hunting one bug).
 * MMFUZZ_KNOWN="oracle[:kind],...": do not report these again (a campaign
 * mutes what its findings folder already holds, and what it found since).
 * MMFUZZ_HITS=FILE: count how often each known entry is met again, and
 * append "ENTRY COUNT" lines to FILE (counts since the last line, so a
 * campaign sums them, over fork-mode workers too): when a count reaches a
 * power of two, a second after the last line, before an abort, and at
 * exit. libFuzzer leaves with _Exit when interrupted (a campaign's time is
 * up, or ^C), skipping the exit handlers: at most a second is lost.
 */
static const char *only_oracles = "";

/* MMFUZZ_MUTE_ALL=1: report nothing. A corpus merge judges inputs by the
 * coverage they add; an input that meets a known bug stays in the corpus
 * of a campaign that mutes it, so the merge must not drop it as a crash. */
static bool mute_all;

struct known_entry {
	char *item; /* "oracle" or "oracle:kind" */
	unsigned long hits, written;
};

static struct known_entry *known_entries;
static int n_known;
static const char *hits_path;

/*
 * MMFUZZ_WITH_OPS="op,...": report only programs that use all these ops.
 * Several bugs share an oracle on one profile (clear_refs and uffd-wp both
 * break pins on 5.10); this tells them apart when timing one of them.
 */
static uint32_t required_ops;
static uint32_t excluded_ops;

/*
 * MMFUZZ_FIXED_BY="switch=value,...": report a violation only if the same
 * input runs clean with these switches turned, i.e. only the bug those
 * switches fix (a differential check: one more run per violation).
 */
static char fixed_by[256];

static bool parse_ops(const char *list, uint32_t *mask, char *err, size_t errlen)
{
	char buf[256];
	char *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *name = strtok_r(buf, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		enum op_kind kind = op_from_name(name);

		if (kind == OP_NR) {
			snprintf(err, errlen, "MMFUZZ_WITH_OPS: unknown op '%s'", name);
			return false;
		}
		*mask |= 1u << kind;
	}
	return true;
}

static bool uses_required_ops(const struct scenario *sc)
{
	uint32_t used = 0;

	for (int t = 0; t < sc->n_threads; t++)
		for (int i = 0; i < sc->thread[t].n_ops; i++)
			used |= 1u << sc->thread[t].ops[i].kind;
	return (used & required_ops) == required_ops && !(used & excluded_ops);
}

static bool gone_when_fixed(const struct input *in)
{
	struct mm_policy saved = policy;
	char buf[256], err[256];
	char *save = NULL;
	struct exec_result r;

	if (!fixed_by[0])
		return true;
	snprintf(buf, sizeof(buf), "%s", fixed_by);
	for (char *sw = strtok_r(buf, ",", &save); sw; sw = strtok_r(NULL, ",", &save))
		if (!policy_set(&policy, sw, err, sizeof(err))) {
			fprintf(stderr, "mmfuzz: MMFUZZ_FIXED_BY: %s\n", err);
			exit(2);
		}
	runner_execute(in, NULL, false, NULL, &r);
	policy = saved;
	return !r.violation;
}

static struct known_entry *known_entry_of(const struct exec_result *r)
{
	for (int i = 0; i < n_known; i++)
		if (runner_listed(known_entries[i].item, r->oracle, r->kind))
			return &known_entries[i];
	return NULL;
}

static void parse_known(const char *list)
{
	char *buf = strdup(list);
	char *save = NULL;

	if (!buf)
		abort();
	for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		known_entries =
			realloc(known_entries, (size_t)(n_known + 1) * sizeof(*known_entries));
		if (!known_entries)
			abort();
		known_entries[n_known++] = (struct known_entry){.item = strdup(item)};
		if (!known_entries[n_known - 1].item)
			abort();
	}
	free(buf);
}

/* One write() per line: fork-mode workers append to the same file. */
CLOCK_DRIVEN static void write_hits(void)
{
	int fd;

	if (!hits_path)
		return;
	fd = open(hits_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	for (int i = 0; i < n_known; i++) {
		char *line = NULL;
		int len;

		if (known_entries[i].hits == known_entries[i].written)
			continue;
		len = asprintf(&line, "%s %lu\n", known_entries[i].item,
			       known_entries[i].hits - known_entries[i].written);
		if (len > 0 && write(fd, line, (size_t)len) == len)
			known_entries[i].written = known_entries[i].hits;
		free(line);
	}
	close(fd);
}

CLOCK_DRIVEN static double seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

CLOCK_DRIVEN static void note_known_hit(struct known_entry *k)
{
	static double last_write;
	double now = seconds_now();

	k->hits++;
	if ((k->hits & (k->hits - 1)) == 0 || now - last_write >= 1) {
		last_write = now;
		write_hits();
	}
}

/* The lock-latency view over a run: printed every 65536 executions and
 * at exit for `mmfuzz fuzz` to gather (execution counts, the longest wait
 * for an mmap_lock in write mode, executions that slept for I/O under
 * one; the longest wait for a VMA write lock, and the user faults with how
 * many completed under the VMA lock, gave up under it, found nothing to
 * lock, or found their VMA replaced); every second too with
 * MMFUZZ_PROGRESS=1, which the campaign sets: its execution count between
 * libFuzzer's own status lines. */
static bool progress_each_second;

static struct {
	unsigned long long execs, io_execs, wait_max;
	unsigned long long vma_wait_max, faults, success, retry, abort, miss;
	unsigned long long spf_attempt, spf_success;
} latency;

CLOCK_DRIVEN static void print_latency(void)
{
	fprintf(stderr,
		"mmfuzz: lock-latency execs %llu mmap-write-wait-max %llu "
		"io-under-mmap-lock %llu vma-write-wait-max %llu faults %llu "
		"vma-lock success %llu retry %llu abort %llu miss %llu "
		"spf attempt %llu success %llu\n",
		latency.execs, latency.wait_max, latency.io_execs, latency.vma_wait_max,
		latency.faults, latency.success, latency.retry, latency.abort, latency.miss,
		latency.spf_attempt, latency.spf_success);
}

CLOCK_DRIVEN static void note_latency(const struct exec_result *r)
{
	latency.execs++;
	if (r->mmap_write_wait_max > latency.wait_max)
		latency.wait_max = r->mmap_write_wait_max;
	if (r->io_under_mmap_lock)
		latency.io_execs++;
	if (r->vma_write_wait_max > latency.vma_wait_max)
		latency.vma_wait_max = r->vma_write_wait_max;
	latency.faults += r->user_faults;
	latency.success += r->vma_lock_success;
	latency.retry += r->vma_lock_retry;
	latency.abort += r->vma_lock_abort;
	latency.miss += r->vma_lock_miss;
	latency.spf_attempt += r->spf.attempt;
	latency.spf_success += r->spf.success;
	if (latency.execs % 65536 == 0) {
		print_latency();
	} else if (progress_each_second && latency.execs % 256 == 0) {
		static double last_print;
		double now = seconds_now();

		if (now - last_print >= 1) {
			last_print = now;
			print_latency();
		}
	}
}

/* A bad environment variable: the engine cannot start. */
static void refuse(const char *what)
{
	fprintf(stderr, "mmfuzz: %s\n", what);
	exit(2);
}

/* OSS-Fuzz runs a fuzzer without our environment: its binaries
 * (mmfuzz_<profile>, fuzz/ossfuzz.cmake) fix the profile when built. */
#ifndef MMFUZZ_DEFAULT_PROFILE
#define MMFUZZ_DEFAULT_PROFILE "latest"
#endif

void harness_select_model(void)
{
	const char *profile = getenv("MMFUZZ_PROFILE");
	const char *set = getenv("MMFUZZ_SET");
	const char *switches[16];
	char buf[512], err[512];
	char *save = NULL;
	int n = 0;

	if (set && strlen(set) >= sizeof(buf))
		refuse("MMFUZZ_SET is too long");
	snprintf(buf, sizeof(buf), "%s", set ? set : "");
	for (char *s = strtok_r(buf, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		if (n == 16)
			refuse("MMFUZZ_SET: more than 16 switches");
		switches[n++] = s;
	}
	if (!runner_select(profile && *profile ? profile : MMFUZZ_DEFAULT_PROFILE, switches, n, err,
			   sizeof(err)))
		refuse(err);
}

/* MMFUZZ_WINDOW, MMFUZZ_WITH_OPS, MMFUZZ_WITHOUT_OPS, MMFUZZ_FIXED_BY:
 * what tells one bug of the profile from another. */
static void setup_bug_filters(void)
{
	const char *with_ops = getenv("MMFUZZ_WITH_OPS");
	const char *without_ops = getenv("MMFUZZ_WITHOUT_OPS");
	const char *fixed = getenv("MMFUZZ_FIXED_BY");
	const char *win = getenv("MMFUZZ_WINDOW");
	char err[512];

	if (fixed)
		snprintf(fixed_by, sizeof(fixed_by), "%s", fixed);
	if (win && *win) {
		if (!feedback_window_parse(win, &window)) {
			fprintf(stderr, "mmfuzz: MMFUZZ_WINDOW: unknown window '%s'\n", win);
			exit(2);
		}
		window_wanted = true;
	}
	if (without_ops && !parse_ops(without_ops, &excluded_ops, err, sizeof(err)))
		refuse(err);
	if (with_ops && !parse_ops(with_ops, &required_ops, err, sizeof(err)))
		refuse(err);
}

static bool env_is_one(const char *name)
{
	const char *v = getenv(name);

	return v && strcmp(v, "1") == 0;
}

/* Steps and executions, for the throughput bench (MMFUZZ_STEPS=1). */
static uint64_t steps_run, inputs_run;

uint64_t harness_steps(void)
{
	return steps_run;
}

static void print_steps(void)
{
	fprintf(stderr, "mmfuzz: steps %llu execs %llu\n", (unsigned long long)steps_run,
		(unsigned long long)inputs_run);
}

void harness_setup(void)
{
	const char *only = getenv("MMFUZZ_ONLY");
	const char *known = getenv("MMFUZZ_KNOWN");

	harness_select_model();
	setup_bug_filters();
	if (only)
		only_oracles = only;
	if (known)
		parse_known(known);
	mute_all = env_is_one("MMFUZZ_MUTE_ALL");
	hits_path = getenv("MMFUZZ_HITS");
	progress_each_second = env_is_one("MMFUZZ_PROGRESS");
	atexit(print_latency);
	atexit(write_hits);
	if (env_is_one("MMFUZZ_STEPS"))
		atexit(print_steps);
	fprintf(stderr, "mmfuzz: fuzzing profile %s%s%s%s\n", runner_profile_name(),
		only_oracles[0] ? ", reporting only " : "", only_oracles,
		n_known ? ", known signatures muted" : "");
}

void harness_set_feature_counters(uint8_t *counters, size_t n)
{
	feature_counters = counters;
	feature_mask = (uint32_t)(n - 1);
}

/* Does this violation pass every filter, and is it new to the campaign?
 * A known one is counted instead. */
static bool worth_reporting(const struct input *in, const struct exec_result *r)
{
	struct known_entry *k;

	if (!r->violation || mute_all ||
	    (only_oracles[0] && !runner_listed(only_oracles, r->oracle, r->kind)) ||
	    !uses_required_ops(&in->scenario) || !window_explains(r) || !gone_when_fixed(in))
		return false;
	k = known_entry_of(r);
	if (k)
		note_known_hit(k);
	return !k;
}

/*
 * OSS-Fuzz and ClusterFuzz tell crashes apart by the top frames of their
 * stacks: aborting from one function per oracle makes each oracle a crash
 * state of its own, instead of every violation being one crash. Each
 * function writes its own constant (so that no two are folded into one)
 * and keeps its frame (no tail call into abort).
 */
static volatile int abort_oracle_id;
#define ORACLE_ABORT(fn, id)                                                                       \
	static __attribute__((noinline, noreturn, disable_tail_calls)) void fn(void)               \
	{                                                                                          \
		abort_oracle_id = (id);                                                            \
		abort();                                                                           \
	}
ORACLE_ABORT(violation_private_write, 1)
ORACLE_ABORT(violation_fork_isolation, 2)
ORACLE_ABORT(violation_pin_coherency, 3)
ORACLE_ABORT(violation_lost_write, 4)
ORACLE_ABORT(violation_soft_dirty_lost, 5)
ORACLE_ABORT(violation_uffd_wp_bypass, 6)
ORACLE_ABORT(violation_tlb_lifetime, 7)
ORACLE_ABORT(violation_dirty_not_writable, 8)
ORACLE_ABORT(violation_lock_discipline, 9)
ORACLE_ABORT(violation_lock_latency, 10)
ORACLE_ABORT(violation_memory_safety, 11)
ORACLE_ABORT(violation_other, 12)
ORACLE_ABORT(violation_protection_bypass, 13)

static const struct {
	const char *oracle;
	void (*abort_from)(void);
} oracle_aborts[] = {
	{"private-write", violation_private_write},
	{"fork-isolation", violation_fork_isolation},
	{"pin-coherency", violation_pin_coherency},
	{"lost-write", violation_lost_write},
	{"soft-dirty-lost", violation_soft_dirty_lost},
	{"uffd-wp-bypass", violation_uffd_wp_bypass},
	{"tlb-lifetime", violation_tlb_lifetime},
	{"dirty-not-writable", violation_dirty_not_writable},
	{"lock-discipline", violation_lock_discipline},
	{"lock-latency", violation_lock_latency},
	{"memory-safety", violation_memory_safety},
	{"protection-bypass", violation_protection_bypass},
};

static _Noreturn void abort_for_oracle(const char *oracle)
{
	for (size_t i = 0; oracle && i < sizeof(oracle_aborts) / sizeof(oracle_aborts[0]); i++)
		if (strcmp(oracle_aborts[i].oracle, oracle) == 0)
			oracle_aborts[i].abort_from();
	violation_other();
}

void harness_run(const uint8_t *data, size_t size)
{
	struct input in;
	struct exec_result r;
	char err[256];

	/* An unknown version or a cut-short scenario runs as an empty
	 * program: every saved finding is then a file `mmfuzz run` accepts. */
	if (input_decode(data, size, &in, err, sizeof(err)) != INPUT_OK)
		return;
	window_opened = false;
	runner_execute(&in, NULL, false, record_feature, &r);
	steps_run += r.sched.steps;
	inputs_run++;
	note_latency(&r);
	if (!worth_reporting(&in, &r))
		return;
	runner_print_report(&r, stderr);
	print_latency(); /* abort() skips the exit handlers */
	fflush(stderr);
	write_hits();
	abort_for_oracle(r.oracle);
}
