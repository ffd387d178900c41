/* host/netpkt.c - building and parsing TCP/IPv4 and TCP/IPv6 frames on the
 * hosts. */
#include "host/netpkt.h"

#include <string.h>
#include "firmware/csum.h"

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
	csum_put32(out + 12, addr);
}

/* The IPv6 header (RFC 8200) of a TCP segment of tcp_len bytes; returns the
 * TCP header's place. */
static uint8_t *build_ip6(uint8_t *b, const struct netpkt_tcp *h, uint32_t tcp_len)
{
	b[12] = 0x86;
	b[13] = 0xdd;
	uint8_t *ip = b + 14;
	memset(ip, 0, 4);
	ip[0] = 0x60;
	csum_put16(ip + 4, (uint16_t)tcp_len);
	ip[6] = 6;                     /* next header TCP */
	ip[7] = 64;                    /* hop limit */
	netpkt_ip6_addr(h->saddr, ip + 8);
	netpkt_ip6_addr(h->daddr, ip + 24);
	return ip + 40;
}

uint32_t netpkt_build_tcp(uint8_t *b, const struct netpkt_tcp *h, const uint8_t *payload,
			  uint32_t len)
{
	uint8_t opt[40];
	uint32_t olen = 0;
	if (h->mss) {
		opt[olen++] = 2;
		opt[olen++] = 4;
		csum_put16(opt + olen, h->mss);
		olen += 2;
	}
	if (h->has_ts) {
		/* Linux's layout (tcp_options_write, net/ipv4/tcp_output.c):
		 * NOP, NOP, TS; on a SYN with SACK, SACK-permitted takes the NOPs */
		opt[olen++] = h->sack_ok ? 4 : 1;
		opt[olen++] = h->sack_ok ? 2 : 1;
		opt[olen++] = 8;
		opt[olen++] = 10;
		csum_put32(opt + olen, h->tsval);
		csum_put32(opt + olen + 4, h->tsecr);
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
			csum_put32(opt + olen, h->sack_start[i]);
			csum_put32(opt + olen + 4, h->sack_end[i]);
			olen += 8;
		}
	}
	uint32_t tcp_hlen = 20u + olen;
	memcpy(b, h->dst_mac, 6);
	memcpy(b + 6, h->src_mac, 6);
	if (h->ip6) {
		uint8_t *tcp = build_ip6(b, h, tcp_hlen + len);
		const uint8_t *ip = b + 14;
		csum_put16(tcp, h->sport);
		csum_put16(tcp + 2, h->dport);
		csum_put32(tcp + 4, h->seq);
		csum_put32(tcp + 8, h->ack);
		tcp[12] = (uint8_t)((tcp_hlen / 4u) << 4);
		tcp[13] = h->flags;
		csum_put16(tcp + 14, h->window);
		csum_put16(tcp + 16, 0);
		csum_put16(tcp + 18, 0);
		memcpy(tcp + 20, opt, olen);
		if (len && payload != tcp + tcp_hlen)
			memcpy(tcp + tcp_hlen, payload, len);
		uint32_t sum = csum_tcp6_pseudo(ip + 8, ip + 24, tcp_hlen + len);
		sum = csum_partial(tcp, tcp_hlen + len, sum);
		csum_put16(tcp + 16, (uint16_t)~csum_fold(sum));
		uint32_t frame = 14u + 40u + tcp_hlen + len;
		if (frame < 60u) {
			memset(b + frame, 0, 60u - frame);
			frame = 60u;
		}
		return frame;
	}
	b[12] = 0x08;
	b[13] = 0x00;
	uint8_t *ip = b + 14;
	ip[0] = 0x45;
	ip[1] = 0;
	csum_put16(ip + 2, (uint16_t)(20u + tcp_hlen + len));
	csum_put16(ip + 4, h->ip_id);
	csum_put16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = 6;
	csum_put16(ip + 10, 0);
	csum_put32(ip + 12, h->saddr);
	csum_put32(ip + 16, h->daddr);
	csum_put16(ip + 10, (uint16_t)~csum_fold(csum_partial(ip, 20, 0)));
	uint8_t *tcp = ip + 20;
	csum_put16(tcp, h->sport);
	csum_put16(tcp + 2, h->dport);
	csum_put32(tcp + 4, h->seq);
	csum_put32(tcp + 8, h->ack);
	tcp[12] = (uint8_t)((tcp_hlen / 4u) << 4);
	tcp[13] = h->flags;
	csum_put16(tcp + 14, h->window);
	csum_put16(tcp + 16, 0);
	csum_put16(tcp + 18, 0);
	memcpy(tcp + 20, opt, olen);
	if (len && payload != tcp + tcp_hlen)   /* not already written in place */
		memcpy(tcp + tcp_hlen, payload, len);
	uint32_t sum = csum_tcp_pseudo(ip + 12, ip + 16, tcp_hlen + len);
	sum = csum_partial(tcp, tcp_hlen + len, sum);
	csum_put16(tcp + 16, (uint16_t)~csum_fold(sum));
	uint32_t frame = 14u + 20u + tcp_hlen + len;
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
		     uint32_t *sum)
{
	const uint8_t *ip = f + 14;
	if (len < 14u + 40u + 20u || (ip[0] >> 4) != 6 || memcmp(ip + 8, ip6_prefix, 12) != 0 ||
	    memcmp(ip + 24, ip6_prefix, 12) != 0)
		return -1;
	uint32_t plen = csum_get16(ip + 4), hdr = 40u;
	if (ip[6] == 0 && plen == 0) {
		const uint8_t *hbh = ip + 40;
		if (hbh[0] != 6 || hbh[1] != 0 || hbh[2] != 0xc2 || hbh[3] != 4)
			return -1;
		plen = csum_get32(hbh + 4);
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
	*sum = csum_tcp6_pseudo(ip + 8, ip + 24, plen);
	return 0;
}

int netpkt_parse_tcp(const uint8_t *f, uint32_t len, struct netpkt_tcp *h,
		     const uint8_t **payload, uint32_t *payload_len)
{
	if (len < 54)
		return -1;
	const uint8_t *ip = f + 14, *tcp;
	uint32_t tcp_len, sum;
	int ip6 = f[12] == 0x86 && f[13] == 0xdd;
	if (ip6) {
		if (parse_ip6(f, len, &tcp, &tcp_len, &sum) != 0)
			return -1;
	} else {
		if (f[12] != 0x08 || f[13] != 0x00)
			return -1;
		uint32_t ihl = (uint32_t)(ip[0] & 0x0fu) * 4u;
		uint32_t total = csum_get16(ip + 2);
		if (total == 0 && len - 14u > 65535u)
			total = len - 14u;     /* BIG TCP: the length is the frame's */
		if ((ip[0] >> 4) != 4 || ihl < 20 || ip[9] != 6 || total < ihl + 20 ||
		    14 + total > len)
			return -1;
		if (csum_fold(csum_partial(ip, ihl, 0)) != 0xffffu)
			return -2;
		tcp = ip + ihl;
		tcp_len = total - ihl;
		sum = csum_tcp_pseudo(ip + 12, ip + 16, tcp_len);
	}
	uint32_t thl = (uint32_t)(tcp[12] >> 4) * 4u;
	if (thl < 20 || thl > tcp_len)
		return -1;
	if (csum_fold(csum_partial(tcp, tcp_len, sum)) != 0xffffu)
		return -2;
	memset(h, 0, sizeof *h);
	memcpy(h->dst_mac, f, 6);
	memcpy(h->src_mac, f + 6, 6);
	h->ip6 = (uint8_t)ip6;
	if (ip6) {
		h->saddr = csum_get32(ip + 8 + 12);
		h->daddr = csum_get32(ip + 24 + 12);
	} else {
		h->saddr = csum_get32(ip + 12);
		h->daddr = csum_get32(ip + 16);
		h->ip_id = csum_get16(ip + 4);
	}
	h->sport = csum_get16(tcp);
	h->dport = csum_get16(tcp + 2);
	h->seq = csum_get32(tcp + 4);
	h->ack = csum_get32(tcp + 8);
	h->flags = tcp[13];
	h->window = csum_get16(tcp + 14);
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
			h->mss = csum_get16(tcp + i + 2);
		else if (kind == 3 && tcp[i + 1] == 3)
			h->wscale = tcp[i + 2];
		else if (kind == 4 && tcp[i + 1] == 2)
			h->sack_ok = 1;
		else if (kind == 5 && tcp[i + 1] >= 10 && (tcp[i + 1] - 2u) % 8u == 0) {
			uint32_t n = (tcp[i + 1] - 2u) / 8u;
			for (uint32_t b = 0; b < n && h->n_sack < NETPKT_MAX_SACK; b++) {
				h->sack_start[h->n_sack] = csum_get32(tcp + i + 2 + 8 * b);
				h->sack_end[h->n_sack] = csum_get32(tcp + i + 6 + 8 * b);
				h->n_sack++;
			}
		}
		else if (kind == 8 && tcp[i + 1] == 10) {
			h->has_ts = 1;
			h->tsval = csum_get32(tcp + i + 2);
			h->tsecr = csum_get32(tcp + i + 6);
		}
		i += tcp[i + 1];
	}
	*payload = tcp + thl;
	*payload_len = tcp_len - thl;
	return 0;
}
