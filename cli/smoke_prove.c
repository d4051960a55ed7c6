/* SPDX-License-Identifier: MIT */
/* Smoke's bounded proofs: see smoke_prove.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smoke_prove.h"
#include "xalloc.h"

#include "fuzz/prove.h"
#include "fuzz/runner.h"

bool smoke_case_is_proof(const struct smoke_case *c)
{
	return !c->strategy && !c->expected &&
	       strncmp(c->name, SMOKE_PROVE_PREFIX, strlen(SMOKE_PROVE_PREFIX)) == 0;
}

bool smoke_case_skipped(const struct smoke_case *c)
{
	return smoke_case_is_proof(c) && c->verdict && strcmp(c->verdict, SMOKE_PROVE_SKIPPED) == 0;
}

static struct smoke_case *new_proof_case(struct smoke_results *res, const struct smoke_input *si,
					 unsigned bound)
{
	char suite[256], name[32];
	struct smoke_case *c;

	snprintf(suite, sizeof(suite), "prove on %s", si->model);
	snprintf(name, sizeof(name), "%s%u", SMOKE_PROVE_PREFIX, bound);
	c = smoke_new_case(res, suite, si, name);
	c->budget = res->runs;
	return c;
}

/* <dir>/<model>/<classname, '/' -> '_'>.<case>.mmf, as smoke's others. */
static char *proof_reproducer_path(const char *dir, const struct smoke_case *c)
{
	char *stem = xstrdup(c->classname + strspn(c->classname, "./"));
	char *path;

	for (char *s = stem; *s; s++)
		if (*s == '/')
			*s = '_';
	path = xasprintf("%s/%s/%s.%s.mmf", dir, c->model, stem, c->name);
	free(stem);
	return path;
}

static void proof_failed(struct smoke_case *c, const struct smoke_input *si,
			 const struct prove_result *r, const char *dir)
{
	char sig[512], why[1024];
	char *path = proof_reproducer_path(dir, c), *header;
	const struct exec_result *v = &r->violation;

	runner_signature(v, sig, sizeof(sig));
	c->failed = true;
	c->verdict = xasprintf("%s %s", v->oracle, v->kind[0] ? v->kind : "-");
	c->message = xstrdup(strncmp(sig, "mmfuzz: ", 8) == 0 ? sig + 8 : sig);
	c->oracle = xstrdup(v->oracle);
	c->report = xstrdup(v->sched.report);
	header =
		xasprintf("# mmfuzz smoke: %s, %s: found at K=%u after %" PRIu64 " schedules: %s\n",
			  si->name, c->name, r->found_k, r->schedules, c->message);
	if (!r->schedule_fits)
		c->note = xasprintf("not saved: its schedule needs more than %d bytes",
				    INPUT_MAX_SCHEDULE);
	else if (smoke_save_reproducer(&(struct smoke_saved){.in = &si->in,
							     .schedule = r->schedule,
							     .schedule_len = r->schedule_len,
							     .model = si->model,
							     .path = path,
							     .header = header},
				       v, why, sizeof(why)))
		c->reproducer = xstrdup(path);
	else
		c->note = xstrdup(why);
	free(header);
	free(path);
}

static void prove_scenario(const struct smoke_input *si, unsigned bound, const char *dir,
			   struct smoke_results *res)
{
	static struct prove_result r;
	struct smoke_case *c = new_proof_case(res, si, bound);
	struct prove_options o = {.preemptions = bound, .reduce = true, .max_schedules = c->budget};
	char err[512];

	if (!runner_select_model(si->model, err, sizeof(err))) {
		c->failed = true;
		c->message = xasprintf("cannot select model %s", si->model);
		return;
	}
	prove_run(&si->in, &o, &r);
	c->schedules = r.schedules;
	res->schedules += r.schedules;
	if (r.verdict == PROVE_VIOLATION) {
		proof_failed(c, si, &r, dir);
	} else if (r.verdict == PROVE_DRIFT) {
		/* Not deterministic on this model: an error, never a pass. */
		c->failed = true;
		c->verdict = xstrdup("drift");
		c->message = xasprintf("the search drifted at K=%u: %s", r.found_k, r.drift);
	} else if (r.verdict == PROVE_INCOMPLETE) {
		c->verdict = xstrdup(SMOKE_PROVE_SKIPPED);
	} else {
		c->verdict = xasprintf("proved: %" PRIu64 " classes", prove_classes(&r));
	}
}

void smoke_prove_run(const struct smoke_plan *p, unsigned bound, const char *dir,
		     struct smoke_results *res)
{
	for (int i = 0; i < p->n_scenarios; i++) {
		prove_scenario(p->scenarios[i], bound, dir, res);
		res->failures += res->cases[res->n - 1].failed;
	}
}
