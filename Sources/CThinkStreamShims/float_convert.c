// f32 <-> f16 (F16C vcvtps2ph/vcvtph2ps, round to nearest even) and f32 <-> bf16 (ggml's GGML_FP32_TO_BF16).
#include "CThinkStreamShims.h"
#include "thinkstream_simd.h"

void thinkstream_fp32_to_fp16_row(const float *x, uint16_t *y, int64_t k) {
    int64_t i = 0;
#if defined(__F16C__)
    for (; i + 8 <= k; i += 8) {
        _mm_storeu_si128((__m128i *)(y + i), _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
    }
#endif
    for (; i < k; i++) y[i] = ts_fp32_to_fp16(x[i]);
}

void thinkstream_fp16_to_fp32_row(const uint16_t *x, float *y, int64_t k) {
    int64_t i = 0;
#if defined(__F16C__)
    for (; i + 8 <= k; i += 8) _mm256_storeu_ps(y + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i))));
#endif
    for (; i < k; i++) y[i] = ts_fp16_to_fp32(x[i]);
}

static inline uint16_t ts_fp32_to_bf16(float f) {
    uint32_t bits;
    memcpy(&bits, &f, 4);
    if ((bits & 0x7FFFFFFF) > 0x7F800000) return (uint16_t)((bits >> 16) | 64);
    return (uint16_t)((bits + (0x7FFF + ((bits >> 16) & 1))) >> 16);
}

void thinkstream_fp32_to_bf16_row(const float *x, uint16_t *y, int64_t k) {
    int64_t i = 0;
#if defined(__AVX2__)
    const __m256i abs_mask = _mm256_set1_epi32(0x7FFFFFFF), inf = _mm256_set1_epi32(0x7F800000);
    for (; i + 8 <= k; i += 8) {
        const __m256i bits = _mm256_castps_si256(_mm256_loadu_ps(x + i));
        const __m256i is_nan = _mm256_cmpgt_epi32(_mm256_and_si256(bits, abs_mask), inf);
        const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(bits, 16), _mm256_set1_epi32(1));
        const __m256i rounded = _mm256_add_epi32(bits, _mm256_add_epi32(lsb, _mm256_set1_epi32(0x7FFF)));
        const __m256i nan = _mm256_or_si256(bits, _mm256_set1_epi32(64 << 16));
        const __m256i result = _mm256_srli_epi32(_mm256_blendv_epi8(rounded, nan, is_nan), 16);
        const __m128i packed = _mm_packus_epi32(_mm256_castsi256_si128(result), _mm256_extracti128_si256(result, 1));
        _mm_storeu_si128((__m128i *)(y + i), packed);
    }
#endif
    for (; i < k; i++) y[i] = ts_fp32_to_bf16(x[i]);
}

void thinkstream_bf16_to_fp32_row(const uint16_t *x, float *y, int64_t k) {
    int64_t i = 0;
#if defined(__AVX2__)
    for (; i + 8 <= k; i += 8) {
        const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(x + i)));
        _mm256_storeu_ps(y + i, _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16)));
    }
#endif
    for (; i < k; i++) {
        const uint32_t bits = (uint32_t)x[i] << 16;
        memcpy(y + i, &bits, 4);
    }
}
