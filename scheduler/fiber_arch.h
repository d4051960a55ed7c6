/* SPDX-License-Identifier: MIT */
/*
 * Internal: the architecture-specific half of fibers. fiber.c owns stacks
 * and sanitizer annotations; a backend only builds a first frame and swaps
 * contexts. Exactly one backend is compiled in.
 */
#ifndef MMFUZZ_SCHEDULER_FIBER_ARCH_H
#define MMFUZZ_SCHEDULER_FIBER_ARCH_H

#include "fiber.h"

#if defined(MMFUZZ_FIBER_BOOST)
#define FIBER_USE_BOOST 1 /* Boost.Context fcontext: bench/ compares it */
#elif defined(MMFUZZ_FIBER_UCONTEXT) || !(defined(__x86_64__) || defined(__aarch64__))
#define FIBER_USE_UCONTEXT 1
#endif

/* Called on the new stack at a fiber's first switch-in; never returns. */
typedef void (*fiber_start_fn)(struct fiber *f);

/* Main fiber: whatever the backend needs to save the OS thread's context. */
void fiber_arch_init_main(struct fiber *f);
/* Lay out `f`'s stack so that the next swap into it calls start(f). */
void fiber_arch_prepare(struct fiber *f, fiber_start_fn start);
/* Save the running context in `from`, continue `to`. */
void fiber_arch_swap(struct fiber *from, struct fiber *to);
const char *fiber_arch_name(void);

#endif
