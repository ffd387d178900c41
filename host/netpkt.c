/* host/netpkt.c - building and parsing TCP/IPv4 and TCP/IPv6 frames on the
 * hosts. */
#include "host/netpkt.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
/* Eight words a vector where the CPU has AVX2 (picked at run time, as
 * host/oracle.c's loops are). */
#define NETPKT_CSUM_AVX2 1
#endif

/* Big-endian (network order) loads and stores. */
static uint16_t load_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void store_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The host's own Internet checksum, written the plain way (RFC 1071) rather
 * than borrowed from the firmware, so that the host model checks the
 * firmware's faster arithmetic instead of sharing its bugs. The words are
 * summed in the machine's own byte order and the folded sum put into network
 * order once at the end (RFC 1071, section 2(B): the sum is independent of
 * byte order up to that swap): 32-bit words into 64-bit sums, each counting
 * as its two 16-bit halves (2^16 = 1 modulo 0xffff: section 2(C)), four sums
 * side by side so the additions overlap, the carries folded back in at the
 * end. The simulator checksums every frame twice (client and server): this
 * runs 1,500 bytes in about half the time of the same loop on big-endian
 * loads (a byte swap per word). Where the CPU has AVX2, a vector loop adds
 * the same words from 128 bytes on (the frames the server verifies come
 * from host memory, often not in L1: the vector loads wait less). */
#ifdef NETPKT_CSUM_AVX2
/* The sum of the 32-bit words of the first n / 64 * 64 bytes, the same
 * integer the scalar loop adds up: each 64-bit lane adds the low and the
 * high halves of its words (no lane comes near overflow below 2^32 words),
 * so the folded result is the scalar one whatever the order. */
__attribute__((target("avx2"))) static uint64_t sum_words_avx2(const uint8_t *p, uint32_t n)
{
	const __m256i low = _mm256_set1_epi64x(0xffffffffLL);
	__m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
	for (uint32_t i = 0; i + 64u <= n; i += 64u) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
		__m256i u = _mm256_loadu_si256((const __m256i *)(const void *)(p + i + 32));
		a0 = _mm256_add_epi64(a0, _mm256_and_si256(v, low));
		a1 = _mm256_add_epi64(a1, _mm256_srli_epi64(v, 32));
		a2 = _mm256_add_epi64(a2, _mm256_and_si256(u, low));
		a3 = _mm256_add_epi64(a3, _mm256_srli_epi64(u, 32));
	}
	__m256i a = _mm256_add_epi64(_mm256_add_epi64(a0, a1), _mm256_add_epi64(a2, a3));
	__m128i h = _mm_add_epi64(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
	return (uint64_t)_mm_cvtsi128_si64(h) + (uint64_t)_mm_extract_epi64(h, 1);
}
#endif

uint16_t netpkt_csum(const uint8_t *p, uint32_t len, uint64_t sum)
{
	uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	uint32_t i = 0, w;
#ifdef NETPKT_CSUM_AVX2
	if (len >= 128u && __builtin_cpu_supports("avx2")) {
		s0 = sum_words_avx2(p, len);
		i = len & ~63u;
	}
#endif
	for (; i + 16u <= len; i += 16u) {
		memcpy(&w, p + i, 4);
		s0 += w;
		memcpy(&w, p + i + 4, 4);
		s1 += w;
		memcpy(&w, p + i + 8, 4);
		s2 += w;
		memcpy(&w, p + i + 12, 4);
		s3 += w;
	}
	uint64_t native = s0 + s1 + s2 + s3;
	for (; i + 4u <= len; i += 4u) {
		memcpy(&w, p + i, 4);
		native += w;
	}
	uint16_t half;
	if (i + 2u <= len) {
		memcpy(&half, p + i, 2);
		native += half;
		i += 2u;
	}
	uint8_t tail[2] = { 0, 0 };
	if (i < len) {
		tail[0] = p[i];    /* an odd last byte, padded with zero after it */
		memcpy(&half, tail, 2);
		native += half;
	}
	while (native >> 16)
		native = (native & 0xffffu) + (native >> 16);
	/* into network order: the folded sum's two bytes read big-endian */
	half = (uint16_t)native;
	memcpy(tail, &half, 2);
	sum += load_be16(tail);
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)sum;
}

/* The TCP/IPv4 pseudo header's words (RFC 793, section 3.1); a BIG TCP
 * aggregate's length, past 16 bits, counts whole (its two halves' sum). */
static uint64_t tcp_pseudo_sum(const uint8_t *ip, uint32_t tcp_len)
{
	return (uint64_t)load_be16(ip + 12) + load_be16(ip + 14) + load_be16(ip + 16) +
	       load_be16(ip + 18) + 6u + tcp_len;
}

/* The TCP/IPv6 pseudo header's words (RFC 8200, section 8.1): both
 * addresses, the 32-bit upper-layer length, next header 6. */
static uint64_t tcp6_pseudo_sum(const uint8_t *ip6, uint32_t tcp_len)
{
	uint64_t sum = 6u + (tcp_len >> 16) + (tcp_len & 0xffffu);
	for (uint32_t i = 8; i < 40; i += 2)
		sum += load_be16(ip6 + i);
	return sum;
}

uint32_t netpkt_tcp_payload_offset(const struct netpkt_tcp *h)
{
	uint32_t olen = (h->mss ? 4u : 0u) + (h->has_ts ? 12u : 0u) + (h->wscale != 0xff ? 4u : 0u);
	if (h->sack_ok && !h->has_ts)
		olen += 4u;                    /* NOP, NOP, SACK-permitted */
	if (h->n_sack)
		olen += 4u + 8u * h->n_sack;
	return 14u + (h->ip6 ? 40u : 20u) + 20u + olen;
}

/* 2001:db8::/96, the documentation prefix (RFC 3849) */
static const uint8_t ip6_prefix[12] = { 0x20, 0x01, 0x0d, 0xb8 };

void netpkt_ip6_addr(uint32_t addr, uint8_t out[16])
{
	memcpy(out, ip6_prefix, 12);
	store_be32(out + 12, addr);
}

uint32_t netpkt_build_tcp(uint8_t *b, const struct netpkt_tcp *h, const uint8_t *payload,
			  uint32_t len)
{
	uint8_t opt[40];
	uint32_t olen = 0;
	if (h->mss) {
		opt[olen++] = 2;
		opt[olen++] = 4;
		store_be16(opt + olen, h->mss);
		olen += 2;
	}
	if (h->has_ts) {
		/* Linux's layout (tcp_options_write, net/ipv4/tcp_output.c):
		 * NOP, NOP, TS; on a SYN with SACK, SACK-permitted takes the NOPs */
		opt[olen++] = h->sack_ok ? 4 : 1;
		opt[olen++] = h->sack_ok ? 2 : 1;
		opt[olen++] = 8;
		opt[olen++] = 10;
		store_be32(opt + olen, h->tsval);
		store_be32(opt + olen + 4, h->tsecr);
		olen += 8;
	}
	if (h->sack_ok && !h->has_ts) {
		opt[olen++] = 1;
		opt[olen++] = 1;
		opt[olen++] = 4;
		opt[olen++] = 2;
	}
	if (h->wscale != 0xff) {
		opt[olen++] = 1;
		opt[olen++] = 3;
		opt[olen++] = 3;
		opt[olen++] = h->wscale;
	}
	if (h->n_sack) {
		/* NOP, NOP, SACK with its blocks, the first one first */
		opt[olen++] = 1;
		opt[olen++] = 1;
		opt[olen++] = 5;
		opt[olen++] = (uint8_t)(2u + 8u * h->n_sack);
		for (uint32_t i = 0; i < h->n_sack; i++) {
			store_be32(opt + olen, h->sack_start[i]);
			store_be32(opt + olen + 4, h->sack_end[i]);
			olen += 8;
		}
	}
	uint32_t tcp_hlen = 20u + olen;
	memcpy(b, h->dst_mac, 6);
	memcpy(b + 6, h->src_mac, 6);
	uint8_t *ip = b + 14, *tcp;
	if (h->ip6) {
		/* RFC 8200's fixed header: no checksum, TCP right after it */
		b[12] = 0x86;
		b[13] = 0xdd;
		memset(ip, 0, 4);
		ip[0] = 0x60;
		store_be16(ip + 4, (uint16_t)(tcp_hlen + len));
		ip[6] = 6;                 /* next header TCP */
		ip[7] = 64;                /* hop limit */
		netpkt_ip6_addr(h->saddr, ip + 8);
		netpkt_ip6_addr(h->daddr, ip + 24);
		tcp = ip + 40;
	} else {
		b[12] = 0x08;
		b[13] = 0x00;
		ip[0] = 0x45;
		ip[1] = 0;
		store_be16(ip + 2, (uint16_t)(20u + tcp_hlen + len));
		store_be16(ip + 4, h->ip_id);
		store_be16(ip + 6, 0x4000);
		ip[8] = 64;
		ip[9] = 6;
		store_be16(ip + 10, 0);
		store_be32(ip + 12, h->saddr);
		store_be32(ip + 16, h->daddr);
		store_be16(ip + 10, (uint16_t)~netpkt_csum(ip, 20, 0));
		tcp = ip + 20;
	}
	store_be16(tcp, h->sport);
	store_be16(tcp + 2, h->dport);
	store_be32(tcp + 4, h->seq);
	store_be32(tcp + 8, h->ack);
	tcp[12] = (uint8_t)((tcp_hlen / 4u) << 4);
	tcp[13] = h->flags;
	store_be16(tcp + 14, h->window);
	store_be16(tcp + 16, 0);
	store_be16(tcp + 18, 0);
	memcpy(tcp + 20, opt, olen);
	if (len && payload != tcp + tcp_hlen)   /* not already written in place */
		memcpy(tcp + tcp_hlen, payload, len);
	uint64_t pseudo = h->ip6 ? tcp6_pseudo_sum(ip, tcp_hlen + len)
				 : tcp_pseudo_sum(ip, tcp_hlen + len);
	store_be16(tcp + 16, (uint16_t)~netpkt_csum(tcp, tcp_hlen + len, pseudo));
	uint32_t frame = (uint32_t)(tcp - b) + tcp_hlen + len;
	if (frame < 60u) {
		memset(b + frame, 0, 60u - frame);
		frame = 60u;
	}
	return frame;
}

/* An IPv6 frame: its TCP segment's place and length, the pseudo header's
 * sum; -1 if it is not TCP/IPv6 from the hosts' prefix. A jumbogram (payload
 * length 0, a hop-by-hop header holding only the jumbo payload option, RFC
 * 2675 section 2) is taken, as a BIG TCP receiver takes it. */
static int parse_ip6(const uint8_t *f, uint32_t len, const uint8_t **tcp, uint32_t *tcp_len,
		     uint64_t *sum)
{
	const uint8_t *ip = f + 14;
	if (len < 14u + 40u + 20u || (ip[0] >> 4) != 6 || memcmp(ip + 8, ip6_prefix, 12) != 0 ||
	    memcmp(ip + 24, ip6_prefix, 12) != 0)
		return -1;
	uint32_t plen = load_be16(ip + 4), hdr = 40u;
	if (ip[6] == 0 && plen == 0) {
		const uint8_t *hbh = ip + 40;
		if (hbh[0] != 6 || hbh[1] != 0 || hbh[2] != 0xc2 || hbh[3] != 4)
			return -1;
		plen = load_be32(hbh + 4);
		if (plen <= 65535u || plen < 8u + 20u)
			return -1;             /* RFC 2675: a jumbogram is longer */
		hdr += 8u;
		plen -= 8u;
	} else if (ip[6] != 6) {
		return -1;                     /* an extension header */
	}
	if (plen < 20u || plen > len - 14u - hdr)
		return -1;
	*tcp = ip + hdr;
	*tcp_len = plen;
	*sum = tcp6_pseudo_sum(ip, plen);
	return 0;
}

int netpkt_parse_tcp(const uint8_t *f, uint32_t len, struct netpkt_tcp *h,
		     const uint8_t **payload, uint32_t *payload_len)
{
	if (len < 54)
		return -1;
	const uint8_t *ip = f + 14, *tcp;
	uint32_t tcp_len;
	uint64_t sum;
	int ip6 = f[12] == 0x86 && f[13] == 0xdd;
	if (ip6) {
		if (parse_ip6(f, len, &tcp, &tcp_len, &sum) != 0)
			return -1;
	} else {
		if (f[12] != 0x08 || f[13] != 0x00)
			return -1;
		uint32_t ihl = (uint32_t)(ip[0] & 0x0fu) * 4u;
		uint32_t total = load_be16(ip + 2);
		if (total == 0 && len - 14u > 65535u)
			total = len - 14u;     /* BIG TCP: the length is the frame's */
		if ((ip[0] >> 4) != 4 || ihl < 20 || ip[9] != 6 || total < ihl + 20 ||
		    14 + total > len)
			return -1;
		if (netpkt_csum(ip, ihl, 0) != 0xffffu)
			return -2;
		tcp = ip + ihl;
		tcp_len = total - ihl;
		sum = tcp_pseudo_sum(ip, tcp_len);
	}
	uint32_t thl = (uint32_t)(tcp[12] >> 4) * 4u;
	if (thl < 20 || thl > tcp_len)
		return -1;
	if (netpkt_csum(tcp, tcp_len, sum) != 0xffffu)
		return -2;
	memset(h, 0, sizeof *h);
	memcpy(h->dst_mac, f, 6);
	memcpy(h->src_mac, f + 6, 6);
	h->ip6 = (uint8_t)ip6;
	if (ip6) {
		h->saddr = load_be32(ip + 8 + 12);
		h->daddr = load_be32(ip + 24 + 12);
	} else {
		h->saddr = load_be32(ip + 12);
		h->daddr = load_be32(ip + 16);
		h->ip_id = load_be16(ip + 4);
	}
	h->sport = load_be16(tcp);
	h->dport = load_be16(tcp + 2);
	h->seq = load_be32(tcp + 4);
	h->ack = load_be32(tcp + 8);
	h->flags = tcp[13];
	h->window = load_be16(tcp + 14);
	h->wscale = 0xff;
	for (uint32_t i = 20; i < thl;) {
		uint8_t kind = tcp[i];
		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= thl || tcp[i + 1] < 2 || i + tcp[i + 1] > thl)
			break;
		if (kind == 2 && tcp[i + 1] == 4)
			h->mss = load_be16(tcp + i + 2);
		else if (kind == 3 && tcp[i + 1] == 3)
			h->wscale = tcp[i + 2];
		else if (kind == 4 && tcp[i + 1] == 2)
			h->sack_ok = 1;
		else if (kind == 5 && tcp[i + 1] >= 10 && (tcp[i + 1] - 2u) % 8u == 0) {
			uint32_t n = (tcp[i + 1] - 2u) / 8u;
			for (uint32_t b = 0; b < n && h->n_sack < NETPKT_MAX_SACK; b++) {
				h->sack_start[h->n_sack] = load_be32(tcp + i + 2 + 8 * b);
				h->sack_end[h->n_sack] = load_be32(tcp + i + 6 + 8 * b);
				h->n_sack++;
			}
		}
		else if (kind == 8 && tcp[i + 1] == 10) {
			h->has_ts = 1;
			h->tsval = load_be32(tcp + i + 2);
			h->tsecr = load_be32(tcp + i + 6);
		}
		i += tcp[i + 1];
	}
	*payload = tcp + thl;
	*payload_len = tcp_len - thl;
	return 0;
}
