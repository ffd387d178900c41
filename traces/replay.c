/* traces/replay.c - the LRO engine over a pcap: capture order in, delivery
 * order out. Receive timeouts run in capture time: the timeout thread's
 * scans (one every REPLAY_SCAN_PERIOD_NS from the first packet, as
 * firmware/threads.c scans every timeout.period_cycles) happen between
 * packets, and each flush is stamped with the time of the scan that found
 * it. After the last packet the scans go on until nothing can time out;
 * whatever is still held is then delivered (drained). */
/* first: the engine's native names (traces/hal_native.h) ahead of the
 * firmware headers replay.h brings */
#include "traces/hal_native.h"
#include "traces/replay.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "firmware/csum.h"
#include "firmware/lro.h"
#include "firmware/lro_policy.h"
#include "sim/atomic_file.h"
#include "traces/pcap_tap.h"

/* Why a frame of the capture never reached the engine. */
enum skip_reason {
	SKIP_FILTERED,                 /* --filter did not match */
	SKIP_SNAPLEN,                  /* cut short by the capture's snaplen */
	SKIP_LINK_HEADER,              /* shorter than its link-layer header */
	SKIP_TOO_LONG,                 /* longer than any IP packet */
	SKIP_REASONS
};
static const char *const skip_names[SKIP_REASONS] = { "filtered", "cut-by-snaplen",
	"short-link-header", "too-long" };

/* Per flow (TCP 4-tuple over IPv4 or IPv6, as seen in the capture), in
 * order of first appearance. */
struct flow_stats {
	uint32_t saddr, daddr;         /* IPv6: the addresses folded */
	uint16_t sport, dport;
	uint8_t ip6;
	uint8_t saddr6[16], daddr6[16];
	uint64_t frames_in, payload_in, frames_out, aggregates_out, payload_out;
	uint64_t flush[LRO_FLUSH_REASONS];   /* why its aggregates ended */
	uint64_t out_of_order;         /* data handed over after a later byte of the flow */
	uint32_t high_end;             /* end of the highest data handed over (has_high) */
	uint8_t has_high;
};

#define REPLAY_SIZE_CLASSES 6       /* aggregates of 1, 2-3, 4-7, 8-15, 16-31, 32+ segments */
static const char *const size_names[REPLAY_SIZE_CLASSES] = { "1", "2-3", "4-7", "8-15",
	"16-31", "32+" };

struct replay {
	struct lro_engine *eng;
	void *eng_mem;
	uint32_t n_bufs;               /* the native HAL's packet buffers */
	uint8_t *big;                  /* a frame longer than LRO_FRAME_MAX (passed through) */
	pcap_dumper_t *out;
	uint8_t *agg;                  /* one flattened aggregate */
	uint8_t *frame;                /* the capture's record as an Ethernet frame */
	uint64_t in, out_frames, out_aggregates, acks, dropped;
	uint64_t skipped[SKIP_REASONS];
	uint64_t vlan_tagged, csum_filled, csum_offloaded, jumbo;
	uint64_t cut_in_output;        /* aggregates longer than the output's snaplen */
	uint64_t scan_base_ns;         /* time of the first scan (the first packet's) */
	uint64_t last_ns;              /* the latest packet's or scan's time */
	struct flow_stats *flows;      /* n_flows used of cap_flows */
	uint32_t *flow_slots;          /* open addressing: index + 1, 0 empty */
	uint32_t n_flows, cap_flows;
	struct lro_out actions;
	uint64_t *arrival_ns;          /* per packet buffer: when its frame came in */
	uint64_t *hold_ns;             /* per delivered segment: arrival to delivery */
	uint64_t n_holds, cap_holds, holds_unrecorded;
	uint64_t by_size[REPLAY_SIZE_CLASSES][LRO_FLUSH_REASONS];
	uint64_t data_in;              /* packets in with TCP payload */
	uint64_t out_of_order;         /* data frames handed over after a later byte of their flow */
	uint32_t burst_frames;         /* the policy's poll or burst size (0: none) */
	uint32_t in_burst;             /* frames given to the engine since the last burst end */
	uint64_t last_frame_ns;        /* the latest frame's capture time */
};

static void buf_give(struct replay *r, uint8_t *b)
{
	if (b != r->big)
		hal_pkt_free(b);
}

/* ---- per-flow table ---- */

/* The IPv6 TCP 4-tuple of an Ethernet frame: TCP right after the fixed
 * header, or after a BIG TCP aggregate's jumbo payload option; *tcp_off and
 * *tcp_len say where the segment lies. */
static bool frame_tuple6(const uint8_t *f, uint32_t len, struct flow_stats *key,
			 uint32_t *tcp_off, uint32_t *tcp_len)
{
	const uint8_t *ip = f + 14;
	if (len < 14u + 40u + 20u || (ip[0] >> 4) != 6)
		return false;
	uint32_t off = 14u + 40u, plen = load_be16(ip + 4);
	if (ip[6] == 0 && plen == 0 && ip[40] == 6 && ip[42] == 0xc2 && ip[43] == 4) {
		plen = load_be32(ip + 44);        /* RFC 2675 jumbo payload length */
		if (plen < 8u + 20u)
			return false;
		plen -= 8u;
		off += 8u;
	} else if (ip[6] != 6) {
		return false;
	}
	if (plen < 20u || plen > len - off)
		return false;
	const uint8_t *tcp = f + off;
	memset(key, 0, sizeof *key);
	key->ip6 = 1;
	memcpy(key->saddr6, ip + 8, 16);
	memcpy(key->daddr6, ip + 24, 16);
	for (int i = 0; i < 16; i += 4) {
		key->saddr ^= load_be32(ip + 8 + i);
		key->daddr ^= load_be32(ip + 24 + i);
	}
	key->sport = load_be16(tcp);
	key->dport = load_be16(tcp + 2);
	*tcp_off = off;
	*tcp_len = plen;
	return true;
}

/* The TCP 4-tuple and payload length of an Ethernet frame (IPv4, whose
 * total length 0 is a BIG TCP aggregate's, or IPv6); false if it is not
 * one (or is a fragment past the first). */
static bool frame_tuple(const uint8_t *f, uint32_t len, struct flow_stats *key,
			uint32_t *payload)
{
	uint32_t off, tcp_len;
	if (len >= 14u && load_be16(f + 12) == 0x86ddu) {
		if (!frame_tuple6(f, len, key, &off, &tcp_len))
			return false;
		uint32_t doff = (uint32_t)(f[off + 12] >> 4) * 4u;
		*payload = tcp_len > doff ? tcp_len - doff : 0;
		return true;
	}
	if (len < 14u + 20u || f[12] != 0x08 || f[13] != 0x00 || (f[14] >> 4) != 4 || f[23] != 6)
		return false;
	const uint8_t *ip = f + 14;
	uint32_t ihl = (ip[0] & 15u) * 4u, total = load_be16(ip + 2);
	if (total == 0 && len - 14u > 65535u)
		total = len - 14u;
	key->ip6 = 0;
	if ((load_be16(ip + 6) & 0x1fffu) != 0 || ihl < 20u || 14u + ihl + 20u > len ||
	    total < ihl + 20u)
		return false;
	const uint8_t *tcp = ip + ihl;
	uint32_t doff = (uint32_t)(tcp[12] >> 4) * 4u;
	key->saddr = load_be32(ip + 12);
	key->daddr = load_be32(ip + 16);
	key->sport = load_be16(tcp);
	key->dport = load_be16(tcp + 2);
	*payload = total > ihl + doff ? total - ihl - doff : 0;
	return true;
}

/* Where the TCP header of a frame frame_tuple() took lies. */
static uint32_t frame_tcp_off(const uint8_t *f, uint32_t len)
{
	struct flow_stats key;
	uint32_t off, tcp_len;
	if (load_be16(f + 12) == 0x86ddu && frame_tuple6(f, len, &key, &off, &tcp_len))
		return off;
	return 14u + (f[14] & 15u) * 4u;
}

static uint32_t flow_hash(const struct flow_stats *k)
{
	uint32_t h = k->saddr * 0x9e3779b1u ^ k->daddr * 0x85ebca6bu;
	return h ^ ((uint32_t)k->sport << 16 | k->dport) * 0xc2b2ae35u;
}

/* The flow's entry, added if new; NULL when out of memory. */
static struct flow_stats *flow_of(struct replay *r, const struct flow_stats *key)
{
	if (r->n_flows * 2u >= r->cap_flows) {
		uint32_t cap = r->cap_flows ? r->cap_flows * 2u : 256u;
		struct flow_stats *flows = realloc(r->flows, cap * sizeof *flows);
		uint32_t *slots = calloc(cap, sizeof *slots);
		if (!flows || !slots) {
			free(slots);
			if (flows)
				r->flows = flows;
			return NULL;
		}
		r->flows = flows;
		free(r->flow_slots);
		r->flow_slots = slots;
		r->cap_flows = cap;
		for (uint32_t i = 0; i < r->n_flows; i++) {
			uint32_t j = flow_hash(&flows[i]) & (cap - 1u);
			while (slots[j])
				j = (j + 1u) & (cap - 1u);
			slots[j] = i + 1u;
		}
	}
	uint32_t j = flow_hash(key) & (r->cap_flows - 1u);
	for (; r->flow_slots[j]; j = (j + 1u) & (r->cap_flows - 1u)) {
		struct flow_stats *f = &r->flows[r->flow_slots[j] - 1u];
		if (f->saddr == key->saddr && f->daddr == key->daddr && f->sport == key->sport &&
		    f->dport == key->dport && f->ip6 == key->ip6 &&
		    (!key->ip6 || (!memcmp(f->saddr6, key->saddr6, 16) &&
				   !memcmp(f->daddr6, key->daddr6, 16))))
			return f;
	}
	struct flow_stats *f = &r->flows[r->n_flows];
	memset(f, 0, sizeof *f);
	f->ip6 = key->ip6;
	if (key->ip6) {
		memcpy(f->saddr6, key->saddr6, 16);
		memcpy(f->daddr6, key->daddr6, 16);
	}
	f->saddr = key->saddr;
	f->daddr = key->daddr;
	f->sport = key->sport;
	f->dport = key->dport;
	r->flow_slots[j] = ++r->n_flows;
	return f;
}

static void count_flow(struct replay *r, const uint8_t *f, uint32_t len, bool out, bool agg)
{
	struct flow_stats key;
	uint32_t payload;
	if (!frame_tuple(f, len, &key, &payload))
		return;
	struct flow_stats *fl = flow_of(r, &key);
	if (!fl)
		return;
	if (!out) {
		fl->frames_in++;
		fl->payload_in += payload;
		r->data_in += payload > 0;
		return;
	}
	if (payload > 0) {
		/* out of order: the host has a later byte of the flow already */
		uint32_t seq = load_be32(f + frame_tcp_off(f, len) + 4), end = seq + payload;
		if (fl->has_high && (int32_t)(seq - fl->high_end) < 0 &&
		    (int32_t)(end - fl->high_end) <= 0) {
			fl->out_of_order++;
			r->out_of_order++;
		}
		if (!fl->has_high || (int32_t)(end - fl->high_end) > 0)
			fl->high_end = end;
		fl->has_high = 1;
	}
	fl->frames_out++;
	fl->aggregates_out += agg;
	fl->payload_out += payload;
}

/* ---- what aggregation costs: sizes, flush reasons, hold times ---- */

/* Aggregate sizes the summary tells apart. */
static unsigned size_class(uint32_t n_segs)
{
	unsigned c = 0;
	while (c + 1u < REPLAY_SIZE_CLASSES && n_segs >= (2u << c))
		c++;
	return c;
}

static void note_delivery(struct replay *r, const struct lro_action *a, const uint8_t *f,
			  uint32_t len)
{
	r->by_size[size_class(a->n_segs)][a->reason]++;
	struct flow_stats key;
	uint32_t payload;
	struct flow_stats *fl = frame_tuple(f, len, &key, &payload) ? flow_of(r, &key) : NULL;
	if (fl)
		fl->flush[a->reason]++;
}

/* How long a segment waited in the engine (kept for the median and p99). */
static void note_hold(struct replay *r, uint64_t ns)
{
	if (r->n_holds == r->cap_holds) {
		uint64_t cap = r->cap_holds ? 2u * r->cap_holds : 4096u;
		uint64_t *h = realloc(r->hold_ns, cap * sizeof *h);
		if (!h) {
			r->holds_unrecorded++;  /* said in the summary */
			return;
		}
		r->hold_ns = h;
		r->cap_holds = cap;
	}
	r->hold_ns[r->n_holds++] = ns;
}

/* ---- output ---- */

static void write_frame(struct replay *r, const uint8_t *data, uint32_t len, uint64_t now_ns)
{
	if (!r->out)
		return;                    /* --policy all without -o: the table only */
	struct pcap_pkthdr h;
	h.ts.tv_sec = (time_t)(now_ns / 1000000000u);
	h.ts.tv_usec = (suseconds_t)(now_ns % 1000000000u / 1000u);
	h.caplen = h.len = len;
	if (len > PCAP_TAP_SNAPLEN) {
		h.caplen = PCAP_TAP_SNAPLEN;   /* a BIG TCP aggregate: cut as tcpdump -s 262144 would */
		r->cut_in_output++;
	}
	pcap_dump((u_char *)r->out, &h, data);
}

/* The TCP checksum a sender with checksum offload leaves in the frame it
 * hands its NIC: 0, or the pseudo header's sum alone (Linux's
 * CHECKSUM_PARTIAL), which a capture on the sender records. */
static bool offloaded_csum(const uint8_t *f, uint32_t len)
{
	struct flow_stats key;
	uint32_t payload, off, seg_len;
	if (len >= 14u && load_be16(f + 12) == 0x86ddu) {
		if (!frame_tuple6(f, len, &key, &off, &seg_len))
			return false;
		uint16_t field = load_be16(f + off + 16);
		return field == 0 || field == csum_fold(csum_tcp6_pseudo(f + 22, f + 38, seg_len));
	}
	if (!frame_tuple(f, len, &key, &payload))
		return false;
	const uint8_t *ip = f + 14;
	const uint8_t *tcp = ip + (ip[0] & 15u) * 4u;
	uint16_t field = load_be16(tcp + 16);
	uint32_t tcp_len = load_be16(ip + 2) - (ip[0] & 15u) * 4u;
	return field == 0 || field == csum_fold(csum_tcp_pseudo(ip + 12, ip + 16, tcp_len));
}

/* Carry out the engine's actions, as the firmware's rx thread would, but
 * into the output capture instead of the host's ring. */
static void run_actions(struct replay *r, uint64_t now_ns)
{
	for (unsigned i = 0; i < r->actions.n; i++) {
		const struct lro_action *a = &r->actions.a[i];
		switch (a->kind) {
		case LRO_ACT_PASS:
			write_frame(r, a->buf, a->len, now_ns);
			count_flow(r, a->buf, a->len, true, false);
			r->out_frames++;
			buf_give(r, a->buf);
			break;
		case LRO_ACT_DELIVER: {
			uint32_t payload = 0;
			for (const struct lro_seg *s = a->segs; s; s = s->next)
				payload += s->payload_len;
			uint32_t hdr = a->len - payload, at = hdr;
			memcpy(r->agg, a->segs->frame, hdr);
			for (struct lro_seg *s = a->segs, *next; s; s = next) {
				next = s->next;
				memcpy(r->agg + at, s->frame + s->payload_off, s->payload_len);
				at += s->payload_len;
				note_hold(r, now_ns - r->arrival_ns[hal_native_pkt_index(s->frame)]);
				buf_give(r, s->frame);
			}
			write_frame(r, r->agg, at, now_ns);
			count_flow(r, r->agg, at, true, true);
			note_delivery(r, a, r->agg, at);
			r->out_frames++;
			r->out_aggregates++;
			break;
		}
		case LRO_ACT_ACK:
			r->acks++;
			break;
		case LRO_ACT_FREE:
			if (a->reason == LRO_DROP_BAD_TCP_CSUM && offloaded_csum(a->buf, HAL_PKT_BUF_BYTES))
				r->csum_offloaded++;
			r->dropped++;
			buf_give(r, a->buf);
			break;
		}
	}
}

/* One scan of the timeout thread at now_ns: every timed-out flow is flushed. */
static void flush_timed_out(struct replay *r, uint64_t now_ns)
{
	r->last_ns = now_ns;
	for (uint32_t i = 0; i < lro_conn_capacity(r->eng); i++) {
		if (!lro_conn_timed_out(r->eng, i, now_ns))
			continue;
		lro_flush_conn(r->eng, i, LRO_FLUSH_TIMEOUT, &r->actions);
		run_actions(r, now_ns);
	}
}

/* The first scan at or after t on the scan grid. */
static uint64_t scan_at_or_after(const struct replay *r, uint64_t t)
{
	if (t <= r->scan_base_ns)
		return r->scan_base_ns;
	/* rounded up without adding first: t may lie near UINT64_MAX */
	uint64_t since = t - r->scan_base_ns;
	uint64_t periods = since / REPLAY_SCAN_PERIOD_NS + (since % REPLAY_SCAN_PERIOD_NS != 0);
	if (periods > (UINT64_MAX - r->scan_base_ns) / REPLAY_SCAN_PERIOD_NS)
		return UINT64_MAX;
	return r->scan_base_ns + periods * REPLAY_SCAN_PERIOD_NS;
}

/* Run the timeout thread's scans due at or before until_ns, each at its own
 * time. Scans that could find nothing are skipped: the next one that
 * matters is the first at or after the earliest deadline of any flow. */
static void run_timeout_scans(struct replay *r, uint64_t until_ns)
{
	for (;;) {
		uint64_t due = UINT64_MAX;
		for (uint32_t i = 0; i < lro_conn_capacity(r->eng); i++) {
			uint64_t at = lro_conn_timeout_at(r->eng, i);
			if (at < due)
				due = at;
		}
		if (due == UINT64_MAX)
			return;
		uint64_t scan = scan_at_or_after(r, due);
		if (scan > until_ns || scan == UINT64_MAX)
			return;
		flush_timed_out(r, scan);
	}
}

/* ---- input: any supported link type to an untagged Ethernet frame ---- */

#define ETH_P_IPV4 0x0800u
#define ETH_P_IPV6 0x86ddu
/* the largest frame taken: an IP packet of 64 KB behind two VLAN tags */
#define REPLAY_FRAME_MAX (65535u + 14u + 8u)

static bool link_supported(int dlt)
{
	return dlt == DLT_EN10MB || dlt == DLT_LINUX_SLL || dlt == DLT_LINUX_SLL2 ||
	       dlt == DLT_RAW || dlt == DLT_IPV4;
}

/* Writes the record as an Ethernet frame into r->frame; returns its length,
 * 0 if the record is too short for its link-layer header. Linux cooked
 * headers (SLL: protocol at 14, SLL2: at 0) and raw IP get an Ethernet
 * header with the sender's address where the capture has one. */
static uint32_t to_ethernet(struct replay *r, int dlt, const uint8_t *d, uint32_t len)
{
	uint8_t *f = r->frame;
	uint32_t hdr = 0, proto = 0;
	memset(f, 0, 12);
	switch (dlt) {
	case DLT_EN10MB:
		hdr = 0;
		break;
	case DLT_LINUX_SLL:
		if (len < 16u)
			return 0;
		hdr = 16;
		proto = load_be16(d + 14);
		if (load_be16(d + 4) == 6u)
			memcpy(f + 6, d + 6, 6);
		break;
	case DLT_LINUX_SLL2:
		if (len < 20u)
			return 0;
		hdr = 20;
		proto = load_be16(d);
		if (d[11] == 6u)
			memcpy(f + 6, d + 12, 6);
		break;
	default:                       /* raw IP */
		if (len < 1u)
			return 0;
		proto = (d[0] >> 4) == 6 ? ETH_P_IPV6 : ETH_P_IPV4;
		break;
	}
	if (dlt == DLT_EN10MB) {
		memcpy(f, d, len);
		return len;
	}
	store_be16(f + 12, (uint16_t)proto);
	memcpy(f + 14, d + hdr, len - hdr);
	return 14u + len - hdr;
}

/* 802.1Q and QinQ tags come off, as a NIC's VLAN stripping takes them into
 * the receive descriptor: the engine and the host see the inner frame. */
static uint32_t strip_vlan(struct replay *r, uint32_t len)
{
	uint8_t *f = r->frame;
	bool tagged = false;
	while (len >= 18u) {
		uint32_t type = load_be16(f + 12);
		if (type != 0x8100u && type != 0x88a8u && type != 0x9100u)
			break;
		memmove(f + 12, f + 16, len - 16u);
		len -= 4u;
		tagged = true;
	}
	r->vlan_tagged += tagged;
	return len;
}

/* Fill in the IP and TCP checksums (--no-verify-csum): what the sender's NIC
 * would have put on the wire. */
static void fill_checksums(struct replay *r, uint8_t *f, uint32_t len)
{
	struct flow_stats key;
	uint32_t payload, off, tcp_len;
	if (len >= 14u && load_be16(f + 12) == 0x86ddu) {
		if (!frame_tuple6(f, len, &key, &off, &tcp_len))
			return;            /* not TCP right after the header: left alone */
		uint8_t *tcp = f + off;
		store_be16(tcp + 16, 0);
		uint32_t sum = csum_tcp6_pseudo(f + 22, f + 38, tcp_len);
		store_be16(tcp + 16, (uint16_t)~csum_fold(csum_partial(tcp, tcp_len, sum)));
		r->csum_filled++;
		return;
	}
	if (!frame_tuple(f, len, &key, &payload) || (load_be16(f + 14 + 6) & 0x2000u))
		return;                    /* not TCP, or a fragment: left alone */
	uint8_t *ip = f + 14;
	uint32_t ihl = (ip[0] & 15u) * 4u, total = load_be16(ip + 2);
	if (14u + total > len)
		return;
	store_be16(ip + 10, 0);
	store_be16(ip + 10, (uint16_t)~csum_fold(csum_partial(ip, ihl, 0)));
	uint8_t *tcp = ip + ihl;
	store_be16(tcp + 16, 0);
	uint32_t sum = csum_tcp_pseudo(ip + 12, ip + 16, total - ihl);
	store_be16(tcp + 16, (uint16_t)~csum_fold(csum_partial(tcp, total - ihl, sum)));
	r->csum_filled++;
}

/* ---- summary ---- */

static const char *const flush_names[LRO_FLUSH_REASONS] = {
	LRO_FLUSH_REASON_LIST(LRO_REASON_NAME)
};
static const char *const pass_names[LRO_PASS_REASONS] = { LRO_PASS_REASON_LIST(LRO_REASON_NAME) };
static const char *const drop_names[LRO_DROP_REASONS] = { LRO_DROP_REASON_LIST(LRO_REASON_NAME) };

static void print_counts(FILE *f, const char *title, const char *const *names,
			 const uint64_t *v, int n)
{
	fprintf(f, "%s:", title);
	for (int i = 0; i < n; i++)
		fprintf(f, " %s=%" PRIu64, names[i], v[i]);
	fprintf(f, "\n");
}

static void flow_name(const struct flow_stats *fl, char *buf, size_t n)
{
	if (fl->ip6) {
		char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, fl->saddr6, s, sizeof s);
		inet_ntop(AF_INET6, fl->daddr6, d, sizeof d);
		snprintf(buf, n, "[%s]:%u>[%s]:%u", s, fl->sport, d, fl->dport);
		return;
	}
	snprintf(buf, n, "%u.%u.%u.%u:%u>%u.%u.%u.%u:%u", fl->saddr >> 24, fl->saddr >> 16 & 255u,
		 fl->saddr >> 8 & 255u, fl->saddr & 255u, fl->sport, fl->daddr >> 24,
		 fl->daddr >> 16 & 255u, fl->daddr >> 8 & 255u, fl->daddr & 255u, fl->dport);
}

#define SUMMARY_FLOWS 20u              /* flows listed in the text summary */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* How long delivered data segments waited in the engine: from the frame's
 * capture time to the aggregate's delivery (a timeout flush at its scan). */
struct hold_stats {
	uint64_t n, median_ns, p99_ns, max_ns;
};

static struct hold_stats hold_stats(const struct replay *r)
{
	struct hold_stats h = { r->n_holds, 0, 0, 0 };
	if (h.n == 0)
		return h;
	qsort(r->hold_ns, h.n, sizeof *r->hold_ns, cmp_u64);
	h.median_ns = r->hold_ns[(h.n - 1u) / 2u];
	h.p99_ns = r->hold_ns[(h.n * 99u + 99u) / 100u - 1u];   /* the ceil(0.99 n)-th */
	h.max_ns = r->hold_ns[h.n - 1u];
	return h;
}

/* Per aggregate size class, why aggregates of that size ended. */
static void print_by_size(const struct replay *r, FILE *f)
{
	for (int z = 0; z < REPLAY_SIZE_CLASSES; z++) {
		uint64_t n = 0;
		for (int i = 0; i < LRO_FLUSH_REASONS; i++)
			n += r->by_size[z][i];
		if (n == 0)
			continue;
		fprintf(f, "aggregates of %s segments: %" PRIu64 ",", size_names[z], n);
		for (int i = 0; i < LRO_FLUSH_REASONS; i++)
			if (r->by_size[z][i])
				fprintf(f, " %s=%" PRIu64, flush_names[i], r->by_size[z][i]);
		fprintf(f, "\n");
	}
}

static void print_summary(const struct replay *r, FILE *f)
{
	const struct lro_counters *c = lro_engine_counters(r->eng);
	uint64_t skipped = 0;
	for (int i = 0; i < SKIP_REASONS; i++)
		skipped += r->skipped[i];
	fprintf(f, "packets in: %" PRIu64 " (%" PRIu64 " more not processed)\n", r->in, skipped);
	print_counts(f, "not processed", skip_names, r->skipped, SKIP_REASONS);
	fprintf(f, "input: %" PRIu64 " VLAN-tagged (tags removed), %" PRIu64 " jumbo, %" PRIu64
		   " checksums filled in\n", r->vlan_tagged, r->jumbo, r->csum_filled);
	fprintf(f, "packets out: %" PRIu64 " (%" PRIu64 " aggregates)\n", r->out_frames,
		r->out_aggregates);
	if (r->cut_in_output)
		fprintf(f, "output: %" PRIu64 " aggregates longer than %u bytes recorded cut to it\n",
			r->cut_in_output, PCAP_TAP_SNAPLEN);
	fprintf(f, "aggregation ratio: %.2f segments per aggregate, %.2f packets in per packet out\n",
		c->deliveries ? (double)c->delivered_segments / (double)c->deliveries : 0.0,
		r->out_frames ? (double)r->in / (double)r->out_frames : 0.0);
	print_counts(f, "flushes", flush_names, c->flush, LRO_FLUSH_REASONS);
	print_counts(f, "pass-through", pass_names, c->pass, LRO_PASS_REASONS);
	print_counts(f, "drops", drop_names, c->drop, LRO_DROP_REASONS);
	fprintf(f, "flows let go: %" PRIu64 ", ranges handed over past a gap: %" PRIu64 "\n",
		c->conns_released, c->handed_ahead);
	fprintf(f, "active ACKs built: %" PRIu64 "\n", r->acks);
	fprintf(f, "policy: %s; out-of-order deliveries: %" PRIu64 "\n",
		lro_policy_get(lro_engine_config(r->eng)->policy)->name, r->out_of_order);
	struct hold_stats h = hold_stats(r);
	if (h.n)
		fprintf(f, "hold time: median %.1f us, p99 %.1f us, max %.1f us (%" PRIu64
			   " segments%s)\n", (double)h.median_ns / 1e3, (double)h.p99_ns / 1e3,
			(double)h.max_ns / 1e3, h.n,
			r->holds_unrecorded ? "; more unrecorded: out of memory" : "");
	print_by_size(r, f);
	fprintf(f, "flows: %u\n  %-43s %9s %12s %9s %10s %12s  %s\n", r->n_flows, "flow",
		"frames-in", "payload-in", "frames-out", "aggregates", "payload-out", "flushes");
	for (uint32_t i = 0; i < r->n_flows && i < SUMMARY_FLOWS; i++) {
		const struct flow_stats *fl = &r->flows[i];
		char name[64];
		flow_name(fl, name, sizeof name);
		fprintf(f, "  %-43s %9" PRIu64 " %12" PRIu64 " %9" PRIu64 " %10" PRIu64 " %12" PRIu64
			   " ", name, fl->frames_in, fl->payload_in, fl->frames_out,
			fl->aggregates_out, fl->payload_out);
		for (int j = 0; j < LRO_FLUSH_REASONS; j++)
			if (fl->flush[j])
				fprintf(f, " %s=%" PRIu64, flush_names[j], fl->flush[j]);
		fprintf(f, "\n");
	}
	if (r->n_flows > SUMMARY_FLOWS)
		fprintf(f, "  (%u more flows: --json lists every one)\n", r->n_flows - SUMMARY_FLOWS);
}

static void json_counts(FILE *f, const char *key, const char *const *names, const uint64_t *v,
			int n)
{
	fprintf(f, "  \"%s\": {", key);
	for (int i = 0; i < n; i++)
		fprintf(f, "%s\"%s\": %" PRIu64, i ? ", " : "", names[i], v[i]);
	fprintf(f, "},\n");
}

static void print_json(const struct replay *r, FILE *f, int status)
{
	const struct lro_counters *c = lro_engine_counters(r->eng);
	fprintf(f, "{\n  \"status\": %d,\n  \"packets_in\": %" PRIu64 ",\n", status, r->in);
	json_counts(f, "not_processed", skip_names, r->skipped, SKIP_REASONS);
	fprintf(f, "  \"vlan_tagged\": %" PRIu64 ",\n  \"jumbo\": %" PRIu64
		   ",\n  \"checksums_filled\": %" PRIu64 ",\n  \"checksum_offload_suspected\": %"
		   PRIu64 ",\n", r->vlan_tagged, r->jumbo, r->csum_filled, r->csum_offloaded);
	if (r->cut_in_output)
		fprintf(f, "  \"output_cut\": %" PRIu64 ",\n", r->cut_in_output);
	fprintf(f, "  \"packets_out\": %" PRIu64 ",\n  \"aggregates\": %" PRIu64
		   ",\n  \"segments_per_aggregate\": %.4f,\n", r->out_frames, r->out_aggregates,
		c->deliveries ? (double)c->delivered_segments / (double)c->deliveries : 0.0);
	json_counts(f, "flushes", flush_names, c->flush, LRO_FLUSH_REASONS);
	json_counts(f, "pass_through", pass_names, c->pass, LRO_PASS_REASONS);
	json_counts(f, "drops", drop_names, c->drop, LRO_DROP_REASONS);
	struct hold_stats h = hold_stats(r);
	fprintf(f, "  \"hold_ns\": {\"segments\": %" PRIu64 ", \"median\": %" PRIu64 ", \"p99\": %"
		   PRIu64 ", \"max\": %" PRIu64 "},\n", h.n, h.median_ns, h.p99_ns, h.max_ns);
	fprintf(f, "  \"aggregates_by_size\": {");
	for (int z = 0; z < REPLAY_SIZE_CLASSES; z++) {
		fprintf(f, "%s\n    \"%s\": {", z ? "," : "", size_names[z]);
		for (int i = 0; i < LRO_FLUSH_REASONS; i++)
			fprintf(f, "%s\"%s\": %" PRIu64, i ? ", " : "", flush_names[i], r->by_size[z][i]);
		fprintf(f, "}");
	}
	fprintf(f, "\n  },\n");
	fprintf(f, "  \"flows_let_go\": %" PRIu64 ",\n  \"ranges_handed_over\": %" PRIu64
		   ",\n  \"active_acks\": %" PRIu64 ",\n  \"policy\": \"%s\",\n  \"out_of_order\": %"
		   PRIu64 ",\n  \"flows\": [", c->conns_released, c->handed_ahead, r->acks,
		lro_policy_get(lro_engine_config(r->eng)->policy)->name, r->out_of_order);
	for (uint32_t i = 0; i < r->n_flows; i++) {
		const struct flow_stats *fl = &r->flows[i];
		char name[64];
		flow_name(fl, name, sizeof name);
		fprintf(f, "%s\n    {\"flow\": \"%s\", \"frames_in\": %" PRIu64 ", \"payload_in\": %"
			   PRIu64 ", \"frames_out\": %" PRIu64 ", \"aggregates\": %" PRIu64
			   ", \"payload_out\": %" PRIu64 ", \"flushes\": {", i ? "," : "", name,
			fl->frames_in, fl->payload_in, fl->frames_out, fl->aggregates_out, fl->payload_out);
		for (int j = 0; j < LRO_FLUSH_REASONS; j++)
			fprintf(f, "%s\"%s\": %" PRIu64, j ? ", " : "", flush_names[j], fl->flush[j]);
		fprintf(f, "}}");
	}
	fprintf(f, "\n  ]\n}\n");
}

static int usage(const char *msg)
{
	fprintf(stderr, "npusim replay: %s\nusage: npusim replay IN.pcap -o OUT.pcap [--filter BPF] "
			"[--mode lro|nic] [--threshold BYTES] [--max-aggregate BYTES] [--no-active-ack] "
			"[--no-verify-csum] [--json]\n"
			"       [--timeout-rule paper|floor|gap] [--timeout-floor-us US] "
			"[--timeout-gap-us US]\n"
			"       [--policy paper|linux-gro|freebsd-lro|freebsd-lro-sorted|dpdk-gro|all] "
			"[--flush-timeout-us US]\n", msg);
	return 2;
}

void replay_config_default(struct lro_config *cfg)
{
	lro_config_default(cfg);
	cfg->max_conns = 4096;
	cfg->table_buckets = 1024;
}

void replay_options_default(struct replay_options *o)
{
	memset(o, 0, sizeof *o);
	o->filter = REPLAY_DEFAULT_FILTER;
	o->verify_csum = true;
}

/* The poll or burst ended (at now_ns): the policy flushes (lro_burst_end). */
static void end_burst(struct replay *r, uint64_t now_ns)
{
	r->in_burst = 0;
	bool more;
	do {
		more = lro_burst_end(r->eng, &r->actions);
		run_actions(r, now_ns);
	} while (more);
}

/* One record of the capture, through the engine. Returns false when replay
 * must stop (status set). */
static bool replay_record(struct replay *r, const struct replay_options *opt, int dlt,
			  const struct bpf_program *prog, const struct pcap_pkthdr *h,
			  const u_char *data, uint64_t number, const char *name, int *status)
{
	uint64_t now_ns = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec * 1000u;
	if (h->caplen < h->len) {
		if (r->skipped[SKIP_SNAPLEN]++ == 0)
			fprintf(stderr, "npusim replay: %s: packet %" PRIu64 " was cut by the capture's "
					"snaplen (%u of %u bytes): not processed (capture with a larger "
					"snaplen)\n", name, number, h->caplen, h->len);
		return true;
	}
	if (h->caplen > REPLAY_FRAME_MAX) {
		r->skipped[SKIP_TOO_LONG]++;
		return true;
	}
	uint32_t len = to_ethernet(r, dlt, data, h->caplen);
	if (len == 0) {
		r->skipped[SKIP_LINK_HEADER]++;
		return true;
	}
	len = strip_vlan(r, len);
	struct pcap_pkthdr eh = *h;
	eh.caplen = eh.len = len;
	if (!pcap_offline_filter(prog, &eh, r->frame)) {
		r->skipped[SKIP_FILTERED]++;
		return true;
	}
	if (r->in == 0)
		r->scan_base_ns = now_ns;
	/* a capture quiet for a scan period: a polling host would have found
	 * its ring empty, and the poll ended after the last frame */
	if (r->in_burst > 0 && now_ns - r->last_frame_ns > REPLAY_SCAN_PERIOD_NS)
		end_burst(r, r->last_frame_ns);
	run_timeout_scans(r, now_ns);
	r->last_ns = now_ns;
	hal_native_set_time_ns(now_ns);
	uint8_t *b;
	if (len > LRO_FRAME_MAX) {
		b = r->big;                /* passed through, never held */
		r->jumbo++;
	} else if (!(b = hal_pkt_alloc())) {
		fprintf(stderr, "npusim replay: more than %u segments held at packet %" PRIu64 "\n",
			r->n_bufs, number);
		*status = 1;
		return false;
	}
	memcpy(b, r->frame, len);
	if (b != r->big)
		r->arrival_ns[hal_native_pkt_index(b)] = now_ns;
	if (!opt->verify_csum)
		fill_checksums(r, b, len);
	count_flow(r, b, len, false, false);
	r->in++;
	lro_input(r->eng, b, len, now_ns, &r->actions);
	run_actions(r, now_ns);
	r->last_frame_ns = now_ns;
	if (r->burst_frames && ++r->in_burst >= r->burst_frames)
		end_burst(r, now_ns);         /* the budget's worth of frames */
	return true;
}

int replay_capture(pcap_t *p, const char *name, const struct replay_options *opt,
		   const struct lro_config *cfg, uint32_t n_bufs, pcap_dumper_t *out,
		   FILE *summary)
{
	int dlt = pcap_datalink(p);
	if (!link_supported(dlt)) {
		fprintf(stderr, "npusim replay: %s: link type %s: replay takes Ethernet, Linux cooked "
				"(SLL, SLL2) and raw IP captures\n", name,
			pcap_datalink_val_to_name(dlt) ? pcap_datalink_val_to_name(dlt) : "unknown");
		return 2;
	}
	/* the filter sees what the engine sees: the untagged Ethernet frame */
	struct bpf_program prog;
	pcap_t *eth = pcap_open_dead(DLT_EN10MB, REPLAY_FRAME_MAX);
	if (!eth) {
		fprintf(stderr, "npusim replay: out of memory\n");
		return 1;
	}
	if (pcap_compile(eth, &prog, opt->filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		fprintf(stderr, "npusim replay: --filter '%s': %s\n", opt->filter, pcap_geterr(eth));
		pcap_close(eth);
		return 2;
	}
	pcap_close(eth);

	struct replay r;
	memset(&r, 0, sizeof r);
	r.eng_mem = aligned_alloc(64, (lro_engine_bytes(cfg) + 63) / 64 * 64);
	r.n_bufs = n_bufs;
	struct hal_native_config machine = { .pkt_buffers = n_bufs };
	bool machine_built = hal_native_init(&machine) == 0;
	r.agg = malloc(cfg->max_aggregate_bytes < (1u << 17) ? (1u << 17)
							       : cfg->max_aggregate_bytes + 256u);
	r.big = malloc(REPLAY_FRAME_MAX);
	r.frame = malloc(REPLAY_FRAME_MAX + 14u);
	r.arrival_ns = malloc(r.n_bufs * sizeof *r.arrival_ns);
	r.out = out;
	int status = 0;
	if (!r.eng_mem || !machine_built || !r.agg || !r.big || !r.frame || !r.arrival_ns) {
		fprintf(stderr, "npusim replay: out of memory\n");
		status = 1;
		goto done;
	}
	r.eng = lro_engine_init(r.eng_mem, cfg);
	r.burst_frames = lro_burst_frames(r.eng);

	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;
	uint64_t number = 0;
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		number++;
		if (!replay_record(&r, opt, dlt, &prog, h, data, number, name, &status))
			break;
	}
	bool cut = status == 0 && rc == -1;
	if (cut) {
		/* a capture cut short (a full disk, a killed tcpdump): what came
		 * before is good; replay it, and say the rest is missing */
		fprintf(stderr, "npusim replay: %s: packet %" PRIu64 ": %s: the capture ends there; "
				"the %" PRIu64 " packets before it were replayed\n", name, number + 1,
			pcap_geterr(p), number);
	}
	if (status == 0 && r.in_burst > 0)
		end_burst(&r, r.last_frame_ns);
	if (status == 0)
		run_timeout_scans(&r, UINT64_MAX - 1u);
	for (uint32_t i = 0; status == 0 && i < lro_conn_capacity(r.eng); i++) {
		lro_drain_conn(r.eng, i, &r.actions);
		run_actions(&r, r.last_ns);    /* after every packet and timeout */
	}
	if (status == 0 && r.csum_offloaded > 0)
		fprintf(stderr, "npusim replay: %s: %" PRIu64 " frames carry the TCP checksum a sender "
				"with checksum offload leaves (0 or the pseudo header's sum) and were "
				"dropped: a capture taken on the sender? --no-verify-csum fills the "
				"checksums in\n", name, r.csum_offloaded);
	if (status == 0 && (cut || r.csum_offloaded > 0 || r.skipped[SKIP_SNAPLEN] > 0))
		status = REPLAY_INCOMPLETE;
	if ((status == 0 || status == REPLAY_INCOMPLETE) && opt->totals) {
		const struct lro_counters *c = lro_engine_counters(r.eng);
		struct replay_totals *t = opt->totals;
		memset(t, 0, sizeof *t);
		t->packets_in = r.in;
		t->data_in = r.data_in;
		t->packets_out = r.out_frames;
		t->aggregates = c->deliveries;
		t->segments_delivered = c->delivered_segments;
		t->out_of_order = r.out_of_order;
		memcpy(t->flush, c->flush, sizeof t->flush);
	}
	if ((status == 0 || status == REPLAY_INCOMPLETE) && summary) {
		if (opt->json)
			print_json(&r, summary, status);
		else
			print_summary(&r, summary);
	}
done:
	pcap_freecode(&prog);
	free(r.eng_mem);
	if (machine_built)
		hal_native_fini();
	free(r.agg);
	free(r.big);
	free(r.frame);
	free(r.flows);
	free(r.flow_slots);
	free(r.arrival_ns);
	free(r.hold_ns);
	return status;
}

int replay_timeout_rule(const char *name)
{
	static const char *const names[LRO_TIMEOUT_RULES] = { "paper", "floor", "gap" };
	for (int i = 0; i < LRO_TIMEOUT_RULES; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

static int parse_us(const char *text, uint32_t *ns)
{
	char *end;
	unsigned long us = strtoul(text, &end, 10);
	if (*text < '0' || *text > '9' || *end || us > 1000000)
		return -1;
	*ns = (uint32_t)(us * 1000u);
	return 0;
}

/* One replay of the capture `in`; the output capture goes to `out` (NULL:
 * none), the summary to `summary` (NULL: none). */
static int replay_file(const char *in, const char *out, const struct replay_options *opt,
		       const struct lro_config *cfg, FILE *summary)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(in, err);
	if (!p) {
		fprintf(stderr, "npusim replay: %s: %s\n", in, err);
		return 2;
	}
	if (!out) {
		int status = replay_capture(p, in, opt, cfg, 1u << 16, NULL, summary);
		pcap_close(p);
		return status;
	}
	/* written under a temporary name, renamed when every write succeeded;
	 * removed on an error or a signal */
	atomic_file_trap_signals("npusim replay: interrupted: output not written", NULL);
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, PCAP_TAP_SNAPLEN);
	struct atomic_file *af = dead ? atomic_file_open(out) : NULL;
	int e = errno;
	pcap_dumper_t *dump = af ? pcap_dump_atomic(dead, af) : NULL;
	if (!dump) {
		fprintf(stderr, "npusim replay: cannot write %s: %s\n", out,
			af ? pcap_geterr(dead) : strerror(e));
		atomic_file_discard(af);
		if (dead)
			pcap_close(dead);
		pcap_close(p);
		return 1;
	}
	int status = replay_capture(p, in, opt, cfg, 1u << 16, dump, summary);
	pcap_close(p);
	/* an incomplete input still gives the output of what it had */
	if (status != 0 && status != REPLAY_INCOMPLETE) {
		pcap_dump_close(dump);
		atomic_file_discard(af);
	} else if (pcap_dump_atomic_close(dump, af) != 0) {
		fprintf(stderr, "npusim replay: cannot write %s: %s\n", out, strerror(errno));
		status = 1;
	}
	pcap_close(dead);
	return status;
}

/* OUT.pcap -> OUT.<policy>.pcap (or OUT.<policy> without the suffix). */
static char *policy_output_name(const char *out, const char *policy)
{
	size_t n = strlen(out), keep = n;
	if (n > 5 && !strcmp(out + n - 5, ".pcap"))
		keep = n - 5;
	size_t size = n + strlen(policy) + 8;
	char *name = malloc(size);
	if (name)
		snprintf(name, size, "%.*s.%s%s", (int)keep, out, policy, keep < n ? ".pcap" : "");
	return name;
}

/* --policy all: the capture once per policy, one table. */
static int replay_all_policies(const char *in, const char *out, const struct replay_options *base,
			       const struct lro_config *cfg)
{
	struct replay_totals t[LRO_POLICIES];
	int status = 0;
	for (unsigned i = 0; i < LRO_POLICIES; i++) {
		struct replay_options opt = *base;
		opt.totals = &t[i];
		struct lro_config c = *cfg;
		c.policy = (uint8_t)i;
		char *name = out ? policy_output_name(out, lro_policy_get(i)->name) : NULL;
		if (out && !name) {
			fprintf(stderr, "npusim replay: out of memory\n");
			return 1;
		}
		int st = replay_file(in, name, &opt, &c, NULL);
		free(name);
		if (st != 0 && st != REPLAY_INCOMPLETE)
			return st;
		if (st)
			status = st;
	}
	FILE *f = stdout;
	if (base->json) {
		fprintf(f, "{\n  \"status\": %d,\n  \"policies\": [", status);
		for (unsigned i = 0; i < LRO_POLICIES; i++) {
			fprintf(f, "%s\n    {\"policy\": \"%s\", \"packets_in\": %" PRIu64
				   ", \"data_segments_in\": %" PRIu64 ", \"packets_out\": %" PRIu64
				   ", \"aggregates\": %" PRIu64 ", \"segments_per_aggregate\": %.4f"
				   ", \"packets_in_per_out\": %.4f, \"out_of_order\": %" PRIu64
				   ", \"flushes\": {", i ? "," : "", lro_policy_get(i)->name,
				t[i].packets_in, t[i].data_in, t[i].packets_out, t[i].aggregates,
				t[i].aggregates ? (double)t[i].segments_delivered / (double)t[i].aggregates : 0.0,
				t[i].packets_out ? (double)t[i].packets_in / (double)t[i].packets_out : 0.0,
				t[i].out_of_order);
			for (int j = 0; j < LRO_FLUSH_REASONS; j++)
				fprintf(f, "%s\"%s\": %" PRIu64, j ? ", " : "", flush_names[j], t[i].flush[j]);
			fprintf(f, "}}");
		}
		fprintf(f, "\n  ]\n}\n");
	} else {
		fprintf(f, "%-18s %10s %10s %11s %10s %8s %8s %12s  %s\n", "policy", "packets-in",
			"data-in", "packets-out", "aggregates", "seg/agg", "in/out", "out-of-order",
			"flushes");
		for (unsigned i = 0; i < LRO_POLICIES; i++) {
			fprintf(f, "%-18s %10" PRIu64 " %10" PRIu64 " %11" PRIu64 " %10" PRIu64
				   " %8.2f %8.2f %12" PRIu64 " ", lro_policy_get(i)->name, t[i].packets_in,
				t[i].data_in, t[i].packets_out, t[i].aggregates,
				t[i].aggregates ? (double)t[i].segments_delivered / (double)t[i].aggregates : 0.0,
				t[i].packets_out ? (double)t[i].packets_in / (double)t[i].packets_out : 0.0,
				t[i].out_of_order);
			for (int j = 0; j < LRO_FLUSH_REASONS; j++)
				if (t[i].flush[j])
					fprintf(f, " %s=%" PRIu64, flush_names[j], t[i].flush[j]);
			fprintf(f, "\n");
		}
	}
	return status;
}

int replay_main(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	struct replay_options opt;
	replay_options_default(&opt);
	struct lro_config cfg;
	replay_config_default(&cfg);
	bool policy_all = false;
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "filter", required_argument, NULL, 'f' },
		{ "mode", required_argument, NULL, 'm' },
		{ "threshold", required_argument, NULL, 't' },
		{ "max-aggregate", required_argument, NULL, 'A' },
		{ "no-active-ack", no_argument, NULL, 'n' },
		{ "no-verify-csum", no_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout-rule", required_argument, NULL, 'r' },
		{ "timeout-floor-us", required_argument, NULL, 'F' },
		{ "timeout-gap-us", required_argument, NULL, 'G' },
		{ "policy", required_argument, NULL, 'P' },
		{ "flush-timeout-us", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'f':
			opt.filter = optarg;
			break;
		case 'm':
			if (strcmp(optarg, "lro") && strcmp(optarg, "nic"))
				return usage("--mode is lro or nic");
			cfg.mode = strcmp(optarg, "nic") ? LRO_MODE_LRO : LRO_MODE_NIC;
			break;
		case 't': {
			char *end;
			unsigned long t = strtoul(optarg, &end, 10);
			if (*end || t < 1 || t > 1048576)
				return usage("--threshold is a byte count 1..1048576");
			cfg.threshold_bytes = (uint32_t)t;
			break;
		}
		case 'A': {
			char *end;
			unsigned long m = strtoul(optarg, &end, 10);
			if (*end || m < 65535 || m > LRO_BIG_AGG_MAX)
				return usage("--max-aggregate is a byte count 65535..524288");
			cfg.max_aggregate_bytes = (uint32_t)m;
			break;
		}
		case 'n':
			cfg.active_ack = false;
			break;
		case 'c':
			opt.verify_csum = false;
			break;
		case 'j':
			opt.json = true;
			break;
		case 'r': {
			int rule = replay_timeout_rule(optarg);
			if (rule < 0)
				return usage("--timeout-rule is paper, floor or gap");
			cfg.timeout_rule = (uint8_t)rule;
			break;
		}
		case 'F':
			if (parse_us(optarg, &cfg.timeout_floor_ns) != 0)
				return usage("--timeout-floor-us is microseconds 0..1000000");
			break;
		case 'G':
			if (parse_us(optarg, &cfg.timeout_gap_ns) != 0)
				return usage("--timeout-gap-us is microseconds 0..1000000");
			break;
		case 'P': {
			int pol = lro_policy_by_name(optarg);
			policy_all = !strcmp(optarg, "all");
			if (pol < 0 && !policy_all)
				return usage("--policy is paper, linux-gro, freebsd-lro, freebsd-lro-sorted, dpdk-gro or all");
			cfg.policy = (uint8_t)(pol < 0 ? 0 : pol);
			break;
		}
		case 'T':
			if (parse_us(optarg, &cfg.flush_timeout_ns) != 0)
				return usage("--flush-timeout-us is microseconds 0..1000000");
			break;
		default:
			return usage("unknown option or missing value");
		}
	}
	for (int i = optind; i < argc; i++) {
		if (in)
			return usage("unexpected argument");
		in = argv[i];
	}
	if (!in || (!out && !policy_all))
		return usage("needs an input capture and -o OUT.pcap");
	int status = policy_all ? replay_all_policies(in, out, &opt, &cfg)
				: replay_file(in, out, &opt, &cfg, stdout);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "npusim replay: cannot write the summary: %s\n", strerror(errno));
		status = status ? status : 1;
	}
	return status;
}


