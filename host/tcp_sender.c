/* host/tcp_sender.c - Linux 2.6.32's TCP sender, reduced to what a bulk
 * transfer exercises (see tcp_sender.h for the rules modelled). */
#include "host/tcp_sender.h"
#include "sim/rng.h"

#include <stdlib.h>
#include <string.h>
#include "host/endpoints.h"
#include "host/oracle.h"
#include "host/tcp_paws.h"
#include "host/tcp_sack.h"
#include "sim/log.h"

SIM_LOG_MODULE(tcp);

enum ca_state {                    /* icsk_ca_state */
	CA_OPEN, CA_DISORDER, CA_CWR, CA_RECOVERY, CA_LOSS,
};

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
	uint32_t snd_una, snd_nxt;
	int fin_queued;                /* the FIN is in the scoreboard */
	uint32_t rcv_nxt;              /* the server's next sequence */
	uint32_t cwnd, ssthresh;       /* segments */
	uint32_t cwnd_cnt;             /* snd_cwnd_cnt */
	uint32_t prior_ssthresh;
	uint64_t rwnd_bytes;           /* peer's window, scaled (Linux's snd_wnd) */
	uint32_t snd_wl1;              /* the peer's sequence of the ACK that last set it */
	uint8_t peer_wscale;
	int sack_ok;                   /* both SYNs offered SACK */
	enum ca_state ca;
	uint32_t high_seq;             /* snd_nxt when the state began */
	uint32_t undo_marker;          /* snd_una when a reduction began; 0: no undo */
	int undo_valid;
	uint32_t undo_retrans;         /* retransmissions not yet shown needless */
	uint32_t retrans_stamp;        /* TSval of the first retransmission; 0: none */
	uint32_t reordering;
	uint32_t reno_dupacks;         /* without SACK: duplicate ACKs as sacked_out */
	int fack;
	int frto_counter;              /* F-RTO: 1, 2 after a timeout; 0 otherwise */
	uint32_t frto_highmark;
	struct tcp_scoreboard sb;
	struct tcp_cong cc;
	struct tcp_ts_recent ts_recent;
	uint32_t ack_tsecr;            /* TSecr of the ACK being processed (0: none) */
	/* RTO (RFC 6298) in ps */
	sim_time srtt, rttvar, rto;
	int have_rtt;
	sim_time rto_deadline;         /* SIM_TIME_MAX: no timer */
	sim_event_handle rto_event;
	sim_time rto_event_at;
	int backoff;
	uint32_t timeouts;             /* consecutive timeouts: icsk_retransmits */
	int stalled;                   /* the NIC queue was full */
	tcp_sender_trace_fn trace;
	void *trace_ctx;
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
	c->cc = TCP_CONG_CUBIC;
	c->sack = 1;
	c->fack = 1;
	c->frto = 2;
	c->reordering = 3;
	c->ts_offset = 0;
	c->paws = 0;
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
	t->reordering = c->reordering;
	t->fack = c->fack;
	tcp_sb_init(&t->sb);
	return t;
}

void tcp_sender_destroy(struct tcp_sender *t)
{
	if (t) {
		sim_cancel(t->s, t->rto_event);
		sim_cancel(t->s, t->write_event);
		tcp_sb_free(&t->sb);
	}
	free(t);
}

static const char *const state_names[] = { "closed", "syn-sent", "established", "fin-sent",
	"done", "failed" };

/* The logs' name of the connection's client end: its port, and its
 * address when that is not the client's first (host/endpoints.h). */
#define WHO(t, buf) endpoint_name((t)->addr.saddr, (t)->addr.sport, (t)->addr.ip6, buf)

/* A connection state change, logged (--log tcp=info) with the client end. */
static void set_state(struct tcp_sender *t, enum tcp_sender_state st)
{
	char who[ENDPOINT_NAME_MAX];
	SIM_LOG(t->s, tcp, SIM_LOG_INFO, "%s: %s -> %s", WHO(t, who),
		(unsigned)t->state < 6 ? state_names[t->state] : "?",
		(unsigned)st < 6 ? state_names[st] : "?");
	t->state = st;
}

enum tcp_sender_state tcp_sender_state(const struct tcp_sender *t) { return t->state; }
const struct tcp_sender_stats *tcp_sender_stats(const struct tcp_sender *t) { return &t->st; }
uint64_t tcp_sender_send_window(const struct tcp_sender *t) { return t->rwnd_bytes; }
uint32_t tcp_sender_cwnd(const struct tcp_sender *t) { return t->cwnd; }
uint32_t tcp_sender_ssthresh(const struct tcp_sender *t) { return t->ssthresh; }

void tcp_sender_set_trace(struct tcp_sender *t, tcp_sender_trace_fn fn, void *ctx)
{
	t->trace = fn;
	t->trace_ctx = ctx;
}

static uint32_t ts_now(const struct tcp_sender *t)
{
	/* tcp_time_stamp: jiffies at HZ=1000 */
	return (uint32_t)(sim_now(t->s) / SIM_PS_PER_MS) + t->cfg.ts_offset;
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

static uint32_t in_flight(const struct tcp_sender *t);

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
	h.tsecr = t->ts_recent.val;
	h.mss = 0;
	h.wscale = 0xff;
	if (flags & NETPKT_TCP_SYN) {
		h.ack = 0;
		h.window = 5840;               /* 2.6.32's initial window field */
		h.mss = h.ip6 ? 1460 - NETPKT_IP6_EXTRA : 1460;   /* MTU 1500 less the headers */
		h.wscale = t->cfg.wscale;
		h.sack_ok = (uint8_t)(t->cfg.sack != 0);
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

/* Puts one scoreboard segment on the wire again. */
static int resend(struct tcp_sender *t, struct tcp_seg *sg)
{
	int fin = (sg->tags & TCP_SEG_FIN) != 0;
	uint32_t len = fin ? 0 : sg->end - sg->seq;
	uint8_t flags = fin ? (NETPKT_TCP_FIN | NETPKT_TCP_ACK) : NETPKT_TCP_ACK;
	if (send_segment(t, sg->seq, len, flags))
		return -1;
	if (!t->retrans_stamp)
		t->retrans_stamp = ts_now(t) ? ts_now(t) : 1u;
	if (t->undo_valid)
		t->undo_retrans++;
	tcp_sb_mark_retransmitted(&t->sb, sg, ts_now(t));
	t->st.retransmits++;
	return 0;
}

/* tcp_xmit_retransmit_queue: the segments marked lost, while the window
 * has room. */
static int retransmit_lost(struct tcp_sender *t)
{
	struct tcp_seg *sg;
	while ((sg = tcp_sb_next_lost(&t->sb)) != NULL) {
		if (in_flight(t) >= t->cwnd)
			return 0;
		if (resend(t, sg))
			return -1;
	}
	return 0;
}

/* Send what cwnd and the peer's window allow: lost segments first, then
 * new data, then the FIN. */
static void output(struct tcp_sender *t)
{
	if (t->state != TCP_SENDER_ESTABLISHED && t->state != TCP_SENDER_FIN_SENT)
		return;
	if (!t->data_allowed)
		return;
	t->stalled = 0;
	if (retransmit_lost(t))
		return;
	uint32_t now = ts_now(t);
	for (;;) {
		if (in_flight(t) >= t->cwnd)
			return;
		uint32_t end = t->write_end;
		if ((int32_t)(t->snd_nxt - end) >= 0) {
			/* all data sent: the FIN, unless the application keeps the
			 * connection open or has more to write */
			if (t->cfg.close && !t->fin_queued && end == data_end_seq(t)) {
				if (send_segment(t, t->snd_nxt, 0, NETPKT_TCP_FIN | NETPKT_TCP_ACK))
					return;
				tcp_sb_push(&t->sb, t->snd_nxt, t->snd_nxt + 1u, TCP_SEG_FIN, now);
				t->fin_queued = 1;
				t->snd_nxt++;
				set_state(t, TCP_SENDER_FIN_SENT);
				if (t->rto_deadline == SIM_TIME_MAX)
					timer_arm(t, t->rto);
			}
			return;
		}
		uint32_t len = end - t->snd_nxt;
		if (len > t->cfg.mss_bytes)
			len = t->cfg.mss_bytes;
		if ((uint64_t)(t->snd_nxt + len - t->snd_una) > t->rwnd_bytes)
			return;                /* tcp_snd_wnd_test */
		uint8_t flags = NETPKT_TCP_ACK;
		if (t->snd_nxt + len == end)
			flags |= NETPKT_TCP_PSH;       /* the end of the application's write */
		if (send_segment(t, t->snd_nxt, len, flags))
			return;
		tcp_sb_push(&t->sb, t->snd_nxt, t->snd_nxt + len, 0, now);
		t->last_data_sent_ps = sim_now(t->s);
		t->snd_nxt += len;
		if (t->rto_deadline == SIM_TIME_MAX)
			timer_arm(t, t->rto);
	}
}

void tcp_sender_connect(struct tcp_sender *t)
{
	char who[ENDPOINT_NAME_MAX];
	SIM_LOG(t->s, tcp, SIM_LOG_INFO, "%s: SYN sent", WHO(t, who));
	set_state(t, TCP_SENDER_SYN_SENT);
	t->snd_una = t->iss;
	t->snd_nxt = t->iss + 1u;
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
	if (t->cfg.slow_start_after_idle && t->snd_una == t->snd_nxt && t->st.writes > 0 &&
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
	char who[ENDPOINT_NAME_MAX];
	SIM_LOG(t->s, tcp, SIM_LOG_INFO, "%s: no SYN-ACK after %u SYN retransmissions",
		WHO(t, who), t->st.syn_retransmits);
	set_state(t, TCP_SENDER_FAILED);
	timer_stop(t);
	t->st.done_ps = sim_now(t->s);
	if (t->io.finished)
		t->io.finished(t->io.ctx, t->conn);
}

/* ---- loss recovery: tcp_fastretrans_alert's state machine ---- */

/* what one ACK did (tcp_input.c's FLAG_ bits) */
enum {
	F_DATA = 0x01,                 /* it carried data */
	F_WIN_UPDATE = 0x02,
	F_DATA_ACKED = 0x04,
	F_RETRANS_DATA_ACKED = 0x08,
	F_DATA_SACKED = 0x10,
	F_SND_UNA_ADVANCED = 0x20,
	F_DSACKING_ACK = 0x40,
	F_ONLY_ORIG_SACKED = 0x80,     /* what it SACKed was all sent before the timeout */
	F_NOT_DUP = F_DATA | F_WIN_UPDATE | F_DATA_ACKED,
	F_FORWARD_PROGRESS = F_DATA_ACKED | F_DATA_SACKED,
	F_ANY_PROGRESS = F_FORWARD_PROGRESS | F_SND_UNA_ADVANCED,
};

static int before(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static int is_reno(const struct tcp_sender *t) { return !t->sack_ok; }
static uint32_t max_u32(uint32_t a, uint32_t b) { return a > b ? a : b; }
static uint32_t min_u32(uint32_t a, uint32_t b) { return a < b ? a : b; }

/* sacked_out: SACKed segments, or without SACK the duplicate ACKs */
static uint32_t sacked_out(const struct tcp_sender *t)
{
	return is_reno(t) ? t->reno_dupacks : t->sb.sacked_out;
}

/* tcp_packets_in_flight */
static uint32_t in_flight(const struct tcp_sender *t)
{
	uint32_t left = sacked_out(t) + t->sb.lost_out;
	uint32_t out = t->sb.n > left ? t->sb.n - left : 0;
	return out + t->sb.retrans_out;
}

static uint32_t fackets_out(const struct tcp_sender *t)
{
	return is_reno(t) ? t->reno_dupacks + 1 : t->sb.fackets_out;
}

static void set_ca(struct tcp_sender *t, enum ca_state s)
{
	if (s == CA_LOSS)
		tcp_cong_on_loss(&t->cc, ts_now(t), t->snd_nxt);
	t->ca = s;
}

/* tcp_current_ssthresh */
static uint32_t current_ssthresh(const struct tcp_sender *t)
{
	if (t->ca == CA_CWR || t->ca == CA_RECOVERY)
		return t->ssthresh;
	return max_u32(t->ssthresh, (t->cwnd >> 1) + (t->cwnd >> 2));
}

/* tcp_moderate_cwnd: no burst of more than max_burst (reordering) */
static void moderate_cwnd(struct tcp_sender *t)
{
	t->cwnd = min_u32(t->cwnd, in_flight(t) + t->reordering);
}

static uint32_t rto_ms(const struct tcp_sender *t)
{
	return (uint32_t)(t->rto / SIM_PS_PER_MS);
}

static int head_timed_out(const struct tcp_sender *t)
{
	return t->sb.n > 0 &&
	       (int32_t)(ts_now(t) - tcp_sb_at(&t->sb, 0)->sent_ms) > (int32_t)rto_ms(t);
}

/* tcp_may_send_now: new data the windows let go now */
static int may_send_now(const struct tcp_sender *t)
{
	if (!before(t->snd_nxt, t->write_end) || in_flight(t) >= t->cwnd)
		return 0;
	uint32_t len = min_u32(t->write_end - t->snd_nxt, t->cfg.mss_bytes);
	return (uint64_t)(t->snd_nxt + len - t->snd_una) <= t->rwnd_bytes;
}

/* tcp_update_reordering: a higher degree seen; FACK cannot stand it */
static void update_reordering(struct tcp_sender *t, uint32_t metric)
{
	if (metric <= t->reordering)
		return;
	t->reordering = min_u32(metric, 127);      /* TCP_MAX_REORDERING */
	t->fack = 0;                               /* tcp_disable_fack */
	if (t->reordering > t->st.reordering)
		t->st.reordering = t->reordering;
}

/* tcp_packet_delayed: the ACK echoes a timestamp older than the first
 * retransmission: the original got through (Eifel, RFC 3522) */
static int packet_delayed(const struct tcp_sender *t)
{
	return !t->retrans_stamp || (t->ack_tsecr && before(t->ack_tsecr, t->retrans_stamp));
}

static int may_undo(const struct tcp_sender *t)
{
	return t->undo_valid && (!t->undo_retrans || packet_delayed(t));
}

/* tcp_undo_cwr */
static void undo_cwr(struct tcp_sender *t, int undo_ssthresh)
{
	if (t->prior_ssthresh) {
		t->cwnd = tcp_cong_undo_cwnd(&t->cc, t->cwnd);
		if (undo_ssthresh && t->prior_ssthresh > t->ssthresh)
			t->ssthresh = t->prior_ssthresh;
	} else {
		t->cwnd = max_u32(t->cwnd, t->ssthresh);
	}
	moderate_cwnd(t);
	t->st.undos++;
}

static int try_undo_recovery(struct tcp_sender *t)
{
	if (may_undo(t)) {
		undo_cwr(t, 1);
		t->undo_valid = 0;
	}
	if (t->snd_una == t->high_seq && is_reno(t)) {
		moderate_cwnd(t);              /* hold the state until above high_seq */
		return 1;
	}
	set_ca(t, CA_OPEN);
	return 0;
}

static void try_undo_dsack(struct tcp_sender *t)
{
	if (t->undo_valid && !t->undo_retrans) {
		undo_cwr(t, 1);
		t->undo_valid = 0;
	}
}

/* a partial ACK in recovery: returns whether to mark more lost */
static int try_undo_partial(struct tcp_sender *t, uint32_t acked)
{
	int failed = is_reno(t) || fackets_out(t) > t->reordering;
	if (may_undo(t)) {
		if (t->sb.retrans_out == 0)
			t->retrans_stamp = 0;
		update_reordering(t, fackets_out(t) + acked);
		undo_cwr(t, 0);
		failed = 0;
	}
	return failed;
}

static int try_undo_loss(struct tcp_sender *t)
{
	if (!may_undo(t))
		return 0;
	tcp_sb_clear_lost(&t->sb);
	undo_cwr(t, 1);
	t->timeouts = 0;
	t->undo_valid = 0;
	if (!is_reno(t))
		set_ca(t, CA_OPEN);
	return 1;
}

/* tcp_cwnd_down: rate halving, one segment less per two ACKs, down to
 * ssthresh, never above what is in flight plus one */
static void cwnd_down(struct tcp_sender *t, int flag)
{
	uint32_t decr = t->cwnd_cnt + 1;
	if ((flag & (F_ANY_PROGRESS | F_DSACKING_ACK)) || (is_reno(t) && !(flag & F_NOT_DUP))) {
		t->cwnd_cnt = decr & 1;
		decr >>= 1;
		if (decr && t->cwnd > t->ssthresh)
			t->cwnd -= decr;
		t->cwnd = min_u32(t->cwnd, in_flight(t) + 1);
	}
}

static void complete_cwr(struct tcp_sender *t)
{
	t->cwnd = min_u32(t->cwnd, t->ssthresh);
}

static void try_to_open(struct tcp_sender *t, int flag)
{
	if (!t->frto_counter && t->sb.retrans_out == 0)
		t->retrans_stamp = 0;
	if (t->ca == CA_CWR) {
		cwnd_down(t, flag);
		return;
	}
	enum ca_state state = CA_OPEN;
	if (sacked_out(t) + t->sb.lost_out || t->sb.retrans_out || t->undo_valid)
		state = CA_DISORDER;
	if (t->ca != state) {
		set_ca(t, state);
		t->high_seq = t->snd_nxt;
	}
	moderate_cwnd(t);
}

/* tcp_time_to_recover */
static int time_to_recover(const struct tcp_sender *t)
{
	if (t->frto_counter)
		return 0;
	if (t->sb.lost_out)
		return 1;
	uint32_t dupack_heuristics = t->fack ? fackets_out(t) : sacked_out(t) + 1;
	if (dupack_heuristics > t->reordering)
		return 1;
	if (t->fack && head_timed_out(t))
		return 1;
	uint32_t packets_out = t->sb.n;
	return packets_out <= t->reordering &&
	       sacked_out(t) >= max_u32(packets_out / 2, t->cfg.reordering) && !may_send_now(t);
}

/* tcp_update_scoreboard: which segments are lost now */
static void update_scoreboard(struct tcp_sender *t, int fast_rexmit)
{
	if (is_reno(t)) {
		tcp_sb_mark_head_lost(&t->sb, 1, 1, 1, t->high_seq);
	} else if (t->fack) {
		uint32_t f = fackets_out(t);
		uint32_t lost = f > t->reordering ? f - t->reordering : 1;
		tcp_sb_mark_head_lost(&t->sb, lost, 1, 0, t->high_seq);
	} else if (sacked_out(t) >= t->reordering) {
		tcp_sb_mark_head_lost(&t->sb, sacked_out(t) - t->reordering, 0, 0, t->high_seq);
	} else if (fast_rexmit) {
		tcp_sb_mark_head_lost(&t->sb, 1, 0, 1, t->high_seq);
	}
	if (t->fack && head_timed_out(t))
		tcp_sb_mark_timed_out(&t->sb, ts_now(t), rto_ms(t), t->high_seq);
}

static void add_reno_sack(struct tcp_sender *t)
{
	t->reno_dupacks++;
	/* more duplicates than segments out: reordering (tcp_check_reno_reordering) */
	if (t->reno_dupacks + t->sb.lost_out > t->sb.n) {
		t->reno_dupacks = t->sb.n > t->sb.lost_out ? t->sb.n - t->sb.lost_out : 0;
		update_reordering(t, t->sb.n + 1);
	}
}

static void remove_reno_sacks(struct tcp_sender *t, uint32_t acked)
{
	if (acked > 0)
		t->reno_dupacks = acked - 1 >= t->reno_dupacks ? 0 : t->reno_dupacks - (acked - 1);
}

static void enter_recovery(struct tcp_sender *t)
{
	t->high_seq = t->snd_nxt;
	t->prior_ssthresh = 0;
	t->undo_marker = t->snd_una;
	t->undo_valid = 1;
	t->undo_retrans = t->sb.retrans_out;
	if (t->ca < CA_CWR) {
		t->prior_ssthresh = current_ssthresh(t);
		t->ssthresh = tcp_cong_ssthresh(&t->cc, t->cwnd);
	}
	t->cwnd_cnt = 0;
	set_ca(t, CA_RECOVERY);
	t->st.fast_retransmits++;
}

static void fastretrans_alert(struct tcp_sender *t, uint32_t acked, int flag)
{
	int is_dupack = !(flag & (F_SND_UNA_ADVANCED | F_NOT_DUP));
	int do_lost = is_dupack || ((flag & F_DATA_SACKED) && fackets_out(t) > t->reordering);
	int fast_rexmit = 0;
	if (t->sb.n == 0)
		t->reno_dupacks = 0;
	/* the state ends once high_seq is acknowledged */
	if (t->ca != CA_OPEN && !before(t->snd_una, t->high_seq)) {
		switch (t->ca) {
		case CA_LOSS:
			t->timeouts = 0;
			if (try_undo_recovery(t))
				return;
			break;
		case CA_CWR:
			if (t->snd_una != t->high_seq) {
				complete_cwr(t);
				set_ca(t, CA_OPEN);
			}
			break;
		case CA_DISORDER:
			try_undo_dsack(t);
			if (!t->undo_valid || before(t->high_seq, t->snd_una)) {
				t->undo_valid = 0;
				set_ca(t, CA_OPEN);
			}
			break;
		case CA_RECOVERY:
			if (is_reno(t))
				t->reno_dupacks = 0;
			if (try_undo_recovery(t))
				return;
			complete_cwr(t);
			break;
		default:
			break;
		}
	}
	switch (t->ca) {
	case CA_RECOVERY:
		if (!(flag & F_SND_UNA_ADVANCED)) {
			if (is_reno(t) && is_dupack)
				add_reno_sack(t);
		} else {
			do_lost = try_undo_partial(t, acked);
		}
		break;
	case CA_LOSS:
		if (flag & F_DATA_ACKED)
			t->timeouts = 0;
		if (is_reno(t) && (flag & F_SND_UNA_ADVANCED))
			t->reno_dupacks = 0;
		if (!try_undo_loss(t)) {
			moderate_cwnd(t);
			return;                /* output() resends what is lost */
		}
		if (t->ca != CA_OPEN)
			return;
		/* the loss was undone: on as in Open */
		/* fall through */
	default:
		if (is_reno(t)) {
			if (flag & F_SND_UNA_ADVANCED)
				t->reno_dupacks = 0;
			if (is_dupack)
				add_reno_sack(t);
		}
		if (t->ca == CA_DISORDER)
			try_undo_dsack(t);
		if (!time_to_recover(t)) {
			try_to_open(t, flag);
			return;
		}
		enter_recovery(t);
		fast_rexmit = 1;
		break;
	}
	if (do_lost || (t->fack && head_timed_out(t)))
		update_scoreboard(t, fast_rexmit);
	cwnd_down(t, flag);
}

/* ---- timeouts: tcp_enter_loss and F-RTO (RFC 5682) ---- */

static int use_frto(const struct tcp_sender *t)
{
	if (!t->cfg.frto)
		return 0;
	if (t->cfg.frto == 2 && t->sack_ok)
		return 1;                      /* the SACK-enhanced variant */
	if (t->sb.retrans_out > 1)
		return 0;
	for (uint32_t i = 1; i < t->sb.n; i++)
		if (tcp_sb_at(&t->sb, i)->tags & TCP_SEG_EVER_RETRANS)
			return 0;
	return 1;
}

static int sack_frto(const struct tcp_sender *t)
{
	return t->cfg.frto == 2 && t->sack_ok;
}

/* tcp_enter_loss: a window of one, every segment not SACKed is lost */
static void enter_loss(struct tcp_sender *t)
{
	if (t->ca <= CA_DISORDER || t->snd_una == t->high_seq ||
	    (t->ca == CA_LOSS && t->timeouts == 0)) {
		t->prior_ssthresh = current_ssthresh(t);
		t->ssthresh = tcp_cong_ssthresh(&t->cc, t->cwnd);
	}
	t->cwnd = 1;
	t->cwnd_cnt = 0;
	t->reno_dupacks = 0;
	t->undo_marker = t->snd_una;
	t->undo_valid = 1;
	t->undo_retrans = 0;
	if (tcp_sb_enter_loss(&t->sb, 0))
		t->undo_valid = 0;
	t->reordering = min_u32(t->reordering, t->cfg.reordering);
	set_ca(t, CA_LOSS);
	t->high_seq = t->snd_nxt;
	t->frto_counter = 0;
}

static void enter_frto(struct tcp_sender *t)
{
	if ((!t->frto_counter && t->ca <= CA_DISORDER) || t->snd_una == t->high_seq ||
	    ((t->frto_counter >= 2 || t->ca == CA_LOSS) && t->timeouts == 0)) {
		t->prior_ssthresh = current_ssthresh(t);
		t->ssthresh = tcp_cong_ssthresh(&t->cc, t->cwnd);
	}
	t->undo_marker = t->snd_una;
	t->undo_valid = 1;
	t->undo_retrans = 0;
	if (tcp_sb_at(&t->sb, 0)->tags & TCP_SEG_EVER_RETRANS)
		t->undo_valid = 0;
	tcp_sb_forget_head_retrans(&t->sb);
	t->cwnd = min_u32(t->cwnd, in_flight(t) + 1);
	if (sack_frto(t) && (t->frto_counter || t->ca == CA_RECOVERY || t->ca == CA_LOSS) &&
	    before(t->snd_una, t->high_seq))
		t->frto_highmark = t->high_seq;
	else
		t->frto_highmark = t->snd_nxt;
	set_ca(t, CA_DISORDER);
	t->high_seq = t->snd_nxt;
	t->frto_counter = 1;
}

static void enter_frto_loss(struct tcp_sender *t, uint32_t allowed, int flag)
{
	int keep_head = t->frto_counter == 1 && !(flag & F_DATA_ACKED);
	t->reno_dupacks = 0;
	if (tcp_sb_enter_loss(&t->sb, keep_head))
		t->undo_valid = 0;
	t->cwnd = in_flight(t) + allowed;
	t->cwnd_cnt = 0;
	t->frto_counter = 0;
	t->reordering = min_u32(t->reordering, t->cfg.reordering);
	set_ca(t, CA_LOSS);
	t->high_seq = t->snd_nxt;
}

/* tcp_process_frto: returns whether F-RTO set the window for this ACK */
static int process_frto(struct tcp_sender *t, int flag)
{
	if (flag & F_DATA_ACKED)
		t->timeouts = 0;
	if (t->frto_counter >= 2 && (flag & F_RETRANS_DATA_ACKED))
		t->undo_valid = 0;
	if (!before(t->snd_una, t->frto_highmark)) {
		enter_frto_loss(t, t->frto_counter == 1 ? 2 : 3, flag);
		return 1;
	}
	if (!sack_frto(t)) {
		if (!(flag & F_ANY_PROGRESS) && (flag & F_NOT_DUP))
			return 1;
		if (!(flag & F_DATA_ACKED)) {
			enter_frto_loss(t, t->frto_counter == 1 ? 0 : 3, flag);
			return 1;
		}
	} else {
		if (!(flag & F_DATA_ACKED) && t->frto_counter == 1) {
			t->cwnd = min_u32(t->cwnd, in_flight(t));   /* no new data yet */
			return 1;
		}
		if (t->frto_counter >= 2 &&
		    (!(flag & F_FORWARD_PROGRESS) ||
		     ((flag & F_DATA_SACKED) && !(flag & F_ONLY_ORIG_SACKED)))) {
			if (!(flag & F_FORWARD_PROGRESS) && (flag & F_NOT_DUP))
				return 1;
			enter_frto_loss(t, 3, flag);
			return 1;
		}
	}
	if (t->frto_counter == 1) {
		/* the first ACK advanced: send two new segments */
		t->cwnd = in_flight(t) + 2;
		t->frto_counter = 2;
		if (!may_send_now(t))
			enter_frto_loss(t, 2, flag);
		return 1;
	}
	/* the second ACK advanced too: the timeout was spurious; net.ipv4.
	 * tcp_frto_response = 0 halves the rate (tcp_ratehalving_spur_to_response) */
	t->prior_ssthresh = 0;
	if (t->ca < CA_CWR) {
		t->undo_valid = 0;
		t->cwnd = min_u32(t->cwnd, in_flight(t) + 1);
		t->cwnd_cnt = 0;
		t->high_seq = t->snd_nxt;
		set_ca(t, CA_CWR);
	}
	t->frto_counter = 0;
	t->undo_valid = 0;
	t->st.frto_spurious++;
	return 0;
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
		char who[ENDPOINT_NAME_MAX];
		SIM_LOG(t->s, tcp, SIM_LOG_INFO, "%s: SYN retransmitted (%u)", WHO(t, who),
			t->st.syn_retransmits);
		t->rto = t->rto * 2 > t->cfg.rto_max_ps ? t->cfg.rto_max_ps : t->rto * 2;
		send_segment(t, t->iss, 0, NETPKT_TCP_SYN);
		timer_arm(t, t->rto);
		return;
	}
	t->st.rto_timeouts++;
	t->rto = t->rto * 2 > t->cfg.rto_max_ps ? t->cfg.rto_max_ps : t->rto * 2;
	t->backoff++;
	timer_arm(t, t->rto);
	struct tcp_seg *head = t->sb.n ? tcp_sb_at(&t->sb, 0) : NULL;
	if (!head)
		return;
	if (use_frto(t)) {
		enter_frto(t);
		resend(t, head);               /* the timer resends the head */
	} else {
		enter_loss(t);
		output(t);
		if (!(head->tags & TCP_SEG_RETRANS))
			resend(t, head);       /* window closed: probe anyway */
	}
	t->timeouts++;
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

/* The cumulative and selective parts of an ACK at or above snd_una;
 * returns the F_ flags. */
static int take_ack(struct tcp_sender *t, const struct netpkt_tcp *h, struct tcp_sack_result *r)
{
	int flag = 0;
	uint32_t ack = h->ack;
	if (t->sack_ok && h->n_sack) {
		t->st.sack_blocks += h->n_sack;
		uint32_t undo_from = t->undo_valid ? t->undo_marker : t->snd_nxt;
		tcp_sb_sack(&t->sb, h->sack_start, h->sack_end, h->n_sack, ack, t->snd_una, undo_from, r);
		if (r->newly_sacked) {
			flag |= F_DATA_SACKED;
			if (!t->frto_highmark || !before(t->frto_highmark, r->highest_sacked_end))
				flag |= F_ONLY_ORIG_SACKED;
		}
		if (r->dsack) {
			flag |= F_DSACKING_ACK;
			t->st.dsacks++;
			if (t->undo_valid)
				t->undo_retrans -= min_u32(t->undo_retrans, r->dsack_retrans);
		}
		if (r->reorder && (t->ca != CA_LOSS || t->undo_valid) &&
		    (!t->frto_highmark || before(t->frto_highmark, t->snd_una)))
			update_reordering(t, r->reorder);
	}
	if (before(t->snd_una, ack)) {
		flag |= F_SND_UNA_ADVANCED;
		t->st.bytes_acked += ack - t->snd_una;
		tcp_sb_ack(&t->sb, ack, r);
		if (r->reorder_filled && !is_reno(t))
			update_reordering(t, r->reorder_filled);
		if (r->acked)
			flag |= F_DATA_ACKED;
		if (r->retrans_acked)
			flag |= F_RETRANS_DATA_ACKED;
		t->snd_una = ack;
		if (is_reno(t) && t->ca == CA_RECOVERY)
			remove_reno_sacks(t, r->acked);
	}
	return flag;
}

/* After the ACK's bookkeeping: the RTT, the congestion window, the
 * timer, and the application's next write. */
static void after_ack(struct tcp_sender *t, const struct netpkt_tcp *h,
		      const struct tcp_sack_result *r, int flag, uint32_t prior_in_flight)
{
	uint32_t now = ts_now(t);
	if (flag & F_DATA_ACKED) {
		if (h->has_ts && h->tsecr)
			rtt_sample(t, sim_ms(now - h->tsecr));
		/* CUBIC's sample: jiffies since the newest segment acked was sent,
		 * only when none of them was retransmitted */
		int32_t rtt = r->have_rtt && !r->retrans_acked ? (int32_t)(now - r->newest_sent_ms) : -1;
		tcp_cong_pkts_acked(&t->cc, r->acked, rtt, t->ca == CA_OPEN, t->cwnd, &t->ssthresh, now);
	}
	int frto_cwnd = t->frto_counter ? process_frto(t, flag) : 0;
	if (t->frto_highmark && before(t->frto_highmark, t->snd_una))
		t->frto_highmark = 0;
	int dubious = !(flag & F_NOT_DUP) || (flag & F_DATA_SACKED) || t->ca != CA_OPEN;
	int may_raise = t->ca != CA_RECOVERY && t->ca != CA_CWR;
	if ((flag & F_DATA_ACKED) && !frto_cwnd && (!dubious || may_raise))
		tcp_cong_avoid(&t->cc, &t->cwnd, &t->cwnd_cnt, t->ssthresh, t->cfg.max_cwnd_segments,
			       h->ack, t->snd_nxt, prior_in_flight, t->reordering, now);
	if (dubious)
		fastretrans_alert(t, r->acked, flag);
	if (t->cwnd == 0)
		t->cwnd = 1;
	if (t->cwnd > t->st.max_cwnd_segments)
		t->st.max_cwnd_segments = t->cwnd;
	t->st.hystart_exits = t->cc.hystart_exits;
	if (t->sb.n == 0)
		timer_stop(t);
	else if (flag & F_DATA_ACKED)
		timer_arm(t, t->rto);
	if (t->snd_una == t->write_end && t->write_end != data_end_seq(t) &&
	    !sim_event_pending(t->s, t->write_event))
		t->write_event = sim_schedule_in(t->s, t->cfg.write_pause_ps, write_due, t);
}

/* tcp_may_update_window (host/tcp_paws.h) for the server's window: a
 * reordered older ACK cannot shrink it. */
static int may_update_window(const struct tcp_sender *t, uint32_t ack, uint32_t seq,
			     uint64_t nwin)
{
	return tcp_may_update_window(ack, seq, nwin, t->snd_una, t->snd_wl1, t->rwnd_bytes);
}

/* tcp_paws_discard (host/tcp_paws.h) for a segment of the server's. */
static int paws_discard(const struct tcp_sender *t, const struct netpkt_tcp *h,
			uint32_t payload_len)
{
	struct tcp_paws_conn c = { .rcv_nxt = t->rcv_nxt, .snd_una = t->snd_una,
				   .snd_wl1 = t->snd_wl1, .snd_wnd = t->rwnd_bytes,
				   .peer_wscale = (uint8_t)t->peer_wscale, .rto_ms = rto_ms(t) };
	return tcp_paws_discard(&t->ts_recent, h, payload_len, &c, sim_now(t->s));
}

void tcp_sender_on_frame(struct tcp_sender *t, const struct netpkt_tcp *h,
			 uint32_t payload_len)
{
	/* An RST is accepted even if it fails PAWS (tcp_validate_incoming) */
	if (h->flags & NETPKT_TCP_RST) {
		fail(t);
		return;
	}
	/* tcp_validate_incoming, first of all, in the synchronized states:
	 * PAWS. The discarded segment is answered with a duplicate ACK
	 * (tcp_send_dupack: the server sends no data, so no D-SACK) */
	if (t->cfg.paws && (t->state == TCP_SENDER_ESTABLISHED || t->state == TCP_SENDER_FIN_SENT) &&
	    paws_discard(t, h, payload_len)) {
		t->st.paws_rejected++;     /* LINUX_MIB_PAWSESTABREJECTED */
		send_segment(t, t->snd_nxt, 0, NETPKT_TCP_ACK);
		return;
	}
	/* RFC 1323 as 2.6.32 keeps ts_recent: the SYN-ACK's TSval is stored
	 * (tcp_rcv_synsent_state_process); later a segment's replaces it when
	 * it starts at or before rcv_wup (= rcv_nxt here: the client receives
	 * no data) and passes tcp_paws_check with no window
	 * (tcp_replace_ts_recent) */
	if (h->has_ts && t->state != TCP_SENDER_SYN_SENT)
		tcp_ts_recent_replace(&t->ts_recent, h->seq, t->rcv_nxt, h->tsval, sim_now(t->s));
	if (t->state == TCP_SENDER_SYN_SENT) {
		if ((h->flags & (NETPKT_TCP_SYN | NETPKT_TCP_ACK)) !=
		    (NETPKT_TCP_SYN | NETPKT_TCP_ACK) || h->ack != t->iss + 1u)
			return;
		if (h->has_ts)
			tcp_ts_recent_store(&t->ts_recent, h->tsval, sim_now(t->s));
		t->rcv_nxt = h->seq + 1u;
		t->peer_wscale = h->wscale == 0xff ? 0 : h->wscale;
		t->rwnd_bytes = h->window;     /* the SYN-ACK's window is not scaled */
		t->snd_wl1 = h->seq;           /* tcp_init_wl */
		t->sack_ok = t->cfg.sack && h->sack_ok;
		tcp_cong_init(&t->cc, t->cfg.cc, ts_now(t), t->snd_nxt);
		t->snd_una = t->iss + 1u;
		t->cwnd = t->cfg.init_cwnd_segments;
		t->ssthresh = 0x7fffffff;
		/* the handshake's RTT sample sets the RTO (tiny on a LAN, so the
		 * 200 ms minimum); after a lost SYN there is no valid sample and
		 * the RTO stays at 3 s (RFC 6298 5.7) */
		t->rto = t->st.syn_retransmits ? t->cfg.syn_rto_ps : t->cfg.rto_min_ps;
		char who[ENDPOINT_NAME_MAX];
		SIM_LOG(t->s, tcp, SIM_LOG_INFO, "%s: SYN-ACK received", WHO(t, who));
		set_state(t, TCP_SENDER_ESTABLISHED);
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
	if (before(t->snd_nxt, ack))
		return;                        /* acknowledges what we never sent */
	t->ack_tsecr = h->has_ts ? h->tsecr : 0;
	struct tcp_sack_result r = { 0 };
	if (before(ack, t->snd_una)) {
		/* older than snd_una (tcp_ack's old_ack): its SACK blocks only */
		if (t->sb.n) {
			int flag = take_ack(t, h, &r);
			if (flag & (F_DATA_SACKED | F_DSACKING_ACK))
				fastretrans_alert(t, 0, flag);
			output(t);
		}
		return;
	}
	int flag = payload_len ? F_DATA : 0;
	if (may_update_window(t, ack, h->seq, new_rwnd)) {
		flag |= F_WIN_UPDATE;
		t->snd_wl1 = h->seq;
		t->rwnd_bytes = new_rwnd;
	}
	if (t->sb.n) {                     /* else nothing was outstanding */
		uint32_t prior_in_flight = in_flight(t);
		flag |= take_ack(t, h, &r);
		after_ack(t, h, &r, flag, prior_in_flight);
	}
	if (t->trace)
		t->trace(t->trace_ctx, t->conn, sim_now(t->s), t->cwnd, t->ssthresh);
	if ((t->state == TCP_SENDER_FIN_SENT && t->snd_una == data_end_seq(t) + 1u) ||
	    (!t->cfg.close && t->state == TCP_SENDER_ESTABLISHED && t->data_allowed &&
	     t->snd_una == data_end_seq(t))) {
		set_state(t, TCP_SENDER_DONE);
		timer_stop(t);
		t->st.done_ps = sim_now(t->s);
		if (t->io.finished)
			t->io.finished(t->io.ctx, t->conn);
		return;
	}
	output(t);
}

uint32_t tcp_ts_clock_offset(uint64_t seed, const char *host)
{
	const uint32_t initial_jiffies = (uint32_t)0 - 300u * 1000u;
	const uint64_t day_ms = 24ull * 3600u * 1000u;
	sim_rng r;
	sim_rng_stream(&r, seed, host);
	return initial_jiffies + (uint32_t)sim_rng_below(&r, day_ms);
}
