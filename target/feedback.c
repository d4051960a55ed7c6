/* SPDX-License-Identifier: MIT */
#include "feedback.h"

#include <string.h>

#include "folio.h"
#include "mmu_gather.h"
#include "scenario.h"

/* Feedback state is per execution and touched by every thread without
 * locks: hidden from ThreadSanitizer like the hardware state it mirrors. */

MM_ATOMIC void feedback_op_begin(int kind)
{
	M.feedback.op[sched_self()] = (uint8_t)(kind + 1);
}

static MM_ATOMIC enum pte_relation pte_relation(const struct mm_struct *mm, int va,
						const struct tlb_entry *e)
{
	const struct pte *pte = &mm->pte[va];

	if (!pte->present)
		return PTE_GONE;
	if (pte->pfn != e->pfn)
		return PTE_OTHER_FRAME;
	return e->writable && !pte->write ? PTE_WRITE_REVOKED : PTE_SAME;
}

static MM_ATOMIC bool has_extra_ref(int pfn)
{
	const struct folio *folio = pfn_folio(pfn);

	return folio->refcount > folio->mapcount;
}

/* How far another CPU's COW copy of this frame got. */
static MM_ATOMIC enum cow_phase cow_phase_of(int pfn)
{
	enum cow_phase phase = COW_NONE;

	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		const struct cow_in_flight *c = &M.feedback.cow[cpu];

		if (cpu != sched_self() && c->pfn == pfn && c->phase > phase)
			phase = c->phase;
	}
	return phase;
}

/* Does a CPU other than the running one (and than `besides`, if >= 0)
 * hold a writable entry for (mm, va) -> pfn, which a flush has yet to
 * remove? */
static MM_ATOMIC bool writable_elsewhere(const struct mm_struct *mm, int va, int pfn, int besides)
{
	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		const struct tlb_entry *e = &M.cpu[cpu].tlb[va];

		if (cpu != sched_self() && cpu != besides && e->valid && e->mm == mm->id &&
		    e->pfn == pfn && e->writable)
			return true;
	}
	return false;
}

/* A writable PTE loses its write bit, its frame or its presence while
 * another CPU still writes through it: how, by which op, and whether the
 * frame has references beyond its mappings. */
MM_ATOMIC void feedback_set_pte(const struct mm_struct *mm, int va, struct pte old, struct pte new)
{
	unsigned op = M.feedback.op[sched_self()];
	unsigned how;

	if (!old.present || !old.write || !writable_elsewhere(mm, va, old.pfn, -1))
		return;
	if (!new.present)
		how = 1;
	else if (new.pfn != old.pfn)
		how = 2;
	else if (!new.write)
		how = 3;
	else
		return;
	M.feedback.revoked_by[mm->id][va] = (uint8_t)op;
	M.feedback.revoked_on[mm->id][va] = (uint8_t)(sched_self() + 1);
	sched_feature(FEEDBACK_SET_PTE | how | (unsigned)has_extra_ref(old.pfn) << 2 |
		      (unsigned)new.uffd_wp << 3 | (unsigned)mm_tlb_flush_pending(mm) << 4 |
		      op << 5);
}

MM_ATOMIC void feedback_tlb_hit(const struct mm_struct *mm, int va, const struct tlb_entry *e,
				bool write)
{
	enum pte_relation rel = pte_relation(mm, va, e);
	unsigned revoker = rel == PTE_SAME ? 0 : M.feedback.revoked_by[mm->id][va];

	sched_feature(FEEDBACK_TLB_HIT | (unsigned)write | (unsigned)rel << 1 |
		      (unsigned)mm_tlb_flush_pending(mm) << 3 |
		      (unsigned)has_extra_ref(e->pfn) << 4 | (unsigned)cow_phase_of(e->pfn) << 5 |
		      revoker << 7);
}

MM_ATOMIC void feedback_cow_copy_begin(const struct mm_struct *mm, int va, int pfn)
{
	bool elsewhere = writable_elsewhere(mm, va, pfn, -1);
	unsigned revoker = elsewhere ? M.feedback.revoked_by[mm->id][va] : 0;
	/* A stale entry on the CPU still busy taking it away cannot be
	 * stored through until that is done: one on a third CPU can. */
	bool third_cpu = writable_elsewhere(mm, va, pfn, M.feedback.revoked_on[mm->id][va] - 1);

	M.feedback.cow[sched_self()] = (struct cow_in_flight){.pfn = pfn, .phase = COW_COPYING};
	sched_feature(FEEDBACK_COW_COPY | (unsigned)elsewhere |
		      (unsigned)mm_tlb_flush_pending(mm) << 1 | revoker << 2 |
		      (unsigned)third_cpu << 7);
}

MM_ATOMIC void feedback_cow_copied(void)
{
	M.feedback.cow[sched_self()].phase = COW_COPIED;
}

MM_ATOMIC void feedback_cow_copy_end(void)
{
	M.feedback.cow[sched_self()].phase = COW_NONE;
}

bool feedback_window_parse(const char *spec, struct feedback_window *w)
{
	static const char *const names[] = {"store-after-copy", "copy-under-stale-entry"};
	size_t n = strcspn(spec, ":");

	w->op = -1;
	if (spec[n] == ':') {
		w->op = (int)op_from_name(spec + n + 1);
		if (w->op == OP_NR)
			return false;
	}
	for (unsigned k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (strlen(names[k]) == n && !strncmp(spec, names[k], n)) {
			w->kind = k;
			return true;
		}
	return false;
}

bool feedback_window_opened(const struct feedback_window *w, uint32_t feature)
{
	unsigned revoker;

	switch (w->kind) {
	case WINDOW_STORE_AFTER_COPY:
		/* A store, stale (not PTE_SAME), into a copied frame. */
		if ((feature & 0xfffff000u) != FEEDBACK_TLB_HIT || !(feature & 1u) ||
		    !((feature >> 1) & 3u) || ((feature >> 5) & 3u) != COW_COPIED)
			return false;
		revoker = (feature >> 7) & 31u;
		break;
	case WINDOW_COPY_UNDER_STALE_ENTRY:
		if ((feature & 0xffffff00u) != FEEDBACK_COW_COPY || !(feature & 1u))
			return false;
		revoker = (feature >> 2) & 31u;
		break;
	default:
		return false;
	}
	return w->op < 0 || revoker == (unsigned)w->op + 1;
}
