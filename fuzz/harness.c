/* SPDX-License-Identifier: MIT */
/*
 * The libFuzzer target. The profile comes from the environment
 * (MMFUZZ_PROFILE, default "latest"; MMFUZZ_SET="switch=value,...") — the
 * input never chooses it. Interleaving feedback goes into libFuzzer's
 * extra counters: one counter per (site, switch, previous site) feature
 * the scheduler reports (and reads-from pairs the oracles report). A
 * violation (of the oracles in MMFUZZ_ONLY, if set) prints its report, whose first line
 * is the signature, and aborts so that libFuzzer saves the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mutate.h"
#include "race_events.h"
#include "runner.h"
#include "target/feedback.h"
#include "target/policy.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
				 size_t size2, uint8_t *out, size_t max_out_size,
				 unsigned int seed);

#define COVERAGE_SIZE (1u << 16)

/* Must be a multiple of 8 bytes: libFuzzer clears it word by word. */
__attribute__((used, section("__libfuzzer_extra_counters"),
	       aligned(64))) static uint8_t interleaving_coverage[COVERAGE_SIZE];

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
	uint8_t *c = &interleaving_coverage[feature & (COVERAGE_SIZE - 1)];

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
 * MMFUZZ_KNOWN="oracle:kind,...": do not report these again (a campaign
 * restarted after a finding goes on looking for new ones).
 */
static char only_oracles[256];
static char known_oracles[1024];

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

static bool listed(const char *list, const struct exec_result *r)
{
	char item[160];
	const char *p;

	snprintf(item, sizeof(item), "%s:%s", r->oracle, r->kind);
	for (p = list; *p; p += strcspn(p, ","), p += *p == ',') {
		size_t n = strcspn(p, ",");

		if ((n == strlen(r->oracle) && !strncmp(p, r->oracle, n)) ||
		    (n == strlen(item) && !strncmp(p, item, n)))
			return true;
	}
	return false;
}

static bool reported(const struct exec_result *r)
{
	if (only_oracles[0] && !listed(only_oracles, r))
		return false;
	return !listed(known_oracles, r);
}

/* The lock-latency view over a run: printed now and then and at exit
 * for `mmfuzz fuzz` to gather (execution counts, the longest wait for an
 * mmap_lock in write mode, executions that slept for I/O under one). */
static struct {
	unsigned long long execs, io_execs, wait_max;
} latency;

static void print_latency(void)
{
	fprintf(stderr,
		"mmfuzz: lock-latency execs %llu mmap-write-wait-max %llu "
		"io-under-mmap-lock %llu\n",
		latency.execs, latency.wait_max, latency.io_execs);
}

static void note_latency(const struct exec_result *r)
{
	latency.execs++;
	if (r->mmap_write_wait_max > latency.wait_max)
		latency.wait_max = r->mmap_write_wait_max;
	if (r->io_under_mmap_lock)
		latency.io_execs++;
	if (latency.execs % 65536 == 0)
		print_latency();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *only = getenv("MMFUZZ_ONLY");
	const char *known = getenv("MMFUZZ_KNOWN");
	const char *profile = getenv("MMFUZZ_PROFILE");
	const char *set = getenv("MMFUZZ_SET");
	const char *with_ops = getenv("MMFUZZ_WITH_OPS");
	const char *without_ops = getenv("MMFUZZ_WITHOUT_OPS");
	const char *fixed = getenv("MMFUZZ_FIXED_BY");
	const char *win = getenv("MMFUZZ_WINDOW");
	const char *switches[16];
	char buf[512], err[512];
	int n = 0;

	if (set && *set) {
		char *save = NULL;

		snprintf(buf, sizeof(buf), "%s", set);
		for (char *s = strtok_r(buf, ",", &save); s && n < 16;
		     s = strtok_r(NULL, ",", &save))
			switches[n++] = s;
	}
	if (!runner_select(profile && *profile ? profile : "latest", switches, n, err,
			   sizeof(err))) {
		fprintf(stderr, "mmfuzz: %s\n", err);
		exit(2);
	}
	if (fixed)
		snprintf(fixed_by, sizeof(fixed_by), "%s", fixed);
	if (win && *win) {
		if (!feedback_window_parse(win, &window)) {
			fprintf(stderr, "mmfuzz: MMFUZZ_WINDOW: unknown window '%s'\n", win);
			exit(2);
		}
		window_wanted = true;
	}
	if (without_ops && !parse_ops(without_ops, &excluded_ops, err, sizeof(err))) {
		fprintf(stderr, "mmfuzz: %s\n", err);
		exit(2);
	}
	if (with_ops && !parse_ops(with_ops, &required_ops, err, sizeof(err))) {
		fprintf(stderr, "mmfuzz: %s\n", err);
		exit(2);
	}
	if (only)
		snprintf(only_oracles, sizeof(only_oracles), "%s", only);
	if (known)
		snprintf(known_oracles, sizeof(known_oracles), "%s", known);
	atexit(print_latency);
	fprintf(stderr, "mmfuzz: fuzzing profile %s%s%s\n", runner_profile_name(),
		only_oracles[0] ? ", reporting only " : "", only_oracles);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in;
	struct exec_result r;
	char err[256];

	/* An unknown version or a cut-short scenario runs as an empty
	 * program: every saved finding is then a file `mmfuzz run` accepts. */
	if (input_decode(data, size, &in, err, sizeof(err)) != INPUT_OK)
		return 0;
	window_opened = false;
	runner_execute(&in, NULL, false, record_feature, &r);
	note_latency(&r);
	if (r.violation && reported(&r) && uses_required_ops(&in.scenario) && window_explains(&r) &&
	    gone_when_fixed(&in)) {
		runner_print_report(&r, stderr);
		fflush(stderr);
		abort();
	}
	return 0;
}

/* Mostly structure-aware mutations; now and then libFuzzer's own byte
 * mutations over the whole input, which find encodings ours would not. */
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	if (seed % 8 == 0 && size > 0) {
		size = LLVMFuzzerMutate(data, size, max_size);
		if (size > 0)
			data[0] = INPUT_VERSION;
		return size;
	}
	static const struct mutate_ops ops = {.mutate_bytes = LLVMFuzzerMutate,
					      .race_events = race_events,
					      .hold_back = race_hold_back};

	return input_mutate(data, size, max_size, seed, &ops);
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
				 size_t size2, uint8_t *out, size_t max_out_size, unsigned int seed)
{
	return input_crossover(data1, size1, data2, size2, out, max_out_size, seed);
}
