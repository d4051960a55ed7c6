/* SPDX-License-Identifier: MIT */
/*
 * A read(2) with O_DIRECT into a user buffer: the block layer takes a GUP
 * reference on the buffer page (FOLL_GET, later FOLL_PIN), the device
 * writes it by DMA while the syscall sleeps, and the reference is dropped
 * at completion. Nothing stops the page from being write-protected and
 * COWed away meanwhile, unless the COW rule sees the reference (B3d).
 */
#include "folio.h"
#include "gup.h"
#include "mmap_lock.h"
#include "oracle.h"
#include "policy.h"
#include "syscalls.h"

bool sys_read_odirect(int va, int word)
{
	struct process *p = current_proc();
	unsigned gup_flags = FOLL_WRITE | (policy.odirect_pin ? FOLL_PIN : FOLL_GET);
	int pfn = get_user_pages_fast(&p->mm, va, gup_flags);
	bool discarded;
	wseq_t v;

	if (pfn < 0)
		return false;
	mm_trace("O_DIRECT read P%d va %d: bio holds frame %d (%s)", p->mm.id, va, pfn,
		 gup_flags & FOLL_PIN ? "FOLL_PIN" : "FOLL_GET");
	io_schedule("O_DIRECT read");
	mm_point("dio:dma", &pfn_folio(pfn)->data[word], SCHED_WRITE,
		 "O_DIRECT DMA into frame %d word %d", pfn, word);
	folio_check_live(pfn_folio(pfn), "O_DIRECT DMA");
	/* The buffer's page may have moved (mremap): the DMA lands there. A
	 * user who unmapped or zapped the buffer meanwhile discarded it. */
	va = oracle_grabbed_va(p->mm.id, va);
	discarded = oracle_zapped_since_grab(p->mm.id, va);
	if (!discarded)
		oracle_check_private_write(p->mm.id, va, pfn, VIA_DIO);
	v = oracle_record_write(p->mm.id, va, word, VIA_DIO, !discarded, pfn);
	page_word_store(pfn_folio(pfn), word, v);
	mm_trace("O_DIRECT read completes: #%u in frame %d", v, pfn);
	gup_put_folio(pfn_folio(pfn), gup_flags);
	return true;
}
