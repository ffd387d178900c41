/* host/tcp_sender.c - Linux 2.6.32's TCP sender, reduced to what a bulk
 * transfer exercises (see tcp_sender.h for the rules modelled). */
#include "host/tcp_sender.h"

#include <stdlib.h>
#include <string.h>
#include "host/oracle.h"

struct tcp_sender {
	sim *s;
	struct tcp_sender_config cfg;
	struct tcp_sender_io io;
	struct netpkt_tcp addr;        /* addresses and ports of our side */
	uint32_t conn;
	uint64_t seed;
	uint64_t bytes;                /* to send */
	uint32_t write_end;            /* sequence after the application's last write */
	sim_time last_data_sent_ps;    /* Linux's lsndtime */
	sim_event_handle write_event;  /* the application's next write */
	enum tcp_sender_state state;
	int data_allowed;
	uint32_t iss;
	uint32_t snd_una, snd_nxt, snd_max;
	uint32_t rcv_nxt;              /* the server's next sequence */
	uint32_t cwnd, ssthresh;       /* segments */
	uint32_t cwnd_cnt;             /* ACKs toward the next increase in CA */
	uint64_t rwnd_bytes;           /* peer's window, scaled (Linux's snd_wnd) */
	uint32_t snd_wl1;              /* the peer's sequence of the ACK that last set it */
	uint8_t peer_wscale;
	uint32_t dupacks;
	int in_recovery;
	uint32_t recover;
	uint32_t ts_recent;
	/* RTO (RFC 6298) in ps */
	sim_time srtt, rttvar, rto;
	int have_rtt;
	sim_time rto_deadline;         /* SIM_TIME_MAX: no timer */
	sim_event_handle rto_event;
	sim_time rto_event_at;
	int backoff;
	int stalled;                   /* the NIC queue was full */
	struct tcp_sender_stats st;
};

void tcp_sender_config_default(struct tcp_sender_config *c)
{
	c->mss_bytes = 1448;
	c->init_cwnd_segments = 3;
	c->syn_rto_ps = sim_s(3);
	c->syn_retries = 5;
	c->rto_min_ps = sim_ms(200);
	c->rto_max_ps = sim_s(120);
	c->wscale = 7;
	c->max_cwnd_segments = 65535;
	c->close = 1;
	c->write_bytes = 0;
	c->write_pause_ps = 0;
	c->slow_start_after_idle = 1;
}

struct tcp_sender *tcp_sender_create(sim *s, const struct tcp_sender_config *c,
				     const struct tcp_sender_io *io, uint32_t conn,
				     uint64_t seed, uint64_t bytes, const struct netpkt_tcp *addr)
{
	struct tcp_sender *t = calloc(1, sizeof *t);
	if (!t)
		abort();
	t->s = s;
	t->cfg = *c;
	t->io = *io;
	t->conn = conn;
	t->seed = seed;
	t->bytes = bytes;
	t->addr = *addr;
	t->iss = (uint32_t)(seed * 2654435761u) ^ (conn * 0x01000193u);
	t->rto_deadline = SIM_TIME_MAX;
	t->st.syn_first_ps = t->st.established_ps = t->st.done_ps = SIM_TIME_MAX;
	return t;
}

void tcp_sender_destroy(struct tcp_sender *t)
{
	if (t) {
		sim_cancel(t->s, t->rto_event);
		sim_cancel(t->s, t->write_event);
	}
	free(t);
}

enum tcp_sender_state tcp_sender_state(const struct tcp_sender *t) { return t->state; }
const struct tcp_sender_stats *tcp_sender_stats(const struct tcp_sender *t) { return &t->st; }
uint64_t tcp_sender_send_window(const struct tcp_sender *t) { return t->rwnd_bytes; }

static uint32_t ts_now(const struct tcp_sender *t)
{
	/* jiffies at HZ=1000 */
	return (uint32_t)(sim_now(t->s) / SIM_PS_PER_MS);
}

/* ---- the retransmission timer: one event, re-armed lazily ---- */

static void rto_fired(sim *s, void *arg);

static void timer_arm(struct tcp_sender *t, sim_time delay)
{
	t->rto_deadline = sim_time_add(sim_now(t->s), delay);
	if (!sim_event_pending(t->s, t->rto_event) || t->rto_event_at > t->rto_deadline) {
		sim_cancel(t->s, t->rto_event);
		t->rto_event = sim_schedule_at(t->s, t->rto_deadline, rto_fired, t);
		t->rto_event_at = t->rto_deadline;
	}
}

static void timer_stop(struct tcp_sender *t)
{
	t->rto_deadline = SIM_TIME_MAX;
}

/* ---- output ---- */

static int send_segment(struct tcp_sender *t, uint32_t seq, uint32_t len, uint8_t flags)
{
	uint8_t frame[14 + 20 + 40 + 1500];
	struct netpkt_tcp h = t->addr;
	h.seq = seq;
	h.ack = t->rcv_nxt;
	h.flags = flags;
	h.window = (uint16_t)(65535u >> 7);     /* we receive nothing of note */
	h.has_ts = 1;
	h.tsval = ts_now(t);
	h.tsecr = t->ts_recent;
	h.mss = 0;
	h.wscale = 0xff;
	if (flags & NETPKT_TCP_SYN) {
		h.ack = 0;
		h.window = 5840;               /* 2.6.32's initial window field */
		h.mss = 1460;
		h.wscale = t->cfg.wscale;
	}
	/* the payload is written where the frame carries it: no copy */
	uint32_t at = netpkt_tcp_payload_offset(&h);
	uint8_t *payload = frame + at;
	if (t->io.room && !t->io.room(t->io.ctx, at + len < 60u ? 60u : at + len)) {
		t->stalled = 1;
		return -1;
	}
	if (len)
		oracle_fill(t->seed, t->conn, (uint64_t)(seq - t->iss - 1u), payload, len);
	uint32_t flen = netpkt_build_tcp(frame, &h, payload, len);
	if (t->io.xmit(t->io.ctx, frame, flen) != 0) {
		t->stalled = 1;
		return -1;
	}
	t->st.segments_sent++;
	return 0;
}

static uint32_t data_end_seq(const struct tcp_sender *t)
{
	return t->iss + 1u + (uint32_t)t->bytes;
}

/* Send what cwnd and the peer's window allow. */
static void output(struct tcp_sender *t)
{
	if (t->state != TCP_SENDER_ESTABLISHED && t->state != TCP_SENDER_FIN_SENT)
		return;
	if (!t->data_allowed)
		return;
	t->stalled = 0;
	for (;;) {
		uint32_t in_flight = t->snd_nxt - t->snd_una;
		uint64_t cwnd_bytes = (uint64_t)t->cwnd * t->cfg.mss_bytes;
		uint64_t limit = cwnd_bytes < t->rwnd_bytes ? cwnd_bytes : t->rwnd_bytes;
		uint32_t end = t->write_end;
		if ((int32_t)(t->snd_nxt - end) >= 0) {
			/* all data sent: the FIN, unless the application keeps the
			 * connection open or has more to write */
			if (t->cfg.close && end == data_end_seq(t) && t->snd_nxt == end &&
			    in_flight < limit + 1) {
				if (send_segment(t, t->snd_nxt, 0, NETPKT_TCP_FIN | NETPKT_TCP_ACK))
					return;
				t->snd_nxt++;
				if ((int32_t)(t->snd_nxt - t->snd_max) > 0)
					t->snd_max = t->snd_nxt;
				t->state = TCP_SENDER_FIN_SENT;
				if (t->rto_deadline == SIM_TIME_MAX)
					timer_arm(t, t->rto);
			}
			return;
		}
		uint32_t len = end - t->snd_nxt;
		if (len > t->cfg.mss_bytes)
			len = t->cfg.mss_bytes;
		if (in_flight + len > limit)
			return;
		uint8_t flags = NETPKT_TCP_ACK;
		if (t->snd_nxt + len == end)
			flags |= NETPKT_TCP_PSH;       /* the end of the application's write */
		if (send_segment(t, t->snd_nxt, len, flags))
			return;
		if ((int32_t)(t->snd_nxt - t->snd_max) < 0)
			t->st.retransmits++;
		t->last_data_sent_ps = sim_now(t->s);
		t->snd_nxt += len;
		if ((int32_t)(t->snd_nxt - t->snd_max) > 0)
			t->snd_max = t->snd_nxt;
		if (t->rto_deadline == SIM_TIME_MAX)
			timer_arm(t, t->rto);
	}
}

static void retransmit_head(struct tcp_sender *t)
{
	uint32_t end = t->write_end;
	if (t->snd_una == data_end_seq(t)) {
		send_segment(t, t->snd_una, 0, NETPKT_TCP_FIN | NETPKT_TCP_ACK);
	} else {
		uint32_t len = end - t->snd_una;
		if (len > t->cfg.mss_bytes)
			len = t->cfg.mss_bytes;
		send_segment(t, t->snd_una, len, NETPKT_TCP_ACK);
	}
	t->st.retransmits++;
}

void tcp_sender_connect(struct tcp_sender *t)
{
	t->state = TCP_SENDER_SYN_SENT;
	t->snd_una = t->iss;
	t->snd_nxt = t->snd_max = t->iss + 1u;
	t->write_end = t->iss + 1u;
	t->rto = t->cfg.syn_rto_ps;
	t->st.syn_first_ps = sim_now(t->s);
	send_segment(t, t->iss, 0, NETPKT_TCP_SYN);
	timer_arm(t, t->rto);
}

/* RFC 2861 as Linux's tcp_cwnd_restart applies it: a window unused for
 * longer than an RTO is no longer known to be safe; halve it per RTO of
 * idleness, not below the initial window, and remember 3/4 of it in
 * ssthresh so slow start climbs back quickly. */
static void restart_window_after_idle(struct tcp_sender *t)
{
	sim_time idle = sim_now(t->s) - t->last_data_sent_ps;
	uint32_t restart = t->cfg.init_cwnd_segments < t->cwnd ? t->cfg.init_cwnd_segments : t->cwnd;
	uint32_t three_quarters = (t->cwnd >> 1) + (t->cwnd >> 2);
	if (t->ssthresh < three_quarters)
		t->ssthresh = three_quarters;
	uint32_t cwnd = t->cwnd;
	while (idle > t->rto && cwnd > restart) {
		idle -= t->rto;
		cwnd >>= 1;
	}
	if (cwnd < restart)
		cwnd = restart;
	if (cwnd < t->cwnd)
		t->st.cwnd_restarts++;
	t->cwnd = cwnd;
	t->cwnd_cnt = 0;
}

/* The application hands the socket its next write. */
static void application_write(struct tcp_sender *t)
{
	uint32_t left = data_end_seq(t) - t->write_end;
	uint32_t n = left;
	if (t->cfg.write_bytes && t->cfg.write_bytes < left)
		n = (uint32_t)t->cfg.write_bytes;
	if (n == 0)
		return;
	if (t->cfg.slow_start_after_idle && t->snd_una == t->snd_max && t->st.writes > 0 &&
	    sim_now(t->s) - t->last_data_sent_ps > t->rto)
		restart_window_after_idle(t);
	t->write_end += n;
	t->st.writes++;
	output(t);
}

static void write_due(sim *s, void *arg)
{
	(void)s;
	application_write(arg);
}

void tcp_sender_start_data(struct tcp_sender *t)
{
	t->data_allowed = 1;
	application_write(t);
}

void tcp_sender_pump(struct tcp_sender *t)
{
	if (t->stalled)
		output(t);
}

static void fail(struct tcp_sender *t)
{
	t->state = TCP_SENDER_FAILED;
	timer_stop(t);
	t->st.done_ps = sim_now(t->s);
	if (t->io.finished)
		t->io.finished(t->io.ctx, t->conn);
}

static void rto_fired(sim *s, void *arg)
{
	struct tcp_sender *t = arg;
	if (t->rto_deadline == SIM_TIME_MAX)
		return;
	if (sim_now(s) < t->rto_deadline) {
		/* the deadline moved later since this event was set */
		t->rto_event = sim_schedule_at(s, t->rto_deadline, rto_fired, t);
		t->rto_event_at = t->rto_deadline;
		return;
	}
	if (t->state == TCP_SENDER_SYN_SENT) {
		if (t->st.syn_retransmits >= t->cfg.syn_retries) {
			fail(t);
			return;
		}
		t->st.syn_retransmits++;
		t->rto = t->rto * 2 > t->cfg.rto_max_ps ? t->cfg.rto_max_ps : t->rto * 2;
		send_segment(t, t->iss, 0, NETPKT_TCP_SYN);
		timer_arm(t, t->rto);
		return;
	}
	/* RFC 5681 3.1 / RFC 6298 5.5-5.7: collapse the window, back off, go
	 * back to the first unacknowledged segment */
	t->st.rto_timeouts++;
	uint32_t flight = (t->snd_max - t->snd_una) / t->cfg.mss_bytes;
	t->ssthresh = flight / 2 > 2 ? flight / 2 : 2;
	t->cwnd = 1;
	t->cwnd_cnt = 0;
	t->in_recovery = 0;
	t->dupacks = 0;
	t->snd_nxt = t->snd_una;
	t->rto = t->rto * 2 > t->cfg.rto_max_ps ? t->cfg.rto_max_ps : t->rto * 2;
	t->backoff++;
	timer_arm(t, t->rto);
	output(t);
	if (t->snd_nxt == t->snd_una)
		retransmit_head(t);            /* window closed: probe anyway */
}

static void rtt_sample(struct tcp_sender *t, sim_time r)
{
	/* RFC 6298 2.2-2.3 */
	if (!t->have_rtt) {
		t->srtt = r;
		t->rttvar = r / 2;
		t->have_rtt = 1;
	} else {
		sim_time d = t->srtt > r ? t->srtt - r : r - t->srtt;
		t->rttvar = (3 * t->rttvar + d) / 4;
		t->srtt = (7 * t->srtt + r) / 8;
	}
	sim_time rto = t->srtt + 4 * t->rttvar;
	if (rto < t->cfg.rto_min_ps)
		rto = t->cfg.rto_min_ps;
	if (rto > t->cfg.rto_max_ps)
		rto = t->cfg.rto_max_ps;
	t->rto = rto;
	t->backoff = 0;
}

static void on_new_ack(struct tcp_sender *t, uint32_t ack, const struct netpkt_tcp *h)
{
	uint32_t acked = ack - t->snd_una;
	t->snd_una = ack;
	if ((int32_t)(t->snd_nxt - ack) < 0)
		t->snd_nxt = ack;
	t->st.bytes_acked += acked;
	if (h->has_ts && h->tsecr)
		rtt_sample(t, sim_ms(ts_now(t) - h->tsecr));
	if (t->in_recovery) {
		if ((int32_t)(ack - t->recover) >= 0) {
			t->in_recovery = 0;
			t->cwnd = t->ssthresh;     /* RFC 6582 3.2 step 3: deflate */
		} else {
			retransmit_head(t);        /* NewReno partial ACK */
			t->cwnd = t->cwnd > acked / t->cfg.mss_bytes ?
					  t->cwnd - acked / t->cfg.mss_bytes + 1 : 1;
		}
	} else if (t->cwnd < t->ssthresh) {
		t->cwnd++;                     /* slow start: one segment per ACK */
	} else if (++t->cwnd_cnt >= t->cwnd) {
		t->cwnd_cnt = 0;
		t->cwnd++;                     /* congestion avoidance */
	}
	if (t->cwnd > t->cfg.max_cwnd_segments)
		t->cwnd = t->cfg.max_cwnd_segments;
	if (t->cwnd > t->st.max_cwnd_segments)
		t->st.max_cwnd_segments = t->cwnd;
	t->dupacks = 0;
	if (t->snd_una == t->snd_max)
		timer_stop(t);
	else
		timer_arm(t, t->rto);
	if (t->snd_una == t->write_end && t->write_end != data_end_seq(t) &&
	    !sim_event_pending(t->s, t->write_event))
		t->write_event = sim_schedule_in(t->s, t->cfg.write_pause_ps, write_due, t);
}

/* RFC 793/1122 as tcp_may_update_window (net/ipv4/tcp_input.c, 2.6.32)
 * applies them: the window is taken only from an ACK that is newer, or
 * as new but a newer segment of the peer's, or the same segment with a
 * larger window; a reordered older ACK cannot shrink it. */
static int may_update_window(const struct tcp_sender *t, uint32_t ack, uint32_t seq,
			     uint64_t nwin)
{
	return (int32_t)(ack - t->snd_una) > 0 || (int32_t)(seq - t->snd_wl1) > 0 ||
	       (seq == t->snd_wl1 && nwin > t->rwnd_bytes);
}

void tcp_sender_on_frame(struct tcp_sender *t, const struct netpkt_tcp *h,
			 uint32_t payload_len)
{
	if (h->flags & NETPKT_TCP_RST) {
		fail(t);
		return;
	}
	if (h->has_ts)
		t->ts_recent = h->tsval;
	if (t->state == TCP_SENDER_SYN_SENT) {
		if ((h->flags & (NETPKT_TCP_SYN | NETPKT_TCP_ACK)) !=
		    (NETPKT_TCP_SYN | NETPKT_TCP_ACK) || h->ack != t->iss + 1u)
			return;
		t->rcv_nxt = h->seq + 1u;
		t->peer_wscale = h->wscale == 0xff ? 0 : h->wscale;
		t->rwnd_bytes = h->window;     /* the SYN-ACK's window is not scaled */
		t->snd_wl1 = h->seq;           /* tcp_init_wl */
		t->snd_una = t->iss + 1u;
		t->cwnd = t->cfg.init_cwnd_segments;
		t->ssthresh = 0x7fffffff;
		/* the handshake's RTT sample sets the RTO (tiny on a LAN, so the
		 * 200 ms minimum); after a lost SYN there is no valid sample and
		 * the RTO stays at 3 s (RFC 6298 5.7) */
		t->rto = t->st.syn_retransmits ? t->cfg.syn_rto_ps : t->cfg.rto_min_ps;
		t->state = TCP_SENDER_ESTABLISHED;
		t->st.established_ps = sim_now(t->s);
		timer_stop(t);
		send_segment(t, t->snd_nxt, 0, NETPKT_TCP_ACK);
		if (t->io.established)
			t->io.established(t->io.ctx, t->conn);
		output(t);
		return;
	}
	if (t->state != TCP_SENDER_ESTABLISHED && t->state != TCP_SENDER_FIN_SENT)
		return;
	if (!(h->flags & NETPKT_TCP_ACK))
		return;
	uint64_t new_rwnd = (uint64_t)h->window << t->peer_wscale;
	uint32_t ack = h->ack;
	if ((int32_t)(ack - t->snd_max) > 0)
		return;                        /* acknowledges what we never sent */
	if ((int32_t)(ack - t->snd_una) < 0)
		return;                        /* older than snd_una: tcp_ack's old_ack */
	int window_updated = may_update_window(t, ack, h->seq, new_rwnd);
	if (window_updated) {
		t->snd_wl1 = h->seq;
		t->rwnd_bytes = new_rwnd;
	}
	if ((int32_t)(ack - t->snd_una) > 0) {
		on_new_ack(t, ack, h);
	} else if (ack == t->snd_una && t->snd_una != t->snd_max && !window_updated &&
		   payload_len == 0) {
		/* a duplicate ACK (RFC 5681 2): three trigger fast retransmit */
		if (++t->dupacks == 3 && !t->in_recovery) {
			uint32_t flight = (t->snd_max - t->snd_una) / t->cfg.mss_bytes;
			t->ssthresh = flight / 2 > 2 ? flight / 2 : 2;
			t->cwnd = t->ssthresh + 3;
			t->in_recovery = 1;
			t->recover = t->snd_max;
			t->st.fast_retransmits++;
			retransmit_head(t);
		} else if (t->in_recovery) {
			t->cwnd++;                 /* window inflation */
		}
	}
	if ((t->state == TCP_SENDER_FIN_SENT && t->snd_una == data_end_seq(t) + 1u) ||
	    (!t->cfg.close && t->state == TCP_SENDER_ESTABLISHED && t->data_allowed &&
	     t->snd_una == data_end_seq(t))) {
		t->state = TCP_SENDER_DONE;
		timer_stop(t);
		t->st.done_ps = sim_now(t->s);
		if (t->io.finished)
			t->io.finished(t->io.ctx, t->conn);
		return;
	}
	output(t);
}
