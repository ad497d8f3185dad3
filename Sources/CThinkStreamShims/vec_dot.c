// Dot products of 32-element-block weights (q4_0, q4_1, q5_0, q5_1, q8_0) with q8_0/q8_1 activations, and of
// f32/f16/bf16 rows. The AVX2 paths follow ggml's arch/x86/quants.c operation order (one 8-float accumulator,
// fused multiply-add per block), so their results match ggml's AVX2 vec_dot functions.
#include "CThinkStreamShims.h"
#include "thinkstream_kernels.h"

#define TS_FP16(h) ts_fp16_to_fp32(h)

#if defined(__AVX2__)
static inline void ts_step_q4_0(ts_dot_state *s, const void *vx, const void *vy, int64_t i) {
    const thinkstream_block_q4_0 *x = (const thinkstream_block_q4_0 *)vx + i;
    const thinkstream_block_q8_0 *y = (const thinkstream_block_q8_0 *)vy + i;
    const __m256 d = _mm256_set1_ps(TS_FP16(x->d) * TS_FP16(y->d));
    const __m256i qx = _mm256_sub_epi8(ts_bytes_from_nibbles_32(x->qs), _mm256_set1_epi8(8));
    const __m256i qy = _mm256_loadu_si256((const __m256i *)y->qs);
    s->acc = _mm256_fmadd_ps(d, ts_mul_sum_i8_pairs_float(qx, qy), s->acc);
}

static inline void ts_step_q4_1(ts_dot_state *s, const void *vx, const void *vy, int64_t i) {
    const thinkstream_block_q4_1 *x = (const thinkstream_block_q4_1 *)vx + i;
    const thinkstream_block_q8_1 *y = (const thinkstream_block_q8_1 *)vy + i;
    s->summs += TS_FP16(x->m) * TS_FP16(y->s);
    const __m256 d = _mm256_mul_ps(_mm256_set1_ps(TS_FP16(x->d)), _mm256_set1_ps(TS_FP16(y->d)));
    const __m256i qx = ts_bytes_from_nibbles_32(x->qs);
    const __m256i qy = _mm256_loadu_si256((const __m256i *)y->qs);
    s->acc = _mm256_fmadd_ps(d, ts_mul_sum_us8_pairs_float(qx, qy), s->acc);
}

static inline void ts_step_q5_0(ts_dot_state *s, const void *vx, const void *vy, int64_t i) {
    const thinkstream_block_q5_0 *x = (const thinkstream_block_q5_0 *)vx + i;
    const thinkstream_block_q8_0 *y = (const thinkstream_block_q8_0 *)vy + i;
    const __m256 d = _mm256_set1_ps(TS_FP16(x->d) * TS_FP16(y->d));
    __m256i qx = ts_bytes_from_nibbles_32(x->qs);
    const __m256i high = _mm256_andnot_si256(ts_bytes_from_bits_32(x->qh), _mm256_set1_epi8((char)0xF0));
    qx = _mm256_or_si256(qx, high);
    const __m256i qy = _mm256_loadu_si256((const __m256i *)y->qs);
    s->acc = _mm256_fmadd_ps(d, ts_mul_sum_i8_pairs_float(qx, qy), s->acc);
}

static inline void ts_step_q5_1(ts_dot_state *s, const void *vx, const void *vy, int64_t i) {
    const thinkstream_block_q5_1 *x = (const thinkstream_block_q5_1 *)vx + i;
    const thinkstream_block_q8_1 *y = (const thinkstream_block_q8_1 *)vy + i;
    s->summs += TS_FP16(x->m) * TS_FP16(y->s);
    const __m256 dx = _mm256_set1_ps(TS_FP16(x->d)), dy = _mm256_set1_ps(TS_FP16(y->d));
    __m256i qx = ts_bytes_from_nibbles_32(x->qs);
    const __m256i high = _mm256_and_si256(ts_bytes_from_bits_32(x->qh), _mm256_set1_epi8(0x10));
    qx = _mm256_or_si256(qx, high);
    const __m256i qy = _mm256_loadu_si256((const __m256i *)y->qs);
    s->acc = _mm256_fmadd_ps(ts_mul_sum_us8_pairs_float(qx, qy), _mm256_mul_ps(dx, dy), s->acc);
}

static inline void ts_step_q8_0(ts_dot_state *s, const void *vx, const void *vy, int64_t i) {
    const thinkstream_block_q8_0 *x = (const thinkstream_block_q8_0 *)vx + i;
    const thinkstream_block_q8_0 *y = (const thinkstream_block_q8_0 *)vy + i;
    const __m256 d = _mm256_set1_ps(TS_FP16(x->d) * TS_FP16(y->d));
    const __m256i qx = _mm256_loadu_si256((const __m256i *)x->qs);
    const __m256i qy = _mm256_loadu_si256((const __m256i *)y->qs);
    s->acc = _mm256_fmadd_ps(d, ts_mul_sum_i8_pairs_float(qx, qy), s->acc);
}

static inline float ts_finish_acc(const ts_dot_state *s) { return ts_hsum_float_8(s->acc); }
static inline float ts_finish_acc_summs(const ts_dot_state *s) { return ts_hsum_float_8(s->acc) + s->summs; }

TS_DEFINE_VEC_DOT(q4_0_q8_0, 32, 18, ts_step_q4_0, ts_finish_acc)
TS_DEFINE_VEC_DOT(q4_1_q8_1, 32, 20, ts_step_q4_1, ts_finish_acc_summs)
TS_DEFINE_VEC_DOT(q5_0_q8_0, 32, 22, ts_step_q5_0, ts_finish_acc)
TS_DEFINE_VEC_DOT(q5_1_q8_1, 32, 24, ts_step_q5_1, ts_finish_acc_summs)
TS_DEFINE_VEC_DOT(q8_0_q8_0, 32, 34, ts_step_q8_0, ts_finish_acc)
#else
float thinkstream_vec_dot_q4_0_q8_0(int64_t n, const void *vx, const void *vy) {
    const thinkstream_block_q4_0 *x = vx;
    const thinkstream_block_q8_0 *y = vy;
    const int64_t nb = n / 32;
    float sum = 0;
    for (int64_t i = 0; i < nb; i++) {
        int sumi = 0;
        for (int j = 0; j < 16; j++) {
            sumi += ((x[i].qs[j] & 0xF) - 8) * y[i].qs[j] + ((x[i].qs[j] >> 4) - 8) * y[i].qs[j + 16];
        }
        sum += sumi * TS_FP16(x[i].d) * TS_FP16(y[i].d);
    }
    return sum;
}

float thinkstream_vec_dot_q4_1_q8_1(int64_t n, const void *vx, const void *vy) {
    const thinkstream_block_q4_1 *x = vx;
    const thinkstream_block_q8_1 *y = vy;
    const int64_t nb = n / 32;
    float sum = 0;
    for (int64_t i = 0; i < nb; i++) {
        int sumi = 0;
        for (int j = 0; j < 16; j++) sumi += (x[i].qs[j] & 0xF) * y[i].qs[j] + (x[i].qs[j] >> 4) * y[i].qs[j + 16];
        sum += (TS_FP16(x[i].d) * TS_FP16(y[i].d)) * sumi + TS_FP16(x[i].m) * TS_FP16(y[i].s);
    }
    return sum;
}

// Integer dot product of a 5-bit block (nibbles plus qh bits, minus `offset`) with 32 int8 quants.
static int ts_block_sum_q5(const uint8_t *qs, const uint8_t *qh_bytes, int offset, const int8_t *q8) {
    uint32_t qh;
    memcpy(&qh, qh_bytes, 4);
    int sumi = 0;
    for (int j = 0; j < 16; j++) {
        const int v0 = ((qs[j] & 0xF) | (((qh >> j) << 4) & 0x10)) - offset;
        const int v1 = ((qs[j] >> 4) | ((qh >> (j + 12)) & 0x10)) - offset;
        sumi += v0 * q8[j] + v1 * q8[j + 16];
    }
    return sumi;
}
float thinkstream_vec_dot_q5_0_q8_0(int64_t n, const void *vx, const void *vy) {
    const thinkstream_block_q5_0 *x = vx;
    const thinkstream_block_q8_0 *y = vy;
    const int64_t nb = n / 32;
    float sum = 0;
    for (int64_t i = 0; i < nb; i++) {
        sum += (TS_FP16(x[i].d) * TS_FP16(y[i].d)) * ts_block_sum_q5(x[i].qs, x[i].qh, 16, y[i].qs);
    }
    return sum;
}

float thinkstream_vec_dot_q5_1_q8_1(int64_t n, const void *vx, const void *vy) {
    const thinkstream_block_q5_1 *x = vx;
    const thinkstream_block_q8_1 *y = vy;
    const int64_t nb = n / 32;
    float sum = 0;
    for (int64_t i = 0; i < nb; i++) {
        const int sumi = ts_block_sum_q5(x[i].qs, x[i].qh, 0, y[i].qs);
        sum += (TS_FP16(x[i].d) * TS_FP16(y[i].d)) * sumi + TS_FP16(x[i].m) * TS_FP16(y[i].s);
    }
    return sum;
}

float thinkstream_vec_dot_q8_0_q8_0(int64_t n, const void *vx, const void *vy) {
    const thinkstream_block_q8_0 *x = vx;
    const thinkstream_block_q8_0 *y = vy;
    const int64_t nb = n / 32;
    float sum = 0;
    for (int64_t i = 0; i < nb; i++) {
        int sumi = 0;
        for (int j = 0; j < 32; j++) sumi += x[i].qs[j] * y[i].qs[j];
        sum += sumi * (TS_FP16(x[i].d) * TS_FP16(y[i].d));
    }
    return sum;
}

TS_DEFINE_VEC_DOT_X4_FALLBACK(q4_0_q8_0)
TS_DEFINE_VEC_DOT_X4_FALLBACK(q4_1_q8_1)
TS_DEFINE_VEC_DOT_X4_FALLBACK(q5_0_q8_0)
TS_DEFINE_VEC_DOT_X4_FALLBACK(q5_1_q8_1)
TS_DEFINE_VEC_DOT_X4_FALLBACK(q8_0_q8_0)
#endif

float thinkstream_vec_dot_f32(int64_t n, const void *vx, const void *vy) {
    const float *x = vx, *y = vy;
    int64_t i = 0;
    float sum = 0;
#if defined(__AVX2__)
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    for (; i + 32 <= n; i += 32) {
        for (int j = 0; j < 4; j++) {
            acc[j] = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 8 * j), _mm256_loadu_ps(y + i + 8 * j), acc[j]);
        }
    }
    sum = ts_hsum_float_8(_mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3])));
#endif
    for (; i < n; i++) sum += x[i] * y[i];
    return sum;
}

float thinkstream_vec_dot_f16(int64_t n, const void *vx, const void *vy) {
    const uint16_t *x = vx, *y = vy;
    int64_t i = 0;
    float sum = 0;
#if defined(__AVX2__)
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    for (; i + 32 <= n; i += 32) {
        for (int j = 0; j < 4; j++) {
            const __m256 a = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i + 8 * j)));
            const __m256 b = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(y + i + 8 * j)));
            acc[j] = _mm256_fmadd_ps(a, b, acc[j]);
        }
    }
    sum = ts_hsum_float_8(_mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3])));
#endif
    for (; i < n; i++) sum += TS_FP16(x[i]) * TS_FP16(y[i]);
    return sum;
}

static inline float ts_bf16_to_fp32(uint16_t h) {
    const uint32_t bits = (uint32_t)h << 16;
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

float thinkstream_vec_dot_bf16(int64_t n, const void *vx, const void *vy) {
    const uint16_t *x = vx, *y = vy;
    int64_t i = 0;
    float sum = 0;
#if defined(__AVX2__)
    __m256 acc[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
    for (; i + 16 <= n; i += 16) {
        for (int j = 0; j < 2; j++) {
            const __m256i a16 = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(x + i + 8 * j)));
            const __m256i b16 = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(y + i + 8 * j)));
            const __m256 a = _mm256_castsi256_ps(_mm256_slli_epi32(a16, 16));
            const __m256 b = _mm256_castsi256_ps(_mm256_slli_epi32(b16, 16));
            acc[j] = _mm256_fmadd_ps(a, b, acc[j]);
        }
    }
    sum = ts_hsum_float_8(_mm256_add_ps(acc[0], acc[1]));
#endif
    for (; i < n; i++) sum += ts_bf16_to_fp32(x[i]) * ts_bf16_to_fp32(y[i]);
    return sum;
}
