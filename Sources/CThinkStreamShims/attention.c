// Attention of one head over a sequence's cached keys and values (F16, widened to F32 as they are read).
// Two kernels, after ggml-cpu's flash attention: a many-row F32 kernel (full softmax per query row) for prefill,
// and the one-row kernel ggml takes for few query rows (Q rounded to F16, online softmax, the V accumulator
// rounded to F16 after every step) for decode.
// Legend: hd = head width, j = key position, lo..hi = visible key positions of a query row, M = running max,
// S = running sum, VKQ = the V accumulator.
#include "thinkstream_simd.h"
#include <math.h>
#include "CThinkStreamShims.h"

#if defined(__AVX2__) && defined(__FMA__)
// exp(x) for 8 lanes: x = n ln2 + r with |r| <= ln2/2, exp(r) by a degree-6 polynomial, 2^n through the
// exponent bits; about 1 ulp, flushes to 0 below -87.3 (scores after subtracting the max are <= 0).
static inline __m256 ts_exp_ps(__m256 x) {
    const __m256 log2e = _mm256_set1_ps(1.44269504088896341f);
    const __m256 ln2_hi = _mm256_set1_ps(0.693359375f), ln2_lo = _mm256_set1_ps(-2.12194440e-4f);
    x = _mm256_max_ps(x, _mm256_set1_ps(-87.3f));
    x = _mm256_min_ps(x, _mm256_set1_ps(88.3f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, log2e), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, ln2_hi, x);
    r = _mm256_fnmadd_ps(n, ln2_lo, r);
    __m256 p = _mm256_set1_ps(1.3981999507e-3f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    const __m256 r2 = _mm256_mul_ps(r, r);
    p = _mm256_fmadd_ps(p, r2, _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

static inline __m256 ts_load_half_8(const uint16_t *p) { return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p)); }

// a . b over hd values (b in F16): two 8-lane fused accumulators reduced by halves, then a scalar tail.
static inline float ts_dot_f32(const float *a, const uint16_t *b, int64_t hd) {
    __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 16 <= hd; i += 16) {
        lo = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), ts_load_half_8(b + i), lo);
        hi = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), ts_load_half_8(b + i + 8), hi);
    }
    float sum = ts_hsum_float_8(_mm256_add_ps(lo, hi));
    for (; i < hd; i++) sum += a[i] * ts_fp16_to_fp32(b[i]);
    return sum;
}

static inline __m256 ts_round_half_ps(__m256 v) {
    return _mm256_cvtph_ps(_mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT));
}
#else
static inline float ts_dot_f32(const float *a, const uint16_t *b, int64_t hd) {
    float sum = 0;
    for (int64_t i = 0; i < hd; i++) sum += a[i] * ts_fp16_to_fp32(b[i]);
    return sum;
}
#endif

static inline float ts_round_half(float x) { return ts_fp16_to_fp32(ts_fp32_to_fp16(x)); }

void thinkstream_attend_rows_f32(const float *q, int64_t q_stride, int64_t rows, int64_t first_position,
                                 int64_t window, const uint16_t *keys, const uint16_t *values, int64_t hd, float scale,
                                 float *scores, float *out, int64_t out_stride) {
    for (int64_t t = 0; t < rows; t++) {
        const float *qt = q + t * q_stride;
        float *ot = out + t * out_stride;
        const int64_t p = first_position + t;
        const int64_t lo = window > 0 && p - window + 1 > 0 ? p - window + 1 : 0;
        const int64_t span = p - lo + 1;
        float max_score = -INFINITY;
        for (int64_t j = 0; j < span; j++) {
            const float s = ts_dot_f32(qt, keys + (lo + j) * hd, hd) * scale;
            scores[j] = s;
            if (s > max_score) max_score = s;
        }
        float sum = 0;
        int64_t j = 0;
#if defined(__AVX2__) && defined(__FMA__)
        __m256 vsum = _mm256_setzero_ps();
        const __m256 vmax = _mm256_set1_ps(max_score);
        for (; j + 8 <= span; j += 8) {
            const __m256 e = ts_exp_ps(_mm256_sub_ps(_mm256_loadu_ps(scores + j), vmax));
            _mm256_storeu_ps(scores + j, e);
            vsum = _mm256_add_ps(vsum, e);
        }
        sum = ts_hsum_float_8(vsum);
#endif
        for (; j < span; j++) {
            const float e = expf(scores[j] - max_score);
            scores[j] = e;
            sum += e;
        }
        const float inverse = 1.0f / sum;
        const uint16_t *v = values + lo * hd;
#if defined(__AVX2__) && defined(__FMA__)
        int64_t d = 0;
        for (; d + 32 <= hd; d += 32) {
            __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(),
                   a3 = _mm256_setzero_ps();
            for (int64_t k = 0; k < span; k++) {
                const __m256 s = _mm256_set1_ps(scores[k]);
                const uint16_t *vk = v + k * hd + d;
                a0 = _mm256_fmadd_ps(s, ts_load_half_8(vk), a0);
                a1 = _mm256_fmadd_ps(s, ts_load_half_8(vk + 8), a1);
                a2 = _mm256_fmadd_ps(s, ts_load_half_8(vk + 16), a2);
                a3 = _mm256_fmadd_ps(s, ts_load_half_8(vk + 24), a3);
            }
            const __m256 inv = _mm256_set1_ps(inverse);
            _mm256_storeu_ps(ot + d, _mm256_mul_ps(a0, inv));
            _mm256_storeu_ps(ot + d + 8, _mm256_mul_ps(a1, inv));
            _mm256_storeu_ps(ot + d + 16, _mm256_mul_ps(a2, inv));
            _mm256_storeu_ps(ot + d + 24, _mm256_mul_ps(a3, inv));
        }
        for (; d + 8 <= hd; d += 8) {
            __m256 a0 = _mm256_setzero_ps();
            for (int64_t k = 0; k < span; k++) {
                a0 = _mm256_fmadd_ps(_mm256_set1_ps(scores[k]), ts_load_half_8(v + k * hd + d), a0);
            }
            _mm256_storeu_ps(ot + d, _mm256_mul_ps(a0, _mm256_set1_ps(inverse)));
        }
        for (; d < hd; d++) {
            float a = 0;
            for (int64_t k = 0; k < span; k++) a += scores[k] * ts_fp16_to_fp32(v[k * hd + d]);
            ot[d] = a * inverse;
        }
#else
        for (int64_t d = 0; d < hd; d++) {
            float a = 0;
            for (int64_t k = 0; k < span; k++) a += scores[k] * ts_fp16_to_fp32(v[k * hd + d]);
            ot[d] = a * inverse;
        }
#endif
    }
}

void thinkstream_attend_row_half(const float *q, int64_t lo, int64_t hi, const uint16_t *keys, const uint16_t *values,
                                 int64_t hd, float scale, float *scratch, float *out) {
    const int64_t span = hi - lo + 1;
    float *query_half = scratch, *scores = scratch + hd, *factors = scratch + hd + span;
    for (int64_t i = 0; i < hd; i++) query_half[i] = ts_round_half(q[i]);
    for (int64_t i = 0; i < hd; i++) out[i] = 0;
    // The online softmax's exponentials depend only on the scores and their running max: exp(M_old - s) when s
    // raises the max (rescaling the accumulator), exp(s - M) otherwise. Compute them all first, 8 at a time.
    float M = -INFINITY;
    for (int64_t j = 0; j < span; j++) {
        const float s = ts_dot_f32(query_half, keys + (lo + j) * hd, hd) * scale;
        scores[j] = s;
        factors[j] = s > M ? M - s : s - M;
        if (s > M) M = s;
    }
    factors[0] = 0;  // the first key: exp(-inf) rescales an empty accumulator; its own weight is exp(0)
    int64_t j = 0;
#if defined(__AVX2__) && defined(__FMA__)
    for (; j + 8 <= span; j += 8) _mm256_storeu_ps(factors + j, ts_exp_ps(_mm256_loadu_ps(factors + j)));
#endif
    for (; j < span; j++) factors[j] = expf(factors[j]);
    M = -INFINITY;
    float S = 0;
    for (j = 0; j < span; j++) {
        const float s = scores[j];
        float ms = 1, vs = 1;
        if (s > M) {
            M = s;
            ms = j == 0 ? 0 : factors[j];
#if defined(__AVX2__) && defined(__FMA__)
            const __m256 vms = _mm256_set1_ps(ms);
            int64_t i = 0;
            for (; i + 8 <= hd; i += 8) {
                _mm256_storeu_ps(out + i, ts_round_half_ps(_mm256_mul_ps(_mm256_loadu_ps(out + i), vms)));
            }
            for (; i < hd; i++) out[i] = ts_round_half(out[i] * ms);
#else
            for (int64_t i = 0; i < hd; i++) out[i] = ts_round_half(out[i] * ms);
#endif
        } else {
            vs = factors[j];
        }
        const uint16_t *vj = values + (lo + j) * hd;
#if defined(__AVX2__) && defined(__FMA__)
        const __m256 vvs = _mm256_set1_ps(vs);
        int64_t i = 0;
        for (; i + 8 <= hd; i += 8) {
            const __m256 y = _mm256_fmadd_ps(ts_load_half_8(vj + i), vvs, _mm256_loadu_ps(out + i));
            _mm256_storeu_ps(out + i, ts_round_half_ps(y));
        }
        for (; i < hd; i++) out[i] = ts_round_half(fmaf(ts_fp16_to_fp32(vj[i]), vs, out[i]));
#else
        for (int64_t i = 0; i < hd; i++) out[i] = ts_round_half(fmaf(ts_fp16_to_fp32(vj[i]), vs, out[i]));
#endif
        S = S * ms + vs;
    }
    const float inverse = S == 0 ? 0 : 1 / S;
    for (int64_t i = 0; i < hd; i++) out[i] *= inverse;
}
