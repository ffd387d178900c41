/* host/client.c - the client host: test program, TCP senders, 82599 NIC. */
#include "host/client.h"

#include <stdlib.h>
#include <string.h>
#include "host/endpoints.h"
#include "sim/rng.h"

struct client {
	sim *s;
	struct client_config cfg;
	struct link *link;
	struct frame_pool *pool;
	struct tcp_sender **tcp;
	uint32_t next_connect;         /* sequential pattern: next to open */
	uint32_t settled;              /* established or failed (all-then-send) */
	uint32_t finished;
	uint32_t pump_from;            /* round-robin start when the NIC drains */
	struct client_stats st;
};

void client_config_default(struct client_config *c)
{
	c->connections = 1;
	c->bytes_per_connection = 4u << 20;
	c->pattern = CLIENT_ALL_THEN_SEND;   /* the paper's test program (VII) */
	c->port_base = 40000;
	c->server_port = 5001;
	c->thread_start_ps = sim_us(20);
	tcp_sender_config_default(&c->tcp);
}

uint16_t client_ephemeral_port_start(uint64_t seed, uint32_t connections)
{
	uint32_t span = CLIENT_EPHEMERAL_HIGH - CLIENT_EPHEMERAL_LOW + 1;
	uint32_t n = connections < span ? connections : span;
	sim_rng r;
	sim_rng_stream(&r, seed, "client.ephemeral_port");
	return (uint16_t)(CLIENT_EPHEMERAL_LOW + sim_rng_below(&r, span - n + 1));
}

/* 1 if the NIC takes a frame of len bytes now; else counts the wait. */
static int nic_room(void *ctx, uint32_t len)
{
	struct client *cl = ctx;
	/* data stops 64 frames short of a full ring: the headroom keeps
	 * handshake and control segments (SYN, ACK, FIN) from being refused
	 * behind a ring full of data */
	uint32_t room = link_tx_queue_room(cl->link, LINK_CLIENT);
	if (room == 0 || (room <= 64 && len > 100)) {
		/* the 82599's transmit ring is full: the write waits */
		cl->st.nic_queue_full++;
		return 0;
	}
	return 1;
}

static int nic_xmit(void *ctx, const uint8_t *frame, uint32_t len)
{
	struct client *cl = ctx;
	if (!nic_room(cl, len))
		return -1;
	struct frame *f = frame_alloc(cl->pool);
	memcpy(f->data, frame, len);
	f->len = len;
	f->created_ps = sim_now(cl->s);
	cl->st.frames_sent++;
	link_transmit(cl->link, LINK_CLIENT, f);
	return 0;
}

static void nic_ready(void *ctx)
{
	struct client *cl = ctx;
	uint32_t n = cl->cfg.connections;
	for (uint32_t k = 0; k < n; k++)
		tcp_sender_pump(cl->tcp[(cl->pump_from + k) % n]);
	cl->pump_from = (cl->pump_from + 1) % n;
}

static void connect_next(struct client *cl)
{
	if (cl->next_connect < cl->cfg.connections)
		tcp_sender_connect(cl->tcp[cl->next_connect++]);
}

static void settle(struct client *cl)
{
	if (++cl->settled == cl->cfg.connections && cl->cfg.pattern == CLIENT_ALL_THEN_SEND)
		for (uint32_t i = 0; i < cl->cfg.connections; i++)
			tcp_sender_start_data(cl->tcp[i]);
}

static void on_established(void *ctx, uint32_t conn)
{
	struct client *cl = ctx;
	if (cl->cfg.pattern == CLIENT_SEQUENTIAL) {
		tcp_sender_start_data(cl->tcp[conn]);
		connect_next(cl);
	} else if (cl->cfg.pattern == CLIENT_SIMULTANEOUS) {
		tcp_sender_start_data(cl->tcp[conn]);
	}
	settle(cl);
}

static void on_finished(void *ctx, uint32_t conn)
{
	struct client *cl = ctx;
	cl->finished++;
	if (tcp_sender_state(cl->tcp[conn]) == TCP_SENDER_FAILED) {
		if (cl->cfg.pattern == CLIENT_SEQUENTIAL)
			connect_next(cl);      /* connect() returned an error */
		settle(cl);
	}
}

static void nic_rx(void *ctx, struct frame *f)
{
	struct client *cl = ctx;
	struct netpkt_tcp h;
	const uint8_t *payload;
	uint32_t plen;
	cl->st.frames_received++;
	int rc = netpkt_parse_tcp(f->data, f->len, &h, &payload, &plen);
	int64_t conn = rc != 0 ? -1 : endpoint_conn(cl->cfg.port_base, cl->cfg.connections,
						    h.daddr, h.dport);
	if (conn < 0) {
		cl->st.drop_bad_frame++;
	} else {
		tcp_sender_on_frame(cl->tcp[conn], &h, plen);
	}
	frame_free(cl->pool, f);
}

struct client *client_create(sim *s, const struct client_config *c, struct link *l,
			     struct frame_pool *pool, uint64_t seed)
{
	struct client *cl = calloc(1, sizeof *cl);
	if (!cl)
		abort();
	cl->s = s;
	cl->cfg = *c;
	cl->cfg.tcp.ts_offset = tcp_ts_clock_offset(seed, "client.uptime");
	cl->link = l;
	cl->pool = pool;
	cl->tcp = calloc(c->connections, sizeof *cl->tcp);
	if (!cl->tcp)
		abort();
	struct tcp_sender_io io = { nic_xmit, on_established, on_finished, cl, nic_room };
	for (uint32_t i = 0; i < c->connections; i++) {
		struct netpkt_tcp a;
		memset(&a, 0, sizeof a);
		static const uint8_t cmac[6] = { 0x00, 0x1b, 0x21, 0x00, 0x00, 0x01 };
		static const uint8_t smac[6] = { 0x00, 0x0f, 0x9c, 0x00, 0x00, 0x02 };
		memcpy(a.src_mac, cmac, 6);
		memcpy(a.dst_mac, smac, 6);
		endpoint_of_conn(c->port_base, i, &a.saddr, &a.sport);
		a.daddr = ENDPOINT_SERVER_ADDR;
		a.dport = c->server_port;
		a.ip_id = 0;
		a.ip6 = c->ip6;
		cl->tcp[i] = tcp_sender_create(s, &cl->cfg.tcp, &io, i, seed, c->bytes_per_connection, &a);
	}
	link_attach(l, LINK_CLIENT, nic_rx, cl);
	link_set_tx_ready(l, LINK_CLIENT, nic_ready, cl);
	return cl;
}

void client_destroy(struct client *cl)
{
	if (!cl)
		return;
	for (uint32_t i = 0; i < cl->cfg.connections; i++)
		tcp_sender_destroy(cl->tcp[i]);
	free(cl->tcp);
	free(cl);
}

/* The next connection thread runs and calls connect(); the main thread
 * meanwhile creates the one after it. */
static void thread_started(sim *s, void *arg)
{
	struct client *cl = arg;
	connect_next(cl);
	if (cl->next_connect < cl->cfg.connections)
		sim_schedule_in(s, cl->cfg.thread_start_ps, thread_started, cl);
}

void client_start(struct client *cl)
{
	if (cl->cfg.pattern == CLIENT_SEQUENTIAL) {
		connect_next(cl);
		return;
	}
	/* all-then-send (the Fig. 13 pattern) connects all at once: its data
	 * waits for every connection anyway */
	if (cl->cfg.pattern == CLIENT_ALL_THEN_SEND || cl->cfg.thread_start_ps == 0) {
		while (cl->next_connect < cl->cfg.connections)
			connect_next(cl);
		return;
	}
	thread_started(cl->s, cl);
}

uint32_t client_finished(const struct client *cl) { return cl->finished; }
const struct tcp_sender_stats *client_conn(const struct client *cl, uint32_t conn)
{
	return tcp_sender_stats(cl->tcp[conn]);
}
enum tcp_sender_state client_conn_state(const struct client *cl, uint32_t conn)
{
	return tcp_sender_state(cl->tcp[conn]);
}
const struct client_stats *client_stats(const struct client *cl) { return &cl->st; }
