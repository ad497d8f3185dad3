// Activation quantization to q8_0, q8_1 (ggml arch/x86 quantize_row_q8_0/q8_1) and q8_K (quantize_row_q8_K_ref).
#include "CThinkStreamShims.h"
#include "thinkstream_simd.h"

#include <math.h>

int thinkstream_has_avx2_kernels(void) {
#if defined(__AVX2__)
    return 1;
#else
    return 0;
#endif
}

#if defined(__AVX2__)
// One 32-element block: returns d = amax / 127 and writes the int8 quants to qs; *sum gets sum(qs).
static inline float ts_quantize_block_q8(const float *x, int8_t *qs, int *sum) {
    __m256 v0 = _mm256_loadu_ps(x), v1 = _mm256_loadu_ps(x + 8);
    __m256 v2 = _mm256_loadu_ps(x + 16), v3 = _mm256_loadu_ps(x + 24);
    const __m256 sign_bit = _mm256_set1_ps(-0.0f);
    __m256 max_abs = _mm256_andnot_ps(sign_bit, v0);
    max_abs = _mm256_max_ps(max_abs, _mm256_andnot_ps(sign_bit, v1));
    max_abs = _mm256_max_ps(max_abs, _mm256_andnot_ps(sign_bit, v2));
    max_abs = _mm256_max_ps(max_abs, _mm256_andnot_ps(sign_bit, v3));
    __m128 max4 = _mm_max_ps(_mm256_extractf128_ps(max_abs, 1), _mm256_castps256_ps128(max_abs));
    max4 = _mm_max_ps(max4, _mm_movehl_ps(max4, max4));
    max4 = _mm_max_ss(max4, _mm_movehdup_ps(max4));
    const float amax = _mm_cvtss_f32(max4);
    const float d = amax / 127.f;
    const __m256 mul = _mm256_set1_ps(amax != 0.0f ? 127.f / amax : 0.0f);
#define TS_ROUND (_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
    __m256i i0 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v0, mul), TS_ROUND));
    __m256i i1 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v1, mul), TS_ROUND));
    __m256i i2 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v2, mul), TS_ROUND));
    __m256i i3 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v3, mul), TS_ROUND));
    if (sum) *sum = ts_hsum_i32_8(_mm256_add_epi32(_mm256_add_epi32(i0, i1), _mm256_add_epi32(i2, i3)));
    i0 = _mm256_packs_epi32(i0, i1);
    i2 = _mm256_packs_epi32(i2, i3);
    i0 = _mm256_packs_epi16(i0, i2);
    i0 = _mm256_permutevar8x32_epi32(i0, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    _mm256_storeu_si256((__m256i *)qs, i0);
    return d;
}
#else
static inline float ts_quantize_block_q8(const float *x, int8_t *qs, int *sum) {
    float amax = 0.0f;
    for (int j = 0; j < 32; j++) amax = fmaxf(amax, fabsf(x[j]));
    const float d = amax / 127.f, id = amax != 0.0f ? 127.f / amax : 0.0f;
    int total = 0;
    for (int j = 0; j < 32; j++) {
        qs[j] = (int8_t)nearbyintf(x[j] * id);
        total += qs[j];
    }
    if (sum) *sum = total;
    return d;
}
#endif

void thinkstream_quantize_row_q8_0(const float *x, void *vy, int64_t k) {
    thinkstream_block_q8_0 *y = vy;
    for (int64_t i = 0; i < k / 32; i++) {
        const float d = ts_quantize_block_q8(x + 32 * i, y[i].qs, NULL);
        y[i].d = ts_fp32_to_fp16(d);
    }
}

void thinkstream_quantize_row_q8_1(const float *x, void *vy, int64_t k) {
    thinkstream_block_q8_1 *y = vy;
    for (int64_t i = 0; i < k / 32; i++) {
        int sum = 0;
        const float d = ts_quantize_block_q8(x + 32 * i, y[i].qs, &sum);
        y[i].d = ts_fp32_to_fp16(d);
        y[i].s = ts_fp32_to_fp16(d * (float)sum);
    }
}

void thinkstream_quantize_row_q8_K(const float *x, void *vy, int64_t k) {
    thinkstream_block_q8_K *y = vy;
    for (int64_t i = 0; i < k / 256; i++, x += 256) {
        float max = 0, amax = 0;
        for (int j = 0; j < 256; ++j) {
            const float ax = fabsf(x[j]);
            if (ax > amax) {
                amax = ax;
                max = x[j];
            }
        }
        if (amax == 0) {
            memset(&y[i], 0, sizeof(y[i]));
            continue;
        }
        const float iscale = -127.f / max;
#if defined(__AVX2__)
        // cvtps rounds half to even like ggml's nearest_int; |iscale * x| <= 127 (1 + eps) rounds to at most 127.
        const __m256 scale = _mm256_set1_ps(iscale);
        for (int j = 0; j < 256; j += 32) {
            __m256i i0 = _mm256_cvtps_epi32(_mm256_mul_ps(scale, _mm256_loadu_ps(x + j)));
            __m256i i1 = _mm256_cvtps_epi32(_mm256_mul_ps(scale, _mm256_loadu_ps(x + j + 8)));
            __m256i i2 = _mm256_cvtps_epi32(_mm256_mul_ps(scale, _mm256_loadu_ps(x + j + 16)));
            __m256i i3 = _mm256_cvtps_epi32(_mm256_mul_ps(scale, _mm256_loadu_ps(x + j + 24)));
            i0 = _mm256_packs_epi32(i0, i1);
            i2 = _mm256_packs_epi32(i2, i3);
            i0 = _mm256_packs_epi16(i0, i2);
            i0 = _mm256_permutevar8x32_epi32(i0, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
            _mm256_storeu_si256((__m256i *)(y[i].qs + j), i0);
        }
        for (int j = 0; j < 16; j++) {
            const __m256i q16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(y[i].qs + 16 * j)));
            y[i].bsums[j] = (int16_t)ts_hsum_i32_8(_mm256_madd_epi16(q16, _mm256_set1_epi16(1)));
        }
#else
        for (int j = 0; j < 256; ++j) {
            const int v = (int)nearbyintf(iscale * x[j]);
            y[i].qs[j] = (int8_t)(v < 127 ? v : 127);
        }
        for (int j = 0; j < 16; ++j) {
            int sum = 0;
            for (int l = 0; l < 16; ++l) sum += y[i].qs[16 * j + l];
            y[i].bsums[j] = (int16_t)sum;
        }
#endif
        y[i].d = 1 / iscale;
    }
}
