/* SPDX-License-Identifier: MIT */
/* The whole model state, its reset, and the model's scheduling points. */
#include "model.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scheduler/trace.h"

struct machine M;

void machine_reset(void)
{
	memset(&M, 0, sizeof(M));
	for (int pfn = 0; pfn < NR_FRAMES; pfn++) {
		struct folio *f = &M.frame[pfn];

		snprintf(f->lock_name, sizeof(f->lock_name), "page_lock[%d]", pfn);
		mutex_init(&f->lock, f->lock_name);
	}
	/* The zero page: allocated forever, shared by every read fault. */
	M.frame[ZERO_PFN].allocated = true;
	M.frame[ZERO_PFN].refcount = 1;
}

struct process *current_proc(void)
{
	return &M.proc[current_pid()];
}

struct mm_struct *current_mm(void)
{
	return &current_proc()->mm;
}

int current_pid(void)
{
	return M.thread_proc[sched_self()];
}

static void mm_vtrace(const char *fmt, va_list ap)
{
	char line[256];

	vsnprintf(line, sizeof(line), fmt, ap);
	trace_printf("%s", line);
}

void mm_trace(const char *fmt, ...)
{
	va_list ap;

	if (!trace_enabled())
		return;
	va_start(ap, fmt);
	mm_vtrace(fmt, ap);
	va_end(ap);
}
