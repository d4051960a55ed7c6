/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU TLBs. Each simulated thread runs on its own CPU. A store that
 * hits a writable, dirty entry reaches memory without looking at the page
 * table: a stale entry is how stale-TLB bugs lose writes. Flushes remove
 * entries on every CPU at the step they happen.
 */
#ifndef MMFUZZ_TARGET_TLB_H
#define MMFUZZ_TARGET_TLB_H

#include "model.h"

/* The entry of (mm, va) in cpu's TLB, or NULL. Inline: every user access
 * starts with it. */
static inline MM_ATOMIC struct tlb_entry *tlb_lookup(int cpu, int mm, int va)
{
	struct tlb_entry *e = &M.cpu[cpu].tlb[va];

	sched_access(e, SCHED_READ);
	return e->valid && e->mm == mm ? e : NULL;
}
void tlb_fill(int cpu, int mm, int va, int pfn, bool writable, bool dirty);
/* Drop (mm, va) from every TLB now, without a scheduling point: the flush
 * inside ptep_clear_flush(). */
void tlb_invalidate(int mm, int va);
/* Does the PTE still map what this TLB entry caches? */
bool tlb_entry_current(const struct mm_struct *mm, int va, const struct tlb_entry *e);
/* flush_tlb_page(): drop the entries for (mm, va) on every CPU. */
void flush_tlb_page(struct mm_struct *mm, int va);
/* flush_tlb_mm(): drop every entry of mm on every CPU. */
void flush_tlb_range(struct mm_struct *mm, int start, int end);
void flush_tlb_mm(struct mm_struct *mm);

/* O7, TLB lifetime: no CPU caches a frame once it is freed, and a zap
 * (MADV_DONTNEED, munmap) that started at step `since` does not return
 * while a CPU still caches a translation older than that which the page
 * table no longer holds (a later one is a later zap's business). */
void tlb_check_frame_freed(int pfn);
/* The step a zap of [start, end) starts at, for tlb_check_zapped(): its
 * order against every TLB fill there decides the verdict, so it reads
 * those entries. */
uint64_t tlb_zap_begin(int start, int end);
void tlb_check_zapped(const struct mm_struct *mm, int start, int end, uint64_t since);

/*
 * O7, the flush contract of a call that takes write permission away
 * (mprotect(PROT_READ), UFFDIO_WRITEPROTECT, clear_refs, fork): once it
 * returns, no CPU holds a writable entry of mm in [start, end), filled before
 * step `since`, that the PTE no longer allows (read-only, or another frame).
 * An entry of a PTE zapped since its fill is the zap's (stale-after-zap).
 *
 * A breach is latent ("writable-after-wrprotect"): recorded here, reported
 * by tlb_report_latent() when the program has ended, so that the oracle of
 * the symptom owns the bug when the entry is used (lost-write,
 * soft-dirty-lost, uffd-wp-bypass, protection-bypass). `call` names the
 * call in the report (a string constant).
 */
uint64_t tlb_wrprotect_begin(int start, int end);
void tlb_check_wrprotected(const struct mm_struct *mm, int start, int end, uint64_t since,
			   const char *call);
/* The program has ended and no oracle reported a symptom: report a latent
 * breach of the flush contract, if one was recorded. */
void tlb_report_latent(void);
bool tlb_latent_recorded(void);

#endif
