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
#include "model/mac.h"

#include <stdlib.h>
#include <string.h>

static void fifo_changed(const struct mac *mac)
{
	if (mac->probes->rx_fifo)
		mac->probes->rx_fifo(mac->probes->ctx, sim_now(mac->s), mac->rx_fifo_bytes);
}

static unsigned pde_pick(struct mac *mac, const struct frame *f)
{
	if (mac->cfg->pde == PDE_ROUND_ROBIN) {
		unsigned t = mac->pde_next;
		mac->pde_next = (mac->pde_next + 1) % mac->cfg->rx_threads;
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
	return h % mac->cfg->rx_threads;
}

/* Hand waiting frames to threads that have FMN credit. */
static void pde_deliver(struct mac *mac)
{
	unsigned group = fmn_group_of_station(STATION_MAC_RX);
	for (unsigned t = 0; t < mac->cfg->rx_threads; t++) {
		while (mac->pde_len[t] > 0 && fmn_has_credit(mac->fmn, group, t)) {
			struct pde_pending *p = &mac->pde_q[t][mac->pde_head[t]];
			struct hal_msg m = { .code = HAL_MSG_RX_FRAME, .words = 2 };
			m.w[0] = p->addr;
			m.w[1] = p->len;
			mac->pde_head[t] = ring_at(mac->pde_head[t], 1, mac->cfg->pkt_buffers);
			mac->pde_len[t]--;
			fmn_deliver(mac->fmn, STATION_MAC_RX, t, &m);
		}
		if (mac->pde_len[t] > 0)
			mac->st.rx_waits_no_credit++;
	}
}

/* 802.3x: PAUSE the client when the FIFO is three quarters full, release
 * it below one quarter (the XGMAC's flow-control watermarks; the 82599
 * honours PAUSE, Linux's ixgbe enables it by default). */
static void flow_control(struct mac *mac)
{
	if (!mac->cfg->flow_control)
		return;
	if (!mac->pausing && mac->rx_fifo_bytes > mac->cfg->rx_fifo_bytes / 4 * 3) {
		mac->pausing = 1;
		mac->st.pause_sent++;
		link_pause(mac->link, LINK_CLIENT, 1);
	} else if (mac->pausing && mac->rx_fifo_bytes < mac->cfg->rx_fifo_bytes / 4) {
		mac->pausing = 0;
		link_pause(mac->link, LINK_CLIENT, 0);
	}
}

/* Move frames from the FIFO into packet buffers while buffers last, then
 * to the threads while credits last. */
void mac_rx_kick(struct mac *mac)
{
	while (mac->rx_head) {
		struct frame *f = mac->rx_head;
		void *buf = pkt_pool_alloc_rx(mac->pool);
		if (!buf) {
			if (!mac->rx_blocked)
				mac->st.rx_waits_no_buffer++;
			mac->rx_blocked = 1;
			break;
		}
		mac->rx_blocked = 0;
		mac->rx_head = f->next;
		if (!mac->rx_head)
			mac->rx_tail = NULL;
		mac->rx_fifo_bytes -= f->len;
		fifo_changed(mac);
		memcpy(buf, f->data, f->len);
		unsigned t = pde_pick(mac, f);
		struct pde_pending *p =
			&mac->pde_q[t][ring_at(mac->pde_head[t], mac->pde_len[t], mac->cfg->pkt_buffers)];
		p->addr = fmn_addr_of(buf);
		p->len = f->len;
		mac->pde_len[t]++;
		frame_free(mac->frames, f);
		mac->st.rx_frames++;
	}
	flow_control(mac);
	pde_deliver(mac);
}

static void mac_rx_from_link(void *ctx, struct frame *f)
{
	struct mac *mac = ctx;
	if (mac->rx_fifo_bytes + f->len > mac->cfg->rx_fifo_bytes) {
		mac->st.rx_drop_fifo_full++;
		frame_free(mac->frames, f);
		return;
	}
	f->next = NULL;
	if (mac->rx_tail)
		mac->rx_tail->next = f;
	else
		mac->rx_head = f;
	mac->rx_tail = f;
	mac->rx_fifo_bytes += f->len;
	fifo_changed(mac);
	if (mac->rx_fifo_bytes > mac->st.rx_fifo_max_bytes)
		mac->st.rx_fifo_max_bytes = mac->rx_fifo_bytes;
	mac_rx_kick(mac);
	flow_control(mac);
}

/* The FMN station STATION_MAC_TX: the MAC drains its transmit bucket at
 * once. */
static void mac_tx(void *ctx, struct fmn_slot *s)
{
	struct mac *mac = ctx;
	const struct hal_msg *m = &s->m;
	void *buf = fmn_ptr_of(m->w[0]);
	uint32_t len = (uint32_t)m->w[1];
	if (len > FRAME_MAX_BYTES)
		sim_fatal("MAC tx: frame of %u bytes from station %u", len, m->src);
	struct frame *f = frame_alloc(mac->frames);
	memcpy(f->data, buf, len);
	f->len = len;
	f->created_ps = sim_now(mac->s);
	pkt_pool_free(mac->pool, buf);
	mac->st.tx_frames++;
	if (link_transmit(mac->link, LINK_NPU, f) != 0)
		mac->st.tx_drop_queue_full++;
}

static void rx_credit_back(void *ctx, unsigned group, unsigned dst)
{
	(void)group;
	(void)dst;
	mac_rx_kick(ctx);
}

void mac_init(struct mac *m, sim *s, const struct npu_config *cfg, struct link *l,
	      struct frame_pool *frames, struct fmn *fmn, struct pkt_pool *pool,
	      const struct npu_probes *probes)
{
	memset(m, 0, sizeof *m);
	m->s = s;
	m->cfg = cfg;
	m->link = l;
	m->frames = frames;
	m->fmn = fmn;
	m->pool = pool;
	m->probes = probes;
	for (unsigned t = 0; t < NPU_THREADS; t++) {
		m->pde_q[t] = malloc(cfg->pkt_buffers * sizeof *m->pde_q[t]);
		if (!m->pde_q[t])
			abort();
	}
	link_attach(l, LINK_NPU, mac_rx_from_link, m);
	fmn_set_receiver(fmn, STATION_MAC_TX, mac_tx, m, 1);
	fmn_set_sender(fmn, fmn_group_of_station(STATION_MAC_RX), rx_credit_back, m);
}

void mac_release(struct mac *m)
{
	for (unsigned t = 0; t < NPU_THREADS; t++)
		free(m->pde_q[t]);
	while (m->rx_head) {
		struct frame *f = m->rx_head;
		m->rx_head = f->next;
		frame_free(m->frames, f);
	}
}
