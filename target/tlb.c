/* SPDX-License-Identifier: MIT */
#include "tlb.h"

MM_ATOMIC void tlb_fill(int cpu, int mm, int va, int pfn, bool writable, bool dirty)
{
	struct tlb_entry *e = &M.cpu[cpu].tlb[va];

	sched_access(e, SCHED_WRITE);
	sched_access(OBJ_ZAPS(mm, va), SCHED_READ);
	e->valid = true;
	e->mm = mm;
	e->pfn = pfn;
	e->writable = writable;
	e->dirty = dirty;
	e->filled = sched_step();
	e->discards = M.proc[mm].discards[va];
	mm_trace("tlb fill CPU%d: P%d va %d -> frame %d %s", cpu, mm, va, pfn,
		 writable ? "RW" : "RO");
}

MM_ATOMIC void tlb_invalidate(int mm, int va)
{
	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct tlb_entry *e = &M.cpu[cpu].tlb[va];

		if (e->valid && e->mm == mm) {
			sched_access(e, SCHED_WRITE);
			e->valid = false;
		} else {
			sched_access(e, SCHED_READ);
		}
	}
}

void flush_tlb_page(struct mm_struct *mm, int va)
{
	mm_point("flush_tlb_page", &M.cpu[0].tlb[va], SCHED_READ,
		 "flush_tlb_page P%d va %d (all CPUs)", mm->id, va);
	tlb_invalidate(mm->id, va);
}

void flush_tlb_range(struct mm_struct *mm, int start, int end)
{
	mm_point("flush_tlb_range", &M.cpu[0].tlb[start], SCHED_READ,
		 "flush_tlb_range P%d va %d..%d (all CPUs)", mm->id, start, end - 1);
	for (int va = start; va < end; va++)
		tlb_invalidate(mm->id, va);
}

void flush_tlb_mm(struct mm_struct *mm)
{
	mm_point("flush_tlb_mm", &M.cpu[0].tlb[0], SCHED_READ, "flush_tlb_mm P%d (all CPUs)",
		 mm->id);
	for (int va = 0; va < MM_NR_PAGES; va++)
		tlb_invalidate(mm->id, va);
}

MM_ATOMIC bool tlb_entry_current(const struct mm_struct *mm, int va, const struct tlb_entry *e)
{
	sched_access(&mm->pte[va], SCHED_READ);
	return mm->pte[va].present && mm->pte[va].pfn == e->pfn;
}

MM_ATOMIC void tlb_check_frame_freed(int pfn)
{
	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		for (int va = 0; va < MM_NR_PAGES; va++) {
			const struct tlb_entry *e = &M.cpu[cpu].tlb[va];

			sched_access(e, SCHED_READ);
			if (e->valid && e->pfn == pfn)
				sched_fail("tlb-lifetime", "freed-while-cached",
					   "frame %d freed while CPU%d still caches P%d va %d -> "
					   "frame %d",
					   pfn, cpu, e->mm, va, pfn);
		}
}

MM_ATOMIC uint64_t tlb_zap_begin(int start, int end)
{
	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		for (int va = start; va < end; va++)
			sched_access(&M.cpu[cpu].tlb[va], SCHED_READ);
	return sched_step();
}

MM_ATOMIC void tlb_check_zapped(const struct mm_struct *mm, int start, int end, uint64_t since)
{
	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		for (int va = start; va < end; va++) {
			const struct tlb_entry *e = &M.cpu[cpu].tlb[va];

			sched_access(e, SCHED_READ);
			if (e->valid && e->mm == mm->id && e->filled < since &&
			    !tlb_entry_current(mm, va, e))
				sched_fail("tlb-lifetime", "stale-after-zap",
					   "P%d's zap of va %d returned while CPU%d still caches "
					   "frame %d there",
					   mm->id, va, cpu, e->pfn);
		}
}

MM_ATOMIC uint64_t tlb_wrprotect_begin(int start, int end)
{
	return tlb_zap_begin(start, end);
}

/* May a store through e still go where the PTE sends it? */
static MM_ATOMIC bool pte_allows_store(const struct mm_struct *mm, int va,
				       const struct tlb_entry *e)
{
	const struct pte *pte = &mm->pte[va];

	sched_access(pte, SCHED_READ);
	return pte->present && pte->write && pte->pfn == e->pfn;
}

/* A writable entry, filled before `since`, of a PTE not zapped since,
 * that the PTE no longer allows. A clean writable entry counts too,
 * although a store through it re-walks (user_access needs writable and
 * dirty, as x86 does): the contract is the kernel's, which flushes every
 * entry whose PTE lost write (pte_needs_flush), not only dirty ones. */
static MM_ATOMIC bool revoked_but_writable(const struct mm_struct *mm, int va,
					   const struct tlb_entry *e, uint64_t since)
{
	sched_access(e, SCHED_READ);
	if (!e->valid || e->mm != mm->id || !e->writable || e->filled >= since)
		return false;
	sched_access(OBJ_ZAPS(mm->id, va), SCHED_READ);
	return e->discards == M.proc[mm->id].discards[va] && !pte_allows_store(mm, va, e);
}

static MM_ATOMIC void record_latent(const struct mm_struct *mm, int va, int cpu,
				    const struct tlb_entry *e, const char *call)
{
	struct tlb_latent *l = &M.tlb_latent;

	sched_access(l, SCHED_READ);
	if (l->found)
		return; /* the first breach is the one reported */
	sched_access(l, SCHED_WRITE);
	*l = (struct tlb_latent){.found = true,
				 .call = call,
				 .proc = mm->id,
				 .va = va,
				 .cpu = cpu,
				 .pfn = e->pfn,
				 .returned = sched_step(),
				 .filled = e->filled};
	mm_trace("%s P%d returned while CPU%d still holds a writable entry va %d -> frame %d "
		 "(latent tlb-lifetime)",
		 call, mm->id, cpu, va, e->pfn);
}

MM_ATOMIC void tlb_check_wrprotected(const struct mm_struct *mm, int start, int end, uint64_t since,
				     const char *call)
{
	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		for (int va = start; va < end; va++) {
			const struct tlb_entry *e = &M.cpu[cpu].tlb[va];

			if (revoked_but_writable(mm, va, e, since))
				record_latent(mm, va, cpu, e, call);
		}
}

MM_ATOMIC bool tlb_latent_recorded(void)
{
	sched_access(&M.tlb_latent, SCHED_READ);
	return M.tlb_latent.found;
}

MM_ATOMIC void tlb_report_latent(void)
{
	const struct tlb_latent *l = &M.tlb_latent;

	if (!tlb_latent_recorded())
		return;
	sched_report_append("  no store used the entry (no symptom); the kernel must flush before "
			    "returning\n");
	sched_fail("tlb-lifetime", "writable-after-wrprotect",
		   "%s of P%d returned at step %llu while CPU%d still held a writable TLB "
		   "entry for va %d -> frame %d (filled at step %llu) that the PTE no longer "
		   "allows",
		   l->call, l->proc, (unsigned long long)l->returned, l->cpu, l->va, l->pfn,
		   (unsigned long long)l->filled);
}
