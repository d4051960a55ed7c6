/* SPDX-License-Identifier: MIT */
#include "runner.h"

#include <stdlib.h>
#include <string.h>

static const struct profile *selected;
static char selected_name[INPUT_MODEL_MAX];

#define MAX_MODEL_SWITCHES 32

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Does "name=value" set the same switch as "name=other"? */
static bool same_switch(const char *a, const char *b)
{
	size_t n = strcspn(a, "=");

	return n == strcspn(b, "=") && strncmp(a, b, n) == 0;
}

/*
 * The canonical name of profile p with these switches: each switch once
 * (the last wins), only those that change p, sorted by name. Two
 * campaigns that run the same kernel get the same name, and so the same
 * findings folder.
 */
static bool canonical_name(const struct profile *p, const char *const *switches, int n, char *out,
			   size_t len, char *err, size_t errlen)
{
	const char *kept[MAX_MODEL_SWITCHES];
	int n_kept = 0;
	size_t k;

	for (int i = 0; i < n; i++) {
		struct mm_policy alone = p->policy;
		bool later = false;

		for (int j = i + 1; j < n; j++)
			later |= same_switch(switches[i], switches[j]);
		if (later)
			continue;
		if (!policy_set(&alone, switches[i], err, (int)errlen))
			return false;
		if (!policy_same(&alone, &p->policy) && n_kept < MAX_MODEL_SWITCHES)
			kept[n_kept++] = switches[i];
	}
	qsort(kept, (size_t)n_kept, sizeof(kept[0]), compare_strings);
	k = (size_t)snprintf(out, len, "%s", p->name);
	for (int i = 0; i < n_kept && k < len; i++)
		k += (size_t)snprintf(out + k, len - k, "+%s", kept[i]);
	if (k >= len) {
		snprintf(err, errlen, "the model name is longer than %zu characters", len - 1);
		return false;
	}
	return true;
}

static bool unknown_profile(const char *profile, char *err, size_t errlen)
{
	int k = snprintf(err, errlen, "unknown profile '%s'; profiles:", profile);

	for (int i = 0; profile_at(i) && k > 0 && (size_t)k < errlen; i++)
		k += snprintf(err + k, errlen - (size_t)k, " %s", profile_at(i)->name);
	return false;
}

bool runner_select(const char *profile, const char *const *switches, int n_switches, char *err,
		   size_t errlen)
{
	const char *all[MAX_MODEL_SWITCHES];
	char copy[INPUT_MODEL_MAX], *save = NULL, *tok;
	const struct profile *p;
	struct mm_policy candidate;
	char name[INPUT_MODEL_MAX];
	int n = 0;

	/* The profile may itself be a model: "v5.9+wp.reuse=mapcount". */
	snprintf(copy, sizeof(copy), "%s", profile ? profile : "latest");
	tok = strtok_r(copy, "+", &save);
	p = profile_find(tok ? tok : "");
	if (!p)
		return unknown_profile(tok ? tok : "", err, errlen);
	while ((tok = strtok_r(NULL, "+", &save)) && n < MAX_MODEL_SWITCHES)
		all[n++] = tok;
	for (int i = 0; i < n_switches && n < MAX_MODEL_SWITCHES; i++)
		all[n++] = switches[i];
	if (n == MAX_MODEL_SWITCHES) {
		snprintf(err, errlen, "more than %d switches", MAX_MODEL_SWITCHES - 1);
		return false;
	}
	candidate = p->policy;
	for (int i = 0; i < n; i++)
		if (!policy_set(&candidate, all[i], err, (int)errlen))
			return false;
	if (!policy_check(&candidate, err, (int)errlen) ||
	    !canonical_name(p, all, n, name, sizeof(name), err, errlen))
		return false;
	selected = p;
	policy = candidate;
	memcpy(selected_name, name, sizeof(name));
	return true;
}

bool runner_select_model(const char *model, char *err, size_t errlen)
{
	return runner_select(model, NULL, 0, err, errlen);
}

const char *runner_profile_name(void)
{
	return selected ? selected_name : "latest";
}

void runner_execute(const struct input *in, struct strategy *strategy, bool record,
		    void (*feature_hook)(uint32_t), struct exec_result *out)
{
	struct strategy_bytes bytes;
	struct exec_options opt = {.record_decisions = record, .feature_hook = feature_hook};

	if (!selected)
		runner_select("latest", NULL, 0, NULL, 0);
	if (!strategy) {
		strategy_bytes_init(&bytes, in->schedule, in->schedule_len);
		strategy = &bytes.base;
	}
	opt.strategy = strategy;
	mm_execute(&in->scenario, &opt, out);
}

/* Does the entry "oracle" or "oracle:kind" (len bytes at item) name this
 * violation? */
static bool entry_matches(const char *item, size_t len, const char *oracle, const char *kind)
{
	size_t n = strlen(oracle);

	if (len < n || strncmp(item, oracle, n) != 0)
		return false;
	return len == n || (item[n] == ':' && len - n - 1 == strlen(kind) &&
			    strncmp(item + n + 1, kind, len - n - 1) == 0);
}

bool runner_listed(const char *list, const char *oracle, const char *kind)
{
	for (const char *p = list; *p; p += strcspn(p, ","), p += *p == ',')
		if (entry_matches(p, strcspn(p, ","), oracle, kind))
			return true;
	return false;
}

void runner_signature(const struct exec_result *r, char *buf, size_t len)
{
	if (!r->violation)
		snprintf(buf, len, "mmfuzz: CLEAN profile=%s", runner_profile_name());
	else
		snprintf(buf, len, "mmfuzz: VIOLATION %s %s profile=%s", r->oracle,
			 r->kind[0] ? r->kind : "-", runner_profile_name());
}

static FILE *report_out;

static void print_line(const char *line)
{
	fprintf(report_out, "%s\n", line);
}

void runner_print_report(const struct exec_result *r, FILE *out)
{
	char sig[256];

	runner_signature(r, sig, sizeof(sig));
	fprintf(out, "%s\n", sig);
	if (!r->violation)
		return;
	if (r->sched.report[0])
		fprintf(out, "%s%s", r->sched.report,
			r->sched.report[strlen(r->sched.report) - 1] == '\n' ? "" : "\n");
	if (r->sched.fail_thread >= 0 && r->sched.fail_site)
		fprintf(out, "  in thread %s at %s, step %llu\n",
			sched_thread_name(r->sched.fail_thread), r->sched.fail_site,
			(unsigned long long)r->sched.steps);
	fprintf(out, "  policy:\n");
	report_out = out;
	policy_print(&policy, "    ", print_line);
}
