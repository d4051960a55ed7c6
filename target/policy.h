/* SPDX-License-Identifier: MIT */
/*
 * Policy switches and profiles.
 *
 * Every behaviour that changed across kernel history, or that a proposal
 * would change, is one field of struct mm_policy with one documented
 * meaning. A profile is a named preset: a kernel era or a proposal.
 * `mmfuzz profiles` lists every switch; docs/bugs.md the bugs they recreate.
 */
#ifndef MMFUZZ_TARGET_POLICY_H
#define MMFUZZ_TARGET_POLICY_H

#include <stdbool.h>

/* do_wp_page(): when may a write fault reuse a R/O-mapped anon page? */
enum wp_reuse_rule {
	REUSE_MAPCOUNT,	      /* <= 5.8: reuse_swap_page(): mapcount == 1 */
	REUSE_REFCOUNT,	      /* 5.9-5.18: page_count == 1 (09854ba94c6a) */
	REUSE_ANON_EXCLUSIVE, /* >= 5.19: PageAnonExclusive, else refcount (6c287605fd56) */
};

/* copy_present_pte(): what fork does with a maybe-DMA-pinned anon page. */
enum fork_pinned_rule {
	FORK_PINNED_SHARE, /* <= 5.8 and 5.9-rc: write-protect and share */
	FORK_PINNED_COPY,  /* >= 5.9: copy the page for the child (70e806e4e645) */
};

/* GUP: may a FOLL_FORCE write follow a R/O PTE once COW was broken? */
enum force_write_rule {
	FORCE_DROP_FOLL_WRITE, /* <= 4.8: drop FOLL_WRITE after the COW fault (Dirty COW) */
	FORCE_FOLL_COW,	       /* 4.9-5.19: FOLL_COW and pte_dirty (19be0eaffa3a) */
	FORCE_ANON_EXCLUSIVE,  /* >= 6.0: only an exclusive anon page (5535be309971) */
};

/* clear_refs "4": how the TLB learns that PTEs became read-only. */
enum clear_refs_tlb {
	CLEAR_REFS_FLUSH_MM,	  /* before 5.6: flush the mm at the end */
	CLEAR_REFS_GATHER,	  /* 5.6-5.11: mmu_gather, elided: nothing was batched */
	CLEAR_REFS_FLUSH_PENDING, /* >= 5.12: inc_tlb_flush_pending + flush_tlb_mm (912efa17e512) */
};

/* change_protection(): when does it flush the TLB before returning? */
enum change_prot_flush {
	/* <= 5.19: change_pte_range() counts every present PTE it visits,
	 * changed or not, and change_protection_range() flushes the range
	 * if that count is non-zero (flush_tlb_range). */
	CHANGE_PROT_FLUSH_PRESENT,
	/* MUTANT, never shipped: flush only if some PTE's bits changed (the
	 * model's rule before issue 15). */
	CHANGE_PROT_FLUSH_CHANGED,
	/* >= 6.0 (4a18419f71cd): an mmu_gather batches only the PTEs that
	 * pte_needs_flush() (tlb_flush_pte_range); its finish also flushes
	 * when another flush is pending on the mm (mm_tlb_flush_nested). */
	CHANGE_PROT_FLUSH_GATHER,
};

enum fault_order {
	ERROR_FIRST, /* look at VM_FAULT_ERROR before VM_FAULT_RETRY */
	RETRY_FIRST,
};

enum lock_contract {
	RELEASE_ON_RETRY, /* the handler drops the mmap_lock only with RETRY/COMPLETED */
	RELEASE_ALWAYS,	  /* Linus' 2023 proposal: handle_mm_fault always drops it */
};

/* Where an anonymous VMA's missing anon_vma sends a fault to mmap_lock. */
enum anon_vma_check {
	/* 6.4-6.5-rc3: lock_vma_under_rcu looks before vma_start_read(), racy (B8b). */
	ANON_VMA_CHECK_BEFORE_LOCK,
	/* 6.5-rc4-6.9 (657b5146955e): lock_vma_under_rcu looks with the VMA
	 * read-locked and refuses such a VMA: its first fault aborts. */
	ANON_VMA_CHECK_UNDER_LOCK,
	/* >= 6.10 (f89a1cd17f13): lock_vma_under_rcu no longer looks; the
	 * anonymous fault path asks vmf_anon_prepare() when it needs one. */
	ANON_VMA_CHECK_IN_FAULT,
};

/* vmf_anon_prepare() under the VMA lock, for a VMA without an anon_vma:
 * assigning one reads the neighbouring VMAs, which that lock does not
 * cover. */
enum anon_prepare_rule {
	/* 6.7-6.9: give up (VM_FAULT_RETRY), the retry under mmap_lock does it. */
	ANON_PREPARE_RETRY,
	/* >= 6.10 (the same series): mmap_read_trylock(), assign the anon_vma
	 * under it and go on under the VMA lock; RETRY only if the trylock
	 * fails (a writer holds or waits for mmap_lock). */
	ANON_PREPARE_TRYLOCK,
	/* MUTANT, never shipped: a blocking mmap_read_lock() instead of the
	 * trylock, under the VMA lock: a writer holding mmap_lock that waits
	 * to write-lock this VMA waits for the fault, which waits for it. */
	ANON_PREPARE_MUTANT_LOCK,
};

/* Who drops the VMA read lock when a fault under it returns VM_FAULT_RETRY
 * (or VM_FAULT_COMPLETED) (B7c). The fault handlers' side and the arch
 * handler's side must agree; the two MUTANT values pair one era's
 * handlers with the other era's arch code. */
enum vma_release_rule {
	/* 6.4-6.5: the handler returns with the lock held; the arch fault
	 * handler calls vma_end_read() whatever the result. */
	VMA_RELEASE_CALLER,
	/* >= 6.6 (4089eef0e6ac): as for mmap_lock, RETRY and COMPLETED mean
	 * the handler released it (release_fault_lock); the arch handler
	 * calls vma_end_read() only otherwise. */
	VMA_RELEASE_CALLEE,
	/* MUTANT, never shipped: 6.6's handlers release, 6.4's arch code
	 * releases again (a double vma_end_read). */
	VMA_RELEASE_MUTANT_BOTH,
	/* MUTANT, never shipped: 6.4's handlers keep it, 6.6's arch code
	 * leaves it to them (the read lock leaks). */
	VMA_RELEASE_MUTANT_NEITHER,
};

/* Which VMAs lock_vma_under_rcu() hands to a fault. */
enum vma_lock_scope {
	/* 6.4-6.5: anonymous VMAs with an anon_vma, not userfaultfd-armed. */
	VMA_LOCK_SCOPE_ANON,
	/* >= 6.7: any VMA (anonymous ones still need their anon_vma):
	 * userfaults under the VMA lock since 6.6 (29a22b9e08d7), file VMAs
	 * since 6.6 with their read/COW/shared faults handled under it from
	 * 6.7 (12214eba1992 and its series). */
	VMA_LOCK_SCOPE_ANY,
};

/* Speculative page faults (proposal, Michel Lespinasse's series of 2021,
 * after Peter Zijlstra's 2014 RFC): an anonymous fault first runs with no
 * mmap_lock, on a copy of its VMA, validated by mm->mmap_seq. */
enum spf_rule {
	SPF_NO,
	/* the proposal: mmap_seq checked again under the PTL, before the
	 * new PTE is installed */
	SPF_YES,
	/* MUTANT, never shipped: mmap_seq checked just before taking the PTL,
	 * so a writer may run between the check and the install */
	SPF_MUTANT_CHECK_OUTSIDE_PTL,
};

/* expand_stack() from the page-fault path: under which mmap_lock mode. */
enum stack_expand_lock {
	/* <= 6.0: under the read lock; the VMA's start moves in place (the
	 * rbtree's gap is updated under page_table_lock), no tree node is
	 * replaced. */
	STACK_EXPAND_READ_RBTREE,
	/* 6.1-6.4.0: under the read lock, but the range is a store to the
	 * maple tree, which replaces a node and frees the old one through RCU
	 * while lookups under the read lock still walk it (StackRot,
	 * CVE-2023-3269). */
	STACK_EXPAND_READ,
	/* >= 6.4.1/6.5 (8d7071af8907): the fault drops the read lock, takes
	 * the write lock, looks the VMA up again and expands it write-locked
	 * (c137381f71ae), then downgrades. */
	STACK_EXPAND_WRITE,
};

struct mm_policy {
	enum wp_reuse_rule wp_reuse;
	/* 5.8 (17839856fd58): a FOLL_GET/FOLL_PIN lookup in a COW mapping
	 * breaks COW as if it were a write, and GUP-fast refuses R/O PTEs. */
	bool gup_read_breaks_cow;
	enum fork_pinned_rule fork_pinned;
	/* 5.19 (a7f226604170): a R/O FOLL_PIN of a maybe-shared anon page
	 * first unshares it (FAULT_FLAG_UNSHARE). */
	bool ro_pin_unshare;
	/* 6.2 (84209e87c696, 8d6a0ac09a16): a R/O long-term pin in a COW
	 * mapping also unshares what is not anon, e.g. the shared zero page. */
	bool ro_longterm_unshare_nonanon;
	/* 5.19: PG_anon_exclusive is tracked (set on fresh anon pages, cleared
	 * when fork shares a page, refused for maybe-pinned pages). */
	bool anon_exclusive;

	/* 5.11 (57efa1fe5957): fork bumps mm->write_protect_seq around
	 * copy_page_range; GUP-fast FOLL_PIN backs off if it moved. */
	bool gup_fast_seq;
	enum force_write_rule force_write;
	/* 4.13 (99baac21e458): tlb_finish_mmu flushes when another batched
	 * flush is pending on the mm (mm_tlb_flush_nested). */
	bool tlb_nested_flush;
	/* 5.12 (6ce64428d620): do_wp_page flushes the page first when the VMA
	 * is uffd-wp registered and a flush is pending. */
	bool wp_flush_if_pending;
	/* clear_refs: 5.11 (29a951dfb3c3) takes the mmap_lock for write;
	 * before, for read, upgrading only to clear VM_SOFTDIRTY. */
	bool clear_refs_write_lock;
	/* 5.11 (9348b73c2e1b): don't write-protect maybe-pinned pages. */
	bool clear_refs_skip_pinned;
	enum clear_refs_tlb clear_refs_tlb;
	/* MUTANT, never shipped: clear VM_SOFTDIRTY under the read lock. */
	bool clear_refs_no_upgrade;
	/* 5.7 (292924b26024): userfaultfd write-protection of anonymous
	 * memory; before, UFFDIO_REGISTER(WP) and UFFDIO_WRITEPROTECT fail. */
	bool uffd_wp;
	/* UFFDIO_WRITEPROTECT under the mmap_lock for write (Nadav Amit's v1). */
	bool uffd_wp_write_lock;
	/* Unprotecting keeps (or restores) the write bit of PTEs that had it. */
	bool uffd_unprotect_keeps_write;
	enum change_prot_flush change_prot_flush;
	/* mprotect(PROT_WRITE) maps anon-exclusive pages writable at once (6.0). */
	bool mprotect_write_upgrade;
	/* O_DIRECT takes FOLL_PIN, not FOLL_GET (block layer, ~6.5). */
	bool odirect_pin;
	/* <= 5.6: a fault is retried once, the second try may not drop the lock. */
	bool fault_retry_once;
	/* The filemap handler returns VM_FAULT_SIGBUS|VM_FAULT_RETRY after an
	 * I/O error with the lock dropped (Johannes Weiner's May 2023 draft). */
	bool fault_retry_with_error;
	enum fault_order gup_faultin_order; /* faultin_page(): ERROR then RETRY */
	enum fault_order arch_fault_order;  /* do_user_addr_fault(): x86 retries first */
	enum lock_contract fault_lock_contract;
	/* sparc64 bug: pte_mkdirty also sets the hardware write bit. */
	bool mkdirty_sets_write;
	/* Opt-in check: sleeping for I/O while holding an mmap_lock fails. */
	bool check_io_under_mmap_lock;
	/* 6.4 (0bff0aaea03e): anonymous faults run under a per-VMA read lock
	 * found by an RCU walk (lock_vma_under_rcu), not under mmap_lock;
	 * VMAs are freed after an RCU grace period. */
	bool per_vma_lock;
	enum anon_vma_check vma_lock_anon_vma_check;
	/* 6.4.3 (fb49c455323f): dup_mmap write-locks each parent VMA. */
	bool vma_lock_fork;
	enum vma_release_rule vma_release_on_retry;
	enum vma_lock_scope vma_lock_scope;
	enum anon_prepare_rule vma_anon_prepare;
	/* 6.4.8/6.5 (6c21e066f925): mbind write-locks a VMA before replacing
	 * its vm_policy. */
	bool vma_lock_mbind;
	/* 6.4.8/6.5 (d8ab9f7b644a): dup_anon_vma write-locks the VMA it gives
	 * an anon_vma (a merge) before the assignment. */
	bool vma_lock_dup_anon_vma;
	/* 6.4.8/6.5 (b1f02b95758d): mm_lock_seq is written with release and
	 * read with acquire, so a fault that sees a write section's end sees
	 * what the section changed. */
	bool vma_lock_seq_release;
	/* MUTANT, never shipped: a VMA is freed at once, not after an RCU
	 * grace period, while faults still walk the tree under RCU. */
	bool vma_free_at_once;
	/* MUTANT, never shipped: clear_refs clears VM_SOFTDIRTY without
	 * write-locking the VMA, which VMA-locked faults read. */
	bool vma_softdirty_no_write_lock;
	enum stack_expand_lock stack_expand_lock;
	enum spf_rule fault_speculative;
};

struct profile {
	const char *name;
	const char *era;       /* what kernel state it models */
	const char *recreates; /* bugs of the catalogue it recreates */
	struct mm_policy policy;
};

/* The profile the model runs under; set once per campaign. */
extern struct mm_policy policy;

const struct profile *profile_find(const char *name);
const struct profile *profile_at(int index); /* NULL past the end */
const struct profile *profile_default(void); /* "latest" */

/*
 * Turn one switch, "name=value" (e.g. "wp.reuse=mapcount"), so a
 * developer (and a regression test) can flip a rule on top of a profile.
 * Returns false with a message in err for an unknown name or value.
 */
bool policy_set(struct mm_policy *p, const char *assignment, char *err, int errlen);
/* Combinations the kernel never had and the model cannot run (e.g.
 * unsharing for R/O pins without PG_anon_exclusive would loop): false
 * with a message. */
bool policy_check(const struct mm_policy *p, char *err, int errlen);
/* Print every switch of p, one per line, with its value. */
void policy_print(const struct mm_policy *p, const char *indent, void (*out)(const char *line));
/* Do a and b set every switch alike? */
bool policy_same(const struct mm_policy *a, const struct mm_policy *b);
/* Only the switches where p differs from base. */
void policy_print_diff(const struct mm_policy *p, const struct mm_policy *base, const char *indent,
		       void (*out)(const char *line));
/* The list of switch names and their values, for `mmfuzz profiles`. */
void policy_print_switches(void (*out)(const char *line));

#endif
