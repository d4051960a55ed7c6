/* SPDX-License-Identifier: MIT */
/* A run recorded with its trace, in kernel words (see recording.h). */
#include "recording.h"

#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "scheduler/site.h"
#include "scheduler/trace.h"
#include "target/model.h"

/* ---- the recorded run ------------------------------------------------- */

static const char *skip_prefix(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

/* Split one line in place; false if it is not a step line. */
static bool parse_line(char *s, struct trace_line *l)
{
	char *who, *slash, *locks;
	unsigned step;
	int tid, off = 0;

	if (sscanf(s, "[step %u] %n", &step, &off) != 1 || !off)
		return false;
	who = s + off;
	slash = strchr(who, '/');
	if (!slash)
		return false;
	*slash = '\0';
	off = 0;
	if (sscanf(slash + 1, "CPU%d %n", &tid, &off) != 1 || !off || tid < 0 ||
	    tid >= SCHED_MAX_THREADS)
		return false;
	l->step = step;
	l->tid = tid;
	l->who = who;
	l->text = slash + 1 + off;
	locks = strstr(slash + 1 + off, "  {");
	if (locks && locks[strlen(locks) - 1] == '}')
		*locks = '\0';
	return true;
}

/* An op of the program starts (or the thread exits). Waits and signals
 * only order ops: the kernel steps after them belong to the op before. */
static bool starts_op(const char *text)
{
	if (skip_prefix(text, "op signal") || skip_prefix(text, "op wait"))
		return false;
	return skip_prefix(text, "op ") || skip_prefix(text, "exit P");
}

static bool parse_trace(struct recording *rec)
{
	int last_op[SCHED_MAX_THREADS];
	size_t lines = 1;
	char *s = rec->trace;

	for (size_t i = 0; i < rec->trace_size; i++)
		lines += rec->trace[i] == '\n';
	rec->lines = calloc(lines, sizeof(*rec->lines));
	if (!rec->lines)
		return false;
	for (int t = 0; t < SCHED_MAX_THREADS; t++)
		last_op[t] = -1;
	while (s && *s) {
		char *end = strchr(s, '\n');
		struct trace_line *l = &rec->lines[rec->n_lines];

		if (end)
			*end = '\0';
		if (parse_line(s, l)) {
			if (starts_op(l->text))
				last_op[l->tid] = rec->n_lines;
			l->op = last_op[l->tid];
			rec->n_lines++;
		}
		s = end ? end + 1 : NULL;
	}
	return true;
}

void recording_free(struct recording *rec)
{
	free(rec->trace);
	free(rec->lines);
	rec->trace = NULL;
	rec->lines = NULL;
}

/* Run `in` with its own schedule, keeping decisions and (if asked) the
 * trace. false with err set if the run is too long to explain. */
bool recording_run(const struct input *in, bool with_trace, struct recording *rec, char *err,
		   size_t errlen)
{
	FILE *f = NULL;

	rec->trace = NULL;
	rec->trace_size = 0;
	rec->lines = NULL;
	rec->n_lines = 0;
	if (with_trace) {
		f = open_memstream(&rec->trace, &rec->trace_size);
		if (!f) {
			snprintf(err, errlen, "cannot capture the trace");
			return false;
		}
		trace_enable(f);
	}
	runner_execute(in, NULL, true, NULL, &rec->r);
	if (f) {
		trace_enable(NULL);
		fclose(f);
	}
	if (rec->r.sched.n_decisions > RECORDING_MAX_POINTS) {
		snprintf(err, errlen,
			 "the run takes %zu scheduling points, more than %d: minimize it first",
			 rec->r.sched.n_decisions, RECORDING_MAX_POINTS);
		return false;
	}
	rec->n = (int)rec->r.sched.n_decisions;
	for (int k = 0; k < rec->n; k++) {
		rec->chosen[k] = rec->r.sched.decisions[k].chosen;
		rec->current[k] = rec->r.sched.decisions[k].current;
		rec->site[k] = rec->r.sched.decisions[k].site_id;
	}
	rec->r.sched.decisions = NULL;
	if (f && !parse_trace(rec)) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	return true;
}

/* ---- kernel words ------------------------------------------------------ */

/* "spin_lock ptl[P0]: waits for T1", "... hand-off to T0" */
static bool is_lock_line(const char *text)
{
	return strstr(text, ": waits for T") || strstr(text, ": hand-off to T");
}

/* How much a line says about the kernel: op starts and exits, then user
 * accesses, less than the kernel's own steps. */
static int line_weight(const char *text)
{
	if (skip_prefix(text, "sched:") || skip_prefix(text, "violation ") ||
	    skip_prefix(text, "op "))
		return starts_op(text) ? 1 : 0;
	if (skip_prefix(text, "exit P"))
		return 1;
	if (skip_prefix(text, "user ") || skip_prefix(text, "page walk") || is_lock_line(text))
		return 2;
	return 3;
}

static bool in_slice(const struct recording *rec, const struct trace_line *l, int pos)
{
	return l->step == (uint32_t)pos + 1 && l->tid == rec->chosen[pos];
}

/* Do two lines name the same kernel function first? */
static bool same_function(const char *a, const char *b)
{
	size_t n = strcspn(a, " :");

	return n == strcspn(b, " :") && strncmp(a, b, n) == 0;
}

/* The line that says most about slice pos, or -1: the first of the
 * heaviest, as a slice's first kernel line is the access its scheduling
 * point guards; or the function's last line just after it, which says
 * what it decided ("do_wp_page frame 1: refcount 2 != 1 -> copy"). */
int recording_slice_line(const struct recording *rec, int pos)
{
	int best = -1, weight = 0;

	for (int i = 0; i < rec->n_lines; i++) {
		int w;

		if (!in_slice(rec, &rec->lines[i], pos))
			continue;
		w = line_weight(rec->lines[i].text);
		if (w > weight) {
			best = i;
			weight = w;
		}
	}
	while (best >= 0 && best + 1 < rec->n_lines && in_slice(rec, &rec->lines[best + 1], pos) &&
	       same_function(rec->lines[best].text, rec->lines[best + 1].text))
		best++;
	return best;
}

/*
 * The TLB as the trace shows it, to tell a store through a stale entry:
 * one filled before a PTE change that took its frame or its write bit
 * away, and not flushed since.
 */
struct tlb_fill {
	int line;  /* the fill line + 1; 0: none */
	int stale; /* the change that made it stale + 1; 0: current */
	int pfn;
	bool rw;
};

struct tlb_view {
	struct tlb_fill fill[NR_CPUS][MAX_PROCS][MM_NR_PAGES];
	int proc[NR_CPUS], va[NR_CPUS]; /* each CPU's last user access */
};

static bool in_view(int cpu, int proc, int va)
{
	return cpu >= 0 && cpu < NR_CPUS && proc >= 0 && proc < MAX_PROCS && va >= 0 &&
	       va < MM_NR_PAGES;
}

static void view_flush(struct tlb_view *v, int proc, int lo, int hi)
{
	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		for (int va = lo; va <= hi; va++)
			if (in_view(cpu, proc, va))
				v->fill[cpu][proc][va].line = 0;
}

#define KEEPS_FRAME (-1) /* change_pte_range: the frame stays, the write bit may go */
#define NO_FRAME    (-2) /* the PTE is cleared or write-protected */

/* A PTE change: entries it takes the frame or the write bit from are
 * stale. */
static void view_change(struct tlb_view *v, int proc, int va, int pfn, bool rw, int line)
{
	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct tlb_fill *f;

		if (!in_view(cpu, proc, va))
			continue;
		f = &v->fill[cpu][proc][va];
		if (f->line && !f->stale &&
		    ((pfn != KEEPS_FRAME && pfn != f->pfn) || (f->rw && !rw)))
			f->stale = line + 1;
	}
}

static void view_line(struct tlb_view *v, const struct trace_line *l, int idx)
{
	int cpu, p, va, hi, pfn;
	char perm[8] = "", was[8], now[8];
	const char *t = l->text;

	if (sscanf(t, "tlb fill CPU%d: P%d va %d -> frame %d %7s", &cpu, &p, &va, &pfn, perm) ==
		    5 &&
	    in_view(cpu, p, va))
		v->fill[cpu][p][va] = (struct tlb_fill){idx + 1, 0, pfn, strcmp(perm, "RW") == 0};
	else if ((sscanf(t, "user store P%d va %d", &p, &va) == 2 ||
		  sscanf(t, "user load P%d va %d", &p, &va) == 2) &&
		 in_view(l->tid, p, va)) {
		v->proc[l->tid] = p;
		v->va[l->tid] = va;
	} else if (sscanf(t, "flush_tlb_range P%d va %d..%d", &p, &va, &hi) == 3)
		view_flush(v, p, va, hi);
	else if (sscanf(t, "flush_tlb_page P%d va %d", &p, &va) == 2)
		view_flush(v, p, va, va);
	else if (sscanf(t, "flush_tlb_mm P%d", &p) == 1)
		view_flush(v, p, 0, MM_NR_PAGES - 1);
	else if (sscanf(t, "ptep_clear_flush P%d va %d", &p, &va) == 2)
		view_flush(v, p, va, va);
	else if (sscanf(t, "set_pte_at P%d va %d: %*s frame %d %7s", &p, &va, &pfn, perm) == 4)
		view_change(v, p, va, pfn, strcmp(perm, "RW") == 0, idx);
	else if (sscanf(t, "change_pte_range P%d va %d: %7s -> %7s", &p, &va, was, now) == 4)
		view_change(v, p, va, KEEPS_FRAME, strcmp(now, "RW") == 0, idx);
	else if (sscanf(t, "ptep_set_wrprotect P%d va %d", &p, &va) == 2 ||
		 sscanf(t, "clear_soft_dirty P%d va %d", &p, &va) == 2 ||
		 sscanf(t, "zap_pte_range P%d va %d", &p, &va) == 2)
		view_change(v, p, va, NO_FRAME, false, idx);
}

/* The thread's op at line idx: "vmsplice va=0" (or "exit P1"). */
static const char *op_of(const struct recording *rec, const struct trace_line *l)
{
	const char *op;

	if (l->op < 0)
		return "starting";
	op = rec->lines[l->op].text;
	return skip_prefix(op, "op ") ? op + 3 : op;
}

/* ", through a stale TLB entry (...)" for a TLB hit through one: when it
 * was filled, and which op changed its PTE without a flush since (the
 * view drops an entry at every flush that covers it). */
static void stale_note(const struct recording *rec, int idx, char *buf, size_t len)
{
	static struct tlb_view v;
	const struct trace_line *l = &rec->lines[idx];
	const struct tlb_fill *f;
	const struct trace_line *change;
	int p, va;

	buf[0] = '\0';
	if (!strstr(l->text, "(TLB hit)"))
		return;
	memset(&v, 0, sizeof(v));
	for (int i = 0; i < idx; i++)
		view_line(&v, &rec->lines[i], i);
	p = v.proc[l->tid];
	va = v.va[l->tid];
	f = &v.fill[l->tid][p][va];
	if (!f->line || !f->stale)
		return;
	change = &rec->lines[f->stale - 1];
	snprintf(buf, len,
		 ", through a stale TLB entry (filled at step %u; %s %s changed the PTE at step "
		 "%u, its TLB flush still deferred)",
		 rec->lines[f->line - 1].step, change->who, op_of(rec, change), change->step);
}

/* "T1 vmsplice va=0: folio_try_get frame 1: refcount 2" */
void recording_describe_line(const struct recording *rec, int idx, char *buf, size_t len)
{
	const struct trace_line *l = &rec->lines[idx];
	char stale[192];

	if (skip_prefix(l->text, "op ")) {
		snprintf(buf, len, "%s %s: starts", l->who, op_of(rec, l));
		return;
	}
	stale_note(rec, idx, stale, sizeof(stale));
	snprintf(buf, len, "%s %s: %s%s", l->who, op_of(rec, l), l->text, stale);
}

/* The first kernel line of thread tid after line idx, or -1. */
static int next_kernel_line(const struct recording *rec, int tid, int idx)
{
	for (int i = idx + 1; i < rec->n_lines; i++)
		if (rec->lines[i].tid == tid && line_weight(rec->lines[i].text) == 3)
			return i;
	return -1;
}

/* The last line of slice pos or before it, of its thread, or -1. */
static int last_line_of(const struct recording *rec, int pos)
{
	int found = -1;

	for (int i = 0; i < rec->n_lines && rec->lines[i].step <= (uint32_t)pos + 1; i++)
		if (rec->lines[i].tid == rec->chosen[pos])
			found = i;
	return found;
}

/* A slice that printed nothing: the point the thread resumed at (its step
 * is the access that point guards). */
static void describe_silent_slice(const struct recording *rec, int pos, char *buf, size_t len)
{
	int tid = rec->chosen[pos], prev = last_line_of(rec, pos);
	const char *site = NULL;

	for (int k = pos; k >= 0 && !site; k--)
		if (rec->current[k] == tid)
			site = sched_site_name(rec->site[k]);
	if (prev >= 0)
		snprintf(buf, len, "%s %s: at %s", rec->lines[prev].who,
			 op_of(rec, &rec->lines[prev]), site ? site : "its start");
	else
		snprintf(buf, len, "T%d: at %s", tid, site ? site : "its start");
}

/* A step that is not the kernel's own (a lock taken, a user access, an op
 * starting) is told with what the thread does next in the kernel. */
void recording_describe_slice(const struct recording *rec, int pos, char *buf, size_t len)
{
	int idx = recording_slice_line(rec, pos), next;
	size_t used;

	if (idx >= 0)
		recording_describe_line(rec, idx, buf, len);
	else
		describe_silent_slice(rec, pos, buf, len);
	if (idx >= 0 && line_weight(rec->lines[idx].text) == 3)
		return;
	next = next_kernel_line(rec, rec->chosen[pos], idx >= 0 ? idx : last_line_of(rec, pos));
	used = strlen(buf);
	if (next >= 0 && used < len)
		snprintf(buf + used, len - used, ", then %s", rec->lines[next].text);
}

bool recording_kernel_line(const char *text)
{
	return line_weight(text) == 3;
}
