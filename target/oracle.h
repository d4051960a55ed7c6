/* SPDX-License-Identifier: MIT */
/*
 * Oracles: the invariants a user can observe, checked when a value is
 * read (by a CPU, a device through a pin, or a pipe) and at teardown.
 *
 * Every stored value is the sequence number of the write that produced it,
 * and the write log gives its provenance (process, thread, VA, CPU or DMA,
 * step). A read is judged against what the reading process may see:
 *  - fork-isolation (O2): a value written by another process after the two
 *    were separated by fork() must never be seen;
 *  - pin-coherency (O3): a pinned buffer and the mapping stay one page:
 *    the device sees the user's writes and the user sees the device's;
 *  - lost-write (O4): a read returns the last completed write of the
 *    process to that VA (or, for a child, its snapshot at fork), and so
 *    does the page finally mapped there when the program ends;
 *  - memory-safety (O9): no access to freed frames, no refcount underflow,
 *    nothing left allocated at teardown;
 *  - protection-bypass (O11): a user store never completes in a VMA
 *    without VM_WRITE once the mprotect() that removed it has returned.
 * Invariant (1), the flush contract of write-protecting calls, is
 * tlb-lifetime's (tlb.h): a breach nobody used is reported when the
 * program has ended, so that the symptom's oracle owns a breach that
 * was used.
 */
#ifndef MMFUZZ_TARGET_ORACLE_H
#define MMFUZZ_TARGET_ORACLE_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

/* A store into frame pfn completed: log it and update the writer's
 * expectation. Returns the value to store. `lands`: the store reaches the
 * page the process maps at va (not a page a racing zap is discarding, nor
 * one a pin was left holding after the user discarded it). A store into a
 * page-cache page changes the file, whoever still maps it. */
wseq_t oracle_record_write(int proc, int va, int word, enum write_via via, bool lands, int pfn);

/* O1: a store into frame pfn reached through proc's va: never into the
 * zero page, nor into a page-cache page through a private mapping. (O11,
 * a user store into a read-only VMA, is checked by oracle_record_write.) */
void oracle_check_private_write(int proc, int va, int pfn, enum write_via via);

/* The value a user read returned; `current`: through a translation the
 * PTE still holds (else it races with a zap and may see old data). */
void oracle_check_user_read(int proc, int va, int word, wseq_t value, bool current);
/* O4 when a process's program ends: every word of every page it still
 * maps, read through the page table, is what a user read would have to
 * return (a store that went through a stale TLB entry into a page no
 * longer mapped is lost even if the program never reads it again). Called
 * by the last thread of the program to exit, it also reports a latent
 * tlb-lifetime breach (tlb_report_latent()). */
void oracle_check_at_exit(int proc);
/*
 * Rmap consistency, when proc's last thread exits: every folio it maps is
 * mapped (mapcount) at least as often as PTEs of live processes point to
 * it — the rmap is updated before a PTE is set and after it is cleared —
 * and exactly as often when proc is the last live process.
 */
void oracle_check_rmap(int proc);
/* The value a device read through a pin returned. */
void oracle_check_pin_read(int proc, const struct gup_ref *pin, int word, wseq_t value);
/* The value read from a pipe buffer filled by vmsplice(). */
void oracle_check_pipe_read(int proc, const struct gup_ref *buf, int word, wseq_t value);

/* The user discarded va (zap): reads return zero, or fault if unmapped;
 * pins on va lose their coherency promise (pipe buffers never had one). */
void oracle_discard(int proc, int va, bool unmapped, bool file);
/* GUP took a reference on the page at va: remember which generation of
 * the mapping it holds, so a zap racing with the caller is not missed. */
void oracle_gup_grabbed(int proc, int va);
/* Was va zapped since this CPU's last GUP grab? */
bool oracle_zapped_since_grab(int proc, int va);
/* Where the page this CPU's last GUP grabbed at va is mapped now: va, or
 * where mremap moved it since (an I/O in flight lands there). */
int oracle_grabbed_va(int proc, int va);
/* va was mapped afresh: anon (reads return zero) or the file. */
void oracle_mapped(int proc, int va, bool file);
/* mremap moved the page at old_va to new_va (under the PTL). */
void oracle_moved(int proc, int old_va, int new_va);

/* O5, soft-dirty: clear_refs "4" ran; pagemap reported `soft_dirty`. */
void oracle_clear_refs_begin(int proc);
void oracle_clear_refs_end(int proc);
void oracle_check_soft_dirty(int proc, int va, bool soft_dirty);
/* clear_refs left va alone because it may be pinned: since 5.11 the
 * kernel does not track soft-dirty for such pages ("the page might be
 * dirtied by the pinning entity without ever being noticed"). */
void oracle_soft_dirty_untracked(int proc, int va);

/* O6, uffd-wp: a protection promises no silent write once the
 * UFFDIO_WRITEPROTECT(WP) call returned, unless an unprotect of the page
 * overlapped the call (then whichever changed the PTE last wins). An
 * unprotect ends the promise as it starts; so does the monitor leaving. */
unsigned oracle_uffd_wp_begin(int proc, int va);
void oracle_uffd_wp_end(int proc, int va, unsigned token);
void oracle_uffd_unprotect_begin(int proc, int va);
void oracle_uffd_unprotect_end(int proc, int va);
void oracle_uffd_released(int proc);

/* fork(): the child's expectations are the parent's, taken at completion;
 * writes by the parent while fork ran may or may not be seen. */
void oracle_fork_begin(int parent, int child);
void oracle_fork_end(int parent, int child);

/* May process `reader` see the value at all? */
bool provenance_visible(int reader, wseq_t value);
/* "#7 (P0/T1 CPU write to va 0 word 1 at step 42)" */
void provenance_describe(wseq_t value, char *buf, size_t len);

#endif
