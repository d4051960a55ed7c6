/* SPDX-License-Identifier: MIT */
/*
 * Model-state feedback for the fuzzer, beside the scheduler's
 * context-switch pairs and the oracles' reads-from pairs on page words:
 * reads-from on PTEs. A CPU that uses a TLB entry reads a PTE value; when
 * the page table has moved on (write permission taken away, another frame
 * mapped) it reads from an overwritten one, and which operation overwrote
 * it matters (clear_refs, UFFDIO_WRITEPROTECT, mprotect, a zap, fork).
 * Stale-TLB bugs need such a read while a deferred flush is pending or a
 * COW copy of the frame is in flight: each window is a feature, so an
 * input that opens one is kept and mutated towards the bug inside it,
 * rather than the fuzzer having to guess every step of it at once.
 *
 * Nothing here changes the model or adds a scheduling point: the trace of
 * an execution is the same with feedback on or off.
 *
 * Feature values: the low 16 bits index the fuzzer's counters (the
 * oracles' reads-from pairs use 0xf000-0xffff).
 *   FEEDBACK_TLB_HIT  | write | pte_relation << 1 | flush pending << 3 |
 *                       extra reference << 4 | cow_phase << 5 | (revoker + 1) << 7
 *   FEEDBACK_COW_COPY | writable elsewhere | flush pending << 1 | (revoker + 1) << 2 |
 *                       writable on a CPU other than the revoker's << 7
 *   FEEDBACK_SET_PTE  | how (1 gone, 2 other frame, 3 R/O) | extra reference << 2 |
 *                       uffd-wp << 3 | flush pending << 4 | (op + 1) << 5
 * where "revoker" is the op kind that last took the PTE's write
 * permission, frame or presence away, and an extra reference is one
 * beyond the frame's mappings (a write fault will copy it).
 */
#ifndef MMFUZZ_TARGET_FEEDBACK_H
#define MMFUZZ_TARGET_FEEDBACK_H

#include <stdbool.h>

#include "model.h"
#include "scenario.h"

#define FEEDBACK_TLB_HIT  0xfeed0000u
#define FEEDBACK_COW_COPY 0xfeed1000u
#define FEEDBACK_SET_PTE  0xfeed2000u

/* What the PTE holds now, against the TLB entry a CPU used. */
enum pte_relation {
	PTE_SAME,	   /* the entry is current */
	PTE_WRITE_REVOKED, /* same frame, but the PTE is no longer writable */
	PTE_OTHER_FRAME,   /* the PTE maps another frame now */
	PTE_GONE,	   /* the PTE is not present any more */
};

/*
 * Named windows, to tell one bug's findings from another's that share an
 * oracle (MMFUZZ_WINDOW when timing a bug): "store-after-copy" — a store
 * through a TLB entry whose write permission was taken away lands in a
 * frame another CPU has finished copying for COW, so the store is lost;
 * "copy-under-stale-entry" — a COW copy made while another CPU still
 * holds a writable entry for the frame. ":OP" (an op name, e.g.
 * "store-after-copy:uffd-wp") requires that OP made the entry stale.
 */
struct feedback_window {
	enum { WINDOW_STORE_AFTER_COPY, WINDOW_COPY_UNDER_STALE_ENTRY } kind;
	int op; /* enum op_kind, or -1: any */
};
/* false if spec names no window or op. */
bool feedback_window_parse(const char *spec, struct feedback_window *w);
/* Does this reported feature show the window open? */
bool feedback_window_opened(const struct feedback_window *w, uint32_t feature);

/* Is this reported feature a moment another CPU could race with: a
 * writable PTE changed under a cached entry, a COW copy, an access
 * through a stale entry? The mutator preempts right after such moments. */
bool feedback_race_event(uint32_t feature);

/* How far into a stale-TLB race a reported feature is: 1, a writable PTE
 * changed under another CPU's entry, or a COW copy; 2, that entry used
 * after the change, or a copy made while another CPU still holds a
 * writable entry for the frame; 3, a store through a stale entry into a
 * frame another CPU is copying or has copied. 0: not a race feature. */
int feedback_race_depth(uint32_t feature);

/* Is this reported feature a PTE made read-only under another CPU's
 * writable entry, while the frame has a reference beyond its mappings? A
 * write fault will copy that frame, perhaps while the entry lives: one
 * link short of a copy under a stale entry (depth 2). */
bool feedback_copy_ahead(uint32_t feature);

/* The page the last reported feature concerned. */
int feedback_feature_va(void);

/* Where the program stands: per program thread, the CPU running it and
 * the index of the op it is in (both -1 before it starts; the op index is
 * its op count once past its last op). */
void feedback_program_position(int cpu[SCN_MAX_THREADS], int op[SCN_MAX_THREADS]);

/* Does `cpu` hold a TLB entry for page va (current or stale)? */
bool feedback_cpu_caches(int cpu, int va);

/* CPU `cpu` will run program thread `thread`, from its first op. */
void feedback_thread_spawned(int cpu, int thread);

/* The running thread starts its program thread's op number `index`, of
 * this kind (-1: past its last op, what follows is its exit). */
void feedback_op_begin(int index, int kind);

/* set_pte() is about to replace old with new at (mm, va). */
void feedback_set_pte(const struct mm_struct *mm, int va, struct pte old, struct pte new);

/* A user access hit TLB entry e of the running CPU for (mm, va). */
void feedback_tlb_hit(const struct mm_struct *mm, int va, const struct tlb_entry *e, bool write);
/* The store of that access made write seq. */
void feedback_store_recorded(wseq_t seq);
/* Did the store that made write seq open window w? false if no user
 * store through the TLB made it, or no fuzzer listened. A lost write is
 * explained by the window its own store opened (MMFUZZ_WINDOW): a window
 * opened elsewhere in the same execution proves nothing. */
bool feedback_store_opened(const struct feedback_window *w, wseq_t seq);

/* wp_page_copy() of frame pfn for (mm, va) by the running CPU: begins
 * before the copy, copied once every word is, ends when the new PTE is
 * set or the copy dropped. A store through a stale entry in between lands
 * in the old frame: before the words are copied it survives, after it is
 * lost. */
void feedback_cow_copy_begin(const struct mm_struct *mm, int va, int pfn);
void feedback_cow_copied(void);
void feedback_cow_copy_end(void);

#endif
