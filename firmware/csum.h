/* firmware/csum.h - the Internet checksum (RFC 1071) with partial sums that
 * can be combined (RFC 1624 style), as the rebuild needs. */
#ifndef FIRMWARE_CSUM_H
#define FIRMWARE_CSUM_H

#include <stdint.h>

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

static inline uint16_t csum_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t csum_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void csum_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void csum_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
