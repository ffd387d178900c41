/* model/mac.c - the XAUI MAC and the packet distribution engine (PDE).
 *
 * Receive: a frame that finished crossing the fiber enters the MAC's rx
 * FIFO (bounded in bytes; a frame that does not fit is dropped and
 * counted). The head frame is written into a packet buffer in NPU DRAM and
 * queued for the thread the PDE picks; it is sent to that thread as a
 * HAL_MSG_RX_FRAME when the MAC holds an FMN credit for the thread's
 * bucket. Frames thus wait in DRAM while their thread is busy; when the
 * packet buffers run out, the FIFO fills and new frames are dropped: the
 * NPU's back-pressure reaches the wire.
 *
 * PDE: by 4-tuple hash over the rx threads (the paper keeps a flow on one
 * thread, section IV.A), or round-robin over them (what Linux's XLR driver
 * configures, drivers/staging/netlogic/xlr_net.c). The XLS classifier's
 * hash function is not public; a multiplicative mix of the 4-tuple stands
 * in for it.
 *
 * Transmit: HAL_MSG_TX_FRAME from a thread: the buffer's bytes go onto the
 * fiber and the buffer returns to the pool.
 */
#include "model/npu_internal.h"

#include <string.h>

static unsigned pde_pick(struct npu *n, const struct frame *f)
{
	if (n->cfg.pde == PDE_ROUND_ROBIN) {
		unsigned t = n->pde_next;
		n->pde_next = (n->pde_next + 1) % n->cfg.rx_threads;
		return t;
	}
	const uint8_t *d = f->data;
	uint32_t h = 0;
	if (f->len >= 14 + 20 + 4 && d[12] == 0x08 && d[13] == 0x00) {
		uint32_t ihl = (uint32_t)(d[14] & 0x0fu) * 4u;
		const uint8_t *ip = d + 14;
		uint32_t saddr = (uint32_t)ip[12] << 24 | (uint32_t)ip[13] << 16 |
				 (uint32_t)ip[14] << 8 | ip[15];
		uint32_t daddr = (uint32_t)ip[16] << 24 | (uint32_t)ip[17] << 16 |
				 (uint32_t)ip[18] << 8 | ip[19];
		uint32_t ports = 0;
		if (ip[9] == 6 && f->len >= 14 + ihl + 4)
			ports = (uint32_t)ip[ihl] << 24 | (uint32_t)ip[ihl + 1] << 16 |
				(uint32_t)ip[ihl + 2] << 8 | ip[ihl + 3];
		/* symmetric in neither direction on purpose: one rx flow, one thread */
		h = saddr * 0x9e3779b1u;
		h = (h ^ daddr) * 0x85ebca6bu;
		h = (h ^ ports) * 0xc2b2ae35u;
		h ^= h >> 16;
	} else if (f->len >= 14 + 40 + 4 && d[12] == 0x86 && d[13] == 0xdd) {
		/* IPv6: each 128-bit address folded to 32 bits, the ports when
		 * TCP follows the fixed header (an extension header: addresses
		 * alone, the flow still on one thread) */
		const uint8_t *ip = d + 14;
		uint32_t saddr = 0, daddr = 0, ports = 0;
		for (int i = 0; i < 16; i += 4) {
			saddr ^= (uint32_t)ip[8 + i] << 24 | (uint32_t)ip[9 + i] << 16 |
				 (uint32_t)ip[10 + i] << 8 | ip[11 + i];
			daddr ^= (uint32_t)ip[24 + i] << 24 | (uint32_t)ip[25 + i] << 16 |
				 (uint32_t)ip[26 + i] << 8 | ip[27 + i];
		}
		if (ip[6] == 6)
			ports = (uint32_t)ip[40] << 24 | (uint32_t)ip[41] << 16 |
				(uint32_t)ip[42] << 8 | ip[43];
		h = saddr * 0x9e3779b1u;
		h = (h ^ daddr) * 0x85ebca6bu;
		h = (h ^ ports) * 0xc2b2ae35u;
		h ^= h >> 16;
	}
	return h % n->cfg.rx_threads;
}

/* Hand waiting frames to threads that have FMN credit. */
static void pde_deliver(struct npu *n)
{
	unsigned group = fmn_group_of_station(STATION_MAC_RX);
	for (unsigned t = 0; t < n->cfg.rx_threads; t++) {
		while (n->pde_len[t] > 0 && fmn_has_credit(n, group, t)) {
			struct pde_pending *p = &n->pde_q[t][n->pde_head[t]];
			struct hal_msg m = { .code = HAL_MSG_RX_FRAME, .words = 2 };
			m.w[0] = p->addr;
			m.w[1] = p->len;
			n->pde_head[t] = ring_at(n->pde_head[t], 1, n->cfg.pkt_buffers);
			n->pde_len[t]--;
			fmn_deliver(n, STATION_MAC_RX, t, &m);
		}
		if (n->pde_len[t] > 0)
			n->mac.rx_waits_no_credit++;
	}
}

/* 802.3x: PAUSE the client when the FIFO is three quarters full, release
 * it below one quarter (the XGMAC's flow-control watermarks; the 82599
 * honours PAUSE, Linux's ixgbe enables it by default). */
static void flow_control(struct npu *n)
{
	if (!n->cfg.flow_control)
		return;
	if (!n->pausing && n->rx_fifo_bytes > n->cfg.rx_fifo_bytes / 4 * 3) {
		n->pausing = 1;
		n->mac.pause_sent++;
		link_pause(n->link, LINK_CLIENT, 1);
	} else if (n->pausing && n->rx_fifo_bytes < n->cfg.rx_fifo_bytes / 4) {
		n->pausing = 0;
		link_pause(n->link, LINK_CLIENT, 0);
	}
}

/* Move frames from the FIFO into packet buffers while buffers last, then
 * to the threads while credits last. */
void mac_rx_kick(struct npu *n)
{
	while (n->rx_head) {
		struct frame *f = n->rx_head;
		void *buf = npu_pkt_alloc_rx(n);
		if (!buf) {
			if (!n->rx_blocked)
				n->mac.rx_waits_no_buffer++;
			n->rx_blocked = 1;
			break;
		}
		n->rx_blocked = 0;
		n->rx_head = f->next;
		if (!n->rx_head)
			n->rx_tail = NULL;
		n->rx_fifo_bytes -= f->len;
		if (n->fifo_hook)
			n->fifo_hook(n->fifo_ctx, sim_now(n->s), n->rx_fifo_bytes);
		memcpy(buf, f->data, f->len);
		unsigned t = pde_pick(n, f);
		struct pde_pending *p =
			&n->pde_q[t][ring_at(n->pde_head[t], n->pde_len[t], n->cfg.pkt_buffers)];
		p->addr = hal_addr_of(buf);
		p->len = f->len;
		n->pde_len[t]++;
		frame_free(n->frames, f);
		n->mac.rx_frames++;
	}
	flow_control(n);
	pde_deliver(n);
}

void mac_rx_from_link(void *ctx, struct frame *f)
{
	struct npu *n = ctx;
	if (n->rx_fifo_bytes + f->len > n->cfg.rx_fifo_bytes) {
		n->mac.rx_drop_fifo_full++;
		frame_free(n->frames, f);
		return;
	}
	f->next = NULL;
	if (n->rx_tail)
		n->rx_tail->next = f;
	else
		n->rx_head = f;
	n->rx_tail = f;
	n->rx_fifo_bytes += f->len;
	if (n->fifo_hook)
		n->fifo_hook(n->fifo_ctx, sim_now(n->s), n->rx_fifo_bytes);
	if (n->rx_fifo_bytes > n->mac.rx_fifo_max_bytes)
		n->mac.rx_fifo_max_bytes = n->rx_fifo_bytes;
	mac_rx_kick(n);
	flow_control(n);
}

void mac_tx(struct npu *n, const struct hal_msg *m)
{
	void *buf = hal_ptr_of(m->w[0]);
	uint32_t len = (uint32_t)m->w[1];
	if (len > FRAME_MAX_BYTES)
		sim_fatal("MAC tx: frame of %u bytes from station %u", len, m->src);
	struct frame *f = frame_alloc(n->frames);
	memcpy(f->data, buf, len);
	f->len = len;
	f->created_ps = sim_now(n->s);
	npu_pkt_free(n, buf);
	n->mac.tx_frames++;
	if (link_transmit(n->link, LINK_NPU, f) != 0)
		n->mac.tx_drop_queue_full++;
}
