/* SPDX-License-Identifier: MIT */
#include "replay.h"

#include "oracle_docs.h"
#include "runner.h"
#include "scheduler/trace.h"

int replay_print(const struct input *in, const char *name, FILE *out)
{
	struct exec_result r;

	fprintf(out, "== scenario (%s), profile %s\n", name, runner_profile_name());
	input_print_text(in, out);
	fprintf(out, "== trace\n");
	trace_enable(out);
	runner_execute(in, NULL, false, NULL, &r);
	trace_enable(NULL);
	fprintf(out, "== verdict (%llu steps, %llu switches, trace %016llx)\n",
		(unsigned long long)r.sched.steps, (unsigned long long)r.sched.switches,
		(unsigned long long)r.sched.trace_hash);
	runner_print_report(&r, out);
	explain_oracle(r.violation ? r.oracle : NULL, out);
	return r.violation ? 1 : 0;
}
