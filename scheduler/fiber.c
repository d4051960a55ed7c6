// SPDX-License-Identifier: MIT
/*
 * Fibers: stacks, the start trampoline and the sanitizer protocol around
 * every switch. The register save/restore itself is a backend
 * (fiber_arch_asm.c or fiber_arch_ucontext.c).
 */
#include "fiber.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fiber_arch.h"
#include "sanitizer.h"

#if defined(SCHED_ASAN)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(SCHED_TSAN)
#include <sanitizer/tsan_interface.h>
#endif

SCHED_TSAN_IGNORE_BEGIN

/*
 * The fiber being left by the switch in progress. The process has a single
 * OS thread running fibers, so one variable is enough; the resumed side
 * reads it to learn the main stack's bounds under ASan.
 */
static struct fiber *switching_from;

/*
 * ASan: a switch is announced with the destination stack's bounds and
 * completed on the destination stack. Passing NULL as the fake-stack slot
 * tells ASan that the fiber being left will never resume, so its fake
 * stack (detect_stack_use_after_return) is freed.
 */
static void asan_start_switch(struct fiber *from, const struct fiber *to, bool final)
{
#if defined(SCHED_ASAN)
	__sanitizer_start_switch_fiber(final ? NULL : &from->asan_fake_stack, to->stack,
				       to->stack_size);
#endif
}

static void asan_finish_switch(struct fiber *self)
{
#if defined(SCHED_ASAN)
	const void *prev_bottom = NULL;
	size_t prev_size = 0;

	__sanitizer_finish_switch_fiber(self->asan_fake_stack, &prev_bottom, &prev_size);
	/* The main stack's bounds are only known to ASan: learn them the first
	 * time main is left, so that switches back to main can name them. */
	if (switching_from && switching_from->is_main && !switching_from->stack) {
		switching_from->stack = (void *)prev_bottom;
		switching_from->stack_size = prev_size;
	}
#endif
}

static void tsan_switch(const struct fiber *to, bool sync)
{
#if defined(SCHED_TSAN)
	__tsan_switch_to_fiber(to->tsan_fiber, sync ? 0 : __tsan_switch_to_fiber_no_sync);
#endif
}

/* First code on a fresh fiber stack (called by the backend). */
static void fiber_start(struct fiber *f)
{
	f->asan_fake_stack = NULL; /* a fresh start has no fake stack yet */
	asan_finish_switch(f);
	f->entry(f->arg);
	fprintf(stderr, "mmfuzz: fiber entry returned; fibers must switch away for good\n");
	abort();
}

void fiber_init_main(struct fiber *f)
{
	*f = (struct fiber){.is_main = true};
#if defined(SCHED_TSAN)
	f->tsan_fiber = __tsan_get_current_fiber();
#endif
	fiber_arch_init_main(f);
}

static size_t page_size(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	return ps > 0 ? (size_t)ps : 4096;
}

int fiber_create(struct fiber *f, size_t stack_size)
{
	size_t ps = page_size();
	size_t size = (stack_size + ps - 1) / ps * ps;
	char *base;

	*f = (struct fiber){0};
	/* One mapping: a PROT_NONE guard page below the stack, so that an
	 * overflow faults instead of corrupting a neighbour. */
	base = mmap(NULL, size + ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return -1;
	if (mprotect(base, ps, PROT_NONE) != 0) {
		munmap(base, size + ps);
		return -1;
	}
	f->stack = base + ps;
	f->stack_size = size;
#if defined(SCHED_TSAN)
	/* Once per fiber, never destroyed: creating TSan fibers per execution
	 * is slow and leaks (toolchain notes §4.2). */
	f->tsan_fiber = __tsan_create_fiber(0);
#endif
	return 0;
}

void fiber_set_name(struct fiber *f, const char *name)
{
#if defined(SCHED_TSAN)
	if (f->tsan_fiber && !f->is_main)
		__tsan_set_fiber_name(f->tsan_fiber, name);
#endif
	(void)f;
	(void)name;
}

void fiber_reset(struct fiber *f, void (*entry)(void *), void *arg)
{
	f->entry = entry;
	f->arg = arg;
#if defined(SCHED_ASAN)
	/* A fiber abandoned mid-execution (sched_fail, deadlock) left the
	 * redzones of its unfinished frames poisoned. */
	__asan_unpoison_memory_region(f->stack, f->stack_size);
#endif
	fiber_arch_prepare(f, fiber_start);
}

static void fiber_switch_impl(struct fiber *from, struct fiber *to, bool sync, bool final)
{
	asan_start_switch(from, to, final);
	switching_from = from;
	tsan_switch(to, sync);
	fiber_arch_swap(from, to);
	/* Resumed: some fiber switched back to `from`. */
	asan_finish_switch(from);
}

void fiber_switch(struct fiber *from, struct fiber *to, bool sync)
{
	fiber_switch_impl(from, to, sync, false);
}

void fiber_switch_final(struct fiber *from, struct fiber *to, bool sync)
{
	fiber_switch_impl(from, to, sync, true);
	fprintf(stderr, "mmfuzz: a fiber left for good was resumed\n");
	abort();
}

const char *fiber_backend(void)
{
	return fiber_arch_name();
}

SCHED_TSAN_IGNORE_END
