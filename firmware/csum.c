/* firmware/csum.c - Internet checksum arithmetic. */
#include "firmware/csum.h"

#include <string.h>

uint32_t csum_partial(const uint8_t *p, uint32_t len, uint32_t sum)
{
	/* The ones' complement sum does not depend on byte order (RFC 1071,
	 * section 2(B)): add the data as native-order 32-bit words, fold to 16
	 * bits, and read those 16 bits back as a big-endian word. */
	uint64_t acc = 0;
	uint32_t i = 0;
	for (; i + 16u <= len; i += 16u) {
		uint64_t a, b;
		memcpy(&a, p + i, 8);
		memcpy(&b, p + i + 8, 8);
		acc += (a & 0xffffffffu) + (a >> 32) + (b & 0xffffffffu) + (b >> 32);
	}
	for (; i + 4u <= len; i += 4u) {
		uint32_t w;
		memcpy(&w, p + i, 4);
		acc += w;
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
