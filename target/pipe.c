/* SPDX-License-Identifier: MIT */
/*
 * vmsplice() into a pipe and read() from it (fs/splice.c, fs/pipe.c): the
 * pipe buffer holds a FOLL_GET reference taken by get_user_pages_fast;
 * what a later read() shows is the page as it is then. This is Jann
 * Horn's CVE-2020-29374 probe: the page must still be one that only the
 * vmsplicing process could have written.
 */
#include "folio.h"
#include "gup.h"
#include "oracle.h"
#include "syscalls.h"

static struct gup_ref *free_slot(struct gup_ref *refs)
{
	for (int i = 0; i < MAX_PINS; i++)
		if (!refs[i].used)
			return &refs[i];
	return NULL;
}

bool sys_vmsplice(int va)
{
	struct process *p = current_proc();
	struct gup_ref *buf = free_slot(p->pipe);
	int pfn;

	if (!buf)
		return false;
	pfn = get_user_pages_fast(&p->mm, va, FOLL_GET);
	if (pfn < 0)
		return false;
	*buf = (struct gup_ref){ .used = true, .pfn = pfn, .va = va };
	mm_trace("vmsplice P%d va %d: pipe holds frame %d", current_pid(), va, pfn);
	return true;
}

void sys_pipe_read(void)
{
	struct process *p = current_proc();

	for (int i = 0; i < MAX_PINS; i++) {
		struct gup_ref *buf = &p->pipe[i];
		struct folio *folio;

		if (!buf->used)
			continue;
		folio = pfn_folio(buf->pfn);
		for (int w = 0; w < PAGE_WORDS; w++) {
			mm_point("pipe_read", "pipe_read P%d: buffer frame %d word %d", current_pid(),
				 buf->pfn, w);
			folio_check_live(folio, "pipe_read");
			mm_trace("pipe_read returns #%u", folio->data[w]);
			oracle_check_pipe_read(current_pid(), buf, w, folio->data[w]);
		}
		buf->used = false;
		folio_put(folio);
	}
}
