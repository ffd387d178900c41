/* host/oracle.c - payload bytes from a 64-bit mix per 8-byte word. */
#include "host/oracle.h"

static inline uint64_t word_at(uint64_t seed, uint32_t conn, uint64_t index)
{
	/* splitmix64 finaliser over (seed, conn, word index) */
	uint64_t z = seed ^ ((uint64_t)conn << 40) ^ (index * 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint8_t byte_of(uint64_t w, uint64_t offset)
{
	return (uint8_t)(w >> ((offset & 7u) * 8u));
}

void oracle_fill(uint64_t seed, uint32_t conn, uint64_t offset, uint8_t *out, uint32_t len)
{
	uint32_t i = 0;
	while (i < len) {
		uint64_t off = offset + i;
		uint64_t w = word_at(seed, conn, off >> 3);
		for (unsigned k = (unsigned)(off & 7u); k < 8 && i < len; k++, i++)
			out[i] = (uint8_t)(w >> (k * 8u));
	}
}

int64_t oracle_check(uint64_t seed, uint32_t conn, uint64_t offset, const uint8_t *buf,
		     uint32_t len)
{
	uint32_t i = 0;
	while (i < len) {
		uint64_t off = offset + i;
		uint64_t w = word_at(seed, conn, off >> 3);
		for (unsigned k = (unsigned)(off & 7u); k < 8 && i < len; k++, i++)
			if (buf[i] != byte_of(w, k))
				return (int64_t)i;
	}
	return -1;
}
