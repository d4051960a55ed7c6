/* SPDX-License-Identifier: MIT */
/* Where the timeline draws each row, lane and label. */
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

/* ---- where things are drawn ---- */

int row_y(int row)
{
	return TOP + row * ROW_H;
}

int lane_x(const struct timeline *tl, int lane)
{
	return STEP_W + lane * tl->lane_w;
}

int tag_x(const struct timeline *tl, int lane)
{
	return lane_x(tl, lane) + 6 + tl->lane[lane].n_slots * (BAR_W + BAR_GAP);
}

int text_x(const struct timeline *tl, int lane)
{
	return tag_x(tl, lane) + TAG_W + 6;
}

/* How many characters of a row's text fit: up to its lane's end, or for
 * the violation, which nothing else shares a row with, the page's. */
size_t row_room(const struct timeline *tl, int row)
{
	int lane = row_lane(tl, row);
	int end = tl->ev[row].kind == K_VIOLATION ? lane_x(tl, tl->n_lanes)
						  : lane_x(tl, lane) + tl->lane_w;
	int room = end - 8 - text_x(tl, lane);

	return room > 0 ? (size_t)room * 100 / CHAR_W_X100 : 0;
}

/* The kernel function a trace text starts with: its first word, and the
 * second too when the first is a plain word and the second names no
 * object ("page walk", "tlb fill", "user store", but "vmsplice P0"). */
static size_t function_len(const char *text)
{
	size_t first = strcspn(text, " :(");
	size_t second;

	if (text[first] != ' ' || memchr(text, '_', first))
		return first;
	second = strcspn(text + first + 1, " :(");
	for (size_t i = 0; i < second; i++)
		if (!(text[first + 1 + i] >= 'a' && text[first + 1 + i] <= 'z'))
			return first;
	return first + 1 + second;
}

/* What a row shows: the op without "op ", a switch in words, else the
 * trace text. *fn_len: how much of it is the function (drawn bold). */
void display_text(const struct timeline *tl, const struct tl_event *e, char *buf, size_t cap,
		  size_t *fn_len)
{
	char site[96] = "";
	int to;

	if (e->kind == K_OP) {
		snprintf(buf, cap, "%s", e->text + 3);
		*fn_len = strlen(buf);
		return;
	}
	if (sscanf(e->text, "sched: -> T%d '%*[^']' (at %95[^)])", &to, site) == 2 &&
	    lane_of(tl, to) >= 0) {
		snprintf(buf, cap, "switch to %s at %s", tl->lane[lane_of(tl, to)].name, site);
		*fn_len = 0;
		return;
	}
	snprintf(buf, cap, "%s", strncmp(e->text, "sched: ", 7) == 0 ? e->text + 7 : e->text);
	*fn_len = function_len(buf);
}

int text_end_x(const struct timeline *tl, int row)
{
	const struct tl_event *e = &tl->ev[row];
	int lane = row_lane(tl, row);
	char buf[512];
	size_t fn, n;

	display_text(tl, e, buf, sizeof(buf), &fn);
	n = strlen(buf);
	if (n > row_room(tl, row))
		n = row_room(tl, row);
	return text_x(tl, lane) + (int)(n * CHAR_W_X100 / 100);
}

int row_mid(int row)
{
	return row_y(row) + ROW_H / 2;
}

/* The row of a pair's step: the line of that thread and step whose text
 * the pair quotes, else its first line at that step, else its next one. */
int find_row(const struct timeline *tl, uint64_t step, int cpu, const char *words)
{
	int first = -1, next = -1;

	for (int i = 0; i < tl->n; i++) {
		const struct tl_event *e = &tl->ev[i];

		if (e->cpu != cpu || e->step < step)
			continue;
		if (next < 0)
			next = i;
		if (e->step != step)
			continue;
		if (first < 0)
			first = i;
		if (e->kind != K_OP && e->kind != K_SCHED && strstr(words, e->text))
			return i;
	}
	return first >= 0 ? first : next;
}

/* The row the verdict is drawn on: the oracle's own line, else the
 * failing thread's last line, else the last line. */
int violation_row(const struct timeline *tl)
{
	int last = -1;

	if (!tl->r.violation || !tl->n)
		return -1;
	for (int i = 0; i < tl->n; i++) {
		if (tl->ev[i].kind == K_VIOLATION)
			return i;
		if (tl->ev[i].cpu == tl->r.sched.fail_thread)
			last = i;
	}
	return last >= 0 ? last : tl->n - 1;
}
