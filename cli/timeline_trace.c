/* SPDX-License-Identifier: MIT */
/* The timeline's data: run the input with the trace on and read each
 * line into its lane, with the locks each thread holds. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/explain.h"
#include "fuzz/oracle_docs.h"
#include "fuzz/runner.h"
#include "scheduler/trace.h"
#include "timeline_internal.h"
#include "xalloc.h"

/* A trace line's text starts with the kernel function (or "op ",
 * "sched: ", "violation "); its prefix says what kind of state it acts on. */
static const struct {
	const char *prefix;
	enum tl_kind kind;
} kind_rules[] = {
	{"violation ", K_VIOLATION},
	{"op ", K_OP},
	{"sched: ", K_SCHED},
	{"user ", K_DATA},
	{"store #", K_DATA},
	{"load #", K_DATA},
	{"copy frame", K_DATA},
	{"pipe_read", K_DATA},
	{"DMA ", K_DATA},
	{"device DMA", K_DATA},
	{"O_DIRECT", K_DATA},
	{"/proc/", K_DATA},
	{"set_pte_at", K_PTE},
	{"change_pte_range", K_PTE},
	{"ptep_", K_PTE},
	{"copy_present_pte", K_PTE},
	{"zap_pte_range", K_PTE},
	{"clear_soft_dirty", K_PTE},
	{"tlb", K_TLB},
	{"flush_tlb", K_TLB},
	{"page walk", K_TLB},
	{"folio_", K_FOLIO},
	{"page_add", K_FOLIO},
	{"page_remove_rmap", K_FOLIO},
	{"page_dup_rmap", K_FOLIO},
	{"page_try_dup", K_FOLIO},
	{"reuse_swap_page", K_FOLIO},
	{"wp_page_reuse", K_FOLIO},
	{"alloc_page", K_FOLIO},
	{"free_page", K_FOLIO},
	{"pin ", K_FOLIO},
	{"unpin ", K_FOLIO},
	{"copy_present_page", K_FOLIO},
	{"handle_", K_FAULT},
	{"do_", K_FAULT},
	{"wp_page_copy", K_FAULT},
	{"filemap_fault", K_FAULT},
	{"faultin_page", K_FAULT},
	{"follow_page", K_FAULT},
};

/* ---- reading the trace ---- */

static enum tl_kind classify(const char *text)
{
	for (size_t i = 0; i < sizeof(kind_rules) / sizeof(kind_rules[0]); i++)
		if (strncmp(text, kind_rules[i].prefix, strlen(kind_rules[i].prefix)) == 0)
			return kind_rules[i].kind;
	return K_KERNEL;
}

static void copy_text(char *dst, size_t cap, const char *src, size_t len)
{
	if (len >= cap)
		len = cap - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* "[step N] NAME/CPU<c> TEXT[  {LOCKS}]" */
static bool parse_line(const char *line, struct tl_event *e, char *name)
{
	unsigned long long step;
	const char *body, *brace;
	int off = -1;
	size_t len;

	if (sscanf(line, "[step %llu] %31[^/]/CPU%d %n", &step, name, &e->cpu, &off) != 3 ||
	    off < 0 || e->cpu < -1 || e->cpu >= SCHED_MAX_THREADS)
		return false;
	e->step = step;
	copy_text(e->line, sizeof(e->line), line, strlen(line));
	body = line + off;
	len = strlen(body);
	brace = strstr(body, "  {");
	while (brace && strstr(brace + 1, "  {"))
		brace = strstr(brace + 1, "  {");
	e->locks[0] = '\0';
	if (brace && len && body[len - 1] == '}') {
		copy_text(e->locks, sizeof(e->locks), brace + 3,
			  (size_t)(body + len - 1 - brace - 3));
		len = (size_t)(brace - body);
	}
	copy_text(e->text, sizeof(e->text), body, len);
	e->kind = classify(e->text);
	e->switch_to = -1;
	if (e->kind == K_SCHED && sscanf(e->text, "sched: -> T%d", &e->switch_to) != 1 &&
	    sscanf(e->text, "sched: spawn T%d", &e->switch_to) != 1)
		e->switch_to = -1;
	return true;
}

static void add_line(struct timeline *tl, const char *line)
{
	char name[TL_NAME_MAX];
	struct tl_event *e;

	if (tl->n == tl->cap) {
		tl->cap = tl->cap ? 2 * tl->cap : 256;
		tl->ev = check_alloc(realloc(tl->ev, (size_t)tl->cap * sizeof(*tl->ev)));
	}
	e = &tl->ev[tl->n];
	if (!parse_line(line, e, name))
		return;
	if (!tl->cpu_name[e->cpu + 1][0])
		snprintf(tl->cpu_name[e->cpu + 1], TL_NAME_MAX, "%s", name);
	tl->n++;
}

/* Lanes in thread order, main (checks run after the threads) last. */
static void make_lanes(struct timeline *tl)
{
	for (int k = 0; k < TL_MAX_LANES; k++) {
		int cpu = k < SCHED_MAX_THREADS ? k : -1;

		tl->lane_of_cpu[cpu + 1] = -1;
		if (!tl->cpu_name[cpu + 1][0])
			continue;
		tl->lane[tl->n_lanes].cpu = cpu;
		snprintf(tl->lane[tl->n_lanes].name, TL_NAME_MAX, "%s", tl->cpu_name[cpu + 1]);
		tl->lane_of_cpu[cpu + 1] = tl->n_lanes++;
	}
	tl->lane_w = tl->n_lanes ? (PAGE_W - STEP_W) / tl->n_lanes : LANE_W_MAX;
	if (tl->lane_w < LANE_W_MIN)
		tl->lane_w = LANE_W_MIN;
	if (tl->lane_w > LANE_W_MAX)
		tl->lane_w = LANE_W_MAX;
}

int lane_of(const struct timeline *tl, int cpu)
{
	return cpu >= -1 && cpu < SCHED_MAX_THREADS ? tl->lane_of_cpu[cpu + 1] : -1;
}

/* The lane of a row (make_lanes gave every thread that traced one). */
int row_lane(const struct timeline *tl, int row)
{
	int lane = lane_of(tl, tl->ev[row].cpu);

	return lane >= 0 ? lane : 0;
}

/* The next lock name in a held-locks list: its length without "(R)";
 * *read says whether it is held shared. */
static const char *next_lock(const char *s, size_t *len, bool *read)
{
	size_t n;

	while (*s == ' ')
		s++;
	if (!*s)
		return NULL;
	n = strcspn(s, " ");
	*read = n > 3 && strncmp(s + n - 3, "(R)", 3) == 0;
	*len = *read ? n - 3 : n;
	return s;
}

static int find_slot(const struct tl_lane *l, const char *name, size_t len)
{
	for (int k = 0; k < l->n_slots; k++)
		if (strlen(l->slot[k]) == len && strncmp(l->slot[k], name, len) == 0)
			return k;
	return -1;
}

static void collect_lock_slots(struct timeline *tl)
{
	for (int i = 0; i < tl->n; i++) {
		struct tl_lane *l = &tl->lane[row_lane(tl, i)];
		const char *s = tl->ev[i].locks;
		size_t len;
		bool read;

		for (; (s = next_lock(s, &len, &read)); s += len + (read ? 3 : 0))
			if (find_slot(l, s, len) < 0 && l->n_slots < TL_MAX_SLOTS)
				copy_text(l->slot[l->n_slots++], sizeof(l->slot[0]), s, len);
	}
}

/* Is the lock of slot k held at event e, and how? */
bool holds(const struct tl_event *e, const char *slot, bool *read)
{
	const char *s = e->locks;
	size_t len;

	for (; (s = next_lock(s, &len, read)); s += len + (*read ? 3 : 0))
		if (strlen(slot) == len && strncmp(slot, s, len) == 0)
			return true;
	return false;
}

static char *capture_text(void (*print)(const void *arg, FILE *out), const void *arg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = check_alloc(open_memstream(&text, &len));

	print(arg, mem);
	fclose(mem);
	return text;
}

static void print_program(const void *arg, FILE *out)
{
	input_print_text(arg, out);
}

static void print_report(const void *arg, FILE *out)
{
	runner_print_report(arg, out);
}

/* Run the input with the trace captured, then find its critical pairs
 * (more runs, trace off). */
void run_and_read(struct timeline *tl, const struct input *in)
{
	char *trace = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *mem = check_alloc(open_memstream(&trace, &len));

	trace_enable(mem);
	runner_execute(in, NULL, false, NULL, &tl->r);
	trace_enable(NULL);
	fclose(mem);
	for (line = strtok_r(trace, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		add_line(tl, line);
	free(trace);
	make_lanes(tl);
	collect_lock_slots(tl);
	runner_signature(&tl->r, tl->signature, sizeof(tl->signature));
	tl->program = capture_text(print_program, in);
	tl->report = capture_text(print_report, &tl->r);
	tl->n_pairs = tl->r.violation ? explain_pairs(in, tl->pairs, TL_MAX_PAIRS) : 0;
}
