/* SPDX-License-Identifier: MIT */
/* What each oracle means, for the end of a replay or an explanation. */
#include <string.h>

#include "oracle_docs.h"

struct oracle_doc {
	const char *id;
	const char *text;
};

/* One entry per oracle id the model or the scheduler can report
 * (tests/model/test_explain.c checks the sources for ids without one). */
static const struct oracle_doc docs[] = {
	{"private-write",
	 "O1 no write through a private mapping into a shared object: a store by the CPU,\n"
	 "or a kernel write through GUP with FOLL_FORCE (/proc/pid/mem), must never land in\n"
	 "the shared zero page or in a file's page-cache page reached through a MAP_PRIVATE\n"
	 "mapping; such a write has to go to the process's own COW copy. Look for the GUP\n"
	 "loop: a write fault that made the private copy, then something (MADV_DONTNEED)\n"
	 "that zapped the copy, then a lookup that no longer asked for a writable page and\n"
	 "found the page-cache page again (Dirty COW, CVE-2016-5195)."},
	{"fork-isolation",
	 "O2 fork isolation: after fork(), a write by one process to private anonymous memory\n"
	 "must never be seen by the other, through its page tables or through a GUP reference\n"
	 "it holds (a vmsplice()d pipe buffer, a pin). cow.c reports it as \"Leak from parent\n"
	 "into child\". Look for the step where a page still referenced by one side was reused\n"
	 "in place (wp_page_reuse) by the other: the COW reuse rule saw one mapping and missed\n"
	 "the GUP reference (CVE-2020-29374, \"COW can break either way\")."},
	{"pin-coherency",
	 "O3 pin coherency: a page pinned with FOLL_PIN stays the page mapped at that address\n"
	 "until the user unmaps it; the device must see the user's writes and the user the\n"
	 "device's. Look for the step where wp_page_copy replaced the pinned page in the page\n"
	 "table (a write fault on a page write-protected by fork, with the pin making\n"
	 "page_count != 1), or where the pin was taken on a page still shared after fork."},
	{"lost-write",
	 "O4 no lost writes: a completed store must be in the page finally mapped at that\n"
	 "address, unless the user discarded it. Look for a store that went to a page the\n"
	 "page table no longer maps (a stale TLB entry, a copy taken before the store)."},
	{"soft-dirty-lost",
	 "O5 soft-dirty completeness: once a write of \"4\" to /proc/pid/clear_refs has\n"
	 "returned, every later write to a page must make pagemap report it soft-dirty. The\n"
	 "tracking lives in the PTE: clear_refs write-protects it so the next store faults\n"
	 "and sets the bit. Look for a store that hit a writable TLB entry filled before\n"
	 "clear_soft_dirty write-protected the PTE, with the flush elided or still pending\n"
	 "when clear_refs returned: the store never faulted, so nothing set the bit."},
	{"uffd-wp-bypass",
	 "O6 uffd-wp completeness: while a page is write-protected with\n"
	 "UFFDIO_WRITEPROTECT (after the call returned, and no unprotect overlapping it),\n"
	 "no write may reach it without a write-protect fault delivered to the monitor.\n"
	 "Look for the write that went through silently: a stale writable TLB entry of a\n"
	 "CPU whose flush the protecting call did not wait for (change_protection that\n"
	 "changed nothing returned while another flush was pending), or a PTE made\n"
	 "writable (by a fault or mprotect) while its uffd-wp bit was set."},
	{"tlb-lifetime",
	 "O7 TLB lifetime: no CPU may keep a translation to a frame once the frame is freed\n"
	 "(\"freed-while-cached\"), and no translation of a zapped PTE may survive the return\n"
	 "of the call that zapped it (\"stale-after-zap\"). A zap defers its flush to\n"
	 "tlb_finish_mmu; look for two zaps of one range where the second found nothing to\n"
	 "batch and returned (or freed the page) before the first one's flush, leaving a\n"
	 "CPU's entry to the old frame in place (parallel MADV_DONTNEED).\n"
	 "The same contract holds for a call that takes write permission away (mprotect\n"
	 "dropping PROT_WRITE, UFFDIO_WRITEPROTECT, clear_refs \"4\", fork): when it returns,\n"
	 "no CPU may hold a writable entry, filled before the call, that the PTE no longer\n"
	 "allows (\"writable-after-wrprotect\"). That breach is latent: it is recorded at the\n"
	 "return and reported only when the program has ended with no other verdict, because\n"
	 "a store through the entry is judged by what it breaks (lost-write, soft-dirty-lost,\n"
	 "uffd-wp-bypass, protection-bypass). The report names the call and its return step:\n"
	 "look there for the flush that was elided (clear_refs' mmu_gather with nothing\n"
	 "batched, 5.6-5.11) or skipped because the PTE was already read-only while another\n"
	 "call's flush was still pending (a change_protection rule that counts only changed\n"
	 "PTEs and has no nested-flush check)."},
	{"protection-bypass",
	 "O11 no store through a revoked permission: once mprotect() that removed PROT_WRITE\n"
	 "(or an mmap() that put a read-only VMA in the place) has returned, no user store\n"
	 "may complete in that VMA. A store that does went through a writable TLB entry\n"
	 "(the page table was never consulted). Checked at the store, when no call that\n"
	 "holds the mmap_lock for write is in flight. Look for the mprotect whose\n"
	 "change_protection found the PTE already read-only and did not flush, and for\n"
	 "whoever write-protected it before without a flush (clear_refs' elided flush): the\n"
	 "trace shows a \"latent tlb-lifetime\" line. Or for a set_pte_at after the call\n"
	 "that installed a writable PTE: a fault that judged the VMA writable from a view it\n"
	 "did not revalidate under the PTL (a speculative fault checking mmap_seq before\n"
	 "taking the PTL)."},
	{"dirty-not-writable",
	 "O10 dirty does not imply writable: marking a read-only PTE dirty (a FOLL_FORCE\n"
	 "write into a PROT_READ private page sets the dirty bit on the COW copy) must never\n"
	 "make it writable; mkdirty.c checks it. Look for the set_pte_at that installed a\n"
	 "writable PTE in a VMA without VM_WRITE: an architecture whose pte_mkdirty also\n"
	 "sets the write bit turns the forced write into a user-writable mapping."},
	{"lock-discipline",
	 "O8 lock discipline: locks balanced, never released by a thread that does not hold\n"
	 "them, no sleeping under a spinlock, no lock held at thread exit, no deadlock (the\n"
	 "wait-for cycle is in the report) and no livelock (step budget). With per-VMA\n"
	 "locks also: no VMA changed without vma_start_write, no fault handled without its\n"
	 "VMA's lock, and before 6.6 no userfault handled under a VMA lock (6.4's\n"
	 "handle_userfault drops mmap_lock): look for how the fault got the VMA lock on a\n"
	 "VMA that should have refused it, e.g. flags it read before they were stored."},
	{"lock-latency",
	 "No I/O under the mmap_lock (checked only when check.io_under_mmap_lock=yes): a\n"
	 "page-cache fault that must read the page should drop the mmap_lock first\n"
	 "(VM_FAULT_RETRY) and sleep without it, so that a writer (mmap, munmap, mprotect)\n"
	 "is not held up for the length of the I/O. Look for io_schedule in a thread whose\n"
	 "locks held include mmap_lock: usually the retried fault, when the rule allows only\n"
	 "one retry and the second attempt may not drop the lock."},
	{"memory-safety",
	 "O9 memory safety of the model's metadata: no refcount or mapcount underflow, no\n"
	 "access to a freed frame or a freed VMA (VMAs are freed after an RCU grace\n"
	 "period once faults walk them under RCU), no frame freed while mapped; the rmap\n"
	 "agrees with the page tables (a frame is mapped at least as often as PTEs point\n"
	 "to it, exactly as often once one process is left: \"rmap-inconsistent\"); and\n"
	 "after every process exited nothing is still mapped, pinned (\"rmap-leak\",\n"
	 "\"pin-leak\") or allocated (\"leak\")."},
	{"replay-drift",
	 "The recorded execution could not be followed: the model took a different path at\n"
	 "the step named above. The input was recorded by a different build or profile."},
};

#define N_DOCS (sizeof(docs) / sizeof(docs[0]))

const char *oracle_doc(const char *oracle)
{
	for (size_t i = 0; oracle && i < N_DOCS; i++)
		if (strcmp(docs[i].id, oracle) == 0)
			return docs[i].text;
	return NULL;
}

const char *oracle_doc_id(int i)
{
	return i >= 0 && (size_t)i < N_DOCS ? docs[i].id : NULL;
}

void explain_oracle(const char *oracle, FILE *out)
{
	const char *text = oracle_doc(oracle);

	if (text)
		fprintf(out, "== what %s means\n%s\n", oracle, text);
}
