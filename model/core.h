/* model/core.h - the XLS416's cores and their hardware threads: what a
 * thread holds (its two FMN buckets, the costs it has not paid yet, its
 * figures) and how the ready threads of one core share its issue slots.
 *
 * Contract. core_compute runs a thread's compute on its core, shared with
 * the core's other ready threads (processor sharing, see core.c), and
 * returns when it is done; the thread probes report state and bucket
 * changes. A thread's fields belong to the threads' own files: core.c and
 * the HAL (model/hal_sim.c), which runs the firmware on a thread.
 * Calls: sim/ and the probes. Called by: the HAL, the NPU builder
 * (model/npu.c), which fills in a thread's identity and links.
 */
#ifndef MODEL_CORE_H
#define MODEL_CORE_H

#include "model/fmn.h"
#include "sim/process.h"

struct hal_machine;
struct npu_thread;

struct npu_core {
	sim *s;
	sim_time cycle_ps;             /* one clock cycle */
	struct npu_thread *active[NPU_THREADS_PER_CORE];   /* with compute left */
	unsigned n_active;
	sim_time last_ps;              /* work_left is counted up to here */
	sim_event_handle next_done;
};

struct npu_thread {
	struct hal_machine *hw;        /* what the HAL reaches from it */
	sim *s;
	struct npu_core *core;
	const struct npu_probes *probes;
	unsigned id;
	sim_proc *proc;
	struct fmn_bucket bucket[HAL_BUCKETS];
	int waiting_recv;              /* parked in hal_fmn_recv or hal_fmn_wait */
	int wake_bucket;               /* hal_fmn_wait: bucket that wakes, or -1 */
	unsigned watch_dst;            /* hal_fmn_wait: station whose credit wakes */
	sim_event_handle wake;         /* pending wake for a not-yet-visible message */
	uint64_t pending_cycles;       /* hal_cost not yet paid */
	uint32_t pending_mem;          /* hal_mem not yet paid */
	/* processor sharing on the core */
	uint64_t work_left;            /* in ps x 12 (exact shares of 1..4) */
	int on_core;
	struct npu_thread_stats st;
};

/* `cycles` of the thread's compute, shared with the core's other ready
 * threads; returns when they are done. */
void core_compute(struct npu_thread *t, uint64_t cycles);

static inline void thread_state(const struct npu_thread *t, enum npu_thread_state s)
{
	if (t->probes->thread_state)
		t->probes->thread_state(t->probes->ctx, t->id, s, sim_now(t->s));
}

static inline void bucket_changed(const struct npu_thread *t)
{
	if (t->probes->bucket_depth)
		t->probes->bucket_depth(t->probes->ctx, t->id, sim_now(t->s),
					t->bucket[0].len + t->bucket[1].len);
}

#endif
