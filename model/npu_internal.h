/* model/npu_internal.h - the XLS416 model as one machine: its sixteen
 * hardware threads on four cores, composed with the components that the
 * threads reach through the HAL.
 *
 * Contract. struct npu only composes: each component's state is its own
 * struct, behind its own header (model/fmn.h, mac.h, dma.h, pkt_pool.h,
 * ddr.h; the fiber and the PCIe link stand outside, model/link.h and
 * model/pcie.h), and is reached through that header alone. The threads'
 * state (struct npu_thread, struct npu_core) belongs to the threads' files:
 * core.c (sharing a core) and hal_sim.c (firmware/hal.h on a thread).
 * Included by npu.c, core.c and hal_sim.c only; the components never see
 * it - data flows from the threads into the components, and back only
 * through what the components were given to call (FMN receivers and
 * senders, probes).
 */
#ifndef MODEL_NPU_INTERNAL_H
#define MODEL_NPU_INTERNAL_H

#include "model/dma.h"
#include "model/fmn.h"
#include "model/mac.h"
#include "model/npu.h"
#include "model/pkt_pool.h"
#include "sim/process.h"

struct npu_thread {
	struct npu *n;
	unsigned id, core;
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

struct npu_core {
	struct npu_thread *active[NPU_THREADS_PER_CORE];
	unsigned n_active;
	sim_time last_ps;
	sim_event_handle next_done;
};

struct npu {
	sim *s;
	struct npu_config cfg;
	struct npu_program prog;
	void *fw_state;
	const struct npu_param *params;
	size_t n_params;
	sim_time cycle_ps;
	struct npu_probes probes;      /* the components hold a pointer to it */
	/* the threads */
	struct npu_thread th[NPU_THREADS];
	struct npu_core core[NPU_CORES];
	/* the components */
	struct fmn fmn;
	struct pkt_pool pool;
	struct mac mac;
	struct dma_engine dma;
	struct ddr ddr;                /* shared by the threads and the DMA engine */
	struct pcie *pcie;
	/* a host doorbell that waits for FMN credit to the tx thread */
	int doorbell_pending;
	uint32_t doorbell_value;
};

static inline void bucket_changed(struct npu_thread *t)
{
	const struct npu_probes *p = &t->n->probes;
	if (p->bucket_depth)
		p->bucket_depth(p->ctx, t->id, sim_now(t->n->s), t->bucket[0].len + t->bucket[1].len);
}

static inline void thread_state(struct npu_thread *t, enum npu_thread_state s)
{
	const struct npu_probes *p = &t->n->probes;
	if (p->thread_state)
		p->thread_state(p->ctx, t->id, s, sim_now(t->n->s));
}

/* core.c: `cycles` of compute, shared with the core's other ready threads;
 * returns when they are done. */
void core_compute(struct npu_thread *t, uint64_t cycles);

/* hal_sim.c */
extern struct npu_thread *hal_current;
/* Makes the threads FMN stations: receivers of their buckets, and senders
 * told when a credit of their core returns. */
void hal_threads_attach(struct npu *n);

#endif
