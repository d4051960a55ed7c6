/* SPDX-License-Identifier: MIT */
/*
 * x86-64 System V context switch for fibers (see fiber_arch_asm.c).
 *
 * Only callee-saved state needs saving: the switch is an ordinary call, so
 * the compiler already assumes every caller-saved register is clobbered.
 * Saved: rbp rbx r12-r15, MXCSR and the x87 control word (rounding and
 * exception masks are callee-saved by the ABI).
 */
#if defined(__x86_64__)
	.text

/* void mmfuzz_fiber_swap(void **save_sp, void *new_sp) */
	.globl	mmfuzz_fiber_swap
	.hidden	mmfuzz_fiber_swap
	.type	mmfuzz_fiber_swap, @function
	.p2align 4
mmfuzz_fiber_swap:
	.cfi_startproc
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	/*
	 * `ret`, not Boost's `pop; jmp *reg`: in the scheduler both sides of a
	 * switch are paused in the same call chain (sched_point ... swap), so
	 * the return stack predicts this ret and the ones above it. A jmp
	 * leaves a stale return-stack entry and every later ret mispredicts
	 * (measured: 23 -> 104 ns per fiber_switch).
	 */
	ret
	.cfi_endproc
	.size	mmfuzz_fiber_swap, .-mmfuzz_fiber_swap

/*
 * First code run on a new fiber stack, reached by the `ret` above from a
 * frame built by fiber_arch_prepare(): r12 = struct fiber *, r13 = start
 * function. rsp is 16-byte aligned here, as a call requires. The start
 * function never returns; ud2 makes a bug loud instead of running off
 * the top of the stack.
 */
	.globl	mmfuzz_fiber_start
	.hidden	mmfuzz_fiber_start
	.type	mmfuzz_fiber_start, @function
	.p2align 4
mmfuzz_fiber_start:
	.cfi_startproc
	.cfi_undefined rip	/* outermost frame: unwinders stop here */
	movq	%r12, %rdi
	callq	*%r13
	ud2
	.cfi_endproc
	.size	mmfuzz_fiber_start, .-mmfuzz_fiber_start
#endif

	.section .note.GNU-stack, "", @progbits
