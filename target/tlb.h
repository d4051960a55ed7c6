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

struct tlb_entry *tlb_lookup(int cpu, int mm, int va);
void tlb_fill(int cpu, int mm, int va, int pfn, bool writable, bool dirty);
/* Drop (mm, va) from every TLB now, without a scheduling point: the flush
 * inside ptep_clear_flush(). */
void tlb_invalidate(int mm, int va);
/* flush_tlb_page(): drop the entries for (mm, va) on every CPU. */
void flush_tlb_page(struct mm_struct *mm, int va);
/* flush_tlb_mm(): drop every entry of mm on every CPU. */
void flush_tlb_mm(struct mm_struct *mm);

#endif
