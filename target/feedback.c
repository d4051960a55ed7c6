/* SPDX-License-Identifier: MIT */
#include "feedback.h"

#include <string.h>

#include "folio.h"
#include "mmu_gather.h"
#include "scenario.h"

/* Feedback state is per execution and touched by every thread without
 * locks: hidden from ThreadSanitizer like the hardware state it mirrors.
 * With no fuzzer listening (CLI, tests, benchmarks) nothing is computed. */

/* Bit positions of the fields (layout in feedback.h). */
enum {
	TLB_HIT_WRITE = 0,
	TLB_HIT_RELATION = 1,
	TLB_HIT_PENDING = 3,
	TLB_HIT_EXTRA_REF = 4,
	TLB_HIT_COW_PHASE = 5,
	TLB_HIT_REVOKER = 7,
	COW_COPY_ELSEWHERE = 0,
	COW_COPY_PENDING = 1,
	COW_COPY_REVOKER = 2,
	COW_COPY_THIRD_CPU = 7,
	SET_PTE_HOW = 0,
	SET_PTE_EXTRA_REF = 2,
	SET_PTE_UFFD_WP = 3,
	SET_PTE_PENDING = 4,
	SET_PTE_OP = 5,
};

/* Which of the FEEDBACK_* kinds a feature is. */
static uint32_t kind_of(uint32_t feature)
{
	return feature & 0xfffff000u;
}

static unsigned field(uint32_t feature, unsigned shift, unsigned bits)
{
	return (feature >> shift) & ((1u << bits) - 1);
}

MM_ATOMIC void feedback_op_begin(int index, int kind)
{
	M.feedback.op[sched_self()] = (uint8_t)(kind + 1);
	M.feedback.op_index[sched_self()] = (uint8_t)(index + 1);
}

MM_ATOMIC void feedback_thread_spawned(int cpu, int thread)
{
	M.feedback.thread[cpu] = (uint8_t)(thread + 1);
	M.feedback.op_index[cpu] = 0;
}

MM_ATOMIC int feedback_feature_va(void)
{
	return M.feedback.va;
}

MM_ATOMIC void feedback_program_position(int cpu[SCN_MAX_THREADS], int op[SCN_MAX_THREADS])
{
	for (int t = 0; t < SCN_MAX_THREADS; t++)
		cpu[t] = op[t] = -1;
	for (int c = 0; c < NR_CPUS; c++) {
		int t = M.feedback.thread[c] - 1;

		if (t >= 0) {
			cpu[t] = c;
			op[t] = M.feedback.op_index[c] - 1;
		}
	}
}

MM_ATOMIC bool feedback_cpu_caches(int cpu, int va)
{
	return M.cpu[cpu].tlb[va].valid;
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

/* Does any CPU, the running one included, hold a writable entry for
 * (mm, va) -> pfn? */
static MM_ATOMIC bool writable_anywhere(const struct mm_struct *mm, int va, int pfn)
{
	const struct tlb_entry *e = &M.cpu[sched_self()].tlb[va];

	return writable_elsewhere(mm, va, pfn, -1) ||
	       (e->valid && e->mm == mm->id && e->pfn == pfn && e->writable);
}

/* A writable PTE loses its write bit, its frame or its presence while a
 * CPU still writes through it: which op did it, on which CPU (the label
 * later features carry; the running CPU's own entry counts, as a flush
 * this op defers or elides leaves it stale too). If another CPU holds the
 * entry, it may race with the change: a feature saying how, by which op,
 * and whether the frame has references beyond its mappings. */
MM_ATOMIC void feedback_set_pte(const struct mm_struct *mm, int va, struct pte old, struct pte new)
{
	unsigned op = M.feedback.op[sched_self()];
	unsigned how;

	if (!sched_features_wanted() || !old.present || !old.write)
		return;
	if (!new.present)
		how = 1;
	else if (new.pfn != old.pfn)
		how = 2;
	else if (!new.write)
		how = 3;
	else
		return;
	if (!writable_anywhere(mm, va, old.pfn))
		return;
	M.feedback.revoked_by[mm->id][va] = (uint8_t)op;
	M.feedback.revoked_on[mm->id][va] = (uint8_t)(sched_self() + 1);
	if (!writable_elsewhere(mm, va, old.pfn, -1))
		return;
	M.feedback.va = (uint8_t)va;
	sched_feature(FEEDBACK_SET_PTE | how << SET_PTE_HOW |
		      (unsigned)has_extra_ref(old.pfn) << SET_PTE_EXTRA_REF |
		      (unsigned)new.uffd_wp << SET_PTE_UFFD_WP |
		      (unsigned)mm_tlb_flush_pending(mm) << SET_PTE_PENDING | op << SET_PTE_OP);
}

MM_ATOMIC void feedback_tlb_hit(const struct mm_struct *mm, int va, const struct tlb_entry *e,
				bool write)
{
	enum pte_relation rel;
	unsigned revoker;
	uint32_t feature;

	if (!sched_features_wanted())
		return;
	rel = pte_relation(mm, va, e);
	M.feedback.va = (uint8_t)va;
	revoker = rel == PTE_SAME ? 0 : M.feedback.revoked_by[mm->id][va];
	feature = FEEDBACK_TLB_HIT | (unsigned)write << TLB_HIT_WRITE |
		  (unsigned)rel << TLB_HIT_RELATION |
		  (unsigned)mm_tlb_flush_pending(mm) << TLB_HIT_PENDING |
		  (unsigned)has_extra_ref(e->pfn) << TLB_HIT_EXTRA_REF |
		  (unsigned)cow_phase_of(e->pfn) << TLB_HIT_COW_PHASE | revoker << TLB_HIT_REVOKER;
	M.feedback.tlb_hit[sched_self()] = feature;
	sched_feature(feature);
}

MM_ATOMIC void feedback_store_recorded(wseq_t seq)
{
	if (sched_features_wanted())
		M.feedback.store_hit[seq] = M.feedback.tlb_hit[sched_self()];
}

MM_ATOMIC bool feedback_store_opened(const struct feedback_window *w, wseq_t seq)
{
	return seq && seq < MAX_WRITES && feedback_window_opened(w, M.feedback.store_hit[seq]);
}

MM_ATOMIC void feedback_cow_copy_begin(const struct mm_struct *mm, int va, int pfn)
{
	bool elsewhere, third_cpu;
	unsigned revoker;

	if (!sched_features_wanted())
		return;
	elsewhere = writable_elsewhere(mm, va, pfn, -1);
	revoker = elsewhere ? M.feedback.revoked_by[mm->id][va] : 0;
	/* A stale entry on the CPU still busy taking it away cannot be
	 * stored through until that is done: one on a third CPU can. */
	third_cpu = writable_elsewhere(mm, va, pfn, M.feedback.revoked_on[mm->id][va] - 1);
	M.feedback.cow[sched_self()] = (struct cow_in_flight){.pfn = pfn, .phase = COW_COPYING};
	M.feedback.va = (uint8_t)va;
	sched_feature(FEEDBACK_COW_COPY | (unsigned)elsewhere << COW_COPY_ELSEWHERE |
		      (unsigned)mm_tlb_flush_pending(mm) << COW_COPY_PENDING |
		      revoker << COW_COPY_REVOKER | (unsigned)third_cpu << COW_COPY_THIRD_CPU);
}

MM_ATOMIC void feedback_cow_copied(void)
{
	M.feedback.cow[sched_self()].phase = COW_COPIED;
}

MM_ATOMIC void feedback_cow_copy_end(void)
{
	M.feedback.cow[sched_self()].phase = COW_NONE;
}

bool feedback_copy_ahead(uint32_t feature)
{
	return kind_of(feature) == FEEDBACK_SET_PTE && field(feature, SET_PTE_HOW, 2) == 3 &&
	       field(feature, SET_PTE_EXTRA_REF, 1);
}

bool feedback_race_event(uint32_t feature)
{
	switch (kind_of(feature)) {
	case FEEDBACK_SET_PTE:
	case FEEDBACK_COW_COPY:
		return true;
	case FEEDBACK_TLB_HIT:
		return field(feature, TLB_HIT_RELATION, 2) != PTE_SAME;
	default:
		return false;
	}
}

int feedback_race_depth(uint32_t feature)
{
	if (!feedback_race_event(feature))
		return 0;
	switch (kind_of(feature)) {
	case FEEDBACK_COW_COPY:
		return field(feature, COW_COPY_ELSEWHERE, 1) ? 2 : 1;
	case FEEDBACK_TLB_HIT: {
		bool store = field(feature, TLB_HIT_WRITE, 1);
		bool frame_being_copied = field(feature, TLB_HIT_COW_PHASE, 2) != COW_NONE;

		return store && frame_being_copied ? 3 : 2;
	}
	default:
		return 1;
	}
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
		/* A store, through a stale entry, into a copied frame. */
		if (kind_of(feature) != FEEDBACK_TLB_HIT || !field(feature, TLB_HIT_WRITE, 1) ||
		    field(feature, TLB_HIT_RELATION, 2) == PTE_SAME ||
		    field(feature, TLB_HIT_COW_PHASE, 2) != COW_COPIED)
			return false;
		revoker = field(feature, TLB_HIT_REVOKER, 5);
		break;
	case WINDOW_COPY_UNDER_STALE_ENTRY:
		if ((feature & 0xffffff00u) != FEEDBACK_COW_COPY ||
		    !field(feature, COW_COPY_ELSEWHERE, 1))
			return false;
		revoker = field(feature, COW_COPY_REVOKER, 5);
		break;
	default:
		return false;
	}
	return w->op < 0 || revoker == (unsigned)w->op + 1;
}
