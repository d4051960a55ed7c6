/* SPDX-License-Identifier: MIT */
#include "oracle.h"

#include <stdio.h>

#include "scheduler/sanitizer.h"
#include "tlb.h"

/* The oracles observe the model from outside it: their bookkeeping is not
 * model state, and TSan must not report it (see MM_ATOMIC). */
SCHED_TSAN_IGNORE_BEGIN

static const char *const via_names[] = {
	[VIA_CPU] = "user",
	[VIA_DMA] = "dma",
	[VIA_DIO] = "dio",
	[VIA_KERNEL] = "kernel",
};

/*
 * The bookkeeping decides verdicts, so steps record what of it they touch
 * (access.h), as they do for model state: one object per (process, page)
 * (OBJ_ORACLE), the write log's counter (a write's sequence number depends
 * on every write before it), a file page's last write.
 */
static void oracle_access(int proc, int va, enum sched_access_mode mode)
{
	sched_access(OBJ_ORACLE(proc, va), mode);
}

static void oracle_access_all(int proc, enum sched_access_mode mode)
{
	for (int va = 0; va < MM_NR_PAGES; va++)
		oracle_access(proc, va, mode);
}

static struct write_record *write_log(wseq_t value)
{
	return value ? &M.writes[value] : NULL;
}

/* find_vma() as the oracle's own read, outside the model's locking (an
 * observer's look, kept out of TSan's view like the rest of this file). */
static const struct vm_area_struct *vma_at(int proc, int va)
{
	const struct mm_struct *mm = &M.proc[proc].mm;

	sched_access(OBJ_VMA_LIST(mm), SCHED_READ);
	for (int i = 0; i < mm->nr_vmas; i++) {
		const struct vm_area_struct *v = mm->vma[i];

		vma_access(v, SCHED_READ);
		if (v->start <= va && va < v->end)
			return v;
	}
	return NULL;
}

static bool maps_shared(int proc, int va)
{
	const struct vm_area_struct *v = vma_at(proc, va);

	return v && (v->vm_flags & VM_SHARED);
}

void oracle_check_private_write(int proc, int va, int pfn, enum write_via via)
{
	if (pfn == ZERO_PFN)
		sched_fail("private-write", via_names[via],
			   "P%d %s write to va %d landed in the shared zero page", proc,
			   via_names[via], va);
	sched_access(OBJ_FOLIO_FLAGS(&M.frame[pfn]), SCHED_READ);
	if (M.frame[pfn].pagecache && !maps_shared(proc, va))
		sched_fail("private-write", via_names[via],
			   "P%d %s write to va %d landed in the file's page-cache page (frame %d) "
			   "through a private mapping",
			   proc, via_names[via], va, pfn);
}

/* What the write-protect trackers must have seen: user stores, which go
 * through the page table (or a TLB entry that must match it), while no
 * clear_refs was in flight. */
static void track_write(int proc, int va)
{
	struct process *p = &M.proc[proc];

	oracle_access(proc, va, SCHED_WRITE);
	sched_access(&p->clear_refs_running, SCHED_READ);
	if (p->track[va].uffd_protected)
		sched_fail("uffd-wp-bypass", "write",
			   "P%d wrote va %d while it was uffd-wp protected, without a wp fault",
			   proc, va);
	if (atomic_load_explicit(&p->clear_refs_running, memory_order_relaxed) == 0)
		p->track[va].written_since_clear = true;
}

/* A private write into a file-backed page: the page is now the process's
 * own copy, whose other words hold what the file held at the copy. */
static void went_private(int proc, int va, const struct folio *copy)
{
	oracle_access(proc, va, SCHED_WRITE);
	for (int w = 0; w < PAGE_WORDS; w++) {
		sched_access(&copy->data[w], SCHED_READ);
		M.proc[proc].expect[va][w] = (struct expectation){.last = copy->data[w]};
	}
}

/* Does the running CPU store through a TLB entry filled before the PTE
 * was zapped (the zap's flush still pending)? */
static bool through_zapped_entry(int proc, int va)
{
	const struct tlb_entry *t = &M.cpu[sched_self()].tlb[va];

	sched_access(t, SCHED_READ);
	sched_access(OBJ_ZAPS(proc, va), SCHED_READ);
	return t->valid && t->mm == proc && t->discards != M.proc[proc].discards[va];
}

/* Is a call that may take write permission away (mprotect, under the
 * mmap_lock for write until its flush is done) running in proc's mm? */
static bool mprotect_in_flight(int proc)
{
	const struct rw_semaphore *lock = &M.proc[proc].mm.mmap_lock;

	sched_access(&lock->dep, SCHED_READ);
	return lock->dep.writer != 0;
}

/*
 * A user store completed (through a TLB entry: it never looked at the VMA)
 * into a VMA without VM_WRITE, and no mprotect() is in flight: the one
 * that made it read-only returned, and its flush should have removed the
 * entry, or a fault made the PTE writable after it (a fault that checked
 * the VMA it copied outside the PTL). An entry of a PTE zapped since is
 * the zap's (tlb-lifetime).
 */
static void check_store_permitted(int proc, int va, int word, int pfn,
				  const struct vm_area_struct *vma)
{
	if (!vma || (vma->vm_flags & VM_WRITE) || through_zapped_entry(proc, va) ||
	    mprotect_in_flight(proc))
		return;
	sched_fail("protection-bypass", "user-store",
		   "P%d user store to va %d word %d went through CPU%d's writable TLB entry "
		   "(frame %d) into a VMA without VM_WRITE, after the call that made it so "
		   "returned",
		   proc, va, word, sched_self(), pfn);
}

wseq_t oracle_record_write(int proc, int va, int word, enum write_via via, bool lands, int pfn)
{
	struct expectation *e = &M.proc[proc].expect[va][word];
	const struct folio *folio = &M.frame[pfn];
	bool file = folio->pagecache;
	const struct vm_area_struct *vma =
		via == VIA_CPU || (lands && !file) ? vma_at(proc, va) : NULL;
	bool shared = file || (lands && vma && (vma->vm_flags & VM_SHARED));
	wseq_t seq;

	if (via == VIA_CPU)
		check_store_permitted(proc, va, word, pfn, vma);

	sched_access(OBJ_FOLIO_FLAGS(folio), SCHED_READ);
	sched_access(&M.nr_writes, SCHED_WRITE);
	if (M.nr_writes + 1 >= MAX_WRITES)
		sched_fail("memory-safety", "write-log-full", "more than %d writes",
			   MAX_WRITES - 1);
	seq = ++M.nr_writes;
	M.writes[seq] = (struct write_record){.proc = proc,
					      .thread = sched_self(),
					      .va = va,
					      .word = word,
					      .via = via,
					      .shared = shared,
					      .step = sched_step()};
	if (file) {
		sched_access(&M.file.last_write[folio->index], SCHED_WRITE);
		M.file.last_write[folio->index][word] = seq;
	}
	if (lands) {
		oracle_access(proc, va, SCHED_WRITE);
		if (!shared && e->file_backed)
			went_private(proc, va, folio);
		e->last = seq;
		e->fork_open = false; /* the process's own write settles it */
		/* The trackers watch the page table: a write through a GUP
		 * reference looked up earlier (kernel, DMA) never meets it,
		 * nor does a store through a TLB entry of a PTE since zapped:
		 * it belongs to that PTE, and what the PTE recorded went with
		 * it (the store is ordered before the zap, which has not
		 * returned: its flush is pending). */
		if (via == VIA_CPU && !through_zapped_entry(proc, va))
			track_write(proc, va);
	}
	sched_trace_mix(seq * 31u + (unsigned)va);
	return seq;
}

void provenance_describe(wseq_t value, char *buf, size_t len)
{
	const struct write_record *w = write_log(value);

	if (!w) {
		snprintf(buf, len, "#0 (zero-filled, never written)");
		return;
	}
	snprintf(buf, len, "#%u (P%d/T%d %s write to va %d word %d at step %llu)", value, w->proc,
		 w->thread, via_names[w->via], w->va, w->word, (unsigned long long)w->step);
}

bool provenance_visible(int reader, wseq_t value)
{
	const struct write_record *w = write_log(value);
	wseq_t horizon = (wseq_t)-1;

	if (!w || w->shared)
		return true;
	/* Walk up from the reader: an ancestor's write is inherited if it
	 * happened before the fork that separated the two. */
	for (int p = reader; p >= 0; p = M.proc[p].parent) {
		sched_access(&M.proc[p].fork_seq, SCHED_READ);
		if (p == w->proc)
			return value < horizon;
		if (M.proc[p].fork_seq < horizon)
			horizon = M.proc[p].fork_seq;
	}
	return false;
}

/*
 * Reads-from feedback: who wrote what a read saw, relative to the reader
 * (same process, ancestor, descendant, other), by which path, and
 * whether it was the expected value. New pairs are new fuzzer features,
 * which steers the search toward reads across fork boundaries.
 */
static void reads_from_feature(int reader, wseq_t value, int path, bool expected)
{
	const struct write_record *w;
	unsigned relation = 0, via = 0;

	/* Feedback only: what it reads, check_visible() reads (and records)
	 * again, so a run without a listener skips it. */
	if (!sched_features_wanted())
		return;
	w = write_log(value);
	if (w) {
		via = 1 + (unsigned)w->via;
		if (w->proc == reader)
			relation = 1;
		else if (provenance_visible(reader, value))
			relation = 2;
		else
			relation = 3 + (M.proc[w->proc].parent == reader);
	}
	sched_feature(0x5eadf000u | (relation << 8) | (via << 5) | ((unsigned)path << 1) |
		      expected);
}

static bool value_expected(int proc, int va, int word, const struct expectation *e, wseq_t value)
{
	const struct write_record *w = write_log(value);

	if (e->file_backed) {
		const struct pte *pte = &M.proc[proc].mm.pte[va];

		sched_access(&M.file.last_write[va], SCHED_READ);
		sched_access(pte, SCHED_READ);
		if (pte->present)
			sched_access(OBJ_FOLIO_FLAGS(&M.frame[pte->pfn]), SCHED_READ);
		if (value == M.file.last_write[va][word])
			return true;
		/* A R/O pin's unshare copied the page: it holds some earlier
		 * content of the file. */
		return pte->present && !M.frame[pte->pfn].pagecache && (!w || w->shared);
	}
	if (value == e->last)
		return true;
	if (!e->fork_open)
		return false;
	if (value == e->at_fork)
		return true;
	/* The parent's page was the file's (or a copy of it) when fork began. */
	if (e->at_fork_file && (!w || (w->shared && w->va == va)))
		return true;
	return w && w->proc == M.proc[proc].parent && w->va == va && w->word == word &&
	       value >= e->fork_lo && value < e->fork_hi;
}

static _Noreturn void fail_value(const char *oracle, const char *where, int proc, int va, int word,
				 wseq_t value, wseq_t expected)
{
	char got[128], want[128];

	provenance_describe(value, got, sizeof(got));
	provenance_describe(expected, want, sizeof(want));
	M.missed_write = expected;
	if (!provenance_visible(proc, value))
		sched_report_append("  P%d must never see it: it was written by P%d after fork() "
				    "separated them\n",
				    proc, M.writes[value].proc);
	else
		sched_report_append("  expected the last completed write %s\n", want);
	sched_fail(oracle, where, "P%d %s of va %d word %d returned %s", proc, where, va, word,
		   got);
}

static void check_visible(const char *where, int proc, int va, int word, wseq_t value)
{
	if (!provenance_visible(proc, value))
		fail_value("fork-isolation", where, proc, va, word, value, 0);
}

static void check_user_value(const char *where, int path, int proc, int va, int word, wseq_t value,
			     bool current)
{
	const struct expectation *e = &M.proc[proc].expect[va][word];
	const struct write_record *last = write_log(e->last);

	oracle_access(proc, va, SCHED_READ);

	bool expected = value_expected(proc, va, word, e, value);

	reads_from_feature(proc, value, path, expected);
	check_visible(where, proc, va, word, value);
	if (e->unmapped || expected || !current)
		return;
	/* The write the user missed came from a device through a pin, or
	 * the stale value is one a device can no longer change: the pin and
	 * the mapping have come apart. */
	if (last && last->via == VIA_DMA)
		fail_value("pin-coherency", where, proc, va, word, value, e->last);
	fail_value("lost-write", where, proc, va, word, value, e->last);
}

void oracle_check_user_read(int proc, int va, int word, wseq_t value, bool current)
{
	check_user_value("user-read", 0, proc, va, word, value, current);
}

/* Has every thread of every process exited (the running one's exit
 * counted)? Then no oracle can report a symptom any more. */
static bool program_ended(void)
{
	for (int p = 0; p < MAX_PROCS; p++) {
		sched_access(&M.proc[p].nr_threads, SCHED_READ);
		if (atomic_load_explicit(&M.proc[p].nr_threads, memory_order_relaxed) > 0)
			return false;
	}
	return true;
}

MM_ATOMIC void oracle_check_at_exit(int proc)
{
	const struct mm_struct *mm = &M.proc[proc].mm;

	for (int va = 0; va < MM_NR_PAGES; va++) {
		const struct pte *pte = &mm->pte[va];

		sched_access(pte, SCHED_READ);
		if (!pte->present)
			continue;
		for (int w = 0; w < PAGE_WORDS; w++) {
			sched_access(&M.frame[pte->pfn].data[w], SCHED_READ);
			check_user_value("at-exit", 3, proc, va, w, M.frame[pte->pfn].data[w],
					 true);
		}
	}
	/* The symptoms had their chance: now a latent breach of the flush
	 * contract is reported (the last thread of the program reports it). */
	if (tlb_latent_recorded() && program_ended())
		tlb_report_latent();
}

void oracle_check_pin_read(int proc, const struct gup_ref *pin, int word, wseq_t value)
{
	const struct expectation *e = &M.proc[proc].expect[pin->va][word];

	oracle_access(proc, pin->va, SCHED_READ);
	sched_access(pin, SCHED_READ); /* pin->discarded, set by a zap */
	bool expected = value_expected(proc, pin->va, word, e, value);

	reads_from_feature(proc, value, 1, expected);
	check_visible("dma-read", proc, pin->va, word, value);
	if (pin->discarded || e->unmapped || expected)
		return;
	fail_value("pin-coherency", "dma-read", proc, pin->va, word, value, e->last);
}

void oracle_check_pipe_read(int proc, const struct gup_ref *buf, int word, wseq_t value)
{
	/* A pipe buffer references the page as it is now: later writes of the
	 * same process may show, another process's never. */
	reads_from_feature(proc, value, 2, true);
	check_visible("pipe-read", proc, buf->va, word, value);
}

void oracle_discard(int proc, int va, bool unmapped, bool file)
{
	struct process *p = &M.proc[proc];

	oracle_access(proc, va, SCHED_WRITE);
	for (int w = 0; w < PAGE_WORDS; w++)
		p->expect[va][w] = (struct expectation){.unmapped = unmapped,
							.file_backed = file && !unmapped};
	/* Soft-dirty and uffd-wp state lives in the PTE: gone with it. */
	p->track[va].written_since_clear = false;
	p->track[va].soft_dirty_untracked = false;
	p->track[va].uffd_protected = false;
	sched_access(OBJ_ZAPS(proc, va), SCHED_WRITE);
	p->discards[va]++;
	for (int i = 0; i < MAX_PINS; i++) {
		sched_access(&p->pins[i], SCHED_READ);
		if (p->pins[i].used && p->pins[i].va == va) {
			sched_access(&p->pins[i], SCHED_WRITE);
			p->pins[i].discarded = true;
		}
	}
}

void oracle_gup_grabbed(int proc, int va)
{
	struct gup_grab *g = &M.grab[sched_self()];

	sched_access(OBJ_ZAPS(proc, va), SCHED_READ);
	sched_access(g, SCHED_WRITE);
	*g = (struct gup_grab){.proc = proc, .va = va, .discards = M.proc[proc].discards[va]};
}

int oracle_grabbed_va(int proc, int va)
{
	const struct gup_grab *g = &M.grab[sched_self()];

	sched_access(g, SCHED_READ);
	return g->proc == proc ? g->va : va;
}

bool oracle_zapped_since_grab(int proc, int va)
{
	const struct gup_grab *g = &M.grab[sched_self()];

	sched_access(OBJ_ZAPS(proc, va), SCHED_READ);
	sched_access(g, SCHED_READ);
	return g->discards != M.proc[proc].discards[va];
}

/* mremap moved the page at old_va: a grab of it, still current, follows
 * the page (the caller's discard of both vas comes after this). */
static void oracle_grabs_moved(int proc, int old_va, int new_va)
{
	sched_access(OBJ_ZAPS(proc, old_va), SCHED_READ);
	for (int t = 0; t < NR_CPUS; t++) {
		struct gup_grab *g = &M.grab[t];

		sched_access(g, SCHED_READ);
		if (g->proc != proc || g->va != old_va ||
		    g->discards != M.proc[proc].discards[old_va])
			continue;
		sched_access(g, SCHED_WRITE);
		g->va = new_va;
		g->discards = M.proc[proc].discards[new_va] + 1; /* after the move's own discard */
	}
}

void oracle_mapped(int proc, int va, bool file)
{
	oracle_access(proc, va, SCHED_WRITE);
	for (int w = 0; w < PAGE_WORDS; w++)
		M.proc[proc].expect[va][w] = (struct expectation){.file_backed = file};
}

/*
 * Invariant (1), the flush contract (tlb.h): the step each CPU's running
 * write-protecting call began at. Entries filled later may belong to a
 * concurrent call still in flight, whose own return judges them. Written
 * at every call's begin before its end reads it: nothing to reset.
 */
static uint64_t wrprotect_began[NR_CPUS];

static void wrprotect_begin(int start, int end)
{
	wrprotect_began[sched_self()] = tlb_wrprotect_begin(start, end);
}

static void wrprotect_returned(int proc, int start, int end, const char *call)
{
	tlb_check_wrprotected(&M.proc[proc].mm, start, end, wrprotect_began[sched_self()], call);
}

/* While clear_refs runs, a store may or may not be cleared by it: only
 * stores after it returned must show. */
static void forget_writes(struct process *p)
{
	oracle_access_all((int)(p - M.proc), SCHED_WRITE);
	for (int va = 0; va < MM_NR_PAGES; va++)
		p->track[va].written_since_clear = false;
}

void oracle_clear_refs_begin(int proc)
{
	wrprotect_begin(0, MM_NR_PAGES);
	forget_writes(&M.proc[proc]);
	sched_access(&M.proc[proc].clear_refs_running, SCHED_WRITE);
	atomic_fetch_add_explicit(&M.proc[proc].clear_refs_running, 1, memory_order_relaxed);
}

void oracle_clear_refs_end(int proc)
{
	forget_writes(&M.proc[proc]);
	sched_access(&M.proc[proc].clear_refs_running, SCHED_WRITE);
	atomic_fetch_sub_explicit(&M.proc[proc].clear_refs_running, 1, memory_order_relaxed);
	wrprotect_returned(proc, 0, MM_NR_PAGES, "clear_refs");
}

void oracle_soft_dirty_untracked(int proc, int va)
{
	oracle_access(proc, va, SCHED_WRITE);
	M.proc[proc].track[va].soft_dirty_untracked = true;
}

void oracle_check_soft_dirty(int proc, int va, bool soft_dirty)
{
	const struct tracking *t = &M.proc[proc].track[va];

	oracle_access(proc, va, SCHED_READ);
	if (t->written_since_clear && !t->soft_dirty_untracked && !soft_dirty)
		sched_fail("soft-dirty-lost", "pagemap",
			   "P%d va %d was written after clear_refs returned, but pagemap says "
			   "not soft-dirty",
			   proc, va);
}

#define NO_PROMISE ((unsigned)-1)

unsigned oracle_uffd_wp_begin(int proc, int va)
{
	const struct tracking *t = &M.proc[proc].track[va];

	oracle_access(proc, va, SCHED_READ);
	wrprotect_begin(va, va + 1);
	return t->unprotecting ? NO_PROMISE : t->unprotects;
}

void oracle_uffd_wp_end(int proc, int va, unsigned token)
{
	struct tracking *t = &M.proc[proc].track[va];
	const struct pte *pte = &M.proc[proc].mm.pte[va];

	oracle_access(proc, va, SCHED_WRITE);
	sched_access(pte, SCHED_READ);
	/* Only a present PTE carries the bit: protecting an unpopulated
	 * page promises nothing (without UFFD_FEATURE_WP_UNPOPULATED). */
	if (token != NO_PROMISE && token == t->unprotects && pte->present && pte->uffd_wp)
		t->uffd_protected = true;
	wrprotect_returned(proc, va, va + 1, "UFFDIO_WRITEPROTECT(WP)");
}

void oracle_uffd_unprotect_begin(int proc, int va)
{
	struct tracking *t = &M.proc[proc].track[va];

	oracle_access(proc, va, SCHED_WRITE);
	t->uffd_protected = false;
	t->unprotects++;
	t->unprotecting++;
	wrprotect_begin(va, va + 1);
}

/* 5.7-5.19 unprotecting also cleared the write bit: a write-protect too. */
void oracle_uffd_unprotect_end(int proc, int va)
{
	oracle_access(proc, va, SCHED_WRITE);
	M.proc[proc].track[va].unprotecting--;
	wrprotect_returned(proc, va, va + 1, "UFFDIO_WRITEPROTECT(unprotect)");
}

void oracle_uffd_released(int proc)
{
	oracle_access_all(proc, SCHED_WRITE);
	for (int va = 0; va < MM_NR_PAGES; va++)
		M.proc[proc].track[va].uffd_protected = false;
}

void oracle_fork_begin(int parent, int child)
{
	/* Kept in the child: forks of other processes may run meanwhile. */
	wrprotect_begin(0, MM_NR_PAGES);
	sched_access(&M.nr_writes, SCHED_READ);
	oracle_access_all(parent, SCHED_READ);
	oracle_access_all(child, SCHED_WRITE);
	for (int va = 0; va < MM_NR_PAGES; va++)
		for (int w = 0; w < PAGE_WORDS; w++)
			M.proc[child].expect[va][w] = (struct expectation){
				.fork_open = true,
				.at_fork = M.proc[parent].expect[va][w].last,
				.at_fork_file = M.proc[parent].expect[va][w].file_backed,
				.fork_lo = M.nr_writes + 1,
			};
}

/*
 * A child's snapshot may or may not hold writes its parent made while
 * fork ran. Once fork is done, what the child holds is settled: if the
 * page its PTE maps holds an acceptable value, that value is the child's
 * last write from now on (its own children inherit one answer, not a
 * window over a window). A value outside the window stays unsettled and is
 * reported at the child's first read.
 */
static void settle_snapshot(int parent, int child, int va, int w)
{
	struct expectation *e = &M.proc[child].expect[va][w];
	const struct pte *pte = &M.proc[child].mm.pte[va];
	wseq_t v;

	sched_access(pte, SCHED_READ);
	if (!pte->present || e->file_backed)
		return; /* the file's content is one answer already */
	sched_access(&M.frame[pte->pfn].data[w], SCHED_READ);
	v = M.frame[pte->pfn].data[w];
	/* The parent's own alternatives (it may be a fresh child itself)
	 * are the child's too. */
	if (value_expected(child, va, w, e, v) ||
	    value_expected(parent, va, w, &M.proc[parent].expect[va][w], v))
		*e = (struct expectation){.last = v};
}

void oracle_fork_end(int parent, int child)
{
	struct process *c = &M.proc[child];
	const struct process *p = &M.proc[parent];

	sched_access(&M.nr_writes, SCHED_READ);
	sched_access(&c->fork_seq, SCHED_WRITE);
	oracle_access_all(parent, SCHED_READ);
	oracle_access_all(child, SCHED_WRITE);
	c->fork_seq = M.nr_writes + 1;
	for (int va = 0; va < MM_NR_PAGES; va++) {
		for (int w = 0; w < PAGE_WORDS; w++) {
			struct expectation e = p->expect[va][w];

			e.fork_open = true;
			e.at_fork = c->expect[va][w].at_fork;
			e.at_fork_file = c->expect[va][w].at_fork_file;
			e.fork_lo = c->expect[va][w].fork_lo;
			e.fork_hi = c->fork_seq;
			c->expect[va][w] = e;
			settle_snapshot(parent, child, va, w);
		}
	}
	/* Called after dup_mmap's flush_tlb_mm(): fork write-protected the
	 * parent's private PTEs. */
	wrprotect_returned(parent, 0, MM_NR_PAGES, "fork");
}

SCHED_TSAN_IGNORE_END

/* PTEs of live processes that map frame pfn, and how many processes live:
 * an observer's look, outside the model's locking (kept out of TSan's view). */
static MM_ATOMIC int ptes_mapping(int pfn, int *live)
{
	int n = 0;

	*live = 0;
	for (int p = 0; p < MAX_PROCS; p++) {
		const struct mm_struct *mm = &M.proc[p].mm;

		/* Whether it lives is written with p's exited flag (task.c). */
		sched_access(&M.proc[p].exited, SCHED_READ);
		if (!mm->live)
			continue;
		(*live)++;
		for (int va = 0; va < MM_NR_PAGES; va++) {
			sched_access(&mm->pte[va], SCHED_READ);
			n += mm->pte[va].present && mm->pte[va].pfn == pfn;
		}
	}
	return n;
}

MM_ATOMIC void oracle_check_rmap(int proc)
{
	const struct mm_struct *mm = &M.proc[proc].mm;

	for (int va = 0; va < MM_NR_PAGES; va++) {
		const struct folio *f;
		int live, ptes;

		sched_access(&mm->pte[va], SCHED_READ);
		if (!mm->pte[va].present || mm->pte[va].pfn == ZERO_PFN)
			continue;
		f = &M.frame[mm->pte[va].pfn];
		sched_access(f, SCHED_READ);
		ptes = ptes_mapping(mm->pte[va].pfn, &live);
		if (f->mapcount < ptes || (live == 1 && f->mapcount != ptes))
			sched_fail("memory-safety", "rmap-inconsistent",
				   "frame %d (P%d va %d) has mapcount %d but %d PTE(s) of %d live "
				   "process(es) map it",
				   mm->pte[va].pfn, proc, va, f->mapcount, ptes, live);
	}
}

/* mremap: device pins follow their page to its new address. */
static void oracle_pins_moved(struct process *p, int old_va, int new_va)
{
	for (int i = 0; i < MAX_PINS; i++) {
		sched_access(&p->pins[i], SCHED_READ);
		if (p->pins[i].used && p->pins[i].va == old_va && !p->pins[i].discarded) {
			sched_access(&p->pins[i], SCHED_WRITE);
			p->pins[i].va = new_va;
		}
	}
}

/*
 * The oracles' bookkeeping of a move: what a read at old_va had to return
 * a read at new_va now must (the page moved, with the device pins on it),
 * and old_va reads zero, as after a zap (its next fault maps a fresh
 * page). What new_va mapped before is gone, as after munmap, and the
 * trackers of both pages lose their promises. Done in the step that moves
 * the PTE.
 */
void oracle_moved(int proc, int old_va, int new_va)
{
	struct process *p = &M.proc[proc];
	struct expectation moved[PAGE_WORDS];

	sched_access(OBJ_ORACLE(proc, old_va), SCHED_READ);
	for (int w = 0; w < PAGE_WORDS; w++)
		moved[w] = p->expect[old_va][w];
	oracle_grabs_moved(proc, old_va, new_va);
	oracle_discard(proc, new_va, false, false);
	sched_access(OBJ_ORACLE(proc, new_va), SCHED_WRITE);
	for (int w = 0; w < PAGE_WORDS; w++)
		p->expect[new_va][w] = moved[w];
	oracle_pins_moved(p, old_va, new_va);
	oracle_discard(proc, old_va, false, false);
}
