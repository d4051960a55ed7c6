/* SPDX-License-Identifier: MIT */
#include "scenario.h"

#include <stdio.h>
#include <string.h>

#include "model.h"
#include "vma.h"

static const char *const op_names[OP_NR] = {
	[OP_READ] = "read",
	[OP_WRITE] = "write",
	[OP_FORK] = "fork",
	[OP_MUNMAP] = "munmap",
	[OP_MMAP] = "mmap",
	[OP_DONTNEED] = "dontneed",
	[OP_PIN] = "pin",
	[OP_UNPIN] = "unpin",
	[OP_DMA_WRITE] = "dma-write",
	[OP_DMA_READ] = "dma-read",
	[OP_VMSPLICE] = "vmsplice",
	[OP_PIPE_READ] = "pipe-read",
	[OP_SIGNAL] = "signal",
	[OP_WAIT] = "wait",
	[OP_MMAP_FILE] = "mmap-file",
	[OP_MPROTECT] = "mprotect",
	[OP_CLEAR_REFS] = "clear-refs",
	[OP_PAGEMAP] = "pagemap",
	[OP_UFFD_REGISTER] = "uffd-register",
	[OP_UFFD_WP] = "uffd-wp",
	[OP_UFFD_RESOLVE] = "uffd-resolve",
	[OP_DIO_READ] = "dio-read",
	[OP_MEM_WRITE] = "mem-write",
	[OP_EIO] = "eio",
	[OP_MREMAP] = "mremap",
	[OP_MBIND] = "mbind",
	[OP_MMAP_STACK] = "mmap-stack",
	[OP_FAIL_ALLOC] = "fail-alloc",
};

const char *op_name(enum op_kind kind)
{
	return kind < OP_NR ? op_names[kind] : "?";
}

enum op_kind op_from_name(const char *name)
{
	for (int k = 0; k < OP_NR; k++)
		if (strcmp(op_names[k], name) == 0)
			return (enum op_kind)k;
	return OP_NR;
}

bool op_uses_va(enum op_kind kind)
{
	switch (kind) {
	case OP_READ:
	case OP_WRITE:
	case OP_MUNMAP:
	case OP_MMAP:
	case OP_DONTNEED:
	case OP_PIN:
	case OP_VMSPLICE:
	case OP_MMAP_FILE:
	case OP_MPROTECT:
	case OP_PAGEMAP:
	case OP_UFFD_REGISTER:
	case OP_UFFD_WP:
	case OP_DIO_READ:
	case OP_MEM_WRITE:
	case OP_EIO:
	case OP_MREMAP:
	case OP_MBIND:
	case OP_MMAP_STACK:
		return true;
	default:
		return false;
	}
}

bool op_uses_word(enum op_kind kind)
{
	return kind == OP_READ || kind == OP_WRITE || kind == OP_DMA_WRITE || kind == OP_DMA_READ ||
	       kind == OP_DIO_READ || kind == OP_MEM_WRITE;
}

bool op_uses_arg(enum op_kind kind)
{
	switch (kind) {
	case OP_PIN:
	case OP_UNPIN:
	case OP_DMA_WRITE:
	case OP_DMA_READ:
	case OP_SIGNAL:
	case OP_WAIT:
	case OP_MMAP_FILE:
	case OP_MPROTECT:
	case OP_UFFD_WP:
	case OP_MREMAP:
		return true;
	default:
		return false;
	}
}

const char *op_arg_name(enum op_kind kind)
{
	switch (kind) {
	case OP_PIN:
	case OP_MPROTECT:
		return "rw";
	case OP_MMAP_FILE:
		return "mode";
	case OP_UFFD_WP:
		return "wp";
	case OP_MREMAP:
		return "to";
	case OP_UNPIN:
	case OP_DMA_WRITE:
	case OP_DMA_READ:
		return "slot";
	case OP_SIGNAL:
	case OP_WAIT:
		return "event";
	default:
		return NULL;
	}
}

void op_describe(const struct op *op, char *buf, size_t len)
{
	enum op_kind kind = (enum op_kind)op->kind;
	int n = snprintf(buf, len, "%s", op_name(kind));

	if (op_uses_va(kind) && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " va=%d", op->va);
	if (op_uses_arg(kind) && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " %s=%d", op_arg_name(kind), op->arg);
	if (op_uses_word(kind) && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " word=%d", op->word);
}

uint8_t op_arg_limit(enum op_kind kind)
{
	switch (kind) {
	case OP_PIN:
	case OP_MPROTECT:
	case OP_UFFD_WP:
		return 2;
	case OP_MMAP_FILE:
		return NR_FILE_MAPS;
	case OP_MREMAP:
		return MM_NR_PAGES;
	case OP_UNPIN:
	case OP_DMA_WRITE:
	case OP_DMA_READ:
		return MAX_PINS;
	case OP_SIGNAL:
	case OP_WAIT:
		return SCN_MAX_EVENTS;
	default:
		return 1;
	}
}

void scenario_normalize(struct scenario *sc)
{
	if (sc->n_threads < 1)
		sc->n_threads = 1;
	if (sc->n_threads > SCN_MAX_THREADS)
		sc->n_threads = SCN_MAX_THREADS;
	sc->thread[0].spawn = SPAWN_INITIAL;
	for (int t = 0; t < SCN_MAX_THREADS; t++) {
		struct scenario_thread *th = &sc->thread[t];

		/* A thread can only be the child of an earlier thread. */
		if (th->spawn > t)
			th->spawn = SPAWN_INITIAL;
		if (th->n_ops > SCN_MAX_OPS)
			th->n_ops = SCN_MAX_OPS;
		for (int i = 0; i < SCN_MAX_OPS; i++) {
			struct op *op = &th->ops[i];

			if (i >= th->n_ops || t >= sc->n_threads) {
				*op = (struct op){0};
				continue;
			}
			op->kind %= OP_NR;
			op->va = op_uses_va(op->kind) ? op->va % MM_NR_PAGES : 0;
			op->word = op_uses_word(op->kind) ? op->word % PAGE_WORDS : 0;
			op->arg = op_uses_arg(op->kind) ? op->arg % op_arg_limit(op->kind) : 0;
		}
		if (t >= sc->n_threads) {
			th->n_ops = 0;
			th->spawn = 0;
		}
	}
}
