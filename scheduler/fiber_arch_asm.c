// SPDX-License-Identifier: MIT
/*
 * Fiber backend: the hand-written switch in fiber_<arch>.S. About 30 times
 * faster than swapcontext, which makes a sigprocmask syscall per switch
 * (bench/bench_switch measures both).
 */
#include "fiber_arch.h"
#include "sanitizer.h"

#if !defined(FIBER_USE_UCONTEXT) && !defined(FIBER_USE_BOOST)

#include <stdint.h>
#include <string.h>

SCHED_TSAN_IGNORE_BEGIN

void mmfuzz_fiber_swap(void **save_sp, void *new_sp);
void mmfuzz_fiber_start(void);

void fiber_arch_init_main(struct fiber *f)
{
	f->sp = NULL; /* filled by the first swap away from main */
}

#if defined(__x86_64__)
/*
 * Initial frame, as mmfuzz_fiber_swap pops it (lowest address first):
 * MXCSR + x87 CW, r15, r14, r13 = start, r12 = fiber, rbx, rbp = 0, return
 * address = mmfuzz_fiber_start. The 16 bytes of padding above make rsp
 * 16-byte aligned once `ret` has popped the return address.
 */
void fiber_arch_prepare(struct fiber *f, fiber_start_fn start)
{
	uintptr_t top = ((uintptr_t)f->stack + f->stack_size) & ~(uintptr_t)15;
	uint64_t *frame = (uint64_t *)(top - 80);

	memset(frame, 0, 80);
	frame[0] = 0x1F80 | ((uint64_t)0x037F << 32); /* default MXCSR and x87 CW */
	frame[3] = (uint64_t)(uintptr_t)start;	      /* r13 */
	frame[4] = (uint64_t)(uintptr_t)f;	      /* r12 */
	frame[7] = (uint64_t)(uintptr_t)mmfuzz_fiber_start;
	f->sp = frame;
}

const char *fiber_arch_name(void)
{
	return "asm-x86_64";
}
#elif defined(__aarch64__)
/* Initial frame: x19 = fiber, x20 = start, x29 = 0, x30 = mmfuzz_fiber_start,
 * FPCR = 0 (round to nearest, no traps). */
void fiber_arch_prepare(struct fiber *f, fiber_start_fn start)
{
	uintptr_t top = ((uintptr_t)f->stack + f->stack_size) & ~(uintptr_t)15;
	uint64_t *frame = (uint64_t *)(top - 176);

	memset(frame, 0, 176);
	frame[0] = (uint64_t)(uintptr_t)f;
	frame[1] = (uint64_t)(uintptr_t)start;
	frame[11] = (uint64_t)(uintptr_t)mmfuzz_fiber_start;
	f->sp = frame;
}

const char *fiber_arch_name(void)
{
	return "asm-aarch64";
}
#endif

void fiber_arch_swap(struct fiber *from, struct fiber *to)
{
	mmfuzz_fiber_swap(&from->sp, to->sp);
}

SCHED_TSAN_IGNORE_END

#endif
