/* host/tcp_receiver.c - Linux 2.6.32's TCP receive side (tcp_receiver.h). */
#include "host/tcp_receiver.h"

#include <stdlib.h>
#include <string.h>
#include "host/endpoints.h"
#include "host/tcp_paws.h"
#include "sim/log.h"

SIM_LOG_MODULE(server);

/* A segment received out of order, kept until the hole before it fills. */
struct ooo_seg {
	struct ooo_seg *next;
	uint32_t seq, len;
	uint8_t data[];
};

struct tcp_receiver {
	sim *s;
	struct tcp_receiver_config cfg;
	struct tcp_receiver_io io;
	uint32_t conn;
	struct netpkt_tcp addr;        /* our side, for outgoing frames */
	uint32_t irs, iss;
	uint32_t rcv_nxt, rcv_wup;     /* rcv_wup: rcv_nxt at the last ACK sent */
	uint32_t snd_nxt;
	uint8_t peer_wscale;
	int established, fin_seen;
	int fin_pending;               /* a FIN arrived ahead of data */
	uint32_t fin_seq;
	uint32_t quick;
	struct tcp_ts_recent ts_recent;
	/* the client's window as tcp_ack keeps it, and the RTO: only
	 * tcp_disordered_ack reads them (the server sends no data) */
	uint32_t snd_wl1;
	uint64_t snd_wnd;
	uint32_t rto_ms;
	uint32_t tcp_header_len;       /* 20, or 32 with timestamps (tcp_header_len) */
	uint32_t last_seg_size;        /* icsk_ack.last_seg_size */
	struct ooo_seg *ooo;
	uint64_t ooo_bytes;
	uint64_t unread;               /* delivered, not yet read by the application */
	uint32_t rcv_right;            /* right edge of the window last advertised */
	uint32_t drop_seq;             /* lowest byte at or past rcv_nxt dropped */
	int drop_valid;
	int sack_ok;                   /* both SYNs offered SACK */
	/* SACK blocks of the out-of-order queue, most recent first */
	uint32_t sack_n, sack_start[NETPKT_MAX_SACK], sack_end[NETPKT_MAX_SACK];
	int dsack_pending;             /* report dsack_start..dsack_end once */
	uint32_t dsack_start, dsack_end;
	sim_event_handle delack;
	struct tcp_receiver_stats st;
};

void tcp_receiver_config_default(struct tcp_receiver_config *c)
{
	c->rcvbuf_bytes = 256u << 10;
	c->wscale = 7;
	c->ato_min_ps = sim_ms(40);
	c->ato_max_ps = sim_ms(200);
	c->quickacks = 16;
	c->advmss = 1460;
	c->app_paced = 0;
	c->sack = 1;
	c->dsack = 1;
	c->paws = 0;
	c->ts_offset = 0;
}

const struct tcp_receiver_stats *tcp_receiver_stats(const struct tcp_receiver *r)
{
	return &r->st;
}

static uint32_t ts_now(const struct tcp_receiver *r)
{
	/* tcp_time_stamp: jiffies at HZ=1000 */
	return (uint32_t)(sim_now(r->s) / SIM_PS_PER_MS) + r->cfg.ts_offset;
}

uint32_t tcp_receiver_ts_now(const struct tcp_receiver *r) { return ts_now(r); }

/* Free space in the socket buffer: what the application has not read
 * takes room; out-of-order data lies inside the window. */
static uint64_t free_space(const struct tcp_receiver *r)
{
	return r->unread < r->cfg.rcvbuf_bytes ? r->cfg.rcvbuf_bytes - r->unread : 0;
}

/* The window is the free space, but Linux never moves its right edge back
 * (tcp_select_window): it does not shrink while the application keeps up,
 * and duplicate ACKs stay duplicates (same window, RFC 5681). */
static uint16_t window_field(struct tcp_receiver *r)
{
	uint64_t space = free_space(r);
	if (space > 0x3fffffffu)
		space = 0x3fffffffu;
	uint32_t right = r->rcv_nxt + (uint32_t)space;
	if ((int32_t)(right - r->rcv_right) > 0)
		r->rcv_right = right;
	uint64_t w = (uint64_t)(r->rcv_right - r->rcv_nxt) >> r->cfg.wscale;
	return (uint16_t)(w > 65535 ? 65535 : w);
}

/* The D-SACK block first (sent once), then the SACK blocks, 3 in all
 * beside the timestamps (tcp_established_options). */
static void put_sack_blocks(struct tcp_receiver *r, struct netpkt_tcp *h)
{
	const uint32_t max_blocks = 3;
	if (r->dsack_pending) {
		h->sack_start[h->n_sack] = r->dsack_start;
		h->sack_end[h->n_sack] = r->dsack_end;
		h->n_sack++;
		r->dsack_pending = 0;
		r->st.dsack_acks++;
	}
	for (uint32_t i = 0; i < r->sack_n && h->n_sack < max_blocks; i++) {
		h->sack_start[h->n_sack] = r->sack_start[i];
		h->sack_end[h->n_sack] = r->sack_end[i];
		h->n_sack++;
	}
	if (h->n_sack)
		r->st.sack_acks++;
}

static void send_ack(struct tcp_receiver *r, uint8_t flags)
{
	uint8_t frame[128];
	struct netpkt_tcp h = r->addr;
	h.seq = r->snd_nxt;
	h.ack = r->rcv_nxt;
	h.flags = flags;
	h.has_ts = 1;
	h.tsval = ts_now(r);
	h.tsecr = r->ts_recent.val;
	h.mss = 0;
	h.wscale = 0xff;
	h.window = window_field(r);
	if (flags & NETPKT_TCP_SYN) {
		h.seq = r->iss;
		h.mss = (uint16_t)(h.ip6 ? r->cfg.advmss - NETPKT_IP6_EXTRA : r->cfg.advmss);
		h.wscale = r->cfg.wscale;
		h.window = 5792;           /* 4 x 1448: 2.6.32's initial rwnd, unscaled */
		h.sack_ok = (uint8_t)r->sack_ok;
	} else {
		put_sack_blocks(r, &h);
	}
	uint32_t len = netpkt_build_tcp(frame, &h, NULL, 0);
	r->io.xmit(r->io.ctx, frame, len);
	r->rcv_wup = r->rcv_nxt;
	r->st.acks_sent++;
	sim_cancel(r->s, r->delack);
	r->delack = (sim_event_handle){ 0, 0 };
}

struct tcp_receiver *tcp_receiver_accept(sim *s, const struct tcp_receiver_config *c,
					 const struct tcp_receiver_io *io, uint32_t conn,
					 const struct netpkt_tcp *syn)
{
	struct tcp_receiver *r = calloc(1, sizeof *r);
	if (!r)
		abort();
	r->s = s;
	r->cfg = *c;
	r->io = *io;
	r->conn = conn;
	memcpy(r->addr.src_mac, syn->dst_mac, 6);
	memcpy(r->addr.dst_mac, syn->src_mac, 6);
	r->addr.ip6 = syn->ip6;
	r->addr.saddr = syn->daddr;
	r->addr.daddr = syn->saddr;
	r->addr.sport = syn->dport;
	r->addr.dport = syn->sport;
	r->irs = syn->seq;
	r->rcv_nxt = syn->seq + 1u;
	r->iss = 0x5a5a0000u ^ (conn * 0x9e3779b1u);
	r->snd_nxt = r->iss + 1u;
	r->peer_wscale = syn->wscale == 0xff ? 0 : syn->wscale;
	r->sack_ok = c->sack && syn->sack_ok;
	/* tcp_openreq_init; tcp_create_openreq_child stamps it */
	tcp_ts_recent_store(&r->ts_recent, syn->has_ts ? syn->tsval : 0, sim_now(s));
	r->rto_ms = 3000;                  /* TCP_TIMEOUT_INIT until the handshake's sample */
	r->tcp_header_len = syn->has_ts ? 32u : 20u;
	r->quick = c->quickacks;
	r->st.rcv_mss = 536;               /* TCP_MIN_RCVMSS before any data */
	r->rcv_right = r->rcv_nxt;
	char who[ENDPOINT_NAME_MAX];
	SIM_LOG(s, server, SIM_LOG_INFO, "%s: SYN received, SYN-ACK sent (connection %u)",
		endpoint_name(syn->saddr, syn->sport, syn->ip6, who), conn);
	send_ack(r, NETPKT_TCP_SYN | NETPKT_TCP_ACK);
	return r;
}

void tcp_receiver_destroy(struct tcp_receiver *r)
{
	if (!r)
		return;
	sim_cancel(r->s, r->delack);
	while (r->ooo) {
		struct ooo_seg *o = r->ooo;
		r->ooo = o->next;
		free(o);
	}
	free(r);
}

static void delack_fired(sim *s, void *arg)
{
	(void)s;
	struct tcp_receiver *r = arg;
	r->delack = (sim_event_handle){ 0, 0 };
	r->st.delayed_acks++;
	send_ack(r, NETPKT_TCP_ACK);
}

/* Hand in-order bytes up; returns whether anything new was delivered. */
static void deliver(struct tcp_receiver *r, uint32_t seq, const uint8_t *data, uint32_t len)
{
	/* trim what was already delivered */
	if ((int32_t)(seq - r->rcv_nxt) < 0) {
		uint32_t cut = r->rcv_nxt - seq;
		if (cut >= len)
			return;
		seq += cut;
		data += cut;
		len -= cut;
	}
	if (r->cfg.app_paced)
		r->unread += len;
	r->io.deliver(r->io.ctx, r->conn, (uint64_t)(seq - r->irs - 1u), data, len);
	r->rcv_nxt = seq + len;
	r->st.bytes_in_order += len;
	if (r->drop_valid && (int32_t)(r->drop_seq - r->rcv_nxt) < 0)
		r->drop_valid = 0;         /* the dropped bytes came again */
}

static void sack_remove_at(struct tcp_receiver *r, uint32_t i)
{
	for (; i + 1 < r->sack_n; i++) {
		r->sack_start[i] = r->sack_start[i + 1];
		r->sack_end[i] = r->sack_end[i + 1];
	}
	r->sack_n--;
}

/* A segment [seq, end) joined the out-of-order queue: the block holding it
 * moves to the front, merged with every block it touches
 * (tcp_sack_new_ofo_skb, tcp_sack_maybe_coalesce); a new block pushes the
 * oldest out when all 4 are in use. */
static void sack_add(struct tcp_receiver *r, uint32_t seq, uint32_t end)
{
	uint32_t start = seq;
	for (uint32_t i = 0; i < r->sack_n;) {
		if ((int32_t)(r->sack_start[i] - end) <= 0 && (int32_t)(start - r->sack_end[i]) <= 0) {
			if ((int32_t)(r->sack_start[i] - start) < 0)
				start = r->sack_start[i];
			if ((int32_t)(r->sack_end[i] - end) > 0)
				end = r->sack_end[i];
			sack_remove_at(r, i);
		} else {
			i++;
		}
	}
	if (r->sack_n == NETPKT_MAX_SACK)
		r->sack_n--;
	for (uint32_t i = r->sack_n; i > 0; i--) {
		r->sack_start[i] = r->sack_start[i - 1];
		r->sack_end[i] = r->sack_end[i - 1];
	}
	r->sack_start[0] = start;
	r->sack_end[0] = end;
	r->sack_n++;
}

/* rcv_nxt moved: blocks it reached are gone (tcp_sack_remove). */
static void sack_trim(struct tcp_receiver *r)
{
	for (uint32_t i = 0; i < r->sack_n;) {
		if ((int32_t)(r->sack_start[i] - r->rcv_nxt) <= 0)
			sack_remove_at(r, i);
		else
			i++;
	}
}

/* A duplicate [seq, end): report it in a D-SACK block, or widen the one
 * not yet sent (tcp_dsack_set, tcp_dsack_extend). */
static void dsack_note(struct tcp_receiver *r, uint32_t seq, uint32_t end)
{
	if (!r->sack_ok || !r->cfg.dsack)
		return;
	if (r->dsack_pending && (int32_t)(seq - r->dsack_end) <= 0 &&
	    (int32_t)(r->dsack_start - end) <= 0) {
		if ((int32_t)(seq - r->dsack_start) < 0)
			r->dsack_start = seq;
		if ((int32_t)(end - r->dsack_end) > 0)
			r->dsack_end = end;
		return;
	}
	r->dsack_pending = 1;
	r->dsack_start = seq;
	r->dsack_end = end;
}

static void drain_ooo(struct tcp_receiver *r)
{
	while (r->ooo && (int32_t)(r->ooo->seq - r->rcv_nxt) <= 0) {
		struct ooo_seg *o = r->ooo;
		r->ooo = o->next;
		r->ooo_bytes -= o->len;
		deliver(r, o->seq, o->data, o->len);
		free(o);
	}
}

static void queue_ooo(struct tcp_receiver *r, uint32_t seq, const uint8_t *data, uint32_t len)
{
	struct ooo_seg **pp = &r->ooo;
	while (*pp && (int32_t)((*pp)->seq - seq) < 0)
		pp = &(*pp)->next;
	if (*pp && (*pp)->seq == seq && (*pp)->len >= len) {
		dsack_note(r, seq, seq + len);  /* already queued */
		return;
	}
	struct ooo_seg *o = malloc(sizeof *o + len);
	if (!o)
		abort();
	o->seq = seq;
	o->len = len;
	memcpy(o->data, data, len);
	o->next = *pp;
	*pp = o;
	r->ooo_bytes += len;
	r->st.ooo_segments++;
	if (r->sack_ok)
		sack_add(r, seq, seq + len);
}

int tcp_receiver_hole_was_dropped(const struct tcp_receiver *r)
{
	return r->drop_valid && r->drop_seq == r->rcv_nxt;
}

void tcp_receiver_consumed(struct tcp_receiver *r, uint64_t bytes)
{
	r->unread = bytes < r->unread ? r->unread - bytes : 0;
	if (!r->established || r->fin_seen)
		return;
	/* tcp_cleanup_rbuf: once the window left to the sender is at most half
	 * the buffer, ACK when reading at least doubled it */
	uint64_t now_left = (uint32_t)(r->rcv_right - r->rcv_nxt);
	uint64_t space = free_space(r);
	if (2u * now_left <= r->cfg.rcvbuf_bytes && space > 0 && space >= 2u * now_left) {
		r->st.window_updates++;
		send_ack(r, NETPKT_TCP_ACK);
	}
}

/* tcp_measure_rcv_mss: len is the skb's gso_size, or its payload when it
 * has none. A larger value is taken at once; a smaller one only when a
 * full-sized segment (at least 536 bytes with its TCP header, or at least
 * 88 without PSH/URG/FIN/SYN) of that size comes twice in a row. */
static void measure_rcv_mss(struct tcp_receiver *r, const struct netpkt_tcp *h, uint32_t len)
{
	const uint32_t tcp_mss_default = 536, tcp_min_mss = 88, th_len = 20;
	const uint8_t tcp_urg = 0x20;
	const uint8_t remnant = NETPKT_TCP_FIN | NETPKT_TCP_SYN | NETPKT_TCP_PSH | tcp_urg;
	uint32_t lss = r->last_seg_size;
	r->last_seg_size = 0;
	if (len >= r->st.rcv_mss) {
		r->st.rcv_mss = len;
		return;
	}
	/* the TCP header with its options, as parsed */
	uint32_t with_header = len + netpkt_tcp_payload_offset(h) - 14u - (h->ip6 ? 40u : 20u);
	if (with_header >= tcp_mss_default + th_len ||
	    (with_header >= tcp_min_mss + th_len && !(h->flags & remnant))) {
		uint32_t seg = with_header - r->tcp_header_len;
		r->last_seg_size = seg;
		if (seg == lss)
			r->st.rcv_mss = seg;
	}
}

void tcp_receiver_on_segment(struct tcp_receiver *r, const struct netpkt_tcp *h,
			     const uint8_t *payload, uint32_t len)
{
	tcp_receiver_on_skb(r, h, payload, len, 0);
}

/* tcp_may_update_window for the client's window; the server's snd_una is
 * its snd_nxt: it sends no data. */
static int may_update_window(const struct tcp_receiver *r, const struct netpkt_tcp *h)
{
	return tcp_may_update_window(h->ack, h->seq, (uint64_t)h->window << r->peer_wscale,
				     r->snd_nxt, r->snd_wl1, r->snd_wnd);
}

/* The sequence space a segment takes: its data, SYN and FIN (end_seq). */
static uint32_t end_seq(const struct netpkt_tcp *h, uint32_t len)
{
	return h->seq + len + ((h->flags & NETPKT_TCP_SYN) != 0) + ((h->flags & NETPKT_TCP_FIN) != 0);
}

/* tcp_paws_discard (host/tcp_paws.h); the server's snd_una is its
 * snd_nxt: it sends no data. */
static int paws_discard(const struct tcp_receiver *r, const struct netpkt_tcp *h, uint32_t len)
{
	struct tcp_paws_conn c = { .rcv_nxt = r->rcv_nxt, .snd_una = r->snd_nxt,
				   .snd_wl1 = r->snd_wl1, .snd_wnd = r->snd_wnd,
				   .peer_wscale = (uint8_t)r->peer_wscale, .rto_ms = r->rto_ms };
	return tcp_paws_discard(&r->ts_recent, h, len, &c, sim_now(r->s));
}

/* tcp_send_dupack: a segment with data from before rcv_nxt puts the
 * receiver in quickack mode (tcp_enter_quickack_mode; the model's count
 * stays `quickacks`) and is reported in a D-SACK block; then an ACK goes
 * out at once. */
static void send_dupack(struct tcp_receiver *r, const struct netpkt_tcp *h, uint32_t len)
{
	uint32_t end = end_seq(h, len);
	if (end != h->seq && (int32_t)(h->seq - r->rcv_nxt) < 0) {
		if (r->quick < r->cfg.quickacks)
			r->quick = r->cfg.quickacks;
		dsack_note(r, h->seq, (int32_t)(end - r->rcv_nxt) > 0 ? r->rcv_nxt : end);
	}
	send_ack(r, NETPKT_TCP_ACK);
}

void tcp_receiver_on_skb(struct tcp_receiver *r, const struct netpkt_tcp *h,
			 const uint8_t *payload, uint32_t len, uint32_t gso_size)
{
	sim_time now = sim_now(r->s);
	/* tcp_validate_incoming, first of all: PAWS. An RST that fails it is
	 * accepted (the model has nothing more to do with one). */
	if (r->cfg.paws && r->established && paws_discard(r, h, len) &&
	    !(h->flags & NETPKT_TCP_RST)) {
		r->st.paws_rejected++;     /* LINUX_MIB_PAWSESTABREJECTED */
		send_dupack(r, h, len);
		return;
	}
	/* then tcp_sequence: a segment wholly before rcv_wup is not
	 * acceptable (the data path below answers it as a duplicate), and
	 * only an acceptable one may replace ts_recent */
	if (h->has_ts && (int32_t)(end_seq(h, len) - r->rcv_wup) >= 0)
		tcp_ts_recent_replace(&r->ts_recent, h->seq, r->rcv_wup, h->tsval, now);
	if (h->flags & NETPKT_TCP_SYN) {
		/* the client retransmitted its SYN: our SYN-ACK was lost or late */
		if (!r->established && h->seq == r->irs)
			send_ack(r, NETPKT_TCP_SYN | NETPKT_TCP_ACK);
		return;
	}
	if (!r->established) {
		if (!(h->flags & NETPKT_TCP_ACK) || h->ack != r->iss + 1u)
			return;
		r->established = 1;
		/* tcp_rcv_state_process, SYN_RECV: the client's window
		 * (tcp_init_wl), and the RTO from the handshake's timestamp
		 * sample (tcp_ack_update_rtt; tcp_rtt_estimator's first
		 * measure: srtt = m, rttvar = max(2 m, TCP_RTO_MIN), rto =
		 * srtt + rttvar, m at least one tick) */
		r->snd_wl1 = h->seq;
		r->snd_wnd = (uint64_t)h->window << r->peer_wscale;
		if (h->has_ts && h->tsecr) {
			uint32_t m = ts_now(r) - h->tsecr;
			if ((int32_t)m < 1)
				m = 1;
			r->rto_ms = m + (2u * m > 200u ? 2u * m : 200u);
		}
		if (r->io.established)
			r->io.established(r->io.ctx, r->conn);
	}
	/* tcp_ack's window update (tcp_ack_update_window) for an ACK of
	 * all the server sent */
	if ((h->flags & NETPKT_TCP_ACK) && h->ack == r->snd_nxt && may_update_window(r, h)) {
		r->snd_wl1 = h->seq;
		r->snd_wnd = (uint64_t)h->window << r->peer_wscale;
	}
	r->st.segments++;
	int immediate = 0;
	if (len > 0) {
		measure_rcv_mss(r, h, gso_size ? gso_size : len);
		int in_order = (int32_t)(h->seq - r->rcv_nxt) <= 0;
		if ((int32_t)(h->seq + len - r->rcv_nxt) <= 0) {
			r->st.dup_segments++;
			r->st.dup_bytes += len;
			dsack_note(r, h->seq, h->seq + len);
			immediate = 1;             /* a duplicate: ACK at once (tcp_send_dupack) */
		} else if (r->unread + (in_order ? 0 : r->ooo_bytes) + len > r->cfg.rcvbuf_bytes) {
			/* no room: tcp_data_queue drops it (in-order data first
			 * prunes the out-of-order queue, tcp_prune_ofo_queue) */
			r->st.rmem_drops++;
			r->st.rmem_drop_bytes += len;
			uint32_t from = in_order ? r->rcv_nxt : h->seq;
			if (!r->drop_valid || (int32_t)(from - r->drop_seq) < 0) {
				r->drop_seq = from;
				r->drop_valid = 1;
			}
			immediate = 1;
		} else if (!in_order) {
			queue_ooo(r, h->seq, payload, len);
			immediate = 1;             /* out of order: ACK at once */
		} else {
			int had_hole = r->ooo != NULL;
			if ((int32_t)(h->seq - r->rcv_nxt) < 0)   /* partly old: D-SACK that part */
				dsack_note(r, h->seq, r->rcv_nxt);
			deliver(r, h->seq, payload, len);
			drain_ooo(r);
			sack_trim(r);
			if (had_hole)
				immediate = 1;     /* filled a hole */
		}
	}
	if ((h->flags & NETPKT_TCP_FIN) && r->fin_seen) {
		/* the FIN again: our ACK of it was lost - a duplicate gets an
		 * immediate ACK (tcp_send_dupack) */
		send_ack(r, NETPKT_TCP_ACK);
		return;
	}
	if ((h->flags & NETPKT_TCP_FIN) && !r->fin_seen) {
		/* a FIN that overtook data (frames spread over NPU threads
		 * arrive out of order) waits until the data before it is in */
		r->fin_pending = 1;
		r->fin_seq = h->seq + len;
	}
	if (r->fin_pending && !r->fin_seen && r->fin_seq == r->rcv_nxt) {
		r->fin_seen = 1;
		r->rcv_nxt++;
		send_ack(r, NETPKT_TCP_ACK);
		if (r->io.eof)
			r->io.eof(r->io.ctx, r->conn);
		return;
	}
	if (len == 0)
		return;
	if (!immediate && r->rcv_nxt - r->rcv_wup > r->st.rcv_mss)
		immediate = 1;                 /* more than one rcv_mss unacknowledged */
	if (!immediate && r->quick > 0) {
		r->quick--;
		immediate = 1;
	}
	if (immediate)
		send_ack(r, NETPKT_TCP_ACK);
	else if (r->delack.gen == 0)
		r->delack = sim_schedule_in(r->s, r->cfg.ato_min_ps, delack_fired, r);
}
