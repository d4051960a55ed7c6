// SPDX-License-Identifier: MIT
/*
 * Fiber backend: glibc ucontext, for architectures without a hand-written
 * switch (or -DMMFUZZ_FIBER_UCONTEXT). Slow — swapcontext makes one
 * rt_sigprocmask syscall per switch — but portable. fiber->sp holds the
 * ucontext_t, allocated once per fiber.
 */
#include "fiber_arch.h"
#include "sanitizer.h"

#if defined(FIBER_USE_UCONTEXT)

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <ucontext.h>

SCHED_TSAN_IGNORE_BEGIN

static fiber_start_fn ucontext_start;

static ucontext_t *context_of(struct fiber *f)
{
	if (!f->sp) {
		f->sp = calloc(1, sizeof(ucontext_t));
		if (!f->sp) {
			fprintf(stderr, "mmfuzz: out of memory for a fiber context\n");
			abort();
		}
	}
	return f->sp;
}

/* makecontext passes int arguments only: the pointer travels in halves. */
static void ucontext_trampoline(unsigned int lo, unsigned int hi)
{
	struct fiber *f = (struct fiber *)(((uintptr_t)hi << 16 << 16) | lo);

	ucontext_start(f);
	abort(); /* the start function never returns */
}

void fiber_arch_init_main(struct fiber *f)
{
	context_of(f);
}

void fiber_arch_prepare(struct fiber *f, fiber_start_fn start)
{
	ucontext_t *uc = context_of(f);
	uintptr_t p = (uintptr_t)f;

	ucontext_start = start;
	getcontext(uc);
	uc->uc_stack.ss_sp = f->stack;
	uc->uc_stack.ss_size = f->stack_size;
	uc->uc_link = NULL;
	makecontext(uc, (void (*)(void))ucontext_trampoline, 2, (unsigned int)p,
		    (unsigned int)(p >> 16 >> 16));
}

void fiber_arch_swap(struct fiber *from, struct fiber *to)
{
	swapcontext(context_of(from), context_of(to));
}

const char *fiber_arch_name(void)
{
	return "ucontext";
}

SCHED_TSAN_IGNORE_END

#endif
