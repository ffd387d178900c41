/* firmware/lro.c - the LRO engine: filter, connection table, reorder,
 * rebuild, active ACK and receive timeout (paper sections IV and V.C).
 *
 * Per connection the held segments form a list sorted by sequence number
 * (paper Fig. 5, Algorithms 1-3). Invariants, all sequence arithmetic
 * modulo 2^32:
 *   - run_start <= nextseq; bytes [run_start, nextseq) are accepted,
 *     contiguous, and held (not yet delivered);
 *   - every held segment lies at or after run_start, segments never
 *     overlap, and those before nextseq are exactly the contiguous run;
 *   - a byte below run_start has been delivered to the host;
 *   - tail is the last held segment; ordered is true only if the held
 *     seqs, as offsets from the head's, rise along the list and stay below
 *     2^31 (host speed only: an in-order segment then goes after the tail
 *     without reading the list; Algorithm 2's steps are charged the same);
 *   - recent[] holds no invariant: it names segments taken lately, only
 *     for prefetching (a stale entry costs a useless prefetch);
 *   - with has_ahead, bytes [ahead_start, ahead_end) lie past nextseq and
 *     were handed to the host early; a held segment overlaps them only by
 *     spanning them whole; when nextseq reaches ahead_start it jumps to
 *     ahead_end, when a spanning segment takes it past, the range is
 *     forgotten.
 */
#include "firmware/lro.h"

#include <string.h>
#include "firmware/csum.h"
#include "firmware/hal.h"
#include "firmware/lro_policy.h"

#define ETH_HLEN 14u
#define ETH_P_IPV4 0x0800u
#define ETH_P_IPV6 0x86ddu
#define IP6_HLEN 40u
#define IP6_HBH_JUMBO_LEN 8u           /* hop-by-hop header with a jumbo payload option */
#define NEXTHDR_HOP 0u
#define NEXTHDR_ROUTING 43u
#define NEXTHDR_FRAGMENT 44u
#define NEXTHDR_AH 51u
#define NEXTHDR_DEST 60u
#define IPPROTO_TCP_NUM 6u
#define TCP_FIN 0x01u
#define TCP_SYN 0x02u
#define TCP_RST 0x04u
#define TCP_PSH 0x08u
#define TCP_ACK 0x10u
#define TCP_URG 0x20u
/* The segment record sits past the largest frame in the packet buffer. */
#define SEG_OFFSET LRO_FRAME_MAX
/* Segments a connection remembers to prefetch at delivery (power of two):
 * an aggregate of 1,448-byte segments has 45. */
#define LRO_RECENT 64u

struct lro_conn {
	struct lro_conn *hash_next;
	struct lro_conn *free_next;
	uint32_t saddr, daddr;         /* host-order copies of the 4-tuple (IPv6: folded) */
	uint16_t sport, dport;
	uint32_t saddr6[4], daddr6[4]; /* IPv6: the whole addresses */
	uint8_t ip6;                   /* an IPv6 flow */
	uint32_t index;
	uint32_t nextseq;              /* end of the accepted contiguous data */
	uint32_t run_start;            /* first accepted byte not yet delivered */
	struct lro_seg *held;          /* sorted by seq */
	struct lro_seg *tail;          /* last held segment (if held) */
	uint32_t n_held;
	uint8_t ordered;               /* held seqs, as offsets from the head's, rise and stay below 2^31 */
	uint32_t n_recent;             /* segments noted in recent[] (mod LRO_RECENT) */
	struct lro_seg *recent[LRO_RECENT]; /* the last segments taken: prefetch hints */
	uint64_t last_arrival_ns;
	uint64_t average_interval_ns;
	uint32_t isn;                  /* the SYN's sequence number */
	uint32_t ahead_start, ahead_end; /* handed to the host past a gap (has_ahead) */
	uint8_t has_ahead;
	uint8_t in_use;
	/* the safe active ACK: the host's window, written by the tx thread
	 * (lro_note_host_seg); acked, by the rx thread */
	uint32_t host_ack;             /* the host's latest ACK number */
	uint32_t host_right;           /* host_ack + window << host_wscale */
	uint32_t acked;                /* the highest ACK number the engine sent */
	uint32_t adv_right;            /* the right edge its last ACK offered the sender */
	uint32_t seg_max;              /* the flow's largest segment payload */
	uint32_t host_tsval;           /* the host's latest TSval (host_ts_known) */
	uint8_t host_wscale;           /* from the SYN-ACK */
	uint8_t window_known;          /* the SYN-ACK was seen: host_right holds */
	uint8_t host_ts_known;         /* a host segment with timestamps was seen */
	/* other policies: an entry lives while it holds an aggregate */
	uint64_t held_since_ns;        /* arrival of the aggregate's first segment */
	uint32_t serial;               /* order in which entries started: the oldest is evicted */
};

struct lro_engine {
	struct lro_config cfg;
	struct lro_counters c;
	struct lro_conn *conns;
	struct lro_conn **table;
	struct lro_conn *free_head, *free_tail;
	const struct lro_policy *pol;  /* its decision rules (firmware/lro_policy.h) */
	uint32_t flows_holding;        /* other policies: entries holding an aggregate */
	uint32_t next_serial;
	struct lro_seg *refused_head, *refused_tail; /* DPDK burst mode: frames not taken */
	uint32_t n_refused;
	struct lro_queued *sorted;     /* sorts_burst: the burst's frames, in arrival order
					* until the burst ends, then by (key, index) */
	struct lro_queued *sorted_tail;
	uint32_t n_sorted, sort_index; /* frames queued; arrival index of the next */
	uint32_t sort_key;             /* flow being merged at the burst's end (sort_started) */
	uint8_t sort_started;
	uint8_t sort_pending;          /* frames queued since the list was last sorted */
};

static void policy_flush_flow(struct lro_engine *e, struct lro_conn *k,
			      enum lro_flush_reason why, struct lro_out *out);

/* Sequence comparison modulo 2^32 (RFC 793). */
static inline bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool seq_le(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }

void lro_config_default(struct lro_config *c)
{
	c->mode = LRO_MODE_LRO;
	c->threshold_bytes = 64u * 1024u;
	c->active_ack = true;
	c->ack_window = 0xffffu;
	c->timeout_factor = 10;
	c->timeout_rule = LRO_TIMEOUT_PAPER;
	c->timeout_floor_ns = 100000;
	c->timeout_gap_ns = 1000000;
	c->max_conns = 256;
	c->table_buckets = 256;
	c->policy = LRO_POLICY_PAPER;
	c->flush_timeout_ns = 0;
	c->max_aggregate_bytes = 65535;
}

static size_t align8(size_t n)
{
	return (n + 7u) & ~(size_t)7u;
}

size_t lro_engine_bytes(const struct lro_config *c)
{
	return align8(sizeof(struct lro_engine)) + align8(c->max_conns * sizeof(struct lro_conn)) +
	       align8(c->table_buckets * sizeof(struct lro_conn *));
}

static void free_queue_put(struct lro_engine *e, struct lro_conn *k)
{
	k->free_next = NULL;
	if (e->free_tail)
		e->free_tail->free_next = k;
	else
		e->free_head = k;
	e->free_tail = k;
}

static struct lro_conn *free_queue_take(struct lro_engine *e)
{
	struct lro_conn *k = e->free_head;
	if (k) {
		e->free_head = k->free_next;
		if (!e->free_head)
			e->free_tail = NULL;
	}
	return k;
}

struct lro_engine *lro_engine_init(void *mem, const struct lro_config *c)
{
	uint8_t *p = mem;
	memset(mem, 0, lro_engine_bytes(c));
	struct lro_engine *e = (struct lro_engine *)p;
	p += align8(sizeof *e);
	e->cfg = *c;
	e->pol = lro_policy_get(c->policy);
	e->conns = (struct lro_conn *)p;
	p += align8(c->max_conns * sizeof(struct lro_conn));
	e->table = (struct lro_conn **)p;
	for (uint32_t i = 0; i < c->max_conns; i++) {
		e->conns[i].index = i;
		free_queue_put(e, &e->conns[i]);
	}
	return e;
}

const struct lro_counters *lro_engine_counters(const struct lro_engine *e) { return &e->c; }
const struct lro_config *lro_engine_config(const struct lro_engine *e) { return &e->cfg; }
uint32_t lro_conn_capacity(const struct lro_engine *e) { return e->cfg.max_conns; }

/* ---- output ---- */

static struct lro_action *emit(struct lro_out *out, enum lro_action_kind kind)
{
	struct lro_action *a = &out->a[out->n++];
	a->kind = kind;
	a->segs = NULL;
	a->n_segs = 0;
	return a;
}

static void emit_buf(struct lro_out *out, enum lro_action_kind kind, uint8_t *buf,
		     uint32_t len, uint8_t reason)
{
	struct lro_action *a = emit(out, kind);
	a->buf = buf;
	a->len = len;
	a->reason = reason;
}

static void pass(struct lro_engine *e, struct lro_out *out, uint8_t *buf, uint32_t len,
		 enum lro_pass_reason why)
{
	e->c.pass[why]++;
	emit_buf(out, LRO_ACT_PASS, buf, len, (uint8_t)why);
}

static void drop(struct lro_engine *e, struct lro_out *out, uint8_t *buf,
		 enum lro_drop_reason why)
{
	e->c.drop[why]++;
	emit_buf(out, LRO_ACT_FREE, buf, 0, (uint8_t)why);
}

/* ---- parsing ---- */

struct parsed {
	uint32_t ip_off, ip_hlen, tcp_off, tcp_hlen, payload_off, payload_len;
	uint32_t odd;                  /* LRO_PASS_REASONS, or why the frame may not be merged */
	uint8_t extent_known;          /* payload_len is the segment's (not a fragment's) */
	uint32_t saddr, daddr, seq, ack, tsval, tsecr;
	uint32_t saddr6[4], daddr6[4]; /* IPv6: the addresses; saddr, daddr fold them */
	uint8_t ip6;                   /* an IPv6 frame */
	uint32_t payload_sum;          /* ones' complement sum of the payload */
	uint16_t sport, dport, window;
	uint8_t flags, has_ts, other_opts;
};

/* A frame waiting for its burst to be sorted (sorts_burst policies), in
 * its packet buffer's tail like a held segment. */
struct lro_queued {
	struct lro_seg seg;            /* frame, frame_len, next (a struct lro_queued) */
	struct parsed p;
	uint64_t now_ns;
	uint32_t key;                  /* flow hash: the NIC's RSS flowid */
	uint32_t index;                /* arrival order within the burst */
	uint8_t tcp;                   /* parsed as TCP; else passed at its turn */
	uint8_t pass_reason;
};
_Static_assert(sizeof(struct lro_queued) <= HAL_PKT_BUF_BYTES - LRO_FRAME_MAX,
	       "a queued frame's record fits its buffer's tail");

/* Timestamps are the only TCP option LRO keeps (paper section II): find
 * them; note any other option except NOP/EOL. */
static void parse_tcp_options(const uint8_t *opt, uint32_t len, struct parsed *p)
{
	uint32_t i = 0;
	while (i < len) {
		uint8_t kind = opt[i];
		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len) {
			p->other_opts = 1;     /* malformed: let the host judge */
			return;
		}
		if (kind == 8 && opt[i + 1] == 10) {
			p->has_ts = 1;
			p->tsval = load_be32(opt + i + 2);
			p->tsecr = load_be32(opt + i + 6);
		} else {
			p->other_opts = 1;
		}
		i += opt[i + 1];
	}
}

enum parse_result { PARSE_TCP, PARSE_PASS, PARSE_DROP };

static enum parse_result parse_tcp(const struct lro_engine *e, const uint8_t *f,
				   struct parsed *p, uint32_t tcp_len, uint32_t sum, uint32_t *why);

/* A first fragment's TCP header (at p->tcp_off, piece_len bytes of TCP in
 * it): enough of it to keep the flow consistent; where its data ends is
 * unknown. */
static enum parse_result parse_first_fragment(const uint8_t *f, struct parsed *p,
					      uint32_t piece_len)
{
	const uint8_t *tcp = f + p->tcp_off;
	p->odd = LRO_PASS_FRAGMENT;
	p->extent_known = 0;
	p->sport = load_be16(tcp);
	p->dport = load_be16(tcp + 2);
	p->seq = load_be32(tcp + 4);
	p->flags = tcp[13];
	p->payload_len = piece_len - 20u;  /* of this piece; the whole is unknown */
	return PARSE_TCP;
}

/* IPv6 (RFC 8200): no header checksum; the TCP checksum covers the IPv6
 * pseudo header. Extension headers are walked to the TCP header (so that a
 * segment passed through keeps its flow consistent) but never merged: the
 * frame passes as LRO_PASS_IPV6_EXTHDR, a fragment as LRO_PASS_FRAGMENT.
 * Linux's ipv6_gro_receive (net/ipv6/ip6_offload.c) steps over hop-by-hop,
 * routing and destination-options headers and merges only segments whose
 * headers are byte for byte the same (never across a fragment or AH header);
 * this engine merges across none. */
static enum parse_result parse_ip6(const struct lro_engine *e, const uint8_t *f, uint32_t len,
				   struct parsed *p, uint32_t *why)
{
	const uint8_t *ip = f + ETH_HLEN;
	if (len < ETH_HLEN + IP6_HLEN || (ip[0] >> 4) != 6) {
		*why = LRO_PASS_NOT_IPV4;
		return PARSE_PASS;
	}
	uint32_t plen = load_be16(ip + 4);
	if (plen == 0 && ip[6] == NEXTHDR_HOP) {
		*why = LRO_PASS_IPV6_EXTHDR;   /* a jumbogram (RFC 2675): never on this wire */
		return PARSE_PASS;
	}
	uint32_t end = ETH_HLEN + IP6_HLEN + plen;
	if (end > len) {
		*why = LRO_DROP_TRUNCATED;
		return PARSE_DROP;
	}
	p->ip6 = 1;
	for (int i = 0; i < 4; i++) {
		p->saddr6[i] = load_be32(ip + 8 + 4 * i);
		p->daddr6[i] = load_be32(ip + 24 + 4 * i);
	}
	/* the hash and the quick compare read one word of each address */
	p->saddr = p->saddr6[0] ^ p->saddr6[1] ^ p->saddr6[2] ^ p->saddr6[3];
	p->daddr = p->daddr6[0] ^ p->daddr6[1] ^ p->daddr6[2] ^ p->daddr6[3];
	uint32_t nh = ip[6], off = ETH_HLEN + IP6_HLEN;
	bool first_fragment = false;
	while (nh != IPPROTO_TCP_NUM) {
		if (off + 8u > end) {
			*why = LRO_DROP_TRUNCATED;
			return PARSE_DROP;
		}
		if (nh == NEXTHDR_FRAGMENT) {
			uint32_t fo = load_be16(f + off + 2);
			*why = LRO_PASS_FRAGMENT;
			if ((fo & 0xfff8u) != 0)
				return PARSE_PASS;     /* no TCP header in it */
			first_fragment = (fo & 1u) != 0;
			p->odd = LRO_PASS_FRAGMENT;
			nh = f[off];
			off += 8u;
			continue;
		}
		if (nh != NEXTHDR_HOP && nh != NEXTHDR_ROUTING && nh != NEXTHDR_DEST &&
		    nh != NEXTHDR_AH) {
			*why = LRO_PASS_NOT_TCP;   /* ESP, no next header, another protocol */
			return PARSE_PASS;
		}
		uint32_t hl = nh == NEXTHDR_AH ? (f[off + 1] + 2u) * 4u : (f[off + 1] + 1u) * 8u;
		if (off + hl > end) {
			*why = LRO_DROP_TRUNCATED;
			return PARSE_DROP;
		}
		if (p->odd != LRO_PASS_FRAGMENT)
			p->odd = LRO_PASS_IPV6_EXTHDR;
		nh = f[off];
		off += hl;
	}
	p->ip_off = ETH_HLEN;
	p->ip_hlen = off - ETH_HLEN;
	p->tcp_off = off;
	uint32_t tcp_len = end - off;
	if (first_fragment) {
		*why = LRO_PASS_FRAGMENT;
		if (tcp_len < 20u)
			return PARSE_PASS;
		return parse_first_fragment(f, p, tcp_len);
	}
	return parse_tcp(e, f, p, tcp_len, csum_tcp6_pseudo(ip + 8, ip + 24, tcp_len), why);
}

static enum parse_result parse(struct lro_engine *e, const uint8_t *f, uint32_t len,
			       struct parsed *p, uint32_t *why)
{
	hal_cost(HAL_COST_PARSE, 1);
	hal_mem(1);                    /* the headers' cache line */
	/* the fields a TCP frame may leave unset (callers read the others
	 * only after PARSE_TCP, which sets them all) */
	p->has_ts = 0;
	p->other_opts = 0;
	p->odd = len > LRO_FRAME_MAX ? LRO_PASS_JUMBO : LRO_PASS_REASONS;
	p->extent_known = 1;
	p->tsval = 0;
	p->tsecr = 0;
	p->ip6 = 0;
	if (len >= ETH_HLEN && load_be16(f + 12) == ETH_P_IPV6)
		return parse_ip6(e, f, len, p, why);
	if (len < ETH_HLEN || load_be16(f + 12) != ETH_P_IPV4) {
		*why = LRO_PASS_NOT_IPV4;
		return PARSE_PASS;
	}
	p->ip_off = ETH_HLEN;
	const uint8_t *ip = f + ETH_HLEN;
	if (len < ETH_HLEN + 20u || (ip[0] >> 4) != 4) {
		*why = LRO_PASS_NOT_IPV4;
		return PARSE_PASS;
	}
	p->ip_hlen = (ip[0] & 0x0fu) * 4u;
	uint32_t ip_total = load_be16(ip + 2);
	if (p->ip_hlen < 20u || ip_total < p->ip_hlen || ETH_HLEN + ip_total > len) {
		*why = LRO_DROP_TRUNCATED;
		return PARSE_DROP;
	}
	bool ip_ok = p->ip_hlen == 20u ? csum_ip20_ok(ip)
				       : csum_fold(csum_partial(ip, p->ip_hlen, 0)) == 0xffffu;
	if (!ip_ok) {
		*why = LRO_DROP_BAD_IP_CSUM;
		return PARSE_DROP;
	}
	if (ip[9] != IPPROTO_TCP_NUM) {
		*why = LRO_PASS_NOT_TCP;
		return PARSE_PASS;
	}
	/* IP options and fragments pass untouched, but the TCP header is read
	 * (a first fragment's too) so that the flow stays consistent */
	if (p->ip_hlen != 20u)
		p->odd = LRO_PASS_IP_OPTIONS;
	uint32_t frag = load_be16(ip + 6) & 0x3fffu;  /* MF or a fragment offset */
	p->tcp_off = ETH_HLEN + p->ip_hlen;
	uint32_t tcp_len = ip_total - p->ip_hlen;
	if (frag != 0) {
		*why = LRO_PASS_FRAGMENT;
		if ((frag & 0x1fffu) != 0 || tcp_len < 20u)
			return PARSE_PASS;             /* no TCP header in it */
		p->saddr = load_be32(ip + 12);
		p->daddr = load_be32(ip + 16);
		return parse_first_fragment(f, p, tcp_len);
	}
	p->saddr = load_be32(ip + 12);
	p->daddr = load_be32(ip + 16);
	return parse_tcp(e, f, p, tcp_len, csum_tcp_pseudo(ip + 12, ip + 16, tcp_len), why);
}

/* The TCP header at p->tcp_off, tcp_len bytes with what follows it; sum is
 * the pseudo header's (either family). */
static enum parse_result parse_tcp(const struct lro_engine *e, const uint8_t *f,
				   struct parsed *p, uint32_t tcp_len, uint32_t sum, uint32_t *why)
{
	const uint8_t *tcp = f + p->tcp_off;
	if (tcp_len < 20u || (p->tcp_hlen = (uint32_t)(tcp[12] >> 4) * 4u) < 20u ||
	    p->tcp_hlen > tcp_len) {
		*why = LRO_DROP_TRUNCATED;
		return PARSE_DROP;
	}
	p->payload_off = p->tcp_off + p->tcp_hlen;
	p->payload_len = tcp_len - p->tcp_hlen;
	/* Verify the TCP checksum; costs one step per 8 bytes plus the cache
	 * lines of the payload, which are not in cache on arrival. */
	hal_cost(HAL_COST_CSUM_8B, (tcp_len + 7u) / 8u);
	hal_mem((p->payload_len + 31u) / 32u);
	sum = csum_partial(tcp, p->tcp_hlen, sum);
	p->payload_sum = csum_partial(f + p->payload_off, p->payload_len, 0);
	sum = csum_add_at(sum, p->payload_sum, 0);
	/* (DPDK's GRO checks no checksum: the policy says) */
	if (csum_fold(sum) != 0xffffu && e->pol->verifies_csum) {
		*why = LRO_DROP_BAD_TCP_CSUM;
		return PARSE_DROP;
	}
	p->sport = load_be16(tcp);
	p->dport = load_be16(tcp + 2);
	p->seq = load_be32(tcp + 4);
	p->ack = load_be32(tcp + 8);
	p->flags = tcp[13];
	p->window = load_be16(tcp + 14);
	const uint8_t *opt = tcp + 20;
	if (p->tcp_hlen == 32u && opt[0] == 1 && opt[1] == 1 && opt[2] == 8 && opt[3] == 10) {
		/* what Linux sends on every segment: NOP, NOP, timestamps (the
		 * loop below reads it the same way) */
		p->has_ts = 1;
		p->tsval = load_be32(opt + 4);
		p->tsecr = load_be32(opt + 8);
	} else {
		parse_tcp_options(opt, p->tcp_hlen - 20u, p);
	}
	return PARSE_TCP;
}

/* ---- connection table ---- */

static uint32_t tuple_hash(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport)
{
	uint32_t h = saddr * 0x9e3779b1u;
	h ^= daddr + 0x7f4a7c15u + (h << 6) + (h >> 2);
	h ^= ((uint32_t)sport << 16 | dport) + 0x165667b1u + (h << 6) + (h >> 2);
	return h;
}

static struct lro_conn **bucket_of(struct lro_engine *e, const struct parsed *p)
{
	hal_cost(HAL_COST_HASH, 1);
	uint32_t h = tuple_hash(p->saddr, p->daddr, p->sport, p->dport);
	return &e->table[h & (e->cfg.table_buckets - 1u)];
}

static struct lro_conn *lookup(struct lro_engine *e, const struct parsed *p)
{
	for (struct lro_conn *k = *bucket_of(e, p); k; k = k->hash_next) {
		hal_cost(HAL_COST_HASH_PROBE, 1);
		hal_mem(1);
		if (k->saddr == p->saddr && k->daddr == p->daddr && k->sport == p->sport &&
		    k->dport == p->dport && k->ip6 == p->ip6 &&
		    (!p->ip6 || (!memcmp(k->saddr6, p->saddr6, sizeof k->saddr6) &&
				 !memcmp(k->daddr6, p->daddr6, sizeof k->daddr6))))
			return k;
	}
	return NULL;
}

static void conn_free(struct lro_engine *e, struct lro_conn *k)
{
	k->has_ahead = 0;
	hal_cost(HAL_COST_DESC, 1);
	struct parsed key = { .saddr = k->saddr, .daddr = k->daddr, .sport = k->sport,
			      .dport = k->dport };
	for (struct lro_conn **pp = bucket_of(e, &key); *pp; pp = &(*pp)->hash_next) {
		if (*pp == k) {
			*pp = k->hash_next;
			break;
		}
	}
	k->in_use = 0;
	k->held = NULL;
	k->n_held = 0;
	e->c.conns_closed++;
	free_queue_put(e, k);
}

/* ---- delivery ---- */

static uint32_t seg_end(const struct lro_seg *s)
{
	return s->seq + s->payload_len;
}

static bool frame_is_ip6(const uint8_t *frame)
{
	return load_be16(frame + 12) == ETH_P_IPV6;
}

/* IP header bytes of a held segment: 20 (options never merge), 40 for IPv6
 * (extension headers never merge), 48 once a BIG TCP rebuild put the
 * jumbo payload option in. */
static uint32_t seg_ip_hlen(const struct lro_seg *s)
{
	if (!frame_is_ip6(s->frame))
		return 20u;
	return s->frame[ETH_HLEN + 6u] == NEXTHDR_HOP ? IP6_HLEN + IP6_HBH_JUMBO_LEN : IP6_HLEN;
}

static uint32_t seg_hdr_len(const struct lro_seg *s)
{
	uint32_t ip_hlen = seg_ip_hlen(s);
	return ETH_HLEN + ip_hlen + (uint32_t)(s->frame[ETH_HLEN + ip_hlen + 12u] >> 4) * 4u;
}

/* True when the hop-by-hop jumbo header fits in front of s's TCP header:
 * the TCP header and payload move 8 bytes on, within the frame's room. */
static bool hbh_fits(const struct lro_seg *s)
{
	return (uint32_t)s->payload_off + s->payload_len + IP6_HBH_JUMBO_LEN <= SEG_OFFSET;
}

/* IPv6: payload length, or past 65,535 bytes the jumbo payload option
 * (RFC 2675) in a hop-by-hop header with payload length 0, as Linux's
 * ipv6_gro_complete writes a BIG TCP aggregate (commit 81fbc812132c
 * "ipv6/gro: insert temporary HBH/jumbo header", Linux 5.19). Returns the
 * TCP header. */
static uint8_t *rebuild_ip6(struct lro_seg *first, uint32_t tcp_hlen, uint32_t payload)
{
	uint8_t *ip = first->frame + ETH_HLEN;
	uint32_t plen = tcp_hlen + payload;
	if (IP6_HLEN + plen <= 65535u) {
		store_be16(ip + 4, (uint16_t)plen);
		return ip + IP6_HLEN;
	}
	/* move the TCP header and first payload on (agg_payload_max checked
	 * hbh_fits), one 8-byte copy step per 8 bytes */
	uint8_t *tcp = ip + IP6_HLEN;
	uint32_t moved = first->payload_off + first->payload_len - (ETH_HLEN + IP6_HLEN);
	hal_cost(HAL_COST_CSUM_8B, (moved + 7u) / 8u);
	memmove(tcp + IP6_HBH_JUMBO_LEN, tcp, moved);
	first->payload_off = (uint16_t)(first->payload_off + IP6_HBH_JUMBO_LEN);
	first->frame_len = (uint16_t)(first->frame_len + IP6_HBH_JUMBO_LEN);
	tcp[0] = ip[6];                /* the hop-by-hop header's next header: TCP */
	tcp[1] = 0;                    /* 8 bytes long */
	tcp[2] = 0xc2;                 /* Jumbo Payload option */
	tcp[3] = 4;
	store_be32(tcp + 4, IP6_HBH_JUMBO_LEN + plen);
	ip[6] = NEXTHDR_HOP;
	store_be16(ip + 4, 0);
	return tcp + IP6_HBH_JUMBO_LEN;
}

/* Rebuild the headers of the first segment for the aggregate (paper IV.D):
 * sequence number and TSval of the first segment, ACK, window and TSecr of
 * the last, IP total length, both checksums recomputed. The payload's sum
 * comes from the per-segment sums kept since verification. */
static void rebuild_headers(struct lro_seg *first, struct lro_seg *last, uint32_t payload,
			    uint32_t payload_sum, uint8_t flags_or, bool latest_tsval)
{
	hal_cost(HAL_COST_HEADER_REWRITE, 1);
	uint8_t *ip = first->frame + ETH_HLEN;
	bool ip6 = frame_is_ip6(first->frame);
	uint8_t *tcp = ip + (ip6 ? IP6_HLEN : 20u);
	uint32_t tcp_hlen = (uint32_t)(tcp[12] >> 4) * 4u;
	if (ip6) {
		tcp = rebuild_ip6(first, tcp_hlen, payload);
	} else {
		/* past 65,535 bytes (BIG TCP) the total length is 0, as Linux's
		 * inet_gro_complete writes it (iph_set_totlen, Linux 6.3) */
		uint32_t total = 20u + tcp_hlen + payload;
		store_be16(ip + 2, (uint16_t)(total <= 65535u ? total : 0u));
		store_be16(ip + 10, 0);
		store_be16(ip + 10, (uint16_t)~csum_fold(csum_partial(ip, 20, 0)));
	}
	store_be32(tcp + 4, first->seq);
	store_be32(tcp + 8, last->ack);
	store_be16(tcp + 14, last->window);
	tcp[13] = (uint8_t)((tcp[13] & ~TCP_PSH) | (flags_or & TCP_PSH));
	if (first->has_ts && last->has_ts) {
		/* the timestamp option sits where parse found it: rewrite TSecr */
		uint8_t *opt = tcp + 20;
		for (uint32_t i = 0; i + 10 <= tcp_hlen - 20u;) {
			if (opt[i] == 1) {
				i++;
				continue;
			}
			if (opt[i] == 8 && opt[i + 1] == 10) {
				if (latest_tsval)      /* FreeBSD's tcp_lro: the latest TSval */
					store_be32(opt + i + 2, last->tsval);
				store_be32(opt + i + 6, last->tsecr);
				break;
			}
			if (opt[i] == 0 || opt[i + 1] < 2)
				break;
			i += opt[i + 1];
		}
	}
	store_be16(tcp + 16, 0);
	uint32_t sum = ip6 ? csum_tcp6_pseudo(ip + 8, ip + 24, tcp_hlen + payload)
			   : csum_tcp_pseudo(ip + 12, ip + 16, tcp_hlen + payload);
	sum = csum_partial(tcp, tcp_hlen, sum);
	sum = csum_add_at(sum, payload_sum, 0);
	store_be16(tcp + 16, (uint16_t)~csum_fold(sum));
}

/* Payload bytes an aggregate headed by s can carry: its IP packet is at
 * most 65,535 bytes (LRO_MAX_AGG_PAYLOAD with IPv4 and the usual 32-byte
 * TCP header; a longer one leaves less), or with BIG TCP
 * max_aggregate_bytes, IPv6's 8-byte jumbo header included (an IPv6 head
 * frame with no room to take it stays at 65,535). */
static uint32_t agg_payload_max(const struct lro_engine *e, const struct lro_seg *s)
{
	uint32_t ip_tcp = seg_hdr_len(s) - ETH_HLEN, max = e->cfg.max_aggregate_bytes;
	if (max <= 65535u)
		return 65535u - ip_tcp;
	if (frame_is_ip6(s->frame)) {
		if (!hbh_fits(s))
			return 65535u - ip_tcp;
		ip_tcp += IP6_HBH_JUMBO_LEN;
	}
	return max - ip_tcp;
}

/* Hand the host up to agg_payload_max() bytes from the head of k's list,
 * contiguous from the head, as one aggregate. */
static void deliver_head(struct lro_engine *e, struct lro_conn *k, enum lro_flush_reason why,
			 struct lro_out *out)
{
	/* The walk below reads one segment record after another, each in its
	 * own packet buffer and, by now, out of the core's nearest caches:
	 * ask for the records of the latest segments all at once (on the
	 * host; a hint that no longer names a held segment costs only the
	 * prefetch), and for the headers the rebuild rewrites. */
	uint32_t n_hints = k->n_recent < LRO_RECENT ? k->n_recent : LRO_RECENT;
	for (uint32_t i = 0; i < n_hints; i++)
		__builtin_prefetch(k->recent[i]);
	__builtin_prefetch(k->held->frame);
	__builtin_prefetch(k->held->frame + 64);
	struct lro_seg *first = k->held, *last = first;
	uint32_t payload = first->payload_len, n = 1, max = agg_payload_max(e, first);
	uint32_t sum = first->payload_sum;
	uint8_t flags_or = first->tcp_flags;
	while (last->next && last->next->seq == seg_end(last) && !last->next->starts_run &&
	       payload + last->next->payload_len <= max) {
		hal_cost(HAL_COST_LIST_STEP, 1);
		struct lro_seg *s = last->next;
		sum = csum_add_at(sum, s->payload_sum, payload);
		payload += s->payload_len;
		flags_or |= s->tcp_flags;
		last = s;
		n++;
	}
	k->held = last->next;
	last->next = NULL;
	k->n_held -= n;
	if (!k->held)
		k->n_recent = 0;
	if (seq_lt(k->run_start, seg_end(last)))
		k->run_start = seg_end(last);
	/* DPDK leaves a packet that merged with nothing untouched */
	if (n > 1 || e->pol->verifies_csum)
		rebuild_headers(first, last, payload, sum, flags_or, e->pol->timestamps_only);

	struct lro_action *a = emit(out, LRO_ACT_DELIVER);
	a->buf = first->frame;
	a->len = seg_hdr_len(first) + payload;
	a->segs = first;
	a->n_segs = n;
	a->reason = (uint8_t)why;
	e->c.flush[why]++;
	e->c.deliveries++;
	e->c.delivered_segments += n;
}

/* Deliver the contiguous run (paper: "only the contiguous run"). */
static void flush_run(struct lro_engine *e, struct lro_conn *k, enum lro_flush_reason why,
		      struct lro_out *out)
{
	while (k->held && k->held->seq == k->run_start && seq_lt(k->run_start, k->nextseq))
		deliver_head(e, k, why, out);
}

void lro_drain_conn(struct lro_engine *e, uint32_t i, struct lro_out *out)
{
	out->n = 0;
	struct lro_conn *k = &e->conns[i];
	if (!k->in_use)
		return;
	if (e->pol->id != LRO_POLICY_PAPER) {
		policy_flush_flow(e, k, LRO_FLUSH_END, out);
		return;
	}
	while (k->held) {
		k->run_start = k->held->seq;  /* past a gap: give up on the missing bytes */
		deliver_head(e, k, LRO_FLUSH_END, out);
	}
	k->run_start = k->nextseq;
}

/* Everything held goes, gaps included, before a frame that ends the flow. */
static void drain(struct lro_engine *e, struct lro_conn *k, enum lro_flush_reason why,
		  struct lro_out *out)
{
	while (k->held) {
		if (k->held->seq != k->run_start)
			k->run_start = k->held->seq;
		deliver_head(e, k, why, out);
	}
}

/* ---- active ACK (paper V.C) ---- */

/* What an ACK the engine sends says. */
struct ack_fields {
	const uint8_t *dst_mac, *src_mac;
	uint32_t saddr, daddr;         /* the receiver's (the host's), the sender's */
	uint8_t ip6;                   /* IPv6: the addresses are saddr6, daddr6 */
	const uint32_t *saddr6, *daddr6;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint16_t window;
	uint8_t has_ts;
	uint32_t tsval, tsecr;
};

/* The ACK's TCP header: 20 bytes, 32 with the timestamp option. */
static uint32_t ack_tcp_hlen(const struct ack_fields *x)
{
	return x->has_ts ? 32u : 20u;
}

/* The ACK's TCP header, the same behind either IP header: ports, sequence
 * numbers, offset and flags, window, the timestamp option when the flow
 * carries one, then the checksum. pseudo_sum is the IP family's pseudo
 * header (addresses, protocol, TCP length) as an unfolded sum of 16-bit
 * words. The checksum comes from the field values rather than from the
 * bytes just written: the same 16-bit words, so the same folded sum, without
 * reading the header back. Some forty words at most: no carry out of 32
 * bits before the fold. */
static void write_ack_tcp(uint8_t *tcp, const struct ack_fields *x, uint32_t pseudo_sum)
{
	uint32_t tcp_hlen = ack_tcp_hlen(x);
	store_be16(tcp, x->sport);
	store_be16(tcp + 2, x->dport);
	store_be32(tcp + 4, x->seq);
	store_be32(tcp + 8, x->ack);
	tcp[12] = (uint8_t)((tcp_hlen / 4u) << 4);
	tcp[13] = TCP_ACK;
	store_be16(tcp + 14, x->window);
	if (x->has_ts) {
		tcp[20] = 1;
		tcp[21] = 1;
		tcp[22] = 8;
		tcp[23] = 10;
		store_be32(tcp + 24, x->tsval);
		store_be32(tcp + 28, x->tsecr);
	}
	/* ports, sequence numbers, offset and flags, window, then the
	 * timestamp option's words (the urgent pointer is 0) */
	uint32_t sum = pseudo_sum + x->sport + x->dport + (x->seq >> 16) + (x->seq & 0xffffu) +
		       (x->ack >> 16) + (x->ack & 0xffffu) + ((tcp_hlen / 4u) << 12 | TCP_ACK) +
		       x->window;
	if (x->has_ts)
		sum += 0x0101u + 0x080au + (x->tsval >> 16) + (x->tsval & 0xffffu) + (x->tsecr >> 16) +
		       (x->tsecr & 0xffffu);
	store_be16(tcp + 16, (uint16_t)~csum_fold(sum));
}

/* The ACK's IPv6 header (no header checksum of its own); returns the sum
 * of the IPv6 pseudo header the TCP checksum covers. */
static uint32_t write_ack_ip6(uint8_t *ip, const struct ack_fields *x, uint32_t tcp_hlen)
{
	ip[0] = 0x60;
	store_be16(ip + 4, (uint16_t)tcp_hlen);
	ip[6] = IPPROTO_TCP_NUM;
	ip[7] = 64;                    /* hop limit */
	for (int i = 0; i < 4; i++) {
		store_be32(ip + 8 + 4 * i, x->saddr6[i]);
		store_be32(ip + 24 + 4 * i, x->daddr6[i]);
	}
	return csum_tcp6_pseudo(ip + 8, ip + 24, tcp_hlen);
}

/* The ACK's IPv4 header; returns the sum of the IPv4 pseudo header the TCP
 * checksum covers. */
static uint32_t write_ack_ip4(uint8_t *ip, const struct ack_fields *x, uint32_t tcp_hlen)
{
	ip[0] = 0x45;
	store_be16(ip + 2, (uint16_t)(20u + tcp_hlen));
	store_be16(ip + 6, 0x4000);    /* DF */
	ip[8] = 64;
	ip[9] = IPPROTO_TCP_NUM;
	store_be32(ip + 12, x->saddr);
	store_be32(ip + 16, x->daddr);
	/* The header checksum from the field values rather than from the
	 * bytes just written (as the TCP one, write_ack_tcp); the addresses'
	 * words serve the pseudo header too. */
	uint32_t addrs = (x->saddr >> 16) + (x->saddr & 0xffffu) + (x->daddr >> 16) +
			 (x->daddr & 0xffffu);
	uint32_t ip_sum = 0x4500u + 20u + tcp_hlen + 0x4000u + (64u << 8 | IPPROTO_TCP_NUM) + addrs;
	store_be16(ip + 10, (uint16_t)~csum_fold(ip_sum));
	return addrs + IPPROTO_TCP_NUM + tcp_hlen;
}

/* The ACK frame: Ethernet, the flow's IP header, then the TCP header both
 * families share. Each part is written in one place and called from here
 * once, so the compiler inlines them all (a call per ACK would add to
 * HAL_COST_ACK_BUILD, measured by make costs). */
static void write_ack(struct lro_action *a, const struct ack_fields *x)
{
	hal_cost(HAL_COST_ACK_BUILD, 1);
	a->kind = LRO_ACT_ACK;
	a->segs = NULL;
	a->n_segs = 0;
	uint8_t *b = a->ack_frame;
	uint32_t tcp_hlen = ack_tcp_hlen(x);
	/* builtins: fixed-size copies, not calls (see load64 in csum.c) */
	__builtin_memset(b, 0, sizeof a->ack_frame);
	__builtin_memcpy(b, x->dst_mac, 6);
	__builtin_memcpy(b + 6, x->src_mac, 6);
	uint8_t *ip = b + ETH_HLEN, *tcp;
	uint32_t pseudo_sum;
	if (x->ip6) {
		store_be16(b + 12, ETH_P_IPV6);
		pseudo_sum = write_ack_ip6(ip, x, tcp_hlen);
		tcp = ip + IP6_HLEN;
	} else {
		store_be16(b + 12, ETH_P_IPV4);
		pseudo_sum = write_ack_ip4(ip, x, tcp_hlen);
		tcp = ip + 20;
	}
	write_ack_tcp(tcp, x, pseudo_sum);
	a->len = (uint32_t)(tcp - b) + tcp_hlen;
}

/* An ACK of ack_seq for the sender of frame f (parsed as p). */
static void build_ack(struct lro_engine *e, const uint8_t *f, const struct parsed *p,
		      uint32_t ack_seq, uint16_t window, uint32_t tsval, struct lro_out *out)
{
	struct ack_fields x = {
		.dst_mac = f + 6,          /* back to the sender's MAC */
		.src_mac = f,
		.saddr = p->daddr,
		.daddr = p->saddr,
		.ip6 = p->ip6,
		.saddr6 = p->daddr6,
		.daddr6 = p->saddr6,
		.sport = p->dport,
		.dport = p->sport,
		.seq = p->ack,             /* the receiver's next sequence, as the sender sees it */
		.ack = ack_seq,
		.window = window,
		.has_ts = p->has_ts,
		/* TSecr: the sender's, so its RTT estimate stays sane */
		.tsval = tsval,
		.tsecr = p->tsval,
	};
	write_ack(emit(out, LRO_ACT_ACK), &x);
	e->c.acks_sent++;
}

static void safe_ack_reset(struct lro_conn *k)
{
	k->window_known = 0;
	k->host_wscale = 0;
	k->host_ack = k->host_right = k->acked = k->adv_right = k->nextseq;
	k->seg_max = 0;
	k->host_ts_known = 0;
}

/* Safe active ACK: when the host's window leaves the sender no room for
 * another segment of this size, nothing more comes until the host ACKs,
 * and the host ACKs only what it has: the run goes now rather than at the
 * receive timeout. */
static void flush_if_window_full(struct lro_engine *e, struct lro_conn *k, uint32_t seg_len,
				 struct lro_out *out)
{
	if (!k->window_known || !k->held)
		return;
	/* the room the sender sees: whole units of the window scale */
	uint32_t room = seq_lt(k->nextseq, k->host_right) ? k->host_right - k->nextseq : 0;
	room = room >> k->host_wscale << k->host_wscale;
	if (room < seg_len)
		flush_run(e, k, LRO_FLUSH_WINDOW, out);
}

/* Safe active ACK: the paper drops a resend of bytes the engine has as a
 * duplicate (V.C) - right for bytes it acknowledged, which the host then
 * has room for. Bytes it delivered without acknowledging them (past the
 * host's edge, or in a flow whose window it does not know) the host may
 * have dropped, and only the sender's resend can bring them: it goes to
 * the host, which judges it. True when the frame went. */
static bool pass_unacked_resend(struct lro_engine *e, const struct lro_conn *k, uint8_t *buf,
				uint32_t len, const struct parsed *p, struct lro_out *out)
{
	if (e->cfg.active_ack != LRO_ACK_SAFE || !seq_lt(k->acked, p->seq + p->payload_len) ||
	    !seq_lt(p->seq, k->run_start))
		return false;
	pass(e, out, buf, len, LRO_PASS_UNACKED_RESEND);
	return true;
}

/* The safe ACK's TSval: the newer of the host's latest TSval seen on the
 * tx path and the one the sender echoes (p->tsecr). The sender echoes what
 * it had when it sent the segment; a host ACK that reached it since moved
 * its ts_recent on, and an ACK with an older TSval that acknowledges new
 * data is one PAWS discards (RFC 7323 section 5; Linux tcp_paws_discard,
 * unless the two differ by at most one tick). */
static uint32_t safe_ack_tsval(const struct lro_conn *k, const struct parsed *p)
{
	if (k->host_ts_known && seq_lt(p->tsecr, k->host_tsval))
		return k->host_tsval;
	return p->tsecr;
}

/* The ACK for a segment of k: the paper's (nextseq, the configured window
 * field), or the safe one, held within the host's advertised window. */
static void active_ack(struct lro_engine *e, struct lro_conn *k, const uint8_t *f,
		       const struct parsed *p, struct lro_out *out)
{
	if (e->cfg.active_ack != LRO_ACK_SAFE) {
		/* TSval: the host's latest as the sender echoed it (TSecr) */
		build_ack(e, f, p, k->nextseq, e->cfg.ack_window, p->tsecr, out);
		return;
	}
	if (!k->window_known) {
		/* no SYN-ACK seen, so no window scale: any window field could
		 * offer more than the host does; the host's ACKs pace the flow */
		e->c.acks_window_unknown++;
		return;
	}
	if (p->payload_len > k->seg_max)
		k->seg_max = p->payload_len;
	struct lro_safe_ack s = lro_safe_ack(k->nextseq, k->acked, k->host_right, k->host_wscale,
					     e->cfg.ack_window);
	if (s.limited)
		e->c.acks_window_limited++;
	if (!s.send)
		return;                    /* nothing new to say: the host's ACKs go on */
	k->acked = s.ack;
	k->adv_right = s.ack + ((uint32_t)s.window << k->host_wscale);
	build_ack(e, f, p, s.ack, s.window, safe_ack_tsval(k, p), out);
}

/* ---- reorder (Algorithms 1-3, with trimming of partial overlaps) ---- */

static void set_payload(struct lro_seg *s, uint32_t new_seq, uint32_t new_len)
{
	uint32_t cut = new_seq - s->seq;
	s->payload_off = (uint16_t)(s->payload_off + cut);
	s->payload_len = (uint16_t)new_len;
	s->seq = new_seq;
	hal_cost(HAL_COST_CSUM_8B, (new_len + 7u) / 8u);
	s->payload_sum = csum_partial(s->frame + s->payload_off, new_len, 0);
}

/* Offset of seq from the held list's head, modulo 2^32. */
static uint32_t head_offset(const struct lro_conn *k, uint32_t seq)
{
	return seq - k->held->seq;
}

/* True when Algorithm 2's walk for start would pass every held segment:
 * with the list ordered, every held seq lies at an offset from the head
 * between 0 and the tail's; if start's offset is at least the tail's and
 * below 2^31, seq_le(x->seq, start) holds for each of them. */
static bool walk_passes_all(const struct lro_conn *k, uint32_t start)
{
	if (!k->held || !k->ordered)
		return false;
	uint32_t off = head_offset(k, start);
	return off >= head_offset(k, k->tail->seq) && off < 0x80000000u;
}

/* Keep k->ordered exact after s went in between prev and s->next: it
 * stays true when s's offset from the (new) head lies between its
 * neighbours' (derivation: a new head s keeps the old offsets' order iff
 * next's offset from s is at most the tail's and that is below 2^31). */
static void note_inserted(struct lro_conn *k, struct lro_seg *prev, struct lro_seg *s)
{
	struct lro_seg *next = s->next;
	if (!next)
		k->tail = s;
	if (!prev && !next)
		k->ordered = 1;
	else if (!prev)
		k->ordered = k->ordered && head_offset(k, next->seq) <= head_offset(k, k->tail->seq) &&
			     head_offset(k, k->tail->seq) < 0x80000000u;
	else if (!next)
		k->ordered = k->ordered && head_offset(k, prev->seq) <= head_offset(k, s->seq) &&
			     head_offset(k, s->seq) < 0x80000000u;
	else
		k->ordered = k->ordered && head_offset(k, prev->seq) <= head_offset(k, s->seq) &&
			     head_offset(k, s->seq) <= head_offset(k, next->seq);
}

/* Insert s in k's sorted list; returns false if none of its bytes are new
 * (a duplicate, dropped by the caller). */
static bool reorder_insert(struct lro_conn *k, struct lro_seg *s)
{
	uint32_t start = s->seq, end = seg_end(s);
	if (seq_le(end, k->nextseq))
		return false;                      /* Algorithm 1: old data */
	if (seq_lt(start, k->nextseq))
		start = k->nextseq;                /* keep only the new tail */
	if (k->has_ahead) {
		/* bytes the host has already: keep what lies before them (it
		 * fills the gap) or after them; a segment spanning them all is
		 * kept whole (the host gets those bytes twice, and drops them) */
		if (seq_le(k->ahead_start, start) && seq_lt(start, k->ahead_end))
			start = k->ahead_end;
		else if (seq_lt(start, k->ahead_start) && seq_lt(k->ahead_start, end) &&
			 seq_le(end, k->ahead_end))
			end = k->ahead_start;
		if (!seq_lt(start, end))
			return false;
	}
	struct lro_seg **pp = &k->held, *prev = NULL;
	if (walk_passes_all(k, start)) {
		/* An in-order segment: the walk would step over all n_held
		 * segments to the tail. Charge exactly those steps, without
		 * reading each segment's record (a cache miss per step on the
		 * host; the cost annotations are the same). */
		for (uint32_t i = 0, n = k->n_held; i < n; i++)
			hal_cost(HAL_COST_LIST_STEP, 1);
		prev = k->tail;
		pp = &prev->next;
	}
	while (*pp && seq_le((*pp)->seq, start)) {
		hal_cost(HAL_COST_LIST_STEP, 1);   /* Algorithm 2's walk: O(n) */
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (prev && seq_lt(start, seg_end(prev)))
		start = seg_end(prev);             /* overlap with the held predecessor */
	if (*pp && seq_lt((*pp)->seq, end))
		end = (*pp)->seq;                  /* overlap with the held successor */
	if (!seq_lt(start, end))
		return false;                      /* already held */
	if (start != s->seq || end != seg_end(s))
		set_payload(s, start, end - start);
	s->next = *pp;
	*pp = s;
	k->n_held++;
	k->recent[k->n_recent++ % LRO_RECENT] = s;
	note_inserted(k, prev, s);
	/* Algorithm 3: advance nextseq over what is now contiguous */
	for (struct lro_seg *x = s; x && x->seq == k->nextseq; x = x->next) {
		hal_cost(HAL_COST_LIST_STEP, 1);
		k->nextseq = seg_end(x);
	}
	return true;
}

/* Contiguous bytes held at the head, 0 if the head is past a gap. */
static uint32_t run_bytes(const struct lro_conn *k)
{
	if (!k->held || k->held->seq != k->run_start)
		return 0;
	return k->nextseq - k->run_start;
}

static void note_arrival(struct lro_conn *k, uint64_t now_ns)
{
	/* paper IV.E: average_interval = (average_interval + now - last) / 2 */
	k->average_interval_ns = (k->average_interval_ns + (now_ns - k->last_arrival_ns)) / 2u;
	k->last_arrival_ns = now_ns;
}

static struct lro_seg *make_seg(uint8_t *buf, uint32_t len, const struct parsed *p)
{
	struct lro_seg *s = (struct lro_seg *)(void *)(buf + SEG_OFFSET);
	s->next = NULL;
	s->frame = buf;
	s->frame_len = (uint16_t)len;
	s->seq = p->seq;
	s->ack = p->ack;
	s->tsval = p->tsval;
	s->tsecr = p->tsecr;
	s->has_ts = p->has_ts;
	s->window = p->window;
	s->tcp_flags = p->flags;
	s->payload_off = (uint16_t)p->payload_off;
	s->payload_len = (uint16_t)p->payload_len;
	s->starts_run = 0;
	s->queued_reason = 0;
	return s;
}

/* ---- keeping a flow consistent when data reaches the host other ways ---- */

/* Bytes [nextseq, to) reached the host some other way (a frame passed
 * through, or a range handed over early). Nothing undelivered may be held
 * below nextseq (the caller flushed the run). Held bytes below to go (the
 * host has them), and the flow goes on from to. */
static void skip_to(struct lro_engine *e, struct lro_conn *k, uint32_t to, struct lro_out *out)
{
	for (;;) {
		if (k->has_ahead && seq_le(k->ahead_start, to)) {
			if (seq_lt(to, k->ahead_end))
				to = k->ahead_end;
			k->has_ahead = 0;
		}
		k->nextseq = k->run_start = to;
		while (k->held && seq_lt(k->held->seq, to)) {
			struct lro_seg *s = k->held;
			hal_cost(HAL_COST_LIST_STEP, 1);
			if (seq_lt(to, seg_end(s))) {
				set_payload(s, to, seg_end(s) - to);
				break;
			}
			k->held = s->next;
			k->n_held--;
			drop(e, out, s->frame, LRO_DROP_DUPLICATE);
		}
		/* Algorithm 3 from the new start */
		for (struct lro_seg *x = k->held; x && x->seq == k->nextseq; x = x->next) {
			hal_cost(HAL_COST_LIST_STEP, 1);
			k->nextseq = seg_end(x);
		}
		if (!k->has_ahead || k->nextseq != k->ahead_start)
			return;
		/* the run now ends where the handed-over range starts */
		flush_run(e, k, LRO_FLUSH_AHEAD, out);
		to = k->ahead_end;
	}
}

/* The engine lets k go: everything held goes to the host in sequence order,
 * gaps included, and later frames of the flow pass untouched. */
static void release_flow(struct lro_engine *e, struct lro_conn *k, struct lro_out *out)
{
	drain(e, k, LRO_FLUSH_RELEASE, out);
	e->c.conns_released++;
	conn_free(e, k);
}

/* Hand the host what k holds: the contiguous run, then the data past the
 * gap. One contiguous range past the gap (or one that extends the range
 * handed over before) is remembered, so the gap's filling joins the flow up
 * again; anything more and the flow is let go. Returns false if it was. */
static bool hand_over(struct lro_engine *e, struct lro_conn *k, enum lro_flush_reason why,
		      struct lro_out *out)
{
	flush_run(e, k, why, out);
	if (!k->held)
		return true;
	uint32_t start = k->held->seq, end = seg_end(k->held);
	for (struct lro_seg *x = k->held->next; x; x = x->next) {
		hal_cost(HAL_COST_LIST_STEP, 1);
		if (x->seq != end) {
			release_flow(e, k, out);
			return false;
		}
		end = seg_end(x);
	}
	if (k->has_ahead && start != k->ahead_end) {
		release_flow(e, k, out);
		return false;
	}
	uint32_t gap = k->run_start;
	k->run_start = start;
	while (k->held)
		deliver_head(e, k, why, out);
	k->run_start = gap;                /* still the gap's start: nextseq */
	if (!k->has_ahead)
		k->ahead_start = start;
	k->ahead_end = end;
	k->has_ahead = 1;
	e->c.handed_ahead++;
	return true;
}

/* A segment of k that may not be merged passes untouched, the flow kept
 * consistent (see lro.h). */
static void pass_odd(struct lro_engine *e, struct lro_conn *k, uint8_t *buf, uint32_t len,
		     const struct parsed *p, struct lro_out *out)
{
	enum lro_pass_reason why = (enum lro_pass_reason)p->odd;
	if (!p->extent_known) {
		release_flow(e, k, out);   /* where its data ends is unknown */
		pass(e, out, buf, len, why);
		return;
	}
	uint32_t end = p->seq + p->payload_len;
	flush_run(e, k, LRO_FLUSH_PASSTHROUGH, out);
	if (p->payload_len == 0 || seq_le(end, k->nextseq)) {
		pass(e, out, buf, len, why);   /* no new data: the host judges it */
		return;
	}
	if (seq_lt(k->nextseq, p->seq)) {
		release_flow(e, k, out);   /* past a gap */
		pass(e, out, buf, len, why);
		return;
	}
	pass(e, out, buf, len, why);
	skip_to(e, k, end, out);
}

static void accept_data(struct lro_engine *e, struct lro_conn *k, uint8_t *buf, uint32_t len,
			const struct parsed *p, uint64_t now_ns, struct lro_out *out)
{
	note_arrival(k, now_ns);
	/* a segment at or before nextseq fills the gap: always take it */
	if (k->n_held >= LRO_MAX_HELD && seq_lt(k->nextseq, p->seq)) {
		/* Full of data past a gap: the host gets it (in a replay the
		 * sender never resends; on the wire dropping would waste what
		 * came), and the engine remembers what it handed over. */
		if (!hand_over(e, k, LRO_FLUSH_HELD_LIMIT, out)) {
			pass(e, out, buf, len, LRO_PASS_HELD_LIMIT);
			return;
		}
	}
	struct lro_seg *s = make_seg(buf, len, p);
	s->payload_sum = p->payload_sum;  /* summed during verification */
	bool accepted = reorder_insert(k, s);
	if (!accepted && !pass_unacked_resend(e, k, buf, len, p, out))
		drop(e, out, buf, LRO_DROP_DUPLICATE);
	else if (accepted)
		e->c.segments_aggregated++;
	if (accepted && k->has_ahead && k->nextseq == k->ahead_start) {
		/* the gap is filled: the run goes, the flow goes on past the
		 * range handed over */
		flush_run(e, k, LRO_FLUSH_AHEAD, out);
		skip_to(e, k, k->ahead_end, out);
	} else if (accepted && k->has_ahead && seq_lt(k->ahead_start, k->nextseq)) {
		k->has_ahead = 0;              /* a segment spanning the range carried it again */
	}
	if (e->cfg.active_ack != LRO_ACK_OFF)
		active_ack(e, k, buf, p, out);
	if (!accepted)
		return;
	/* Rebuild when the run reaches the threshold, or when the next segment
	 * of this size would no longer fit a 64 KB IP packet. */
	for (;;) {
		uint32_t run = run_bytes(k);
		if (run >= e->cfg.threshold_bytes)
			deliver_head(e, k, LRO_FLUSH_THRESHOLD, out);
		else if (run > 0 && run + s->payload_len > agg_payload_max(e, k->held))
			deliver_head(e, k, LRO_FLUSH_FULL, out);
		else
			break;
	}
	if (e->cfg.active_ack == LRO_ACK_SAFE)
		flush_if_window_full(e, k, s->payload_len, out);
}

static void open_conn(struct lro_engine *e, struct lro_conn *k, const struct parsed *p,
		      uint64_t now_ns, uint8_t *buf, uint32_t len, struct lro_out *out)
{
	if (k && p->seq == k->isn) {
		/* the SYN again (its SYN-ACK was lost): the same flow */
		pass(e, out, buf, len, LRO_PASS_SYN_DUPLICATE);
		return;
	}
	if (k) {
		drain(e, k, LRO_FLUSH_SYN, out);   /* a new incarnation of the flow */
		k->has_ahead = 0;
	} else {
		k = free_queue_take(e);
		if (!k) {
			pass(e, out, buf, len, LRO_PASS_POOL_EXHAUSTED);
			return;
		}
		hal_cost(HAL_COST_DESC, 1);
		struct lro_conn **b = bucket_of(e, p);
		k->hash_next = *b;
		*b = k;
		k->saddr = p->saddr;
		k->daddr = p->daddr;
		k->sport = p->sport;
		k->dport = p->dport;
		k->ip6 = p->ip6;
		memcpy(k->saddr6, p->saddr6, sizeof k->saddr6);
		memcpy(k->daddr6, p->daddr6, sizeof k->daddr6);
		k->in_use = 1;
		e->c.conns_opened++;
	}
	k->isn = p->seq;
	k->nextseq = k->run_start = p->seq + 1u + p->payload_len;
	safe_ack_reset(k);
	k->held = NULL;
	k->n_held = 0;
	k->n_recent = 0;
	k->last_arrival_ns = now_ns;
	k->average_interval_ns = 0;
	pass(e, out, buf, len, LRO_PASS_SYN);
}

/* ---- the other policies (firmware/lro_policy.h): Linux GRO, FreeBSD LRO,
 * DPDK GRO ----
 * An entry (descriptor) lives while its flow holds an aggregate: taken for
 * the flow's first held segment, returned when the last goes to the host.
 * Its held list is one contiguous run (Linux, FreeBSD) or several runs in
 * the order they started, each marked starts_run (DPDK's items); nothing
 * is held past a gap to be filled, no segment is dropped as a duplicate
 * (the host's TCP judges), and no ACK is built (the host's TCP ACKs). */

/* A frame the policy does not take: to the host now, or, in DPDK's burst
 * mode, after the burst's runs (rte_gro_reassemble_burst puts the packets
 * it did not process after the flushed ones). */
static void policy_pass(struct lro_engine *e, struct lro_out *out, uint8_t *buf, uint32_t len,
			enum lro_pass_reason why)
{
	if (!e->pol->queues_refused || e->cfg.flush_timeout_ns != 0 || len > LRO_FRAME_MAX) {
		pass(e, out, buf, len, why);
		return;
	}
	hal_cost(HAL_COST_QUEUE_OP, 1);
	struct lro_seg *s = (struct lro_seg *)(void *)(buf + SEG_OFFSET);
	s->next = NULL;
	s->frame = buf;
	s->frame_len = (uint16_t)len;
	s->queued_reason = (uint8_t)why;
	if (e->refused_tail)
		e->refused_tail->next = s;
	else
		e->refused_head = s;
	e->refused_tail = s;
	e->n_refused++;
	e->c.pass[why]++;
}

/* Everything k holds goes to the host, run by run; the entry is free again. */
static void policy_flush_flow(struct lro_engine *e, struct lro_conn *k, enum lro_flush_reason why,
			      struct lro_out *out)
{
	while (k->held) {
		k->run_start = k->held->seq;
		deliver_head(e, k, why, out);
	}
	e->flows_holding--;
	conn_free(e, k);
}

/* The entry that started first (Linux's gro_flush_oldest). */
static struct lro_conn *policy_oldest(struct lro_engine *e)
{
	struct lro_conn *oldest = NULL;
	for (uint32_t i = 0; i < e->cfg.max_conns; i++) {
		struct lro_conn *k = &e->conns[i];
		if (!k->in_use)
			continue;
		hal_cost(HAL_COST_LIST_STEP, 1);
		if (!oldest || (int32_t)(k->serial - oldest->serial) < 0)
			oldest = k;
	}
	return oldest;
}

/* An entry for s's flow, or NULL (then s has been passed). */
static struct lro_conn *policy_take_entry(struct lro_engine *e, const struct parsed *p,
					  uint8_t *buf, uint32_t len, struct lro_out *out)
{
	const struct lro_policy *pol = e->pol;
	if (pol->max_flows && e->flows_holding >= pol->max_flows) {
		if (!pol->evicts_oldest) {
			policy_pass(e, out, buf, len, LRO_PASS_NO_ENTRY);  /* TCP_LRO_NO_ENTRIES */
			return NULL;
		}
		policy_flush_flow(e, policy_oldest(e), LRO_FLUSH_EVICTED, out);
	}
	struct lro_conn *k = free_queue_take(e);
	if (!k) {
		policy_pass(e, out, buf, len, LRO_PASS_POOL_EXHAUSTED);
		return NULL;
	}
	hal_cost(HAL_COST_DESC, 1);
	struct lro_conn **b = bucket_of(e, p);
	k->hash_next = *b;
	*b = k;
	k->saddr = p->saddr;
	k->daddr = p->daddr;
	k->sport = p->sport;
	k->dport = p->dport;
	k->ip6 = p->ip6;               /* lookup() compares the whole IPv6 addresses */
	memcpy(k->saddr6, p->saddr6, sizeof k->saddr6);
	memcpy(k->daddr6, p->daddr6, sizeof k->daddr6);
	k->in_use = 1;
	k->held = k->tail = NULL;
	k->n_held = 0;
	k->n_recent = 0;
	k->has_ahead = 0;
	k->serial = e->next_serial++;
	e->flows_holding++;
	e->c.conns_opened++;
	return k;
}

/* Payload bytes of the run headed by h, and its last segment. */
static uint32_t run_extent(struct lro_seg *h, struct lro_seg **last)
{
	uint32_t bytes = h->payload_len;
	struct lro_seg *x = h;
	while (x->next && !x->next->starts_run) {
		hal_cost(HAL_COST_LIST_STEP, 1);
		x = x->next;
		bytes += x->payload_len;
	}
	*last = x;
	return bytes;
}

static void note_held(struct lro_engine *e, struct lro_conn *k, struct lro_seg *s,
		      uint64_t now_ns)
{
	k->n_held++;
	k->recent[k->n_recent++ % LRO_RECENT] = s;
	k->last_arrival_ns = now_ns;
	e->c.segments_aggregated++;
}

/* s joins a run of k if the policy lets it; else *why says what stopped
 * the last run. */
static bool policy_join(struct lro_engine *e, struct lro_conn *k, struct lro_seg *s,
			uint64_t now_ns, enum lro_flush_reason *why)
{
	const struct lro_policy *pol = e->pol;
	struct lro_seg *prev = NULL;
	for (struct lro_seg *h = k->held; h;) {
		struct lro_seg *last;
		uint32_t bytes = run_extent(h, &last);
		uint32_t max = agg_payload_max(e, h);
		if (lro_policy_may_append(pol, h, last, bytes, max, s)) {
			s->next = last->next;
			last->next = s;
			if (k->tail == last)
				k->tail = s;
			note_held(e, k, s, now_ns);
			return true;
		}
		if (lro_policy_may_prepend(pol, h, bytes, max, s)) {
			s->next = h;
			s->starts_run = 1;
			h->starts_run = 0;
			if (prev)
				prev->next = s;
			else
				k->held = s;
			note_held(e, k, s, now_ns);
			return true;
		}
		*why = s->seq != seg_end(last) ? LRO_FLUSH_GAP :
		       bytes + s->payload_len > max ? LRO_FLUSH_FULL : LRO_FLUSH_MISMATCH;
		prev = last;
		h = last->next;
	}
	return false;
}

/* After s joined or started an aggregate of k: does it end there? */
static void policy_after_hold(struct lro_engine *e, struct lro_conn *k, struct lro_seg *s,
			      struct lro_out *out)
{
	const struct lro_policy *pol = e->pol;
	if (pol->separate_runs)
		return;                        /* DPDK flushes only by burst or timer */
	if (lro_policy_ends_after(pol, k->held, s)) {
		policy_flush_flow(e, k, LRO_FLUSH_FLAGS, out);
		return;
	}
	uint32_t ip_len = seg_hdr_len(k->held) - ETH_HLEN + (seg_end(k->tail) - k->held->seq);
	if (pol->room_flush_bytes && ip_len > 65535u - pol->room_flush_bytes)
		policy_flush_flow(e, k, LRO_FLUSH_FULL, out);
}

/* Why the policy will not hold a parsed TCP segment (LRO_PASS_REASONS: it may). */
static enum lro_pass_reason policy_refusal(const struct lro_policy *pol, const struct parsed *p)
{
	if (p->odd != LRO_PASS_REASONS)
		return (enum lro_pass_reason)p->odd;
	if (p->flags & LRO_TCP_SYN)
		return LRO_PASS_SYN;
	if (p->flags & (LRO_TCP_RST | LRO_TCP_URG))
		return LRO_PASS_RST_URG;
	if (p->payload_len == 0)
		return (p->flags & LRO_TCP_FIN) ? LRO_PASS_FIN : LRO_PASS_PURE_ACK;
	if (!(p->flags & LRO_TCP_ACK))
		return LRO_PASS_NO_ACK;
	if (pol->timestamps_only && p->other_opts)
		return LRO_PASS_TCP_OPTIONS;
	if ((p->flags & LRO_TCP_FIN) && !(pol->join_flags & LRO_TCP_FIN))
		return LRO_PASS_FIN;
	if (!lro_policy_may_hold(pol, p->flags, p->payload_len))
		return LRO_PASS_FLAGS;
	return LRO_PASS_REASONS;
}

static void policy_input(struct lro_engine *e, uint8_t *buf, uint32_t len,
			 const struct parsed *p, uint64_t now_ns, struct lro_out *out)
{
	const struct lro_policy *pol = e->pol;
	struct lro_conn *k = lookup(e, p);
	enum lro_pass_reason refused = policy_refusal(pol, p);
	if (refused != LRO_PASS_REASONS) {
		/* Linux: the flags or length differ, the held packet goes first;
		 * FreeBSD: force_flush; DPDK: the items wait for the burst end */
		if (k && !pol->queues_refused)
			policy_flush_flow(e, k, LRO_FLUSH_PASSTHROUGH, out);
		policy_pass(e, out, buf, len, refused);
		return;
	}
	struct lro_seg *s = make_seg(buf, len, p);
	s->payload_sum = p->payload_sum;
	if (k) {
		enum lro_flush_reason why = LRO_FLUSH_GAP;
		if (policy_join(e, k, s, now_ns, &why)) {
			policy_after_hold(e, k, s, out);
			return;
		}
		if (pol->separate_runs) {
			/* a new item at the end of the flow's chain */
			s->starts_run = 1;
			k->tail->next = s;
			k->tail = s;
			note_held(e, k, s, now_ns);
			return;
		}
		policy_flush_flow(e, k, why, out);
	}
	if (!lro_policy_holds_alone(pol, p->flags)) {
		policy_pass(e, out, buf, len, LRO_PASS_FLAGS);
		return;
	}
	k = policy_take_entry(e, p, buf, len, out);
	if (!k)
		return;
	s->starts_run = 1;
	k->held = k->tail = s;
	k->held_since_ns = now_ns;
	note_held(e, k, s, now_ns);
	policy_after_hold(e, k, s, out);
}

/* sorts_burst: the frame waits for the burst's end at the queue's tail, as
 * tcp_lro_queue_mbuf stores it in its array; sort_burst orders the queue
 * once, when the burst ends. */
static void sort_queue(struct lro_engine *e, uint8_t *buf, uint32_t len, const struct parsed *p,
		       bool tcp, uint32_t why, uint64_t now_ns)
{
	struct lro_queued *q = (struct lro_queued *)(void *)(buf + SEG_OFFSET);
	q->seg.frame = buf;
	q->seg.frame_len = (uint16_t)len;
	q->seg.next = NULL;
	q->p = *p;
	q->now_ns = now_ns;
	q->tcp = tcp;
	q->pass_reason = (uint8_t)why;
	hal_cost(HAL_COST_HASH, 1);
	q->key = tcp ? tuple_hash(p->saddr, p->daddr, p->sport, p->dport) : 0;
	q->index = e->sort_index++;
	if (e->sorted_tail)
		e->sorted_tail->seg.next = &q->seg;
	else
		e->sorted = q;
	e->sorted_tail = q;
	e->n_sorted++;
	e->sort_pending = 1;
}

static struct lro_queued *queued_next(const struct lro_queued *q)
{
	return (struct lro_queued *)(void *)q->seg.next;
}

/* The queue by (flow hash, arrival): a stable merge sort of the list,
 * O(n log n) steps like tcp_lro_flush_all's tcp_lro_sort (a radix sort over
 * the sequence key's varying bits, O(min(n, 64) n) at worst). Runs of
 * doubling width are merged pass by pass; a frame of the left run goes
 * first on equal keys, which keeps arrival order within a flow. */
static void sort_burst(struct lro_engine *e)
{
	struct lro_queued *list = e->sorted, *tail = NULL;
	for (uint32_t width = 1; list; width *= 2) {
		struct lro_queued *left = list;
		uint32_t merges = 0;
		list = tail = NULL;
		while (left) {
			merges++;
			struct lro_queued *right = left;
			uint32_t nl = 0, nr = width;
			while (right && nl < width) {
				nl++;
				right = queued_next(right);
			}
			while (nl > 0 || (nr > 0 && right)) {
				struct lro_queued *take;
				hal_cost(HAL_COST_LIST_STEP, 1);
				if (nl == 0 || (nr > 0 && right && right->key < left->key)) {
					take = right;
					right = queued_next(right);
					nr--;
				} else {
					take = left;
					left = queued_next(left);
					nl--;
				}
				if (tail)
					tail->seg.next = &take->seg;
				else
					list = take;
				tail = take;
			}
			left = right;
		}
		tail->seg.next = NULL;
		if (merges <= 1)
			break;
	}
	e->sorted = list;
	e->sorted_tail = tail;
	e->sort_pending = 0;
}

/* Every entry holding data goes to the host (tcp_lro_rx_done). */
static void policy_flush_all(struct lro_engine *e, enum lro_flush_reason why, struct lro_out *out)
{
	for (uint32_t i = 0; i < e->cfg.max_conns && e->flows_holding > 0; i++) {
		hal_cost(HAL_COST_TIMEOUT_SCAN, 1);    /* one descriptor looked at */
		if (e->conns[i].in_use)
			policy_flush_flow(e, &e->conns[i], why, out);
	}
}

/* The sorted burst, one flow after the other, while out has room for what
 * a frame may emit (a flush of every entry, then the frame). Returns true
 * when frames are left. */
static bool merge_sorted(struct lro_engine *e, struct lro_out *out)
{
	if (e->sort_pending)
		sort_burst(e);
	while (e->sorted) {
		if (out->n + e->pol->max_flows + 4u > LRO_OUT_MAX)
			return true;
		struct lro_queued *q = e->sorted;
		e->sorted = queued_next(q);
		if (!e->sorted)
			e->sorted_tail = NULL;
		e->n_sorted--;
		hal_cost(HAL_COST_QUEUE_OP, 1);
		if (!e->sort_started || q->key != e->sort_key)
			policy_flush_all(e, LRO_FLUSH_NEXT_FLOW, out);
		e->sort_started = 1;
		e->sort_key = q->key;
		if (!q->tcp) {
			/* not for LRO: what is held goes first (tcp_lro_flush_active) */
			policy_flush_all(e, LRO_FLUSH_PASSTHROUGH, out);
			pass(e, out, q->seg.frame, q->seg.frame_len, (enum lro_pass_reason)q->pass_reason);
			continue;
		}
		struct parsed p = q->p;            /* the record is the segment's now */
		policy_input(e, q->seg.frame, q->seg.frame_len, &p, q->now_ns, out);
	}
	e->sort_started = 0;
	e->sort_index = 0;
	return false;
}

uint32_t lro_burst_frames(const struct lro_engine *e)
{
	return e->pol->burst_frames;
}

bool lro_burst_end(struct lro_engine *e, struct lro_out *out)
{
	out->n = 0;
	if (e->pol->id == LRO_POLICY_PAPER)
		return false;
	if (merge_sorted(e, out))
		return true;
	if (e->cfg.flush_timeout_ns == 0) {
		for (uint32_t i = 0; i < e->cfg.max_conns && e->flows_holding > 0; i++) {
			struct lro_conn *k = &e->conns[i];
			hal_cost(HAL_COST_TIMEOUT_SCAN, 1);   /* one descriptor looked at */
			if (!k->in_use)
				continue;
			if (out->n + k->n_held > LRO_OUT_MAX)
				return true;
			policy_flush_flow(e, k, LRO_FLUSH_BURST_END, out);
		}
	}
	while (e->refused_head) {
		if (out->n >= LRO_OUT_MAX)
			return true;
		struct lro_seg *s = e->refused_head;
		e->refused_head = s->next;
		if (!e->refused_head)
			e->refused_tail = NULL;
		e->n_refused--;
		hal_cost(HAL_COST_QUEUE_OP, 1);
		emit_buf(out, LRO_ACT_PASS, s->frame, s->frame_len, s->queued_reason);
	}
	return false;
}

void lro_input(struct lro_engine *e, uint8_t *buf, uint32_t len, uint64_t now_ns,
	       struct lro_out *out)
{
	struct parsed p;
	uint32_t why = 0;
	out->n = 0;
	e->c.frames_in++;
	if (e->cfg.mode == LRO_MODE_NIC) {
		/* a plain NIC still verifies checksums (as the firmware's rx
		 * path does) so that corrupted frames never reach the host */
		enum parse_result r = parse(e, buf, len, &p, &why);
		if (r == PARSE_DROP)
			drop(e, out, buf, (enum lro_drop_reason)why);
		else
			pass(e, out, buf, len, LRO_PASS_NIC_MODE);
		return;
	}
	enum parse_result parsed = parse(e, buf, len, &p, &why);
	if (parsed != PARSE_DROP && e->pol->sorts_burst && len <= LRO_FRAME_MAX) {
		sort_queue(e, buf, len, &p, parsed == PARSE_TCP, why, now_ns);
		return;
	}
	switch (parsed) {
	case PARSE_DROP:
		drop(e, out, buf, (enum lro_drop_reason)why);
		return;
	case PARSE_PASS:
		if (e->pol->id != LRO_POLICY_PAPER)
			policy_pass(e, out, buf, len, (enum lro_pass_reason)why);
		else
			pass(e, out, buf, len, (enum lro_pass_reason)why);
		return;
	case PARSE_TCP:
		break;
	}
	if (e->pol->id != LRO_POLICY_PAPER) {
		policy_input(e, buf, len, &p, now_ns, out);
		return;
	}
	struct lro_conn *k = lookup(e, &p);
	if (p.flags & TCP_SYN) {
		if (p.flags & TCP_ACK) {           /* a SYN-ACK: not a flow we receive */
			pass(e, out, buf, len, LRO_PASS_SYN);
			return;
		}
		open_conn(e, k, &p, now_ns, buf, len, out);
		return;
	}
	if (!k) {
		pass(e, out, buf, len,
		     p.odd != LRO_PASS_REASONS ? (enum lro_pass_reason)p.odd : LRO_PASS_UNKNOWN_FLOW);
		return;
	}
	if (p.flags & (TCP_FIN | TCP_RST)) {
		drain(e, k, (p.flags & TCP_FIN) ? LRO_FLUSH_FIN : LRO_FLUSH_PASSTHROUGH, out);
		pass(e, out, buf, len, (p.flags & TCP_FIN) ? LRO_PASS_FIN : LRO_PASS_RST_URG);
		conn_free(e, k);
		return;
	}
	if (p.odd == LRO_PASS_REASONS) {
		if (p.flags & TCP_URG)
			p.odd = LRO_PASS_RST_URG;
		else if (p.other_opts)
			p.odd = LRO_PASS_TCP_OPTIONS;
		else if (!(p.flags & TCP_ACK) && p.payload_len > 0)
			p.odd = LRO_PASS_NO_ACK;
	}
	if (p.odd != LRO_PASS_REASONS) {
		pass_odd(e, k, buf, len, &p, out);
		return;
	}
	if (p.payload_len == 0) {
		pass(e, out, buf, len, LRO_PASS_PURE_ACK);
		return;
	}
	accept_data(e, k, buf, len, &p, now_ns, out);
}

/* True when k holds segments past a gap in its sequence. */
static bool holds_past_gap(const struct lro_conn *k)
{
	return k->held && seq_le(k->nextseq, k->tail->seq);
}

/* How long k may go without a segment before its run is flushed: the
 * timeout rule (enum lro_timeout_rule; reasoning and costs in
 * docs/PERFORMANCE.md). */
static uint64_t timeout_wait_ns(const struct lro_config *c, const struct lro_conn *k)
{
	uint64_t wait = (uint64_t)c->timeout_factor * k->average_interval_ns;
	if (c->timeout_rule == LRO_TIMEOUT_PAPER)
		return wait;
	if (c->timeout_rule == LRO_TIMEOUT_GAP && holds_past_gap(k) && wait < c->timeout_gap_ns)
		wait = c->timeout_gap_ns;
	return wait < c->timeout_floor_ns ? c->timeout_floor_ns : wait;
}

/* True when k holds data the receive timeout may flush. */
static bool holds_timed_data(const struct lro_conn *k)
{
	return k->in_use && k->held;
}

uint64_t lro_conn_timeout_at(const struct lro_engine *e, uint32_t i)
{
	const struct lro_conn *k = &e->conns[i];
	if (!holds_timed_data(k))
		return UINT64_MAX;
	if (e->pol->id != LRO_POLICY_PAPER) {
		/* the policy's flush timer; without one, burst ends flush */
		uint64_t since = e->pol->timeout_from_last ? k->last_arrival_ns : k->held_since_ns;
		if (e->cfg.flush_timeout_ns == 0)
			return UINT64_MAX;
		return since + e->cfg.flush_timeout_ns;
	}
	/* idle > wait  <=>  now >= last + wait + 1 */
	uint64_t wait = timeout_wait_ns(&e->cfg, k);
	if (wait >= UINT64_MAX - 1u - k->last_arrival_ns)
		return UINT64_MAX;
	return k->last_arrival_ns + wait + 1u;
}

bool lro_conn_timed_out(const struct lro_engine *e, uint32_t i, uint64_t now_ns)
{
	hal_cost(HAL_COST_TIMEOUT_SCAN, 1);
	/* The timeout thread reads the clock once per scan while rx threads go on
	 * taking segments: one that arrived after that reading is not idle (its
	 * deadline lies past now). */
	return now_ns >= lro_conn_timeout_at(e, i);
}

uint32_t lro_next_timed_out(const struct lro_engine *e, uint32_t from, uint64_t now_ns)
{
	const struct lro_conn *k = e->conns + from, *end = e->conns + e->cfg.max_conns;
	for (; k < end; k++) {
		hal_cost(HAL_COST_TIMEOUT_SCAN, 1);
		if (holds_timed_data(k) && now_ns >= lro_conn_timeout_at(e, k->index))
			break;
	}
	return (uint32_t)(k - e->conns);
}

uint64_t lro_conn_last_arrival(const struct lro_engine *e, uint32_t i)
{
	return e->conns[i].last_arrival_ns;
}

void lro_flush_conn(struct lro_engine *e, uint32_t i, enum lro_flush_reason why,
		    struct lro_out *out)
{
	out->n = 0;
	if (i >= e->cfg.max_conns || !e->conns[i].in_use)
		return;
	if (e->pol->id != LRO_POLICY_PAPER) {
		policy_flush_flow(e, &e->conns[i], why, out);
		return;
	}
	hand_over(e, &e->conns[i], why, out);
}

void lro_release_conn(struct lro_engine *e, uint32_t i, struct lro_out *out)
{
	out->n = 0;
	if (i >= e->cfg.max_conns || !e->conns[i].in_use)
		return;
	struct lro_conn *k = &e->conns[i];
	if (e->pol->id != LRO_POLICY_PAPER) {
		/* nothing is held past a gap waiting to be filled: hand it over */
		policy_flush_flow(e, k, LRO_FLUSH_RELEASE, out);
		return;
	}
	struct lro_seg **link = &k->held, *kept = NULL;
	while (*link && seq_lt((*link)->seq, k->nextseq)) {
		kept = *link;
		link = &(*link)->next;     /* the contiguous run stays: it was ACKed */
	}
	if (*link)
		k->tail = kept;            /* dropping the rest keeps the order */
	while (*link) {
		struct lro_seg *s = *link;
		*link = s->next;
		k->n_held--;
		hal_cost(HAL_COST_LIST_STEP, 1);
		drop(e, out, s->frame, LRO_DROP_POOL_LOW);
	}
}

uint32_t lro_held_segments(const struct lro_engine *e)
{
	uint32_t n = e->n_refused + e->n_sorted;
	for (uint32_t i = 0; i < e->cfg.max_conns; i++)
		n += e->conns[i].n_held;
	return n;
}

/* ---- the safe active ACK: the host's window (lro.h) ---- */

struct lro_safe_ack lro_safe_ack(uint32_t nextseq, uint32_t acked, uint32_t right, uint8_t scale,
				 uint16_t max_field)
{
	struct lro_safe_ack s;
	if (seq_le(nextseq, right))
		s.ack = nextseq;
	else
		s.ack = seq_lt(acked, right) ? right : acked;  /* never back before acked */
	s.limited = s.ack != nextseq;
	/* an ACK of nextseq goes even without progress (a duplicate segment:
	 * the sender may have lost the last one); a limited one only with */
	s.send = !s.limited || seq_lt(acked, s.ack);
	uint32_t room = seq_lt(s.ack, right) ? (right - s.ack) >> scale : 0;
	if (room > max_field)
		room = max_field;
	s.window = (uint16_t)room;
	return s;
}

bool lro_host_seg_parse(const uint8_t *f, uint32_t len, struct lro_host_seg *h)
{
	hal_cost(HAL_COST_PARSE, 1);
	hal_mem(1);                    /* the headers' cache line */
	if (len < ETH_HLEN + 40u)
		return false;
	const uint8_t *ip = f + ETH_HLEN;
	uint32_t ip_hlen, ip_total;
	h->ip6 = load_be16(f + 12) == ETH_P_IPV6;
	if (h->ip6) {
		/* the payload length and the fixed header count as the "total" */
		ip_hlen = IP6_HLEN;
		ip_total = IP6_HLEN + load_be16(ip + 4);
		if (len < ETH_HLEN + IP6_HLEN + 20u || (ip[0] >> 4) != 6 ||
		    ip[6] != IPPROTO_TCP_NUM || ip_total < IP6_HLEN + 20u || ETH_HLEN + ip_total > len)
			return false;
	} else {
		ip_hlen = (ip[0] & 0x0fu) * 4u;
		ip_total = load_be16(ip + 2);
		if (load_be16(f + 12) != ETH_P_IPV4 || (ip[0] >> 4) != 4 || ip_hlen < 20u ||
		    ip[9] != IPPROTO_TCP_NUM || (load_be16(ip + 6) & 0x3fffu) != 0 ||
		    ip_total < ip_hlen + 20u || ETH_HLEN + ip_total > len)
			return false;
	}
	const uint8_t *tcp = ip + ip_hlen;
	uint32_t tcp_hlen = (uint32_t)(tcp[12] >> 4) * 4u;
	if (tcp_hlen < 20u || ip_hlen + tcp_hlen > ip_total)
		return false;
	__builtin_memcpy(h->dst_mac, f, 6);  /* builtins: see load64 in csum.c */
	__builtin_memcpy(h->src_mac, f + 6, 6);
	if (h->ip6) {
		h->saddr = h->daddr = 0;
		for (int i = 0; i < 4; i++) {
			h->saddr6[i] = load_be32(ip + 8 + 4 * i);
			h->daddr6[i] = load_be32(ip + 24 + 4 * i);
			h->saddr ^= h->saddr6[i];   /* folded, as the flow key's */
			h->daddr ^= h->daddr6[i];
		}
	} else {
		h->saddr = load_be32(ip + 12);
		h->daddr = load_be32(ip + 16);
	}
	h->sport = load_be16(tcp);
	h->dport = load_be16(tcp + 2);
	h->flags = tcp[13];
	h->seq = load_be32(tcp + 4) + (ip_total - ip_hlen - tcp_hlen) +
		 ((h->flags & (TCP_SYN | TCP_FIN)) ? 1u : 0u);
	h->ack = load_be32(tcp + 8);
	h->window = load_be16(tcp + 14);
	h->has_ts = 0;
	h->tsval = h->tsecr = 0;
	h->wscale = 0xff;
	const uint8_t *opt = tcp + 20;
	for (uint32_t i = 0, n = tcp_hlen - 20u; i < n;) {
		if (opt[i] == 0)
			break;
		if (opt[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= n || opt[i + 1] < 2 || i + opt[i + 1] > n)
			break;                 /* malformed: what came before stands */
		if (opt[i] == 3 && opt[i + 1] == 3) {
			h->wscale = opt[i + 2];
		} else if (opt[i] == 8 && opt[i + 1] == 10) {
			h->has_ts = 1;
			h->tsval = load_be32(opt + i + 2);
			h->tsecr = load_be32(opt + i + 6);
		}
		i += opt[i + 1];
	}
	return true;
}

enum lro_host_note lro_note_host_seg(struct lro_engine *e, const struct lro_host_seg *h,
				     struct lro_action *update)
{
	/* the flow as the engine keys it: the sender's side first */
	struct parsed key = { .saddr = h->daddr, .daddr = h->saddr, .sport = h->dport,
			      .dport = h->sport, .ip6 = h->ip6 };
	if (h->ip6) {
		memcpy(key.saddr6, h->daddr6, sizeof key.saddr6);
		memcpy(key.daddr6, h->saddr6, sizeof key.daddr6);
	}
	struct lro_conn *k = lookup(e, &key);
	if (!k)
		return LRO_HOST_UNKNOWN_FLOW;
	if (h->has_ts && (!k->host_ts_known || seq_lt(k->host_tsval, h->tsval))) {
		k->host_tsval = h->tsval;  /* the host's clock only moves on */
		k->host_ts_known = 1;
	}
	if ((h->flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK)) {
		if (h->ack != k->isn + 1u || k->window_known)
			return LRO_HOST_NOTED;     /* not this incarnation's, or resent by
						    * the host's SYN-ACK timer: nothing new */
		/* RFC 7323: the host scales only if both SYNs carried the
		 * option, and sends it only if the sender's did; shifts above
		 * 14 are read as 14. A SYN's window is never scaled. */
		k->host_wscale = h->wscale == 0xff ? 0 : h->wscale > 14u ? 14u : h->wscale;
		k->host_ack = h->ack;
		k->host_right = h->ack + h->window;
		k->window_known = 1;
		return LRO_HOST_NOTED;
	}
	if (!(h->flags & TCP_ACK) || !k->window_known || seq_lt(h->ack, k->host_ack))
		return LRO_HOST_NOTED;         /* no window in it, or older than one seen */
	uint32_t old_right = k->host_right;
	k->host_ack = h->ack;
	/* the host's latest word, even when it shrinks the window: a host
	 * that took room back may drop what lies past its new edge */
	k->host_right = h->ack + ((uint32_t)h->window << k->host_wscale);
	if (!seq_lt(old_right, k->host_right) || !seq_lt(h->ack, k->acked))
		return LRO_HOST_NOTED;         /* no news, or the host's ACK tells the sender */
	/* The window opened, but the sender has our ACK of k->acked and drops
	 * the host's older one unread (RFC 793's SND.WL rule). While the room
	 * we last offered holds two more segments past nextseq, the sender
	 * can go on and the ACKs of that data carry the new window; below
	 * that it may be stuck at the edge, waiting: repeat our ACK with the
	 * new window. */
	uint32_t told = seq_lt(k->nextseq, k->adv_right) ? k->adv_right - k->nextseq : 0;
	if (told >= 2u * k->seg_max)
		return LRO_HOST_NOTED;
	struct lro_safe_ack s = lro_safe_ack(k->acked, k->acked, k->host_right, k->host_wscale,
					     e->cfg.ack_window);
	k->adv_right = s.ack + ((uint32_t)s.window << k->host_wscale);
	struct ack_fields x = {
		.dst_mac = h->dst_mac,
		.src_mac = h->src_mac,
		.saddr = h->saddr,
		.daddr = h->daddr,
		.ip6 = h->ip6,
		.saddr6 = h->saddr6,
		.daddr6 = h->daddr6,
		.sport = h->sport,
		.dport = h->dport,
		.seq = h->seq,
		.ack = s.ack,
		.window = s.window,
		.has_ts = h->has_ts,
		.tsval = h->tsval,
		.tsecr = h->tsecr,
	};
	write_ack(update, &x);
	e->c.ack_window_updates++;
	return LRO_HOST_WINDOW_UPDATE;
}
