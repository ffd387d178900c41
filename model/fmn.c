/* model/fmn.c - the Fast Messaging Network: buckets, credits, hop latency.
 *
 * Every receiving station has a bucket. A sender needs a credit for the
 * destination bucket; credits belong to groups - one per core (its four
 * threads share them) and one per device station - as in Linux's
 * arch/mips/netlogic/xlr/fmn-config.c. The DMA bucket's credits are split
 * per core (dma_credits_per_core, 16 on the XLS4xx); for a thread bucket a
 * sender group may hold up to the bucket's depth. A credit returns when the
 * receiver dequeues the message. A thread without credit blocks in FIFO
 * order (this is the back-pressure path); the devices wait and retry.
 */
#include "model/npu_internal.h"
#include "sim/log.h"

SIM_LOG_MODULE(dma);

#include <stdlib.h>

void fmn_bucket_init(struct fmn_bucket *b, uint32_t cap)
{
	b->slot = calloc(cap, sizeof *b->slot);
	if (!b->slot)
		abort();
	b->cap = cap;
	b->head = b->len = 0;
}

int fmn_bucket_push(struct fmn_bucket *b, const struct fmn_slot *s)
{
	if (b->len == b->cap)
		return -1;
	b->slot[ring_at(b->head, b->len, b->cap)] = *s;
	b->len++;
	return 0;
}

unsigned fmn_group_of_station(unsigned station)
{
	if (station < NPU_THREADS)
		return station / NPU_THREADS_PER_CORE;
	return NPU_CORES + (station - NPU_THREADS);
}

static uint32_t credit_limit(const struct npu *n, unsigned group, unsigned dst)
{
	if (dst == STATION_DMA)
		return group < NPU_CORES ? n->cfg.dma_credits_per_core : 0;
	if (dst == STATION_MAC_TX)
		return n->cfg.thread_bucket_depth;
	(void)group;
	return n->cfg.thread_bucket_depth;
}

int fmn_has_credit(struct npu *n, unsigned group, unsigned dst)
{
	return n->credits_used[group][dst] < credit_limit(n, group, dst);
}

void fmn_wake_receiver(sim *s, void *arg)
{
	struct npu_thread *t = arg;
	t->wake = (sim_event_handle){ 0, 0 };
	if (t->waiting_recv) {
		t->waiting_recv = 0;
		sim_proc_wake(s, t->proc);
	}
}

void fmn_deliver(struct npu *n, unsigned src, unsigned dst, const struct hal_msg *m)
{
	unsigned group = fmn_group_of_station(src);
	sim_time now = sim_now(n->s);
	struct fmn_slot slot = {
		.m = *m,
		.visible_ps = now + n->cfg.fmn_hop_ps,
		.enqueued_ps = now,
		.credit_group = (uint8_t)group,
	};
	slot.m.src = (uint16_t)src;
	n->credits_used[group][dst]++;
	if (dst < NPU_THREADS) {
		struct npu_thread *t = &n->th[dst];
		slot.bucket = m->code == HAL_MSG_DMA_DONE ? HAL_BUCKET_COMPLETION : HAL_BUCKET_DATA;
		if (slot.bucket == HAL_BUCKET_COMPLETION) {
			n->credits_used[group][dst]--;     /* counted per bucket instead */
			n->done_credits_used[dst]++;
		}
		if (fmn_bucket_push(&t->bucket[slot.bucket], &slot) != 0)
			sim_fatal("FMN bucket of thread %u overflowed (credits exceed depth)", dst);
		bucket_changed(t);
		t->st.msgs_received++;
		int wakes = t->wake_bucket < 0 || t->wake_bucket == (int)slot.bucket;
		if (t->waiting_recv && wakes && t->wake.gen == 0)
			t->wake = sim_schedule_at(n->s, slot.visible_ps, fmn_wake_receiver, t);
	} else if (dst == STATION_DMA) {
		slot.depth_at_enqueue = n->dma_req.len;
		dma_note_request(n, &slot);
		if (fmn_bucket_push(&n->dma_req, &slot) != 0)
			sim_fatal("DMA request buffer overflowed (credits exceed depth)");
		SIM_LOG(n->s, dma, SIM_LOG_DEBUG, "push: %u bytes from station %u, depth %u",
			(unsigned)m->w[2], src, n->dma_req.len);
		sim_tavg_set(&n->dma.depth, now, n->dma_req.len);
		if (n->dma_req.len > n->dma.max_depth)
			n->dma.max_depth = n->dma_req.len;
		if (n->depth_hook)
			n->depth_hook(n->depth_ctx, now, n->dma_req.len);
		dma_on_request(n);
	} else if (dst == STATION_MAC_TX) {
		/* the MAC drains its transmit bucket at once */
		n->credits_used[group][dst]--;
		mac_tx(n, &slot.m);
		sim_signal_notify_one(n->s, &n->credit_wait[group][dst]);
	} else {
		sim_fatal("FMN message to station %u, which receives nothing", dst);
	}
}

int fmn_has_done_credit(const struct npu *n, unsigned t)
{
	return n->done_credits_used[t] < n->cfg.thread_bucket_depth;
}

void fmn_credit_return(struct npu *n, unsigned group, unsigned dst)
{
	n->credits_used[group][dst]--;
	sim_signal_notify_one(n->s, &n->credit_wait[group][dst]);
	/* threads of this core sleeping in hal_fmn_wait for this credit */
	if (group < NPU_CORES) {
		for (unsigned i = 0; i < NPU_THREADS_PER_CORE; i++) {
			struct npu_thread *t = &n->th[group * NPU_THREADS_PER_CORE + i];
			if (t->waiting_recv && t->watch_dst == dst && t->wake.gen == 0)
				t->wake = sim_schedule_in(n->s, 0, fmn_wake_receiver, t);
		}
	}
	/* devices waiting for credit retry */
	if (group == fmn_group_of_station(STATION_MAC_RX))
		mac_rx_kick(n);
	else if (group == fmn_group_of_station(STATION_DMA))
		dma_on_credit(n);
	else if (group == fmn_group_of_station(STATION_PCIE))
		npu_doorbell_flush(n);
}
