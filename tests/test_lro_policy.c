/* tests/test_lro_policy.c - the aggregation policies (firmware/lro_policy.h)
 * on crafted frames: each policy's distinctive rules - Linux GRO's flush on
 * PSH, on a gap and on different options, its 8 held flows with the oldest
 * evicted; FreeBSD LRO's 8 entries with the 9th flow passed, its timestamp
 * rules; DPDK GRO's separate runs, its merging without checksum checks and
 * its refused frames after the burst's runs; burst ends and timer mode; the
 * paper's engine untouched by bursts. Headers the engine writes are checked
 * with a naive checksum, not the firmware's. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "firmware/hal.h"
#include "firmware/lro.h"
#include "firmware/lro_policy.h"
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

static void make_engine(enum lro_policy_id policy, uint32_t flush_timeout_ns)
{
	struct lro_config c;
	lro_config_default(&c);
	c.policy = (uint8_t)policy;
	c.flush_timeout_ns = flush_timeout_ns;
	c.max_conns = 64;
	c.table_buckets = 16;
	free(eng_mem);
	eng_mem = aligned_alloc(64, (lro_engine_bytes(&c) + 63) / 64 * 64);
	eng = lro_engine_init(eng_mem, &c);
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

static unsigned count(enum lro_action_kind k)
{
	unsigned n = 0;
	for (unsigned i = 0; i < out.n; i++)
		n += out.a[i].kind == k;
	return n;
}

static const struct lro_action *nth(enum lro_action_kind k, unsigned n)
{
	for (unsigned i = 0; i < out.n; i++)
		if (out.a[i].kind == k && n-- == 0)
			return &out.a[i];
	return NULL;
}

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

/* The delivery's first sequence number and payload bytes. */
static uint32_t delivered_seq(const struct lro_action *a) { return a->segs->seq; }
static uint32_t delivered_bytes(const struct lro_action *a)
{
	uint32_t n = 0;
	for (const struct lro_seg *x = a->segs; x; x = x->next)
		n += x->payload_len;
	return n;
}

/* End the burst; the actions land in out. */
static void burst_end(void)
{
	ck_assert(!lro_burst_end(eng, &out));
}

START_TEST(policy_names_round_trip)
{
	for (unsigned i = 0; i < LRO_POLICIES; i++)
		ck_assert_int_eq(lro_policy_by_name(lro_policy_get(i)->name), (int)i);
	ck_assert_int_eq(lro_policy_by_name("bsd"), -1);
	ck_assert_str_eq(lro_policy_get(LRO_POLICY_LINUX_GRO)->name, "linux-gro");
}
END_TEST

START_TEST(paper_has_no_bursts)
{
	make_engine(LRO_POLICY_PAPER, 0);
	ck_assert_uint_eq(lro_burst_frames(eng), 0);
	struct netpkt_tcp h = flow(1000);
	h.flags = NETPKT_TCP_SYN;
	h.mss = 1460;
	feed(h, 99, 0, 0);
	h = flow(1000);
	feed(h, 100, 1000, 1);
	ck_assert_uint_eq(count(LRO_ACT_ACK), 1);      /* the paper's active ACK */
	burst_end();
	ck_assert_uint_eq(out.n, 0);                   /* nothing flushed */
	ck_assert_uint_eq(lro_held_segments(eng), 1);
}
END_TEST

START_TEST(linux_gro_merges_without_syn_and_flushes_on_psh)
{
	make_engine(LRO_POLICY_LINUX_GRO, 0);
	ck_assert_uint_eq(lro_burst_frames(eng), 64);  /* NAPI weight */
	struct netpkt_tcp h = flow(1000);
	for (uint32_t i = 0; i < 3; i++) {
		feed(h, 5000 + i * 1000, 1000, i);         /* no SYN seen: still merged */
		ck_assert_uint_eq(out.n, 0);               /* held, no ACK built */
	}
	h.flags |= NETPKT_TCP_PSH;
	feed(h, 8000, 1000, 3);
	ck_assert_uint_eq(out.n, 1);
	const struct lro_action *d = nth(LRO_ACT_DELIVER, 0);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(d->n_segs, 4);
	ck_assert_uint_eq(d->reason, LRO_FLUSH_FLAGS);
	static uint8_t agg[70000];
	size_t len = flatten(d, agg);
	ck_assert(checksums_ok(agg, len));
	ck_assert(agg[14 + 20 + 13] & NETPKT_TCP_PSH);
	ck_assert_uint_eq(get32(agg + 14 + 20 + 4), 5000);
	for (size_t i = 0; i < 4000; i++)
		ck_assert_uint_eq(agg[14 + 20 + 32 + i], (uint8_t)(5000 + i));
	ck_assert_uint_eq(lro_held_segments(eng), 0);
	/* a PSH segment alone is not held */
	feed(h, 9000, 1000, 4);
	ck_assert_uint_eq(count(LRO_ACT_PASS), 1);
	ck_assert_uint_eq(out.a[0].reason, LRO_PASS_FLAGS);
}
END_TEST

START_TEST(linux_gro_holds_no_out_of_order_data)
{
	make_engine(LRO_POLICY_LINUX_GRO, 0);
	struct netpkt_tcp h = flow(1000);
	feed(h, 0, 1000, 0);
	feed(h, 1000, 1000, 1);
	feed(h, 3000, 1000, 2);                        /* a gap: [2000, 3000) missing */
	ck_assert_uint_eq(out.n, 1);
	const struct lro_action *d = nth(LRO_ACT_DELIVER, 0);
	ck_assert_uint_eq(d->reason, LRO_FLUSH_GAP);
	ck_assert_uint_eq(delivered_seq(d), 0);
	ck_assert_uint_eq(delivered_bytes(d), 2000);
	feed(h, 2000, 1000, 3);                        /* the gap's filling comes after */
	ck_assert_uint_eq(out.n, 1);
	d = nth(LRO_ACT_DELIVER, 0);                   /* [3000, 4000) goes first: no reorder buffer */
	ck_assert_uint_eq(d->reason, LRO_FLUSH_GAP);
	ck_assert_uint_eq(delivered_seq(d), 3000);
	burst_end();
	ck_assert_uint_eq(out.n, 1);
	ck_assert_uint_eq(out.a[0].reason, LRO_FLUSH_BURST_END);
	ck_assert_uint_eq(delivered_seq(&out.a[0]), 2000);
	ck_assert_uint_eq(lro_held_segments(eng), 0);
	/* a retransmitted duplicate is not dropped: the host's TCP judges */
	feed(h, 0, 1000, 4);
	burst_end();
	ck_assert_uint_eq(count(LRO_ACT_DELIVER), 1);
	ck_assert_uint_eq(lro_engine_counters(eng)->drop[LRO_DROP_DUPLICATE], 0);
}
END_TEST

START_TEST(linux_gro_needs_identical_options_ack_and_window)
{
	make_engine(LRO_POLICY_LINUX_GRO, 0);
	struct netpkt_tcp h = flow(1000);
	feed(h, 0, 1000, 0);
	h.tsval = 11;                                  /* a new TSval: the option bytes differ */
	feed(h, 1000, 1000, 1);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_uint_eq(out.a[0].reason, LRO_FLUSH_MISMATCH);
	ck_assert_uint_eq(out.a[0].n_segs, 1);
	h.ack = 778;                                   /* a new ACK */
	feed(h, 2000, 1000, 2);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_uint_eq(out.a[0].reason, LRO_FLUSH_MISMATCH);
	feed(h, 3000, 1000, 3);                        /* the same again: merged */
	ck_assert_uint_eq(out.n, 0);
	feed(h, 4000, 500, 4);                         /* shorter than the first: ends it */
	ck_assert_uint_eq(out.n, 1);
	ck_assert_uint_eq(out.a[0].reason, LRO_FLUSH_FLAGS);
	ck_assert_uint_eq(out.a[0].n_segs, 3);
}
END_TEST

START_TEST(linux_gro_holds_eight_flows_and_evicts_the_oldest)
{
	make_engine(LRO_POLICY_LINUX_GRO, 0);
	for (uint16_t f = 0; f < 8; f++) {
		feed(flow((uint16_t)(1000 + f)), 0, 1000, f);
		ck_assert_uint_eq(out.n, 0);
	}
	ck_assert_uint_eq(lro_held_segments(eng), 8);
	feed(flow(2000), 0, 1000, 9);                  /* a ninth flow */
	ck_assert_uint_eq(out.n, 1);
	ck_assert_uint_eq(out.a[0].reason, LRO_FLUSH_EVICTED);
	const uint8_t *tcp = out.a[0].segs->frame + 14 + 20;
	ck_assert_uint_eq((uint32_t)(tcp[0] << 8 | tcp[1]), 1000);   /* the oldest */
	ck_assert_uint_eq(lro_held_segments(eng), 8);
	burst_end();
	ck_assert_uint_eq(count(LRO_ACT_DELIVER), 8);
	for (unsigned i = 0; i < out.n; i++)
		ck_assert_uint_eq(out.a[i].reason, LRO_FLUSH_BURST_END);
}
END_TEST

START_TEST(linux_gro_stops_at_the_64k_ip_length)
{
	make_engine(LRO_POLICY_LINUX_GRO, 0);
	struct netpkt_tcp h = flow(1000);
	unsigned delivered = 0;
	for (uint32_t i = 0; i < 50; i++) {
		feed(h, i * 1448, 1448, i);
		for (unsigned j = 0; j < out.n; j++) {
			ck_assert_uint_eq(out.a[j].reason, LRO_FLUSH_FULL);
			ck_assert_uint_le(out.a[j].len - 14, 65535);
			ck_assert_uint_eq(out.a[j].n_segs, 45);
			delivered++;
		}
	}
	ck_assert_uint_eq(delivered, 1);
}
END_TEST

START_TEST(freebsd_lro_has_eight_entries_and_passes_the_ninth_flow)
{
	make_engine(LRO_POLICY_FREEBSD_LRO, 0);
	ck_assert_uint_eq(lro_burst_frames(eng), 256);
	for (uint16_t f = 0; f < 8; f++)
		feed(flow((uint16_t)(1000 + f)), 0, 1000, f);
	feed(flow(2000), 0, 1000, 9);
	ck_assert_uint_eq(out.n, 1);                   /* TCP_LRO_NO_ENTRIES: up as it is */
	ck_assert_int_eq(out.a[0].kind, LRO_ACT_PASS);
	ck_assert_uint_eq(out.a[0].reason, LRO_PASS_NO_ENTRY);
	ck_assert_uint_eq(lro_held_segments(eng), 8);  /* nobody evicted */
	feed(flow(1003), 1000, 1000, 10);              /* an entry's flow still merges */
	ck_assert_uint_eq(out.n, 0);
	burst_end();
	ck_assert_uint_eq(count(LRO_ACT_DELIVER), 8);
	feed(flow(2000), 1000, 1000, 11);              /* entries free again */
	ck_assert_uint_eq(out.n, 0);
}
END_TEST

START_TEST(freebsd_lro_timestamps_rules)
{
	make_engine(LRO_POLICY_FREEBSD_LRO, 0);
	struct netpkt_tcp h = flow(1000);
	feed(h, 0, 1000, 0);
	h.tsval = 12;                                  /* TSval moves on: merged */
	h.tsecr = 30;
	feed(h, 1000, 1000, 1);
	ck_assert_uint_eq(out.n, 0);
	h.tsval = 11;                                  /* backwards: not merged */
	feed(h, 2000, 1000, 2);
	ck_assert_uint_eq(out.n, 1);
	const struct lro_action *d = &out.a[0];
	ck_assert_uint_eq(d->reason, LRO_FLUSH_MISMATCH);
	ck_assert_uint_eq(d->n_segs, 2);
	static uint8_t agg[70000];
	size_t len = flatten(d, agg);
	ck_assert(checksums_ok(agg, len));
	ck_assert_uint_eq(get32(agg + 14 + 20 + 24), 12);   /* the latest TSval */
	ck_assert_uint_eq(get32(agg + 14 + 20 + 28), 30);   /* and TSecr */
	h.tsval = 13;
	h.tsecr = 0;                                   /* TSecr 0: not merged */
	feed(h, 3000, 1000, 3);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_uint_eq(out.a[0].reason, LRO_FLUSH_MISMATCH);
	/* a FIN flushes the entry first, then goes up */
	h.tsecr = 31;
	h.flags |= NETPKT_TCP_FIN;
	feed(h, 4000, 0, 4);
	ck_assert_uint_eq(out.n, 2);
	ck_assert_int_eq(out.a[0].kind, LRO_ACT_DELIVER);
	ck_assert_uint_eq(out.a[0].reason, LRO_FLUSH_PASSTHROUGH);
	ck_assert_int_eq(out.a[1].kind, LRO_ACT_PASS);
	ck_assert_uint_eq(out.a[1].reason, LRO_PASS_FIN);
}
END_TEST

/* Ten flows interleaved, three segments each: unsorted, two flows find no
 * entry; sorted by flow (tcp_lro_queue_mbuf), each flow merges whole. */
START_TEST(freebsd_lro_sorted_merges_interleaved_flows_one_after_the_other)
{
	make_engine(LRO_POLICY_FREEBSD_LRO, 0);
	for (uint32_t i = 0; i < 3; i++)
		for (uint16_t f = 0; f < 10; f++)
			feed(flow((uint16_t)(1000 + f)), i * 1000, 1000, i * 10 + f);
	ck_assert_uint_eq(lro_engine_counters(eng)->pass[LRO_PASS_NO_ENTRY], 6);
	teardown();
	make_engine(LRO_POLICY_FREEBSD_SORTED, 0);
	for (uint32_t i = 0; i < 3; i++)
		for (uint16_t f = 0; f < 10; f++) {
			feed(flow((uint16_t)(1000 + f)), i * 1000, 1000, i * 10 + f);
			ck_assert_uint_eq(out.n, 0);       /* queued for the sort */
		}
	ck_assert_uint_eq(lro_held_segments(eng), 30);
	burst_end();
	ck_assert_uint_eq(out.n, 10);
	unsigned next_flow = 0, seen = 0;
	for (unsigned i = 0; i < out.n; i++) {
		ck_assert_int_eq(out.a[i].kind, LRO_ACT_DELIVER);
		ck_assert_uint_eq(out.a[i].n_segs, 3);
		ck_assert_uint_eq(delivered_seq(&out.a[i]), 0);
		next_flow += out.a[i].reason == LRO_FLUSH_NEXT_FLOW;
		const uint8_t *tcp = out.a[i].segs->frame + 14 + 20;
		seen |= 1u << ((tcp[0] << 8 | tcp[1]) - 1000);
	}
	ck_assert_uint_eq(next_flow, 9);               /* the last one at the burst's end */
	ck_assert_uint_eq(seen, 0x3ffu);               /* every flow once */
	ck_assert_uint_eq(lro_held_segments(eng), 0);
	ck_assert_uint_eq(lro_engine_counters(eng)->pass[LRO_PASS_NO_ENTRY], 0);
}
END_TEST

START_TEST(dpdk_gro_merges_without_checking_checksums)
{
	for (int pol = LRO_POLICY_LINUX_GRO; pol <= LRO_POLICY_DPDK_GRO; pol += 2) {
		make_engine((enum lro_policy_id)pol, 0);
		struct netpkt_tcp h = flow(1000);
		feed(h, 0, 1000, 0);
		uint32_t fl;
		uint8_t *b = testutil_frame(h, 1000, 1000, &fl);
		b[14 + 20 + 32 + 5] ^= 0xff;               /* corrupt the payload */
		lro_input(eng, b, fl, 1, &out);
		if (pol == LRO_POLICY_LINUX_GRO) {
			ck_assert_uint_eq(count(LRO_ACT_FREE), 1);
			ck_assert_uint_eq(lro_engine_counters(eng)->drop[LRO_DROP_BAD_TCP_CSUM], 1);
		} else {
			ck_assert_uint_eq(out.n, 0);           /* merged */
			burst_end();
			ck_assert_uint_eq(out.n, 1);
			ck_assert_uint_eq(out.a[0].n_segs, 2);
			ck_assert_uint_eq(lro_engine_counters(eng)->drop[LRO_DROP_BAD_TCP_CSUM], 0);
		}
		teardown();
	}
}
END_TEST

START_TEST(dpdk_gro_keeps_runs_apart_and_joins_either_end)
{
	make_engine(LRO_POLICY_DPDK_GRO, 0);
	ck_assert_uint_eq(lro_burst_frames(eng), 32);
	struct netpkt_tcp h = flow(1000);
	feed(h, 1000, 1000, 0);
	feed(h, 0, 1000, 1);                           /* goes in front (prepend) */
	feed(h, 3000, 1000, 2);                        /* past a gap: a run of its own */
	feed(h, 2000, 1000, 3);                        /* continues the first run only */
	feed(h, 4000, 1000, 4);                        /* continues the second */
	ck_assert_uint_eq(out.n, 0);                   /* everything waits for the burst end */
	ck_assert_uint_eq(lro_held_segments(eng), 5);
	burst_end();
	ck_assert_uint_eq(out.n, 2);                   /* runs never merge */
	ck_assert_uint_eq(delivered_seq(&out.a[0]), 0);
	ck_assert_uint_eq(delivered_bytes(&out.a[0]), 3000);
	ck_assert_uint_eq(delivered_seq(&out.a[1]), 3000);
	ck_assert_uint_eq(delivered_bytes(&out.a[1]), 2000);
	static uint8_t agg[70000];
	for (unsigned i = 0; i < 2; i++) {
		ck_assert_uint_eq(out.a[i].reason, LRO_FLUSH_BURST_END);
		size_t len = flatten(&out.a[i], agg);
		ck_assert(checksums_ok(agg, len));
		uint32_t seq = get32(agg + 14 + 20 + 4);
		for (size_t j = 0; j < len - 66; j++)
			ck_assert_uint_eq(agg[66 + j], (uint8_t)(seq + j));
	}
}
END_TEST

START_TEST(dpdk_gro_puts_refused_frames_after_the_runs)
{
	make_engine(LRO_POLICY_DPDK_GRO, 0);
	struct netpkt_tcp h = flow(1000);
	feed(h, 0, 1000, 0);
	h.flags |= LRO_TCP_URG;                        /* not for GRO */
	feed(h, 1000, 1000, 1);
	ck_assert_uint_eq(out.n, 0);                   /* it waits too */
	h.flags = NETPKT_TCP_ACK;
	feed(h, 2000, 1000, 2);
	burst_end();
	ck_assert_uint_eq(out.n, 3);
	ck_assert_int_eq(out.a[0].kind, LRO_ACT_DELIVER);
	ck_assert_int_eq(out.a[1].kind, LRO_ACT_DELIVER);
	ck_assert_int_eq(out.a[2].kind, LRO_ACT_PASS);  /* rte_gro_reassemble_burst's order */
	ck_assert_uint_eq(out.a[2].reason, LRO_PASS_RST_URG);
	ck_assert_uint_eq(lro_held_segments(eng), 0);
}
END_TEST

START_TEST(timer_mode_flushes_by_age_not_by_burst)
{
	make_engine(LRO_POLICY_LINUX_GRO, 50000);
	struct netpkt_tcp h = flow(1000);
	feed(h, 0, 1000, 1000);
	feed(h, 1000, 1000, 2000);
	burst_end();
	ck_assert_uint_eq(out.n, 0);                   /* gro_flush_timeout: kept */
	uint32_t i = 0;
	while (lro_conn_timeout_at(eng, i) == UINT64_MAX)
		i++;
	ck_assert_uint_eq(lro_conn_timeout_at(eng, i), 1000 + 50000);   /* from the first */
	ck_assert(!lro_conn_timed_out(eng, i, 50999));
	ck_assert(lro_conn_timed_out(eng, i, 51000));
	lro_flush_conn(eng, i, LRO_FLUSH_TIMEOUT, &out);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_uint_eq(out.a[0].n_segs, 2);
	ck_assert_uint_eq(lro_held_segments(eng), 0);
	/* FreeBSD's flush_inactive counts from the last arrival */
	teardown();
	make_engine(LRO_POLICY_FREEBSD_LRO, 50000);
	feed(h, 0, 1000, 1000);
	feed(h, 1000, 1000, 2000);
	i = 0;
	while (lro_conn_timeout_at(eng, i) == UINT64_MAX)
		i++;
	ck_assert_uint_eq(lro_conn_timeout_at(eng, i), 2000 + 50000);
}
END_TEST


/* Every buffer comes back exactly once, whatever arrives: random frames of
 * a few flows (in and out of order, duplicates, PSH/FIN/URG/SYN, pure ACKs,
 * changing timestamps and ACKs, corrupted checksums) through every policy,
 * bursts ending at random, timer flushes and drains in between. */
/* ---- IPv6: each policy's IP rules ---- */

/* The TCP checksum behind a fixed IPv6 header (RFC 8200's pseudo header:
 * addresses, 32-bit length, next header 6): 1 if right. */
static int tcp6_checksum_ok(const uint8_t *frame, size_t len)
{
	const uint8_t *ip = frame + 14;
	uint32_t tcp_len = (uint32_t)(ip[4] << 8 | ip[5]);
	if (14 + 40 + tcp_len > len || ip[6] != 6)
		return 0;
	uint32_t pseudo = naive_sum(ip + 8, 32, 0) + (tcp_len >> 16) + (tcp_len & 0xffff) + 6u;
	return naive_sum(ip + 40, tcp_len, pseudo) == 0xffff;
}

enum ip6_field { SAME, FLOW_LABEL, TRAFFIC_CLASS, HOP_LIMIT };

/* Feed an IPv6 segment of h's flow with one fixed-header field changed
 * (none of them is in the TCP checksum's pseudo header). */
static void feed6(struct netpkt_tcp h, uint32_t seq, uint32_t len, enum ip6_field change,
		  uint64_t now)
{
	uint32_t fl;
	h.ip6 = 1;
	uint8_t *b = testutil_frame(h, seq, len, &fl);
	uint8_t *ip = b + 14;
	if (change == FLOW_LABEL)
		ip[3] ^= 0x5a;                 /* flow label, low bits */
	else if (change == TRAFFIC_CLASS)
		ip[1] ^= 0x10;                 /* traffic class, low nibble (ECN bits) */
	else if (change == HOP_LIMIT)
		ip[7] -= 1;
	lro_input(eng, b, fl, now, &out);
}

/* The delivery's bytes: one IPv6 packet of the payload length it claims,
 * with a right checksum, carrying bytes [seq, seq + bytes). */
static void check_delivery6(const struct lro_action *a, uint32_t seq, uint32_t bytes)
{
	static uint8_t flat[70000];
	ck_assert_ptr_nonnull(a);
	size_t n = flatten(a, flat);
	ck_assert_uint_eq(n, a->len);
	ck_assert(tcp6_checksum_ok(flat, n));
	ck_assert_uint_eq((uint32_t)(flat[18] << 8 | flat[19]), n - 14 - 40);
	ck_assert_uint_eq(get32(flat + 14 + 40 + 4), seq);
	ck_assert_uint_eq(delivered_bytes(a), bytes);
}

/* net/ipv6/ip6_offload.c ipv6_gro_receive: a different flow label or hop
 * limit is another flow, a different traffic class flushes; the held
 * packet goes up and the segment starts the next aggregate. */
START_TEST(linux_gro_over_ipv6_compares_flow_label_traffic_class_and_hop_limit)
{
	make_engine(LRO_POLICY_LINUX_GRO, 0);
	struct netpkt_tcp h = flow(1000);
	feed6(h, 5000, 1000, SAME, 0);
	feed6(h, 6000, 1000, SAME, 1);
	ck_assert_uint_eq(out.n, 0);                   /* merged */
	const enum ip6_field changes[] = { FLOW_LABEL, HOP_LIMIT, TRAFFIC_CLASS };
	for (unsigned i = 0; i < 3; i++) {
		feed6(h, 7000 + i * 1000, 1000, changes[i], 2 + i);
		ck_assert_uint_eq(count(LRO_ACT_DELIVER), 1);
		const struct lro_action *a = nth(LRO_ACT_DELIVER, 0);
		ck_assert_uint_eq(a->reason, LRO_FLUSH_MISMATCH);
		check_delivery6(a, i == 0 ? 5000 : 6000 + i * 1000, i == 0 ? 2000 : 1000);
	}
	/* the same headers again: merged with the last */
	feed6(h, 10000, 1000, TRAFFIC_CLASS, 5);
	ck_assert_uint_eq(out.n, 0);
	burst_end();
	check_delivery6(nth(LRO_ACT_DELIVER, 0), 9000, 2000);
	ck_assert_uint_eq(lro_engine_counters(eng)->flush[LRO_FLUSH_MISMATCH], 3);
}
END_TEST

/* lib/gro/gro_tcp6.c: the flow key holds the header's first word
 * (vtc_flow), not the hop limit: a segment of another flow label is
 * another flow's item; the hop limit changes nothing. */
START_TEST(dpdk_gro_over_ipv6_keys_flows_by_their_first_word)
{
	make_engine(LRO_POLICY_DPDK_GRO, 0);
	struct netpkt_tcp h = flow(1000);
	feed6(h, 5000, 1000, SAME, 0);
	feed6(h, 6000, 1000, SAME, 1);
	feed6(h, 7000, 1000, FLOW_LABEL, 2);          /* continues, other key */
	feed6(h, 8000, 1000, FLOW_LABEL, 3);          /* joins the item above */
	feed6(h, 9000, 1000, SAME, 4);                /* back to the first key: its own */
	ck_assert_uint_eq(out.n, 0);
	burst_end();
	ck_assert_uint_eq(count(LRO_ACT_DELIVER), 3);
	check_delivery6(nth(LRO_ACT_DELIVER, 0), 5000, 2000);
	check_delivery6(nth(LRO_ACT_DELIVER, 1), 7000, 2000);
	check_delivery6(nth(LRO_ACT_DELIVER, 2), 9000, 1000);
	make_engine(LRO_POLICY_DPDK_GRO, 0);
	feed6(h, 5000, 1000, SAME, 0);
	feed6(h, 6000, 1000, HOP_LIMIT, 1);
	feed6(h, 7000, 1000, TRAFFIC_CLASS, 2);       /* traffic class: in the key */
	burst_end();
	ck_assert_uint_eq(count(LRO_ACT_DELIVER), 2);
	check_delivery6(nth(LRO_ACT_DELIVER, 0), 5000, 2000);
}
END_TEST

/* sys/netinet/tcp_lro.c: an entry is keyed by addresses and ports; no
 * other IPv6 field is compared. */
START_TEST(freebsd_lro_over_ipv6_compares_no_ip_field)
{
	for (int sorted = 0; sorted < 2; sorted++) {
		make_engine(sorted ? LRO_POLICY_FREEBSD_SORTED : LRO_POLICY_FREEBSD_LRO, 0);
		struct netpkt_tcp h = flow(1000);
		feed6(h, 5000, 1000, SAME, 0);
		feed6(h, 6000, 1000, FLOW_LABEL, 1);
		feed6(h, 7000, 1000, HOP_LIMIT, 2);
		feed6(h, 8000, 1000, TRAFFIC_CLASS, 3);
		ck_assert_uint_eq(out.n, 0);
		burst_end();
		ck_assert_uint_eq(count(LRO_ACT_DELIVER), 1);
		check_delivery6(nth(LRO_ACT_DELIVER, 0), 5000, 4000);
	}
}
END_TEST

/* Two IPv6 flows whose addresses fold to the same 32 bits (the hash's
 * word) stay apart under a policy: its entries compare whole addresses. */
START_TEST(policy_entries_keep_ipv6_flows_with_colliding_folds_apart)
{
	for (unsigned pol = LRO_POLICY_LINUX_GRO; pol < LRO_POLICIES; pol++) {
		make_engine((enum lro_policy_id)pol, 0);
		struct netpkt_tcp h = flow(1000);
		h.ip6 = 1;
		for (uint32_t i = 0; i < 4; i++) {
			uint32_t fl;
			uint8_t *b = testutil_frame(h, 5000 + (i / 2) * 1000, 1000, &fl);
			if (i % 2) {
				/* words 0 and 1 of the source both change by the
				 * same bits: the XOR fold is the same */
				b[14 + 8 + 3] ^= 0x40;
				b[14 + 8 + 7] ^= 0x40;
				/* the TCP checksum covers the address: again */
				b[14 + 40 + 16] = b[14 + 40 + 17] = 0;
				uint32_t tl = fl - 14 - 40;
				uint32_t ps = naive_sum(b + 14 + 8, 32, 0) + 6u + tl;
				uint16_t c = (uint16_t)~naive_sum(b + 14 + 40, tl, ps);
				b[14 + 40 + 16] = (uint8_t)(c >> 8);
				b[14 + 40 + 17] = (uint8_t)c;
			}
			lro_input(eng, b, fl, i, &out);
		}
		burst_end();
		/* two flows of two segments: each merged apart */
		ck_assert_uint_eq(count(LRO_ACT_DELIVER), 2);
		for (unsigned k = 0; k < 2; k++) {
			check_delivery6(nth(LRO_ACT_DELIVER, k), 5000, 2000);
			ck_assert_uint_eq(nth(LRO_ACT_DELIVER, k)->n_segs, 2);
		}
	}
}
END_TEST

/* TCP right after the fixed header only (FreeBSD's parser, DPDK's
 * IS_IPV6_TCP_PKT; Linux would merge identical extension headers, the
 * engine does not): a segment with a destination-options header passes
 * untouched under every policy, counted. */
START_TEST(ipv6_extension_headers_pass_under_every_policy)
{
	for (unsigned pol = LRO_POLICY_LINUX_GRO; pol < LRO_POLICIES; pol++) {
		make_engine((enum lro_policy_id)pol, 0);
		struct netpkt_tcp h = flow(1000);
		h.ip6 = 1;
		uint32_t fl;
		uint8_t *b = testutil_frame(h, 5000, 1000, &fl);
		uint8_t *ip = b + 14;
		uint32_t tcp_len = (uint32_t)(ip[4] << 8 | ip[5]);
		memmove(ip + 48, ip + 40, tcp_len);
		memset(ip + 40, 0, 8);
		ip[40] = 6;                        /* TCP follows */
		ip[42] = 1;                        /* PadN, 4 bytes */
		ip[43] = 4;
		ip[6] = 60;                        /* destination options */
		ip[5] = (uint8_t)(tcp_len + 8);
		ip[4] = (uint8_t)((tcp_len + 8) >> 8);
		lro_input(eng, b, 14 + 48 + tcp_len, 0, &out);
		unsigned passed = count(LRO_ACT_PASS);
		if (passed)
			ck_assert_uint_eq(nth(LRO_ACT_PASS, 0)->reason, LRO_PASS_IPV6_EXTHDR);
		burst_end();                       /* a sorted burst passes it here */
		passed += count(LRO_ACT_PASS);
		ck_assert_uint_eq(passed, 1);
		ck_assert_uint_eq(count(LRO_ACT_DELIVER), 0);
		ck_assert_uint_eq(lro_engine_counters(eng)->pass[LRO_PASS_IPV6_EXTHDR], 1);
	}
}
END_TEST

static uint8_t *given[4096];
static unsigned n_given;

static void take_back(void)
{
	for (unsigned i = 0; i < out.n; i++) {
		const struct lro_action *a = &out.a[i];
		if (a->kind == LRO_ACT_ACK)
			continue;
		unsigned segs = 0;
		for (const struct lro_seg *x = a->segs; a->kind == LRO_ACT_DELIVER && x; x = x->next)
			segs++;
		if (a->kind == LRO_ACT_DELIVER)
			ck_assert_uint_eq(segs, a->n_segs);
		for (const struct lro_seg *x = a->segs; ; x = x->next) {
			const uint8_t *b = a->kind == LRO_ACT_DELIVER ? (x ? x->frame : NULL) : a->buf;
			if (!b)
				break;
			unsigned j = 0;
			while (j < n_given && given[j] != b)
				j++;
			ck_assert_msg(j < n_given, "a buffer came back twice or was never given");
			given[j] = given[--n_given];
			if (a->kind != LRO_ACT_DELIVER)
				break;
		}
	}
	ck_assert_uint_eq(lro_held_segments(eng), n_given);
}

START_TEST(every_buffer_comes_back_once_under_random_traffic)
{
	uint32_t rng = 12345u + (uint32_t)_i;
#define RND() (rng = rng * 1664525u + 1013904223u, rng >> 8)
	for (unsigned pol = 1; pol < LRO_POLICIES; pol++) {
		for (int timer = 0; timer < 2; timer++) {
			make_engine((enum lro_policy_id)pol, timer ? 30000u : 0u);
			n_given = 0;
			uint32_t next[4] = { 0, 0, 0, 0 };
			uint64_t now = 0;
			for (unsigned n = 0; n < 1500; n++) {
				unsigned f = RND() % 4u;
				struct netpkt_tcp h = flow((uint16_t)(1000 + f));
				uint32_t r = RND() % 100u;
				uint32_t seq = next[f], len = 1 + RND() % 1448u;
				if (r < 10)
					seq -= (RND() % 4u) * 1000u;   /* old or overlapping */
				else if (r < 20)
					seq += 1 + RND() % 5000u;      /* past a gap */
				else
					next[f] = seq + len;
				uint32_t fl_bits = RND() % 100u;
				if (fl_bits < 5)
					h.flags |= NETPKT_TCP_PSH;
				else if (fl_bits < 7)
					h.flags |= NETPKT_TCP_FIN;
				else if (fl_bits < 8)
					h.flags |= LRO_TCP_URG;
				else if (fl_bits < 9)
					h.flags = NETPKT_TCP_SYN;
				else if (fl_bits < 12)
					len = 0;
				h.tsval = 10 + (uint32_t)(RND() % 3u);
				h.ack = 777 + (uint32_t)(RND() % 2u);
				now += RND() % 3000u;
				uint32_t flen;
				uint8_t *b = testutil_frame(h, seq, len, &flen);
				if (RND() % 50u == 0 && len > 0)
					b[flen - 1] ^= 0x5a;           /* corrupted */
				given[n_given++] = b;
				lro_input(eng, b, flen, now, &out);
				take_back();
				if (RND() % 20u == 0 || n % lro_burst_frames(eng) == 0) {
					bool more;
					do {
						more = lro_burst_end(eng, &out);
						take_back();
					} while (more);
				}
				if (RND() % 10u == 0)
					for (uint32_t c = 0; c < lro_conn_capacity(eng); c++)
						if (lro_conn_timed_out(eng, c, now)) {
							lro_flush_conn(eng, c, LRO_FLUSH_TIMEOUT, &out);
							take_back();
						}
			}
			bool more;
			do {
				more = lro_burst_end(eng, &out);
				take_back();
			} while (more);
			for (uint32_t c = 0; c < lro_conn_capacity(eng); c++) {
				lro_drain_conn(eng, c, &out);
				take_back();
			}
			ck_assert_uint_eq(n_given, 0);
			teardown();
		}
	}
#undef RND
}
END_TEST

Suite *lro_policy_suite(void)
{
	Suite *s = suite_create("lro_policy");
	TCase *tc = tcase_create("policies");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, policy_names_round_trip);
	tcase_add_test(tc, paper_has_no_bursts);
	tcase_add_test(tc, linux_gro_merges_without_syn_and_flushes_on_psh);
	tcase_add_test(tc, linux_gro_holds_no_out_of_order_data);
	tcase_add_test(tc, linux_gro_needs_identical_options_ack_and_window);
	tcase_add_test(tc, linux_gro_holds_eight_flows_and_evicts_the_oldest);
	tcase_add_test(tc, linux_gro_stops_at_the_64k_ip_length);
	tcase_add_test(tc, freebsd_lro_has_eight_entries_and_passes_the_ninth_flow);
	tcase_add_test(tc, freebsd_lro_timestamps_rules);
	tcase_add_test(tc, freebsd_lro_sorted_merges_interleaved_flows_one_after_the_other);
	tcase_add_test(tc, dpdk_gro_merges_without_checking_checksums);
	tcase_add_test(tc, dpdk_gro_keeps_runs_apart_and_joins_either_end);
	tcase_add_test(tc, dpdk_gro_puts_refused_frames_after_the_runs);
	tcase_add_test(tc, timer_mode_flushes_by_age_not_by_burst);
	tcase_add_test(tc, linux_gro_over_ipv6_compares_flow_label_traffic_class_and_hop_limit);
	tcase_add_test(tc, dpdk_gro_over_ipv6_keys_flows_by_their_first_word);
	tcase_add_test(tc, freebsd_lro_over_ipv6_compares_no_ip_field);
	tcase_add_test(tc, policy_entries_keep_ipv6_flows_with_colliding_folds_apart);
	tcase_add_test(tc, ipv6_extension_headers_pass_under_every_policy);
	tcase_add_loop_test(tc, every_buffer_comes_back_once_under_random_traffic, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
