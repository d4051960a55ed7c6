/* SPDX-License-Identifier: MIT */
#include "execute.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "feedback.h"
#include "filemap.h"
#include "folio.h"
#include "mempolicy.h"
#include "model.h"
#include "oracle.h"
#include "rmap.h"
#include "scheduler/sync.h"
#include "scheduler/trace.h"
#include "syscalls.h"
#include "task.h"
#include "vma_lock.h"

/* One simulated thread: a scenario thread, or the thread of a child whose
 * program is empty (it just exits). */
struct thread_ctx {
	const struct scenario *sc;
	int index; /* scenario thread, -1 for an exit-only child */
	int proc;
};

static struct thread_ctx contexts[SCHED_MAX_THREADS];
/* Threads started in this execution; any thread that forks may start one. */
static atomic_int nr_contexts;
/* Which scenario threads have started; read by whichever thread forks. */
static atomic_bool started[SCN_MAX_THREADS];
/* User-space events (a pipe or futex between the test's threads): a
 * release/acquire pair, as the real ones are. */
static atomic_bool event_signalled[SCN_MAX_EVENTS];
static struct sched_waitq event_waiters[SCN_MAX_EVENTS];

static void thread_main(void *arg);

static int start_thread(const struct scenario *sc, int index, int proc)
{
	struct thread_ctx *ctx;
	int tid;

	int slot = atomic_load_explicit(&nr_contexts, memory_order_relaxed);

	/* Thread ids and context slots go in order of spawning. */
	sched_access(&nr_contexts, SCHED_WRITE);
	sched_access(&M.proc[proc].nr_threads, SCHED_WRITE);
	if (slot >= SCHED_MAX_THREADS)
		return -1;
	ctx = &contexts[slot];
	*ctx = (struct thread_ctx){.sc = sc, .index = index, .proc = proc};
	/* Everything the thread reads is written before it is spawned:
	 * spawning orders it, as clone() does. */
	atomic_fetch_add_explicit(&M.proc[proc].nr_threads, 1, memory_order_relaxed);
	tid = sched_spawn(thread_main, ctx,
			  index >= 0 ? model_name(NAME_THREAD, index)
				     : model_name(NAME_EXITER, proc));
	if (tid < 0) {
		atomic_fetch_sub_explicit(&M.proc[proc].nr_threads, 1, memory_order_relaxed);
		return -1;
	}
	atomic_store_explicit(&nr_contexts, slot + 1, memory_order_relaxed);
	if (index >= 0) {
		sched_access(&started[index], SCHED_WRITE);
		atomic_store_explicit(&started[index], true, memory_order_relaxed);
		feedback_thread_spawned(tid, index);
	}
	return tid;
}

/* fork(): the child runs the first not-yet-started thread declared as a
 * child of this one, or exits at once if there is none. */
static void op_fork(const struct thread_ctx *ctx)
{
	int child = sys_fork();

	if (child < 0)
		return;
	for (int t = 0; t < ctx->sc->n_threads; t++) {
		sched_access(&started[t], SCHED_READ);
		if (!atomic_load_explicit(&started[t], memory_order_relaxed) &&
		    ctx->sc->thread[t].spawn == SPAWN_CHILD_OF(ctx->index)) {
			if (start_thread(ctx->sc, t, child) >= 0)
				return;
			break;
		}
	}
	if (start_thread(ctx->sc, -1, child) < 0)
		exit_process(child);
}

static void op_wait(int event)
{
	/* A user-space wait (a pipe or futex between the test's threads).
	 * If nothing else can run, nobody will signal: give up, as a test
	 * with a timeout would, rather than calling it a deadlock. */
	for (;;) {
		sched_access(&event_signalled[event], SCHED_READ);
		if (atomic_load_explicit(&event_signalled[event], memory_order_acquire))
			break;
		if (!sched_block_timeout(&event_waiters[event], SITE("user wait")))
			break;
	}
}

static void run_op(const struct thread_ctx *ctx, const struct op *op)
{
	if (trace_enabled()) {
		char text[64];

		op_describe(op, text, sizeof(text));
		mm_trace("op %s", text);
	}
	switch ((enum op_kind)op->kind) {
	case OP_READ:
		user_read(op->va, op->word);
		break;
	case OP_WRITE:
		user_write(op->va, op->word);
		break;
	case OP_FORK:
		op_fork(ctx);
		break;
	case OP_MUNMAP:
		sys_munmap(op->va);
		break;
	case OP_MMAP:
		sys_mmap(op->va);
		break;
	case OP_DONTNEED:
		sys_madvise_dontneed(op->va);
		break;
	case OP_PIN:
		dev_pin(op->va, op->arg & 1);
		break;
	case OP_UNPIN:
		dev_unpin(op->arg);
		break;
	case OP_DMA_WRITE:
		dev_dma_write(op->arg, op->word);
		break;
	case OP_DMA_READ:
		dev_dma_read(op->arg, op->word);
		break;
	case OP_VMSPLICE:
		sys_vmsplice(op->va);
		break;
	case OP_PIPE_READ:
		sys_pipe_read();
		break;
	case OP_SIGNAL:
		sched_access(&event_signalled[op->arg], SCHED_WRITE);
		atomic_store_explicit(&event_signalled[op->arg], true, memory_order_release);
		sched_wake_all(&event_waiters[op->arg]);
		break;
	case OP_WAIT:
		op_wait(op->arg);
		break;
	case OP_MMAP_FILE:
		sys_mmap_file(op->va, op->arg);
		break;
	case OP_MPROTECT:
		sys_mprotect(op->va, op->arg & 1);
		break;
	case OP_CLEAR_REFS:
		sys_clear_refs();
		break;
	case OP_PAGEMAP:
		sys_pagemap_read(op->va);
		break;
	case OP_UFFD_REGISTER:
		sys_uffd_register(op->va);
		break;
	case OP_UFFD_WP:
		sys_uffd_writeprotect(op->va, op->arg & 1);
		break;
	case OP_UFFD_RESOLVE:
		uffd_monitor_resolve();
		break;
	case OP_DIO_READ:
		sys_read_odirect(op->va, op->word);
		break;
	case OP_MEM_WRITE:
		sys_proc_mem_write(op->va, op->word);
		break;
	case OP_EIO:
		sys_inject_eio(op->va);
		break;
	case OP_MREMAP:
		sys_mremap_dontunmap(op->va, op->arg);
		break;
	case OP_MBIND:
		sys_mbind(op->va);
		break;
	case OP_MMAP_STACK:
		sys_mmap_stack(op->va);
		break;
	case OP_FAIL_ALLOC:
		sys_inject_enomem();
		break;
	case OP_NR:
		break;
	}
}

static void thread_main(void *arg)
{
	const struct thread_ctx *ctx = arg;
	struct process *p = &M.proc[ctx->proc];

	M.thread_proc[sched_self()] = ctx->proc;
	if (ctx->index >= 0) {
		const struct scenario_thread *th = &ctx->sc->thread[ctx->index];

		for (int i = 0; i < th->n_ops; i++) {
			feedback_op_begin(i, th->ops[i].kind);
			run_op(ctx, &th->ops[i]);
		}
		feedback_op_begin(th->n_ops, -1); /* the exit, not an op */
	}
	/* The last thread out checks what the program leaves in memory and
	 * tears the process down. */
	sched_access(&p->nr_threads, SCHED_WRITE);
	if (atomic_fetch_sub_explicit(&p->nr_threads, 1, memory_order_acq_rel) == 1) {
		oracle_check_at_exit(ctx->proc);
		oracle_check_rmap(ctx->proc);
		exit_process(ctx->proc);
	}
}

static void execution_reset(void)
{
	machine_reset();
	vma_lock_stats_reset();
	spf_stats_reset();
	atomic_init(&nr_contexts, 0);
	for (int t = 0; t < SCN_MAX_THREADS; t++)
		atomic_init(&started[t], false);
	for (int e = 0; e < SCN_MAX_EVENTS; e++)
		atomic_init(&event_signalled[e], false);
	memset(event_waiters, 0, sizeof(event_waiters));
}

/* Teardown checks, after every thread has exited. */
static void check_teardown(struct exec_result *out)
{
	const char *kind;

	if (folio_check_unmapped(out->sched.report, sizeof(out->sched.report), &kind)) {
		out->violation = true;
		out->oracle = "memory-safety";
		out->kind = kind;
		return;
	}
	truncate_inode_pages_final();
	if (folio_check_leaks(out->sched.report, sizeof(out->sched.report)) ||
	    mpol_check_leaks(out->sched.report, sizeof(out->sched.report)) ||
	    anon_vma_check_leaks(out->sched.report, sizeof(out->sched.report))) {
		out->violation = true;
		out->oracle = "memory-safety";
		out->kind = "leak";
	}
}

static void copy_vma_lock_stats(struct exec_result *out)
{
	struct vma_lock_stats s;

	vma_lock_stats_read(&s);
	out->user_faults = s.user_faults;
	out->vma_lock_success = s.event[VMA_LOCK_SUCCESS];
	out->vma_lock_abort = s.event[VMA_LOCK_ABORT];
	out->vma_lock_retry = s.event[VMA_LOCK_RETRY];
	out->vma_lock_miss = s.event[VMA_LOCK_MISS];
	out->vma_lock_abort_no_anon_vma = s.no_anon_vma;
	out->vma_lock_retry_no_anon_vma = s.no_anon_vma_retry;
	out->vma_lock_anon_vma_trylocked = s.anon_vma_trylocked;
	out->vma_write_wait_max = s.write_wait_max;
	spf_stats_read(&out->spf);
}

void mm_execute(const struct scenario *sc, const struct exec_options *opt, struct exec_result *out)
{
	struct sched_config cfg = {.strategy = opt->strategy,
				   .max_steps = opt->max_steps,
				   .record_decisions = opt->record_decisions,
				   .feature_hook = opt->feature_hook};
	int init;

	sched_init();
	execution_reset();
	init = process_create_init();
	start_thread(sc, 0, init);
	for (int t = 1; t < sc->n_threads; t++)
		if (sc->thread[t].spawn == SPAWN_INITIAL)
			start_thread(sc, t, init);
	memset(out, 0, sizeof(*out));
	sched_run(&cfg, &out->sched);
	out->oracle = out->sched.oracle;
	out->kind = out->sched.kind;
	out->mmap_write_wait_max = M.mmap_write_wait_max;
	out->io_under_mmap_lock = M.io_under_mmap_lock;
	out->missed_write = M.missed_write;
	copy_vma_lock_stats(out);
	switch (out->sched.verdict) {
	case SCHED_PASS:
		check_teardown(out);
		break;
	case SCHED_DRIFT:
		out->violation = true;
		out->oracle = "replay-drift";
		out->kind = "";
		break;
	case SCHED_ABANDONED:
		/* A bounded search cut a redundant schedule short: no verdict. */
		break;
	default:
		out->violation = true;
		break;
	}
	if (!out->oracle)
		out->oracle = "";
	if (!out->kind)
		out->kind = "";
}

/* The state hash: fields one by one (never addresses, never steps). */
static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdull;
}

static uint64_t hash_pte(uint64_t h, const struct pte *pte)
{
	h = mix(h, pte->present | pte->write << 1 | pte->dirty << 2 | pte->young << 3 |
			   pte->soft_dirty << 4 | pte->uffd_wp << 5);
	return mix(h, pte->present ? pte->pfn : 0);
}

static uint64_t hash_gup_ref(uint64_t h, const struct gup_ref *r)
{
	if (!r->used)
		return mix(h, 0);
	h = mix(h, 1 | r->pin << 1 | r->writable << 2 | r->discarded << 3);
	h = mix(h, (uint64_t)r->pfn);
	return mix(h, (uint64_t)r->va);
}

static uint64_t hash_oracle(uint64_t h, const struct process *p)
{
	for (int va = 0; va < MM_NR_PAGES; va++) {
		const struct tracking *t = &p->track[va];

		for (int w = 0; w < PAGE_WORDS; w++) {
			const struct expectation *e = &p->expect[va][w];

			h = mix(h, e->last);
			h = mix(h, e->fork_open | e->at_fork_file << 1 | e->unmapped << 2 |
					   e->file_backed << 3);
			h = mix(h, e->fork_open ? e->at_fork : 0);
			h = mix(h, e->fork_open ? (uint64_t)e->fork_lo << 32 | e->fork_hi : 0);
		}
		h = mix(h, t->written_since_clear | t->soft_dirty_untracked << 1 |
				   t->uffd_protected << 2);
		h = mix(h, (uint64_t)t->unprotects << 32 | t->unprotecting);
		h = mix(h, p->discards[va]);
	}
	return h;
}

/* An anon_vma by its slab slot (0 for none). */
static uint64_t anon_vma_slot(const struct anon_vma *av)
{
	return av ? (uint64_t)(av - M.anon_vma_slab) + 1 : 0;
}

/* The anon_vma slab and the fault-injection knob. */
static uint64_t hash_anon_vmas(uint64_t h)
{
	for (int i = 0; i < MAX_ANON_VMA_OBJS; i++)
		h = mix(h, (uint64_t)M.anon_vma_slab[i].allocated << 32 |
				   (uint32_t)M.anon_vma_slab[i].links);
	return mix(h, (uint64_t)M.anon_vma_next << 1 | M.inject_enomem);
}

static uint64_t hash_process(uint64_t h, const struct process *p)
{
	const struct mm_struct *mm = &p->mm;

	h = mix(h, p->used | p->exited << 1 | mm->live << 2 | mm->has_pinned << 3 |
			   mm->uffd_released << 4);
	h = mix(h, (uint64_t)(int64_t)p->parent); /* -1: the initial process */
	h = mix(h, p->fork_seq);
	for (int va = 0; va < MM_NR_PAGES; va++)
		h = hash_pte(h, &mm->pte[va]);
	h = mix(h, (uint64_t)mm->nr_vmas);
	for (int i = 0; i < mm->nr_vmas; i++) {
		const struct vm_area_struct *v = mm->vma[i];

		h = mix(h, (uint64_t)v->start << 32 | (uint64_t)v->end);
		h = mix(h, v->vm_flags | v->anon << 16 | v->file << 17 |
				   (uint64_t)(v->vm_policy != NULL) << 18);
		h = mix(h, anon_vma_slot(v->anon_vma));
	}
	h = mix(h, (uint64_t)mm->uffd_nr_msgs);
	for (int i = 0; i < mm->uffd_nr_msgs && i < SCHED_MAX_THREADS; i++)
		h = mix(h, (uint64_t)mm->uffd_msg_va[i]);
	for (int i = 0; i < MAX_PINS; i++) {
		h = hash_gup_ref(h, &p->pins[i]);
		h = hash_gup_ref(h, &p->pipe[i]);
	}
	return hash_oracle(h, p);
}

static uint64_t hash_frame(uint64_t h, const struct folio *f)
{
	h = mix(h, f->allocated | f->anon << 1 | f->anon_exclusive << 2 | f->pagecache << 3 |
			   f->uptodate << 4);
	h = mix(h, (uint64_t)(uint32_t)f->refcount << 32 | (uint32_t)f->mapcount);
	h = mix(h, (uint64_t)(uint32_t)f->pincount << 32 | (uint32_t)f->index);
	h = mix(h, anon_vma_slot(f->anon_vma));
	for (int w = 0; w < PAGE_WORDS; w++)
		h = mix(h, f->data[w]);
	return h;
}

static uint64_t hash_tlbs(uint64_t h)
{
	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		for (int va = 0; va < MM_NR_PAGES; va++) {
			const struct tlb_entry *e = &M.cpu[cpu].tlb[va];

			if (!e->valid) {
				h = mix(h, 0);
				continue;
			}
			h = mix(h, 1 | e->writable << 1 | e->dirty << 2);
			h = mix(h, (uint64_t)e->mm << 32 | (uint32_t)e->pfn);
		}
	return h;
}

/* The write log without its steps: who wrote what, in which order. */
static uint64_t hash_writes(uint64_t h)
{
	h = mix(h, M.nr_writes);
	for (wseq_t seq = 1; seq <= M.nr_writes && seq < MAX_WRITES; seq++) {
		const struct write_record *w = &M.writes[seq];

		h = mix(h, (uint64_t)w->proc << 48 | (uint64_t)w->thread << 40 |
				   (uint64_t)w->va << 32 | (uint64_t)w->word << 24 |
				   (uint64_t)w->via << 8 | w->shared);
	}
	return h;
}

static uint64_t hash_file(uint64_t h)
{
	for (int i = 0; i < FILE_PAGES; i++) {
		h = mix(h, (uint64_t)M.file.page[i] << 1 | M.file.inject_eio[i]);
		for (int w = 0; w < PAGE_WORDS; w++)
			h = mix(h, M.file.last_write[i][w]);
	}
	return h;
}

uint64_t execute_state_hash(void)
{
	uint64_t h = 0x5eed;
	int nr_procs = atomic_load_explicit(&M.nr_procs, memory_order_relaxed);

	h = mix(h, (uint64_t)nr_procs);
	for (int p = 0; p < MAX_PROCS && p < nr_procs; p++)
		h = hash_process(h, &M.proc[p]);
	for (int pfn = 0; pfn < NR_FRAMES; pfn++)
		h = hash_frame(h, &M.frame[pfn]);
	h = hash_tlbs(h);
	h = hash_anon_vmas(h);
	h = hash_writes(h);
	return hash_file(h);
}
