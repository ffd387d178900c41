/* firmware/threads.c - the firmware's hardware threads: thin loops over the
 * HAL around the LRO engine (paper sections III-V).
 *
 * rx thread: frames and timeout messages in; the engine's actions out:
 * deliveries become DMA requests into the thread's own rx ring (one request
 * for the first segment with its rewritten headers, one per further
 * payload, contiguous in the host buffer), published in ring order once
 * all their completions came back; active ACKs go to the MAC.
 * timeout thread: scans every rx thread's descriptors for receive timeouts
 * and, with dma.lb on, forwards DMA requests round-robin from one queue per
 * rx thread (paper V.B, Fig. 10).
 * tx thread: host frames from the tx ring out through the MAC; with the
 * safe active ACK it first tells the engine that has the flow what the
 * frame says about the host's window, and sends the window update the
 * engine may ask for.
 */
#include "firmware/firmware.h"

#include <string.h>
#include "firmware/dma_lb.h"
#include "firmware/hal.h"
#include "firmware/lro_policy.h"
#include "firmware/nic_abi.h"

#define FW_MAX_CONNS 1024u
#define FW_MAX_RING 1024u

/* Timeout thread -> rx thread: packet buffers are running low. */
#define FW_MSG_POOL_LOW (HAL_MSG_USER + 0)

/* A frame or aggregate on its way to the host: one rx descriptor. */
struct fw_delivery {
	struct lro_seg *segs;          /* aggregate: segments to free after */
	uint8_t *buf;                  /* pass-through: the frame's buffer */
	uint32_t dmas_left;
	uint32_t len;
	uint32_t segments;
	uint32_t seg_size;             /* nic_rx_desc.seg_size */
	uint32_t flags;
	uint8_t used;
};

struct fw_rx {
	struct lro_engine *eng;
	struct fw_delivery ring[FW_MAX_RING];   /* mirrors the rx ring */
	uint32_t next_fill;            /* next descriptor to use */
	uint32_t next_publish;         /* next descriptor to hand to the host */
	uint64_t last_notified_arrival[FW_MAX_CONNS]; /* timeout thread's memory */
	uint64_t dma_requests, ring_full_waits, frames_to_host, msi_raised, ack_alloc_fail;
	uint64_t timeouts_sent, timeouts_deferred, pool_low_signals;
	struct lro_out out;            /* the engine's actions for one input */
	_Alignas(8) uint8_t eng_mem[];  /* the engine, lro_engine_bytes() long */
};

struct fw_state {
	unsigned rx_threads, tx_thread, timeout_thread;
	uint32_t rx_entries, tx_entries;
	uint32_t lb, lb_window, period_cycles;   /* lb: balancer on */
	uint32_t pool_low;             /* free buffers below this: release */
	uint64_t pool_signalled_at;    /* cycle of the last release request */
	size_t rx_stride;
	struct nic_shm_header *shm;
	struct nic_rx_desc *rx_desc[FW_MAX_RX];
	struct nic_tx_slot *tx_slots;
	struct dma_lb balancer;        /* its queues (timeout thread) */
	uint64_t tx_frames, tx_alloc_fail, tx_fetches;
	uint32_t safe_ack;             /* lro.active_ack = safe: the tx thread reads host windows */
	uint8_t gives_seg_size;        /* the policy's: descriptors name the segment size */
	uint64_t window_update_alloc_fail;
	struct lro_action window_update; /* the tx thread's window update */
	_Alignas(64) uint8_t rx_mem[];  /* rx_threads x rx_stride */
};

static struct lro_config engine_config(void)
{
	struct lro_config c;
	lro_config_default(&c);
	c.max_conns = FW_MAX_CONNS;
	return c;
}

static size_t rx_stride(void)
{
	struct lro_config c = engine_config();
	return (sizeof(struct fw_rx) + lro_engine_bytes(&c) + 63u) & ~(size_t)63u;
}

size_t fw_state_bytes(void)
{
	return sizeof(struct fw_state) + FW_MAX_RX * rx_stride();
}

static struct fw_rx *rx_of(struct fw_state *fw, unsigned i)
{
	return (struct fw_rx *)(void *)(fw->rx_mem + i * fw->rx_stride);
}

static uint32_t clamp(uint64_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : (uint32_t)v;
}

void fw_init(void *state)
{
	struct fw_state *fw = state;
	fw->rx_threads = clamp(hal_param("rx.threads", 13), 1, FW_MAX_RX);
	fw->tx_thread = fw->rx_threads;
	fw->timeout_thread = fw->rx_threads + 1;
	fw->rx_entries = clamp(hal_param("ring.rx_entries", 256), 4, FW_MAX_RING);
	fw->tx_entries = clamp(hal_param("ring.tx_entries", 256), 4, 4096);
	fw->lb = hal_param("dma.lb", 1) != 0;
	fw->lb_window = clamp(hal_param("dma.lb_window", 1), 1, 64);
	fw->period_cycles = clamp(hal_param("timeout.period_cycles", 20000), 100, 100000000);
	fw->rx_stride = rx_stride();
	dma_lb_init(&fw->balancer, fw->rx_threads);
	uint64_t pool = hal_pkt_pool_size();
	fw->pool_low = (uint32_t)(pool * clamp(hal_param("lro.pool_low_permille", 60), 0, 1000) / 1000u);

	struct lro_config c = engine_config();
	c.mode = hal_param("lro.mode", 1) ? LRO_MODE_LRO : LRO_MODE_NIC;
	c.threshold_bytes = clamp(hal_param("lro.threshold", 65536), 1, 1u << 20);
	c.max_aggregate_bytes = clamp(hal_param("lro.max_aggregate", 65535), 65535, LRO_BIG_AGG_MAX);
	c.active_ack = (uint8_t)clamp(hal_param("lro.active_ack", LRO_ACK_ON), LRO_ACK_OFF,
				      LRO_ACK_MODES - 1);
	fw->safe_ack = c.active_ack == LRO_ACK_SAFE;
	c.ack_window = (uint16_t)clamp(hal_param("lro.ack_window", 65535), 0, 65535);
	c.timeout_factor = clamp(hal_param("lro.timeout_factor", 10), 1, 1000000);
	c.timeout_rule = (uint8_t)clamp(hal_param("lro.timeout_rule", LRO_TIMEOUT_PAPER), 0,
					LRO_TIMEOUT_RULES - 1);
	c.timeout_floor_ns = clamp(hal_param("lro.timeout_floor_ns", c.timeout_floor_ns), 0,
				   1000000000u);
	c.timeout_gap_ns = clamp(hal_param("lro.timeout_gap_ns", c.timeout_gap_ns), 0, 1000000000u);
	c.policy = (uint8_t)clamp(hal_param("lro.policy", LRO_POLICY_PAPER), 0, LRO_POLICIES - 1);
	fw->gives_seg_size = lro_policy_get(c.policy)->gives_seg_size;
	c.flush_timeout_ns = clamp(hal_param("lro.flush_timeout_ns", 0), 0, 1000000000u);
	uint32_t conns = clamp(hal_param("lro.conns", 64), 1, FW_MAX_CONNS);
	for (unsigned i = 0; i < fw->rx_threads; i++) {
		struct fw_rx *rx = rx_of(fw, i);
		struct lro_config ci = c;
		ci.max_conns = conns;
		rx->eng = lro_engine_init(rx->eng_mem, &ci);
	}

	/* the shared memory layout the driver reads (nic_abi.h) */
	uint8_t *shm = hal_shm_base();
	fw->shm = (struct nic_shm_header *)(void *)shm;
	memset(fw->shm, 0, sizeof *fw->shm);
	uint64_t off = (sizeof *fw->shm + 63u) & ~(uint64_t)63u;
	for (unsigned i = 0; i < fw->rx_threads; i++) {
		fw->shm->rx_ring_offset[i] = nic_le64(off);
		fw->rx_desc[i] = (struct nic_rx_desc *)(void *)(shm + off);
		memset(fw->rx_desc[i], 0, fw->rx_entries * sizeof(struct nic_rx_desc));
		off += fw->rx_entries * sizeof(struct nic_rx_desc);
	}
	fw->shm->tx_ring_offset = nic_le64(off);
	fw->tx_slots = (struct nic_tx_slot *)(void *)(shm + off);
	memset(fw->tx_slots, 0, fw->tx_entries * sizeof(struct nic_tx_slot));
	fw->shm->rx_rings = nic_le32(fw->rx_threads);
	fw->shm->rx_ring_entries = nic_le32(fw->rx_entries);
	fw->shm->tx_ring_entries = nic_le32(fw->tx_entries);
	fw->shm->version = nic_le32(NIC_ABI_VERSION);
	fw->shm->magic = nic_le32(NIC_ABI_MAGIC);
}

/* ---- rx thread ---- */

static void handle_message(struct fw_state *fw, unsigned me, const struct hal_msg *m);


/* Take the DMA completions that have arrived (they free descriptors and
 * packet buffers). */
static bool take_completions(struct fw_state *fw, unsigned me)
{
	struct hal_msg m;
	bool any = false;
	while (hal_fmn_try_recv_bucket(HAL_BUCKET_COMPLETION, &m)) {
		handle_message(fw, me, &m);
		any = true;
	}
	return any;
}

/* Send without starving the thread's own completions: while the
 * destination has no credit, keep taking DMA completions (the engine may
 * be waiting for room in our completion bucket - blocking outright could
 * close a cycle: rx thread waits on the balancer, the balancer on the DMA
 * engine, the engine on the rx thread). */
static void send_draining(struct fw_state *fw, unsigned me, unsigned dst,
			  const struct hal_msg *out)
{
	while (!hal_fmn_try_send(dst, out))
		if (!take_completions(fw, me))
			hal_fmn_wait(dst, ~0u, HAL_BUCKET_COMPLETION, 0);
}

static void send_dma(struct fw_state *fw, unsigned me, const uint8_t *src, uint64_t dst,
		     uint32_t len, uint32_t slot)
{
	struct hal_msg m = { .code = fw->lb ? HAL_MSG_DMA_LB : HAL_MSG_DMA_REQ, .words = 4 };
	m.w[0] = hal_addr_of(src);
	m.w[1] = dst;
	m.w[2] = (uint64_t)len | (uint64_t)hal_station_of_thread(me) << 32;
	m.w[3] = slot;
	hal_cost(HAL_COST_MSG, 1);
	send_draining(fw, me, fw->lb ? hal_station_of_thread(fw->timeout_thread) :
				       hal_station_dma(), &m);
	rx_of(fw, me)->dma_requests++;
}

/* Wait until descriptor `slot` belongs to the NPU, taking DMA completions
 * meanwhile (they publish earlier descriptors for the host to free). */
static void wait_for_descriptor(struct fw_state *fw, unsigned me, uint32_t slot)
{
	struct fw_rx *rx = rx_of(fw, me);
	volatile struct nic_rx_desc *d = &fw->rx_desc[me][slot];
	bool counted = false;
	while ((nic_le32(d->flags) & NIC_RX_OWNED_BY_NPU) == 0 || rx->ring[slot].used) {
		if (!counted) {
			rx->ring_full_waits++;
			counted = true;
		}
		if (!take_completions(fw, me))
			hal_wait_cycles(500);  /* the host frees descriptors as it reads */
	}
}

static void start_delivery(struct fw_state *fw, unsigned me, const struct lro_action *a)
{
	struct fw_rx *rx = rx_of(fw, me);
	uint32_t slot = rx->next_fill;
	wait_for_descriptor(fw, me, slot);
	rx->next_fill = (slot + 1) % fw->rx_entries;
	struct fw_delivery *dv = &rx->ring[slot];
	volatile struct nic_rx_desc *d = &fw->rx_desc[me][slot];
	hal_cost(HAL_COST_RING, 1);
	uint64_t dst = nic_le64(d->buf_addr);
	uint32_t room = nic_le32(d->buf_len);
	dv->used = 1;
	dv->len = a->len;
	if (a->len > room)             /* never with the driver's 68 KB buffers */
		dv->len = room;
	if (a->kind == LRO_ACT_PASS) {
		dv->segs = NULL;
		dv->buf = a->buf;
		dv->segments = 1;
		dv->seg_size = 0;
		dv->flags = NIC_RX_DONE;
		dv->dmas_left = 1;
		send_dma(fw, me, a->buf, dst, dv->len, slot);
		return;
	}
	/* an aggregate: headers + first payload, then each further payload */
	const struct lro_seg *s = a->segs;
	dv->segs = a->segs;
	dv->buf = NULL;
	dv->segments = a->n_segs;
	/* GRO's gso_size and inet_lro's mss: the first segment's payload; a
	 * lone segment has none (napi_gro_complete clears it) */
	dv->seg_size = fw->gives_seg_size && a->n_segs > 1 ? s->payload_len : 0;
	dv->flags = NIC_RX_DONE | (a->n_segs > 1 ? NIC_RX_AGGREGATE : 0);
	dv->dmas_left = 0;
	uint32_t hdr = a->len;
	for (const struct lro_seg *x = s; x; x = x->next)
		hdr -= x->payload_len;
	uint32_t off = 0;
	/* the first piece: headers, and the first payload when they touch */
	if (s->payload_off == hdr) {
		dv->dmas_left++;
		send_dma(fw, me, s->frame, dst, hdr + s->payload_len, slot);
		off = hdr + s->payload_len;
	} else {
		dv->dmas_left += 2;
		send_dma(fw, me, s->frame, dst, hdr, slot);
		send_dma(fw, me, s->frame + s->payload_off, dst + hdr, s->payload_len, slot);
		off = hdr + s->payload_len;
	}
	for (s = s->next; s; s = s->next) {
		dv->dmas_left++;
		send_dma(fw, me, s->frame + s->payload_off, dst + off, s->payload_len, slot);
		off += s->payload_len;
	}
}

/* Publish completed descriptors in ring order; one MSI per batch. */
static void publish(struct fw_state *fw, unsigned me)
{
	struct fw_rx *rx = rx_of(fw, me);
	bool any = false;
	while (rx->ring[rx->next_publish].used && rx->ring[rx->next_publish].dmas_left == 0) {
		uint32_t slot = rx->next_publish;
		struct fw_delivery *dv = &rx->ring[slot];
		volatile struct nic_rx_desc *d = &fw->rx_desc[me][slot];
		hal_cost(HAL_COST_RING, 1);
		d->frame_len = nic_le32(dv->len);
		d->segments = nic_le32(dv->segments);
		d->seg_size = nic_le32(dv->seg_size);
		d->flags = nic_le32(dv->flags);    /* ownership passes to the host */
		if (dv->buf)
			hal_pkt_free(dv->buf);
		for (struct lro_seg *x = dv->segs, *next; x; x = next) {
			next = x->next;
			hal_pkt_free(x->frame);
		}
		dv->used = 0;
		rx->next_publish = (slot + 1) % fw->rx_entries;
		rx->frames_to_host++;
		any = true;
	}
	if (any) {
		fw->shm->rx_produced[me] = nic_le32(rx->next_publish);
		hal_msi_raise(me);
		rx->msi_raised++;
	}
}

static void run_actions(struct fw_state *fw, unsigned me, const struct lro_out *out)
{
	struct fw_rx *rx = rx_of(fw, me);
	for (unsigned i = 0; i < out->n; i++) {
		const struct lro_action *a = &out->a[i];
		switch (a->kind) {
		case LRO_ACT_DELIVER:
		case LRO_ACT_PASS:
			start_delivery(fw, me, a);
			break;
		case LRO_ACT_ACK: {
			uint8_t *b = hal_pkt_alloc();
			if (!b) {
				rx->ack_alloc_fail++;
				break;
			}
			memcpy(b, a->ack_frame, a->len);
			struct hal_msg m = { .code = HAL_MSG_TX_FRAME, .words = 2 };
			m.w[0] = hal_addr_of(b);
			m.w[1] = a->len;
			hal_cost(HAL_COST_MSG, 1);
			hal_fmn_send(hal_station_mac_tx(), &m);
			break;
		}
		case LRO_ACT_FREE:
			hal_pkt_free(a->buf);
			break;
		}
	}
}

static uint64_t now_ns(void)
{
	return hal_cycles() * 1000000000ull / hal_cycles_per_second();
}

static void handle_message(struct fw_state *fw, unsigned me, const struct hal_msg *m)
{
	struct fw_rx *rx = rx_of(fw, me);
	hal_cost(HAL_COST_MSG, 1);
	switch (m->code) {
	case HAL_MSG_RX_FRAME:
		lro_input(rx->eng, hal_ptr_of(m->w[0]), (uint32_t)m->w[1], now_ns(), &rx->out);
		run_actions(fw, me, &rx->out);
		break;
	case HAL_MSG_TIMEOUT:
		lro_flush_conn(rx->eng, (uint32_t)m->w[0], LRO_FLUSH_TIMEOUT, &rx->out);
		run_actions(fw, me, &rx->out);
		break;
	case FW_MSG_POOL_LOW:
		for (uint32_t i = 0; i < lro_conn_capacity(rx->eng); i++) {
			lro_release_conn(rx->eng, i, &rx->out);
			run_actions(fw, me, &rx->out);
		}
		break;
	case HAL_MSG_DMA_DONE: {
		struct fw_delivery *dv = &rx->ring[m->w[0] % fw->rx_entries];
		if (dv->dmas_left > 0)
			dv->dmas_left--;
		publish(fw, me);
		break;
	}
	default:
		break;
	}
}

/* The poll or burst is over: the policy flushes what it holds
 * (lro_burst_end; nothing for the paper's engine). */
static void end_burst(struct fw_state *fw, unsigned me)
{
	struct fw_rx *rx = rx_of(fw, me);
	bool more;
	do {
		more = lro_burst_end(rx->eng, &rx->out);
		run_actions(fw, me, &rx->out);
	} while (more);
}

static void rx_main(struct fw_state *fw, unsigned me)
{
	struct fw_rx *rx = rx_of(fw, me);
	/* Policies with polls (Linux's NAPI, FreeBSD's interrupt, DPDK's
	 * burst): a poll ends when the receive bucket is empty or after the
	 * policy's budget of frames. The paper's engine has none. */
	uint32_t budget = lro_burst_frames(rx->eng), in_burst = 0;
	for (;;) {
		struct hal_msg m;
		if (budget == 0 || in_burst == 0) {
			hal_fmn_recv(&m);
		} else if (!hal_fmn_try_recv(&m)) {
			end_burst(fw, me);
			in_burst = 0;
			hal_fmn_recv(&m);
		}
		handle_message(fw, me, &m);
		if (budget && m.code == HAL_MSG_RX_FRAME && ++in_burst >= budget) {
			end_burst(fw, me);
			in_burst = 0;
		}
	}
}

/* ---- timeout checking + DMA load balancing thread ---- */

/* Forward queued requests round-robin, one at a time (paper V.B): a
 * request goes to the DMA engine only when fewer than lb_window of ours
 * wait in its buffer, so the engine's stack never holds more than that and
 * serves the threads in the balancer's order. */
static void lb_dispatch(struct fw_state *fw)
{
	const struct hal_msg *m;
	while ((m = dma_lb_next(&fw->balancer)) != NULL) {
		if (hal_fmn_credits_in_use(hal_station_dma()) >= fw->lb_window)
			return;
		hal_cost(HAL_COST_QUEUE_OP, 1);
		if (!hal_fmn_try_send(hal_station_dma(), m))
			return;                /* no credit: the engine is full */
		dma_lb_forwarded(&fw->balancer);
	}
}

/* Scan rx thread t's descriptors for receive timeouts. */
static void timeout_scan(struct fw_state *fw, unsigned t)
{
	uint64_t now = now_ns();
	struct fw_rx *rx = rx_of(fw, t);
	uint32_t n = lro_conn_capacity(rx->eng);
	for (uint32_t i = lro_next_timed_out(rx->eng, 0, now); i < n;
	     i = lro_next_timed_out(rx->eng, i + 1, now)) {
		uint64_t last = lro_conn_last_arrival(rx->eng, i);
		if (rx->last_notified_arrival[i] == last + 1)
			continue;          /* told already; the rx thread is on it */
		struct hal_msg m = { .code = HAL_MSG_TIMEOUT, .words = 1 };
		m.w[0] = i;
		/* never block on an rx thread: it may be blocked on us */
		if (!hal_fmn_try_send(hal_station_of_thread(t), &m)) {
			rx->timeouts_deferred++;
			continue;          /* the next scan tries again */
		}
		rx->last_notified_arrival[i] = last + 1;
		rx->timeouts_sent++;
	}
}

/* Held segments can take every packet buffer: then the frame that would
 * fill their gap has no buffer to land in and nothing moves again. Below
 * the low-water mark every rx thread releases what it holds - at most once
 * a millisecond: under a heavy load the pool runs low without any gap, and
 * the balancer, this same thread, must not spend its time on signals. */
static void pool_check(struct fw_state *fw)
{
	uint64_t now = hal_cycles();
	if (hal_pkt_free_count() >= fw->pool_low ||
	    now - fw->pool_signalled_at < hal_cycles_per_second() / 1000u)
		return;
	fw->pool_signalled_at = now;
	for (unsigned t = 0; t < fw->rx_threads; t++) {
		struct hal_msg m = { .code = FW_MSG_POOL_LOW, .words = 0 };
		if (hal_fmn_try_send(hal_station_of_thread(t), &m))
			rx_of(fw, t)->pool_low_signals++;
	}
}

static void timeout_main(struct fw_state *fw)
{
	uint64_t last_scan = 0;
	unsigned scanning = 0;             /* rx threads scanned so far in this scan */
	for (;;) {
		struct hal_msg m;
		bool busy = false;
		/* take requests only while every queue has room: a full queue
		 * leaves them in our bucket, and FMN credits stop the senders */
		while (dma_lb_has_room(&fw->balancer) && hal_fmn_try_recv(&m)) {
			if (m.code == HAL_MSG_DMA_LB) {
				/* the requester's station is its rx thread's number */
				hal_cost(HAL_COST_QUEUE_OP, 1);
				dma_lb_take(&fw->balancer, (unsigned)((m.w[2] >> 32) & 0xffffu), &m);
			}
			busy = true;
		}
		lb_dispatch(fw);
		/* A scan goes one rx thread at a time, the balancer served in
		 * between: a whole scan at once would leave the DMA engine
		 * without requests for as long. The period is idle time: it
		 * counts from the end of a scan. */
		if (scanning > 0 || hal_cycles() - last_scan >= fw->period_cycles) {
			timeout_scan(fw, scanning);
			if (++scanning == fw->rx_threads) {
				scanning = 0;
				pool_check(fw);
				last_scan = hal_cycles();
			}
			if (scanning > 0)
				continue;      /* the next rx thread after the balancer's turn */
		}
		/* sleep until the engine takes another request, a request
		 * arrives, or the next timeout scan is due */
		uint64_t left = fw->period_cycles - (hal_cycles() - last_scan);
		if (left > fw->period_cycles)
			left = 1;
		/* (a full queue takes nothing: then only the engine wakes us) */
		if (dma_lb_pending(&fw->balancer))
			hal_fmn_wait(hal_station_dma(), fw->lb_window,
				     dma_lb_has_room(&fw->balancer) ? HAL_BUCKET_DATA : HAL_BUCKETS, left);
		else if (!busy)
			hal_fmn_wait(HAL_NO_STATION, 0, HAL_BUCKET_DATA, left);
	}
}

/* ---- tx thread ---- */

/* The safe active ACK: tell the engine that has the flow what the host's
 * segment says about its window (its rx thread is not known here: the
 * PDE's hash chose it, so every engine is asked until one has the flow).
 * True when the engine asks for a window update (fw->window_update). */
static bool observe_host_frame(struct fw_state *fw, const uint8_t *b, uint32_t len)
{
	struct lro_host_seg h;
	if (!lro_host_seg_parse(b, len, &h))
		return false;
	enum lro_host_note r = LRO_HOST_UNKNOWN_FLOW;
	for (unsigned t = 0; t < fw->rx_threads && r == LRO_HOST_UNKNOWN_FLOW; t++)
		r = lro_note_host_seg(rx_of(fw, t)->eng, &h, &fw->window_update);
	return r == LRO_HOST_WINDOW_UPDATE;
}

/* The window update goes out after the host's frame that opened it. */
static void send_window_update(struct fw_state *fw)
{
	uint8_t *u = hal_pkt_alloc();
	if (!u) {
		fw->window_update_alloc_fail++;
		return;                    /* the next host ACK brings another */
	}
	memcpy(u, fw->window_update.ack_frame, fw->window_update.len);
	struct hal_msg m = { .code = HAL_MSG_TX_FRAME, .words = 2 };
	m.w[0] = hal_addr_of(u);
	m.w[1] = fw->window_update.len;
	hal_cost(HAL_COST_MSG, 1);
	hal_fmn_send(hal_station_mac_tx(), &m);
}

/* Copy a frame the driver left in host memory into buffer b with the DMA
 * engine, and wait for it. The request goes straight to the engine (the
 * balancer queues only the rx threads' requests, paper V.B), so with a
 * stack and no balancing it can lie buried like any other. */
static void tx_fetch_from_host(struct fw_state *fw, uint8_t *b, uint64_t host_addr,
			       uint32_t len)
{
	struct hal_msg m = { .code = HAL_MSG_DMA_REQ, .words = 4 };
	m.w[0] = hal_addr_of(b);
	m.w[1] = host_addr;
	m.w[2] = (uint64_t)len | (uint64_t)hal_station_of_thread(fw->tx_thread) << 32 |
		 HAL_DMA_FROM_HOST;
	m.w[3] = 0;
	hal_cost(HAL_COST_MSG, 1);
	hal_fmn_send(hal_station_dma(), &m);
	struct hal_msg done;
	while (!hal_fmn_try_recv_bucket(HAL_BUCKET_COMPLETION, &done))
		hal_fmn_wait(HAL_NO_STATION, 0, HAL_BUCKET_COMPLETION, 0);
	fw->tx_fetches++;
}

static void tx_main(struct fw_state *fw)
{
	for (;;) {
		struct hal_msg m;
		hal_fmn_recv(&m);
		if (m.code != HAL_MSG_HOST_DOORBELL)
			continue;
		uint32_t produced = nic_le32(fw->shm->tx_produced);
		uint32_t i = nic_le32(fw->shm->tx_consumed);
		while (i != produced) {
			volatile struct nic_tx_slot *s = &fw->tx_slots[i % fw->tx_entries];
			hal_cost(HAL_COST_RING, 1);
			if ((nic_le32(s->flags) & NIC_TX_READY) == 0)
				break;
			uint8_t *b = hal_pkt_alloc();
			if (!b) {
				fw->tx_alloc_fail++;
				hal_wait_cycles(1000);
				continue;
			}
			uint32_t len = nic_le32(s->len);
			if (len > NIC_TX_FRAME_MAX)
				len = NIC_TX_FRAME_MAX;
			if (nic_le32(s->flags) & NIC_TX_IN_HOST) {
				tx_fetch_from_host(fw, b, nic_le64(s->host_addr), len);
			} else {
				memcpy(b, (const void *)s->frame, len);
				hal_mem((len + 31u) / 32u);
			}
			/* read before the MAC owns (and frees) the buffer */
			bool update = fw->safe_ack && observe_host_frame(fw, b, len);
			struct hal_msg out = { .code = HAL_MSG_TX_FRAME, .words = 2 };
			out.w[0] = hal_addr_of(b);
			out.w[1] = len;
			hal_fmn_send(hal_station_mac_tx(), &out);
			if (update)
				send_window_update(fw);
			s->flags = 0;
			i++;
			fw->shm->tx_consumed = nic_le32(i);
			fw->tx_frames++;
		}
	}
}

void fw_thread_main(void *state, unsigned id)
{
	struct fw_state *fw = state;
	if (id < fw->rx_threads)
		rx_main(fw, id);
	else if (id == fw->tx_thread)
		tx_main(fw);
	else if (id == fw->timeout_thread)
		timeout_main(fw);
	/* the shell thread (and any spare) has nothing to do here */
}

const char *fw_thread_role(const void *state, unsigned id)
{
	const struct fw_state *fw = state;
	if (id < fw->rx_threads)
		return "rx";
	if (id == fw->tx_thread)
		return "tx";
	if (id == fw->timeout_thread)
		return fw->lb ? "timeout+lb" : "timeout";
	return "shell";
}

void fw_counters(const void *state, struct fw_counters *o)
{
	const struct fw_state *fw = state;
	memset(o, 0, sizeof *o);
	for (unsigned t = 0; t < fw->rx_threads; t++) {
		const struct fw_rx *rx = (const struct fw_rx *)(const void *)(fw->rx_mem +
									      t * fw->rx_stride);
		const struct lro_counters *c = lro_engine_counters(rx->eng);
		o->lro.frames_in += c->frames_in;
		o->lro.segments_aggregated += c->segments_aggregated;
		o->lro.deliveries += c->deliveries;
		o->lro.delivered_segments += c->delivered_segments;
		o->lro.acks_sent += c->acks_sent;
		o->lro.conns_opened += c->conns_opened;
		o->lro.conns_closed += c->conns_closed;
		for (int i = 0; i < LRO_FLUSH_REASONS; i++)
			o->lro.flush[i] += c->flush[i];
		for (int i = 0; i < LRO_PASS_REASONS; i++)
			o->lro.pass[i] += c->pass[i];
		for (int i = 0; i < LRO_DROP_REASONS; i++)
			o->lro.drop[i] += c->drop[i];
		o->lro.acks_window_limited += c->acks_window_limited;
		o->lro.acks_window_unknown += c->acks_window_unknown;
		o->lro.ack_window_updates += c->ack_window_updates;
		o->dma_requests += rx->dma_requests;
		o->ring_full_waits += rx->ring_full_waits;
		o->frames_to_host += rx->frames_to_host;
		o->msi_raised += rx->msi_raised;
		o->ack_alloc_fail += rx->ack_alloc_fail;
		o->timeouts_sent += rx->timeouts_sent;
		o->timeouts_deferred += rx->timeouts_deferred;
		o->pool_low_signals += rx->pool_low_signals;
	}
	o->tx_frames = fw->tx_frames;
	o->tx_alloc_fail = fw->tx_alloc_fail;
	o->tx_fetches = fw->tx_fetches;
	o->window_update_alloc_fail = fw->window_update_alloc_fail;
	o->lb_forwarded = fw->balancer.forwarded;
	o->lb_queue_max = fw->balancer.deepest;
}
