/* host/oracle.c - payload bytes, one 64-bit word per 8 bytes of a stream.
 * Byte k of word i (offset 8i + k) is bits 8k..8k+7 of the word. The
 * aligned middle of a buffer is filled and checked a word at a time. */
#include "host/oracle.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
/* Four words a vector where the CPU has AVX2 (picked at run time): the
 * same words, from four products each stepped by four constants. x86 is
 * little-endian, so a vector's bytes in memory are put_le64's. */
#define ORACLE_AVX2 1
#endif

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

#ifdef ORACLE_AVX2
/* Fills *n / 4 groups of four words from product z on; advances *pp and
 * *n past them and returns the product for the next word. */
__attribute__((target("avx2"))) static uint64_t fill_avx2(uint8_t **pp, uint32_t *n, uint64_t z)
{
	__m256i zv = _mm256_set_epi64x((long long)(z + 3 * WORD_MUL), (long long)(z + 2 * WORD_MUL),
				       (long long)(z + WORD_MUL), (long long)z);
	const __m256i step = _mm256_set1_epi64x((long long)(4 * WORD_MUL));
	uint8_t *p = *pp;
	uint32_t k = *n;
	for (; k >= 4; k -= 4, p += 32, zv = _mm256_add_epi64(zv, step))
		_mm256_storeu_si256((__m256i *)(void *)p,
				    _mm256_xor_si256(zv, _mm256_srli_epi64(zv, 32)));
	*pp = p;
	*n = k;
	return (uint64_t)_mm256_extract_epi64(zv, 0);
}

/* The same for the check: stops before the first group that differs (the
 * word-at-a-time loop then finds the byte). */
__attribute__((target("avx2"))) static uint64_t check_avx2(const uint8_t **pp, uint32_t *n,
							    uint64_t z)
{
	__m256i zv = _mm256_set_epi64x((long long)(z + 3 * WORD_MUL), (long long)(z + 2 * WORD_MUL),
				       (long long)(z + WORD_MUL), (long long)z);
	const __m256i step = _mm256_set1_epi64x((long long)(4 * WORD_MUL));
	const uint8_t *p = *pp;
	uint32_t k = *n;
	for (; k >= 4; k -= 4, p += 32, zv = _mm256_add_epi64(zv, step)) {
		__m256i d = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(const void *)p),
					     _mm256_xor_si256(zv, _mm256_srli_epi64(zv, 32)));
		if (!_mm256_testz_si256(d, d))
			break;
	}
	*pp = p;
	*n = k;
	return (uint64_t)_mm256_extract_epi64(zv, 0);
}
#endif

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
	uint32_t n = (len - i) / 8u;
#ifdef ORACLE_AVX2
	if (n >= 4 && __builtin_cpu_supports("avx2"))
		z = fill_avx2(&p, &n, z);
#endif
	for (; n > 0; n--, p += 8, z += WORD_MUL)
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
	uint32_t n = (len - i) / 8u;
#ifdef ORACLE_AVX2
	if (n >= 4 && __builtin_cpu_supports("avx2"))
		z = check_avx2(&p, &n, z);
#endif
	for (; n > 0; n--, p += 8, z += WORD_MUL) {
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
