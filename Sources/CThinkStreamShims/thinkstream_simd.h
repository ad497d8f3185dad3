// Internal helpers shared by the kernel files: fp16 conversion and AVX2 reductions (after ggml's x86 quants.c).
#ifndef THINKSTREAM_SIMD_H
#define THINKSTREAM_SIMD_H

#include <stdint.h>
#include <string.h>
#if defined(__AVX2__)
#include <immintrin.h>
#endif

#if defined(__F16C__)
static inline float ts_fp16_to_fp32(uint16_t h) { return _cvtsh_ss(h); }
static inline uint16_t ts_fp32_to_fp16(float f) { return _cvtss_sh(f, 0); }
#else
static inline float ts_fp16_to_fp32(uint16_t h) {
    const uint32_t sign = (uint32_t)(h & 0x8000) << 16, exponent = (h >> 10) & 0x1F, mantissa = h & 0x3FF;
    uint32_t bits;
    float f;
    if (exponent == 0) {
        f = (float)mantissa * 0x1p-24f;
        return sign ? -f : f;
    }
    bits = exponent == 31 ? sign | 0x7F800000u | mantissa << 13 : sign | (exponent + 112) << 23 | mantissa << 13;
    memcpy(&f, &bits, 4);
    return f;
}
static inline uint16_t ts_fp32_to_fp16(float f) {
    uint32_t bits;
    memcpy(&bits, &f, 4);
    const uint16_t sign = (uint16_t)((bits >> 16) & 0x8000);
    const int exponent = (int)((bits >> 23) & 0xFF);
    const uint32_t mantissa = bits & 0x7FFFFF;
    if (exponent == 0xFF) return mantissa ? (uint16_t)(sign | 0x7E00 | (mantissa >> 13)) : (uint16_t)(sign | 0x7C00);
    const int e = exponent - 127 + 15;
    if (e >= 31) return sign | 0x7C00;
    if (e <= 0) {
        if (e < -10) return sign;
        const uint32_t significand = mantissa | 0x800000, shift = (uint32_t)(14 - e);
        uint32_t half = significand >> shift;
        const uint32_t remainder = significand & ((1u << shift) - 1), halfway = 1u << (shift - 1);
        if (remainder > halfway || (remainder == halfway && (half & 1))) half++;
        return (uint16_t)(sign | half);
    }
    uint32_t half = (uint32_t)e << 10 | mantissa >> 13;
    const uint32_t remainder = mantissa & 0x1FFF;
    if (remainder > 0x1000 || (remainder == 0x1000 && (half & 1))) half++;
    return (uint16_t)(sign | half);
}
#endif

#if defined(__AVX2__)
#define TS_SET_M128I(a, b) _mm256_insertf128_si256(_mm256_castsi128_si256(b), (a), 1)

static inline float ts_hsum_float_8(const __m256 x) {
    __m128 res = _mm256_extractf128_ps(x, 1);
    res = _mm_add_ps(res, _mm256_castps256_ps128(x));
    res = _mm_add_ps(res, _mm_movehl_ps(res, res));
    res = _mm_add_ss(res, _mm_movehdup_ps(res));
    return _mm_cvtss_f32(res);
}

static inline int ts_hsum_i32_8(const __m256i a) {
    const __m128i sum128 = _mm_add_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
    const __m128i hi64 = _mm_unpackhi_epi64(sum128, sum128);
    const __m128i sum64 = _mm_add_epi32(hi64, sum128);
    const __m128i hi32 = _mm_shuffle_epi32(sum64, _MM_SHUFFLE(2, 3, 0, 1));
    return _mm_cvtsi128_si32(_mm_add_epi32(sum64, hi32));
}

// 16 packed bytes -> 32 bytes in [0, 15]: low nibbles first, then high nibbles.
static inline __m256i ts_bytes_from_nibbles_32(const uint8_t *p) {
    const __m128i tmp = _mm_loadu_si128((const __m128i *)p);
    const __m256i bytes = TS_SET_M128I(_mm_srli_epi16(tmp, 4), tmp);
    return _mm256_and_si256(_mm256_set1_epi8(0xF), bytes);
}

// 32 bits -> 32 bytes, 0xFF where the bit is set.
static inline __m256i ts_bytes_from_bits_32(const uint8_t *p) {
    uint32_t x32;
    memcpy(&x32, p, sizeof(x32));
    const __m256i shuffle = _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202, 0x0101010101010101, 0);
    __m256i bytes = _mm256_shuffle_epi8(_mm256_set1_epi32((int)x32), shuffle);
    bytes = _mm256_or_si256(bytes, _mm256_set1_epi64x(0x7fbfdfeff7fbfdfe));
    return _mm256_cmpeq_epi8(bytes, _mm256_set1_epi64x(-1));
}

// Unsigned bytes times signed bytes, summed in groups of four, as 8 floats.
static inline __m256 ts_mul_sum_us8_pairs_float(const __m256i ax, const __m256i sy) {
    const __m256i dot = _mm256_maddubs_epi16(ax, sy);
    return _mm256_cvtepi32_ps(_mm256_madd_epi16(_mm256_set1_epi16(1), dot));
}

// Signed bytes times signed bytes, summed in groups of four, as 8 floats.
static inline __m256 ts_mul_sum_i8_pairs_float(const __m256i x, const __m256i y) {
    return ts_mul_sum_us8_pairs_float(_mm256_sign_epi8(x, x), _mm256_sign_epi8(y, x));
}
#endif

#endif
