/* model/core.c - fine-grained multithreading on a single-issue core.
 *
 * The XLS cores issue from one ready hardware thread per cycle, switching
 * thread every cycle (paper section I: "when one hardware thread is waiting
 * for memory access result, other threads could switch in"). Modelled as
 * processor sharing: k threads with compute pending each progress at 1/k of
 * the core; a thread stalled on DRAM or waiting on the FMN is not in the
 * active set and costs nothing. Work is kept in units of ps x 12 so that
 * shares of 1..4 divide exactly (no rounding drift).
 */
#include "model/core.h"

#define SHARE_UNITS 12u

/* Advance every active thread's work by the time since the last update. */
static void core_advance(struct npu_core *c, sim_time now)
{
	if (c->n_active > 0 && now > c->last_ps) {
		uint64_t done = (uint64_t)(now - c->last_ps) * SHARE_UNITS / c->n_active;
		for (unsigned i = 0; i < c->n_active; i++) {
			struct npu_thread *t = c->active[i];
			t->work_left = t->work_left > done ? t->work_left - done : 0;
		}
	}
	c->last_ps = now;
}

static void core_done_event(sim *s, void *arg);

static void core_reschedule(struct npu_core *c)
{
	sim_cancel(c->s, c->next_done);
	c->next_done = (sim_event_handle){ 0, 0 };
	if (c->n_active == 0)
		return;
	uint64_t least = UINT64_MAX;
	for (unsigned i = 0; i < c->n_active; i++)
		if (c->active[i]->work_left < least)
			least = c->active[i]->work_left;
	/* ceil so that the finisher's work has surely reached zero */
	uint64_t ps = (least * c->n_active + SHARE_UNITS - 1) / SHARE_UNITS;
	c->next_done = sim_schedule_in(c->s, ps, core_done_event, c);
}

static void core_done_event(sim *s, void *arg)
{
	struct npu_core *c = arg;
	c->next_done = (sim_event_handle){ 0, 0 };
	core_advance(c, sim_now(s));
	for (unsigned i = 0; i < c->n_active;) {
		struct npu_thread *t = c->active[i];
		if (t->work_left == 0) {
			c->active[i] = c->active[--c->n_active];
			t->on_core = 0;
			sim_proc_wake(s, t->proc);
		} else {
			i++;
		}
	}
	core_reschedule(c);
}

void core_compute(struct npu_thread *t, uint64_t cycles)
{
	if (cycles == 0)
		return;
	struct npu_core *c = t->core;
	sim_time start = sim_now(c->s);
	core_advance(c, start);
	if (c->n_active == 0) {
		/* Alone on the core, the work ends at a known time. If no event
		 * comes first, its completion and the thread's resumption would
		 * be the next two events: skip them (the kernel's run-ahead),
		 * leaving the core and the thread as core_done_event would. */
		sim_time end = start + (cycles * c->cycle_ps * SHARE_UNITS + SHARE_UNITS - 1) / SHARE_UNITS;
		if (sim_quiet_until(c->s, end)) {
			thread_state(t, NPU_THREAD_COMPUTE);
			sim_run_ahead(c->s, end, 2);
			c->last_ps = end;
			t->work_left = 0;
			thread_state(t, NPU_THREAD_RUNNING);
			t->st.busy_ps += end - start;
			return;
		}
	}
	t->work_left = cycles * c->cycle_ps * SHARE_UNITS;
	c->active[c->n_active++] = t;
	t->on_core = 1;
	core_reschedule(c);
	thread_state(t, NPU_THREAD_COMPUTE);
	sim_proc_park(c->s);
	thread_state(t, NPU_THREAD_RUNNING);
	t->st.busy_ps += sim_now(c->s) - start;
}
