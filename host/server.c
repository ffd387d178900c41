/* host/server.c - the server's driver, receive path and test program. */
#include "host/server.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "firmware/nic_abi.h"
#include "host/endpoints.h"
#include "host/oracle.h"
#include "host/tcp_sender.h"
#include "sim/log.h"

SIM_LOG_MODULE(server);

/* The test program's read loop on one connection, at app_read_bps. */
struct app_reader {
	struct server *sv;
	uint32_t conn;
	uint64_t unread;               /* arrived, not read yet */
	uint64_t reading;              /* bytes of the read in progress */
	int eof_seen;
};

/* A frame the stack sent while the tx ring was full. */
struct qdisc_frame {
	uint32_t len;
	uint8_t data[NIC_TX_FRAME_MAX];
};

/* A core of the server's CPU with the rx rings whose interrupts it takes,
 * and its NAPI poll over them. */
struct host_core {
	struct server *sv;
	uint32_t id;
	uint32_t ring[NIC_MAX_RX_RINGS];   /* the rings it polls, in order */
	uint32_t n_rings;
	int napi_scheduled;
	uint32_t poll_at;              /* round-robin position in ring[] */
	uint32_t poll_left;            /* budget left in this poll round */
	uint32_t ring_left;            /* weight left for ring[poll_at] */
};

/* Where a connection's handshake stands at the listening socket. */
enum conn_phase {
	PHASE_NONE = 0,                /* no SYN taken (or its request expired) */
	PHASE_SYN_RECV,                /* a request in the SYN queue */
	PHASE_COOKIE,                  /* answered with a SYN cookie, nothing kept */
	PHASE_CHILD,                   /* a socket of its own (accept queue or accepted) */
};

struct server {
	sim *s;
	struct server_config cfg;
	struct pcie *pcie;
	uint64_t seed;
	uint32_t n_conns;
	struct nic_shm_header *shm;
	uint32_t rings, entries, tx_entries;
	struct nic_rx_desc *desc[NIC_MAX_RX_RINGS];
	struct nic_tx_slot *tx;
	hal_bus_addr *tx_buf;          /* with tx_dma: each slot's frame in host memory */
	struct qdisc_frame *qdisc;     /* frames waiting for a free tx slot (FIFO) */
	uint32_t qdisc_head, qdisc_len;
	int qdisc_retry_pending;
	uint32_t consumed[NIC_MAX_RX_RINGS];
	uint32_t tx_next;
	struct host_core core[SERVER_MAX_CORES];
	uint32_t core_of_ring[NIC_MAX_RX_RINGS];
	uint64_t extra_cycles;         /* work added by the current job (tx) */
	sim_time read_latency_ps;      /* a host read of device memory */
	struct tcp_receiver **tcp;
	struct listen_sock *listen;
	uint8_t *phase;                /* enum conn_phase, per connection */
	uint32_t *irs;                 /* each connection's SYN sequence */
	struct server_conn_stats *conn;
	struct app_reader *reader;     /* per connection, when app_read_bps > 0 */
	uint32_t completed;
	server_tap_fn tap;
	void *tap_ctx;
	struct server_stats st;
};

void server_config_default(struct server_config *c)
{
	c->cpu_hz = 2930000000ULL;
	c->irq_cycles = 3000;
	c->poll_cycles = 1000;
	c->packet_cycles = 9000;
	c->byte_cycles = 1.0;
	c->tx_cycles = 1500;
	c->napi_weight = 64;
	c->napi_budget = 300;
	c->client_port_base = 40000;
	c->app_read_bps = 0;
	c->tx_dma = 1;
	c->txqueuelen = 1000;          /* Linux's default for Ethernet devices */
	c->tx_wake_ps = sim_us(10);
	tcp_receiver_config_default(&c->tcp);
	c->cores = 2;
	c->irq_affinity = SERVER_IRQ_ONE_CORE;
	listen_config_default(&c->listen);
	c->rx_buf_bytes = NIC_RX_BUF_BYTES;
}

static sim_time cycles(const struct server *sv, uint64_t n)
{
	return sim_cycles(n, sv->cfg.cpu_hz);
}

/* ---- the TCP stack's callbacks ---- */

/* The driver's transmit: the frame into the next tx slot (or into host
 * memory for the NPU to fetch), then the doorbell. 0, or -1 if the slot is
 * still the NPU's (the ring is full). */
static int driver_xmit(struct server *sv, const uint8_t *frame, uint32_t len)
{
	uint32_t at = sv->tx_next % sv->tx_entries;
	struct nic_tx_slot *slot = &sv->tx[at];
	if (nic_le32(slot->flags) & NIC_TX_READY)
		return -1;
	/* the slot's contents first, its READY flag last (a real driver puts a
	 * write barrier between them) */
	slot->len = nic_le32(len);
	if (sv->tx_buf) {
		memcpy(pcie_host_ptr(sv->pcie, sv->tx_buf[at], len), frame, len);
		slot->host_addr = nic_le64(sv->tx_buf[at]);
		slot->flags = nic_le32(NIC_TX_READY | NIC_TX_IN_HOST);
	} else {
		memcpy(slot->frame, frame, len);
		slot->flags = nic_le32(NIC_TX_READY);
	}
	sv->tx_next++;
	sv->shm->tx_produced = nic_le32(sv->tx_next);
	sv->st.tx_frames++;
	pcie_host_doorbell(sv->pcie, sv->tx_next);
	return 0;
}

static void qdisc_retry(sim *s, void *arg);

/* Hand queued frames to the driver while the ring has room (qdisc_run). */
static void qdisc_run(struct server *sv)
{
	while (sv->qdisc_len > 0) {
		struct qdisc_frame *q = &sv->qdisc[sv->qdisc_head];
		if (driver_xmit(sv, q->data, q->len) != 0)
			break;
		sv->qdisc_head = (sv->qdisc_head + 1) % sv->cfg.txqueuelen;
		sv->qdisc_len--;
	}
	/* the ring frees as the NPU takes frames; a driver learns of it from
	 * its tx-completion interrupt, which interrupt moderation spaces out:
	 * look again after host.tx_wake */
	if (sv->qdisc_len > 0 && !sv->qdisc_retry_pending) {
		sv->qdisc_retry_pending = 1;
		sim_schedule_in(sv->s, sv->cfg.tx_wake_ps, qdisc_retry, sv);
	}
}

static void qdisc_retry(sim *s, void *arg)
{
	(void)s;
	struct server *sv = arg;
	sv->qdisc_retry_pending = 0;
	qdisc_run(sv);
}

/* The stack sends a frame: straight to the driver while nothing waits in
 * the qdisc (pfifo_fast, txqueuelen frames), else behind what waits. A
 * full qdisc drops, as Linux's does. */
static void tcp_xmit(void *ctx, const uint8_t *frame, uint32_t len)
{
	struct server *sv = ctx;
	sv->extra_cycles += sv->cfg.tx_cycles;
	if (len > NIC_TX_FRAME_MAX)
		sim_fatal("host: a %u-byte frame does not fit a tx slot", len);
	if (sv->qdisc_len == 0 && driver_xmit(sv, frame, len) == 0)
		return;
	sv->st.tx_ring_full++;
	if (sv->qdisc_len == sv->cfg.txqueuelen) {
		sv->st.tx_qdisc_drops++;
		struct netpkt_tcp h;
		const uint8_t *pl;
		uint32_t plen;
		if (netpkt_parse_tcp(frame, len, &h, &pl, &plen) == 0 && (h.flags & NETPKT_TCP_SYN))
			sv->st.tx_qdisc_synack_drops++;   /* the client will retry its SYN */
		return;
	}
	struct qdisc_frame *q = &sv->qdisc[(sv->qdisc_head + sv->qdisc_len) % sv->cfg.txqueuelen];
	memcpy(q->data, frame, len);
	q->len = len;
	sv->qdisc_len++;
	if (sv->qdisc_len > sv->st.tx_qdisc_max)
		sv->st.tx_qdisc_max = sv->qdisc_len;
	qdisc_run(sv);
}

static void app_complete(struct server *sv, uint32_t conn)
{
	if (sv->conn[conn].eof_ps == SIM_TIME_MAX) {
		sv->conn[conn].eof_ps = sim_now(sv->s);
		sv->completed++;
	}
}

static void app_account_read(struct server *sv, uint32_t conn, uint64_t len)
{
	struct server_conn_stats *c = &sv->conn[conn];
	c->bytes += len;
	c->last_byte_ps = sim_now(sv->s);
	sv->st.bytes_delivered += len;
}

static void app_read_next(struct server *sv, struct app_reader *rd);

static void app_read_done(sim *s, void *arg)
{
	(void)s;
	struct app_reader *rd = arg;
	struct server *sv = rd->sv;
	uint64_t n = rd->reading;
	rd->reading = 0;
	rd->unread -= n;
	app_account_read(sv, rd->conn, n);
	tcp_receiver_consumed(sv->tcp[rd->conn], n);
	app_read_next(sv, rd);
}

/* One read() of up to 64 KB, taking as long as the read rate says. */
static void app_read_next(struct server *sv, struct app_reader *rd)
{
	if (rd->reading)
		return;
	if (rd->unread == 0) {
		if (rd->eof_seen)
			app_complete(sv, rd->conn);
		return;
	}
	rd->reading = rd->unread < 65536 ? rd->unread : 65536;
	sim_schedule_in(sv->s, sim_bytes_time(rd->reading, sv->cfg.app_read_bps), app_read_done, rd);
}

static void app_deliver(void *ctx, uint32_t conn, uint64_t offset, const uint8_t *data,
			uint32_t len)
{
	struct server *sv = ctx;
	struct server_conn_stats *c = &sv->conn[conn];
	if (offset != c->arrived && !c->integrity_failed) {
		c->integrity_failed = 1;
		sv->st.integrity_failures++;
		snprintf(sv->st.first_failure, sizeof sv->st.first_failure,
			 "connection %u: bytes at offset %" PRIu64 " delivered where %" PRIu64
			 " was expected", conn, offset, c->arrived);
	}
	int64_t bad = oracle_check(sv->seed, conn, offset, data, len);
	if (bad >= 0 && !c->integrity_failed) {
		c->integrity_failed = 1;
		sv->st.integrity_failures++;
		snprintf(sv->st.first_failure, sizeof sv->st.first_failure,
			 "connection %u: byte at offset %" PRIu64 " differs from what was sent",
			 conn, offset + (uint64_t)bad);
	}
	c->arrived += len;
	sv->extra_cycles += (uint64_t)(sv->cfg.byte_cycles * len);
	if (!sv->reader) {
		app_account_read(sv, conn, len);   /* read as it arrives */
		return;
	}
	sv->reader[conn].unread += len;
	app_read_next(sv, &sv->reader[conn]);
}

static void app_established(void *ctx, uint32_t conn)
{
	struct server *sv = ctx;
	sv->conn[conn].established_ps = sim_now(sv->s);
	SIM_LOG(sv->s, server, SIM_LOG_INFO, "connection %u: established", conn);
}

static void app_eof(void *ctx, uint32_t conn)
{
	struct server *sv = ctx;
	SIM_LOG(sv->s, server, SIM_LOG_INFO, "connection %u: FIN received", conn);
	if (!sv->reader) {
		app_complete(sv, conn);
		return;
	}
	sv->reader[conn].eof_seen = 1;     /* complete once all is read */
	app_read_next(sv, &sv->reader[conn]);
}

/* ---- receive path ---- */

/* ---- the listening socket (host/listen.h) ---- */

static void accept_syn(struct server *sv, uint32_t conn, const struct netpkt_tcp *h)
{
	struct tcp_receiver_io io = { tcp_xmit, app_deliver, app_established, app_eof, sv };
	sv->irs[conn] = h->seq;
	sv->tcp[conn] = tcp_receiver_accept(sv->s, &sv->cfg.tcp, &io, conn, h);
}

/* The SYN-ACK timer fired for conn's request: its SYN-ACK again, as a
 * retransmitted SYN makes the request send it. */
static void listen_synack_resend(void *ctx, uint32_t conn)
{
	struct server *sv = ctx;
	struct netpkt_tcp syn = { 0 };
	syn.flags = NETPKT_TCP_SYN;
	syn.seq = sv->irs[conn];
	syn.wscale = 0xff;
	tcp_receiver_on_segment(sv->tcp[conn], &syn, NULL, 0);
}

static void listen_expired(void *ctx, uint32_t conn)
{
	struct server *sv = ctx;
	tcp_receiver_destroy(sv->tcp[conn]);
	sv->tcp[conn] = NULL;
	sv->phase[conn] = PHASE_NONE;
}

/* A segment of conn before it has a socket of its own: the listener's
 * rules (tcp_v4_conn_request for a SYN, tcp_v4_syn_recv_sock for the ACK
 * that completes the handshake). 1 if the segment stops here. */
static int listen_segment(struct server *sv, uint32_t conn, const struct netpkt_tcp *h)
{
	enum conn_phase ph = (enum conn_phase)sv->phase[conn];
	if (ph == PHASE_CHILD)
		return 0;
	if (h->flags & NETPKT_TCP_SYN) {
		if (h->flags & NETPKT_TCP_ACK)
			goto unknown;
		if (ph == PHASE_SYN_RECV)
			return 0;          /* its request resends the SYN-ACK */
		enum listen_verdict v = listen_on_syn(sv->listen, conn);
		if (v != LISTEN_QUEUED && v != LISTEN_COOKIE)
			return 1;          /* dropped: the client will retry */
		sv->phase[conn] = v == LISTEN_QUEUED ? PHASE_SYN_RECV : PHASE_COOKIE;
		if (ph == PHASE_NONE) {
			accept_syn(sv, conn, h);
			return 1;
		}
		return 0;                  /* a cookie's receiver answers again */
	}
	if (ph == PHASE_NONE || !(h->flags & NETPKT_TCP_ACK))
		goto unknown;
	if (listen_on_ack(sv->listen, conn) != LISTEN_CHILD)
		return 1;                  /* accept queue full: the ACK is dropped */
	sv->phase[conn] = PHASE_CHILD;
	return 0;
unknown:
	sv->st.drop_unknown_conn++;
	return 1;
}

/* ---- receive path ---- */

/* gso_size: the skb's, from the descriptor's segment size (0: none) */
static void frame_up(struct server *sv, const uint8_t *frame, uint32_t len, uint32_t gso_size)
{
	struct netpkt_tcp h;
	const uint8_t *payload;
	uint32_t plen;
	if (netpkt_parse_tcp(frame, len, &h, &payload, &plen) != 0) {
		sv->st.drop_bad_frame++;
		return;
	}
	int64_t conn = endpoint_conn(sv->cfg.client_port_base, sv->n_conns, h.saddr, h.sport);
	if (conn < 0) {
		sv->st.drop_unknown_conn++;
		return;
	}
	if (listen_segment(sv, (uint32_t)conn, &h))
		return;
	tcp_receiver_on_skb(sv->tcp[conn], &h, payload, plen, gso_size);
}

static void poll_step(sim *s, void *arg);

static int ring_has_work(const struct server *sv, uint32_t r)
{
	const struct nic_rx_desc *d = &sv->desc[r][sv->consumed[r] % sv->entries];
	return (nic_le32(d->flags) & NIC_RX_DONE) != 0;
}

/* The core is busy for t. */
static void core_busy(struct host_core *c, sim_time t)
{
	c->sv->st.cpu_busy_ps += t;
	c->sv->st.core_busy_ps[c->id] += t;
}

/* One descriptor: its cost first, then the frame goes up the stack (the
 * event fires when the CPU has done the work). */
static void frame_done(sim *s, void *arg)
{
	struct host_core *c = arg;
	struct server *sv = c->sv;
	uint32_t r = c->ring[c->poll_at];
	struct nic_rx_desc *d = &sv->desc[r][sv->consumed[r] % sv->entries];
	uint32_t len = nic_le32(d->frame_len);
	const uint8_t *frame = pcie_host_ptr(sv->pcie, nic_le64(d->buf_addr), len);
	sv->extra_cycles = 0;
	sv->st.frames++;
	if (sv->tap)
		sv->tap(sv->tap_ctx, frame, len, sim_now(s));
	frame_up(sv, frame, len, nic_le32(d->seg_size));
	/* give the descriptor back: the buffer is refilled in place, and
	 * what it held is dead (the receiver copied what it keeps) */
	pcie_host_release(sv->pcie, nic_le64(d->buf_addr));
	d->frame_len = 0;
	d->flags = nic_le32(NIC_RX_OWNED_BY_NPU);
	sv->consumed[r]++;
	sv->shm->rx_consumed[r] = nic_le32(sv->consumed[r]);
	/* the copy to user and any ACKs cost CPU time before the next frame */
	sim_time extra = cycles(sv, sv->extra_cycles);
	core_busy(c, extra);
	sim_schedule_in(s, extra, poll_step, c);
}

static void napi_start(struct host_core *c)
{
	c->napi_scheduled = 1;
	c->poll_left = c->sv->cfg.napi_budget;
	c->ring_left = c->sv->cfg.napi_weight;
}

static void napi_complete(struct host_core *c)
{
	c->napi_scheduled = 0;
	/* re-check after re-enabling the interrupt: a frame that arrived
	 * during the poll raised no MSI */
	for (uint32_t i = 0; i < c->n_rings; i++) {
		if (ring_has_work(c->sv, c->ring[i])) {
			napi_start(c);
			sim_schedule_in(c->sv->s, 0, poll_step, c);
			return;
		}
	}
}

static void poll_step(sim *s, void *arg)
{
	struct host_core *c = arg;
	struct server *sv = c->sv;
	if (c->poll_left == 0) {
		/* budget spent: softirq ends this round, the next starts anew */
		c->poll_left = sv->cfg.napi_budget;
		sv->st.polls++;
		sim_time t = cycles(sv, sv->cfg.poll_cycles);
		core_busy(c, t);
		sim_schedule_in(s, t, poll_step, c);
		return;
	}
	for (uint32_t tried = 0; tried < c->n_rings; tried++) {
		if (c->ring_left > 0 && ring_has_work(sv, c->ring[c->poll_at])) {
			c->ring_left--;
			c->poll_left--;
			/* a PCIe read of the descriptor (the core stalls), then
			 * the stack's per-frame cost */
			sim_time t = cycles(sv, sv->cfg.packet_cycles) + sv->read_latency_ps;
			core_busy(c, t);
			sim_schedule_in(s, t, frame_done, c);
			return;
		}
		c->poll_at = (c->poll_at + 1) % c->n_rings;
		c->ring_left = sv->cfg.napi_weight;
	}
	napi_complete(c);
}

static void on_msi(void *ctx, unsigned vector)
{
	struct server *sv = ctx;
	sv->st.msi++;
	struct host_core *c = &sv->core[sv->core_of_ring[vector % sv->rings]];
	if (c->napi_scheduled)
		return;                        /* NAPI masks the interrupt while polling */
	napi_start(c);
	sim_time t = cycles(sv, sv->cfg.irq_cycles);
	core_busy(c, t);
	sim_schedule_in(sv->s, t, poll_step, c);
}

/* Which core takes each ring's interrupt (host.irq_affinity). */
static void assign_rings_to_cores(struct server *sv)
{
	uint32_t n = sv->cfg.cores;
	if (n < 1 || n > SERVER_MAX_CORES)
		sim_fatal("host: %u cores (1..%u)", n, SERVER_MAX_CORES);
	for (uint32_t i = 0; i < n; i++) {
		sv->core[i].sv = sv;
		sv->core[i].id = i;
	}
	for (uint32_t r = 0; r < sv->rings; r++) {
		uint32_t k = sv->cfg.irq_affinity == SERVER_IRQ_ROUND_ROBIN ? r % n : 0;
		sv->core_of_ring[r] = k;
		sv->core[k].ring[sv->core[k].n_rings++] = r;
	}
}

/* ---- setup ---- */

struct server *server_create(sim *s, const struct server_config *c, struct pcie *p,
			     uint64_t seed, uint32_t n_conns)
{
	struct server *sv = calloc(1, sizeof *sv);
	if (!sv)
		abort();
	sv->s = s;
	sv->cfg = *c;
	sv->pcie = p;
	sv->seed = seed;
	sv->n_conns = n_conns;
	sv->read_latency_ps = pcie_read_latency(p);
	sv->tcp = calloc(n_conns, sizeof *sv->tcp);
	sv->conn = calloc(n_conns, sizeof *sv->conn);
	sv->phase = calloc(n_conns, sizeof *sv->phase);
	sv->irs = calloc(n_conns, sizeof *sv->irs);
	if (!sv->tcp || !sv->conn || !sv->phase || !sv->irs)
		abort();
	struct listen_io lio = { listen_synack_resend, listen_expired, sv };
	sv->listen = listen_create(s, &c->listen, &lio, n_conns);
	sv->cfg.tcp.app_paced = c->app_read_bps > 0;
	sv->cfg.tcp.ts_offset = tcp_ts_clock_offset(seed, "server.uptime");
	if (c->app_read_bps > 0) {
		sv->reader = calloc(n_conns, sizeof *sv->reader);
		if (!sv->reader)
			abort();
		for (uint32_t i = 0; i < n_conns; i++) {
			sv->reader[i].sv = sv;
			sv->reader[i].conn = i;
		}
	}
	for (uint32_t i = 0; i < n_conns; i++)
		sv->conn[i].established_ps = sv->conn[i].eof_ps = SIM_TIME_MAX;
	/* the driver's probe: the firmware laid out the shared memory */
	uint8_t *shm = pcie_shm(p);
	sv->shm = (struct nic_shm_header *)(void *)shm;
	if (nic_le32(sv->shm->magic) != NIC_ABI_MAGIC)
		sim_fatal("driver: no NPU firmware found in shared memory");
	sv->rings = nic_le32(sv->shm->rx_rings);
	sv->entries = nic_le32(sv->shm->rx_ring_entries);
	sv->tx_entries = nic_le32(sv->shm->tx_ring_entries);
	for (uint32_t r = 0; r < sv->rings; r++) {
		sv->desc[r] = (struct nic_rx_desc *)(void *)(shm +
							     nic_le64(sv->shm->rx_ring_offset[r]));
		/* consecutive pages for each descriptor's aggregate (paper III) */
		for (uint32_t i = 0; i < sv->entries; i++) {
			struct nic_rx_desc *d = &sv->desc[r][i];
			d->buf_addr = nic_le64(pcie_host_alloc(p, c->rx_buf_bytes, 4096));
			d->buf_len = nic_le32(c->rx_buf_bytes);
			d->frame_len = 0;
			d->flags = nic_le32(NIC_RX_OWNED_BY_NPU);
		}
	}
	sv->tx = (struct nic_tx_slot *)(void *)(shm + nic_le64(sv->shm->tx_ring_offset));
	if (c->txqueuelen == 0 || !(sv->qdisc = calloc(c->txqueuelen, sizeof *sv->qdisc)))
		sim_fatal("host: txqueuelen %u", c->txqueuelen);
	if (c->tx_dma) {
		if (!(sv->tx_buf = calloc(sv->tx_entries, sizeof *sv->tx_buf)))
			abort();
		for (uint32_t i = 0; i < sv->tx_entries; i++)
			sv->tx_buf[i] = pcie_host_alloc(p, NIC_TX_FRAME_MAX, 64);
	}
	assign_rings_to_cores(sv);
	pcie_set_msi_handler(p, on_msi, sv);
	return sv;
}

void server_destroy(struct server *sv)
{
	if (!sv)
		return;
	for (uint32_t i = 0; i < sv->n_conns; i++)
		tcp_receiver_destroy(sv->tcp[i]);
	free(sv->tcp);
	listen_destroy(sv->listen);
	free(sv->phase);
	free(sv->irs);
	free(sv->conn);
	free(sv->reader);
	free(sv->tx_buf);
	free(sv->qdisc);
	free(sv);
}

const struct server_stats *server_stats(const struct server *sv) { return &sv->st; }
const struct server_conn_stats *server_conn(const struct server *sv, uint32_t conn)
{
	return &sv->conn[conn];
}
const struct tcp_receiver_stats *server_tcp_stats(const struct server *sv, uint32_t conn)
{
	return sv->tcp[conn] ? tcp_receiver_stats(sv->tcp[conn]) : NULL;
}
uint32_t server_completed(const struct server *sv) { return sv->completed; }
const struct listen_stats *server_listen_stats(const struct server *sv)
{
	return listen_stats(sv->listen);
}
int server_hole_was_dropped(const struct server *sv, uint32_t conn)
{
	return sv->tcp[conn] && tcp_receiver_hole_was_dropped(sv->tcp[conn]);
}

void server_set_tap(struct server *sv, server_tap_fn fn, void *ctx)
{
	sv->tap = fn;
	sv->tap_ctx = ctx;
}
