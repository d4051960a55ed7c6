/* SPDX-License-Identifier: MIT */
#include "runner.h"

#include <string.h>

static const struct profile *selected;
static char selected_name[96];

bool runner_select(const char *profile, const char *const *switches, int n_switches, char *err,
		   size_t errlen)
{
	const struct profile *p = profile_find(profile ? profile : "latest");
	struct mm_policy candidate;
	size_t n;

	if (!p) {
		int k = snprintf(err, errlen, "unknown profile '%s'; profiles:", profile);

		for (int i = 0; profile_at(i) && k > 0 && (size_t)k < errlen; i++)
			k += snprintf(err + k, errlen - (size_t)k, " %s", profile_at(i)->name);
		return false;
	}
	candidate = p->policy;
	n = (size_t)snprintf(selected_name, sizeof(selected_name), "%s", p->name);
	for (int i = 0; i < n_switches; i++) {
		if (!policy_set(&candidate, switches[i], err, (int)errlen))
			return false;
		if (n < sizeof(selected_name))
			n += (size_t)snprintf(selected_name + n, sizeof(selected_name) - n, "+%s",
					      switches[i]);
	}
	if (!policy_check(&candidate, err, (int)errlen))
		return false;
	selected = p;
	policy = candidate;
	return true;
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
