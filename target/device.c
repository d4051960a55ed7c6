/* SPDX-License-Identifier: MIT */
/*
 * A DMA device behind a long-term pin (an RDMA memory region, an io_uring
 * fixed buffer). The pin promises that the device and the mapping see the
 * same page until the user unmaps it.
 */
#include "folio.h"
#include "gup.h"
#include "oracle.h"
#include "syscalls.h"

static struct gup_ref *pin_slot(struct process *p, int slot)
{
	struct gup_ref *pin = &p->pins[slot % MAX_PINS];

	return pin->used ? pin : NULL;
}

bool dev_pin(int va, bool writable)
{
	struct process *p = current_proc();
	struct gup_ref *pin = NULL;
	int pfn;

	for (int i = 0; i < MAX_PINS && !pin; i++)
		if (!p->pins[i].used)
			pin = &p->pins[i];
	if (!pin)
		return false;
	pfn = pin_user_pages(&p->mm, va, FOLL_LONGTERM | (writable ? FOLL_WRITE : 0));
	if (pfn < 0)
		return false;
	*pin = (struct gup_ref){ .used = true, .pin = true, .writable = writable, .pfn = pfn, .va = va };
	mm_trace("pin P%d va %d %s: frame %d", current_pid(), va, writable ? "R/W" : "R/O", pfn);
	return true;
}

void dev_unpin(int slot)
{
	struct gup_ref *pin = pin_slot(current_proc(), slot);

	if (!pin)
		return;
	pin->used = false;
	unpin_user_page(pin->pfn);
}

void dev_dma_write(int slot, int word)
{
	struct gup_ref *pin = pin_slot(current_proc(), slot);
	struct folio *folio;
	wseq_t v;

	/* A device may write only a buffer pinned for writing. */
	if (!pin || !pin->writable)
		return;
	folio = pfn_folio(pin->pfn);
	mm_point("dma_write", "device DMA write P%d pin va %d -> frame %d word %d",
		 current_pid(), pin->va, pin->pfn, word);
	folio_check_live(folio, "dma write");
	v = oracle_record_write(current_pid(), pin->va, word, VIA_DMA, pin);
	folio->data[word] = v;
	mm_trace("DMA stored #%u", v);
}

void dev_dma_read(int slot, int word)
{
	struct gup_ref *pin = pin_slot(current_proc(), slot);
	struct folio *folio;

	if (!pin)
		return;
	folio = pfn_folio(pin->pfn);
	mm_point("dma_read", "device DMA read P%d pin va %d <- frame %d word %d", current_pid(),
		 pin->va, pin->pfn, word);
	folio_check_live(folio, "dma read");
	mm_trace("DMA read returns #%u", folio->data[word]);
	oracle_check_pin_read(current_pid(), pin, word, folio->data[word]);
}
