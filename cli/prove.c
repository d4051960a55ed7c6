/* SPDX-License-Identifier: MIT */
/*
 * `mmfuzz prove [--preemptions K] [--max-schedules N] [--no-reduction]
 * [-o OUT] [--json F] FILE`: every schedule of FILE's program with at most
 * K preemptions, on its model (fuzz/prove.h). Either the first violation,
 * saved as a self-describing input with its minimised form, or a bounded
 * proof with the counts per bound.
 *
 * Exit: 0 proved (every schedule within K explored, none violated),
 * 1 a violation, 2 usage, bad input or an error (the search drifted: a
 * replayed schedule ran differently, so the program is not deterministic
 * on this model and nothing is proved), 4 incomplete: --max-schedules cut
 * the search before the bound was explored, so nothing is proved. A cut
 * search is not 0, so that `mmfuzz prove ... && echo proved` never lies,
 * and not 1, since nothing was found.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "commands.h"
#include "findings.h"
#include "smoke.h"
#include "xalloc.h"

#include "fuzz/minimize.h"
#include "fuzz/prove.h"
#include "fuzz/runner.h"

#define PROVE_DEFAULT_BOUND 2
#define PROVE_FINDINGS_DIR  "prove-findings"
/* Schedules between looks at the clock for the progress line. */
#define PROGRESS_EVERY 2048

/* What one prove command knows besides the result. */
struct prove_run {
	const struct cli_options *o;
	const char *file;
	unsigned bound;
	bool reduce;
	struct input *in;
	struct prove_result *r;
	char *saved;	 /* the counterexample's path, once saved */
	char *minimized; /* its minimised form's path, once saved */
	double last_progress;
	FILE *text; /* stdout, or stderr when the JSON goes to stdout */
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- progress (stderr, for people: the clock is allowed here) ---- */

static bool progress_wanted(void)
{
	const char *env = getenv("MMFUZZ_PROGRESS");

	return isatty(2) || (env && strcmp(env, "1") == 0);
}

static void show_progress(const struct prove_result *r, void *arg)
{
	struct prove_run *p = arg;
	const struct prove_bound *b = &r->bounds[r->n_bounds - 1];
	double now = now_seconds();

	if (now - p->last_progress < 1.0 && !b->complete)
		return;
	p->last_progress = now;
	fprintf(stderr,
		"prove: K=%u: %" PRIu64 " schedules (%" PRIu64 " redundant), %" PRIu64
		" classes%s; %" PRIu64 " in all\n",
		b->k, b->schedules, b->sleep_blocked, b->classes, b->complete ? ", done" : "",
		r->schedules);
}

/* ---- the counterexample: saved, replayed, minimised ---- */

/* stem of FILE: its base name without ".mmf" ("stdin" for -). */
static char *file_stem(const char *file)
{
	const char *base = strrchr(file, '/');
	size_t len;

	base = base ? base + 1 : file;
	if (strcmp(file, "-") == 0)
		return xstrdup("stdin");
	len = strlen(base);
	if (ends_with(base, ".mmf"))
		len -= 4;
	return xasprintf("%.*s", (int)len, base);
}

static char *default_out(const char *file)
{
	char *stem = file_stem(file);
	char *path = xasprintf("%s/%s/%s.mmf", PROVE_FINDINGS_DIR, runner_profile_name(), stem);

	free(stem);
	return path;
}

/* OUT.mmf -> OUT.min.mmf; anything else -> OUT.min.mmf too. */
static char *minimized_path(const char *out)
{
	size_t len = strlen(out);

	if (ends_with(out, ".mmf"))
		len -= 4;
	return xasprintf("%.*s.min.mmf", (int)len, out);
}

static bool same_signature(const struct exec_result *a, const struct exec_result *b)
{
	return a->violation && b->violation && strcmp(a->oracle, b->oracle) == 0 &&
	       strcmp(a->kind, b->kind) == 0;
}

/* A binary OUT: saved with its model, then replayed from the file. */
static bool save_binary(const struct input *in, const char *path, const struct exec_result *want,
			char *why, size_t len)
{
	struct input *back = check_alloc(malloc(sizeof(*back)));
	uint8_t *storage = NULL;
	struct exec_result got;
	bool ok = input_save_file(in, path, why, len);

	if (ok && input_load_file(path, back, &storage, why, len) != INPUT_OK)
		ok = false;
	if (ok) {
		runner_execute(back, NULL, false, NULL, &got);
		ok = same_signature(want, &got) && got.sched.trace_hash == want->sched.trace_hash;
		if (!ok)
			snprintf(why, len, "%s does not replay the violation", path);
	}
	free(storage);
	free(back);
	return ok;
}

/* Save `in` (with this schedule) at path: text with a header for .mmf,
 * else binary; either way it must replay `want` from the file. */
static bool save_checked(const struct input *in, const uint8_t *schedule, size_t schedule_len,
			 const char *path, const char *header, const struct exec_result *want)
{
	char why[1024];
	bool ok;

	if (ends_with(path, ".mmf")) {
		ok = smoke_save_reproducer(&(struct smoke_saved){.in = in,
								 .schedule = schedule,
								 .schedule_len = schedule_len,
								 .model = runner_profile_name(),
								 .path = path,
								 .header = header},
					   want, why, sizeof(why));
	} else {
		struct input *copy = check_alloc(malloc(sizeof(*copy)));

		*copy = *in;
		memcpy(copy->owned, schedule, schedule_len);
		copy->schedule = copy->owned;
		copy->schedule_len = schedule_len;
		ok = save_binary(copy, path, want, why, sizeof(why));
		free(copy);
	}
	if (!ok)
		fprintf(stderr, "mmfuzz prove: not saved: %s\n", why);
	return ok;
}

static void signature_text(const struct exec_result *e, char *sig, size_t len)
{
	char full[256];

	runner_signature(e, full, sizeof(full));
	snprintf(sig, len, "%s", strncmp(full, "mmfuzz: ", 8) == 0 ? full + 8 : full);
}

/* The counterexample as found: FILE's program with the schedule prove ran. */
static void save_counterexample(struct prove_run *p)
{
	const struct prove_result *r = p->r;
	char *path = p->o->out ? xstrdup(p->o->out) : default_out(p->file);
	char sig[256], *header;

	signature_text(&r->violation, sig, sizeof(sig));
	header = xasprintf("# mmfuzz prove: %s on %s: %s, found at K=%u after %" PRIu64
			   " schedules\n",
			   p->file, runner_profile_name(), sig, r->found_k, r->schedules);
	if (!r->schedule_fits)
		fprintf(stderr, "mmfuzz prove: not saved: its schedule needs more than %d bytes\n",
			INPUT_MAX_SCHEDULE);
	else if (save_checked(p->in, r->schedule, r->schedule_len, path, header, &r->violation))
		p->saved = xstrdup(path);
	free(header);
	free(path);
}

static struct input *load_saved(const char *path)
{
	struct input *in = check_alloc(malloc(sizeof(*in)));
	uint8_t *storage = NULL;
	char err[512];

	/* The saved file is text (its schedule in in->owned) or binary
	 * (pointing into storage): copy the schedule before freeing it. */
	if (input_load_file(path, in, &storage, err, sizeof(err)) != INPUT_OK) {
		fprintf(stderr, "mmfuzz prove: %s\n", err);
		free(in);
		in = NULL;
	} else if (in->schedule != in->owned) {
		memcpy(in->owned, in->schedule, in->schedule_len);
		in->schedule = in->owned;
	}
	free(storage);
	return in;
}

/* Minimise the saved counterexample, save the result beside it and check
 * that it replays with the same signature. */
static void minimize_counterexample(struct prove_run *p)
{
	struct input *cex = load_saved(p->saved);
	struct input *min = check_alloc(malloc(sizeof(*min)));
	char *path = minimized_path(p->saved), *header, sig[256];
	struct minimize_stats st;
	struct exec_result again;

	if (!cex || !minimize_input(cex, min, FINDINGS_MINIMIZE_RUNS, &st)) {
		fprintf(stderr, "mmfuzz prove: the saved file does not violate: not minimised\n");
		goto out;
	}
	snprintf(min->model, sizeof(min->model), "%s", runner_profile_name());
	runner_execute(min, NULL, false, NULL, &again);
	if (!same_signature(&again, &p->r->violation)) {
		fprintf(stderr, "mmfuzz prove: the minimised input lost the signature\n");
		goto out;
	}
	signature_text(&again, sig, sizeof(sig));
	header = xasprintf("# mmfuzz prove: %s on %s, minimised: %s\n", p->file,
			   runner_profile_name(), sig);
	if (save_checked(min, min->schedule, min->schedule_len, path, header, &again)) {
		p->minimized = xstrdup(path);
		fprintf(p->text,
			"minimised as %s: ops %d -> %d, preemptions %d -> %d (same signature)\n",
			path, st.ops_before, st.ops_after, st.preemptions_before,
			st.preemptions_after);
	}
	free(header);
out:
	free(path);
	free(min);
	free(cex);
}

/* ---- the text on stdout ---- */

static void print_bounds(FILE *out, const struct prove_result *r)
{
	fprintf(out, "  %-3s %12s %12s %12s %10s\n", "K", "schedules", "redundant", "classes",
		"max-steps");
	for (unsigned i = 0; i < r->n_bounds; i++) {
		const struct prove_bound *b = &r->bounds[i];

		fprintf(out, "  %-3u %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %10" PRIu64 "%s\n",
			b->k, b->schedules, b->sleep_blocked, b->classes, b->max_steps,
			b->complete ? "" : "  (cut short)");
	}
}

static void print_violation(struct prove_run *p)
{
	const struct prove_result *r = p->r;

	runner_print_report(&r->violation, p->text);
	fprintf(p->text, "found at K=%u after %" PRIu64 " schedules (%s)\n", r->found_k,
		r->schedules, p->reduce ? "reduced" : "no reduction");
	print_bounds(p->text, r);
	save_counterexample(p);
	if (!p->saved)
		return;
	fprintf(p->text, "saved as %s (model %s: mmfuzz replay %s)\n", p->saved,
		runner_profile_name(), p->saved);
	minimize_counterexample(p);
}

static void print_proof(const struct prove_run *p)
{
	const struct prove_result *r = p->r;

	fprintf(p->text,
		"%s: no violation in any schedule with <= %u preemptions on %s: %" PRIu64
		" schedules run, %" PRIu64 " Mazurkiewicz classes\n",
		p->file, p->bound, runner_profile_name(), r->schedules, prove_classes(r));
	print_bounds(p->text, r);
	if (p->reduce)
		fprintf(p->text,
			"reduced search: not complete for the bound (where a thread blocks, a "
			"few interleavings can be missed: docs/prove.md); --no-reduction runs "
			"every one\n");
	if (r->exhaustive)
		fprintf(p->text,
			"no schedule needs more than %u preemptions: this covers every schedule "
			"of the program\n",
			r->bounds[r->n_bounds - 1].k);
}

static void print_incomplete(const struct prove_run *p)
{
	const struct prove_result *r = p->r;
	unsigned cut = r->bounds[r->n_bounds - 1].k;

	fprintf(p->text,
		"%s: INCOMPLETE on %s: --max-schedules %" PRIu64 " ran out at K=%u: NOT a proof "
		"for K=%u\n",
		p->file, runner_profile_name(), p->o->max_schedules, cut, p->bound);
	if (cut > 0)
		fprintf(p->text,
			"no violation in any schedule with <= %u preemptions: %" PRIu64
			" schedules run\n",
			cut - 1, r->schedules - r->bounds[r->n_bounds - 1].schedules);
	print_bounds(p->text, r);
}

/* A drift is an error: on stderr, whatever the JSON says. */
static void print_drift(const struct prove_run *p)
{
	const struct prove_result *r = p->r;

	fprintf(stderr,
		"mmfuzz prove: %s on %s: the search drifted at K=%u after %" PRIu64
		" schedules: %s\n"
		"mmfuzz prove: a schedule's prefix ran differently when replayed: the program "
		"is not deterministic on this model, and nothing is proved\n",
		p->file, runner_profile_name(), r->found_k, r->schedules, r->drift);
}

/* ---- JSON ---- */

static const char *verdict_name(enum prove_verdict v)
{
	switch (v) {
	case PROVE_PROVED:
		return "proved";
	case PROVE_VIOLATION:
		return "violation";
	case PROVE_DRIFT:
		return "drift";
	case PROVE_INCOMPLETE:
	default:
		return "incomplete";
	}
}

static cJSON *bound_json(const struct prove_bound *b)
{
	cJSON *o = check_alloc(cJSON_CreateObject());

	cJSON_AddNumberToObject(o, "k", b->k);
	cJSON_AddNumberToObject(o, "schedules", (double)b->schedules);
	cJSON_AddNumberToObject(o, "redundant", (double)b->sleep_blocked);
	cJSON_AddNumberToObject(o, "classes", (double)b->classes);
	cJSON_AddNumberToObject(o, "max_steps", (double)b->max_steps);
	cJSON_AddBoolToObject(o, "complete", b->complete);
	cJSON_AddBoolToObject(o, "bound_reached", b->bound_reached);
	return o;
}

static void add_path(cJSON *o, const char *name, const char *path)
{
	if (path)
		cJSON_AddStringToObject(o, name, path);
	else
		cJSON_AddNullToObject(o, name);
}

static cJSON *violation_json(const struct prove_run *p)
{
	cJSON *o = check_alloc(cJSON_CreateObject());
	char sig[256];

	signature_text(&p->r->violation, sig, sizeof(sig));
	cJSON_AddStringToObject(o, "signature", sig);
	cJSON_AddStringToObject(o, "oracle", p->r->violation.oracle);
	cJSON_AddStringToObject(o, "kind", p->r->violation.kind);
	cJSON_AddNumberToObject(o, "k", p->r->found_k);
	add_path(o, "counterexample", p->saved);
	add_path(o, "minimized", p->minimized);
	return o;
}

static cJSON *result_json(const struct prove_run *p)
{
	cJSON *o = check_alloc(cJSON_CreateObject());
	cJSON *bounds;

	cJSON_AddStringToObject(o, "file", p->file);
	cJSON_AddStringToObject(o, "model", runner_profile_name());
	cJSON_AddNumberToObject(o, "bound", p->bound);
	cJSON_AddBoolToObject(o, "reduction", p->reduce);
	if (p->o->max_schedules)
		cJSON_AddNumberToObject(o, "max_schedules", (double)p->o->max_schedules);
	else
		cJSON_AddNullToObject(o, "max_schedules");
	cJSON_AddStringToObject(o, "verdict", verdict_name(p->r->verdict));
	cJSON_AddBoolToObject(o, "exhaustive", p->r->exhaustive);
	cJSON_AddNumberToObject(o, "schedules", (double)p->r->schedules);
	cJSON_AddNumberToObject(o, "classes", (double)prove_classes(p->r));
	bounds = cJSON_AddArrayToObject(o, "bounds");
	for (unsigned i = 0; i < p->r->n_bounds; i++)
		cJSON_AddItemToArray(bounds, bound_json(&p->r->bounds[i]));
	if (p->r->verdict == PROVE_VIOLATION)
		cJSON_AddItemToObject(o, "violation", violation_json(p));
	else
		cJSON_AddNullToObject(o, "violation");
	return o;
}

static bool write_json(const struct prove_run *p, FILE *f)
{
	cJSON *o = result_json(p);
	char *text = check_alloc(cJSON_Print(o));
	bool ok = fprintf(f, "%s\n", text) >= 0;

	cJSON_free(text);
	cJSON_Delete(o);
	return ok;
}

/* ---- the command ---- */

static bool check_outputs(const struct cli_options *o)
{
	if (o->out && strcmp(o->out, "-") == 0) {
		fprintf(stderr, "mmfuzz prove: -o - would mix the report and the input on "
				"standard output; give a file\n");
		return false;
	}
	if (o->out && o->json && strcmp(o->out, o->json) == 0) {
		fprintf(stderr, "mmfuzz prove: -o and --json both write %s: give two places\n",
			o->out);
		return false;
	}
	return true;
}

static int report(struct prove_run *p)
{
	switch (p->r->verdict) {
	case PROVE_VIOLATION:
		print_violation(p);
		return EXIT_VIOLATION;
	case PROVE_INCOMPLETE:
		print_incomplete(p);
		return EXIT_INCOMPLETE;
	case PROVE_DRIFT:
		print_drift(p);
		return EXIT_USAGE;
	case PROVE_PROVED:
	default:
		print_proof(p);
		return EXIT_CLEAN;
	}
}

static int prove_loaded(struct prove_run *p, FILE *json)
{
	struct prove_options po = {
		.preemptions = p->bound,
		.reduce = p->reduce,
		.no_sleep_sets = p->o->no_sleep_sets,
		.classic_dpor = p->o->classic_dpor,
		.max_schedules = p->o->max_schedules,
	};
	int status;

	if (p->in->schedule_len)
		fprintf(stderr,
			"mmfuzz prove: %s: its own schedule is ignored: prove runs every "
			"schedule within the bound\n",
			p->file);
	if (progress_wanted()) {
		po.progress = show_progress;
		po.progress_arg = p;
		po.progress_every = PROGRESS_EVERY;
		p->last_progress = now_seconds();
	}
	/* What it saves runs on this model anywhere. */
	snprintf(p->in->model, sizeof(p->in->model), "%s", runner_profile_name());
	prove_run(p->in, &po, p->r);
	status = report(p);
	if (json) {
		bool ok = write_json(p, json);

		if (!cli_close_out(json, p->o->json) || !ok)
			status = EXIT_USAGE;
	}
	return status;
}

int cmd_prove(const struct cli_options *o)
{
	struct prove_run p = {
		.o = o,
		.file = o->args[0],
		.bound = o->preemptions >= 0 ? (unsigned)o->preemptions : PROVE_DEFAULT_BOUND,
		.reduce = !o->no_reduction,
		.text = o->json && strcmp(o->json, "-") == 0 ? stderr : stdout,
	};
	uint8_t *storage = NULL;
	FILE *json = NULL;
	int status;

	if (!check_outputs(o))
		return EXIT_USAGE;
	p.in = check_alloc(malloc(sizeof(*p.in)));
	p.r = check_alloc(malloc(sizeof(*p.r)));
	status = cli_load(o, p.file, p.in, &storage);
	if (status == 0 && o->json && !(json = cli_open_out(o->json)))
		status = EXIT_USAGE;
	if (status == 0)
		status = prove_loaded(&p, json);
	free(storage);
	free(p.in);
	free(p.r);
	free(p.saved);
	free(p.minimized);
	return status;
}
