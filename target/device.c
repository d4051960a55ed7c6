/* SPDX-License-Identifier: MIT */
/*
 * A DMA device behind a long-term pin (an RDMA memory region, an io_uring
 * fixed buffer). The pin promises that the device and the mapping see the
 * same page until the user unmaps it. The buffer table is serialised by
 * the device's mutex, as io_uring's uring_lock does for fixed buffers.
 */
#include "folio.h"
#include "gup.h"
#include "oracle.h"
#include "syscalls.h"

static struct gup_ref *pin_slot(struct process *p, int slot)
{
	struct gup_ref *pin = &p->pins[slot % MAX_PINS];

	sched_access(pin, SCHED_READ);

	return pin->used ? pin : NULL;
}

static struct gup_ref *free_pin_slot(struct process *p)
{
	for (int i = 0; i < MAX_PINS; i++) {
		sched_access(&p->pins[i], SCHED_READ);
		if (!p->pins[i].used)
			return &p->pins[i];
	}
	return NULL;
}

bool dev_pin(int va, bool writable)
{
	struct process *p = current_proc();
	struct gup_ref *pin;
	int pfn = -1;

	mutex_lock(&p->dev_mutex);
	pin = free_pin_slot(p);
	if (pin)
		pfn = pin_user_pages(&p->mm, va, FOLL_LONGTERM | (writable ? FOLL_WRITE : 0));
	if (pfn >= 0) {
		/* A zap while GUP ran may have come after the pin was taken:
		 * then the user discarded the pinned page already. */
		va = oracle_grabbed_va(p->mm.id, va);
		sched_access(pin, SCHED_WRITE);
		*pin = (struct gup_ref){.used = true,
					.pin = true,
					.writable = writable,
					.pfn = pfn,
					.va = va,
					.discarded = oracle_zapped_since_grab(p->mm.id, va)};
		mm_trace("pin P%d va %d %s: frame %d", current_pid(), va, writable ? "R/W" : "R/O",
			 pfn);
	}
	mutex_unlock(&p->dev_mutex);
	return pfn >= 0;
}

void dev_unpin(int slot)
{
	struct process *p = current_proc();
	struct gup_ref *pin;

	mutex_lock(&p->dev_mutex);
	pin = pin_slot(p, slot);
	if (pin) {
		sched_access(pin, SCHED_WRITE);
		pin->used = false;
		unpin_user_page(pin->pfn);
	}
	mutex_unlock(&p->dev_mutex);
}

void dev_dma_write(int slot, int word)
{
	struct process *p = current_proc();
	struct gup_ref *pin;

	mutex_lock(&p->dev_mutex);
	pin = pin_slot(p, slot);
	/* A device may write only a buffer pinned for writing. */
	if (pin && pin->writable) {
		struct folio *folio = pfn_folio(pin->pfn);
		wseq_t v;

		mm_point("dma_write", &folio->data[word], SCHED_WRITE,
			 "device DMA write P%d pin va %d -> frame %d word %d", current_pid(),
			 pin->va, pin->pfn, word);
		folio_check_live(folio, "dma write");
		sched_access(pin, SCHED_READ); /* pin->discarded, set by a zap */
		if (!pin->discarded)
			oracle_check_private_write(current_pid(), pin->va, pin->pfn, VIA_DMA);
		v = oracle_record_write(current_pid(), pin->va, word, VIA_DMA, !pin->discarded,
					pin->pfn);
		page_word_store(folio, word, v);
		mm_trace("DMA stored #%u", v);
	}
	mutex_unlock(&p->dev_mutex);
}

void dev_dma_read(int slot, int word)
{
	struct process *p = current_proc();
	struct gup_ref *pin;

	mutex_lock(&p->dev_mutex);
	pin = pin_slot(p, slot);
	if (pin) {
		struct folio *folio = pfn_folio(pin->pfn);

		mm_point("dma_read", &folio->data[word], SCHED_READ,
			 "device DMA read P%d pin va %d <- frame %d word %d", current_pid(),
			 pin->va, pin->pfn, word);
		folio_check_live(folio, "dma read");
		wseq_t v = page_word_load(folio, word);

		mm_trace("DMA read returns #%u", v);
		oracle_check_pin_read(current_pid(), pin, word, v);
	}
	mutex_unlock(&p->dev_mutex);
}
