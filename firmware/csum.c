/* firmware/csum.c - Internet checksum arithmetic. */
#include "firmware/csum.h"

uint32_t csum_partial(const uint8_t *p, uint32_t len, uint32_t sum)
{
	uint64_t acc = sum;
	uint32_t i = 0;
	/* 8 bytes per step: four big-endian words added into 64 bits */
	for (; i + 8 <= len; i += 8)
		acc += (uint32_t)(p[i] << 8 | p[i + 1]) + (uint32_t)(p[i + 2] << 8 | p[i + 3]) +
		       (uint32_t)(p[i + 4] << 8 | p[i + 5]) + (uint32_t)(p[i + 6] << 8 | p[i + 7]);
	for (; i + 2 <= len; i += 2)
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
