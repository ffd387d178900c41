/* tests/fuzz/fuzz_lro.c - libFuzzer harness: the firmware's LRO engine
 * (firmware/lro.c) fed arbitrary frames, with receive timeouts, flushes,
 * releases and drains in between, and time advancing.
 *
 * Input format (tests/fuzz/make_seeds.py writes it from captures). Two
 * versions; an input whose first byte is V2_MARK (0xa5) is version 2.
 * Version 1 (the committed regression inputs of tests/fuzz/regress/lro
 * and every input before version 2; always the paper's policy):
 *   byte 0      configuration: bits 0-1 == 3: NIC mode; bit 2: no active
 *               ACK; bits 3-5: threshold (thresholds[]); bits 6-7 with
 *               byte 1 bits 6-7: descriptors (conn_choices[])
 *   byte 1      bits 0-5: timeout factor
 *   then records, each an op byte: bits 3-7 advance the clock by
 *   2^(bits-1) ns (0: no advance); bits 0-2 say what follows:
 *     0-3  a frame: 2-byte big-endian length (capped at what is left and
 *          at LRO_FRAME_MAX: the engine keeps its segment record in the
 *          buffer past that), then the frame's bytes. Bit 0: recompute the
 *          IPv4 and TCP checksums (IPv6: the TCP one); bit 1: set the IPv4
 *          total length (IPv6 payload length) to the frame's (both so that
 *          mutated frames get past the checks).
 *     4    timeout scan of the next SCAN_SLICE descriptors (wrapping
 *          around the table, as a timeout thread working through it):
 *          flush those that timed out
 *     5    lro_flush_conn(next byte), the index unchecked
 *     6    lro_release_conn(next byte), the index unchecked
 *     7    lro_drain_conn(next byte modulo the capacity)
 * Version 2 (every configuration lro_config has):
 *   byte 0      V2_MARK
 *   byte 1      bits 0-2: policy (policy_choices[]); bits 3-4: active ACK
 *               (0 on, 1 off, 2-3 safe); bit 5: NIC mode; bits 6-7:
 *               timeout rule (3: the paper's)
 *   byte 2      bits 0-2: threshold; bits 3-6: descriptors; bit 7: one
 *               table bucket (every flow in one chain)
 *   byte 3      bits 0-5: timeout factor; bits 6-7: max_aggregate_bytes
 *               (agg_choices[]: 64 KB, or BIG TCP up to LRO_BIG_AGG_MAX)
 *   byte 4      bits 0-3: flush timeout (0: none, the policy's burst mode;
 *               else 2^(n+6) ns, timer mode); bits 4-7: frames per burst
 *               (0: the policy's lro_burst_frames(); else burst_choices[]):
 *               the harness ends a burst after that many frames
 *   then records, each an op byte: bits 4-7 advance the clock by
 *   2^(2 x bits - 2) ns (0: none); bits 0-3 say what follows:
 *     0-7  as in version 1
 *     8    lro_burst_end, called again while it asks to be
 *     9    a frame the host sent (2-byte length, bytes) through
 *          lro_host_seg_parse and, if it reads, lro_note_host_seg
 *     10   the same, its addresses and ports first set to mirror the last
 *          frame given to the engine (so that it names a known flow)
 *     11   the clock jumps to the earliest lro_conn_timeout_at() past now,
 *          then every timed-out descriptor is flushed, found with
 *          lro_next_timed_out (checked against lro_conn_timed_out)
 *     12-15 a frame, as 0-3
 * At the end bursts are ended, then every descriptor is drained.
 *
 * Invariants (abort() on violation):
 *   - every buffer given in comes back exactly once: in PASS or FREE, or in
 *     one DELIVER's segment list; a PASS has the frame's length;
 *   - lro_held_segments() is the number of buffers given and not back
 *     (checked after every 64th engine call, as it walks all descriptors,
 *     and at the end);
 *   - a DELIVER's list has n_segs segments, contiguous in sequence, each
 *     inside its frame; the aggregate (flattened as the firmware's DMA
 *     does) is a valid IPv4/TCP packet (total length matching, both
 *     checksums right) or IPv6/TCP packet (payload length matching, TCP
 *     checksum right), with the sequence number of its first segment;
 *   - per flow, deliveries never go back in sequence (except across a SYN,
 *     FIN or RST of the flow, a drain, or a timeout, hold-limit or release
 *     delivery, which may hand over data past a gap: the engine's
 *     documented exceptions);
 *   - an active ACK, or a window update lro_note_host_seg builds, is a
 *     valid 54- or 66-byte IPv4/TCP frame, or a 74- or 86-byte IPv6/TCP
 *     one; a window update has the flow's addresses;
 *   - the per-flow order check above holds for the paper's policy; the
 *     others hold nothing past a gap and promise no order (a resent
 *     segment goes up as it came), so they get every other check;
 *   - after the final drain nothing is held and every buffer is back;
 *   - the counters match the actions: deliveries, delivered_segments and
 *     the flush reasons the DELIVERs, the pass reasons the PASSes, the drop
 *     reasons the FREEs, acks_sent the ACKs, ack_window_updates the window
 *     updates, frames_in the frames; and every frame is accounted for once:
 *     frames_in = passed + dropped + delivered segments.
 * Each buffer is its own malloc of HAL_PKT_BUF_BYTES, the engine's memory
 * and the action list exact-size mallocs, so AddressSanitizer sees any
 * access past them; a buffer the engine gave back is poisoned until it is
 * given again (see the pool below). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/asan_interface.h>

/* The engine runs on the native HAL (free cost annotations, as on the
 * target); its buffers come from the pool below, not the HAL's, so that
 * AddressSanitizer bounds each one. */
#include "traces/hal_native.h"

#include "firmware/csum.h"
#include "firmware/lro.h"
#include "firmware/lro_policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ETH_HLEN 14u
#define IP6_HLEN 40u
#define HBH_JUMBO_LEN 8u               /* a BIG TCP IPv6 aggregate's hop-by-hop header */
#define V2_MARK 0xa5u

_Static_assert(LRO_FRAME_MAX + sizeof(struct lro_seg) <= HAL_PKT_BUF_BYTES,
	       "a frame and the engine's segment record fit a packet buffer");

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_lro: invariant violated: %s\n", what);
	abort();
}

#define CHECK(c) do { if (!(c)) fail(#c); } while (0)

/* ---- packet buffers ----
 * Kept across executions (a malloc and free per frame took a quarter of
 * the time): each its own malloc, so ASan's redzones bound it; poisoned
 * while the engine does not own it, so a late access is reported; reused
 * oldest first, and only once POOL_QUARANTINE others wait, so a stale
 * pointer keeps meeting a poisoned buffer for a long time. */

#define POOL_QUARANTINE 1024u

struct pool {
	uint8_t **b;                   /* ring of free buffers */
	size_t cap, head, n;
};

static struct pool pool;

static uint8_t *buf_get(void)
{
	uint8_t *b;
	if (pool.n > POOL_QUARANTINE) {
		b = pool.b[pool.head];
		pool.head = (pool.head + 1u) % pool.cap;
		pool.n--;
	} else if (!(b = malloc(HAL_PKT_BUF_BYTES))) {
		abort();
	}
	ASAN_UNPOISON_MEMORY_REGION(b, HAL_PKT_BUF_BYTES);
	return b;
}

static void buf_put(uint8_t *b)
{
	if (pool.n == pool.cap) {
		size_t cap = pool.cap ? pool.cap * 2u : 4096u;
		uint8_t **nb = malloc(cap * sizeof *nb);
		if (!nb)
			abort();
		for (size_t k = 0; k < pool.n; k++)
			nb[k] = pool.b[(pool.head + k) % pool.cap];
		free(pool.b);
		pool.b = nb;
		pool.cap = cap;
		pool.head = 0;
	}
	pool.b[(pool.head + pool.n) % pool.cap] = b;
	pool.n++;
	ASAN_POISON_MEMORY_REGION(b, HAL_PKT_BUF_BYTES);
}

/* ---- buffers given to the engine: a set keyed by address ---- */

struct given {
	uint8_t *buf;                  /* NULL: empty slot */
	uint32_t len;
	uint64_t mark;                 /* the last delivery that listed it */
};

struct given_set {
	struct given *slot;
	size_t cap;                    /* power of two, at most half full */
	size_t n;
};

static size_t slot_of(const struct given_set *g, const uint8_t *buf)
{
	uint64_t h = (uint64_t)(uintptr_t)buf * 0x9e3779b97f4a7c15u;
	return (size_t)(h >> 20) & (g->cap - 1u);
}

static void given_grow(struct given_set *g)
{
	struct given *old = g->slot;
	size_t old_cap = g->cap;
	g->cap = old_cap ? old_cap * 2u : 64u;
	g->slot = calloc(g->cap, sizeof *g->slot);
	if (!g->slot)
		abort();
	for (size_t k = 0; k < old_cap; k++) {
		if (!old[k].buf)
			continue;
		size_t i = slot_of(g, old[k].buf);
		while (g->slot[i].buf)
			i = (i + 1u) & (g->cap - 1u);
		g->slot[i] = old[k];
	}
	free(old);
}

static void given_add(struct given_set *g, uint8_t *buf, uint32_t len)
{
	if (2u * (g->n + 1u) > g->cap)
		given_grow(g);
	size_t i = slot_of(g, buf);
	while (g->slot[i].buf) {
		CHECK(g->slot[i].buf != buf);
		i = (i + 1u) & (g->cap - 1u);
	}
	g->slot[i].buf = buf;
	g->slot[i].len = len;
	g->n++;
}

static struct given *given_find(struct given_set *g, const uint8_t *buf)
{
	for (size_t i = slot_of(g, buf); g->slot[i].buf; i = (i + 1u) & (g->cap - 1u))
		if (g->slot[i].buf == buf)
			return &g->slot[i];
	return NULL;
}

/* Remove (backward-shift deletion keeps linear probing intact); the buffer
 * goes back to the pool. */
static void given_return(struct given_set *g, struct given *x)
{
	size_t i = (size_t)(x - g->slot);
	buf_put(x->buf);
	g->slot[i].buf = NULL;
	g->n--;
	for (size_t j = (i + 1u) & (g->cap - 1u); g->slot[j].buf; j = (j + 1u) & (g->cap - 1u)) {
		size_t home = slot_of(g, g->slot[j].buf);
		/* move j into the hole at i unless its home lies in (i, j] */
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!stays) {
			g->slot[i] = g->slot[j];
			g->slot[j].buf = NULL;
			i = j;
		}
	}
}

/* ---- per-flow delivery order ---- */

/* A flow's addresses and ports as on the wire, IPv4 or IPv6. */
#define TUPLE_BYTES 36u

struct flow {
	uint8_t tuple[TUPLE_BYTES];    /* saddr, daddr (IPv4: 8 bytes, zeros), sport, dport */
	uint32_t end;                  /* sequence after the last delivered byte */
};

#define MAX_FLOWS 256

struct flows {
	struct flow f[MAX_FLOWS];
	unsigned n;
};

static struct flow *flow_find(struct flows *fl, const uint8_t *tuple)
{
	for (unsigned i = 0; i < fl->n; i++)
		if (!memcmp(fl->f[i].tuple, tuple, TUPLE_BYTES))
			return &fl->f[i];
	return NULL;
}

static void flow_forget(struct flows *fl, const uint8_t *tuple)
{
	struct flow *f = flow_find(fl, tuple);
	if (f)
		*f = fl->f[--fl->n];
}

/* A delivery of [seq, end) for the flow: never before the last one. */
static void flow_delivered(struct flows *fl, const uint8_t *tuple, uint32_t seq, uint32_t end)
{
	struct flow *f = flow_find(fl, tuple);
	if (f) {
		CHECK((int32_t)(seq - f->end) >= 0);
	} else {
		if (fl->n == MAX_FLOWS)
			fl->n = 0;             /* forget them all: checks less, never wrongly */
		f = &fl->f[fl->n++];
		memcpy(f->tuple, tuple, TUPLE_BYTES);
	}
	f->end = end;
}

/* ---- frame helpers ---- */

static bool is_ip6(const uint8_t *f)
{
	return load_be16(f + 12) == 0x86ddu;
}

/* IP header bytes of a frame the engine merged or built: 20, or 40 for IPv6
 * (extension headers are never merged), 48 for a BIG TCP IPv6 aggregate
 * (the hop-by-hop header with the jumbo payload option, RFC 2675). */
static uint32_t ip_hlen_of(const uint8_t *f)
{
	if (!is_ip6(f))
		return 20u;
	return f[ETH_HLEN + 6u] == 0u ? IP6_HLEN + HBH_JUMBO_LEN : IP6_HLEN;
}

/* The flow of a TCP frame with a plain IP header (ip_hlen_of). */
static const uint8_t *tuple_of(const uint8_t *f, uint8_t out[TUPLE_BYTES])
{
	memset(out, 0, TUPLE_BYTES);
	if (is_ip6(f))
		memcpy(out, f + ETH_HLEN + 8u, 32);
	else
		memcpy(out, f + ETH_HLEN + 12u, 8);
	memcpy(out + 32, f + ETH_HLEN + ip_hlen_of(f), 4);
	return out;
}

/* check_csum false: only the lengths (a policy that does not verify
 * checksums hands a frame that merged with nothing over as it came). */
static bool valid_ipv6_tcp(const uint8_t *f, uint32_t len, bool check_csum)
{
	if (len < ETH_HLEN + 60u)
		return false;
	const uint8_t *ip = f + ETH_HLEN;
	const uint8_t *tcp = ip + IP6_HLEN;
	uint32_t tcp_len = load_be16(ip + 4);
	if ((ip[0] >> 4) != 6)
		return false;
	if (ip[6] == 0u && tcp_len == 0u) {
		/* BIG TCP: hop-by-hop header, jumbo payload option, TCP */
		const uint8_t *hbh = ip + IP6_HLEN;
		if (len < ETH_HLEN + IP6_HLEN + HBH_JUMBO_LEN + 20u || hbh[0] != 6 || hbh[1] != 0 ||
		    hbh[2] != 0xc2u || hbh[3] != 4u)
			return false;
		tcp_len = len - ETH_HLEN - IP6_HLEN - HBH_JUMBO_LEN;
		if (tcp_len + HBH_JUMBO_LEN <= 65535u ||
		    load_be32(hbh + 4) != tcp_len + HBH_JUMBO_LEN)
			return false;
		tcp = hbh + HBH_JUMBO_LEN;
	} else if (ip[6] != 6 || tcp_len != len - ETH_HLEN - IP6_HLEN) {
		return false;
	}
	if (!check_csum)
		return true;
	uint32_t sum = csum_tcp6_pseudo(ip + 8, ip + 24, tcp_len);
	return csum_fold(csum_partial(tcp, tcp_len, sum)) == 0xffffu;
}

/* An IPv4/TCP or IPv6/TCP frame with lengths (and, with check_csum,
 * checksums) right. Past 65,535 bytes an IPv4 packet has total length 0
 * (BIG TCP, as Linux's GRO writes it). */
static bool valid_ipv4_tcp(const uint8_t *f, uint32_t len, bool check_csum)
{
	if (len >= ETH_HLEN && is_ip6(f))
		return valid_ipv6_tcp(f, len, check_csum);
	if (len < ETH_HLEN + 40u || load_be16(f + 12) != 0x0800u)
		return false;
	const uint8_t *ip = f + ETH_HLEN;
	uint32_t ip_hlen = (ip[0] & 0x0fu) * 4u, total = load_be16(ip + 2);
	if (total == 0u && len - ETH_HLEN > 65535u)
		total = len - ETH_HLEN;
	if ((ip[0] >> 4) != 4 || ip_hlen != 20u || ip[9] != 6 || total != len - ETH_HLEN)
		return false;
	if (!check_csum)
		return true;
	if (csum_fold(csum_partial(ip, 20, 0)) != 0xffffu)
		return false;
	uint32_t tcp_len = total - 20u;
	uint32_t sum = csum_tcp_pseudo(ip + 12, ip + 16, tcp_len);
	return csum_fold(csum_partial(ip + 20, tcp_len, sum)) == 0xffffu;
}

/* Make a mutated frame's checksums (and optionally IP length) right. */
static void fix_frame6(uint8_t *f, uint32_t len, bool fix_csum, bool fix_len)
{
	uint8_t *ip = f + ETH_HLEN;
	if (len < ETH_HLEN + 40u)
		return;
	if (fix_len)
		store_be16(ip + 4, (uint16_t)(len - ETH_HLEN - 40u));
	uint32_t tcp_len = load_be16(ip + 4);
	if (!fix_csum || ip[6] != 6 || tcp_len < 20u || ETH_HLEN + 40u + tcp_len > len)
		return;
	uint8_t *tcp = ip + 40;
	store_be16(tcp + 16, 0);
	uint32_t sum = csum_tcp6_pseudo(ip + 8, ip + 24, tcp_len);
	store_be16(tcp + 16, (uint16_t)~csum_fold(csum_partial(tcp, tcp_len, sum)));
}

static void fix_frame(uint8_t *f, uint32_t len, bool fix_csum, bool fix_len)
{
	if (len >= ETH_HLEN && is_ip6(f)) {
		fix_frame6(f, len, fix_csum, fix_len);
		return;
	}
	if (len < ETH_HLEN + 20u || load_be16(f + 12) != 0x0800u)
		return;
	uint8_t *ip = f + ETH_HLEN;
	uint32_t ip_hlen = (ip[0] & 0x0fu) * 4u;
	if (ip_hlen < 20u || ETH_HLEN + ip_hlen > len)
		return;
	if (fix_len)
		store_be16(ip + 2, (uint16_t)(len - ETH_HLEN));
	if (!fix_csum)
		return;
	store_be16(ip + 10, 0);
	store_be16(ip + 10, (uint16_t)~csum_fold(csum_partial(ip, ip_hlen, 0)));
	uint32_t total = load_be16(ip + 2);
	if (ip[9] != 6 || total < ip_hlen + 20u || ETH_HLEN + total > len)
		return;
	uint8_t *tcp = ip + ip_hlen;
	uint32_t tcp_len = total - ip_hlen;
	store_be16(tcp + 16, 0);
	uint32_t sum = csum_tcp_pseudo(ip + 12, ip + 16, tcp_len);
	store_be16(tcp + 16, (uint16_t)~csum_fold(csum_partial(tcp, tcp_len, sum)));
}

/* ---- one run ---- */

/* What the actions said, to hold against the engine's counters. */
struct tally {
	uint64_t frames, deliver_segs, acks, updates;
	uint64_t flush[LRO_FLUSH_REASONS];
	uint64_t pass[LRO_PASS_REASONS];
	uint64_t drop[LRO_DROP_REASONS];
};

struct run {
	struct lro_engine *eng;
	const struct lro_config *cfg;
	struct lro_out *out;
	struct given_set given;
	struct flows flows;
	struct tally t;
	uint8_t *agg;                  /* one flattened aggregate */
	uint64_t calls;                /* engine calls so far */
	uint64_t deliveries;
	uint8_t last[ETH_HLEN + IP6_HLEN + 4u]; /* the headers of the last frame given */
	uint32_t last_len;             /* 0: none */
};

#define SCAN_SLICE 32u

/* a BIG TCP aggregate, headers included */
#define AGG_BYTES (LRO_BIG_AGG_MAX + 256u)

static void check_deliver(struct run *r, const struct lro_action *a)
{
	CHECK(a->segs && a->n_segs >= 1);
	CHECK(a->buf == a->segs->frame);
	CHECK(a->reason < LRO_FLUSH_REASONS);
	uint64_t mark = ++r->deliveries;
	const struct lro_seg *first = a->segs;
	struct given *gf = given_find(&r->given, first->frame);
	CHECK(gf);
	uint32_t first_len = gf->len;
	CHECK(first_len >= ETH_HLEN + 40u);
	CHECK(a->reason < LRO_FLUSH_REASONS);
	r->t.flush[a->reason]++;
	r->t.deliver_segs += a->n_segs;
	uint32_t ip_hlen = ip_hlen_of(first->frame);
	uint32_t hdr = ETH_HLEN + ip_hlen + (uint32_t)(first->frame[ETH_HLEN + ip_hlen + 12u] >> 4) * 4u;
	CHECK(hdr <= first_len && hdr <= first->payload_off);
	memcpy(r->agg, first->frame, hdr);
	uint32_t at = hdr, n = 0, seq = first->seq;
	for (const struct lro_seg *s = a->segs; s; s = s->next) {
		CHECK(n < a->n_segs);
		struct given *g = given_find(&r->given, s->frame);
		CHECK(g);
		CHECK(g->mark != mark);        /* each buffer once (and no cycle) */
		g->mark = mark;
			/* a BIG TCP IPv6 head frame grew by its hop-by-hop header */
		uint32_t grown = s == first && ip_hlen_of(s->frame) > IP6_HLEN ? HBH_JUMBO_LEN : 0u;
		CHECK(s->frame_len == g->len + grown);
		CHECK(s->payload_len > 0);
		CHECK((uint32_t)s->payload_off + s->payload_len <= g->len + grown);
		CHECK((uint32_t)s->payload_off + s->payload_len <= LRO_FRAME_MAX);
		CHECK(s->seq == seq);
		CHECK(at + s->payload_len <= AGG_BYTES);
		memcpy(r->agg + at, s->frame + s->payload_off, s->payload_len);
		at += s->payload_len;
		seq += s->payload_len;
		n++;
	}
	CHECK(n == a->n_segs);
	CHECK(a->len == at);
	uint32_t ip_max = r->cfg->max_aggregate_bytes > 65535u ? r->cfg->max_aggregate_bytes : 65535u;
	CHECK(a->len - ETH_HLEN <= ip_max);
	/* DPDK hands a packet that merged with nothing over untouched, its
	 * checksums unverified */
	CHECK(valid_ipv4_tcp(r->agg, at, a->n_segs > 1 || lro_policy_get(r->cfg->policy)->verifies_csum));
	const uint8_t *tcp = r->agg + ETH_HLEN + ip_hlen;
	uint8_t tuple[TUPLE_BYTES];
	CHECK(load_be32(tcp + 4) == first->seq);
	if (r->cfg->policy != LRO_POLICY_PAPER)
		;                              /* no order promised (see the top) */
	else if (a->reason == LRO_FLUSH_TIMEOUT || a->reason == LRO_FLUSH_HELD_LIMIT ||
		 a->reason == LRO_FLUSH_RELEASE || a->reason == LRO_FLUSH_END)
		/* may hand over data past a gap: what fills the gap comes later */
		flow_forget(&r->flows, tuple_of(r->agg, tuple));
	else
		flow_delivered(&r->flows, tuple_of(r->agg, tuple), first->seq, seq);
	for (struct lro_seg *s = a->segs, *next; s; s = next) {
		next = s->next;                /* s lives in the buffer freed here */
		given_return(&r->given, given_find(&r->given, s->frame));
	}
}

/* Check and carry out the actions of the last engine call. */
static void take_actions(struct run *r)
{
	struct lro_out *out = r->out;
	CHECK(out->n <= LRO_OUT_MAX);
	for (unsigned i = 0; i < out->n; i++) {
		const struct lro_action *a = &out->a[i];
		struct given *g;
		switch (a->kind) {
		case LRO_ACT_PASS:
			g = given_find(&r->given, a->buf);
			CHECK(g);
			CHECK(a->len == g->len);
			CHECK(a->reason < LRO_PASS_REASONS);
			r->t.pass[a->reason]++;
			if (g->len >= ETH_HLEN + ip_hlen_of(a->buf) + 20u &&
			    (a->buf[ETH_HLEN + ip_hlen_of(a->buf) + 13u] & 0x07u) != 0) {
				uint8_t tuple[TUPLE_BYTES];
				flow_forget(&r->flows, tuple_of(a->buf, tuple)); /* SYN, FIN, RST */
			}
			given_return(&r->given, g);
			break;
		case LRO_ACT_FREE:
			g = given_find(&r->given, a->buf);
			CHECK(g);
			CHECK(a->reason < LRO_DROP_REASONS);
			r->t.drop[a->reason]++;
			given_return(&r->given, g);
			break;
		case LRO_ACT_ACK:
			CHECK(a->len == 54u || a->len == LRO_ACK_FRAME_BYTES || a->len == 74u ||
			      a->len == LRO_ACK6_FRAME_BYTES);
			CHECK(valid_ipv4_tcp(a->ack_frame, a->len, true));
			r->t.acks++;
			break;
		case LRO_ACT_DELIVER:
			check_deliver(r, a);
			break;
		default:
			fail("unknown action kind");
		}
	}
	if (++r->calls % 64u == 0)
		CHECK(lro_held_segments(r->eng) == r->given.n);
}

static const uint32_t thresholds[8] = { 64u * 1024u, 1, 1448, 3000, 8192, 20000, 65535,
					1048576 };
static const uint32_t conn_choices[16] = { 256, 1, 2, 3, 4, 8, 16, 64, 256, 1, 2, 4, 8, 32,
					   128, 1024 };
/* version 2 */
static const uint8_t policy_choices[8] = {
	LRO_POLICY_PAPER, LRO_POLICY_LINUX_GRO, LRO_POLICY_FREEBSD_LRO, LRO_POLICY_FREEBSD_SORTED,
	LRO_POLICY_DPDK_GRO, LRO_POLICY_PAPER, LRO_POLICY_LINUX_GRO, LRO_POLICY_DPDK_GRO,
};
static const uint8_t ack_choices[4] = { LRO_ACK_ON, LRO_ACK_OFF, LRO_ACK_SAFE, LRO_ACK_SAFE };
static const uint8_t rule_choices[4] = { LRO_TIMEOUT_PAPER, LRO_TIMEOUT_FLOOR, LRO_TIMEOUT_GAP,
					 LRO_TIMEOUT_PAPER };
static const uint32_t agg_choices[4] = { 65535u, 65535u, 262144u, LRO_BIG_AGG_MAX };
static const uint32_t burst_choices[16] = { 0, 1, 2, 3, 4, 5, 8, 16, 24, 32, 63, 64, 65, 128,
					    255, 256 };

/* The configuration an input's header chooses; returns the header's bytes,
 * 0 if the input is too short. *burst: frames per burst the harness ends
 * (0: the policy's own). */
static size_t read_config(const uint8_t *data, size_t size, struct lro_config *cfg,
			  uint32_t *burst)
{
	lro_config_default(cfg);
	*burst = 0;
	if (size >= 5 && data[0] == V2_MARK) {
		cfg->policy = policy_choices[data[1] & 7u];
		cfg->active_ack = ack_choices[(data[1] >> 3) & 3u];
		if (data[1] & 0x20u)
			cfg->mode = LRO_MODE_NIC;
		cfg->timeout_rule = rule_choices[data[1] >> 6];
		cfg->threshold_bytes = thresholds[data[2] & 7u];
		cfg->max_conns = conn_choices[(data[2] >> 3) & 15u];
		cfg->table_buckets = 1;
		while (!(data[2] & 0x80u) && cfg->table_buckets < cfg->max_conns &&
		       cfg->table_buckets < 256)
			cfg->table_buckets *= 2;
		cfg->timeout_factor = data[3] & 63u;
		cfg->max_aggregate_bytes = agg_choices[data[3] >> 6];
		cfg->flush_timeout_ns = (data[4] & 15u) ? 1u << ((data[4] & 15u) + 6u) : 0u;
		*burst = burst_choices[data[4] >> 4];
		return 5;
	}
	if (size < 2)
		return 0;
	if ((data[0] & 3u) == 3u)
		cfg->mode = LRO_MODE_NIC;
	cfg->active_ack = !(data[0] & 4u);
	cfg->threshold_bytes = thresholds[(data[0] >> 3) & 7u];
	cfg->max_conns = conn_choices[(data[0] >> 6) | ((data[1] >> 6) << 2)];
	cfg->table_buckets = 1;
	while (cfg->table_buckets < cfg->max_conns && cfg->table_buckets < 256)
		cfg->table_buckets *= 2;
	cfg->timeout_factor = data[1] & 63u;
	return 2;
}

/* The poll or burst ended: the policy flushes, in as many calls as it asks. */
static void burst_end(struct run *r)
{
	bool more;
	do {
		more = lro_burst_end(r->eng, r->out);
		CHECK(!more || r->out->n > 0);     /* progress each time */
		take_actions(r);
	} while (more);
}

/* Set a host frame's addresses and ports to those of the last frame given,
 * mirrored (the host answers its peer), when both are TCP of one family
 * with plain IP headers. */
static void mirror_last(const struct run *r, uint8_t *f, uint32_t len)
{
	const uint8_t *l = r->last;
	if (r->last_len == 0 || len < ETH_HLEN + 20u || load_be16(f + 12) != load_be16(l + 12))
		return;
	uint32_t addr_off, addr_len, ip_hlen;
	if (is_ip6(l)) {
		addr_off = ETH_HLEN + 8u;
		addr_len = 16u;
		ip_hlen = IP6_HLEN;
	} else if (load_be16(l + 12) == 0x0800u && (l[ETH_HLEN] & 0x0fu) == 5u &&
		   (f[ETH_HLEN] & 0x0fu) == 5u) {
		addr_off = ETH_HLEN + 12u;
		addr_len = 4u;
		ip_hlen = 20u;
	} else {
		return;
	}
	if (r->last_len < ETH_HLEN + ip_hlen + 4u || len < ETH_HLEN + ip_hlen + 4u)
		return;
	memcpy(f, l + 6, 6);
	memcpy(f + 6, l, 6);
	memcpy(f + addr_off, l + addr_off + addr_len, addr_len);
	memcpy(f + addr_off + addr_len, l + addr_off, addr_len);
	memcpy(f + ETH_HLEN + ip_hlen, l + ETH_HLEN + ip_hlen + 2u, 2);
	memcpy(f + ETH_HLEN + ip_hlen + 2u, l + ETH_HLEN + ip_hlen, 2);
}

/* A frame the host sent, through the safe active ACK's tx path. A window
 * update goes to the host's peer as if from the host: a valid ACK frame
 * with the host frame's addresses and ports. */
static void host_frame(struct run *r, const uint8_t *bytes, uint32_t len, bool mirror)
{
	uint8_t *f = malloc(len ? len : 1u);   /* exact size: ASan bounds the parse */
	if (!f)
		abort();
	memcpy(f, bytes, len);
	if (mirror)
		mirror_last(r, f, len);
	struct lro_host_seg h;
	if (lro_host_seg_parse(f, len, &h)) {
		struct lro_action upd;
		enum lro_host_note n = lro_note_host_seg(r->eng, &h, &upd);
		CHECK(n == LRO_HOST_UNKNOWN_FLOW || n == LRO_HOST_NOTED ||
		      n == LRO_HOST_WINDOW_UPDATE);
		if (n == LRO_HOST_WINDOW_UPDATE) {
			r->t.updates++;
			CHECK(upd.len == 54u || upd.len == LRO_ACK_FRAME_BYTES || upd.len == 74u ||
			      upd.len == LRO_ACK6_FRAME_BYTES);
			CHECK(valid_ipv4_tcp(upd.ack_frame, upd.len, true));
			CHECK(is_ip6(upd.ack_frame) == (h.ip6 != 0));
			uint32_t ip_hlen = h.ip6 ? IP6_HLEN : 20u;
			uint32_t addrs = h.ip6 ? ETH_HLEN + 8u : ETH_HLEN + 12u;
			uint32_t n_addr = h.ip6 ? 32u : 8u;
			CHECK(!memcmp(upd.ack_frame + addrs, f + addrs, n_addr));
			CHECK(!memcmp(upd.ack_frame + ETH_HLEN + ip_hlen, f + ETH_HLEN + ip_hlen, 4));
			CHECK(upd.ack_frame[ETH_HLEN + ip_hlen + 13u] & LRO_TCP_ACK);
		}
	}
	free(f);
}

/* Flush every descriptor whose timer ran out at now, found as the timeout
 * thread finds them (lro_next_timed_out), which must agree with
 * lro_conn_timed_out on every descriptor it passes and names. */
static void scan_all(struct run *r, uint32_t cap, uint64_t now)
{
	for (uint32_t c = 0; c < cap; c++) {
		uint32_t next = lro_next_timed_out(r->eng, c, now);
		CHECK(next >= c && next <= cap);
		for (; c < next; c++)
			CHECK(!lro_conn_timed_out(r->eng, c, now));
		if (next == cap)
			break;
		CHECK(lro_conn_timed_out(r->eng, next, now));
		lro_flush_conn(r->eng, next, LRO_FLUSH_TIMEOUT, r->out);
		take_actions(r);
	}
}

/* The engine's counters against what its actions said. */
static void check_counters(const struct run *r)
{
	const struct lro_counters *c = lro_engine_counters(r->eng);
	const struct tally *t = &r->t;
	uint64_t flushes = 0, passes = 0, drops = 0;
	for (unsigned k = 0; k < LRO_FLUSH_REASONS; k++) {
		CHECK(c->flush[k] == t->flush[k]);
		flushes += t->flush[k];
	}
	for (unsigned k = 0; k < LRO_PASS_REASONS; k++) {
		CHECK(c->pass[k] == t->pass[k]);
		passes += t->pass[k];
	}
	for (unsigned k = 0; k < LRO_DROP_REASONS; k++) {
		CHECK(c->drop[k] == t->drop[k]);
		drops += t->drop[k];
	}
	CHECK(c->frames_in == t->frames);
	CHECK(c->deliveries == flushes && c->deliveries == r->deliveries);
	CHECK(c->delivered_segments == t->deliver_segs);
	CHECK(c->acks_sent == t->acks);
	CHECK(c->ack_window_updates == t->updates);
	/* nothing held any more: every frame went up once, alone or merged */
	CHECK(t->frames == passes + drops + t->deliver_segs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lro_out *out;
	static uint8_t *agg;
	if (!out) {
		out = malloc(sizeof *out);
		agg = malloc(AGG_BYTES);
		if (!out || !agg)
			abort();
	}
	struct lro_config cfg;
	uint32_t burst;
	size_t i = read_config(data, size, &cfg, &burst);
	if (i == 0)
		return 0;
	bool v2 = i == 5;

	struct run *r = calloc(1, sizeof *r);
	void *mem = malloc(lro_engine_bytes(&cfg));
	if (!r || !mem)
		abort();
	r->eng = lro_engine_init(mem, &cfg);
	r->cfg = lro_engine_config(r->eng);
	r->out = out;
	r->agg = agg;
	given_grow(&r->given);
	if (burst == 0)
		burst = lro_burst_frames(r->eng);

	uint64_t now = 0;
	uint32_t cap = lro_conn_capacity(r->eng), scan = 0, in_burst = 0;
	while (i < size) {
		uint8_t op = data[i++];
		unsigned kind;
		if (v2) {
			if (op >> 4)
				now += 1ull << (2u * (op >> 4) - 2u);
			kind = op & 15u;
			if (kind >= 12u)
				kind -= 12u;
		} else {
			if (op >> 3)
				now += 1ull << ((op >> 3) - 1u);
			kind = op & 7u;
		}
		if (kind <= 3u || kind == 9u || kind == 10u) {
			if (size - i < 2)
				break;
			uint32_t len = load_be16(data + i);
			i += 2;
			if (len > LRO_FRAME_MAX)
				len = LRO_FRAME_MAX;
			if (len > size - i)
				len = (uint32_t)(size - i);
			if (kind >= 9u) {
				host_frame(r, data + i, len, kind == 10u);
				i += len;
				continue;
			}
			uint8_t *buf = buf_get();
			memcpy(buf, data + i, len);
			i += len;
			fix_frame(buf, len, kind & 1u, kind & 2u);
			given_add(&r->given, buf, len);
			r->t.frames++;
			r->last_len = len < sizeof r->last ? len : (uint32_t)sizeof r->last;
			memcpy(r->last, buf, r->last_len);
			lro_input(r->eng, buf, len, now, r->out);
			take_actions(r);
			CHECK(lro_engine_counters(r->eng)->frames_in == r->t.frames);
			if (burst && ++in_burst >= burst) {
				in_burst = 0;
				burst_end(r);
			}
			continue;
		}
		if (kind == 4u) {
			for (uint32_t n = 0; n < SCAN_SLICE && n < cap; n++) {
				uint32_t c = scan++ % cap;
				if (!lro_conn_timed_out(r->eng, c, now))
					continue;
				lro_flush_conn(r->eng, c, LRO_FLUSH_TIMEOUT, r->out);
				take_actions(r);
			}
			continue;
		}
		if (kind == 8u) {
			in_burst = 0;
			burst_end(r);
			continue;
		}
		if (kind == 11u) {
			uint64_t next = UINT64_MAX;
			for (uint32_t c = 0; c < cap; c++) {
				uint64_t at = lro_conn_timeout_at(r->eng, c);
				if (at > now && at < next)
					next = at;
			}
			if (next != UINT64_MAX)
				now = next;
			scan_all(r, cap, now);
			continue;
		}
		if (i >= size)
			break;
		uint8_t arg = data[i++];
		if (kind == 5u) {
			lro_flush_conn(r->eng, arg, LRO_FLUSH_TIMEOUT, r->out);
		} else if (kind == 6u) {
			lro_release_conn(r->eng, arg, r->out);
		} else {
			lro_drain_conn(r->eng, arg % cap, r->out);
		}
		take_actions(r);
		if (kind == 7u)
			r->flows.n = 0;        /* past a gap: order is no longer promised */
	}
	const struct lro_counters *c = lro_engine_counters(r->eng);
	CHECK(c->conns_opened - c->conns_closed <= cap);
	burst_end(r);                          /* before the drain (firmware/lro.h) */
	for (uint32_t k = 0; k < cap; k++) {
		lro_drain_conn(r->eng, k, r->out);
		take_actions(r);
	}
	CHECK(lro_held_segments(r->eng) == 0);
	CHECK(r->given.n == 0);
	check_counters(r);
	free(r->given.slot);
	free(mem);
	free(r);
	return 0;
}
