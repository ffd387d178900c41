/* tests/test_tcp.c - the client's TCP sender and the server's TCP receiver
 * back to back over a modelled wire of fixed latency (host/tcp_pair.h): RTO
 * back-off, fast retransmit after a single drop, delayed-ACK timing. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <math.h>

#include "host/oracle.h"
#include "host/tcp_cong.h"
#include "host/tcp_receiver.h"
#include "host/tcp_pair.h"
#include "host/tcp_sack.h"
#include "host/tcp_sender.h"

#define WIRE_DELAY sim_us(10)

static struct tcp_pair P;
static int drop_data_index;        /* drop the Nth data segment once (-1: none) */
static int drop_all_data;          /* the receiver never sees data */
static int drop_also[8];           /* more data segment indices dropped once (0: none) */
static int data_seen;
static sim_time retrans_times[16];
static int n_retrans;
static uint32_t first_data_seq;
static sim_time ack_times[64];
static int n_acks;
static sim_time data_times[2048];  /* when each data segment left */

static struct netpkt_tcp last_client_frame;

static bool client_frame(void *ctx, const struct netpkt_tcp *h, uint32_t plen)
{
	(void)ctx;
	last_client_frame = *h;
	if (plen > 0) {
		if (first_data_seq == 0)
			first_data_seq = h->seq;
		else if (h->seq == first_data_seq && n_retrans < 16)
			retrans_times[n_retrans++] = sim_now(P.sim);
		int index = data_seen++;
		if (index < 2048)
			data_times[index] = sim_now(P.sim);
		if (drop_all_data || index == drop_data_index)
			return true;               /* lost on the wire */
		for (int k = 0; k < 8; k++)
			if (drop_also[k] && index == drop_also[k])
				return true;
	}
	return false;
}

static uint16_t last_ack_window;
static struct netpkt_tcp last_ack;

static void server_frame(void *ctx, const struct netpkt_tcp *h)
{
	(void)ctx;
	if (n_acks < 64)
		ack_times[n_acks++] = sim_now(P.sim);
	last_ack_window = h->window;
	last_ack = *h;
}

static const struct tcp_pair_hooks hooks = { client_frame, server_frame, NULL };

static void start_with(const struct tcp_sender_config *c, uint64_t bytes)
{
	data_seen = 0;
	n_retrans = 0;
	first_data_seq = 0;
	n_acks = 0;
	tcp_pair_init(&P, 0, WIRE_DELAY, &hooks);
	tcp_pair_start(&P, c, 40000, bytes);
}

static void start(uint64_t bytes)
{
	struct tcp_sender_config c;
	tcp_sender_config_default(&c);
	start_with(&c, bytes);
}

static void finish(void)
{
	tcp_pair_fini(&P);
}

START_TEST(rto_backs_off_exponentially_from_200_ms)
{
	drop_data_index = -1;
	drop_all_data = 1;
	start(100000);
	sim_run_until(P.sim, sim_s(4));
	/* the handshake's RTT sample puts the RTO at its 200 ms minimum; each
	 * timeout doubles it: retransmissions 200, 600, 1400, 3000 ms after the
	 * first transmission */
	ck_assert_int_ge(n_retrans, 4);
	sim_time first = retrans_times[0];
	ck_assert(first >= sim_ms(200) && first < sim_ms(201));
	ck_assert_uint_eq(retrans_times[1] - first, sim_ms(400));
	ck_assert_uint_eq(retrans_times[2] - retrans_times[1], sim_ms(800));
	ck_assert_uint_eq(retrans_times[3] - retrans_times[2], sim_ms(1600));
	ck_assert_uint_ge(tcp_sender_stats(P.snd)->rto_timeouts, 4);
	drop_all_data = 0;
	finish();
}
END_TEST

START_TEST(a_single_drop_is_repaired_by_fast_retransmit)
{
	drop_data_index = 20;
	drop_all_data = 0;
	start(400000);
	sim_run_until(P.sim, sim_s(10));
	const struct tcp_sender_stats *st = tcp_sender_stats(P.snd);
	ck_assert_int_eq(tcp_sender_state(P.snd), TCP_SENDER_DONE);
	ck_assert_uint_eq(st->fast_retransmits, 1);
	ck_assert_uint_eq(st->rto_timeouts, 0);
	ck_assert_uint_eq(P.bytes_in, 400000);
	ck_assert_int_eq(P.integrity_errors, 0);
	/* the receiver held the segments after the hole out of order */
	ck_assert_uint_gt(tcp_receiver_stats(P.rcv)->ooo_segments, 0);
	finish();
}
END_TEST

/* Data segments sent in the burst that follows the first gap longer than
 * half a second (the application's second write). */
static int segments_in_burst_after_pause(void)
{
	int n = data_seen < 2048 ? data_seen : 2048;
	for (int i = 1; i < n; i++) {
		if (data_times[i] - data_times[i - 1] < sim_ms(500))
			continue;
		int burst = 0;
		while (i + burst < n && data_times[i + burst] == data_times[i])
			burst++;
		return burst;
	}
	return -1;
}

static void run_paced_writes(int slow_start_after_idle)
{
	drop_data_index = -1;
	drop_all_data = 0;
	struct tcp_sender_config c;
	tcp_sender_config_default(&c);
	c.write_bytes = 200000;
	c.write_pause_ps = sim_s(1);
	c.slow_start_after_idle = slow_start_after_idle;
	start_with(&c, 600000);
	sim_run_until(P.sim, sim_s(10));
	ck_assert_int_eq(tcp_sender_state(P.snd), TCP_SENDER_DONE);
	ck_assert_uint_eq(P.bytes_in, 600000);
	ck_assert_int_eq(P.integrity_errors, 0);
	ck_assert_uint_eq(tcp_sender_stats(P.snd)->writes, 3);
	/* two pauses of 1 s: the transfer takes more than 2 s */
	ck_assert_uint_gt(tcp_sender_stats(P.snd)->done_ps, sim_s(2));
}

START_TEST(a_write_after_an_idle_rto_restarts_from_the_initial_window)
{
	run_paced_writes(1);
	/* 1 s idle is five 200 ms RTOs: the window grown by the first write
	 * halves down to the initial 3 segments */
	ck_assert_uint_eq(tcp_sender_stats(P.snd)->cwnd_restarts, 2);
	ck_assert_int_eq(segments_in_burst_after_pause(), 3);
	finish();
}
END_TEST

START_TEST(without_slow_start_after_idle_the_window_survives_the_pause)
{
	run_paced_writes(0);
	ck_assert_uint_eq(tcp_sender_stats(P.snd)->cwnd_restarts, 0);
	ck_assert_int_gt(segments_in_burst_after_pause(), 3);
	finish();
}
END_TEST

static void feed_segment(uint32_t seq, uint32_t len)
{
	struct netpkt_tcp h;
	memset(&h, 0, sizeof h);
	h.saddr = 0x0a000001;
	h.daddr = 0x0a000002;
	h.sport = 40000;
	h.dport = 5001;
	h.seq = seq;
	h.ack = 0x5a5a0000u + 1;           /* the receiver's iss + 1 for conn 0 */
	h.flags = NETPKT_TCP_ACK;
	h.wscale = 0xff;
	uint8_t payload[1448];
	oracle_fill(1, 0, seq - 101, payload, len);
	tcp_receiver_on_segment(P.rcv, &h, payload, len);
}

/* An skb as a driver hands it up: len payload bytes at seq, with the
 * driver's gso_size (0: none), flags besides ACK, and a timestamp. */
static void feed_skb(uint32_t seq, uint32_t len, uint32_t gso_size, uint8_t flags,
		     uint32_t tsval)
{
	static uint8_t payload[65536];
	struct netpkt_tcp h;
	memset(&h, 0, sizeof h);
	h.saddr = 0x0a000001;
	h.daddr = 0x0a000002;
	h.sport = 40000;
	h.dport = 5001;
	h.seq = seq;
	h.ack = 0x5a5a0000u + 1;
	h.flags = (uint8_t)(NETPKT_TCP_ACK | flags);
	h.wscale = 0xff;
	h.has_ts = 1;
	h.tsval = tsval;
	oracle_fill(1, 0, seq - 101, payload, len);
	tcp_receiver_on_skb(P.rcv, &h, payload, len, gso_size);
}

struct timed_seg {
	uint32_t seq;
};

static void timed_feed(sim *s, void *arg)
{
	(void)s;
	feed_segment(((struct timed_seg *)arg)->seq, 1448);
}

/* A receiver without a sender: a passive open for a SYN at seq 100, then
 * the handshake's ACK; the test feeds segments with feed_segment(). */
static void start_receiver_alone(const struct tcp_receiver_config *c)
{
	n_acks = 0;
	tcp_pair_init(&P, 0, WIRE_DELAY, &hooks);
	struct netpkt_tcp syn;
	memset(&syn, 0, sizeof syn);
	syn.saddr = 0x0a000001;
	syn.daddr = 0x0a000002;
	syn.sport = 40000;
	syn.dport = 5001;
	syn.seq = 100;
	syn.flags = NETPKT_TCP_SYN;
	syn.wscale = 7;
	syn.sack_ok = 1;
	syn.has_ts = 1;                        /* timestamps on: 32-byte headers */
	syn.tsval = 1;
	tcp_pair_accept(&P, c, &syn);
	feed_segment(101, 0);                  /* the handshake's ACK */
}

START_TEST(a_lone_segment_is_acknowledged_by_the_delayed_ack_timer)
{
	struct tcp_receiver_config c;
	tcp_receiver_config_default(&c);
	start_receiver_alone(&c);
	/* 20 lone segments, 100 ms apart: quickack mode answers the first 16
	 * at once, then each waits for the delayed-ACK timer (40 ms) */
	static struct timed_seg segs[20];
	for (int i = 0; i < 20; i++) {
		segs[i].seq = 101 + (uint32_t)i * 1448;
		sim_schedule_at(P.sim, sim_ms(100) * (uint64_t)(i + 1), timed_feed, &segs[i]);
	}
	sim_run_until(P.sim, sim_s(3));
	ck_assert_uint_eq(P.bytes_in, 20 * 1448);
	ck_assert_int_eq(P.integrity_errors, 0);
	ck_assert_int_eq(n_acks, 1 + 20);      /* SYN-ACK, then one ACK per segment */
	for (int i = 0; i < 20; i++) {
		sim_time arrival = sim_ms(100) * (uint64_t)(i + 1);
		sim_time delay = i < 16 ? 0 : sim_ms(40);
		ck_assert_uint_eq(ack_times[1 + i], arrival + delay);
	}
	ck_assert_uint_eq(tcp_receiver_stats(P.rcv)->delayed_acks, 4);
	tcp_pair_fini(&P);
}
END_TEST

/* GRO's skbs carry gso_size, the wire MSS: rcv_mss stays 1448 and an
 * aggregate of two segments is "more than one full frame", ACKed at once
 * (__tcp_ack_snd_check). Without gso_size rcv_mss becomes the aggregate's
 * length and the same aggregate waits for the delayed-ACK timer. */
START_TEST(rcv_mss_comes_from_gso_size_and_two_full_segments_are_acked_at_once)
{
	struct tcp_receiver_config c;
	tcp_receiver_config_default(&c);
	c.quickacks = 0;                       /* no quickack mode: the rcv_mss rule alone */
	start_receiver_alone(&c);
	int acks = n_acks;
	feed_skb(101, 2 * 1448, 1448, 0, 1);
	ck_assert_uint_eq(tcp_receiver_stats(P.rcv)->rcv_mss, 1448);
	ck_assert_int_eq(n_acks, acks + 1);    /* at once */
	ck_assert_uint_eq(last_ack.ack, 101 + 2 * 1448);
	/* one full segment's worth waits, the second makes two: ACK */
	feed_skb(101 + 2 * 1448, 1448, 0, 0, 1);
	ck_assert_int_eq(n_acks, acks + 1);
	feed_skb(101 + 3 * 1448, 1448, 0, 0, 1);
	ck_assert_int_eq(n_acks, acks + 2);
	ck_assert_uint_eq(last_ack.ack, 101 + 4 * 1448);
	ck_assert_uint_eq(tcp_receiver_stats(P.rcv)->delayed_acks, 0);
	ck_assert_int_eq(P.integrity_errors, 0);
	sim_run_until(P.sim, sim_s(1));
	tcp_pair_fini(&P);

	start_receiver_alone(&c);              /* the same aggregate, no gso_size */
	acks = n_acks;
	feed_skb(101, 2 * 1448, 0, 0, 1);
	ck_assert_uint_eq(tcp_receiver_stats(P.rcv)->rcv_mss, 2 * 1448);
	ck_assert_int_eq(n_acks, acks);        /* not more than one rcv_mss */
	sim_run_until(P.sim, sim_s(1));
	ck_assert_int_eq(n_acks, acks + 1);
	ck_assert_uint_eq(ack_times[acks], sim_ms(40));
	ck_assert_uint_eq(tcp_receiver_stats(P.rcv)->delayed_acks, 1);
	tcp_pair_fini(&P);
}
END_TEST

/* tcp_measure_rcv_mss lowers rcv_mss only for a full-sized segment (PSH
 * and short ones do not count) of the same size twice in a row. */
START_TEST(rcv_mss_falls_after_two_equal_full_sized_segments)
{
	struct tcp_receiver_config c;
	tcp_receiver_config_default(&c);
	start_receiver_alone(&c);
	uint32_t seq = 101;
	feed_skb(seq, 20 * 1448, 0, 0, 1);     /* an aggregate without gso_size */
	seq += 20 * 1448;
	ck_assert_uint_eq(tcp_receiver_stats(P.rcv)->rcv_mss, 20 * 1448);
	feed_skb(seq, 1448, 0, 0, 1);
	seq += 1448;
	ck_assert_uint_eq(tcp_receiver_stats(P.rcv)->rcv_mss, 20 * 1448);
	feed_skb(seq, 100, 0, NETPKT_TCP_PSH, 1);   /* short, PSH: not a full frame */
	seq += 100;
	feed_skb(seq, 1448, 0, 0, 1);
	seq += 1448;
	ck_assert_uint_eq(tcp_receiver_stats(P.rcv)->rcv_mss, 20 * 1448);
	feed_skb(seq, 1448, 0, NETPKT_TCP_PSH, 1);  /* PSH, but >= 536: counts */
	seq += 1448;
	ck_assert_uint_eq(tcp_receiver_stats(P.rcv)->rcv_mss, 1448);
	ck_assert_int_eq(P.integrity_errors, 0);
	sim_run_until(P.sim, sim_s(1));
	tcp_pair_fini(&P);
}
END_TEST

/* RFC 1323 as 2.6.32 keeps it: TSecr echoes ts_recent, which the SYN
 * sets and a segment replaces only when it starts at or before rcv_wup
 * and its TSval is not older (tcp_replace_ts_recent); TSval is the host's
 * clock from its offset. */
START_TEST(tsecr_echoes_ts_recent_and_an_old_or_later_segment_does_not_replace_it)
{
	struct tcp_receiver_config c;
	tcp_receiver_config_default(&c);
	c.ts_offset = 0xfffb6c20u;             /* INITIAL_JIFFIES at HZ=1000 */
	start_receiver_alone(&c);              /* SYN with TSval 1 */
	ck_assert(last_ack.has_ts);
	ck_assert_uint_eq(last_ack.tsecr, 1);
	ck_assert_uint_eq(last_ack.tsval, 0xfffb6c20u);
	feed_skb(101, 1448, 0, 0, 1000);       /* at rcv_wup, newer: replaces */
	ck_assert_uint_eq(last_ack.tsecr, 1000);
	/* at rcv_wup, a tick older: kept (two older, PAWS would drop it) */
	feed_skb(101 + 1448, 1448, 0, 0, 999);
	ck_assert_uint_eq(last_ack.ack, 101 + 2 * 1448);
	ck_assert_uint_eq(last_ack.tsecr, 1000);
	feed_skb(101 + 3 * 1448, 1448, 0, 0, 2000);  /* past rcv_wup (a hole): kept */
	ck_assert_uint_eq(last_ack.ack, 101 + 2 * 1448);
	ck_assert_uint_eq(last_ack.tsecr, 1000);
	feed_skb(101 + 2 * 1448, 1448, 0, 0, 1005);  /* fills the hole, at rcv_wup */
	ck_assert_uint_eq(last_ack.ack, 101 + 4 * 1448);
	ck_assert_uint_eq(last_ack.tsecr, 1005);
	ck_assert_int_eq(P.integrity_errors, 0);
	sim_run_until(P.sim, sim_ms(1500));
	ck_assert_uint_eq(tcp_receiver_ts_now(P.rcv), 0xfffb6c20u + 1500u);  /* wraps past 0 */
	tcp_pair_fini(&P);
}
END_TEST

/* The client's TSval runs from its offset; its TSecr echoes the server's. */
/* tcp_validate_incoming checks the sequence (tcp_sequence) before it
 * replaces ts_recent: a spurious retransmission wholly below rcv_wup
 * carries a newer TSval but leaves ts_recent alone. */
START_TEST(a_wholly_old_duplicate_does_not_replace_ts_recent)
{
	struct tcp_receiver_config c;
	tcp_receiver_config_default(&c);
	start_receiver_alone(&c);
	feed_skb(101, 1448, 0, 0, 1000);
	feed_skb(101 + 1448, 1448, 0, 0, 1000);        /* rcv_wup 101 + 2 * 1448 */
	feed_skb(101, 1448, 0, 0, 1010);               /* a retransmission of old data */
	ck_assert_uint_eq(last_ack.tsecr, 1000);
	ck_assert_uint_eq(last_ack.n_sack, 1);         /* its D-SACK */
	feed_skb(101 + 2 * 1448 - 10, 1458, 0, 0, 1005);  /* ends past rcv_wup: replaces */
	ck_assert_uint_eq(P.bytes_in, 3 * 1448);
	ck_assert_uint_eq(last_ack.tsecr, 1005);
	ck_assert_int_eq(P.integrity_errors, 0);
	sim_run_until(P.sim, sim_s(1));
	tcp_pair_fini(&P);
}
END_TEST

START_TEST(the_sender_stamps_from_its_clock_and_echoes_the_receivers_tsval)
{
	struct tcp_sender_config c;
	tcp_sender_config_default(&c);
	c.ts_offset = 123456789u;
	start_with(&c, 10 * 1448);
	ck_assert(last_client_frame.has_ts);   /* the SYN */
	ck_assert_uint_eq(last_client_frame.tsval, 123456789u);
	ck_assert_uint_eq(last_client_frame.tsecr, 0);
	sim_run_until(P.sim, sim_ms(5));
	ck_assert_uint_eq(P.bytes_in, 10 * 1448);
	ck_assert(last_client_frame.has_ts);
	ck_assert_uint_eq(last_client_frame.tsecr, last_ack.tsval);
	ck_assert_uint_ge(last_client_frame.tsval, 123456789u);
	ck_assert_uint_le(last_client_frame.tsval, 123456789u + 5u);
	finish();
}
END_TEST

START_TEST(a_full_socket_buffer_drops_and_the_window_closes_and_reopens)
{
	struct tcp_receiver_config c;
	tcp_receiver_config_default(&c);
	c.rcvbuf_bytes = 8 * 1448;
	c.app_paced = 1;                       /* nothing is read until we say */
	start_receiver_alone(&c);
	for (uint32_t i = 0; i < 10; i++)
		feed_segment(101 + i * 1448, 1448);
	const struct tcp_receiver_stats *st = tcp_receiver_stats(P.rcv);
	ck_assert_uint_eq(P.bytes_in, 8 * 1448);        /* what fits */
	ck_assert_uint_eq(st->rmem_drops, 2);
	ck_assert_uint_eq(st->rmem_drop_bytes, 2 * 1448);
	ck_assert(tcp_receiver_hole_was_dropped(P.rcv)); /* only the sender can fill it */
	ck_assert_uint_eq(last_ack_window, 0);          /* the buffer is full */
	/* the application reads half: the window reopens, and the receiver
	 * says so at once */
	int acks_before = n_acks;
	tcp_receiver_consumed(P.rcv, 4 * 1448);
	ck_assert_uint_eq(st->window_updates, 1);
	ck_assert_int_eq(n_acks, acks_before + 1);
	ck_assert_uint_eq(last_ack_window, (4 * 1448) >> 7);
	/* the sender resends the dropped segment: the hole is gone */
	feed_segment(101 + 8 * 1448, 1448);
	ck_assert_uint_eq(P.bytes_in, 9 * 1448);
	ck_assert(!tcp_receiver_hole_was_dropped(P.rcv));
	ck_assert_int_eq(P.integrity_errors, 0);
	sim_run_until(P.sim, sim_s(1));        /* the ACKs in flight reach the (absent) sender */
	tcp_pair_fini(&P);
}
END_TEST

/* Frames the sender puts out, kept for a test that plays the peer itself. */
static struct tcp_sender *peer_snd;
static uint32_t peer_seen_syn_seq;
static int peer_frames;

static int peer_xmit(void *ctx, const uint8_t *frame, uint32_t len)
{
	(void)ctx;
	struct netpkt_tcp h;
	const uint8_t *pl;
	uint32_t plen;
	ck_assert_int_eq(netpkt_parse_tcp(frame, len, &h, &pl, &plen), 0);
	if (h.flags & NETPKT_TCP_SYN)
		peer_seen_syn_seq = h.seq;
	peer_frames++;
	return 0;
}

/* An ACK from the peer (seq: the peer's sequence; window: the raw field),
 * with a timestamp when has_ts. */
static void peer_ack_ts(uint32_t seq, uint32_t ack, uint16_t window, int has_ts, uint32_t tsval)
{
	struct netpkt_tcp h;
	memset(&h, 0, sizeof h);
	h.seq = seq;
	h.ack = ack;
	h.flags = NETPKT_TCP_ACK;
	h.window = window;
	h.wscale = 0xff;
	h.has_ts = (uint8_t)has_ts;
	h.tsval = tsval;
	tcp_sender_on_frame(peer_snd, &h, 0);
}

static void peer_ack(uint32_t seq, uint32_t ack, uint16_t window)
{
	peer_ack_ts(seq, ack, window, 0, 0);
}

/* A sender of config c on s, with no wire: its SYN answered by a SYN-ACK
 * from peer sequence 5000 (with TSval tsval when has_ts), its first 3
 * segments out. Returns its first data byte's sequence. */
static uint32_t peer_open(sim *s, const struct tcp_sender_config *c, int has_ts, uint32_t tsval)
{
	struct tcp_sender_io io = { peer_xmit, NULL, NULL, NULL, NULL };
	struct netpkt_tcp a;
	memset(&a, 0, sizeof a);
	peer_snd = tcp_sender_create(s, c, &io, 0, 1, 100000, &a);
	tcp_sender_connect(peer_snd);
	uint32_t iss = peer_seen_syn_seq;
	struct netpkt_tcp synack;
	memset(&synack, 0, sizeof synack);
	synack.seq = 5000;
	synack.ack = iss + 1;
	synack.flags = NETPKT_TCP_SYN | NETPKT_TCP_ACK;
	synack.window = 5792;
	synack.wscale = 7;
	synack.has_ts = (uint8_t)has_ts;
	synack.tsval = tsval;
	tcp_sender_on_frame(peer_snd, &synack, 0);
	tcp_sender_start_data(peer_snd);
	return iss + 1;
}

START_TEST(the_send_window_is_taken_only_from_acceptable_acks)
{
	sim *s = sim_create(1);
	struct tcp_sender_config c;
	tcp_sender_config_default(&c);
	uint32_t d = peer_open(s, &c, 0, 0), peer = 5001;
	/* a newer ACK sets the window */
	peer_ack(peer, d + 2 * 1448, 100);
	ck_assert_uint_eq(tcp_sender_send_window(peer_snd), 100u << 7);
	/* an ACK older than snd_una (reordered) does not, even closing it */
	peer_ack(peer, d + 1448, 0);
	ck_assert_uint_eq(tcp_sender_send_window(peer_snd), 100u << 7);
	/* same ACK, same peer sequence, smaller window: not acceptable */
	peer_ack(peer, d + 2 * 1448, 50);
	ck_assert_uint_eq(tcp_sender_send_window(peer_snd), 100u << 7);
	/* same ACK, same peer sequence, larger window: a window update */
	peer_ack(peer, d + 2 * 1448, 200);
	ck_assert_uint_eq(tcp_sender_send_window(peer_snd), 200u << 7);
	/* same ACK, newer peer sequence: taken, even smaller */
	peer_ack(peer + 10, d + 2 * 1448, 20);
	ck_assert_uint_eq(tcp_sender_send_window(peer_snd), 20u << 7);
	/* and a stale peer sequence with the same ACK cannot undo that */
	peer_ack(peer, d + 2 * 1448, 300);
	ck_assert_uint_eq(tcp_sender_send_window(peer_snd), 20u << 7);
	ck_assert_int_gt(peer_frames, 3);
	tcp_sender_destroy(peer_snd);
	peer_snd = NULL;
	sim_destroy(s);
}
END_TEST

/* CUBIC after a loss at W_max = 100: ssthresh 70 (beta 717/1024), and the
 * window climbs back along W(t) = C (t - K)^3 + W_max, C = 0.4, K =
 * cbrt((W_max - W) / C), reaching W_max at K (4.22 s) and growing past
 * it. ACKs arrive as a 100 ms RTT of a full window would bring them. */
START_TEST(cubic_window_growth_follows_its_formula)
{
	struct tcp_cong c;
	tcp_cong_init(&c, TCP_CONG_CUBIC, 1000, 0);
	uint32_t ssthresh = tcp_cong_ssthresh(&c, 100);
	ck_assert_uint_eq(ssthresh, 70);
	double k_s = cbrt((100.0 - 70.0) / 0.4);
	ck_assert_int_lt(abs((int)tcp_cubic_k(100, 70) - (int)lround(k_s * 1024)), 4);
	uint32_t cwnd = 70, cnt = 0;
	uint32_t start = 1000;
	double acks_due = 0;
	for (uint32_t ms = 0; ms <= 7000; ms++) {
		acks_due += cwnd / 100.0;      /* a window per 100 ms */
		while (acks_due >= 1) {
			acks_due -= 1;
			tcp_cong_avoid(&c, &cwnd, &cnt, ssthresh, 65535, 0, 0, cwnd, 3, start + ms);
		}
		if (ms % 500 == 0 && ms > 0) {
			double t = ms / 1000.0;
			double w = 0.4 * pow(t - k_s, 3) + 100.0;
			/* at most a round trip behind the curve, never ahead by more than one */
			double w_prev = 0.4 * pow(t - 0.1 - k_s, 3) + 100.0;
			ck_assert_msg(cwnd <= w + 1.5 && cwnd + 1.5 >= (w_prev < w ? w_prev : w),
				      "t=%.1f s: cwnd %u, W(t) %.1f", t, cwnd, w);
		}
	}
	ck_assert_uint_gt(cwnd, 105);          /* convex growth past W_max (W(7 s) = 108.6) */
	/* the target itself: bic_target against the formula */
	for (uint32_t ms = 0; ms <= 8000; ms += 250) {
		double w = 0.4 * pow(ms / 1000.0 - k_s, 3) + 100.0;
		ck_assert(fabs(tcp_cubic_target(100, tcp_cubic_k(100, 70), ms) - w) < 1.5);
	}
	/* fast convergence: a loss below the last W_max lowers it further */
	tcp_cong_ssthresh(&c, 90);
	ck_assert_uint_eq(c.last_max_cwnd, 90 * (1024 + 717) / 2048);
}
END_TEST

START_TEST(the_sack_scoreboard_tags_sacked_lost_and_retransmitted_segments)
{
	struct tcp_scoreboard b;
	tcp_sb_init(&b);
	for (uint32_t i = 0; i < 100; i++)     /* past the first allocation */
		tcp_sb_push(&b, 1000 + i * 100, 1100 + i * 100, 0, 0);
	ck_assert_uint_eq(tcp_sb_in_flight(&b), 100);
	/* segments 3-5 SACKed: 6 segments up to the highest SACKed one */
	uint32_t st[1] = { 1300 }, en[1] = { 1600 };
	struct tcp_sack_result r = { 0 };
	tcp_sb_sack(&b, st, en, 1, 1000, 1000, 1000, &r);
	ck_assert_uint_eq(r.newly_sacked, 3);
	ck_assert_uint_eq(b.sacked_out, 3);
	ck_assert_uint_eq(b.fackets_out, 6);
	ck_assert(!r.dsack);
	/* FACK: fackets_out - reordering = 3 segments at the head are lost */
	tcp_sb_mark_head_lost(&b, 6 - 3, 1, 0, 1000 + 100 * 100);
	ck_assert_uint_eq(b.lost_out, 3);
	ck_assert_uint_eq(tcp_sb_in_flight(&b), 100 - 3 - 3);
	struct tcp_seg *s = tcp_sb_next_lost(&b);
	ck_assert_uint_eq(s->seq, 1000);
	tcp_sb_mark_retransmitted(&b, s, 5);
	ck_assert_uint_eq(b.retrans_out, 1);
	ck_assert_uint_eq(tcp_sb_next_lost(&b)->seq, 1100);
	/* segment 1 SACKed without a retransmission: it was reordered, not lost */
	uint32_t st2[2] = { 1100, 1300 }, en2[2] = { 1200, 1600 };
	memset(&r, 0, sizeof r);
	tcp_sb_sack(&b, st2, en2, 2, 1000, 1000, 1000, &r);
	ck_assert_uint_eq(r.newly_sacked, 1);
	ck_assert_uint_eq(r.reorder, 6 - 1);
	ck_assert_uint_eq(b.lost_out, 2);
	/* the cumulative ACK of segments 0-1 takes the retransmission out */
	memset(&r, 0, sizeof r);
	tcp_sb_ack(&b, 1200, &r);
	ck_assert_uint_eq(r.acked, 2);
	ck_assert(r.retrans_acked);
	ck_assert_uint_eq(b.retrans_out, 0);
	ck_assert_uint_eq(b.sacked_out, 3);
	ck_assert_uint_eq(b.lost_out, 1);
	ck_assert_uint_eq(b.fackets_out, 4);
	/* a D-SACK below the ACK for the retransmitted data */
	uint32_t st3[2] = { 1000, 1300 }, en3[2] = { 1100, 1600 };
	memset(&r, 0, sizeof r);
	tcp_sb_sack(&b, st3, en3, 2, 1200, 1200, 1000, &r);
	ck_assert(r.dsack);
	ck_assert_uint_eq(r.dsack_retrans, 1);
	/* RTO: every segment not SACKed is lost; none is in flight but the SACKed */
	ck_assert(!tcp_sb_enter_loss(&b, 0));
	ck_assert_uint_eq(b.lost_out, 98 - 3);
	ck_assert_uint_eq(tcp_sb_in_flight(&b), 0);
	tcp_sb_free(&b);
}
END_TEST

START_TEST(a_duplicate_segment_is_reported_in_a_dsack_block)
{
	struct tcp_receiver_config c;
	tcp_receiver_config_default(&c);
	start_receiver_alone(&c);
	ck_assert(last_ack.sack_ok);           /* the SYN-ACK offers SACK back */
	feed_segment(101, 1448);
	feed_segment(101 + 2 * 1448, 1448);    /* a hole: one SACK block */
	ck_assert_uint_eq(last_ack.ack, 101 + 1448);
	ck_assert_uint_eq(last_ack.n_sack, 1);
	ck_assert_uint_eq(last_ack.sack_start[0], 101 + 2 * 1448);
	ck_assert_uint_eq(last_ack.sack_end[0], 101 + 3 * 1448);
	feed_segment(101, 1448);               /* the first segment again */
	ck_assert_uint_eq(last_ack.n_sack, 2);
	ck_assert_uint_eq(last_ack.sack_start[0], 101);          /* D-SACK first */
	ck_assert_uint_eq(last_ack.sack_end[0], 101 + 1448);
	ck_assert_uint_eq(last_ack.sack_start[1], 101 + 2 * 1448);
	ck_assert_uint_eq(tcp_receiver_stats(P.rcv)->dsack_acks, 1);
	feed_segment(101 + 1448, 1448);        /* the hole fills: no blocks left */
	ck_assert_uint_eq(last_ack.ack, 101 + 3 * 1448);
	ck_assert_uint_eq(last_ack.n_sack, 0);
	ck_assert_int_eq(P.integrity_errors, 0);
	sim_run_until(P.sim, sim_s(1));        /* the ACKs in flight reach the (absent) sender */
	tcp_pair_fini(&P);
}
END_TEST

static void run_three_drops_in_a_window(int sack)
{
	drop_data_index = 40;
	drop_also[0] = 43;
	drop_also[1] = 46;
	drop_all_data = 0;
	struct tcp_sender_config c;
	tcp_sender_config_default(&c);
	c.sack = sack;
	start_with(&c, 400000);
	sim_run_until(P.sim, sim_s(10));
	const struct tcp_sender_stats *st = tcp_sender_stats(P.snd);
	ck_assert_int_eq(tcp_sender_state(P.snd), TCP_SENDER_DONE);
	ck_assert_uint_eq(P.bytes_in, 400000);
	ck_assert_int_eq(P.integrity_errors, 0);
	ck_assert_uint_eq(st->fast_retransmits, 1);   /* one recovery repairs all three */
	ck_assert_uint_eq(st->rto_timeouts, 0);
	ck_assert_uint_eq(st->retransmits, 3);
	if (sack)
		ck_assert_uint_gt(st->sack_blocks, 0);
	else
		ck_assert_uint_eq(st->sack_blocks, 0);
	memset(drop_also, 0, sizeof drop_also);
	finish();
}

START_TEST(three_drops_in_a_window_are_repaired_in_one_sack_recovery)
{
	run_three_drops_in_a_window(1);
}
END_TEST

START_TEST(three_drops_in_a_window_are_repaired_by_newreno_partial_acks)
{
	run_three_drops_in_a_window(0);
}
END_TEST

/* ---- PAWS (host/tcp_paws.h) ---- */

/* Every byte delivered was right; the ACKs in flight reach the (absent)
 * sender; the pair is freed. */
static void end_receiver_alone(void)
{
	ck_assert_int_eq(P.integrity_errors, 0);
	sim_run_until(P.sim, sim_s(1));
	tcp_pair_fini(&P);
}

/* The receiver alone, its ts_recent at 1000 from an in-order segment. */
static void start_receiver_ts_1000(void)
{
	struct tcp_receiver_config c;
	tcp_receiver_config_default(&c);
	c.paws = 1;
	start_receiver_alone(&c);
	feed_skb(101, 1448, 0, 0, 1000);
	ck_assert_uint_eq(last_ack.tsecr, 1000);
}

START_TEST(paws_drops_an_old_segment_counts_it_and_sends_a_duplicate_ack)
{
	start_receiver_ts_1000();
	const struct tcp_receiver_stats *st = tcp_receiver_stats(P.rcv);
	int acks = n_acks;
	/* new data, its TSval two ticks older than ts_recent: dropped */
	feed_skb(101 + 1448, 1448, 0, 0, 998);
	ck_assert_uint_eq(st->paws_rejected, 1);
	ck_assert_uint_eq(P.bytes_in, 1448);
	ck_assert_uint_eq(st->segments, 2);    /* the handshake's ACK and the first */
	ck_assert_int_eq(n_acks, acks + 1);    /* answered at once */
	ck_assert_uint_eq(last_ack.ack, 101 + 1448);
	ck_assert_uint_eq(last_ack.tsecr, 1000);
	ck_assert_uint_eq(last_ack.n_sack, 0);
	/* old data with an old TSval: dropped, its ACK carries a D-SACK */
	feed_skb(101, 1448, 0, 0, 900);
	ck_assert_uint_eq(st->paws_rejected, 2);
	ck_assert_int_eq(n_acks, acks + 2);
	ck_assert_uint_eq(last_ack.n_sack, 1);
	ck_assert_uint_eq(last_ack.sack_start[0], 101);
	ck_assert_uint_eq(last_ack.sack_end[0], 101 + 1448);
	ck_assert_uint_eq(st->dup_segments, 0);        /* never reached the data queue */
	/* the same data with a current TSval is taken */
	feed_skb(101 + 1448, 1448, 0, 0, 1001);
	ck_assert_uint_eq(P.bytes_in, 2 * 1448);
	ck_assert_uint_eq(st->paws_rejected, 2);
	end_receiver_alone();
}
END_TEST

START_TEST(paws_accepts_an_equal_tsval_and_one_a_tick_older)
{
	start_receiver_ts_1000();
	feed_skb(101 + 1448, 1448, 0, 0, 1000);        /* equal */
	feed_skb(101 + 2 * 1448, 1448, 0, 0, 999);     /* TCP_PAWS_WINDOW = 1 */
	const struct tcp_receiver_stats *st = tcp_receiver_stats(P.rcv);
	ck_assert_uint_eq(st->paws_rejected, 0);
	ck_assert_uint_eq(P.bytes_in, 3 * 1448);
	ck_assert_uint_eq(last_ack.tsecr, 1000);       /* the older one did not replace it */
	end_receiver_alone();
}
END_TEST

/* A spurious retransmission wholly below rcv_wup carries a newer TSval
 * but leaves ts_recent alone (tcp_sequence first): the originals still on
 * their way are not discarded. */
START_TEST(paws_spares_segments_sent_before_a_spurious_retransmission)
{
	start_receiver_ts_1000();
	feed_skb(101 + 1448, 1448, 0, 0, 1000);        /* rcv_wup 101 + 2 * 1448 */
	feed_skb(101, 1448, 0, 0, 1010);               /* a retransmission of old data */
	ck_assert_uint_eq(last_ack.tsecr, 1000);
	ck_assert_uint_eq(last_ack.n_sack, 1);         /* its D-SACK */
	feed_skb(101 + 2 * 1448, 1448, 0, 0, 1001);    /* sent before it: taken */
	const struct tcp_receiver_stats *st = tcp_receiver_stats(P.rcv);
	ck_assert_uint_eq(st->paws_rejected, 0);
	ck_assert_uint_eq(P.bytes_in, 3 * 1448);
	ck_assert_uint_eq(last_ack.tsecr, 1001);
	end_receiver_alone();
}
END_TEST

/* "Reset is accepted even if it did not pass PAWS" (tcp_validate_incoming):
 * neither host counts it or answers it, and the client's connection ends. */
START_TEST(an_rst_with_an_old_tsval_is_not_discarded_by_paws)
{
	start_receiver_ts_1000();
	int acks = n_acks;
	feed_skb(101 + 1448, 0, 0, NETPKT_TCP_RST, 10);
	ck_assert_uint_eq(tcp_receiver_stats(P.rcv)->paws_rejected, 0);
	ck_assert_int_eq(n_acks, acks);
	sim_run_until(P.sim, sim_s(1));
	tcp_pair_fini(&P);

	struct tcp_sender_config sc;
	tcp_sender_config_default(&sc);
	sc.paws = 1;
	start_with(&sc, 10u << 20);
	sim_run_until(P.sim, sim_us(200));
	ck_assert_int_eq(tcp_sender_state(P.snd), TCP_SENDER_ESTABLISHED);
	struct netpkt_tcp rst = last_ack;      /* the server's, as its latest ACK */
	rst.flags = NETPKT_TCP_RST | NETPKT_TCP_ACK;
	rst.tsval = last_client_frame.tsecr - 1000u;  /* far older than ts_recent */
	tcp_sender_on_frame(P.snd, &rst, 0);
	ck_assert_uint_eq(tcp_sender_stats(P.snd)->paws_rejected, 0);
	ck_assert_int_eq(tcp_sender_state(P.snd), TCP_SENDER_FAILED);
	sim_run_until(P.sim, sim_s(1));        /* the frames in flight land */
	finish();
}
END_TEST

/* tcp_disordered_ack: a pure duplicate ACK that leaves the window alone
 * passes with an old TSval, within the RTO's replay window (200 ms * 1024
 * / HZ = 204 ticks); any other old ACK is discarded and answered. */
START_TEST(paws_lets_a_disordered_duplicate_ack_through)
{
	sim *s = sim_create(1);
	struct tcp_sender_config c;
	tcp_sender_config_default(&c);
	c.paws = 1;
	uint32_t d = peer_open(s, &c, 1, 100000), peer = 5001;      /* 3 segments out */
	const struct tcp_sender_stats *st = tcp_sender_stats(peer_snd);
	peer_ack_ts(peer, d + 1448, 100, 1, 100300);      /* ts_recent 100300 */
	ck_assert_uint_eq(st->bytes_acked, 1448);
	ck_assert_uint_eq(st->paws_rejected, 0);
	/* a duplicate ACK, 200 ticks older: a disordered ACK, processed */
	peer_ack_ts(peer, d + 1448, 100, 1, 100100);
	ck_assert_uint_eq(st->paws_rejected, 0);
	/* the same, 300 ticks older: past the replay window */
	int frames = peer_frames;
	peer_ack_ts(peer, d + 1448, 100, 1, 100000);
	ck_assert_uint_eq(st->paws_rejected, 1);
	ck_assert_int_eq(peer_frames, frames + 1);     /* the duplicate ACK */
	/* a duplicate ACK that would open the window: discarded */
	peer_ack_ts(peer, d + 1448, 200, 1, 100100);
	ck_assert_uint_eq(st->paws_rejected, 2);
	ck_assert_uint_eq(tcp_sender_send_window(peer_snd), 100u << 7);
	/* an old ACK that acknowledges new data: discarded, unread */
	peer_ack_ts(peer, d + 2 * 1448, 100, 1, 100290);
	ck_assert_uint_eq(st->paws_rejected, 3);
	ck_assert_uint_eq(st->bytes_acked, 1448);
	/* and with a current TSval it is taken */
	peer_ack_ts(peer, d + 2 * 1448, 100, 1, 100300);
	ck_assert_uint_eq(st->bytes_acked, 2 * 1448);
	ck_assert_uint_eq(st->paws_rejected, 3);
	tcp_sender_destroy(peer_snd);
	peer_snd = NULL;
	sim_destroy(s);
}
END_TEST

/* TCP_PAWS_24DAYS: a ts_recent kept 24 days ago no longer rejects, and
 * the older TSval replaces it (the peer's clock may have wrapped). */
START_TEST(paws_does_not_use_a_ts_recent_24_days_old)
{
	start_receiver_ts_1000();              /* kept at time 0 */
	const struct tcp_receiver_stats *st = tcp_receiver_stats(P.rcv);
	const uint64_t days24 = 24ull * 24u * 3600u;
	sim_run_until(P.sim, sim_s(days24 - 1));
	feed_skb(101 + 1448, 1448, 0, 0, 995);
	ck_assert_uint_eq(st->paws_rejected, 1);       /* a second short */
	sim_run_until(P.sim, sim_s(days24));
	feed_skb(101 + 1448, 1448, 0, 0, 995);
	ck_assert_uint_eq(st->paws_rejected, 1);
	ck_assert_uint_eq(P.bytes_in, 2 * 1448);
	ck_assert_uint_eq(last_ack.tsecr, 995);        /* tcp_replace_ts_recent took it */
	ck_assert_int_eq(P.integrity_errors, 0);
	sim_run_until(P.sim, sim_s(days24 + 1));
	tcp_pair_fini(&P);
}
END_TEST

Suite *tcp_suite(void)
{
	Suite *s = suite_create("tcp");
	TCase *tc = tcase_create("tcp");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, rto_backs_off_exponentially_from_200_ms);
	tcase_add_test(tc, a_single_drop_is_repaired_by_fast_retransmit);
	tcase_add_test(tc, a_write_after_an_idle_rto_restarts_from_the_initial_window);
	tcase_add_test(tc, without_slow_start_after_idle_the_window_survives_the_pause);
	tcase_add_test(tc, a_lone_segment_is_acknowledged_by_the_delayed_ack_timer);
	tcase_add_test(tc, rcv_mss_comes_from_gso_size_and_two_full_segments_are_acked_at_once);
	tcase_add_test(tc, rcv_mss_falls_after_two_equal_full_sized_segments);
	tcase_add_test(tc, tsecr_echoes_ts_recent_and_an_old_or_later_segment_does_not_replace_it);
	tcase_add_test(tc, a_wholly_old_duplicate_does_not_replace_ts_recent);
	tcase_add_test(tc, the_sender_stamps_from_its_clock_and_echoes_the_receivers_tsval);
	tcase_add_test(tc, a_full_socket_buffer_drops_and_the_window_closes_and_reopens);
	tcase_add_test(tc, the_send_window_is_taken_only_from_acceptable_acks);
	tcase_add_test(tc, cubic_window_growth_follows_its_formula);
	tcase_add_test(tc, the_sack_scoreboard_tags_sacked_lost_and_retransmitted_segments);
	tcase_add_test(tc, a_duplicate_segment_is_reported_in_a_dsack_block);
	tcase_add_test(tc, three_drops_in_a_window_are_repaired_in_one_sack_recovery);
	tcase_add_test(tc, three_drops_in_a_window_are_repaired_by_newreno_partial_acks);
	tcase_add_test(tc, paws_drops_an_old_segment_counts_it_and_sends_a_duplicate_ack);
	tcase_add_test(tc, paws_accepts_an_equal_tsval_and_one_a_tick_older);
	tcase_add_test(tc, paws_spares_segments_sent_before_a_spurious_retransmission);
	tcase_add_test(tc, an_rst_with_an_old_tsval_is_not_discarded_by_paws);
	tcase_add_test(tc, paws_lets_a_disordered_duplicate_ack_through);
	tcase_add_test(tc, paws_does_not_use_a_ts_recent_24_days_old);
	suite_add_tcase(s, tc);
	return s;
}
