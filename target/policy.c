/* SPDX-License-Identifier: MIT */
/*
 * The profiles: kernel eras, each the previous one plus the listed
 * changes; docs/bugs.md lists the bugs each recreates and where it is
 * fixed.
 */
#include "policy.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct mm_policy policy;

/*
 * Each era is the previous one plus its changes, spelled out as macros so
 * the table reads as the catalogue's history.
 */
#define ERA_V4_8                                                                                   \
	.wp_reuse = REUSE_MAPCOUNT, .fork_pinned = FORK_PINNED_SHARE,                              \
	.force_write = FORCE_DROP_FOLL_WRITE, .clear_refs_tlb = CLEAR_REFS_FLUSH_MM,               \
	.fault_retry_once = true, .gup_faultin_order = ERROR_FIRST,                                \
	.arch_fault_order = RETRY_FIRST, .fault_lock_contract = RELEASE_ON_RETRY
#define ERA_V4_9 ERA_V4_8, .force_write = FORCE_FOLL_COW
/* 4.13 nested flush; 5.6 clear_refs flush elided; 5.7 unbounded retries
 * and uffd-wp */
#define ERA_V5_7                                                                                   \
	ERA_V4_9, .tlb_nested_flush = true, .clear_refs_tlb = CLEAR_REFS_GATHER,                   \
		  .fault_retry_once = false, .uffd_wp = true
#define ERA_V5_8    ERA_V5_7, .gup_read_breaks_cow = true
#define ERA_V5_9_RC ERA_V5_7, .wp_reuse = REUSE_REFCOUNT
#define ERA_V5_9    ERA_V5_9_RC, .fork_pinned = FORK_PINNED_COPY
#define ERA_V5_11                                                                                  \
	ERA_V5_9, .clear_refs_write_lock = true, .clear_refs_skip_pinned = true,                   \
		  .gup_fast_seq = true
#define ERA_V5_12 ERA_V5_11, .clear_refs_tlb = CLEAR_REFS_FLUSH_PENDING, .wp_flush_if_pending = true
#define ERA_V5_19                                                                                  \
	ERA_V5_12, .wp_reuse = REUSE_ANON_EXCLUSIVE, .ro_pin_unshare = true, .anon_exclusive = true
#define ERA_LATEST                                                                                 \
	ERA_V5_19, .force_write = FORCE_ANON_EXCLUSIVE, .mprotect_write_upgrade = true,            \
		   .change_prot_flush = CHANGE_PROT_FLUSH_GATHER,                                  \
		   .ro_longterm_unshare_nonanon = true, .uffd_unprotect_keeps_write = true,        \
		   .odirect_pin = true, .per_vma_lock = true,                                      \
		   .vma_lock_anon_vma_check = ANON_VMA_CHECK_IN_FAULT, .vma_lock_fork = true,      \
		   .vma_release_on_retry = VMA_RELEASE_CALLEE,                                     \
		   .vma_lock_scope = VMA_LOCK_SCOPE_ANY, .vma_anon_prepare = ANON_PREPARE_TRYLOCK, \
		   .vma_lock_mbind = true, .stack_expand_lock = STACK_EXPAND_WRITE,                \
		   .vma_lock_dup_anon_vma = true, .vma_lock_seq_release = true
/* 6.4-6.5: per-VMA locks for anonymous faults only, released by the caller */
#define VMA_LOCK_6_4                                                                               \
	.vma_release_on_retry = VMA_RELEASE_CALLER, .vma_lock_scope = VMA_LOCK_SCOPE_ANON,         \
	.vma_anon_prepare = ANON_PREPARE_RETRY

/* Designated initialisers that override earlier ones are what the macros
 * are for: each era restates only what changed. */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Winitializer-overrides"
static const struct profile profiles[] = {
	{"v4.8",
	 "Linux 4.8: FOLL_FORCE drops FOLL_WRITE after COW; no nested-flush check; one retry; "
	 "no uffd-wp; change_protection flushes after visiting any present PTE",
	 "Dirty COW (private-write); parallel MADV_DONTNEED misses the flush (tlb-lifetime); "
	 "CVE-2020-29374",
	 {ERA_V4_8}},
	{"v4.9",
	 "Linux 4.9: + FOLL_COW and pte_dirty (19be0eaffa3a)",
	 "parallel MADV_DONTNEED misses the flush; CVE-2020-29374",
	 {ERA_V4_9}},
	{"v5.7",
	 "Linux 5.7: + nested flush (4.13), clear_refs flush elided (5.6), unbounded fault "
	 "retries, uffd-wp of anon memory (292924b26024); COW reuse by mapcount; fork shares "
	 "pinned pages",
	 "CVE-2020-29374 (vmsplice after fork, both directions); R/O pins on a shared page "
	 "and on the zero page; soft-dirty stale TLB",
	 {ERA_V5_7}},
	{"v5.8",
	 "Linux 5.8: + read GUP breaks COW (17839856fd58)",
	 "CVE-2020-29374 reverse direction (vmsplice before fork, child reuses); soft-dirty "
	 "stale TLB",
	 {ERA_V5_8}},
	{"v5.9-rc",
	 "5.9-rc4..rc6: COW reuse by page_count (09854ba94c6a), enforced COW removed, "
	 "no early COW at fork yet",
	 "fork + FOLL_PIN RDMA regression; R/O pin on a shared page; the 5.10 bugs",
	 {ERA_V5_9_RC}},
	{"v5.9",
	 "Linux 5.9: + fork copies maybe-pinned pages for the child (70e806e4e645)",
	 "R/O pins on a shared page and on the zero page; the 5.10 bugs",
	 {ERA_V5_9}},
	{"v5.10",
	 "Linux 5.10: as 5.9 for everything modelled; clear_refs under the read lock",
	 "clear_refs and uffd-wp vs a pinned page (pin-coherency); O_DIRECT + clear_refs "
	 "(lost-write); soft-dirty stale TLB; uffd-wp deferred-flush corruption; GUP-fast pin "
	 "vs fork (fork-isolation, with O_DIRECT pins)",
	 {ERA_V5_9}},
	{"v5.11",
	 "Linux 5.11: + clear_refs takes the write lock and skips maybe-pinned pages "
	 "(29a951dfb3c3, 9348b73c2e1b); GUP-fast pins check write_protect_seq (57efa1fe5957)",
	 "O_DIRECT (FOLL_GET) + clear_refs (lost-write); soft-dirty stale TLB; uffd-wp "
	 "deferred-flush corruption; uffd-wp vs a pinned page",
	 {ERA_V5_11}},
	{"v5.12",
	 "Linux 5.12: + clear_refs flushes with tlb_flush_pending (912efa17e512); do_wp_page "
	 "flushes when a flush is pending on a uffd-wp VMA (6ce64428d620)",
	 "O_DIRECT (FOLL_GET) + clear_refs (lost-write); uffd-wp vs a pinned page",
	 {ERA_V5_12}},
	{"v5.19",
	 "Linux 5.19: PageAnonExclusive, R/O pins of anon pages unshare (6c287605fd56, "
	 "a7f226604170)",
	 "R/O long-term pin of the shared zero page",
	 {ERA_V5_19}},
	{"v6.4",
	 "Linux 6.4.0-6.4.2: latest's rules, with per-VMA locks as they first shipped: fork "
	 "does not write-lock the parent's VMAs, lock_vma_under_rcu checks anon_vma before "
	 "locking; as in 6.5, only anonymous faults take the VMA lock (file and userfaultfd "
	 "faults take mmap_lock) and the arch handler drops it after every fault",
	 "fork vs a VMA-locked COW fault and a stale TLB entry (B8a, lost-write); mbind frees the "
	 "mempolicy a VMA-locked fault is reading (B8d, memory-safety); StackRot: a fault grows "
	 "a stack under the mmap read lock, freeing a maple node another lookup walks (B8f, "
	 "6.4.0 only, memory-safety); a failed merge leaves pages mapped after their anon_vma is "
	 "freed (B8c, memory-safety); a fault sees userfaultfd_register's unlock before its "
	 "VM_UFFD_WP and reaches handle_userfault under the VMA lock (B8e, lock-discipline)",
	 {ERA_LATEST, .vma_lock_fork = false, .vma_lock_anon_vma_check = ANON_VMA_CHECK_BEFORE_LOCK,
	  .vma_lock_mbind = false, .stack_expand_lock = STACK_EXPAND_READ,
	  .vma_lock_dup_anon_vma = false, .vma_lock_seq_release = false, VMA_LOCK_6_4}},
	{"v6.4.3",
	 "Linux 6.4.3-6.4.7 (the fixes of 6.5-rc1): v6.4 + fork write-locks each parent VMA "
	 "(fb49c455323f); a fault grows a stack only under the mmap write lock, the VMA "
	 "write-locked (8d7071af8907, c137381f71ae; 6.4.1)",
	 "mremap(MREMAP_DONTUNMAP) vs a fault that checked anon_vma before locking (B8b, "
	 "memory-safety); mbind frees the policy a VMA-locked fault reads (B8d, memory-safety); "
	 "dup_anon_vma without the VMA write lock (B8c, memory-safety); mm_lock_seq without "
	 "release/acquire ordering (B8e, lock-discipline)",
	 {ERA_LATEST, .vma_lock_anon_vma_check = ANON_VMA_CHECK_BEFORE_LOCK,
	  .vma_lock_mbind = false, .vma_lock_dup_anon_vma = false, .vma_lock_seq_release = false,
	  VMA_LOCK_6_4}},
	{"v6.5",
	 "Linux 6.4.8+ and 6.5: v6.4.3 + lock_vma_under_rcu checks anon_vma with the VMA "
	 "read-locked (657b5146955e), mbind write-locks the VMA (6c21e066f925), so does "
	 "dup_anon_vma (d8ab9f7b644a), and mm_lock_seq is stored with release and loaded with "
	 "acquire (b1f02b95758d); still only "
	 "anonymous faults under the VMA lock, dropped by the arch handler",
	 "none of the 6.4 family: the B8 reproducers are clean",
	 {ERA_LATEST, .vma_lock_anon_vma_check = ANON_VMA_CHECK_UNDER_LOCK, VMA_LOCK_6_4}},
	{"latest",
	 "Linux >= 6.10: + FOLL_FORCE needs an exclusive anon page (6.0), mprotect maps "
	 "exclusive pages writable, change_protection flushes through an mmu_gather (6.0), R/O "
	 "long-term pins unshare non-anon pages (6.2), per-VMA locks with 6.5's fixes (6.4-6.5), "
	 "O_DIRECT pins (~6.5); userfaults (6.6) and file read/COW/shared faults (6.6-6.7) "
	 "under the VMA lock too, and a handler that returns VM_FAULT_RETRY has dropped that "
	 "lock itself (release_fault_lock, 6.6); an anonymous VMA's first fault stays under "
	 "the VMA lock and assigns the anon_vma under a mmap_read_trylock (6.10)",
	 "none: the reference, clean for every scenario",
	 {ERA_LATEST}},
	{"uffd-wp-write-lock",
	 "proposal: 5.11 + UFFDIO_WRITEPROTECT under the mmap_lock for write, unprotect "
	 "keeps the write bit (Nadav Amit's v1, Dec 2020)",
	 "uffd-wp vs a pinned page and O_DIRECT + clear_refs remain; the deferred-flush "
	 "corruption does not",
	 {ERA_V5_11, .uffd_wp_write_lock = true, .uffd_unprotect_keeps_write = true}},
	{"mapcount-reuse",
	 "proposal: 5.10 with COW reuse by mapcount again (Andrea Arcangeli, \"restore full "
	 "accuracy in COW page reuse\", Jan 2021)",
	 "pinned pages survive clear_refs/uffd-wp; CVE-2020-29374 comes back",
	 {ERA_V5_9, .wp_reuse = REUSE_MAPCOUNT}},
	{"retry-error-draft",
	 "draft: latest + filemap returns VM_FAULT_SIGBUS|VM_FAULT_RETRY after an I/O error "
	 "with the lock dropped (Johannes Weiner, May 2023)",
	 "GUP unlocks an mmap_lock it no longer holds (lock-discipline)",
	 {ERA_LATEST, .fault_retry_with_error = true}},
	{"always-release-lock",
	 "proposal: the draft handler, but handle_mm_fault always releases the lock "
	 "(Linus Torvalds, May 2023)",
	 "none expected",
	 {ERA_LATEST, .fault_retry_with_error = true, .fault_lock_contract = RELEASE_ALWAYS}},
	{"retry-once",
	 "what-if: latest with the pre-5.7 rule: retry a fault once, the retry may not drop "
	 "the mmap_lock",
	 "I/O under the mmap_lock (lock-latency view)",
	 {ERA_LATEST, .fault_retry_once = true}},
	{"vma-lock-mixed-contract",
	 "MUTANT, never shipped: latest's fault handlers, which drop the VMA lock before "
	 "returning VM_FAULT_RETRY (6.6), under 6.4's arch handler, which drops it after every "
	 "VMA-locked fault (B7c: the contract changed in one series, 4089eef0e6ac)",
	 "a double vma_end_read after a file fault that sleeps for I/O (lock-discipline)",
	 {ERA_LATEST, .vma_release_on_retry = VMA_RELEASE_MUTANT_BOTH}},
	{"clear-refs-no-vma-lock",
	 "MUTANT, never shipped: latest whose clear_refs clears VM_SOFTDIRTY under the mmap "
	 "write lock but without write-locking each VMA (vm_flags_clear's vma_start_write), "
	 "so a fault under the VMA lock reads vm_flags while it changes",
	 "a data race on vm_flags with a VMA-locked fault (ThreadSanitizer build)",
	 {ERA_LATEST, .vma_softdirty_no_write_lock = true}},
	{"spf",
	 "proposal: speculative page faults (Michel Lespinasse, 2021, after Peter Zijlstra's "
	 "2014 RFC): latest's rules without per-VMA locks, an anonymous fault first tried "
	 "with no mmap_lock on a copy of its VMA, validated by mm->mmap_seq under the PTL",
	 "nothing (a 2-minute campaign, 1.7M executions, clean)",
	 {ERA_LATEST, .per_vma_lock = false, .fault_speculative = SPF_YES}},
	{"spf-check-outside-ptl",
	 "MUTANT, never shipped: spf whose last mmap_seq check comes just before taking the "
	 "PTL instead of under it",
	 "an mprotect(PROT_READ) between the check and the install: the fault maps a writable "
	 "PTE in a read-only VMA (protection-bypass)",
	 {ERA_LATEST, .per_vma_lock = false, .fault_speculative = SPF_MUTANT_CHECK_OUTSIDE_PTL}},
	{"no-io-under-mmap-lock",
	 "proposal: latest + Linus Torvalds' rule that nothing sleeps for I/O holding mmap_lock "
	 "(check.io_under_mmap_lock), which also counts a sleep under a VMA read lock",
	 "nothing: latest keeps the rule (a 2-minute campaign, 1M executions, no I/O under either "
	 "lock); the pre-5.7 retry rule breaks it (v4.9 or fault.retry_limit=once with the check)",
	 {ERA_LATEST, .check_io_under_mmap_lock = true}},
	{"clear-refs-no-upgrade",
	 "MUTANT, never shipped: 5.10 whose clear_refs clears VM_SOFTDIRTY under the read "
	 "lock instead of upgrading",
	 "a data race on vm_flags with a page fault (ThreadSanitizer build)",
	 {ERA_V5_9, .clear_refs_no_upgrade = true}},
};
#pragma clang diagnostic pop

#define NR_PROFILES ((int)(sizeof(profiles) / sizeof(profiles[0])))

const struct profile *profile_at(int index)
{
	return index >= 0 && index < NR_PROFILES ? &profiles[index] : NULL;
}

const struct profile *profile_find(const char *name)
{
	for (int i = 0; i < NR_PROFILES; i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}

const struct profile *profile_default(void)
{
	return profile_find("latest");
}

/* One table drives parsing and printing of every switch. */
struct switch_desc {
	const char *name;
	const char *values[4]; /* index = enum value; bools: "no", "yes" */
	const char *meaning;
	size_t offset;
	bool is_bool;
};

#define SWITCH_ENUM(field, ...) offsetof(struct mm_policy, field), false
#define SWITCH_BOOL(field)	offsetof(struct mm_policy, field), true

static const struct switch_desc switches[] = {
	{"wp.reuse",
	 {"mapcount", "refcount", "anon-exclusive"},
	 "do_wp_page: reuse a R/O anon page if mapcount==1 (<=5.8), refcount==1 (5.9-5.18), "
	 "or PageAnonExclusive (>=5.19)",
	 SWITCH_ENUM(wp_reuse)},
	{"gup.read_breaks_cow",
	 {"no", "yes"},
	 "a read GUP reference in a COW mapping breaks COW first (5.8 only)",
	 SWITCH_BOOL(gup_read_breaks_cow)},
	{"fork.pinned",
	 {"share", "copy"},
	 "fork: write-protect and share a maybe-pinned page, or copy it for the child (>=5.9)",
	 SWITCH_ENUM(fork_pinned)},
	{"gup.ro_pin_unshare",
	 {"no", "yes"},
	 "a R/O FOLL_PIN on a maybe-shared anon page unshares it first (>=5.19)",
	 SWITCH_BOOL(ro_pin_unshare)},
	{"gup.ro_longterm_unshare_nonanon",
	 {"no", "yes"},
	 "a R/O long-term pin in a COW mapping unshares the zero page too (>=6.2)",
	 SWITCH_BOOL(ro_longterm_unshare_nonanon)},
	{"anon.exclusive",
	 {"no", "yes"},
	 "track PG_anon_exclusive; fork refuses to share exclusive maybe-pinned pages (>=5.19)",
	 SWITCH_BOOL(anon_exclusive)},
	{"gup_fast.seq_check",
	 {"no", "yes"},
	 "fork raises mm->write_protect_seq; GUP-fast FOLL_PIN backs off if it changed (>=5.11)",
	 SWITCH_BOOL(gup_fast_seq)},
	{"gup.force_write",
	 {"drop-foll-write", "foll-cow", "anon-exclusive"},
	 "FOLL_FORCE write to a R/O private page after COW: drop FOLL_WRITE (<=4.8, Dirty "
	 "COW), FOLL_COW+pte_dirty (4.9-5.19), exclusive anon page only (>=6.0)",
	 SWITCH_ENUM(force_write)},
	{"tlb.nested_flush",
	 {"no", "yes"},
	 "tlb_finish_mmu flushes when another batched flush is pending (>=4.13)",
	 SWITCH_BOOL(tlb_nested_flush)},
	{"wp.flush_if_pending",
	 {"no", "yes"},
	 "do_wp_page flushes the page first on a uffd-wp VMA with a flush pending (>=5.12)",
	 SWITCH_BOOL(wp_flush_if_pending)},
	{"clear_refs.lock",
	 {"read", "write"},
	 "clear_refs walks under the mmap_lock for read (upgrading to clear VM_SOFTDIRTY) or "
	 "for write (>=5.11)",
	 SWITCH_BOOL(clear_refs_write_lock)},
	{"clear_refs.skip_pinned",
	 {"no", "yes"},
	 "clear_refs leaves maybe-pinned PTEs writable (>=5.11)",
	 SWITCH_BOOL(clear_refs_skip_pinned)},
	{"clear_refs.tlb",
	 {"flush-mm", "gather", "flush-pending"},
	 "clear_refs flushes the mm (<5.6), uses an mmu_gather that elides the flush "
	 "(5.6-5.11), or flushes with tlb_flush_pending raised (>=5.12)",
	 SWITCH_ENUM(clear_refs_tlb)},
	{"clear_refs.mutant_no_upgrade",
	 {"no", "yes"},
	 "MUTANT, never shipped: with the read lock, clear VM_SOFTDIRTY without upgrading",
	 SWITCH_BOOL(clear_refs_no_upgrade)},
	{"uffd.wp",
	 {"no", "yes"},
	 "userfaultfd write-protects anonymous memory (>=5.7); no: UFFDIO_REGISTER(WP) and "
	 "UFFDIO_WRITEPROTECT fail with EINVAL",
	 SWITCH_BOOL(uffd_wp)},
	{"uffd.wp_lock",
	 {"read", "write"},
	 "UFFDIO_WRITEPROTECT takes the mmap_lock for read (mainline) or write (v1 proposal)",
	 SWITCH_BOOL(uffd_wp_write_lock)},
	{"uffd.unprotect_keeps_write",
	 {"no", "yes"},
	 "unprotecting keeps the write bit of PTEs that had it (no: 5.7-5.19 clear it)",
	 SWITCH_BOOL(uffd_unprotect_keeps_write)},
	{"mprotect.flush",
	 {"present", "changed", "gather"},
	 "change_protection flushes the range if change_pte_range visited any present PTE, "
	 "changed or not (<=5.19); MUTANT, never shipped: only if some PTE changed; or "
	 "through an mmu_gather of the PTEs that pte_needs_flush, flushing too when another "
	 "flush is pending (>=6.0)",
	 SWITCH_ENUM(change_prot_flush)},
	{"mprotect.write_upgrade",
	 {"no", "yes"},
	 "mprotect(PROT_WRITE) maps anon-exclusive, soft-dirty pages writable at once (>=6.0)",
	 SWITCH_BOOL(mprotect_write_upgrade)},
	{"io.odirect_ref",
	 {"get", "pin"},
	 "O_DIRECT holds the user buffer with FOLL_GET or FOLL_PIN (~6.5)",
	 SWITCH_BOOL(odirect_pin)},
	{"fault.retry_limit",
	 {"unbounded", "once"},
	 "a fault may be retried any number of times (>=5.7) or once, the retry keeping the "
	 "mmap_lock (<=5.6)",
	 SWITCH_BOOL(fault_retry_once)},
	{"fault.retry_with_error",
	 {"no", "yes"},
	 "the filemap handler may return VM_FAULT_SIGBUS|VM_FAULT_RETRY (May 2023 draft)",
	 SWITCH_BOOL(fault_retry_with_error)},
	{"gup.faultin_order",
	 {"error-first", "retry-first"},
	 "faultin_page looks at VM_FAULT_ERROR before VM_FAULT_RETRY (mainline) or after",
	 SWITCH_ENUM(gup_faultin_order)},
	{"arch.fault_order",
	 {"error-first", "retry-first"},
	 "do_user_addr_fault handles errors before retrying (draft) or retries first (x86)",
	 SWITCH_ENUM(arch_fault_order)},
	{"fault.lock_contract",
	 {"on-retry", "always"},
	 "handle_mm_fault drops the mmap_lock only with RETRY/COMPLETED, or always (proposal)",
	 SWITCH_ENUM(fault_lock_contract)},
	{"arch.mkdirty_sets_write",
	 {"no", "yes"},
	 "pte_mkdirty also makes the PTE writable (the sparc64 bug)",
	 SWITCH_BOOL(mkdirty_sets_write)},
	{"check.io_under_mmap_lock",
	 {"no", "yes"},
	 "opt-in check, not a kernel rule: sleeping for I/O with an mmap_lock held fails",
	 SWITCH_BOOL(check_io_under_mmap_lock)},
	{"vma_lock",
	 {"no", "yes"},
	 "anonymous faults take a per-VMA read lock found under RCU instead of mmap_lock; "
	 "VMAs are freed after an RCU grace period (>=6.4)",
	 SWITCH_BOOL(per_vma_lock)},
	{"vma_lock.anon_vma_check",
	 {"before-lock", "under-lock", "in-fault"},
	 "an anonymous VMA without an anon_vma is refused by lock_vma_under_rcu, which looks "
	 "before vma_start_read (6.4, CVE-2024-1312) or with the VMA read-locked (6.5-6.9), or "
	 "is let in, the fault asking vmf_anon_prepare when it needs one (>=6.10, f89a1cd17f13)",
	 SWITCH_ENUM(vma_lock_anon_vma_check)},
	{"vma_lock.anon_prepare",
	 {"retry", "trylock", "mutant-lock"},
	 "a VMA-locked fault that needs a VMA's first anon_vma gives up for a retry under "
	 "mmap_lock (6.7-6.9), or takes mmap_lock with a trylock, assigns it and goes on under "
	 "the VMA lock, retrying only if a writer holds or waits for mmap_lock (>=6.10); "
	 "MUTANT, never shipped: waits for mmap_lock holding the VMA lock (deadlocks with a "
	 "writer that waits to write-lock that VMA)",
	 SWITCH_ENUM(vma_anon_prepare)},
	{"vma_lock.fork",
	 {"no", "yes"},
	 "fork write-locks each parent VMA before copying its PTEs (>=6.4.3, fb49c455323f)",
	 SWITCH_BOOL(vma_lock_fork)},
	{"vma_lock.release_on_retry",
	 {"caller", "callee", "mutant-both", "mutant-neither"},
	 "who drops the VMA lock when a fault under it returns VM_FAULT_RETRY: the arch handler, "
	 "always (6.4-6.5), or the handler that gave up, as for mmap_lock (>=6.6, 4089eef0e6ac); "
	 "MUTANTS, never shipped: both (6.6's handlers with 6.4's arch code: double "
	 "vma_end_read) or neither (6.4's handlers with 6.6's arch code: the lock leaks)",
	 SWITCH_ENUM(vma_release_on_retry)},
	{"vma_lock.scope",
	 {"anon", "any"},
	 "which faults run under the VMA lock: anonymous VMAs with an anon_vma, not "
	 "userfaultfd-armed (6.4-6.5), or any VMA, userfaults (6.6) and file faults (6.6-6.7) "
	 "included, whose handlers may then have to drop the lock to wait",
	 SWITCH_ENUM(vma_lock_scope)},
	{"vma_lock.mbind",
	 {"no", "yes"},
	 "mbind write-locks the VMA before replacing vm_policy (>=6.4.8/6.5, 6c21e066f925)",
	 SWITCH_BOOL(vma_lock_mbind)},
	{"vma_lock.dup_anon_vma",
	 {"no", "yes"},
	 "a merge's dup_anon_vma write-locks the VMA that takes the other's anon_vma before "
	 "assigning it (>=6.4.8/6.5, d8ab9f7b644a); without, a VMA-locked fault maps pages "
	 "under the anon_vma, and if anon_vma_clone then fails (ENOMEM) they outlive it (B8c)",
	 SWITCH_BOOL(vma_lock_dup_anon_vma)},
	{"vma_lock.seq_release",
	 {"no", "yes"},
	 "mm_lock_seq is stored with release at mmap_write_unlock and loaded with acquire by "
	 "vma_start_read (>=6.4.8/6.5, b1f02b95758d); without, a fault on a weakly ordered CPU "
	 "may see the VMA unlocked before the vm_flags its writer set (modelled where the fix "
	 "shows it: userfaultfd_register's VM_UFFD_WP), and fault a userfaultfd-armed VMA under "
	 "the VMA lock (B8e)",
	 SWITCH_BOOL(vma_lock_seq_release)},
	{"vma_lock.mutant_free_at_once",
	 {"no", "yes"},
	 "MUTANT, never shipped: free an unmapped VMA at once, not after an RCU grace period, "
	 "although faults walk the VMA tree under RCU",
	 SWITCH_BOOL(vma_free_at_once)},
	{"vma_lock.mutant_softdirty_no_write_lock",
	 {"no", "yes"},
	 "MUTANT, never shipped: clear_refs clears VM_SOFTDIRTY with a plain store, without "
	 "vma_start_write, although faults under the VMA lock read vm_flags",
	 SWITCH_BOOL(vma_softdirty_no_write_lock)},
	{"stack.expand_lock",
	 {"read-rbtree", "read", "write"},
	 "stack expansion in the fault path runs under the mmap read lock and moves the VMA's "
	 "start in place (<=6.0, rbtree), rewrites the maple tree under the read lock, freeing "
	 "a node lookups may still walk (6.1-6.4.0, StackRot CVE-2023-3269), or under the "
	 "write lock, the VMA write-locked (>=6.4.1/6.5, 8d7071af8907, c137381f71ae)",
	 SWITCH_ENUM(stack_expand_lock)},
	{"fault.speculative",
	 {"no", "yes", "mutant-check-outside-ptl"},
	 "proposal (Lespinasse 2021): an anonymous fault first runs without mmap_lock on a copy "
	 "of its VMA found under RCU, validated by mm->mmap_seq (bumped by mmap_write_lock and "
	 "unlock) again under the PTL before its PTE is installed, else retried under "
	 "mmap_lock; VMAs are freed after an RCU grace period; MUTANT, never shipped: the "
	 "last check made before taking the PTL",
	 SWITCH_ENUM(fault_speculative)},
};

#define NR_SWITCHES ((int)(sizeof(switches) / sizeof(switches[0])))

static int switch_get(const struct mm_policy *p, const struct switch_desc *d)
{
	const char *base = (const char *)p + d->offset;

	if (d->is_bool)
		return *(const bool *)base;
	return (int)*(const enum wp_reuse_rule *)base; /* every enum is int-sized */
}

static void switch_put(struct mm_policy *p, const struct switch_desc *d, int value)
{
	char *base = (char *)p + d->offset;

	if (d->is_bool)
		*(bool *)base = value != 0;
	else
		*(int *)base = value;
}

bool policy_set(struct mm_policy *p, const char *assignment, char *err, int errlen)
{
	const char *eq = strchr(assignment, '=');

	if (!eq) {
		snprintf(err, (size_t)errlen, "switch '%s' needs a value: NAME=VALUE", assignment);
		return false;
	}
	for (int i = 0; i < NR_SWITCHES; i++) {
		const struct switch_desc *d = &switches[i];

		if (strlen(d->name) != (size_t)(eq - assignment) ||
		    strncmp(d->name, assignment, (size_t)(eq - assignment)) != 0)
			continue;
		for (int v = 0; v < 4 && d->values[v]; v++) {
			if (strcmp(d->values[v], eq + 1) == 0) {
				switch_put(p, d, v);
				return true;
			}
		}
		snprintf(err, (size_t)errlen, "switch %s has no value '%s'", d->name, eq + 1);
		return false;
	}
	snprintf(err, (size_t)errlen, "unknown switch '%.*s'", (int)(eq - assignment), assignment);
	return false;
}

bool policy_same(const struct mm_policy *a, const struct mm_policy *b)
{
	for (int i = 0; i < NR_SWITCHES; i++)
		if (switch_get(a, &switches[i]) != switch_get(b, &switches[i]))
			return false;
	return true;
}

bool policy_check(const struct mm_policy *p, char *err, int errlen)
{
	if (p->ro_pin_unshare && !p->anon_exclusive) {
		snprintf(err, (size_t)errlen,
			 "gup.ro_pin_unshare=yes needs anon.exclusive=yes: without "
			 "PG_anon_exclusive an unshared page never looks exclusive");
		return false;
	}
	if (p->force_write == FORCE_ANON_EXCLUSIVE && !p->anon_exclusive) {
		snprintf(err, (size_t)errlen,
			 "gup.force_write=anon-exclusive needs anon.exclusive=yes");
		return false;
	}
	if (p->mprotect_write_upgrade && !p->anon_exclusive) {
		snprintf(err, (size_t)errlen,
			 "mprotect.write_upgrade=yes needs anon.exclusive=yes");
		return false;
	}
	if (p->ro_longterm_unshare_nonanon && !p->ro_pin_unshare) {
		snprintf(err, (size_t)errlen,
			 "gup.ro_longterm_unshare_nonanon=yes needs gup.ro_pin_unshare=yes");
		return false;
	}
	return true;
}

void policy_print(const struct mm_policy *p, const char *indent, void (*out)(const char *line))
{
	char line[256];

	for (int i = 0; i < NR_SWITCHES; i++) {
		snprintf(line, sizeof(line), "%s%s=%s", indent, switches[i].name,
			 switches[i].values[switch_get(p, &switches[i])]);
		out(line);
	}
}

void policy_print_diff(const struct mm_policy *p, const struct mm_policy *base, const char *indent,
		       void (*out)(const char *line))
{
	char line[256];

	for (int i = 0; i < NR_SWITCHES; i++) {
		int v = switch_get(p, &switches[i]);

		if (v == switch_get(base, &switches[i]))
			continue;
		snprintf(line, sizeof(line), "%s%s=%s", indent, switches[i].name,
			 switches[i].values[v]);
		out(line);
	}
}

void policy_print_switches(void (*out)(const char *line))
{
	char line[512];

	for (int i = 0; i < NR_SWITCHES; i++) {
		const struct switch_desc *d = &switches[i];
		int n = snprintf(line, sizeof(line), "  %s = {", d->name);

		for (int v = 0; v < 4 && d->values[v]; v++)
			n += snprintf(line + n, sizeof(line) - (size_t)n, "%s%s", v ? ", " : "",
				      d->values[v]);
		snprintf(line + n, sizeof(line) - (size_t)n, "}\n      %s", d->meaning);
		out(line);
	}
}
