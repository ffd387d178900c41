/* sim/coro_switch_aarch64.S - the coroutine context switch for AArch64
 * (AAPCS64): saves x19-x30 and d8-d15 on the current stack, stores sp in
 * *save_sp (x0), loads sp from x1, restores the registers saved there and
 * returns through x30. See coro_switch_x86_64.S for the contract. */
#if defined(__aarch64__) && !defined(SIM_CORO_UCONTEXT)
	.text
	.globl	sim_coro_switch
	.type	sim_coro_switch, %function
sim_coro_switch:
	sub	sp, sp, #160
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
	mov	x2, sp
	str	x2, [x0]
	mov	sp, x1
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
	add	sp, sp, #160
	ret
	.size	sim_coro_switch, .-sim_coro_switch
#endif
#if defined(__linux__) && defined(__ELF__)
	.section .note.GNU-stack,"",%progbits
#endif
