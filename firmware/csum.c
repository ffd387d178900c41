/* firmware/csum.c - Internet checksum arithmetic. */
#include "firmware/csum.h"

#include <string.h>

/* Adds w to the 64-bit sum *s, counting the carry out in *c. */
static inline void add64(uint64_t *s, uint64_t *c, uint64_t w)
{
	*s += w;
	*c += *s < w;                  /* compilers make this an add with carry */
}

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	return w;
}

uint32_t csum_partial(const uint8_t *p, uint32_t len, uint32_t sum)
{
	/* The ones' complement sum does not depend on byte order (RFC 1071,
	 * section 2(B)): add the data as native-order 64-bit words (RFC 1071
	 * 2(C): the carries out of bit 63 are counted and added back), fold
	 * to 16 bits, and read those 16 bits back as a big-endian word. Four
	 * independent sums, each with its own carry count, so that the
	 * additions overlap; 64 bytes a turn. */
	uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0, c0 = 0, c1 = 0, c2 = 0, c3 = 0;
	uint32_t i = 0;
	for (; i + 64u <= len; i += 64u) {
		add64(&s0, &c0, load64(p + i));
		add64(&s1, &c1, load64(p + i + 8));
		add64(&s2, &c2, load64(p + i + 16));
		add64(&s3, &c3, load64(p + i + 24));
		add64(&s0, &c0, load64(p + i + 32));
		add64(&s1, &c1, load64(p + i + 40));
		add64(&s2, &c2, load64(p + i + 48));
		add64(&s3, &c3, load64(p + i + 56));
	}
	for (; i + 8u <= len; i += 8u)
		add64(&s0, &c0, load64(p + i));
	/* each 64-bit sum as two 32-bit halves: below 9 x 2^32 in all */
	uint64_t acc = c0 + c1 + c2 + c3 + (s0 & 0xffffffffu) + (s0 >> 32) + (s1 & 0xffffffffu) +
		       (s1 >> 32) + (s2 & 0xffffffffu) + (s2 >> 32) + (s3 & 0xffffffffu) + (s3 >> 32);
	if (i + 4u <= len) {
		uint32_t w;
		memcpy(&w, p + i, 4);
		acc += w;
		i += 4u;
	}
	while (acc >> 16)
		acc = (acc & 0xffffu) + (acc >> 16);
	uint16_t native = (uint16_t)acc;
	uint8_t be[2];
	memcpy(be, &native, 2);
	acc = (uint64_t)sum + (uint32_t)(be[0] << 8 | be[1]);
	/* the last 0-3 bytes, as big-endian words (i is a multiple of 4) */
	for (; i + 2u <= len; i += 2u)
		acc += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (i < len)
		acc += (uint32_t)p[i] << 8;
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)sum;
}

uint32_t csum_add_at(uint32_t a, uint32_t b, uint32_t offset)
{
	uint32_t f = csum_fold(b);
	if (offset & 1)
		f = ((f & 0xffu) << 8) | (f >> 8);
	uint64_t s = (uint64_t)a + f;
	return (uint32_t)((s & 0xffffffffu) + (s >> 32));
}

uint32_t csum_tcp_pseudo(const uint8_t *saddr, const uint8_t *daddr, uint32_t tcp_len)
{
	uint32_t sum = 0;
	sum += csum_get16(saddr) + csum_get16(saddr + 2);
	sum += csum_get16(daddr) + csum_get16(daddr + 2);
	sum += 6;                      /* protocol TCP */
	sum += tcp_len;
	return sum;
}
