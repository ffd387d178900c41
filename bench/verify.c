/* bench/verify.c - the byte-for-byte check of an aggregator's output. */
#include "bench/verify.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_SLOTS (1u << 17)         /* at most half used */
#define MAX_FLOWS (TABLE_SLOTS / 2u)
#define MAX_SPAN (1u << 30)            /* bytes of one flow's sequence space */
#define TCP_SYN 0x02u

struct flow {
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	bool used, has_base, has_syn, has_out;
	uint32_t base, hi;             /* sequence numbers: first byte, end */
	uint32_t span;                 /* hi - base */
	uint32_t last_out_end;         /* sequence number */
	uint8_t *bytes;
	uint64_t *in_cov, *out_cov;    /* one bit per byte */
};

struct verify {
	struct flow *slots;
	uint32_t n_flows;
	struct verify_report r;
};

struct frame_view {
	uint32_t saddr, daddr, seq;
	uint16_t sport, dport;
	uint8_t flags;
	const uint8_t *ip;
	uint32_t ip_total, ihl;
	const uint8_t *payload;
	uint32_t payload_len;
};

static inline bool seq_before(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }

static uint32_t be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static uint32_t be32(const uint8_t *p) { return be16(p) << 16 | be16(p + 2); }

/* 0 for a TCP/IPv4 frame whose lengths are consistent. */
static int view_frame(const uint8_t *f, uint32_t len, struct frame_view *v)
{
	if (len < 14u + 20u || be16(f + 12) != 0x0800u || (f[14] >> 4) != 4)
		return -1;
	v->ip = f + 14;
	v->ihl = (uint32_t)(v->ip[0] & 0x0fu) * 4u;
	v->ip_total = be16(v->ip + 2);
	if (v->ihl < 20u || v->ip[9] != 6 || v->ip_total < v->ihl + 20u || 14u + v->ip_total > len)
		return -1;
	const uint8_t *tcp = v->ip + v->ihl;
	uint32_t doff = (uint32_t)(tcp[12] >> 4) * 4u;
	if (doff < 20u || v->ihl + doff > v->ip_total)
		return -1;
	v->saddr = be32(v->ip + 12);
	v->daddr = be32(v->ip + 16);
	v->sport = (uint16_t)be16(tcp);
	v->dport = (uint16_t)be16(tcp + 2);
	v->seq = be32(tcp + 4);
	v->flags = tcp[13];
	v->payload = tcp + doff;
	v->payload_len = v->ip_total - v->ihl - doff;
	return 0;
}

static uint64_t sum_words(const uint8_t *p, uint32_t len, uint64_t sum)
{
	uint32_t i = 0;
	for (; i + 1u < len; i += 2u)
		sum += be16(p + i);
	if (i < len)
		sum += (uint32_t)p[i] << 8;
	return sum;
}

static bool folds_to_ones(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return sum == 0xffffu;
}

static bool checksums_ok(const struct frame_view *v)
{
	if (!folds_to_ones(sum_words(v->ip, v->ihl, 0)))
		return false;
	uint32_t tcp_len = v->ip_total - v->ihl;
	uint64_t pseudo = be16(v->ip + 12) + be16(v->ip + 14) + be16(v->ip + 16) + be16(v->ip + 18) +
			  6u + tcp_len;
	return folds_to_ones(sum_words(v->ip + v->ihl, tcp_len, pseudo));
}

/* ---- bitmaps over [from, to) ---- */

static uint64_t word_mask(uint64_t from, uint64_t to, uint64_t w)
{
	uint64_t lo = from > w * 64u ? from - w * 64u : 0;
	uint64_t hi = to < (w + 1u) * 64u ? to - w * 64u : 64u;
	uint64_t m = hi == 64u ? ~0ull : ((1ull << hi) - 1u);
	return m & ~((1ull << lo) - 1u);
}

static uint64_t bits_count(const uint64_t *map, uint64_t from, uint64_t to)
{
	uint64_t n = 0;
	if (from >= to)
		return 0;
	for (uint64_t w = from / 64u; w <= (to - 1u) / 64u; w++)
		n += (uint64_t)__builtin_popcountll(map[w] & word_mask(from, to, w));
	return n;
}

static void bits_set(uint64_t *map, uint64_t from, uint64_t to)
{
	if (from >= to)
		return;
	for (uint64_t w = from / 64u; w <= (to - 1u) / 64u; w++)
		map[w] |= word_mask(from, to, w);
}

static bool bit(const uint64_t *map, uint64_t i)
{
	return (map[i / 64u] >> (i % 64u)) & 1u;
}

/* ---- flows ---- */

static struct flow *flow_find(struct verify *v, const struct frame_view *f, bool create)
{
	uint32_t h = f->saddr * 0x9e3779b1u ^ f->daddr * 0x85ebca6bu ^
		     ((uint32_t)f->sport << 16 | f->dport) * 0xc2b2ae35u;
	for (uint32_t i = h & (TABLE_SLOTS - 1u);; i = (i + 1u) & (TABLE_SLOTS - 1u)) {
		struct flow *k = &v->slots[i];
		if (!k->used) {
			if (!create || v->n_flows >= MAX_FLOWS)
				return NULL;
			k->used = true;
			k->saddr = f->saddr;
			k->daddr = f->daddr;
			k->sport = f->sport;
			k->dport = f->dport;
			v->n_flows++;
			return k;
		}
		if (k->saddr == f->saddr && k->daddr == f->daddr && k->sport == f->sport &&
		    k->dport == f->dport)
			return k;
	}
}

void verify_free(struct verify *v)
{
	if (!v)
		return;
	for (uint32_t i = 0; i < TABLE_SLOTS; i++) {
		free(v->slots[i].bytes);
		free(v->slots[i].in_cov);
		free(v->slots[i].out_cov);
	}
	free(v->slots);
	free(v);
}

/* Input frames the reference keeps: TCP/IPv4 with right checksums. */
static bool input_frame(struct verify *v, const struct capture *c, size_t i, struct frame_view *f)
{
	if (view_frame(c->data + c->frames[i].off, c->frames[i].len, f) != 0)
		return false;
	if (!checksums_ok(f)) {
		v->r.in_bad_checksum++;
		return false;
	}
	return true;
}

struct verify *verify_new(const struct capture *c)
{
	struct verify *v = calloc(1, sizeof *v);
	if (!v)
		return NULL;
	v->slots = calloc(TABLE_SLOTS, sizeof *v->slots);
	if (!v->slots) {
		free(v);
		return NULL;
	}
	struct frame_view f;
	/* first: each flow's extent */
	for (size_t i = 0; i < c->n; i++) {
		if (!input_frame(v, c, i, &f))
			continue;
		if (!(f.flags & TCP_SYN) && f.payload_len == 0)
			continue;
		struct flow *k = flow_find(v, &f, true);
		if (!k) {
			fprintf(stderr, "verify: more than %u flows\n", MAX_FLOWS);
			verify_free(v);
			return NULL;
		}
		if (f.flags & TCP_SYN) {
			if (!k->has_base) {
				k->base = k->hi = f.seq + 1u;
				k->has_base = k->has_syn = true;
			}
			continue;
		}
		uint32_t end = f.seq + f.payload_len;
		if (!k->has_base) {
			k->base = f.seq;
			k->hi = end;
			k->has_base = true;
			continue;
		}
		if (!k->has_syn && seq_before(f.seq, k->base))
			k->base = f.seq;
		if (seq_before(k->hi, end))
			k->hi = end;
	}
	for (uint32_t i = 0; i < TABLE_SLOTS; i++) {
		struct flow *k = &v->slots[i];
		if (!k->used)
			continue;
		k->span = k->hi - k->base;
		if (k->span > MAX_SPAN) {
			fprintf(stderr, "verify: a flow spans more than %u bytes\n", MAX_SPAN);
			verify_free(v);
			return NULL;
		}
		size_t words = (size_t)k->span / 64u + 1u;
		k->bytes = malloc((size_t)k->span + 1u);
		k->in_cov = calloc(words, sizeof(uint64_t));
		k->out_cov = calloc(words, sizeof(uint64_t));
		if (!k->bytes || !k->in_cov || !k->out_cov) {
			verify_free(v);
			return NULL;
		}
	}
	/* then: the bytes */
	v->r.in_bad_checksum = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (!input_frame(v, c, i, &f) || f.payload_len == 0)
			continue;
		struct flow *k = flow_find(v, &f, false);
		uint32_t off = f.seq - k->base;
		v->r.in_data_segments++;
		if (off >= k->span)
			continue;              /* before the SYN's sequence number */
		uint32_t n = k->span - off < f.payload_len ? k->span - off : f.payload_len;
		if (bits_count(k->in_cov, off, (uint64_t)off + n) == 0) {
			memcpy(k->bytes + off, f.payload, n);
		} else {
			for (uint32_t j = 0; j < n; j++) {
				if (!bit(k->in_cov, off + j))
					k->bytes[off + j] = f.payload[j];
				else if (k->bytes[off + j] != f.payload[j])
					v->r.in_conflicts++;
			}
		}
		bits_set(k->in_cov, off, (uint64_t)off + n);
	}
	return v;
}

void verify_reset(struct verify *v)
{
	struct verify_report keep = v->r;
	memset(&v->r, 0, sizeof v->r);
	v->r.in_data_segments = keep.in_data_segments;
	v->r.in_bad_checksum = keep.in_bad_checksum;
	v->r.in_conflicts = keep.in_conflicts;
	for (uint32_t i = 0; i < TABLE_SLOTS; i++) {
		struct flow *k = &v->slots[i];
		if (!k->used)
			continue;
		memset(k->out_cov, 0, ((size_t)k->span / 64u + 1u) * sizeof(uint64_t));
		k->has_out = false;
	}
}

void verify_output(struct verify *v, const uint8_t *frame, uint32_t len, uint32_t segments)
{
	struct frame_view f;
	v->r.out_frames++;
	if (view_frame(frame, len, &f) != 0) {
		v->r.out_malformed++;
		return;
	}
	if (!checksums_ok(&f))
		v->r.out_bad_checksum++;
	if (f.payload_len == 0)
		return;
	v->r.out_data++;
	v->r.out_segments += segments;
	struct flow *k = flow_find(v, &f, false);
	if (!k || !k->bytes) {
		v->r.bytes_extra += f.payload_len;
		return;
	}
	uint32_t end = f.seq + f.payload_len;
	if (k->has_out && seq_before(f.seq, k->last_out_end))
		v->r.out_of_order++;
	if (!k->has_out || seq_before(k->last_out_end, end))
		k->last_out_end = end;
	k->has_out = true;

	uint32_t off = f.seq - k->base;
	if (off >= k->span) {
		v->r.bytes_extra += f.payload_len;
		return;
	}
	uint32_t n = k->span - off < f.payload_len ? k->span - off : f.payload_len;
	v->r.bytes_extra += f.payload_len - n;
	uint64_t from = off, to = (uint64_t)off + n;
	v->r.bytes_twice += bits_count(k->out_cov, from, to);
	if (bits_count(k->in_cov, from, to) == n && memcmp(k->bytes + off, f.payload, n) == 0) {
		v->r.bytes_ok += n;
	} else {
		for (uint32_t j = 0; j < n; j++) {
			if (!bit(k->in_cov, off + j))
				v->r.bytes_extra++;
			else if (k->bytes[off + j] != f.payload[j])
				v->r.bytes_wrong++;
			else
				v->r.bytes_ok++;
		}
	}
	bits_set(k->out_cov, from, to);
}

void verify_result(const struct verify *v, struct verify_report *r)
{
	*r = v->r;
	r->bytes_missing = 0;
	for (uint32_t i = 0; i < TABLE_SLOTS; i++) {
		const struct flow *k = &v->slots[i];
		if (!k->used || !k->bytes)
			continue;
		for (size_t w = 0; w <= (size_t)k->span / 64u; w++)
			r->bytes_missing += (uint64_t)__builtin_popcountll(k->in_cov[w] & ~k->out_cov[w]);
	}
	r->bytes_verified = r->bytes_wrong == 0 && r->bytes_twice == 0 && r->bytes_extra == 0 &&
			    r->bytes_missing == 0 && r->out_malformed == 0;
}
