/* SPDX-License-Identifier: MIT */
#include "task.h"

#include <stdio.h>

#include "fault.h"
#include "folio.h"
#include "gup.h"
#include "mmap_lock.h"
#include "oracle.h"
#include "tlb.h"
#include "vma.h"

static void mm_init(struct mm_struct *mm, int id)
{
	mm->id = id;
	mm->live = true;
	init_rwsem(&mm->mmap_lock, model_name(NAME_MMAP_LOCK, id));
	spin_lock_init(&mm->ptl, model_name(NAME_PTL, id));
	seqcount_init(&mm->write_protect_seq, "write_protect_seq");
}

int process_alloc(int parent)
{
	int id = atomic_fetch_add_explicit(&M.nr_procs, 1, memory_order_relaxed);

	/* The next pid goes to whichever fork comes first. */
	sched_access(&M.nr_procs, SCHED_WRITE);
	struct process *p;

	if (id >= MAX_PROCS)
		return -1;
	p = &M.proc[id];
	/* It lives from now on: the rmap check counts the live processes. */
	sched_access(&p->exited, SCHED_WRITE);
	p->used = true;
	p->parent = parent;
	mm_init(&p->mm, id);
	mutex_init(&p->dev_mutex, model_name(NAME_DEV_MUTEX, id));
	mutex_init(&p->pipe_mutex, model_name(NAME_PIPE_MUTEX, id));
	for (int va = 0; va < MM_NR_PAGES; va++)
		for (int w = 0; w < PAGE_WORDS; w++)
			p->expect[va][w].unmapped = true;
	return id;
}

int process_create_init(void)
{
	int id = process_alloc(-1);

	vma_insert_anon(&M.proc[id].mm, 0, MM_NR_PAGES);
	for (int va = 0; va < MM_NR_PAGES; va++)
		oracle_mapped(id, va, false);
	return id;
}

static void exit_mmap(struct mm_struct *mm)
{
	mmap_write_lock(mm);
	mm_trace("exit_mmap P%d", mm->id);
	zap_page_range(mm, 0, MM_NR_PAGES, true);
	vma_remove_range(mm, 0, MM_NR_PAGES);
	mmap_write_unlock(mm);
}

/* Drop GUP references held for the process: pins (e.g. an io_uring fixed
 * buffer) and pipe buffers, as closing their files does. */
static void release_gup_refs(struct process *p)
{
	for (int i = 0; i < MAX_PINS; i++) {
		sched_access(&p->pins[i], SCHED_WRITE);
		sched_access(&p->pipe[i], SCHED_WRITE);
		if (p->pins[i].used) {
			p->pins[i].used = false;
			unpin_user_page(p->pins[i].pfn);
		}
		if (p->pipe[i].used) {
			p->pipe[i].used = false;
			folio_put(pfn_folio(p->pipe[i].pfn));
		}
	}
}

void exit_process(int proc)
{
	struct process *p = &M.proc[proc];

	mm_trace("exit P%d", proc);
	exit_mmap(&p->mm);
	release_gup_refs(p);
	sched_access(&p->exited, SCHED_WRITE);
	p->mm.live = false;
	p->exited = true;
}
