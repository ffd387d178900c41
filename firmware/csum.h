/* firmware/csum.h - the Internet checksum (RFC 1071) with partial sums that
 * can be combined (RFC 1624 style), as the rebuild needs. */
#ifndef FIRMWARE_CSUM_H
#define FIRMWARE_CSUM_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Ones' complement sum of len bytes read as big-endian 16-bit words (an odd
 * last byte is padded with zero), added to sum: a 32-bit partial sum, equal
 * to the full sum modulo 0xffff and zero only when both are (csum_fold
 * gives the 16-bit sum). */
uint32_t csum_partial(const uint8_t *p, uint32_t len, uint32_t sum);
/* Fold to 16 bits. */
uint16_t csum_fold(uint32_t sum);
/* Add partial sum b of a block that starts at byte offset `offset` of the
 * checksummed data to a: a block at an odd offset has its bytes swapped. */
uint32_t csum_add_at(uint32_t a, uint32_t b, uint32_t offset);
/* Sum of the TCP/IPv4 pseudo header (addresses as read from the header). */
uint32_t csum_tcp_pseudo(const uint8_t *saddr, const uint8_t *daddr, uint32_t tcp_len);
/* Sum of the TCP/IPv6 pseudo header (RFC 8200 section 8.1: 16-byte
 * addresses as read from the header, a 32-bit upper-layer length, next
 * header TCP): what the TCP checksum covers instead of the IPv4 one. */
uint32_t csum_tcp6_pseudo(const uint8_t *saddr, const uint8_t *daddr, uint32_t tcp_len);

/* True when the 20 bytes at ip sum to 0xffff (an IPv4 header without
 * options whose checksum is right). The sum is taken in native order: a
 * folded sum of 0xffff reads the same in either byte order. (__builtin_memcpy: see load64 in
 * csum.c.) */
static inline bool csum_ip20_ok(const uint8_t *ip)
{
	uint64_t s = 0;
	for (int i = 0; i < 20; i += 4) {
		uint32_t w;
		__builtin_memcpy(&w, ip + i, 4);
		s += w;
	}
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffu) + (s >> 16);
	s = (s & 0xffffu) + (s >> 16);
	s = (s & 0xffffu) + (s >> 16);
	return s == 0xffffu;
}

static inline uint16_t load_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void store_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
