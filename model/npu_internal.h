/* model/npu_internal.h - the XLS416 model's state, shared by its component
 * files (core.c, fmn.c, dma.c, mac.c, hal_sim.c, npu.c). Not a contract:
 * other modules use model/npu.h. */
#ifndef MODEL_NPU_INTERNAL_H
#define MODEL_NPU_INTERNAL_H

#include "model/npu.h"
#include "sim/process.h"
#include "sim/sync.h"

/* Stations: threads 0..15 are stations 0..15, then the devices. */
enum {
	STATION_MAC_RX = NPU_THREADS,
	STATION_MAC_TX,
	STATION_DMA,
	STATION_PCIE,
	STATION_COUNT
};

/* A message in a bucket; visible to the receiver from visible_ps on (the
 * FMN hop latency). */
struct fmn_slot {
	struct hal_msg m;
	sim_time visible_ps;
	sim_time enqueued_ps;
	uint32_t depth_at_enqueue;
	uint8_t credit_group;          /* whose credit it holds */
	uint8_t bucket;                /* enum hal_bucket, for thread buckets */
	/* DMA requests only (dma_note_request) */
	uint8_t syn;                   /* enum dma_syn_kind: the bytes are a SYN */
	uint32_t overtaken;            /* newer requests served before this one */
	uint64_t seq;                  /* order of arrival in the request buffer */
};

/* A bucket: a ring of slots (FIFO), or for the DMA engine a stack. */
struct fmn_bucket {
	struct fmn_slot *slot;
	uint32_t cap, head, len;
};

/* Credit-holding groups: one per core, and one per device station. */
#define FMN_GROUPS (NPU_CORES + (STATION_COUNT - NPU_THREADS))

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
	sim_time state_since;
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
	struct frame_pool *frames;
	struct link *link;
	struct pcie *pcie;
	struct npu_program prog;
	void *fw_state;
	const struct npu_param *params;
	size_t n_params;
	struct npu_thread th[NPU_THREADS];
	struct npu_core core[NPU_CORES];
	sim_time cycle_ps;
	/* FMN credits: per group, for thread buckets and for the DMA bucket */
	uint32_t credits_used[FMN_GROUPS][STATION_COUNT];
	sim_signal credit_wait[FMN_GROUPS][STATION_COUNT];
	uint32_t done_credits_used[NPU_THREADS];   /* DMA -> completion buckets */
	/* packet buffers */
	uint8_t *pkt_mem;
	void **pkt_free;
	uint32_t pkt_free_n;
	uint32_t rx_floor;                 /* the MAC leaves this many free */
	/* MAC rx FIFO */
	struct frame *rx_head, *rx_tail;
	uint32_t rx_fifo_bytes;
	unsigned pde_next;
	int rx_blocked;                /* FIFO head waits for a packet buffer */
	int pausing;                   /* PAUSE sent, not yet released */
	int doorbell_pending;          /* a doorbell waits for FMN credit */
	uint32_t doorbell_value;
	/* frames in packet buffers waiting for FMN credit to their thread's
	 * bucket: one queue per thread, so a slow thread blocks only itself */
	struct pde_pending { uint64_t addr; uint32_t len; } *pde_q[NPU_THREADS];
	uint32_t pde_head[NPU_THREADS], pde_len[NPU_THREADS];
	struct mac_stats mac;
	/* DMA engine */
	struct fmn_bucket dma_req;
	int dma_busy;
	uint64_t dma_seq;              /* requests that entered the buffer */
	uint32_t dma_syn_waiting;      /* of those waiting, SYN carriers */
	struct fmn_slot dma_done_q[1024]; /* completions waiting for credit */
	uint32_t dma_done_head, dma_done_len;
	struct dma_stats dma;
	struct ddr ddr;
	dma_trace_fn dma_trace;
	void *dma_trace_ctx;
	npu_depth_fn depth_hook;
	void *depth_ctx;
	npu_state_fn state_hook;
	void *state_ctx;
	npu_depth_fn fifo_hook;
	void *fifo_ctx;
	npu_bucket_fn bucket_hook;
	void *bucket_ctx;
};

/* Slot k places after head in a ring of cap slots (head < cap, k <= cap):
 * a compare instead of the division that % costs. */
static inline uint32_t ring_at(uint32_t head, uint32_t k, uint32_t cap)
{
	uint32_t i = head + k;
	return i >= cap ? i - cap : i;
}

static inline void bucket_changed(struct npu_thread *t)
{
	if (t->n->bucket_hook)
		t->n->bucket_hook(t->n->bucket_ctx, t->id, sim_now(t->n->s),
				  t->bucket[0].len + t->bucket[1].len);
}

static inline void thread_state(struct npu_thread *t, enum npu_thread_state s)
{
	if (t->n->state_hook)
		t->n->state_hook(t->n->state_ctx, t->id, s, sim_now(t->n->s));
}

/* core.c */
void core_compute(struct npu_thread *t, uint64_t cycles);
void thread_set_state_time(struct npu_thread *t);

/* fmn.c */
unsigned fmn_group_of_station(unsigned station);
int fmn_has_credit(struct npu *n, unsigned group, unsigned dst);
/* Deliver m from `src` to station dst, taking one credit of src's group;
 * the caller checked fmn_has_credit. */
void fmn_deliver(struct npu *n, unsigned src, unsigned dst, const struct hal_msg *m);
/* A receiver dequeued a message holding a credit of `group` for dst. */
void fmn_credit_return(struct npu *n, unsigned group, unsigned dst);
/* Credit of the DMA engine for thread t's completion bucket. */
int fmn_has_done_credit(const struct npu *n, unsigned t);
int fmn_bucket_push(struct fmn_bucket *b, const struct fmn_slot *s);
void fmn_bucket_init(struct fmn_bucket *b, uint32_t cap);
/* Event: a message became visible to a thread parked in hal_fmn_recv. */
void fmn_wake_receiver(sim *s, void *arg);

/* dma.c */
void dma_on_request(struct npu *n);
/* A request enters the buffer: number it, note whether it carries a SYN. */
void dma_note_request(struct npu *n, struct fmn_slot *s);
/* End of run: requests still waiting count into the SYN figures. */
void dma_finish(struct npu *n);
void dma_on_credit(struct npu *n);

/* mac.c */
void mac_rx_from_link(void *ctx, struct frame *f);
void mac_rx_kick(struct npu *n);
void mac_tx(struct npu *n, const struct hal_msg *m);

/* npu.c: packet buffers; a doorbell that waited for credit */
void npu_doorbell_flush(struct npu *n);
void *npu_pkt_alloc(struct npu *n);
void *npu_pkt_alloc_rx(struct npu *n);  /* for the MAC: leaves the tx reserve */
/* The start of the packet buffer that p lies in, or NULL if p is not in
 * the pool (the DMA report reads a request's frame headers there). */
const uint8_t *npu_pkt_buffer_of(const struct npu *n, const void *p);
void npu_pkt_free(struct npu *n, void *buf);

/* hal_sim.c */
extern struct npu_thread *hal_current;
void hal_pay(struct npu_thread *t);

#endif
