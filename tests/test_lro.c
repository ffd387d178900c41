/* tests/test_lro.c - the LRO engine: filter, reorder, rebuild, active ACK,
 * timeout, pool exhaustion. Frames come from host/netpkt; every header the
 * engine writes is checked with the naive checksum below, not the
 * firmware's. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "firmware/csum.h"
#include "firmware/hal.h"
#include "firmware/lro.h"
#include "host/netpkt.h"
#include "tests/testutil.h"

/* RFC 1071, one 16-bit word at a time: independent of firmware/csum.c */
static uint16_t naive_sum(const uint8_t *p, size_t len, uint32_t start)
{
	uint32_t s = start;
	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* Both checksums of a frame given as pieces: returns 1 if right. */
static int checksums_ok(const uint8_t *frame, size_t len)
{
	const uint8_t *ip = frame + 14;
	if (naive_sum(ip, 20, 0) != 0xffff)
		return 0;
	size_t tcp_len = (size_t)(ip[2] << 8 | ip[3]) - 20;
	uint32_t pseudo = (uint32_t)(ip[12] << 8 | ip[13]) + (uint32_t)(ip[14] << 8 | ip[15]) +
			  (uint32_t)(ip[16] << 8 | ip[17]) + (uint32_t)(ip[18] << 8 | ip[19]) + 6 +
			  (uint32_t)tcp_len;
	if (14 + 20 + tcp_len > len)
		return 0;
	return naive_sum(ip + 20, tcp_len, pseudo) == 0xffff;
}

static struct lro_engine *eng;
static void *eng_mem;
static struct lro_out out;

static void make_engine_rule(uint32_t threshold, uint32_t conns, enum lro_timeout_rule rule)
{
	struct lro_config c;
	lro_config_default(&c);
	c.timeout_rule = (uint8_t)rule;
	c.threshold_bytes = threshold;
	c.max_conns = conns;
	c.table_buckets = 16;
	free(eng_mem);
	eng_mem = aligned_alloc(64, (lro_engine_bytes(&c) + 63) / 64 * 64);
	eng = lro_engine_init(eng_mem, &c);
}

static void make_engine(uint32_t threshold, uint32_t conns)
{
	make_engine_rule(threshold, conns, LRO_TIMEOUT_PAPER);
}

static void teardown(void)
{
	testutil_free_frames();
	free(eng_mem);
	eng_mem = NULL;
}

static struct netpkt_tcp flow(uint16_t sport)
{
	return testutil_flow(sport);
}

static void feed(struct netpkt_tcp h, uint32_t seq, uint32_t len, uint64_t now)
{
	uint32_t fl;
	uint8_t *b = testutil_frame(h, seq, len, &fl);
	lro_input(eng, b, fl, now, &out);
}

static void syn(struct netpkt_tcp h, uint32_t iss)
{
	h.flags = NETPKT_TCP_SYN;
	h.mss = 1460;
	feed(h, iss, 0, 0);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_int_eq(out.a[0].kind, LRO_ACT_PASS);
	ck_assert_uint_eq(out.a[0].reason, LRO_PASS_SYN);
}

static unsigned count(enum lro_action_kind k)
{
	unsigned n = 0;
	for (unsigned i = 0; i < out.n; i++)
		n += out.a[i].kind == k;
	return n;
}

static const struct lro_action *find(enum lro_action_kind k)
{
	for (unsigned i = 0; i < out.n; i++)
		if (out.a[i].kind == k)
			return &out.a[i];
	return NULL;
}

/* The last input's ACK, parsed (a pure ACK, both checksums right), or 0
 * when it sent none. */
static int parse_last_ack(struct netpkt_tcp *p)
{
	const struct lro_action *a = find(LRO_ACT_ACK);
	if (!a)
		return 0;
	const uint8_t *pl;
	uint32_t plen;
	ck_assert_int_eq(netpkt_parse_tcp(a->ack_frame, a->len, p, &pl, &plen), 0);
	ck_assert(checksums_ok(a->ack_frame, a->len));
	ck_assert_uint_eq(plen, 0);
	return 1;
}

/* Reassemble a delivery into contiguous bytes, as the DMA would. */
static size_t flatten(const struct lro_action *a, uint8_t *dst)
{
	const struct lro_seg *s = a->segs;
	uint32_t payload = 0;
	for (const struct lro_seg *x = s; x; x = x->next)
		payload += x->payload_len;
	uint32_t hdr = a->len - payload;
	memcpy(dst, s->frame, hdr);
	size_t at = hdr;
	for (const struct lro_seg *x = s; x; x = x->next) {
		memcpy(dst + at, x->frame + x->payload_off, x->payload_len);
		at += x->payload_len;
	}
	return at;
}

static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }

START_TEST(in_order_segments_aggregate_at_the_threshold)
{
	make_engine(4 * 1000, 8);
	struct netpkt_tcp h = flow(1000);
	syn(h, 99);
	for (int i = 0; i < 3; i++) {
		h.ack = 777 + (uint32_t)i;
		h.window = (uint16_t)(100 + i);
		feed(h, 100 + (uint32_t)i * 1000, 1000, 10 + (uint64_t)i);
		ck_assert_uint_eq(count(LRO_ACT_DELIVER), 0);
		ck_assert_uint_eq(count(LRO_ACT_ACK), 1);
	}
	h.ack = 900;
	h.window = 321;
	h.tsecr = 55;
	h.flags |= NETPKT_TCP_PSH;
	feed(h, 3100, 1000, 13);                   /* reaches exactly 4000 bytes */
	const struct lro_action *d = find(LRO_ACT_DELIVER);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(d->n_segs, 4);
	ck_assert_uint_eq(d->reason, LRO_FLUSH_THRESHOLD);
	static uint8_t agg[70000];
	size_t len = flatten(d, agg);
	ck_assert_uint_eq(len, d->len);
	ck_assert(checksums_ok(agg, len));
	const uint8_t *ip = agg + 14, *tcp = ip + 20;
	ck_assert_uint_eq((uint32_t)(ip[2] << 8 | ip[3]), 20 + 32 + 4000);
	ck_assert_uint_eq(get32(tcp + 4), 100);    /* seq of the first */
	ck_assert_uint_eq(get32(tcp + 8), 900);    /* ack of the last */
	ck_assert_uint_eq((uint32_t)(tcp[14] << 8 | tcp[15]), 321);
	ck_assert(tcp[13] & NETPKT_TCP_PSH);
	ck_assert_uint_eq(get32(tcp + 24), 10);    /* TSval of the first */
	ck_assert_uint_eq(get32(tcp + 28), 55);    /* TSecr of the last */
	for (size_t i = 0; i < 4000; i++)
		ck_assert_uint_eq(agg[14 + 20 + 32 + i], (uint8_t)(100 + i));
}
END_TEST

START_TEST(out_of_order_segments_are_reordered_and_gaps_held)
{
	make_engine(3000, 8);
	struct netpkt_tcp h = flow(1001);
	syn(h, 999);
	feed(h, 3000, 1000, 1);                    /* past a gap */
	ck_assert_uint_eq(count(LRO_ACT_DELIVER), 0);
	const struct lro_action *ack = find(LRO_ACT_ACK);
	ck_assert_ptr_nonnull(ack);
	ck_assert_uint_eq(get32(ack->ack_frame + 14 + 20 + 8), 1000);  /* still nextseq */
	feed(h, 2000, 1000, 2);
	ck_assert_uint_eq(count(LRO_ACT_DELIVER), 0);
	feed(h, 1000, 1000, 3);                    /* fills the gap: 3000 contiguous */
	const struct lro_action *d = find(LRO_ACT_DELIVER);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(d->n_segs, 3);
	static uint8_t agg[70000];
	size_t len = flatten(d, agg);
	ck_assert(checksums_ok(agg, len));
	for (size_t i = 0; i < 3000; i++)
		ck_assert_uint_eq(agg[66 + i], (uint8_t)(1000 + i));
	ack = find(LRO_ACT_ACK);
	ck_assert_uint_eq(get32(ack->ack_frame + 14 + 20 + 8), 4000);
}
END_TEST

START_TEST(duplicates_and_old_segments_are_dropped_partial_overlap_trimmed)
{
	make_engine(100000, 8);
	struct netpkt_tcp h = flow(1002);
	syn(h, 0);
	feed(h, 1, 1000, 1);
	feed(h, 1, 1000, 2);                       /* old: below nextseq */
	ck_assert_uint_eq(count(LRO_ACT_FREE), 1);
	ck_assert_uint_eq(lro_engine_counters(eng)->drop[LRO_DROP_DUPLICATE], 1);
	feed(h, 3001, 1000, 3);                    /* held past a gap */
	feed(h, 3001, 1000, 4);                    /* already held */
	ck_assert_uint_eq(lro_engine_counters(eng)->drop[LRO_DROP_DUPLICATE], 2);
	feed(h, 501, 1000, 5);                     /* half old: keeps [1001, 1501) */
	ck_assert_uint_eq(count(LRO_ACT_FREE), 0);
	ck_assert_uint_eq(lro_held_segments(eng), 3);
	/* FIN: everything held goes up in order, gaps included */
	h.flags = NETPKT_TCP_ACK | NETPKT_TCP_FIN;
	feed(h, 4001, 0, 6);
	uint32_t expect = 1;
	for (unsigned i = 0; i < out.n; i++) {
		if (out.a[i].kind != LRO_ACT_DELIVER)
			continue;
		static uint8_t agg[70000];
		size_t len = flatten(&out.a[i], agg);
		ck_assert(checksums_ok(agg, len));
		uint32_t seq = get32(agg + 14 + 20 + 4);
		ck_assert(seq >= expect);
		expect = seq + (uint32_t)(len - 66);
	}
	ck_assert_int_eq(out.a[out.n - 1].kind, LRO_ACT_PASS);
	ck_assert_uint_eq(out.a[out.n - 1].reason, LRO_PASS_FIN);
	ck_assert_uint_eq(lro_held_segments(eng), 0);
}
END_TEST

START_TEST(sequence_numbers_wrap_around)
{
	make_engine(3000, 8);
	struct netpkt_tcp h = flow(1003);
	uint32_t iss = 0xffffffffu - 1500;
	syn(h, iss);
	feed(h, iss + 1, 1000, 1);
	feed(h, iss + 2001, 1000, 2);              /* after the wrap, past a gap */
	feed(h, iss + 1001, 1000, 3);              /* crosses 2^32 */
	const struct lro_action *d = find(LRO_ACT_DELIVER);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(d->n_segs, 3);
	static uint8_t agg[70000];
	size_t len = flatten(d, agg);
	ck_assert(checksums_ok(agg, len));
	ck_assert_uint_eq(get32(agg + 14 + 20 + 4), iss + 1);
}
END_TEST

/* The descriptor that holds data (the only flow of these tests). */
static uint32_t busy_conn(void)
{
	for (uint32_t i = 0; i < lro_conn_capacity(eng); i++)
		if (lro_conn_timeout_at(eng, i) != UINT64_MAX)
			return i;
	ck_abort_msg("no flow holds data");
	return 0;
}

/* Segments 1,000 ns apart after a SYN at 0: average interval 500, then
 * 750 ns (paper IV.E's halving average). */
static struct netpkt_tcp two_segments(void)
{
	struct netpkt_tcp h = flow(1010);
	syn(h, 0);
	feed(h, 1, 1000, 1000);
	feed(h, 1001, 1000, 2000);
	return h;
}

START_TEST(timeout_rule_paper_is_factor_times_average_interval)
{
	make_engine_rule(65536, 8, LRO_TIMEOUT_PAPER);
	two_segments();
	/* idle > 10 x 750 ns */
	ck_assert_uint_eq(lro_conn_timeout_at(eng, busy_conn()), 2000 + 7500 + 1);
	ck_assert(!lro_conn_timed_out(eng, busy_conn(), 2000 + 7500));
	ck_assert(lro_conn_timed_out(eng, busy_conn(), 2000 + 7501));
}
END_TEST

START_TEST(timeout_rule_floor_rides_out_a_burst_pause)
{
	make_engine_rule(65536, 8, LRO_TIMEOUT_FLOOR);
	two_segments();
	uint32_t i = busy_conn();
	/* a 50 us pause of a software sender: the paper's rule (7.5 us) would
	 * flush, the floor (100 us) holds on */
	ck_assert(!lro_conn_timed_out(eng, i, 2000 + 50000));
	ck_assert_uint_eq(lro_conn_timeout_at(eng, i), 2000 + 100000 + 1);
	ck_assert(lro_conn_timed_out(eng, i, 2000 + 100001));
	/* a slow flow's own timeout above the floor still rules */
	make_engine_rule(65536, 8, LRO_TIMEOUT_FLOOR);
	struct netpkt_tcp h = flow(1011);
	syn(h, 0);
	feed(h, 1, 1000, 40000);                   /* average 20 us: timeout 200 us */
	ck_assert_uint_eq(lro_conn_timeout_at(eng, busy_conn()), 40000 + 200000 + 1);
}
END_TEST

START_TEST(timeout_rule_gap_holds_the_run_until_the_gap_fills)
{
	make_engine_rule(65536, 8, LRO_TIMEOUT_GAP);
	struct netpkt_tcp h = two_segments();
	uint32_t i = busy_conn();
	/* in order: the floor's timeout */
	ck_assert_uint_eq(lro_conn_timeout_at(eng, i), 2000 + 100000 + 1);
	feed(h, 3001, 1000, 3000);                 /* past a gap */
	/* 200 us on, the floor rule would have flushed the run; gap waits the
	 * 1 ms a retransmission may take */
	ck_assert(!lro_conn_timed_out(eng, i, 3000 + 200000));
	ck_assert_uint_eq(lro_conn_timeout_at(eng, i), 3000 + 1000000 + 1);
	feed(h, 2001, 1000, 3000 + 500000);        /* the retransmission */
	/* contiguous again: back to the in-order timeout, here the paper's
	 * (the 500 us wait raised the average to (875 + 500000) / 2 ns), and
	 * one aggregate of all four */
	ck_assert_uint_eq(lro_conn_timeout_at(eng, i), 503000 + 10u * ((875 + 500000) / 2) + 1);
	lro_flush_conn(eng, i, LRO_FLUSH_TIMEOUT, &out);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_uint_eq(out.a[0].n_segs, 4);
	ck_assert_uint_eq(lro_held_segments(eng), 0);
}
END_TEST

START_TEST(timeout_delivers_up_to_the_gap_and_the_rest_when_filled)
{
	make_engine(65536, 8);
	struct netpkt_tcp h = flow(1004);
	syn(h, 0);
	feed(h, 1, 1000, 1000);
	feed(h, 1001, 1000, 2000);                 /* average interval ~ 750 ns */
	feed(h, 3001, 1000, 3000);                 /* past a gap */
	uint32_t idx = 0;
	for (; idx < lro_conn_capacity(eng); idx++)
		if (lro_conn_timed_out(eng, idx, 100000))
			break;
	ck_assert_uint_lt(idx, lro_conn_capacity(eng));
	ck_assert(!lro_conn_timed_out(eng, idx, 3000 + 5));   /* not idle yet */
	/* a clock read before the last arrival (the scan's reading is older
	 * than a segment an rx thread took meanwhile) is not idleness */
	ck_assert(!lro_conn_timed_out(eng, idx, 2999));
	lro_flush_conn(eng, idx, LRO_FLUSH_TIMEOUT, &out);
	/* the contiguous run, then what lies past the gap: nothing waits */
	ck_assert_uint_eq(out.n, 2);
	ck_assert_uint_eq(out.a[0].n_segs, 2);
	ck_assert_uint_eq(get32(out.a[1].buf + 14 + 20 + 4), 3001);
	ck_assert_uint_eq(lro_held_segments(eng), 0);
	ck_assert_uint_eq(lro_conn_timeout_at(eng, idx), UINT64_MAX);
	feed(h, 2001, 1000, 200000);               /* fills the gap */
	const struct lro_action *d = find(LRO_ACT_DELIVER);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(d->reason, LRO_FLUSH_AHEAD);
	ck_assert_uint_eq(get32(d->buf + 14 + 20 + 4), 2001);
	ck_assert_uint_eq(d->n_segs, 1);
	/* the flow goes on past the range handed over */
	feed(h, 4001, 1000, 201000);
	ck_assert_uint_eq(count(LRO_ACT_FREE), 0);
	ck_assert_uint_eq(lro_held_segments(eng), 1);
	feed(h, 3001, 1000, 202000);               /* handed over already */
	ck_assert_uint_eq(lro_engine_counters(eng)->drop[LRO_DROP_DUPLICATE], 1);
	lro_flush_conn(eng, idx, LRO_FLUSH_TIMEOUT, &out);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_uint_eq(get32(out.a[0].buf + 14 + 20 + 4), 4001);
}
END_TEST

/* The bytes of every DELIVER and PASS of the flow so far, appended at their
 * sequence offset into stream[]; returns how many were new. */
static uint8_t stream[1 << 20];
static uint8_t have[1 << 20];
static void collect(uint32_t isn)
{
	for (unsigned i = 0; i < out.n; i++) {
		const struct lro_action *a = &out.a[i];
		uint8_t f[70000];
		size_t len;
		if (a->kind == LRO_ACT_DELIVER)
			len = flatten(a, f);
		else if (a->kind == LRO_ACT_PASS)
			memcpy(f, a->buf, len = a->len);
		else
			continue;
		uint32_t ihl = (f[14] & 15u) * 4u, tot = (uint32_t)(f[16] << 8 | f[17]);
		uint32_t doff = (uint32_t)(f[14 + ihl + 12] >> 4) * 4u;
		if (f[14 + ihl + 13] & NETPKT_TCP_SYN)
			continue;
		ck_assert(checksums_ok(f, len) || ihl != 20);
		uint32_t off = get32(f + 14 + ihl + 4) - isn - 1;
		for (uint32_t j = 0; j < tot - ihl - doff; j++) {
			stream[off + j] = f[14 + ihl + doff + j];
			have[off + j] = 1;
		}
	}
}

/* Every byte [0, n) arrived with the pattern testutil_frame() writes. */
static void assert_stream_whole(uint32_t isn, uint32_t n)
{
	for (uint32_t j = 0; j < n; j++) {
		ck_assert_msg(have[j], "byte %u never reached the host", j);
		ck_assert_uint_eq(stream[j], (uint8_t)(isn + 1 + j));
	}
}

/* A flow of 300 segments of 100 bytes in which segment `odd_at` is sent by
 * send_odd; every byte must reach the host. */
static void odd_flow(void (*send_odd)(struct netpkt_tcp h, uint32_t seq), unsigned odd_at)
{
	make_engine(65536, 8);
	memset(have, 0, sizeof have);
	struct netpkt_tcp h = flow(1100);
	syn(h, 0);
	for (unsigned k = 0; k < 300; k++) {
		uint32_t seq = 1 + k * 100u;
		if (k == odd_at)
			send_odd(h, seq);
		else
			feed(h, seq, 100, 1000u * (k + 1));
		collect(0);
		for (unsigned i = 0; i < out.n; i++)
			if (out.a[i].kind == LRO_ACT_FREE)
				ck_assert_uint_ne(out.a[i].reason, LRO_DROP_HELD_LIMIT);
	}
	for (uint32_t i = 0; i < lro_conn_capacity(eng); i++) {
		lro_drain_conn(eng, i, &out);
		collect(0);
	}
	assert_stream_whole(0, 30000);
}

static void send_urg(struct netpkt_tcp h, uint32_t seq)
{
	h.flags |= 0x20u;
	feed(h, seq, 100, 500);
}

static void send_no_ack(struct netpkt_tcp h, uint32_t seq)
{
	h.flags = 0;
	feed(h, seq, 100, 500);
}

START_TEST(an_odd_segment_in_order_keeps_the_flow_going)
{
	odd_flow(send_urg, 5);
	ck_assert_uint_eq(lro_engine_counters(eng)->pass[LRO_PASS_RST_URG], 1);
	ck_assert_uint_eq(lro_engine_counters(eng)->conns_released, 0);
	odd_flow(send_no_ack, 7);
	ck_assert_uint_eq(lro_engine_counters(eng)->pass[LRO_PASS_NO_ACK], 1);
}
END_TEST

START_TEST(an_odd_segment_past_a_gap_lets_the_flow_go_without_loss)
{
	make_engine(65536, 8);
	memset(have, 0, sizeof have);
	struct netpkt_tcp h = flow(1101);
	syn(h, 0);
	for (unsigned k = 0; k < 40; k++) {
		if (k == 3)
			continue;                  /* the gap, filled at the end */
		struct netpkt_tcp x = h;
		if (k == 10)
			x.flags |= 0x20u;
		feed(x, 1 + k * 100u, 100, 1000u * (k + 1));
		collect(0);
	}
	ck_assert_uint_eq(lro_engine_counters(eng)->conns_released, 1);
	feed(h, 301, 100, 100000);
	collect(0);
	ck_assert_uint_eq(out.a[0].reason, LRO_PASS_UNKNOWN_FLOW);
	assert_stream_whole(0, 4000);
}
END_TEST

START_TEST(a_gap_filled_past_the_hold_limit_loses_nothing)
{
	make_engine(1u << 20, 8);
	memset(have, 0, sizeof have);
	struct netpkt_tcp h = flow(1102);
	syn(h, 0);
	for (unsigned k = 0; k < 600; k++) {
		if (k == 3)
			continue;
		feed(h, 1 + k * 100u, 100, 1000u * (k + 1));
		collect(0);
		for (unsigned i = 0; i < out.n; i++)
			ck_assert_int_ne(out.a[i].kind, LRO_ACT_FREE);
	}
	ck_assert_uint_ge(lro_engine_counters(eng)->handed_ahead, 1);
	feed(h, 301, 100, 700000);         /* the gap, at last */
	collect(0);
	for (uint32_t i = 0; i < lro_conn_capacity(eng); i++) {
		lro_drain_conn(eng, i, &out);
		collect(0);
	}
	assert_stream_whole(0, 60000);
	ck_assert_uint_eq(lro_engine_counters(eng)->drop[LRO_DROP_HELD_LIMIT], 0);
}
END_TEST

/* After the timeout handed over what lay past a gap, a retransmission
 * spanning the gap and that range is taken whole: nothing is lost. */
START_TEST(a_retransmission_spanning_a_handed_over_range_is_kept_whole)
{
	make_engine(65536, 8);
	memset(have, 0, sizeof have);
	struct netpkt_tcp h = flow(1104);
	syn(h, 0);
	feed(h, 1, 100, 1000);
	collect(0);
	feed(h, 201, 100, 2000);           /* past the gap [101, 201) */
	collect(0);
	uint32_t idx = 0;
	while (idx < lro_conn_capacity(eng) && !lro_conn_timed_out(eng, idx, 100000))
		idx++;
	ck_assert_uint_lt(idx, lro_conn_capacity(eng));
	lro_flush_conn(eng, idx, LRO_FLUSH_TIMEOUT, &out);
	collect(0);
	ck_assert_uint_eq(lro_engine_counters(eng)->handed_ahead, 1);
	feed(h, 101, 300, 200000);         /* [101, 401): the gap, the range, more */
	collect(0);
	feed(h, 401, 100, 201000);
	collect(0);
	for (uint32_t i = 0; i < lro_conn_capacity(eng); i++) {
		lro_drain_conn(eng, i, &out);
		collect(0);
	}
	assert_stream_whole(0, 500);
	ck_assert_uint_eq(lro_engine_counters(eng)->conns_released, 0);
}
END_TEST

START_TEST(a_retransmitted_syn_is_a_duplicate)
{
	make_engine(65536, 8);
	struct netpkt_tcp h = flow(1103);
	syn(h, 0);
	feed(h, 1, 100, 1000);
	feed(h, 101, 100, 2000);
	struct netpkt_tcp s = h;
	s.flags = NETPKT_TCP_SYN;
	s.mss = 1460;
	feed(s, 0, 0, 3000);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_uint_eq(out.a[0].reason, LRO_PASS_SYN_DUPLICATE);
	ck_assert_uint_eq(lro_held_segments(eng), 2);   /* nothing flushed, nothing reset */
	feed(h, 201, 100, 4000);
	ck_assert_uint_eq(count(LRO_ACT_FREE), 0);
	ck_assert_uint_eq(lro_held_segments(eng), 3);
	feed(s, 5000, 0, 5000);            /* a new ISN: a new incarnation */
	ck_assert_uint_eq(lro_engine_counters(eng)->flush[LRO_FLUSH_SYN], 1);
}
END_TEST

START_TEST(release_drops_only_what_lies_past_a_gap)
{
	make_engine(65536, 8);
	struct netpkt_tcp h = flow(1005);
	syn(h, 0);
	feed(h, 1, 1000, 1000);
	uint8_t *run_buf = testutil_last_frame();
	feed(h, 1001, 1000, 2000);
	feed(h, 3001, 1000, 3000);                 /* past a gap at 2001 */
	uint8_t *gap1 = testutil_last_frame();
	feed(h, 5001, 1000, 4000);
	uint8_t *gap2 = testutil_last_frame();
	ck_assert_uint_eq(lro_held_segments(eng), 4);
	uint32_t idx = 0;
	for (; idx < lro_conn_capacity(eng); idx++) {
		lro_release_conn(eng, idx, &out);
		if (out.n)
			break;
	}
	ck_assert_uint_lt(idx, lro_conn_capacity(eng));
	/* the two segments past the gap come back as FREE, nothing else */
	ck_assert_uint_eq(out.n, 2);
	ck_assert_int_eq(out.a[0].kind, LRO_ACT_FREE);
	ck_assert_int_eq(out.a[1].kind, LRO_ACT_FREE);
	ck_assert_ptr_eq(out.a[0].buf, gap1);
	ck_assert_ptr_eq(out.a[1].buf, gap2);
	ck_assert_uint_eq(lro_engine_counters(eng)->drop[LRO_DROP_POOL_LOW], 2);
	ck_assert_uint_eq(lro_held_segments(eng), 2);
	/* the acknowledged run is still there and is delivered as usual */
	lro_flush_conn(eng, idx, LRO_FLUSH_TIMEOUT, &out);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_ptr_eq(out.a[0].buf, run_buf);
	ck_assert_uint_eq(out.a[0].n_segs, 2);
	/* and the resent segments are taken again, not seen as duplicates */
	feed(h, 2001, 1000, 5000);
	feed(h, 3001, 1000, 6000);
	ck_assert_uint_eq(lro_engine_counters(eng)->drop[LRO_DROP_DUPLICATE], 0);
	ck_assert_uint_eq(lro_held_segments(eng), 2);
	/* a flow with nothing past a gap releases nothing */
	lro_release_conn(eng, idx, &out);
	ck_assert_uint_eq(out.n, 0);
}
END_TEST

START_TEST(filter_passes_what_lro_must_not_touch)
{
	make_engine(65536, 8);
	struct netpkt_tcp h = flow(1005);
	syn(h, 0);
	uint32_t fl;
	uint8_t *b;
	/* pure ACK */
	feed(h, 1, 0, 1);
	ck_assert_uint_eq(out.a[0].reason, LRO_PASS_PURE_ACK);
	/* URG */
	struct netpkt_tcp u = h;
	u.flags |= 0x20;
	feed(u, 1, 100, 2);
	ck_assert_uint_eq(find(LRO_ACT_PASS)->reason, LRO_PASS_RST_URG);
	/* a TCP option other than timestamps (MSS on a data segment) */
	struct netpkt_tcp o = h;
	o.mss = 1460;
	feed(o, 1, 100, 3);
	ck_assert_uint_eq(find(LRO_ACT_PASS)->reason, LRO_PASS_TCP_OPTIONS);
	/* not IPv4 */
	b = testutil_frame(h, 1, 100, &fl);
	b[12] = 0x86;
	b[13] = 0xdd;
	lro_input(eng, b, fl, 4, &out);
	ck_assert_uint_eq(out.a[0].reason, LRO_PASS_NOT_IPV4);
	/* a fragment (MF set): fix the IP checksum after the edit */
	b = testutil_frame(h, 1, 100, &fl);
	b[14 + 6] |= 0x20;
	b[14 + 10] = b[14 + 11] = 0;
	uint16_t c = (uint16_t)~naive_sum(b + 14, 20, 0);
	b[14 + 10] = (uint8_t)(c >> 8);
	b[14 + 11] = (uint8_t)c;
	lro_input(eng, b, fl, 5, &out);
	ck_assert_uint_eq(out.a[0].reason, LRO_PASS_FRAGMENT);
	/* unknown flow (no SYN seen) */
	feed(flow(2000), 5, 100, 6);
	ck_assert_uint_eq(out.a[0].reason, LRO_PASS_UNKNOWN_FLOW);
}
END_TEST

START_TEST(bad_checksums_are_dropped_and_counted)
{
	make_engine(65536, 8);
	struct netpkt_tcp h = flow(1006);
	syn(h, 0);
	uint32_t fl;
	uint8_t *b = testutil_frame(h, 1, 500, &fl);
	b[100] ^= 0x10;                            /* payload bit */
	lro_input(eng, b, fl, 1, &out);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_int_eq(out.a[0].kind, LRO_ACT_FREE);
	ck_assert_uint_eq(lro_engine_counters(eng)->drop[LRO_DROP_BAD_TCP_CSUM], 1);
	b = testutil_frame(h, 1, 500, &fl);
	b[14 + 8] ^= 1;                            /* TTL: IP header checksum */
	lro_input(eng, b, fl, 2, &out);
	ck_assert_uint_eq(lro_engine_counters(eng)->drop[LRO_DROP_BAD_IP_CSUM], 1);
	b = testutil_frame(h, 1, 500, &fl);
	lro_input(eng, b, 100, 3, &out);           /* truncated */
	ck_assert_uint_eq(lro_engine_counters(eng)->drop[LRO_DROP_TRUNCATED], 1);
}
END_TEST

START_TEST(pool_exhaustion_falls_back_to_pass_through)
{
	make_engine(65536, 2);
	syn(flow(3000), 0);
	syn(flow(3001), 0);
	struct netpkt_tcp h = flow(3002);
	h.flags = NETPKT_TCP_SYN;
	feed(h, 0, 0, 1);
	ck_assert_uint_eq(out.a[0].reason, LRO_PASS_POOL_EXHAUSTED);
	h.flags = NETPKT_TCP_ACK;
	feed(h, 1, 100, 2);
	ck_assert_int_eq(out.a[0].kind, LRO_ACT_PASS);
	ck_assert_uint_eq(lro_engine_counters(eng)->conns_opened, 2);
}
END_TEST

START_TEST(active_ack_acknowledges_nextseq_with_the_configured_window)
{
	make_engine(65536, 8);
	struct netpkt_tcp h = flow(1007);
	syn(h, 41);
	h.ack = 5555;
	h.tsval = 1234;
	h.tsecr = 4321;
	feed(h, 42, 1448, 7);
	struct netpkt_tcp p;
	ck_assert(parse_last_ack(&p));
	ck_assert_uint_eq(p.saddr, 0x0a000002);    /* from the server's address */
	ck_assert_uint_eq(p.sport, 5001);
	ck_assert_uint_eq(p.dport, 1007);
	ck_assert_uint_eq(p.seq, 5555);
	ck_assert_uint_eq(p.ack, 42 + 1448);
	ck_assert_uint_eq(p.window, 0xffff);
	ck_assert_uint_eq(p.flags, NETPKT_TCP_ACK);
	ck_assert_uint_eq(p.tsecr, 1234);
	ck_assert_uint_eq(p.tsval, 4321);
}
END_TEST

START_TEST(aggregates_never_exceed_a_16_bit_ip_length)
{
	make_engine(1u << 20, 8);
	struct netpkt_tcp h = flow(1008);
	syn(h, 0);
	uint32_t seq = 1;
	unsigned delivered = 0;
	for (int i = 0; i < 100; i++, seq += 1448) {
		feed(h, seq, 1448, (uint64_t)i);
		const struct lro_action *d = find(LRO_ACT_DELIVER);
		if (d) {
			ck_assert_uint_le(d->len - 14, 65535);
			ck_assert_uint_eq(d->reason, LRO_FLUSH_FULL);
			delivered++;
		}
	}
	ck_assert_uint_eq(delivered, 2);           /* 45 segments (65160 B) each */
}
END_TEST

START_TEST(csum_partial_equals_the_naive_sum_at_every_length_and_alignment)
{
	/* csum_partial adds vectors (from 128 bytes) or 64-bit words with four
	 * sums, and a tail: check it against the word-at-a-time sum for each
	 * length and start offset, on bytes that make carries (all ones), none
	 * (zeros) and random ones */
	static uint8_t data[8 + 1600];
	uint32_t x = 12345;
	for (int fill = 0; fill < 3; fill++) {
		for (size_t i = 0; i < sizeof data; i++) {
			x = x * 1103515245u + 12345u;
			data[i] = fill == 0 ? 0xff : fill == 1 ? 0 : (uint8_t)(x >> 16);
		}
		for (uint32_t off = 0; off < 8; off++) {
			for (uint32_t len = 0; len <= 1600; len++) {
				uint32_t start = (len * 2654435761u) >> 1; /* a partial sum */
				uint32_t got = csum_partial(data + off, len, start);
				ck_assert_uint_eq(csum_fold(got), naive_sum(data + off, len, start));
				ck_assert_uint_eq(csum_fold(csum_partial(data + off, len, 0)),
						  naive_sum(data + off, len, 0));
			}
		}
	}
}
END_TEST

START_TEST(csum_partial_equals_the_naive_sum_past_a_vector_block)
{
	/* the vector sum (SSE2/AVX2/NEON) works in blocks of 32 KB: lengths
	 * around one and two blocks, all ones (the most carries) and random */
	static uint8_t data[66000 + 8];
	uint32_t x = 777;
	for (int fill = 0; fill < 2; fill++) {
		for (size_t i = 0; i < sizeof data; i++) {
			x = x * 1103515245u + 12345u;
			data[i] = fill == 0 ? 0xff : (uint8_t)(x >> 16);
		}
		static const uint32_t lens[] = { 32752, 32767, 32768, 32769, 32784, 32800,
						 65520, 65535, 65536, 65551, 66000 };
		for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
			for (uint32_t off = 0; off < 8; off += 3) {
				ck_assert_uint_eq(csum_fold(csum_partial(data + off, lens[k], 5)),
						  naive_sum(data + off, lens[k], 5));
			}
		}
	}
}
END_TEST

START_TEST(csum_ip20_ok_agrees_with_the_naive_sum)
{
	/* random 20-byte headers, each also with its checksum field set
	 * right, and the all-zero and all-ones ones */
	uint8_t h[20];
	uint32_t x = 99;
	for (int n = 0; n < 20000; n++) {
		for (int i = 0; i < 20; i++) {
			x = x * 1103515245u + 12345u;
			h[i] = n == 0 ? 0 : n == 1 ? 0xff : (uint8_t)(x >> 16);
		}
		ck_assert_int_eq(csum_ip20_ok(h), naive_sum(h, 20, 0) == 0xffff);
		h[10] = h[11] = 0;
		uint16_t c = (uint16_t)~naive_sum(h, 20, 0);
		h[10] = (uint8_t)(c >> 8);
		h[11] = (uint8_t)c;
		ck_assert_int_eq(csum_ip20_ok(h), naive_sum(h, 20, 0) == 0xffff);
		ck_assert(csum_ip20_ok(h) || n == 0);
	}
}
END_TEST

/* ---- the safe active ACK (lro.active_ack = safe) ---- */

START_TEST(safe_ack_arithmetic_scale_wrap_zero_window_and_shrinking)
{
	/* scale: the field is rounded down, so the sender's edge stays within */
	struct lro_safe_ack a = lro_safe_ack(1000, 0, 1000 + (300u << 7) + 100, 7, 0xffff);
	ck_assert(a.send && !a.limited);
	ck_assert_uint_eq(a.ack, 1000);
	ck_assert_uint_eq(a.window, 300);
	ck_assert_uint_le(a.ack + ((uint32_t)a.window << 7), 1000 + (300u << 7) + 100);
	/* wrap-around: nextseq and the right edge on either side of 2^32 */
	a = lro_safe_ack(0x00000100u, 0xffffff00u, 0x00010100u, 2, 0xffff);
	ck_assert(a.send && !a.limited);
	ck_assert_uint_eq(a.ack, 0x100);
	ck_assert_uint_eq(a.window, 0x10000u >> 2);
	a = lro_safe_ack(0x00000100u, 0xffffff00u, 0xfffffff0u, 0, 0xffff);
	ck_assert(a.send && a.limited);            /* nextseq is past the edge */
	ck_assert_uint_eq(a.ack, 0xfffffff0u);
	ck_assert_uint_eq(a.window, 0);
	/* zero window: the ACK of nextseq goes, with field 0 */
	a = lro_safe_ack(5000, 4000, 5000, 7, 0xffff);
	ck_assert(a.send && !a.limited);
	ck_assert_uint_eq(a.ack, 5000);
	ck_assert_uint_eq(a.window, 0);
	/* less than 2^scale left: still 0, never a byte past the edge */
	a = lro_safe_ack(5000, 4000, 5127, 7, 0xffff);
	ck_assert_uint_eq(a.window, 0);
	/* the edge reached: nothing new to acknowledge, nothing sent */
	a = lro_safe_ack(6000, 5000, 5000, 7, 0xffff);
	ck_assert(!a.send && a.limited);
	/* the window shrank below what was acknowledged: never back */
	a = lro_safe_ack(9000, 8000, 7000, 7, 0xffff);
	ck_assert(!a.send && a.limited);
	ck_assert_uint_eq(a.ack, 8000);
	ck_assert_uint_eq(a.window, 0);
	/* the field: at most 16 bits, at most the configured one */
	a = lro_safe_ack(0, 0, 1u << 24, 0, 0xffff);
	ck_assert_uint_eq(a.window, 0xffff);
	a = lro_safe_ack(0, 0, 1u << 24, 7, 511);
	ck_assert_uint_eq(a.window, 511);
}
END_TEST

static void make_safe_engine(void)
{
	struct lro_config c;
	lro_config_default(&c);
	c.active_ack = LRO_ACK_SAFE;
	c.threshold_bytes = 1u << 20;              /* nothing delivered: only ACKs */
	c.max_conns = 8;
	c.table_buckets = 16;
	free(eng_mem);
	eng_mem = aligned_alloc(64, (lro_engine_bytes(&c) + 63) / 64 * 64);
	eng = lro_engine_init(eng_mem, &c);
}

/* A segment the host sends on flow h (h as the client sends it). */
static enum lro_host_note host_says(struct netpkt_tcp h, uint8_t flags, uint32_t ack,
				    uint16_t window, uint8_t wscale, struct lro_action *update)
{
	struct netpkt_tcp r;
	memset(&r, 0, sizeof r);
	memcpy(r.src_mac, h.dst_mac, 6);
	memcpy(r.dst_mac, h.src_mac, 6);
	r.saddr = h.daddr;
	r.daddr = h.saddr;
	r.sport = h.dport;
	r.dport = h.sport;
	r.seq = h.ack;
	r.ack = ack;
	r.window = window;
	r.flags = flags;
	r.has_ts = 1;
	r.tsval = 99;
	r.tsecr = 98;
	r.wscale = wscale;
	if (flags & NETPKT_TCP_SYN)
		r.seq--;                           /* the SYN's own number */
	uint8_t f[128];
	uint32_t len = netpkt_build_tcp(f, &r, NULL, 0);
	struct lro_host_seg hs;
	ck_assert(lro_host_seg_parse(f, len, &hs));
	return lro_note_host_seg(eng, &hs, update);
}

/* The ACK of the last input: its ack number and window field. */
static int last_ack(uint32_t *ack, uint16_t *window)
{
	struct netpkt_tcp p;
	if (!parse_last_ack(&p))
		return 0;
	*ack = p.ack;
	*window = p.window;
	return 1;
}

START_TEST(safe_ack_stays_within_the_window_the_host_advertised)
{
	make_safe_engine();
	struct netpkt_tcp h = flow(1101);
	struct lro_action upd;
	uint32_t ack;
	uint16_t win;
	syn(h, 41);
	/* before the SYN-ACK the scale is unknown: no active ACK */
	feed(h, 42, 1448, 1);
	ck_assert(!last_ack(&ack, &win));
	ck_assert_uint_eq(lro_engine_counters(eng)->acks_window_unknown, 1);
	/* SYN-ACK: scale 7, 5,792 bytes from 42 (a SYN's window is not scaled) */
	ck_assert_int_eq(host_says(h, NETPKT_TCP_SYN | NETPKT_TCP_ACK, 42, 5792, 7, &upd),
			 LRO_HOST_NOTED);
	feed(h, 42 + 1448, 1448, 2);
	ck_assert(last_ack(&ack, &win));
	ck_assert_uint_eq(ack, 42 + 2 * 1448);
	ck_assert_uint_eq(win, (5792 - 2 * 1448) >> 7);
	feed(h, 42 + 2 * 1448, 1448, 3);
	feed(h, 42 + 3 * 1448, 1448, 4);
	ck_assert(last_ack(&ack, &win));
	ck_assert_uint_eq(ack, 42 + 4 * 1448);     /* exactly the edge */
	ck_assert_uint_eq(win, 0);
	/* past the edge (the sender broke the window): no ACK beyond it */
	feed(h, 42 + 4 * 1448, 1448, 5);
	ck_assert(!last_ack(&ack, &win));
	ck_assert_uint_eq(lro_engine_counters(eng)->acks_window_limited, 1);
	/* the host's ACK opens the window: it acknowledges less than the
	 * engine did, so the sender would drop it; the engine repeats its
	 * own ACK with the new window */
	ck_assert_int_eq(host_says(h, NETPKT_TCP_ACK, 42 + 1448, 100, 0xff, &upd),
			 LRO_HOST_WINDOW_UPDATE);
	struct netpkt_tcp p;
	const uint8_t *pl;
	uint32_t plen;
	ck_assert_int_eq(netpkt_parse_tcp(upd.ack_frame, upd.len, &p, &pl, &plen), 0);
	ck_assert(checksums_ok(upd.ack_frame, upd.len));
	ck_assert_uint_eq(p.saddr, h.daddr);
	ck_assert_uint_eq(p.sport, h.dport);
	ck_assert_uint_eq(p.dport, h.sport);
	ck_assert_uint_eq(p.ack, 42 + 4 * 1448);
	ck_assert_uint_eq(p.window, (42 + 1448 + (100u << 7) - (42 + 4 * 1448)) >> 7);
	ck_assert_uint_eq(p.tsval, 99);
	ck_assert_uint_eq(p.tsecr, 98);
	ck_assert_uint_eq(lro_engine_counters(eng)->ack_window_updates, 1);
	/* the held segment past the old edge is now inside: ACKed */
	feed(h, 42 + 5 * 1448, 1448, 6);
	ck_assert(last_ack(&ack, &win));
	ck_assert_uint_eq(ack, 42 + 6 * 1448);
	ck_assert_uint_eq(win, (42 + 1448 + (100u << 7) - (42 + 6 * 1448)) >> 7);
	/* the window opens again while the sender still has room for two
	 * segments: the ACKs of its next data will say so, no update */
	ck_assert_int_eq(host_says(h, NETPKT_TCP_ACK, 42 + 2 * 1448, 150, 0xff, &upd),
			 LRO_HOST_NOTED);
	ck_assert_uint_eq(lro_engine_counters(eng)->ack_window_updates, 1);
	/* an older host ACK changes nothing; one that does not open the
	 * window sends nothing */
	ck_assert_int_eq(host_says(h, NETPKT_TCP_ACK, 42, 1000, 0xff, &upd), LRO_HOST_NOTED);
	ck_assert_int_eq(host_says(h, NETPKT_TCP_ACK, 42 + 1448, 100, 0xff, &upd), LRO_HOST_NOTED);
	/* the host shrinks its window to nothing past its ACK: the engine
	 * follows (and never takes back what it acknowledged) */
	ck_assert_int_eq(host_says(h, NETPKT_TCP_ACK, 42 + 2 * 1448, 0, 0xff, &upd), LRO_HOST_NOTED);
	feed(h, 42 + 6 * 1448, 1448, 7);
	ck_assert(!last_ack(&ack, &win));
	/* the host caught up with the engine: its own ACK tells the sender,
	 * no update */
	ck_assert_int_eq(host_says(h, NETPKT_TCP_ACK, 42 + 7 * 1448, 200, 0xff, &upd),
			 LRO_HOST_NOTED);
	feed(h, 42 + 7 * 1448, 1448, 8);
	ck_assert(last_ack(&ack, &win));
	ck_assert_uint_eq(ack, 42 + 8 * 1448);
	ck_assert_uint_eq(win, (42 + 7 * 1448 + (200u << 7) - (42 + 8 * 1448)) >> 7);
}
END_TEST

START_TEST(safe_ack_across_sequence_wrap_and_without_window_scale)
{
	make_safe_engine();
	struct lro_action upd;
	uint32_t ack;
	uint16_t win;
	/* the sequence space wraps inside the window */
	struct netpkt_tcp h = flow(1102);
	uint32_t isn = 0xfffff000u;
	syn(h, isn);
	ck_assert_int_eq(host_says(h, NETPKT_TCP_SYN | NETPKT_TCP_ACK, isn + 1, 5792, 7, &upd),
			 LRO_HOST_NOTED);
	ck_assert_int_eq(host_says(h, NETPKT_TCP_ACK, isn + 1, 200, 0xff, &upd), LRO_HOST_NOTED);
	uint32_t seq = isn + 1;
	for (int i = 0; i < 5; i++, seq += 1448)
		feed(h, seq, 1448, (uint64_t)i);
	ck_assert_uint_lt(seq, isn);               /* wrapped */
	ck_assert(last_ack(&ack, &win));
	ck_assert_uint_eq(ack, seq);
	ck_assert_uint_eq(win, ((isn + 1 + (200u << 7)) - seq) >> 7);
	/* the host's SYN-ACK timer resends the SYN-ACK: its small unscaled
	 * window does not take back what the host's ACK offered */
	ck_assert_int_eq(host_says(h, NETPKT_TCP_SYN | NETPKT_TCP_ACK, isn + 1, 5792, 7, &upd),
			 LRO_HOST_NOTED);
	feed(h, seq, 1448, 6);
	ck_assert(last_ack(&ack, &win));
	ck_assert_uint_eq(ack, seq + 1448);
	ck_assert_uint_eq(win, ((isn + 1 + (200u << 7)) - (seq + 1448)) >> 7);
	/* a SYN-ACK without the option: no scaling (RFC 7323) */
	struct netpkt_tcp g = flow(1103);
	syn(g, 7);
	ck_assert_int_eq(host_says(g, NETPKT_TCP_SYN | NETPKT_TCP_ACK, 8, 5792, 0xff, &upd),
			 LRO_HOST_NOTED);
	ck_assert_int_eq(host_says(g, NETPKT_TCP_ACK, 8, 3000, 0xff, &upd), LRO_HOST_NOTED);
	feed(g, 8, 1448, 1);
	ck_assert(last_ack(&ack, &win));
	ck_assert_uint_eq(ack, 8 + 1448);
	ck_assert_uint_eq(win, 3000 - 1448);
	/* a flow the engine does not have */
	struct netpkt_tcp u = flow(1104);
	ck_assert_int_eq(host_says(u, NETPKT_TCP_ACK, 1, 100, 0xff, &upd), LRO_HOST_UNKNOWN_FLOW);
	/* a SYN-ACK of another incarnation (not acknowledging this SYN) is
	 * not taken */
	struct netpkt_tcp v = flow(1105);
	syn(v, 500);
	ck_assert_int_eq(host_says(v, NETPKT_TCP_SYN | NETPKT_TCP_ACK, 77, 5792, 7, &upd),
			 LRO_HOST_NOTED);
	feed(v, 501, 1448, 1);
	ck_assert(!last_ack(&ack, &win));
}
END_TEST

/* The safe ACK's TSval is the host's latest seen on the tx path when that
 * is newer than the one the sender echoes: the sender echoes what it had
 * when it sent the segment, and an ACK of new data whose TSval is older
 * than a host ACK the sender has since taken is one PAWS discards. */
static uint32_t last_ack_tsval(void)
{
	struct netpkt_tcp p;
	ck_assert(parse_last_ack(&p));
	ck_assert(p.has_ts);
	return p.tsval;
}

START_TEST(safe_ack_carries_the_hosts_latest_tsval)
{
	make_safe_engine();
	struct netpkt_tcp h = flow(1103);
	struct lro_action upd;
	h.has_ts = 1;
	h.tsval = 500;
	h.tsecr = 90;                              /* older than the host's 99 */
	syn(h, 41);
	ck_assert_int_eq(host_says(h, NETPKT_TCP_SYN | NETPKT_TCP_ACK, 42, 5792, 7, &upd),
			 LRO_HOST_NOTED);
	feed(h, 42, 1448, 1);
	ck_assert_uint_eq(last_ack_tsval(), 99);   /* the host's, not the echo's 90 */
	/* the sender echoes a newer TSval than the host's last seen: that one */
	h.tsecr = 120;
	feed(h, 42 + 1448, 1448, 2);
	ck_assert_uint_eq(last_ack_tsval(), 120);
	/* serial order across the wrap: 0xfffffff0 comes just before 99 */
	h.tsecr = 0xfffffff0u;
	ck_assert_int_ne(host_says(h, NETPKT_TCP_ACK, 42 + 1448, 5792, 0xff, &upd),
			 LRO_HOST_UNKNOWN_FLOW);          /* host TSval 99 again */
	feed(h, 42 + 2 * 1448, 1448, 3);
	ck_assert_uint_eq(last_ack_tsval(), 99);
}
END_TEST

START_TEST(safe_ack_passes_resends_of_bytes_it_never_acknowledged)
{
	make_safe_engine();
	struct lro_action upd;
	uint32_t ack;
	uint16_t win;
	struct netpkt_tcp h = flow(1106);
	syn(h, 0);
	ck_assert_int_eq(host_says(h, NETPKT_TCP_SYN | NETPKT_TCP_ACK, 1, 3000, 0xff, &upd),
			 LRO_HOST_NOTED);
	feed(h, 1, 1448, 1);
	feed(h, 1 + 1448, 1448, 2);
	/* 104 bytes of room left: no room for the sender's next segment, the
	 * run goes to the host now rather than at the receive timeout */
	ck_assert_ptr_nonnull(find(LRO_ACT_DELIVER));
	ck_assert_uint_eq(find(LRO_ACT_DELIVER)->reason, LRO_FLUSH_WINDOW);
	ck_assert_uint_eq(find(LRO_ACT_DELIVER)->n_segs, 2);
	feed(h, 1 + 2 * 1448, 1448, 3);            /* past the edge at 3001 */
	ck_assert(last_ack(&ack, &win));
	ck_assert_uint_eq(ack, 3001);              /* up to the edge, no further */
	ck_assert_uint_eq(win, 0);
	ck_assert_uint_eq(lro_engine_counters(eng)->acks_window_limited, 1);
	ck_assert_ptr_nonnull(find(LRO_ACT_DELIVER));
	ck_assert_uint_eq(find(LRO_ACT_DELIVER)->n_segs, 1);
	/* the host may have dropped the unacknowledged bytes: their resend
	 * goes to it; a resend of acknowledged bytes is a duplicate */
	feed(h, 1 + 2 * 1448, 1448, 4);
	ck_assert_uint_eq(count(LRO_ACT_PASS), 1);
	ck_assert_uint_eq(out.a[0].reason, LRO_PASS_UNACKED_RESEND);
	feed(h, 1, 1448, 5);
	ck_assert_uint_eq(count(LRO_ACT_PASS), 0);
	ck_assert_uint_eq(count(LRO_ACT_FREE), 1);
	ck_assert_uint_eq(lro_engine_counters(eng)->drop[LRO_DROP_DUPLICATE], 1);
}
END_TEST

START_TEST(host_segment_parser_reads_only_what_the_frame_holds)
{
	struct netpkt_tcp r = flow(5001);
	r.flags = NETPKT_TCP_SYN | NETPKT_TCP_ACK;
	r.wscale = 7;
	r.mss = 1460;
	r.sack_ok = 1;
	uint8_t f[128];
	uint32_t len = netpkt_build_tcp(f, &r, NULL, 0);
	struct lro_host_seg h;
	ck_assert(lro_host_seg_parse(f, len, &h));
	ck_assert_uint_eq(h.wscale, 7);
	ck_assert(h.has_ts);
	ck_assert_uint_eq(h.tsval, r.tsval);
	ck_assert_uint_eq(h.seq, r.seq + 1);          /* past the SYN */
	/* every truncation, each in a buffer of exactly that length (ASan
	 * sees a read past it) */
	for (uint32_t n = 0; n < len; n++) {
		uint8_t *t = malloc(n ? n : 1);
		memcpy(t, f, n);
		bool ok = lro_host_seg_parse(t, n, &h);
		ck_assert(!ok || n >= 14 + 20 + 20);
		free(t);
	}
	/* options that claim more than the header holds, or nothing */
	uint32_t opt = 14 + 20 + 20;
	for (unsigned v = 0; v < 256; v++) {
		uint8_t g[128];
		memcpy(g, f, len);
		g[opt + 1] = (uint8_t)v;
		g[opt + 2] = (uint8_t)(v * 7u);
		(void)lro_host_seg_parse(g, len, &h);
		g[14 + 20 + 12] = (uint8_t)(v & 0xf0u);   /* any data offset */
		(void)lro_host_seg_parse(g, len, &h);
	}
}
END_TEST

Suite *lro_suite(void)
{
	Suite *s = suite_create("lro");
	TCase *tc = tcase_create("engine");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, in_order_segments_aggregate_at_the_threshold);
	tcase_add_test(tc, out_of_order_segments_are_reordered_and_gaps_held);
	tcase_add_test(tc, duplicates_and_old_segments_are_dropped_partial_overlap_trimmed);
	tcase_add_test(tc, sequence_numbers_wrap_around);
	tcase_add_test(tc, timeout_delivers_up_to_the_gap_and_the_rest_when_filled);
	tcase_add_test(tc, timeout_rule_paper_is_factor_times_average_interval);
	tcase_add_test(tc, timeout_rule_floor_rides_out_a_burst_pause);
	tcase_add_test(tc, timeout_rule_gap_holds_the_run_until_the_gap_fills);
	tcase_add_test(tc, release_drops_only_what_lies_past_a_gap);
	tcase_add_test(tc, an_odd_segment_in_order_keeps_the_flow_going);
	tcase_add_test(tc, an_odd_segment_past_a_gap_lets_the_flow_go_without_loss);
	tcase_add_test(tc, a_gap_filled_past_the_hold_limit_loses_nothing);
	tcase_add_test(tc, a_retransmitted_syn_is_a_duplicate);
	tcase_add_test(tc, a_retransmission_spanning_a_handed_over_range_is_kept_whole);
	tcase_add_test(tc, filter_passes_what_lro_must_not_touch);
	tcase_add_test(tc, bad_checksums_are_dropped_and_counted);
	tcase_add_test(tc, pool_exhaustion_falls_back_to_pass_through);
	tcase_add_test(tc, active_ack_acknowledges_nextseq_with_the_configured_window);
	tcase_add_test(tc, aggregates_never_exceed_a_16_bit_ip_length);
	tcase_add_test(tc, csum_partial_equals_the_naive_sum_at_every_length_and_alignment);
	tcase_add_test(tc, csum_partial_equals_the_naive_sum_past_a_vector_block);
	tcase_add_test(tc, csum_ip20_ok_agrees_with_the_naive_sum);
	suite_add_tcase(s, tc);
	TCase *safe = tcase_create("safe_ack");
	tcase_add_checked_fixture(safe, NULL, teardown);
	tcase_add_test(safe, safe_ack_arithmetic_scale_wrap_zero_window_and_shrinking);
	tcase_add_test(safe, safe_ack_stays_within_the_window_the_host_advertised);
	tcase_add_test(safe, safe_ack_across_sequence_wrap_and_without_window_scale);
	tcase_add_test(safe, safe_ack_carries_the_hosts_latest_tsval);
	tcase_add_test(safe, safe_ack_passes_resends_of_bytes_it_never_acknowledged);
	tcase_add_test(safe, host_segment_parser_reads_only_what_the_frame_holds);
	suite_add_tcase(s, safe);
	return s;
}
