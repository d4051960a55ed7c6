/* SPDX-License-Identifier: MIT */
/*
 * vmsplice() into a pipe and read() from it (fs/splice.c, fs/pipe.c): the
 * pipe buffer holds a FOLL_GET reference taken by get_user_pages_fast;
 * what a later read() shows is the page as it is then. This is Jann
 * Horn's CVE-2020-29374 probe: the page must still be one that only the
 * vmsplicing process could have written. Both sides hold pipe_lock(), as
 * the kernel does (vmsplice takes the page references under it).
 */
#include "folio.h"
#include "gup.h"
#include "oracle.h"
#include "syscalls.h"

static struct gup_ref *free_slot(struct gup_ref *refs)
{
	for (int i = 0; i < MAX_PINS; i++) {
		sched_access(&refs[i], SCHED_READ);
		if (!refs[i].used)
			return &refs[i];
	}
	return NULL;
}

bool sys_vmsplice(int va)
{
	struct process *p = current_proc();
	struct gup_ref *buf;
	int pfn = -1;

	mutex_lock(&p->pipe_mutex);
	buf = free_slot(p->pipe);
	if (buf)
		pfn = get_user_pages_fast(&p->mm, va, FOLL_GET);
	if (pfn >= 0) {
		sched_access(buf, SCHED_WRITE);
		*buf = (struct gup_ref){.used = true, .pfn = pfn, .va = va};
		mm_trace("vmsplice P%d va %d: pipe holds frame %d", current_pid(), va, pfn);
	}
	mutex_unlock(&p->pipe_mutex);
	return pfn >= 0;
}

static void pipe_buf_read(struct gup_ref *buf)
{
	struct folio *folio = pfn_folio(buf->pfn);

	for (int w = 0; w < PAGE_WORDS; w++) {
		mm_point("pipe_read", &folio->data[w], SCHED_READ,
			 "pipe_read P%d: buffer frame %d word %d", current_pid(), buf->pfn, w);
		folio_check_live(folio, "pipe_read");
		mm_trace("pipe_read returns #%u", page_word_load(folio, w));
		oracle_check_pipe_read(current_pid(), buf, w, page_word_load(folio, w));
	}
	sched_access(buf, SCHED_WRITE);
	buf->used = false;
	folio_put(folio);
}

void sys_pipe_read(void)
{
	struct process *p = current_proc();

	mutex_lock(&p->pipe_mutex);
	for (int i = 0; i < MAX_PINS; i++) {
		sched_access(&p->pipe[i], SCHED_READ);
		if (p->pipe[i].used)
			pipe_buf_read(&p->pipe[i]);
	}
	mutex_unlock(&p->pipe_mutex);
}
