/* SPDX-License-Identifier: MIT */
#include "execute.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "feedback.h"
#include "filemap.h"
#include "folio.h"
#include "model.h"
#include "oracle.h"
#include "scheduler/sync.h"
#include "scheduler/trace.h"
#include "syscalls.h"
#include "task.h"

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
	while (!atomic_load_explicit(&event_signalled[event], memory_order_acquire))
		if (!sched_block_timeout(&event_waiters[event], SITE("user wait")))
			break;
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
	if (atomic_fetch_sub_explicit(&p->nr_threads, 1, memory_order_acq_rel) == 1) {
		oracle_check_at_exit(ctx->proc);
		exit_process(ctx->proc);
	}
}

static void execution_reset(void)
{
	machine_reset();
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
	truncate_inode_pages_final();
	if (folio_check_leaks(out->sched.report, sizeof(out->sched.report))) {
		out->violation = true;
		out->oracle = "memory-safety";
		out->kind = "leak";
	}
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
	switch (out->sched.verdict) {
	case SCHED_PASS:
		check_teardown(out);
		break;
	case SCHED_DRIFT:
		out->violation = true;
		out->oracle = "replay-drift";
		out->kind = "";
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
