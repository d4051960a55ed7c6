/* SPDX-License-Identifier: MIT */
/*
 * Fibers: a stack and a saved context. Created once, reset and reused for
 * every execution (creating fibers per execution is slow and, under TSan,
 * leaks). The switch is a few lines of assembly on x86-64 and aarch64, and
 * glibc ucontext elsewhere (about 15x slower here: one syscall per switch).
 * Boost.Context's fcontext is faster in a bare ping-pong but about 3x slower
 * per switching scheduling point, where both sides of a switch sit in the
 * same call chain and our `ret` is predicted (bench/bench_switch and
 * bench_switch_boost measure both).
 *
 * Sanitizers: the switch carries the ASan fiber annotations, and the TSan
 * ones: switches inside an execution do not synchronise (so TSan sees races
 * between simulated threads); the first switch into a fiber in an execution
 * and the final switch back to the main fiber do.
 */
#ifndef MMFUZZ_SCHEDULER_FIBER_H
#define MMFUZZ_SCHEDULER_FIBER_H

#include <stdbool.h>
#include <stddef.h>

struct fiber {
	void *sp;    /* saved stack pointer (asm) or ucontext_t * */
	void *stack; /* lowest usable address (guard page below it) */
	size_t stack_size;
	void (*entry)(void *);
	void *arg;
	void *asan_fake_stack;
	void *tsan_fiber;
	bool is_main;
};

/* The calling OS thread's own context, as a fiber to switch back to. */
void fiber_init_main(struct fiber *f);
/* Allocate a stack (mmap, guard page). */
int fiber_create(struct fiber *f, size_t stack_size);
/* Prepare `f` to start `entry(arg)` at its next switch-in. */
void fiber_reset(struct fiber *f, void (*entry)(void *), void *arg);
/* Save the current context in `from`, resume `to`. `sync` makes the switch
 * a TSan synchronisation point. */
void fiber_switch(struct fiber *from, struct fiber *to, bool sync);
/* Like fiber_switch(), for a fiber that will never be resumed (it may be
 * fiber_reset() later): ASan frees its fake stack. Never returns. */
_Noreturn void fiber_switch_final(struct fiber *from, struct fiber *to, bool sync);
/* Name shown for the fiber in TSan reports (no-op otherwise). */
void fiber_set_name(struct fiber *f, const char *name);
/* Name of the switch implementation compiled in: "asm-x86_64", "ucontext"… */
const char *fiber_backend(void);

#endif
