/* tests/test_lro_ip6.c - the LRO engine over IPv6 and with BIG TCP
 * aggregates: aggregation, the 128-bit flow key, extension headers passing
 * through with their counter, the IPv6 pseudo header, the headers of
 * aggregates past 65,535 bytes (IPv4 total length 0, IPv6 jumbo payload
 * option), long chains of packet buffers, and the host parsing them all;
 * the active ACK's bytes, both families, with and without timestamps.
 * Checksums are checked with the naive sum below, not the firmware's. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "firmware/csum.h"
#include "firmware/hal.h"
#include "firmware/lro.h"
#include "host/netpkt.h"
#include "tests/testutil.h"

/* RFC 1071, one 16-bit word at a time: independent of firmware/csum.c */
static uint32_t naive_add(const uint8_t *p, size_t len, uint32_t s)
{
	for (size_t i = 0; i + 1 < len; i += 2) {
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
		s = (s & 0xffff) + (s >> 16);
	}
	if (len & 1) {
		s += (uint32_t)p[len - 1] << 8;
		s = (s & 0xffff) + (s >> 16);
	}
	return s;
}

static uint16_t naive_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* The TCP checksum of a segment behind an IPv6 header, over RFC 8200's
 * pseudo header (addresses, 32-bit length, next header 6): 1 if right. */
static int tcp6_ok(const uint8_t *ip6, const uint8_t *tcp, uint32_t tcp_len)
{
	uint8_t pseudo[40] = { 0 };
	memcpy(pseudo, ip6 + 8, 32);
	pseudo[32] = (uint8_t)(tcp_len >> 24);
	pseudo[33] = (uint8_t)(tcp_len >> 16);
	pseudo[34] = (uint8_t)(tcp_len >> 8);
	pseudo[35] = (uint8_t)tcp_len;
	pseudo[39] = 6;
	return naive_fold(naive_add(tcp, tcp_len, naive_add(pseudo, 40, 0))) == 0xffff;
}

static struct lro_engine *eng;
static void *eng_mem;
static struct lro_out out;
static uint8_t agg[LRO_BIG_AGG_MAX + 256];

static void make_engine(uint32_t threshold, uint32_t max_aggregate)
{
	struct lro_config c;
	lro_config_default(&c);
	c.threshold_bytes = threshold;
	c.max_aggregate_bytes = max_aggregate;
	c.max_conns = 8;
	c.table_buckets = 1;           /* every flow in one bucket: the key decides */
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

static struct netpkt_tcp flow(uint16_t sport, int ip6)
{
	struct netpkt_tcp h = testutil_flow(sport);
	h.ip6 = (uint8_t)ip6;
	return h;
}

static void feed(struct netpkt_tcp h, uint32_t seq, uint32_t len)
{
	uint32_t fl;
	uint8_t *b = testutil_frame(h, seq, len, &fl);
	lro_input(eng, b, fl, 0, &out);
}

static void syn(struct netpkt_tcp h, uint32_t iss)
{
	h.flags = NETPKT_TCP_SYN;
	h.mss = 1440;
	feed(h, iss, 0);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_uint_eq(out.a[0].reason, LRO_PASS_SYN);
}

static const struct lro_action *find(enum lro_action_kind k)
{
	for (unsigned i = 0; i < out.n; i++)
		if (out.a[i].kind == k)
			return &out.a[i];
	return NULL;
}

/* An aggregate as the host receives it: headers, then each payload. */
static uint32_t assemble(const struct lro_action *d)
{
	uint32_t payload = 0;
	for (const struct lro_seg *s = d->segs; s; s = s->next)
		payload += s->payload_len;
	uint32_t hdr = d->len - payload, at = hdr;
	memcpy(agg, d->buf, hdr);
	for (const struct lro_seg *s = d->segs; s; s = s->next) {
		memcpy(agg + at, s->frame + s->payload_off, s->payload_len);
		at += s->payload_len;
	}
	ck_assert_uint_eq(at, d->len);
	return at;
}

/* The payload bytes testutil_frame() writes: the low byte of each sequence number */
static void assert_stream(const uint8_t *p, uint32_t len, uint32_t seq)
{
	for (uint32_t i = 0; i < len; i++)
		ck_assert_uint_eq(p[i], (uint8_t)(seq + i));
}

START_TEST(ipv6_segments_aggregate_with_a_right_payload_length)
{
	make_engine(10 * 1428, 65535);
	struct netpkt_tcp h = flow(40000, 1);
	syn(h, 0);
	for (uint32_t i = 0; i < 10; i++) {
		feed(h, 1 + i * 1428, 1428);
		const struct lro_action *a = find(LRO_ACT_ACK);
		ck_assert_ptr_nonnull(a);
		/* the active ACK is IPv6 too, addresses swapped, checksum right */
		ck_assert_uint_eq(a->len, LRO_ACK6_FRAME_BYTES);
		ck_assert_uint_eq(load_be16(a->ack_frame + 12), 0x86dd);
		ck_assert_uint_eq(a->ack_frame[14 + 6], 6);
		ck_assert_mem_eq(a->ack_frame + 14 + 8, testutil_last_frame() + 14 + 24, 16);
		ck_assert_uint_eq(load_be32(a->ack_frame + 14 + 40 + 8), 1 + (i + 1) * 1428);
		ck_assert(tcp6_ok(a->ack_frame + 14, a->ack_frame + 54, 32));
	}
	const struct lro_action *d = find(LRO_ACT_DELIVER);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(d->n_segs, 10);
	uint32_t len = assemble(d);
	ck_assert_uint_eq(len, 14 + 40 + 32 + 14280);
	const uint8_t *ip = agg + 14;
	ck_assert_uint_eq(load_be16(agg + 12), 0x86dd);
	ck_assert_uint_eq(load_be16(ip + 4), 32 + 14280);   /* payload length */
	ck_assert_uint_eq(ip[6], 6);
	ck_assert_uint_eq(load_be32(ip + 40 + 4), 1);       /* the first segment's seq */
	ck_assert(tcp6_ok(ip, ip + 40, 32 + 14280));
	assert_stream(agg + 14 + 40 + 32, 14280, 1);
	/* the host takes it */
	struct netpkt_tcp got;
	const uint8_t *pl;
	uint32_t plen;
	ck_assert_int_eq(netpkt_parse_tcp(agg, len, &got, &pl, &plen), 0);
	ck_assert_uint_eq(got.ip6, 1);
	ck_assert_uint_eq(plen, 14280);
	ck_assert_uint_eq(got.saddr, 0x0a000001);
}
END_TEST

/* Rewrite an IPv6 frame's source address and reseal its TCP checksum. */
static void set_saddr6(uint8_t *f, const uint8_t addr[16])
{
	uint8_t *ip = f + 14, *tcp = ip + 40;
	uint32_t tcp_len = load_be16(ip + 4);
	memcpy(ip + 8, addr, 16);
	store_be16(tcp + 16, 0);
	uint32_t sum = csum_tcp6_pseudo(ip + 8, ip + 24, tcp_len);
	store_be16(tcp + 16, (uint16_t)~csum_fold(csum_partial(tcp, tcp_len, sum)));
}

START_TEST(ipv6_flows_are_keyed_by_their_whole_addresses)
{
	/* two sources whose 32-bit words XOR to the same value, the same
	 * ports, one hash bucket: two flows all the same */
	make_engine(4 * 1428, 65535);
	static const uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3 };
	static const uint8_t b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 2 };
	struct netpkt_tcp h = flow(40000, 1);
	for (int k = 0; k < 2; k++) {
		uint32_t fl;
		h.flags = NETPKT_TCP_SYN;
		uint8_t *f = testutil_frame(h, (uint32_t)k * 100000u, 0, &fl);
		set_saddr6(f, k ? b : a);
		lro_input(eng, f, fl, 0, &out);
		ck_assert_uint_eq(out.a[0].reason, LRO_PASS_SYN);
	}
	ck_assert_uint_eq(lro_engine_counters(eng)->conns_opened, 2);
	h.flags = NETPKT_TCP_ACK;
	for (uint32_t i = 0; i < 4; i++) {
		for (int k = 0; k < 2; k++) {
			uint32_t fl, seq = (uint32_t)k * 100000u + 1 + i * 1428;
			uint8_t *f = testutil_frame(h, seq, 1428, &fl);
			set_saddr6(f, k ? b : a);
			lro_input(eng, f, fl, 0, &out);
			if (i < 3)
				ck_assert_ptr_null(find(LRO_ACT_DELIVER));
			const struct lro_action *d = find(LRO_ACT_DELIVER);
			if (i == 3) {
				ck_assert_ptr_nonnull(d);
				ck_assert_uint_eq(d->n_segs, 4);
				ck_assert_mem_eq(d->buf + 14 + 8, k ? b : a, 16);
				assemble(d);
				assert_stream(agg + 14 + 40 + 32, 4 * 1428, (uint32_t)k * 100000u + 1);
			}
		}
	}
	ck_assert_uint_eq(lro_engine_counters(eng)->segments_aggregated, 8);
}
END_TEST

/* An IPv6 frame of flow h with one extension header (type nh, 8 bytes)
 * between the fixed header and TCP: built as netpkt builds it, then the
 * header is slid in and the payload length and checksum redone. */
static uint8_t *frame_with_exthdr(struct netpkt_tcp h, uint32_t seq, uint32_t len, uint8_t nh,
				  uint32_t *flen)
{
	uint32_t fl;
	uint8_t *f = testutil_frame(h, seq, len, &fl);
	uint8_t *ip = f + 14;
	uint32_t tcp_len = load_be16(ip + 4);
	memmove(ip + 48, ip + 40, tcp_len);
	uint8_t *x = ip + 40;
	memset(x, 0, 8);
	x[0] = 6;                      /* TCP follows */
	x[1] = 0;                      /* 8 bytes */
	x[2] = 1;                      /* PadN, 4 bytes of padding */
	x[3] = 4;
	ip[6] = nh;
	store_be16(ip + 4, (uint16_t)(tcp_len + 8));
	*flen = 14 + 48 + tcp_len;
	/* the TCP checksum does not cover extension headers: unchanged */
	ck_assert(tcp6_ok(ip, ip + 48, tcp_len));
	return f;
}

START_TEST(ipv6_extension_headers_pass_through_counted_and_the_flow_goes_on)
{
	make_engine(3 * 1428, 65535);
	struct netpkt_tcp h = flow(40000, 1);
	syn(h, 0);
	feed(h, 1, 1428);
	/* in order, with a destination-options header: the run goes first,
	 * then the frame untouched, and the flow moves past it */
	uint32_t fl;
	uint8_t *f = frame_with_exthdr(h, 1 + 1428, 1428, 60, &fl);
	lro_input(eng, f, fl, 0, &out);
	ck_assert_uint_eq(out.n, 2);
	ck_assert_int_eq(out.a[0].kind, LRO_ACT_DELIVER);
	ck_assert_uint_eq(out.a[0].reason, LRO_FLUSH_PASSTHROUGH);
	ck_assert_int_eq(out.a[1].kind, LRO_ACT_PASS);
	ck_assert_uint_eq(out.a[1].reason, LRO_PASS_IPV6_EXTHDR);
	ck_assert_ptr_eq(out.a[1].buf, f);
	ck_assert_uint_eq(out.a[1].len, fl);
	/* a hop-by-hop header, and a routing header: the same */
	f = frame_with_exthdr(h, 1 + 2 * 1428, 1428, 0, &fl);
	lro_input(eng, f, fl, 0, &out);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_uint_eq(out.a[0].reason, LRO_PASS_IPV6_EXTHDR);
	f = frame_with_exthdr(h, 1 + 3 * 1428, 1428, 43, &fl);
	lro_input(eng, f, fl, 0, &out);
	ck_assert_uint_eq(lro_engine_counters(eng)->pass[LRO_PASS_IPV6_EXTHDR], 3);
	/* plain segments after them aggregate from where they ended */
	for (uint32_t i = 4; i < 7; i++)
		feed(h, 1 + i * 1428, 1428);
	const struct lro_action *d = find(LRO_ACT_DELIVER);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(d->n_segs, 3);
	ck_assert_uint_eq(load_be32(d->buf + 14 + 40 + 4), 1 + 4 * 1428);
	ck_assert_uint_eq(lro_engine_counters(eng)->drop[LRO_DROP_DUPLICATE], 0);
	/* an IPv6 fragment counts as a fragment; ESP is not TCP */
	f = frame_with_exthdr(h, 1 + 7 * 1428, 1428, 44, &fl);
	f[14 + 40 + 3] = 8;            /* offset 1 (x 8 bytes): no TCP header */
	lro_input(eng, f, fl, 0, &out);
	ck_assert_uint_eq(out.a[out.n - 1].reason, LRO_PASS_FRAGMENT);
	f = frame_with_exthdr(h, 1 + 7 * 1428, 1428, 50, &fl);
	lro_input(eng, f, fl, 0, &out);
	ck_assert_uint_eq(out.a[out.n - 1].reason, LRO_PASS_NOT_TCP);
}
END_TEST

START_TEST(ipv6_pseudo_header_checksum)
{
	/* the helper against the naive sum of RFC 8200's pseudo header */
	uint8_t s[16], d[16];
	for (int i = 0; i < 16; i++) {
		s[i] = (uint8_t)(0xf0 + i * 7);
		d[i] = (uint8_t)(0x11 * i + 3);
	}
	static const uint32_t lens[] = { 0, 20, 1460, 65535, 65536, 300000, 524288 };
	for (unsigned i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		uint8_t pseudo[40] = { 0 };
		memcpy(pseudo, s, 16);
		memcpy(pseudo + 16, d, 16);
		store_be32(pseudo + 32, lens[i]);
		pseudo[39] = 6;
		ck_assert_uint_eq(csum_fold(csum_tcp6_pseudo(s, d, lens[i])),
				  naive_fold(naive_add(pseudo, 40, 0)));
	}
	/* the engine checks it: a frame whose address changed after its
	 * checksum was written is dropped as a bad TCP checksum (IPv6 has
	 * no header checksum of its own) */
	make_engine(1u << 16, 65535);
	struct netpkt_tcp h = flow(40000, 1);
	syn(h, 0);
	uint32_t fl;
	uint8_t *f = testutil_frame(h, 1, 1000, &fl);
	f[14 + 8 + 5] ^= 0x40;
	lro_input(eng, f, fl, 0, &out);
	ck_assert_int_eq(out.a[0].kind, LRO_ACT_FREE);
	ck_assert_uint_eq(lro_engine_counters(eng)->drop[LRO_DROP_BAD_TCP_CSUM], 1);
	/* and the host's parser too */
	struct netpkt_tcp got;
	const uint8_t *pl;
	uint32_t plen;
	f = testutil_frame(h, 1, 1000, &fl);
	ck_assert_int_eq(netpkt_parse_tcp(f, fl, &got, &pl, &plen), 0);
	f[14 + 24 + 1] ^= 1;
	ck_assert_int_eq(netpkt_parse_tcp(f, fl, &got, &pl, &plen), -1);  /* not our prefix */
	f[14 + 24 + 1] ^= 1;
	f[14 + 24 + 14] ^= 1;
	ck_assert_int_eq(netpkt_parse_tcp(f, fl, &got, &pl, &plen), -2);
}
END_TEST

/* Feed n in-order segments of mss bytes to a fresh flow; returns the
 * first aggregate delivered (NULL if none). */
static const struct lro_action *stream_until_delivery(struct netpkt_tcp h, uint32_t mss,
						      uint32_t n)
{
	syn(h, 0);
	for (uint32_t i = 0; i < n; i++) {
		feed(h, 1 + i * mss, mss);
		const struct lro_action *d = find(LRO_ACT_DELIVER);
		if (d)
			return d;
	}
	return NULL;
}

START_TEST(big_tcp_ipv6_aggregate_carries_a_jumbo_payload_option)
{
	make_engine(1u << 20, 512 * 1024);
	struct netpkt_tcp h = flow(40000, 1);
	const struct lro_action *d = stream_until_delivery(h, 1428, 1000);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(d->reason, LRO_FLUSH_FULL);
	/* as many segments as fit 512 KiB with the 40 + 8 + 32 header bytes */
	uint32_t segs = (512 * 1024 - 80) / 1428;
	ck_assert_uint_eq(d->n_segs, segs);
	ck_assert_uint_gt(d->n_segs, LRO_MAX_HELD);     /* a chain longer than the hold limit */
	uint32_t len = assemble(d), payload = segs * 1428;
	const uint8_t *ip = agg + 14, *hbh = ip + 40, *tcp = hbh + 8;
	ck_assert_uint_eq(len, 14 + 40 + 8 + 32 + payload);
	ck_assert_uint_le(len - 14, 512 * 1024);
	ck_assert_uint_eq(load_be16(ip + 4), 0);       /* payload length 0 */
	ck_assert_uint_eq(ip[6], 0);                    /* hop-by-hop header next */
	ck_assert_uint_eq(hbh[0], 6);
	ck_assert_uint_eq(hbh[1], 0);
	ck_assert_uint_eq(hbh[2], 0xc2);                /* Jumbo Payload (RFC 2675) */
	ck_assert_uint_eq(hbh[3], 4);
	ck_assert_uint_eq(load_be32(hbh + 4), 8 + 32 + payload);
	ck_assert_uint_eq(load_be32(tcp + 4), 1);
	ck_assert(tcp6_ok(ip, tcp, 32 + payload));
	assert_stream(tcp + 32, payload, 1);
	struct netpkt_tcp got;
	const uint8_t *pl;
	uint32_t plen;
	ck_assert_int_eq(netpkt_parse_tcp(agg, len, &got, &pl, &plen), 0);
	ck_assert_uint_eq(plen, payload);
	ck_assert_ptr_eq(pl, tcp + 32);
	/* a jumbo length past the frame, or wrapping 32 bits, is not taken */
	uint8_t *jl = agg + 14 + 40 + 4;
	store_be32(jl, 8 + 32 + payload + 1);
	ck_assert_int_eq(netpkt_parse_tcp(agg, len, &got, &pl, &plen), -1);
	store_be32(jl, 0xfffffff0u);
	ck_assert_int_eq(netpkt_parse_tcp(agg, len, &got, &pl, &plen), -1);
	store_be32(jl, 65535);         /* RFC 2675: a jumbogram is longer than 65,535 */
	ck_assert_int_eq(netpkt_parse_tcp(agg, len, &got, &pl, &plen), -1);
}
END_TEST

START_TEST(big_tcp_ipv4_aggregate_has_total_length_zero)
{
	make_engine(1u << 20, 512 * 1024);
	struct netpkt_tcp h = flow(40000, 0);
	const struct lro_action *d = stream_until_delivery(h, 1448, 1000);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(d->reason, LRO_FLUSH_FULL);   /* the 512 KiB limit, not 64 KB */
	uint32_t len = assemble(d);
	ck_assert_uint_le(len - 14, 512 * 1024);
	ck_assert_uint_gt(len - 14 + 1448, 512 * 1024); /* one more would not fit */
	const uint8_t *ip = agg + 14;
	ck_assert_uint_eq(load_be16(ip + 2), 0);
	ck_assert_uint_eq(naive_fold(naive_add(ip, 20, 0)), 0xffff);
	uint32_t tcp_len = len - 14 - 20;
	uint8_t pseudo[12] = { 0 };
	memcpy(pseudo, ip + 12, 8);
	pseudo[9] = 6;
	/* RFC 793's 16-bit length cannot hold it: the sum takes the whole
	 * length, as Linux's csum_tcpudp_magic does */
	uint32_t s = naive_add(pseudo, 12, 0) + (tcp_len >> 16) + (tcp_len & 0xffff);
	ck_assert_uint_eq(naive_fold(naive_add(ip + 20, tcp_len, naive_fold(s))), 0xffff);
	struct netpkt_tcp got;
	const uint8_t *pl;
	uint32_t plen;
	ck_assert_int_eq(netpkt_parse_tcp(agg, len, &got, &pl, &plen), 0);
	ck_assert_uint_eq(plen, tcp_len - 32);
	assert_stream(pl, plen, 1);
	/* without BIG TCP the same stream is cut at 65,535 */
	teardown();
	make_engine(1u << 20, 65535);
	d = stream_until_delivery(h, 1448, 1000);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_le(d->len - 14, 65535);
	ck_assert_uint_eq(load_be16(d->buf + 14 + 2), d->len - 14);
}
END_TEST

/* Big-endian stores of the test's own, for the frames built here. */
static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/* The active ACK the engine owes the sender of h's frames, acknowledging
 * ack with window, written byte by byte from the field values into b (the
 * size of an action's ack_frame, unused bytes zero), its checksums from the
 * naive sum. Returns the frame's length. */
static uint32_t expected_ack(uint8_t *b, const struct netpkt_tcp *h, uint32_t ack, uint16_t window)
{
	uint32_t ip_hlen = h->ip6 ? 40u : 20u, tcp_hlen = h->has_ts ? 32u : 20u;
	memset(b, 0, LRO_ACK6_FRAME_BYTES);
	memcpy(b, h->src_mac, 6);          /* back to the sender */
	memcpy(b + 6, h->dst_mac, 6);
	uint8_t *ip = b + 14, *tcp = ip + ip_hlen;
	uint32_t pseudo;
	if (h->ip6) {
		put16(b + 12, 0x86dd);
		ip[0] = 0x60;
		put16(ip + 4, tcp_hlen);   /* payload length */
		ip[6] = 6;                 /* next header TCP */
		ip[7] = 64;                /* hop limit */
		netpkt_ip6_addr(h->daddr, ip + 8);
		netpkt_ip6_addr(h->saddr, ip + 24);
		pseudo = naive_add(ip + 8, 32, 0) + tcp_hlen + 6;
	} else {
		put16(b + 12, 0x0800);
		ip[0] = 0x45;
		put16(ip + 2, 20 + tcp_hlen);
		put16(ip + 6, 0x4000);     /* DF */
		ip[8] = 64;
		ip[9] = 6;
		put32(ip + 12, h->daddr);
		put32(ip + 16, h->saddr);
		put16(ip + 10, (uint16_t)~naive_fold(naive_add(ip, 20, 0)));
		pseudo = naive_add(ip + 12, 8, 0) + tcp_hlen + 6;
	}
	put16(tcp, h->dport);
	put16(tcp + 2, h->sport);
	put32(tcp + 4, h->ack);            /* the receiver's next sequence */
	put32(tcp + 8, ack);
	tcp[12] = (uint8_t)(tcp_hlen / 4 << 4);
	tcp[13] = NETPKT_TCP_ACK;
	put16(tcp + 14, window);
	if (h->has_ts) {
		tcp[20] = 1;               /* NOP, NOP, timestamps */
		tcp[21] = 1;
		tcp[22] = 8;
		tcp[23] = 10;
		put32(tcp + 24, h->tsecr); /* the host's latest TSval, echoed by the sender */
		put32(tcp + 28, h->tsval);
	}
	put16(tcp + 16, (uint16_t)~naive_fold(naive_add(tcp, tcp_hlen, pseudo)));
	return 14 + ip_hlen + tcp_hlen;
}

START_TEST(active_ack_frames_are_byte_exact_for_both_families_with_and_without_timestamps)
{
	/* values whose 16-bit halves carry when summed, so a checksum that
	 * folds wrongly shows */
	for (int ip6 = 0; ip6 <= 1; ip6++) {
		for (int ts = 0; ts <= 1; ts++) {
			make_engine(1u << 16, 65535);
			struct netpkt_tcp h = flow((uint16_t)(0xfe00 + ip6 * 2 + ts), ip6);
			h.has_ts = (uint8_t)ts;
			h.ack = 0xfedcba98u;
			h.tsval = 0x89abcdefu;
			h.tsecr = 0xf7e6d5c4u;
			syn(h, 0xfffff000u);
			feed(h, 0xfffff001u, 1000);
			const struct lro_action *a = find(LRO_ACT_ACK);
			ck_assert_ptr_nonnull(a);
			uint8_t want[LRO_ACK6_FRAME_BYTES];
			uint32_t len = expected_ack(want, &h, 0xfffff001u + 1000u, 0xffff);
			ck_assert_uint_eq(a->len, len);
			ck_assert_mem_eq(a->ack_frame, want, sizeof want);
			/* and the host's parser takes it, checksums and all */
			struct netpkt_tcp got;
			const uint8_t *pl;
			uint32_t plen;
			ck_assert_int_eq(netpkt_parse_tcp(a->ack_frame, a->len, &got, &pl, &plen), 0);
			ck_assert_uint_eq(got.has_ts, ts);
			testutil_free_frames();
		}
	}
}
END_TEST

Suite *lro_ip6_suite(void)
{
	Suite *s = suite_create("lro_ip6");
	TCase *tc = tcase_create("ipv6");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, ipv6_segments_aggregate_with_a_right_payload_length);
	tcase_add_test(tc, ipv6_flows_are_keyed_by_their_whole_addresses);
	tcase_add_test(tc, ipv6_extension_headers_pass_through_counted_and_the_flow_goes_on);
	tcase_add_test(tc, ipv6_pseudo_header_checksum);
	tcase_add_test(tc, big_tcp_ipv6_aggregate_carries_a_jumbo_payload_option);
	tcase_add_test(tc, big_tcp_ipv4_aggregate_has_total_length_zero);
	tcase_add_test(tc, active_ack_frames_are_byte_exact_for_both_families_with_and_without_timestamps);
	suite_add_tcase(s, tc);
	return s;
}
