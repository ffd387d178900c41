/* sim/kernel_internal.h - the simulation's state, shared by the kernel's
 * own files (kernel.c, process.c, sync.c, log.c); not part of any contract. */
#ifndef SIM_KERNEL_INTERNAL_H
#define SIM_KERNEL_INTERNAL_H

#include "sim/kernel.h"
#include "sim/process.h"

struct sim {
	sim_time now;
	uint64_t seed;
	evq *queue;
	uint64_t executed;
	int stopping;
	sim_time run_end;              /* `end` of the running sim_run_until, 0 outside */
	sim_proc *current;             /* running process, NULL in events */
	int in_event;                  /* an event's callback is running (sim_run_until) */
	sim_proc *deferred;            /* woken by the running event, resumed right after it */
	struct sim_proc_sched *sched;  /* coroutine bookkeeping (process.c) */
	uint64_t progress_every;
	uint64_t progress_next;
	sim_progress_fn progress_fn;
	void *progress_arg;
};

/* The simulation whose events are being run (for sim_fatal's timestamp). */
extern sim *sim_running;

void sim_proc_sched_destroy(sim *s);

/* The deferred resumption (process.c's sim_proc_wake): run it now, as the
 * next event; or queue it as the event it stands for, before anything else
 * due now is scheduled or when the run stops. */
void sim_proc_run_deferred(sim *s);
void sim_proc_queue_deferred(sim *s);

#endif
