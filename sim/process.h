/* sim/process.h - simulated processes: stackful coroutines driven by events.
 *
 * One process per simulated hardware thread or host task. A process runs
 * until it waits (for a time, a signal or a queue), which returns control to
 * the kernel; it resumes from an event at the simulated time it is woken.
 * The context switch is hand-written assembly on x86-64 and aarch64, or
 * ucontext when built with SIM_CORO=ucontext (both are tested). Every stack
 * has a guard page below it: an overflow stops the program with a message
 * naming the process, never corrupts a neighbour.
 */
#ifndef SIM_PROCESS_H
#define SIM_PROCESS_H

#include <stddef.h>
#include "sim/kernel.h"

typedef struct sim_proc sim_proc;
typedef void (*sim_proc_fn)(sim *s, void *arg);

#define SIM_PROC_STACK_DEFAULT (64 * 1024)

/* Creates a process that starts running `fn(s, arg)` at the current time
 * (after events already scheduled for now). stack_bytes 0 = default. When fn
 * returns, the process ends and its stack is released. */
sim_proc *sim_proc_spawn(sim *s, const char *name, sim_proc_fn fn, void *arg,
			 size_t stack_bytes);

/* The running process, or NULL when called from an event callback. */
sim_proc *sim_proc_self(const sim *s);
const char *sim_proc_name(const sim_proc *p);

/* --- callable only from inside a process --- */
/* Sleep for `delay` of simulated time (0 = yield behind events due now). */
void sim_proc_wait(sim *s, sim_time delay);
/* Park until sim_proc_wake() is called on this process. */
void sim_proc_park(sim *s);

/* Make a parked process runnable at the current time. Callable from events
 * and other processes; waking a process that is not parked is fatal. */
void sim_proc_wake(sim *s, sim_proc *p);

/* Name of the context switch compiled in: "asm-x86_64", "asm-aarch64" or
 * "ucontext". */
const char *sim_proc_switch_name(void);

#endif
