/* SPDX-License-Identifier: MIT */
/* The whole model state, its reset, and the model's scheduling points. */
#include "model.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scheduler/trace.h"

struct machine M;

#define NAME_IDS 32 /* >= NR_FRAMES, MAX_PROCS, MAX_VMA_OBJS, SCN threads */
#define NAME_LEN 24

const char *model_name(enum model_name kind, int id)
{
	static const char *const formats[NR_MODEL_NAMES] = {
		[NAME_PAGE_LOCK] = "page_lock[%d]",
		[NAME_MMAP_LOCK] = "mmap_lock[P%d]",
		[NAME_PTL] = "ptl[P%d]",
		[NAME_DEV_MUTEX] = "dev_mutex[P%d]",
		[NAME_PIPE_MUTEX] = "pipe_mutex[P%d]",
		[NAME_THREAD] = "T%d",
		[NAME_EXITER] = "X%d",
		[NAME_VM_LOCK] = "vm_lock[V%d]",
	};
	static char names[NR_MODEL_NAMES][NAME_IDS][NAME_LEN];
	char *name = names[kind][id % NAME_IDS];

	if (!name[0])
		snprintf(name, NAME_LEN, formats[kind], id);
	return name;
}

void machine_reset(void)
{
	memset(&M, 0, sizeof(M));
	for (int pfn = 0; pfn < NR_FRAMES; pfn++) {
		mutex_init(&M.frame[pfn].lock, model_name(NAME_PAGE_LOCK, pfn));
		init_waitqueue_head(&M.frame[pfn].unlock_wq, model_name(NAME_PAGE_LOCK, pfn));
	}
	for (int v = 0; v < MAX_VMA_OBJS; v++)
		init_rwsem(&M.vma_slab[v].vm_lock, model_name(NAME_VM_LOCK, v));
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
