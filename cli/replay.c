/* SPDX-License-Identifier: MIT */
#include "replay.h"

#include <stdlib.h>

#include "commands.h"
#include "timeline.h"

#include "fuzz/oracle_docs.h"
#include "fuzz/runner.h"
#include "scheduler/trace.h"

/* The spf proposal's vmstat events (SPF_ATTEMPT, SPF_ABORT_*). */
static void print_spf(const struct spf_stats *s, FILE *out)
{
	if (!s->attempt)
		return;
	fprintf(out,
		"  speculative faults: %u attempt(s), %u completed without mmap_lock; aborted: "
		"%u writer in, %u no VMA, %u not handled, %u count moved (VMA copy), %u count "
		"moved (PTL)\n",
		s->attempt, s->success, s->abort_odd, s->abort_no_vma, s->abort_unhandled,
		s->abort_vma_copy, s->abort_pte_map_lock);
}

void print_lock_latency(const struct exec_result *r, FILE *out)
{
	if (r->mmap_write_wait_max || r->io_under_mmap_lock)
		fprintf(out,
			"  lock latency: longest mmap_lock write wait %llu steps, %u I/O sleep(s) "
			"under an mmap_lock\n",
			(unsigned long long)r->mmap_write_wait_max, r->io_under_mmap_lock);
	print_spf(&r->spf, out);
	if (!(r->vma_lock_success + r->vma_lock_retry + r->vma_lock_abort + r->vma_lock_miss))
		return;
	fprintf(out,
		"  VMA lock: %u fault(s): %u completed under it (%u: anon_vma under a trylocked "
		"mmap_lock), %u retried (%u: no anon_vma yet), %u aborted (%u: no anon_vma yet), "
		"%u missed; longest VMA write-lock wait %llu steps\n",
		r->user_faults, r->vma_lock_success, r->vma_lock_anon_vma_trylocked,
		r->vma_lock_retry, r->vma_lock_retry_no_anon_vma, r->vma_lock_abort,
		r->vma_lock_abort_no_anon_vma, r->vma_lock_miss,
		(unsigned long long)r->vma_write_wait_max);
}

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
	print_lock_latency(&r, out);
	runner_print_report(&r, out);
	explain_oracle(r.violation ? r.oracle : NULL, out);
	return r.violation ? 1 : 0;
}

int cmd_replay(const struct cli_options *o)
{
	struct input in;
	uint8_t *storage = NULL;
	char err[512];
	int status;

	if (cli_load(o, o->args[0], &in, &storage) != 0)
		return 2;
	status = replay_print(&in, o->args[0], stdout);
	if (o->html && !timeline_write_html(&in, o->html, err, sizeof(err))) {
		fprintf(stderr, "mmfuzz: %s\n", err);
		status = 2;
	}
	free(storage);
	return status;
}
