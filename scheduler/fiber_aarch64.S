/* SPDX-License-Identifier: MIT */
/*
 * AArch64 (AAPCS64) context switch for fibers (see fiber_arch_asm.c).
 * Saved: x19-x28, fp (x29), lr (x30), d8-d15 and FPCR — the callee-saved
 * state; the switch is a normal call, so everything else is clobbered.
 * Frame: 176 bytes (a multiple of 16, as sp requires).
 */
#if defined(__aarch64__)
	.text

/* void mmfuzz_fiber_swap(void **save_sp, void *new_sp) */
	.globl	mmfuzz_fiber_swap
	.hidden	mmfuzz_fiber_swap
	.type	mmfuzz_fiber_swap, %function
	.p2align 4
mmfuzz_fiber_swap:
	sub	sp, sp, #176
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	stp	d8, d9, [sp, #96]
	stp	d10, d11, [sp, #112]
	stp	d12, d13, [sp, #128]
	stp	d14, d15, [sp, #144]
	mrs	x9, fpcr
	str	x9, [sp, #160]
	mov	x9, sp
	str	x9, [x0]
	mov	sp, x1
	ldr	x9, [sp, #160]
	msr	fpcr, x9
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	ldp	d8, d9, [sp, #96]
	ldp	d10, d11, [sp, #112]
	ldp	d12, d13, [sp, #128]
	ldp	d14, d15, [sp, #144]
	add	sp, sp, #176
	ret
	.size	mmfuzz_fiber_swap, .-mmfuzz_fiber_swap

/* First code on a new stack: x19 = struct fiber *, x20 = start function. */
	.globl	mmfuzz_fiber_start
	.hidden	mmfuzz_fiber_start
	.type	mmfuzz_fiber_start, %function
	.p2align 4
mmfuzz_fiber_start:
	mov	x0, x19
	blr	x20
	brk	#0
	.size	mmfuzz_fiber_start, .-mmfuzz_fiber_start
#endif

	.section .note.GNU-stack, "", %progbits
