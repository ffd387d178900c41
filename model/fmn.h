/* model/fmn.h - the XLS416's Fast Messaging Network: stations, credits and
 * the hop latency between a sender and a receiving station's bucket.
 *
 * Contract. The FMN counts credits and carries messages; it keeps no
 * bucket itself. Each receiving station registers a receiver, which takes
 * the message (a thread's bucket, the DMA engine's request buffer, the
 * MAC's transmit side); each sender group may register a function told
 * when one of its credits returns (a thread parked for it, a device that
 * retries). The FMN calls nothing else: components call the FMN, never the
 * other way round except through what they registered.
 * Calls: sim/ only. Called by: the threads (model/hal_sim.c), the MAC
 * (model/mac.c), the DMA engine (model/dma.c), the doorbell (model/npu.c).
 */
#ifndef MODEL_FMN_H
#define MODEL_FMN_H

#include "model/npu_types.h"
#include "sim/sync.h"

/* Stations: threads 0..15 are stations 0..15, then the devices. */
enum {
	STATION_MAC_RX = NPU_THREADS,
	STATION_MAC_TX,
	STATION_DMA,
	STATION_PCIE,
	STATION_COUNT
};

/* Credit-holding groups: one per core, and one per device station. */
#define FMN_GROUPS (NPU_CORES + (STATION_COUNT - NPU_THREADS))

/* A message on its way to or in a bucket; visible to the receiver from
 * visible_ps on (the FMN hop latency). */
struct fmn_slot {
	struct hal_msg m;
	sim_time visible_ps;
	sim_time enqueued_ps;
	uint32_t depth_at_enqueue;
	uint8_t credit_group;          /* whose credit it holds */
	uint8_t bucket;                /* enum hal_bucket, for thread buckets */
	/* DMA requests only (model/dma.c) */
	uint8_t syn;                   /* enum dma_syn_kind: the bytes are a SYN */
	uint32_t overtaken;            /* newer requests served before this one */
	uint64_t seq;                  /* order of arrival in the request buffer */
};

/* A bucket: a ring of slots (FIFO), or for the DMA engine a stack. Kept by
 * the receiving station. */
struct fmn_bucket {
	struct fmn_slot *slot;
	uint32_t cap, head, len;
};

/* Slot k places after head in a ring of cap slots (head < cap, k <= cap):
 * a compare instead of the division that % costs. */
static inline uint32_t ring_at(uint32_t head, uint32_t k, uint32_t cap)
{
	uint32_t i = head + k;
	return i >= cap ? i - cap : i;
}

/* An NPU memory address in a message word: on the simulated NPU, the
 * simulator's pointer (hal_addr_of and hal_ptr_of of firmware/hal.h are
 * these). */
static inline uint64_t fmn_addr_of(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static inline void *fmn_ptr_of(uint64_t addr)
{
	return (void *)(uintptr_t)addr;
}

void fmn_bucket_init(struct fmn_bucket *b, uint32_t cap);
void fmn_bucket_release(struct fmn_bucket *b);
/* Append at the tail; -1 if the bucket is full. */
int fmn_bucket_push(struct fmn_bucket *b, const struct fmn_slot *s);

/* A station takes a message that the FMN delivers to it. */
typedef void (*fmn_receive_fn)(void *ctx, struct fmn_slot *s);
/* A credit of the sender group returned; dst is the station it is for. */
typedef void (*fmn_credit_fn)(void *ctx, unsigned group, unsigned dst);

struct fmn_receiver {
	fmn_receive_fn fn;
	void *ctx;
	int drains_at_once;            /* takes the message at once: its credit
					* returns on delivery */
};

struct fmn_sender {
	fmn_credit_fn credit_back;
	void *ctx;
};

struct fmn {
	sim *s;
	sim_time hop_ps;                   /* per-message latency */
	uint32_t thread_bucket_depth;      /* credits of a group for a thread bucket */
	uint32_t dma_credits_per_core;     /* credits of a core for the DMA bucket */
	uint32_t credits_used[FMN_GROUPS][STATION_COUNT];
	sim_signal credit_wait[FMN_GROUPS][STATION_COUNT];
	uint32_t done_credits_used[NPU_THREADS];   /* DMA -> completion buckets */
	struct fmn_receiver receiver[STATION_COUNT];
	struct fmn_sender sender[FMN_GROUPS];
};

void fmn_init(struct fmn *f, sim *s, const struct npu_config *c);
void fmn_set_receiver(struct fmn *f, unsigned station, fmn_receive_fn fn, void *ctx,
		      int drains_at_once);
void fmn_set_sender(struct fmn *f, unsigned group, fmn_credit_fn credit_back, void *ctx);

unsigned fmn_group_of_station(unsigned station);
int fmn_has_credit(const struct fmn *f, unsigned group, unsigned dst);
uint32_t fmn_credits_in_use(const struct fmn *f, unsigned group, unsigned dst);
/* Park the calling thread until a credit of `group` for dst returns; the
 * credit may be taken by another before it runs: ask again. */
void fmn_wait_credit(struct fmn *f, unsigned group, unsigned dst);
/* Deliver m from station src to station dst, taking one credit of src's
 * group; the caller checked fmn_has_credit (fmn_has_done_credit for a
 * completion). */
void fmn_deliver(struct fmn *f, unsigned src, unsigned dst, const struct hal_msg *m);
/* A receiver dequeued a message holding a credit of `group` for dst. */
void fmn_credit_return(struct fmn *f, unsigned group, unsigned dst);
/* Credit of the DMA engine for thread t's completion bucket, and its return
 * when thread t dequeues a completion. */
int fmn_has_done_credit(const struct fmn *f, unsigned t);
void fmn_done_credit_return(struct fmn *f, unsigned t);

#endif
