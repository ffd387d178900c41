/* host/oracle.c - payload bytes, one 64-bit word per 8 bytes of a stream.
 * Byte k of word i (offset 8i + k) is bits 8k..8k+7 of the word. The
 * aligned middle of a buffer is filled and checked a word at a time. */
#include "host/oracle.h"

/* A connection's stream: a key from (seed, conn) by the splitmix64
 * finaliser, once per call. */
static inline uint64_t stream_key(uint64_t seed, uint32_t conn)
{
	uint64_t z = seed ^ ((uint64_t)conn << 40) ^ 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#define WORD_MUL 0x9e3779b97f4a7c15ULL

/* Word i of the stream. (key + i) x an odd constant, then an xorshift:
 * both steps are one-to-one, so no two words of a stream are equal and a
 * segment delivered at the wrong offset never checks out; and from word i
 * to word i + 1 the product only grows by the constant, so the fill and
 * check loops step it with an add. */
static inline uint64_t word_at(uint64_t key, uint64_t index)
{
	uint64_t z = (key + index) * WORD_MUL;
	return z ^ (z >> 32);
}

static inline void put_le64(uint8_t *p, uint64_t w)
{
	p[0] = (uint8_t)w;
	p[1] = (uint8_t)(w >> 8);
	p[2] = (uint8_t)(w >> 16);
	p[3] = (uint8_t)(w >> 24);
	p[4] = (uint8_t)(w >> 32);
	p[5] = (uint8_t)(w >> 40);
	p[6] = (uint8_t)(w >> 48);
	p[7] = (uint8_t)(w >> 56);
}

static inline uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	       (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
	       (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

void oracle_fill(uint64_t seed, uint32_t conn, uint64_t offset, uint8_t *out, uint32_t len)
{
	uint64_t key = stream_key(seed, conn);
	uint32_t i = 0;
	/* up to the first word boundary, then whole words, then the tail */
	while (i < len && ((offset + i) & 7u)) {
		uint64_t off = offset + i;
		out[i++] = (uint8_t)(word_at(key, off >> 3) >> ((off & 7u) * 8u));
	}
	/* z is word_at's product for the next word: one add per word (the
	 * compiler does not find this itself); a pointer and a count of
	 * words make the tightest loop */
	uint64_t z = (key + ((offset + i) >> 3)) * WORD_MUL;
	uint8_t *p = out + i;
	for (uint32_t n = (len - i) / 8u; n > 0; n--, p += 8, z += WORD_MUL)
		put_le64(p, z ^ (z >> 32));
	i = (uint32_t)(p - out);
	if (i < len) {
		uint64_t w = z ^ (z >> 32);
		for (unsigned k = 0; i < len; k++, i++)
			out[i] = (uint8_t)(w >> (k * 8u));
	}
}

int64_t oracle_check(uint64_t seed, uint32_t conn, uint64_t offset, const uint8_t *buf,
		     uint32_t len)
{
	uint64_t key = stream_key(seed, conn);
	uint32_t i = 0;
	while (i < len && ((offset + i) & 7u)) {
		uint64_t off = offset + i;
		if (buf[i] != (uint8_t)(word_at(key, off >> 3) >> ((off & 7u) * 8u)))
			return (int64_t)i;
		i++;
	}
	uint64_t z = (key + ((offset + i) >> 3)) * WORD_MUL;   /* as in oracle_fill */
	const uint8_t *p = buf + i;
	for (uint32_t n = (len - i) / 8u; n > 0; n--, p += 8, z += WORD_MUL) {
		uint64_t w = z ^ (z >> 32);
		if (get_le64(p) != w) {
			for (unsigned k = 0;; k++)
				if (p[k] != (uint8_t)(w >> (k * 8u)))
					return (int64_t)(p - buf) + k;
		}
	}
	i = (uint32_t)(p - buf);
	if (i < len) {
		uint64_t w = z ^ (z >> 32);
		for (unsigned k = 0; i < len; k++, i++)
			if (buf[i] != (uint8_t)(w >> (k * 8u)))
				return (int64_t)i;
	}
	return -1;
}
