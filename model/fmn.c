/* model/fmn.c - the Fast Messaging Network: credits, hop latency, delivery.
 *
 * Every receiving station has a bucket. A sender needs a credit for the
 * destination bucket; credits belong to groups - one per core (its four
 * threads share them) and one per device station - as in Linux's
 * arch/mips/netlogic/xlr/fmn-config.c. The DMA bucket's credits are split
 * per core (dma_credits_per_core, 16 on the XLS4xx); for a thread bucket a
 * sender group may hold up to the bucket's depth. A credit returns when the
 * receiver dequeues the message. A thread without credit blocks in FIFO
 * order (this is the back-pressure path); the devices wait and retry.
 *
 * Invariant: credits_used[g][d] counts the messages of group g that station
 * d holds; completions to a thread's completion bucket are counted apart,
 * in done_credits_used, so that the DMA engine never waits behind data.
 */
#include "model/fmn.h"

#include <stdlib.h>
#include <string.h>

void fmn_bucket_init(struct fmn_bucket *b, uint32_t cap)
{
	b->slot = calloc(cap, sizeof *b->slot);
	if (!b->slot)
		abort();
	b->cap = cap;
	b->head = b->len = 0;
}

void fmn_bucket_release(struct fmn_bucket *b)
{
	free(b->slot);
	b->slot = NULL;
}

int fmn_bucket_push(struct fmn_bucket *b, const struct fmn_slot *s)
{
	if (b->len == b->cap)
		return -1;
	b->slot[ring_at(b->head, b->len, b->cap)] = *s;
	b->len++;
	return 0;
}

void fmn_init(struct fmn *f, sim *s, const struct npu_config *c)
{
	memset(f, 0, sizeof *f);
	f->s = s;
	f->hop_ps = c->fmn_hop_ps;
	f->thread_bucket_depth = c->thread_bucket_depth;
	f->dma_credits_per_core = c->dma_credits_per_core;
}

void fmn_set_receiver(struct fmn *f, unsigned station, fmn_receive_fn fn, void *ctx,
		      int drains_at_once)
{
	f->receiver[station] = (struct fmn_receiver){ fn, ctx, drains_at_once };
}

void fmn_set_sender(struct fmn *f, unsigned group, fmn_credit_fn credit_back, void *ctx)
{
	f->sender[group] = (struct fmn_sender){ credit_back, ctx };
}

unsigned fmn_group_of_station(unsigned station)
{
	if (station < NPU_THREADS)
		return station / NPU_THREADS_PER_CORE;
	return NPU_CORES + (station - NPU_THREADS);
}

static uint32_t credit_limit(const struct fmn *f, unsigned group, unsigned dst)
{
	if (dst == STATION_DMA)
		return group < NPU_CORES ? f->dma_credits_per_core : 0;
	return f->thread_bucket_depth;
}

int fmn_has_credit(const struct fmn *f, unsigned group, unsigned dst)
{
	return f->credits_used[group][dst] < credit_limit(f, group, dst);
}

uint32_t fmn_credits_in_use(const struct fmn *f, unsigned group, unsigned dst)
{
	return f->credits_used[group][dst];
}

void fmn_wait_credit(struct fmn *f, unsigned group, unsigned dst)
{
	sim_signal_wait(f->s, &f->credit_wait[group][dst]);
}

void fmn_deliver(struct fmn *f, unsigned src, unsigned dst, const struct hal_msg *m)
{
	unsigned group = fmn_group_of_station(src);
	sim_time now = sim_now(f->s);
	struct fmn_slot slot = {
		.m = *m,
		.visible_ps = now + f->hop_ps,
		.enqueued_ps = now,
		.credit_group = (uint8_t)group,
	};
	slot.m.src = (uint16_t)src;
	const struct fmn_receiver *r = dst < STATION_COUNT ? &f->receiver[dst] : NULL;
	if (!r || !r->fn)
		sim_fatal("FMN message to station %u, which receives nothing", dst);
	if (dst < NPU_THREADS && m->code == HAL_MSG_DMA_DONE) {
		slot.bucket = HAL_BUCKET_COMPLETION;
		f->done_credits_used[dst]++;
	} else {
		slot.bucket = HAL_BUCKET_DATA;
		f->credits_used[group][dst]++;
	}
	if (!r->drains_at_once) {
		r->fn(r->ctx, &slot);
		return;
	}
	f->credits_used[group][dst]--;
	r->fn(r->ctx, &slot);
	sim_signal_notify_one(f->s, &f->credit_wait[group][dst]);
}

int fmn_has_done_credit(const struct fmn *f, unsigned t)
{
	return f->done_credits_used[t] < f->thread_bucket_depth;
}

static void tell_sender(struct fmn *f, unsigned group, unsigned dst)
{
	const struct fmn_sender *sd = &f->sender[group];
	if (sd->credit_back)
		sd->credit_back(sd->ctx, group, dst);
}

void fmn_credit_return(struct fmn *f, unsigned group, unsigned dst)
{
	f->credits_used[group][dst]--;
	sim_signal_notify_one(f->s, &f->credit_wait[group][dst]);
	tell_sender(f, group, dst);
}

void fmn_done_credit_return(struct fmn *f, unsigned t)
{
	f->done_credits_used[t]--;
	tell_sender(f, fmn_group_of_station(STATION_DMA), t);
}
