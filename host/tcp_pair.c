/* host/tcp_pair.c - a TCP sender and receiver back to back over a wire. */
#include "host/tcp_pair.h"

#include <stdlib.h>
#include <string.h>

#include "host/oracle.h"

struct wire_frame {
	struct tcp_pair *pair;
	int to_server;
	uint32_t len;
	uint8_t data[1600];
};

static void parse(const uint8_t *frame, uint32_t len, struct netpkt_tcp *h,
		  const uint8_t **payload, uint32_t *plen)
{
	if (netpkt_parse_tcp(frame, len, h, payload, plen) != 0)
		sim_fatal("tcp_pair: a frame of %u bytes that is not TCP", len);
}

static void arrive(sim *s, void *arg)
{
	(void)s;
	struct wire_frame *w = arg;
	struct tcp_pair *p = w->pair;
	struct netpkt_tcp h;
	const uint8_t *pl;
	uint32_t plen;
	parse(w->data, w->len, &h, &pl, &plen);
	if (w->to_server) {
		if (!p->rcv) {
			struct tcp_receiver_config c;
			tcp_receiver_config_default(&c);
			p->rcv = tcp_receiver_accept(p->sim, &c, &p->rio, 0, &h);
		} else {
			tcp_receiver_on_segment(p->rcv, &h, pl, plen);
		}
	} else if (p->snd) {
		tcp_sender_on_frame(p->snd, &h, plen);
	}
	free(w);
}

static void put_on_wire(struct tcp_pair *p, int to_server, const uint8_t *frame, uint32_t len)
{
	struct wire_frame *w = malloc(sizeof *w);
	if (!w || len > sizeof w->data)
		sim_fatal("tcp_pair: no room for a frame of %u bytes", len);
	w->pair = p;
	w->to_server = to_server;
	w->len = len;
	memcpy(w->data, frame, len);
	sim_time ser = 0;
	if (p->rate_bps) {
		uint32_t ip_len = (uint32_t)frame[16] << 8 | frame[17];
		ser = (sim_time)((ip_len + 2u) * 8ull * SIM_PS_PER_S / p->rate_bps);
	}
	sim_time now = sim_now(p->sim);
	sim_time start = p->idle_at[to_server] > now ? p->idle_at[to_server] : now;
	p->idle_at[to_server] = start + ser;
	sim_schedule_at(p->sim, start + ser + p->delay, arrive, w);
}

static int client_xmit(void *ctx, const uint8_t *frame, uint32_t len)
{
	struct tcp_pair *p = ctx;
	struct netpkt_tcp h;
	const uint8_t *pl;
	uint32_t plen;
	parse(frame, len, &h, &pl, &plen);
	if (p->hooks.client_frame && p->hooks.client_frame(p->hooks.ctx, &h, plen))
		return 0;                      /* lost on the wire */
	put_on_wire(p, 1, frame, len);
	return 0;
}

static void server_xmit(void *ctx, const uint8_t *frame, uint32_t len)
{
	struct tcp_pair *p = ctx;
	if (p->hooks.server_frame) {
		struct netpkt_tcp h;
		const uint8_t *pl;
		uint32_t plen;
		parse(frame, len, &h, &pl, &plen);
		p->hooks.server_frame(p->hooks.ctx, &h);
	}
	put_on_wire(p, 0, frame, len);
}

static void server_deliver(void *ctx, uint32_t conn, uint64_t offset, const uint8_t *data,
			   uint32_t len)
{
	struct tcp_pair *p = ctx;
	if (offset != p->bytes_in || oracle_check(1, conn, offset, data, len) >= 0)
		p->integrity_errors++;
	p->bytes_in += len;
	if (p->bytes && p->bytes_in == p->bytes)
		p->done = sim_now(p->sim);
}

void tcp_pair_init(struct tcp_pair *p, uint64_t rate_bps, sim_time delay,
		   const struct tcp_pair_hooks *hooks)
{
	memset(p, 0, sizeof *p);
	p->sim = sim_create(1);
	p->done = SIM_TIME_MAX;
	p->rate_bps = rate_bps;
	p->delay = delay;
	if (hooks)
		p->hooks = *hooks;
	p->sio = (struct tcp_sender_io){ .xmit = client_xmit, .ctx = p };
	p->rio = (struct tcp_receiver_io){ .xmit = server_xmit, .deliver = server_deliver, .ctx = p };
}

void tcp_pair_start(struct tcp_pair *p, const struct tcp_sender_config *c, uint16_t sport,
		    uint64_t bytes)
{
	struct netpkt_tcp a = { .saddr = 0x0a000001, .daddr = 0x0a000002, .sport = sport,
				.dport = 5001 };
	p->bytes = bytes;
	p->snd = tcp_sender_create(p->sim, c, &p->sio, 0, 1, bytes, &a);
	tcp_sender_connect(p->snd);
	tcp_sender_start_data(p->snd);
}

void tcp_pair_accept(struct tcp_pair *p, const struct tcp_receiver_config *c,
		     const struct netpkt_tcp *syn)
{
	p->rcv = tcp_receiver_accept(p->sim, c, &p->rio, 0, syn);
}

void tcp_pair_fini(struct tcp_pair *p)
{
	tcp_sender_destroy(p->snd);
	tcp_receiver_destroy(p->rcv);
	sim_destroy(p->sim);
	memset(p, 0, sizeof *p);
}
