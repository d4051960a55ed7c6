/* SPDX-License-Identifier: MIT */
/*
 * A scenario: the bounded user program the model runs. Up to four
 * threads, each a list of up to sixteen operations. Thread 0 starts in the
 * initial process; every other thread either starts beside it (a second
 * thread of the same process, e.g. one driving a device) or is the child
 * side of a fork() done by another thread. A fork with no thread waiting
 * for it makes a child that exits at once.
 */
#ifndef MMFUZZ_TARGET_SCENARIO_H
#define MMFUZZ_TARGET_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCN_MAX_THREADS 4
#define SCN_MAX_OPS	16
#define SCN_MAX_EVENTS	4
#define OP_NR_V1	14 /* ops of input version 1: read..wait */
#define OP_NR_V2	24 /* ops of input version 2: read..eio */
#define OP_NR_V3	27 /* ops of input version 3: read..mmap-stack */

enum op_kind {
	OP_READ,      /* va word: CPU load */
	OP_WRITE,     /* va word: CPU store */
	OP_FORK,      /* fork(); the child runs the next thread spawned by this one */
	OP_MUNMAP,    /* va */
	OP_MMAP,      /* va: map a fresh anon page if nothing is mapped there */
	OP_DONTNEED,  /* va: madvise(MADV_DONTNEED) */
	OP_PIN,	      /* va arg: long-term pin, arg 1: R/W, 0: R/O */
	OP_UNPIN,     /* arg: pin slot */
	OP_DMA_WRITE, /* arg word: the device writes the pinned page */
	OP_DMA_READ,  /* arg word: the device reads the pinned page */
	OP_VMSPLICE,  /* va */
	OP_PIPE_READ, /* read every pipe buffer */
	OP_SIGNAL,    /* arg: event: wake threads waiting for it */
	OP_WAIT,      /* arg: event: wait until signalled (gives up if nobody can) */
	/* input version 2 */
	OP_MMAP_FILE,	  /* va arg: map the file's page there (MAP_FIXED), arg: enum file_map */
	OP_MPROTECT,	  /* va arg: 1 read-write, 0 read-only */
	OP_CLEAR_REFS,	  /* write "4" to /proc/self/clear_refs */
	OP_PAGEMAP,	  /* va: read the soft-dirty bit (checked) */
	OP_UFFD_REGISTER, /* va: register for userfaultfd write-protect */
	OP_UFFD_WP,	  /* va arg: UFFDIO_WRITEPROTECT, 1 protect, 0 unprotect */
	OP_UFFD_RESOLVE,  /* monitor: take one wp fault and unprotect its page */
	OP_DIO_READ,	  /* va word: read(O_DIRECT) into the buffer */
	OP_MEM_WRITE,	  /* va word: pwrite(/proc/self/mem), FOLL_FORCE */
	OP_EIO,		  /* va: the next read I/O of that file page fails */
	/* input version 3: the per-VMA-lock era's VMA changes */
	OP_MREMAP,     /* va arg: mremap(MREMAP_DONTUNMAP) of the page at va to va arg */
	OP_MBIND,      /* va: mbind() a new memory policy onto the page's VMA */
	OP_MMAP_STACK, /* va: map a fresh anon page at va that grows down (a stack) */
	/* input version 4 */
	OP_FAIL_ALLOC, /* fault injection: the next merge's dup_anon_vma fails (ENOMEM) */
	OP_NR
};

struct op {
	uint8_t kind;
	uint8_t va;
	uint8_t word;
	uint8_t arg; /* pin slot, pin writability or event, by kind */
};

/* How a thread starts. */
#define SPAWN_INITIAL 0 /* a thread of the initial process, from the start */
/* SPAWN_CHILD_OF(t): the child of thread t's next fork (1 + t). */
#define SPAWN_CHILD_OF(t) ((uint8_t)(1 + (t)))

struct scenario_thread {
	uint8_t spawn;
	uint8_t n_ops;
	struct op ops[SCN_MAX_OPS];
};

struct scenario {
	uint8_t n_threads; /* 1..SCN_MAX_THREADS */
	struct scenario_thread thread[SCN_MAX_THREADS];
};

const char *op_name(enum op_kind kind);
/* Parse an op name; returns OP_NR if unknown. */
enum op_kind op_from_name(const char *name);
/* Which fields an op uses. */
bool op_uses_va(enum op_kind kind);
bool op_uses_word(enum op_kind kind);
bool op_uses_arg(enum op_kind kind);

/* The name of the arg field in the text format ("rw", "slot", "event"),
 * NULL if the op has none. */
const char *op_arg_name(enum op_kind kind);
/* How many values the arg field takes (1 if the op has none). */
uint8_t op_arg_limit(enum op_kind kind);
/* "write va=0 word=1": the op as the text format writes it. */
void op_describe(const struct op *op, char *buf, size_t len);

/* Clamp every field into range, so that any bytes make a valid program. */
void scenario_normalize(struct scenario *sc);

#endif
