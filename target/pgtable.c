/* SPDX-License-Identifier: MIT */
#include "pgtable.h"

#include "feedback.h"
#include "policy.h"

/* The whole entry, as the kernel compares pte_val(): a change of any bit
 * (accessed and dirty included) sends the caller back to look again. */
bool pte_same(struct pte a, struct pte b)
{
	return a.present == b.present && a.pfn == b.pfn && a.write == b.write &&
	       a.dirty == b.dirty && a.young == b.young && a.soft_dirty == b.soft_dirty &&
	       a.uffd_wp == b.uffd_wp;
}

MM_ATOMIC void set_pte(struct mm_struct *mm, int va, struct pte pte)
{
	if (mm->ptl.dep.writer != sched_self() + 1)
		sched_fail("lock-discipline", "pte-without-ptl",
			   "P%d va %d: PTE changed without holding %s", mm->id, va,
			   mm->ptl.dep.name);
	feedback_set_pte(mm, va, mm->pte[va], pte);
	sched_access(&mm->pte[va], SCHED_WRITE);
	mm->pte[va] = pte;
}

MM_ATOMIC void pte_mkyoung_dirty_hw(struct mm_struct *mm, int va, bool dirty)
{
	const struct pte *pte = &mm->pte[va];

	/* A walk that finds the bits set changes nothing: a read. */
	sched_access(pte, pte->young && (pte->dirty || !dirty) ? SCHED_READ : SCHED_WRITE);
	mm->pte[va].young = true;
	if (dirty)
		mm->pte[va].dirty = true;
}

struct pte pte_mkdirty(struct pte pte)
{
	pte.dirty = true;
	pte.soft_dirty = true;
	if (policy.mkdirty_sets_write)
		pte.write = true;
	return pte;
}
