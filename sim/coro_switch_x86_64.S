/* sim/coro_switch_x86_64.S - the coroutine context switch for x86-64 (SysV).
 *
 * void sim_coro_switch(void **save_sp, void *load_sp)
 * Pushes the callee-saved registers on the current stack, stores the stack
 * pointer in *save_sp, loads load_sp, pops the registers saved there and
 * returns into that context. A fresh context is prepared by process.c so
 * that this "return" enters sim_coro_entry.
 *
 * The return is a pop and an indirect jump, not `ret`: a `ret` here always
 * goes somewhere other than where the call came from, so the CPU's return
 * predictor misses on every switch, while the indirect-branch predictor
 * learns the few places that contexts resume at (3.5 % less CPU time in
 * bench-sim, docs/PERFORMANCE.md).
 */
#if defined(__x86_64__) && !defined(SIM_CORO_UCONTEXT)
	.text
	.globl	sim_coro_switch
	.type	sim_coro_switch, @function
sim_coro_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	popq	%rcx               /* the return address, into a scratch register */
	jmpq	*%rcx
	.size	sim_coro_switch, .-sim_coro_switch
#endif
	.section .note.GNU-stack,"",%progbits
