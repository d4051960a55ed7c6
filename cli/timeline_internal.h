/* SPDX-License-Identifier: MIT */
/*
 * The timeline page's parts (timeline.h), shared by its files only:
 *   timeline_trace.c     run the input and read its trace into lanes
 *   timeline_geometry.c  where each row, lane and label is drawn
 *   timeline.c           the page: style, script, SVG
 */
#ifndef MMFUZZ_CLI_TIMELINE_INTERNAL_H
#define MMFUZZ_CLI_TIMELINE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzz/explain.h"
#include "fuzz/input.h"
#include "scheduler/sched.h"

#define TL_MAX_LANES (SCHED_MAX_THREADS + 1) /* every thread, and main */
#define TL_MAX_SLOTS 6			     /* lock bars side by side in a lane */
#define TL_MAX_PAIRS 16
#define TL_NAME_MAX  32

/* Geometry of the drawing, in CSS pixels. Everything is laid out here,
 * not by the browser, so the arrows meet the rows they point at. */
#define ROW_H		  20
#define TOP		  6
#define STEP_W		  64
#define BAR_W		  12
#define BAR_GAP		  3
#define TAG_W		  42
#define CHAR_W_X100	  725 /* advance of 12px monospace, in 1/100 px */
#define PAGE_W		  1560
#define LANE_W_MIN	  420
#define LANE_W_MAX	  640
#define PAIR_COLOURS	  8
#define VERDICT_LINES_MAX 6

enum tl_kind { K_OP, K_SCHED, K_DATA, K_PTE, K_TLB, K_FOLIO, K_FAULT, K_KERNEL, K_VIOLATION, K_NR };

/* One trace line. */
struct tl_event {
	uint64_t step;
	int cpu; /* = thread id; -1 for main */
	enum tl_kind kind;
	int switch_to; /* sched: the thread switched to or spawned, else -1 */
	char line[800];
	char text[512];	 /* without the prefix and the locks */
	char locks[256]; /* "mmap_lock[P0](R) ptl[P0]", "" if none */
};

struct tl_lane {
	int cpu;
	char name[TL_NAME_MAX];
	int n_slots;
	char slot[TL_MAX_SLOTS][64]; /* lock names without "(R)", first seen first */
};

struct timeline {
	struct tl_event *ev;
	int n, cap;
	char cpu_name[TL_MAX_LANES][TL_NAME_MAX]; /* by cpu + 1; "" unused */
	int lane_of_cpu[TL_MAX_LANES];		  /* by cpu + 1; -1 unused */
	struct tl_lane lane[TL_MAX_LANES];
	int n_lanes;
	int lane_w;
	struct exec_result r;
	char signature[256];
	struct critical_pair pairs[TL_MAX_PAIRS];
	int n_pairs;
	char *program; /* the scenario as text */
	char *report;  /* runner_print_report() */
};

/* timeline_trace.c */
bool holds(const struct tl_event *e, const char *slot, bool *read);
int lane_of(const struct timeline *tl, int cpu);
int row_lane(const struct timeline *tl, int row);
void run_and_read(struct timeline *tl, const struct input *in);

/* timeline_geometry.c */
void display_text(const struct timeline *tl, const struct tl_event *e, char *buf, size_t cap,
		  size_t *fn_len);
int find_row(const struct timeline *tl, uint64_t step, int cpu, const char *words);
int lane_x(const struct timeline *tl, int lane);
int row_mid(int row);
size_t row_room(const struct timeline *tl, int row);
int row_y(int row);
int tag_x(const struct timeline *tl, int lane);
int text_end_x(const struct timeline *tl, int row);
int text_x(const struct timeline *tl, int lane);
int violation_row(const struct timeline *tl);

#endif
