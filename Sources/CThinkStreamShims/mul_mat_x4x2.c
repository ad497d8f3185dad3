// Four weight rows against two activation columns at once, for the 32-element-block types the default models
// use (q4_0, q4_1, q5_0, q8_0). Each weight block is unpacked once and applied to both columns, which is what batched
// decoding (2-16 columns) spends its time on. Every (row, column) pair runs exactly the operations of the one-row
// kernel in vec_dot.c, in the same order, so results are the same bit for bit.
#include "thinkstream_kernels.h"

#if defined(__AVX2__)
#define TS_FP16(h) ts_fp16_to_fp32(h)

// Four weight rows against two activation columns for the types whose weights are signed bytes once unpacked (q4_0,
// q5_0, q8_0), through ggml's sign trick. q5_0's unpacking (nibbles, then the fifth bits from qh) costs more than the
// products, and Gemma 3 270M's and Qwen2.5-0.5B's attention and FFN matrices are q5_0 (their width is not a multiple
// of 256, so their Q4_K_M files fall back from q4_K).
#define TS_X4X2_KERNEL(name, block_type, BB, unpack)                                                             \
    void ts_mul_mat_x4x2_##name(int64_t n, const void *const x[4], const void *y0v, const void *y1v,            \
                                float out[4][2]) {                                                             \
        __m256 acc[4][2];                                                                                      \
        for (int r = 0; r < 4; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();                               \
        for (int64_t i = 0; i < n / 32; i++) {                                                                 \
            TS_PREFETCH_ROWS(x, i, BB);                                                                        \
            const thinkstream_block_q8_0 *y0 = (const thinkstream_block_q8_0 *)y0v + i;                        \
            const thinkstream_block_q8_0 *y1 = (const thinkstream_block_q8_0 *)y1v + i;                        \
            const float dy0 = TS_FP16(y0->d), dy1 = TS_FP16(y1->d);                                            \
            const __m256i qy0 = _mm256_loadu_si256((const __m256i *)y0->qs);                                   \
            const __m256i qy1 = _mm256_loadu_si256((const __m256i *)y1->qs);                                   \
            for (int r = 0; r < 4; r++) {                                                                      \
                const block_type *xb = (const block_type *)x[r] + i;                                           \
                const float dx = TS_FP16(xb->d);                                                               \
                const __m256i qx = unpack(xb);                                                                 \
                const __m256i ax = _mm256_sign_epi8(qx, qx);                                                   \
                acc[r][0] = _mm256_fmadd_ps(_mm256_set1_ps(dx * dy0),                                          \
                                            ts_mul_sum_us8_pairs_float(ax, _mm256_sign_epi8(qy0, qx)), acc[r][0]); \
                acc[r][1] = _mm256_fmadd_ps(_mm256_set1_ps(dx * dy1),                                          \
                                            ts_mul_sum_us8_pairs_float(ax, _mm256_sign_epi8(qy1, qx)), acc[r][1]); \
            }                                                                                                  \
        }                                                                                                      \
        for (int r = 0; r < 4; r++) {                                                                          \
            out[r][0] = ts_hsum_float_8(acc[r][0]);                                                            \
            out[r][1] = ts_hsum_float_8(acc[r][1]);                                                            \
        }                                                                                                      \
    }

static inline __m256i ts_unpack_q4_0(const thinkstream_block_q4_0 *xb) {
    return _mm256_sub_epi8(ts_bytes_from_nibbles_32(xb->qs), _mm256_set1_epi8(8));
}

void ts_mul_mat_x4x2_q4_1_q8_1(int64_t n, const void *const x[4], const void *y0v, const void *y1v,
                               float out[4][2]) {
    __m256 acc[4][2];
    float summs[4][2];
    for (int r = 0; r < 4; r++) {
        acc[r][0] = acc[r][1] = _mm256_setzero_ps();
        summs[r][0] = summs[r][1] = 0.0f;
    }
    for (int64_t i = 0; i < n / 32; i++) {
        TS_PREFETCH_ROWS(x, i, 20);
        const thinkstream_block_q8_1 *y0 = (const thinkstream_block_q8_1 *)y0v + i;
        const thinkstream_block_q8_1 *y1 = (const thinkstream_block_q8_1 *)y1v + i;
        const float dy0 = TS_FP16(y0->d), dy1 = TS_FP16(y1->d), sy0 = TS_FP16(y0->s), sy1 = TS_FP16(y1->s);
        const __m256i qy0 = _mm256_loadu_si256((const __m256i *)y0->qs);
        const __m256i qy1 = _mm256_loadu_si256((const __m256i *)y1->qs);
        for (int r = 0; r < 4; r++) {
            const thinkstream_block_q4_1 *xb = (const thinkstream_block_q4_1 *)x[r] + i;
            const float dx = TS_FP16(xb->d), mx = TS_FP16(xb->m);
            summs[r][0] += mx * sy0;
            summs[r][1] += mx * sy1;
            const __m256i qx = ts_bytes_from_nibbles_32(xb->qs);
            const __m256 vdx = _mm256_set1_ps(dx);
            acc[r][0] = _mm256_fmadd_ps(_mm256_mul_ps(vdx, _mm256_set1_ps(dy0)), ts_mul_sum_us8_pairs_float(qx, qy0),
                                        acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(_mm256_mul_ps(vdx, _mm256_set1_ps(dy1)), ts_mul_sum_us8_pairs_float(qx, qy1),
                                        acc[r][1]);
        }
    }
    for (int r = 0; r < 4; r++) {
        out[r][0] = ts_hsum_float_8(acc[r][0]) + summs[r][0];
        out[r][1] = ts_hsum_float_8(acc[r][1]) + summs[r][1];
    }
}

// Two weight rows against four activation columns (batched decode of four or more sequences): each weight block is
// unpacked once for four columns, and the eight accumulators, four activation blocks and one unpacked row fit the
// sixteen AVX2 registers, where four rows by four columns would spill. Every (row, column) pair again runs the
// one-row kernel's operations in its order.
#define TS_X2X4_KERNEL(name, block_type, BB, unpack)                                                             \
    void ts_mul_mat_x2x4_##name(int64_t n, const void *const x[2], const void *const y[4], float out[2][4]) {    \
        __m256 acc[2][4];                                                                                      \
        for (int r = 0; r < 2; r++)                                                                            \
            for (int c = 0; c < 4; c++) acc[r][c] = _mm256_setzero_ps();                                       \
        for (int64_t i = 0; i < n / 32; i++) {                                                                 \
            for (int r = 0; r < 2; r++) {                                                                      \
                const char *ahead = (const char *)x[r] + i * (BB) + TS_PREFETCH_BYTES;                          \
                for (int o = 0; o < (BB); o += 64) __builtin_prefetch(ahead + o);                              \
            }                                                                                                  \
            const thinkstream_block_q8_0 *yb[4];                                                               \
            __m256i qy[4];                                                                                     \
            float dy[4];                                                                                       \
            for (int c = 0; c < 4; c++) {                                                                      \
                yb[c] = (const thinkstream_block_q8_0 *)y[c] + i;                                              \
                dy[c] = TS_FP16(yb[c]->d);                                                                     \
                qy[c] = _mm256_loadu_si256((const __m256i *)yb[c]->qs);                                        \
            }                                                                                                  \
            for (int r = 0; r < 2; r++) {                                                                      \
                const block_type *xb = (const block_type *)x[r] + i;                                           \
                const float dx = TS_FP16(xb->d);                                                               \
                const __m256i qx = unpack(xb);                                                                 \
                const __m256i ax = _mm256_sign_epi8(qx, qx);                                                   \
                for (int c = 0; c < 4; c++) {                                                                  \
                    acc[r][c] = _mm256_fmadd_ps(_mm256_set1_ps(dx * dy[c]),                                    \
                                                ts_mul_sum_us8_pairs_float(ax, _mm256_sign_epi8(qy[c], qx)),  \
                                                acc[r][c]);                                                    \
                }                                                                                              \
            }                                                                                                  \
        }                                                                                                      \
        for (int r = 0; r < 2; r++)                                                                            \
            for (int c = 0; c < 4; c++) out[r][c] = ts_hsum_float_8(acc[r][c]);                                \
    }

static inline __m256i ts_unpack_q5_0(const thinkstream_block_q5_0 *xb) {
    const __m256i high = _mm256_andnot_si256(ts_bytes_from_bits_32(xb->qh), _mm256_set1_epi8((char)0xF0));
    return _mm256_or_si256(ts_bytes_from_nibbles_32(xb->qs), high);
}

static inline __m256i ts_unpack_q8_0(const thinkstream_block_q8_0 *xb) {
    return _mm256_loadu_si256((const __m256i *)xb->qs);
}

TS_X4X2_KERNEL(q4_0_q8_0, thinkstream_block_q4_0, 18, ts_unpack_q4_0)
TS_X4X2_KERNEL(q5_0_q8_0, thinkstream_block_q5_0, 22, ts_unpack_q5_0)
TS_X4X2_KERNEL(q8_0_q8_0, thinkstream_block_q8_0, 34, ts_unpack_q8_0)
TS_X2X4_KERNEL(q5_0_q8_0, thinkstream_block_q5_0, 22, ts_unpack_q5_0)
TS_X2X4_KERNEL(q8_0_q8_0, thinkstream_block_q8_0, 34, ts_unpack_q8_0)
#endif
