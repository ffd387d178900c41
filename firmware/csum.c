/* firmware/csum.c - Internet checksum arithmetic. */
#include "firmware/csum.h"

#include <string.h>

/* A vector unit, where the compiler has one, sums 16 or 32 bytes in a few
 * instructions: SSE2 (part of every x86-64) or AVX2 where the CPU has it
 * (GCC and clang pick it at run time), NEON on aarch64. Elsewhere (the
 * MIPS64 target) the 64-bit scalar sum below does it all. */
#if defined(__SSE2__)
#include <immintrin.h>
#define CSUM_VECTOR 1
#if defined(__x86_64__) && defined(__GNUC__)
#define CSUM_AVX2 1
#define CSUM_AVX512 1
#endif
#elif defined(__aarch64__) && defined(__ARM_NEON) && defined(__BYTE_ORDER__) && \
	__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* (little-endian only: on a big-endian core the 16-bit lanes of a byte
 * load are not the native words the scalar code's fold expects) */
#include <arm_neon.h>
#define CSUM_VECTOR 1
#endif

/* Adds w to the 64-bit sum *s, counting the carry out in *c. */
static inline void add64(uint64_t *s, uint64_t *c, uint64_t w)
{
	*s += w;
	*c += *s < w;                  /* compilers make this an add with carry */
}

/* __builtin_memcpy, not memcpy: the target is built freestanding, which
 * implies -fno-builtin, and there a memcpy stays a call - a call per 8
 * bytes summed (docs/CALIBRATION.md, measured firmware costs). */
static inline uint64_t load64(const uint8_t *p)
{
	uint64_t w;
	__builtin_memcpy(&w, p, 8);
	return w;
}

/* The ones' complement sum does not depend on byte order (RFC 1071,
 * section 2(B)): add the data as native-order 64-bit words (RFC 1071 2(C):
 * the carries out of bit 63 are counted and added back), fold to 16 bits,
 * and read those 16 bits back as a big-endian word. Four independent sums,
 * each with its own carry count, so that the additions overlap; 64 bytes a
 * turn. `pre` is a native-order sum (below 2^48) of data before p, an even
 * number of bytes long, to be included. */
static inline uint32_t csum_scalar(const uint8_t *p, uint32_t len, uint32_t sum, uint64_t pre)
{
	/* The loops step a pointer, not an index: each load then takes its
	 * offset from one register (with a 32-bit index the MIPS64 build
	 * widened and added an address per load and spilled registers, 8
	 * instructions per 8 bytes; docs/CALIBRATION.md). */
	const uint8_t *end = p + len;
	uint64_t s0 = pre, c0 = 0;
	if (len >= 64u) {
		uint64_t s1 = 0, s2 = 0, s3 = 0, c1 = 0, c2 = 0, c3 = 0;
		for (; end - p >= 64; p += 64) {
			add64(&s0, &c0, load64(p));
			add64(&s1, &c1, load64(p + 8));
			add64(&s2, &c2, load64(p + 16));
			add64(&s3, &c3, load64(p + 24));
			add64(&s0, &c0, load64(p + 32));
			add64(&s1, &c1, load64(p + 40));
			add64(&s2, &c2, load64(p + 48));
			add64(&s3, &c3, load64(p + 56));
		}
		add64(&s0, &c0, s1);
		add64(&s0, &c0, s2);
		add64(&s0, &c0, s3);
		c0 += c1 + c2 + c3;
	}
	/* short data (headers) starts here */
	for (; end - p >= 8; p += 8)
		add64(&s0, &c0, load64(p));
	/* the 64-bit sum as two 32-bit halves and its carries: below 2^34 */
	uint64_t acc = c0 + (s0 & 0xffffffffu) + (s0 >> 32);
	if (end - p >= 4) {
		uint32_t w;
		__builtin_memcpy(&w, p, 4);
		acc += w;
		p += 4;
	}
	/* fold to 16 bits: a nonzero sum stays nonzero */
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffu) + (acc >> 16);
	acc = (acc & 0xffffu) + (acc >> 16);
	acc = (acc & 0xffffu) + (acc >> 16);
	uint16_t native = (uint16_t)acc;
	uint8_t be[2];
	__builtin_memcpy(be, &native, 2);
	acc = (uint64_t)sum + (uint32_t)(be[0] << 8 | be[1]);
	/* the last 0-3 bytes, as big-endian words (an even count was summed) */
	for (; end - p >= 2; p += 2)
		acc += (uint32_t)(p[0] << 8 | p[1]);
	if (p < end)
		acc += (uint32_t)p[0] << 8;
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

#ifdef CSUM_VECTOR
/* Bytes of one vector block: its lane sums cannot overflow. */
#define VEC_BLOCK 32768u

#if defined(__SSE2__)
/* Sum of the native-order 16-bit words of p[0..n), n a multiple of 16 and
 * at most VEC_BLOCK. pmaddwd multiplies signed words by 1 and adds pairs
 * into 32-bit lanes: each word is first moved into the signed range (xor
 * 0x8000 subtracts 32768), and 32768 per word is added back after. */
static uint64_t sum_block_sse2(const uint8_t *p, uint32_t n)
{
	const __m128i flip = _mm_set1_epi16((short)0x8000), one = _mm_set1_epi16(1);
	__m128i a0 = _mm_setzero_si128(), a1 = a0;
	uint32_t i = 0;
	for (; i + 32u <= n; i += 32u) {
		__m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i v1 = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 16));
		a0 = _mm_add_epi32(a0, _mm_madd_epi16(_mm_xor_si128(v0, flip), one));
		a1 = _mm_add_epi32(a1, _mm_madd_epi16(_mm_xor_si128(v1, flip), one));
	}
	if (i < n) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		a0 = _mm_add_epi32(a0, _mm_madd_epi16(_mm_xor_si128(v, flip), one));
	}
	/* a block is 2,048 vectors: each lane within +-2^27, their sum fits */
	__m128i a = _mm_add_epi32(a0, a1);
	int32_t lane[4];
	memcpy(lane, &a, sizeof lane);
	int64_t s = (int64_t)lane[0] + lane[1] + lane[2] + lane[3];
	return (uint64_t)(s + (int64_t)(n / 2u) * 32768);
}

#ifdef CSUM_AVX2
/* The same, 32 bytes a vector (half the instructions), 128 bytes a turn. */
__attribute__((target("avx2"))) static uint64_t sum_block_avx2(const uint8_t *p, uint32_t n)
{
	const __m256i flip = _mm256_set1_epi16((short)0x8000), one = _mm256_set1_epi16(1);
	__m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
	const uint8_t *end = p + n;
	for (; end - p >= 128; p += 128) {
		__m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)p);
		__m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
		__m256i v2 = _mm256_loadu_si256((const __m256i *)(const void *)(p + 64));
		__m256i v3 = _mm256_loadu_si256((const __m256i *)(const void *)(p + 96));
		a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(_mm256_xor_si256(v0, flip), one));
		a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(_mm256_xor_si256(v1, flip), one));
		a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(_mm256_xor_si256(v2, flip), one));
		a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(_mm256_xor_si256(v3, flip), one));
	}
	for (; end - p >= 32; p += 32) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
		a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(_mm256_xor_si256(v, flip), one));
	}
	if (p < end) {
		/* 16 bytes left, zero-extended: the zero words add 0 */
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		v = _mm_xor_si128(v, _mm_set1_epi16((short)0x8000));
		a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(_mm256_zextsi128_si256(v), one));
	}
	/* a block is 1,024 vectors: each lane within +-2^26, the sum of all
	 * eight lanes within +-2^30 */
	__m256i a = _mm256_add_epi32(_mm256_add_epi32(a0, a1), _mm256_add_epi32(a2, a3));
	__m128i h = _mm_add_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
	h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0x4e));
	h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0xb1));
	int64_t s = _mm_cvtsi128_si32(h);
	return (uint64_t)(s + (int64_t)(n / 2u) * 32768);
}
#endif

#ifdef CSUM_AVX512
/* The same, 64 bytes a vector, 256 bytes a turn (AVX-512BW's vpmaddwd). */
__attribute__((target("avx512f,avx512bw"))) static uint64_t sum_block_avx512(const uint8_t *p,
									 uint32_t n)
{
	const __m512i flip = _mm512_set1_epi16((short)0x8000), one = _mm512_set1_epi16(1);
	__m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
	const uint8_t *end = p + n;
	for (; end - p >= 256; p += 256) {
		__m512i v0 = _mm512_loadu_si512((const void *)p);
		__m512i v1 = _mm512_loadu_si512((const void *)(p + 64));
		__m512i v2 = _mm512_loadu_si512((const void *)(p + 128));
		__m512i v3 = _mm512_loadu_si512((const void *)(p + 192));
		a0 = _mm512_add_epi32(a0, _mm512_madd_epi16(_mm512_xor_si512(v0, flip), one));
		a1 = _mm512_add_epi32(a1, _mm512_madd_epi16(_mm512_xor_si512(v1, flip), one));
		a2 = _mm512_add_epi32(a2, _mm512_madd_epi16(_mm512_xor_si512(v2, flip), one));
		a3 = _mm512_add_epi32(a3, _mm512_madd_epi16(_mm512_xor_si512(v3, flip), one));
	}
	for (; end - p >= 64; p += 64) {
		__m512i v = _mm512_loadu_si512((const void *)p);
		a0 = _mm512_add_epi32(a0, _mm512_madd_epi16(_mm512_xor_si512(v, flip), one));
	}
	if (p < end) {
		/* 16 to 48 bytes left (n is a multiple of 16): a masked load
		 * reads only them, the words it leaves zero are not flipped */
		__mmask32 words = (__mmask32)((1ull << ((end - p) / 2)) - 1);
		__m512i v = _mm512_maskz_loadu_epi16(words, (const void *)p);
		v = _mm512_mask_xor_epi32(v, (__mmask16)((1u << ((end - p) / 4)) - 1), v, flip);
		a0 = _mm512_add_epi32(a0, _mm512_madd_epi16(v, one));
	}
	/* a block is 512 vectors: each lane within +-2^25, the sum of all
	 * sixteen lanes within +-2^29 */
	__m512i a = _mm512_add_epi32(_mm512_add_epi32(a0, a1), _mm512_add_epi32(a2, a3));
	int64_t s = _mm512_reduce_add_epi32(a);
	return (uint64_t)(s + (int64_t)(n / 2u) * 32768);
}
#endif

static uint64_t sum_block(const uint8_t *p, uint32_t n)
{
#ifdef CSUM_AVX512
	if (__builtin_cpu_supports("avx512bw"))
		return sum_block_avx512(p, n);
#endif
#ifdef CSUM_AVX2
	if (__builtin_cpu_supports("avx2"))
		return sum_block_avx2(p, n);
#endif
	return sum_block_sse2(p, n);
}
#else
/* The same with NEON: vpadalq_u16 adds pairs of words into 32-bit lanes. */
static uint64_t sum_block(const uint8_t *p, uint32_t n)
{
	uint32x4_t a0 = vdupq_n_u32(0), a1 = a0;
	uint32_t i = 0;
	for (; i + 32u <= n; i += 32u) {
		a0 = vpadalq_u16(a0, vreinterpretq_u16_u8(vld1q_u8(p + i)));
		a1 = vpadalq_u16(a1, vreinterpretq_u16_u8(vld1q_u8(p + i + 16)));
	}
	if (i < n)
		a0 = vpadalq_u16(a0, vreinterpretq_u16_u8(vld1q_u8(p + i)));
	return vaddlvq_u32(a0) + vaddlvq_u32(a1);
}
#endif

/* Long data: whole 16-byte vectors, then the scalar sum for the rest. */
static uint32_t csum_vector(const uint8_t *p, uint32_t len, uint32_t sum)
{
	uint64_t pre = 0;
	uint32_t i = 0;
	while (len - i >= 16u) {
		uint32_t n = len - i < VEC_BLOCK ? (len - i) & ~15u : VEC_BLOCK;
		pre += sum_block(p + i, n);
		i += n;
		if (pre >> 47)             /* keep it below 2^48 */
			pre = (pre & 0xffffu) + (pre >> 16);
	}
	return csum_scalar(p + i, len - i, sum, pre);
}
#endif

uint32_t csum_partial(const uint8_t *p, uint32_t len, uint32_t sum)
{
#ifdef CSUM_VECTOR
	/* headers (20-60 bytes) go faster without the vector set-up */
	if (len >= 128u)
		return csum_vector(p, len, sum);
#endif
	return csum_scalar(p, len, sum, 0);
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
	sum += load_be16(saddr) + load_be16(saddr + 2);
	sum += load_be16(daddr) + load_be16(daddr + 2);
	sum += 6;                      /* protocol TCP */
	sum += tcp_len;
	return sum;
}

uint32_t csum_tcp6_pseudo(const uint8_t *saddr, const uint8_t *daddr, uint32_t tcp_len)
{
	uint32_t sum = 0;
	for (int i = 0; i < 16; i += 2)
		sum += load_be16(saddr + i) + load_be16(daddr + i);
	sum += tcp_len >> 16;
	sum += tcp_len & 0xffffu;
	sum += 6;                      /* next header TCP */
	return sum;
}
