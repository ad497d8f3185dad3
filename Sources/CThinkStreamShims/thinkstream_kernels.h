// Internal: multi-row dot products used by the matrix kernel, and the macro that builds the one-row and four-row
// kernels of a type from its per-block step. Both run the same per-row operations in the same order, so a row's
// result is the same bit for bit whichever kernel computes it; four rows at once hide the accumulators' latency
// and load each activation block once.
#ifndef THINKSTREAM_KERNELS_H
#define THINKSTREAM_KERNELS_H

#include "CThinkStreamShims.h"
#include "thinkstream_simd.h"

/// out[r] = x[r] . y for four weight rows.
typedef void (*ts_vec_dot_x4_fn)(int64_t n, const void *const x[4], const void *y, float out[4]);

void ts_vec_dot_x4_q4_0_q8_0(int64_t n, const void *const x[4], const void *y, float out[4]);
void ts_vec_dot_x4_q4_1_q8_1(int64_t n, const void *const x[4], const void *y, float out[4]);
void ts_vec_dot_x4_q5_0_q8_0(int64_t n, const void *const x[4], const void *y, float out[4]);
void ts_vec_dot_x4_q5_1_q8_1(int64_t n, const void *const x[4], const void *y, float out[4]);
void ts_vec_dot_x4_q8_0_q8_0(int64_t n, const void *const x[4], const void *y, float out[4]);
void ts_vec_dot_x4_q4_K_q8_K(int64_t n, const void *const x[4], const void *y, float out[4]);
void ts_vec_dot_x4_q5_K_q8_K(int64_t n, const void *const x[4], const void *y, float out[4]);
void ts_vec_dot_x4_q6_K_q8_K(int64_t n, const void *const x[4], const void *y, float out[4]);

/// out[r][c] = x[r] . y_c for four weight rows and two activation columns (AVX2 builds only).
typedef void (*ts_mul_mat_x4x2_fn)(int64_t n, const void *const x[4], const void *y0, const void *y1, float out[4][2]);

/// out[r][c] = x[r] . y[c] for two weight rows and four activation columns (AVX2 builds only).
typedef void (*ts_mul_mat_x2x4_fn)(int64_t n, const void *const x[2], const void *const y[4], float out[2][4]);

#if defined(__AVX2__)
void ts_mul_mat_x2x4_q5_0_q8_0(int64_t n, const void *const x[2], const void *const y[4], float out[2][4]);
void ts_mul_mat_x2x4_q8_0_q8_0(int64_t n, const void *const x[2], const void *const y[4], float out[2][4]);
void ts_mul_mat_x4x2_q4_0_q8_0(int64_t n, const void *const x[4], const void *y0, const void *y1, float out[4][2]);
void ts_mul_mat_x4x2_q4_1_q8_1(int64_t n, const void *const x[4], const void *y0, const void *y1, float out[4][2]);
void ts_mul_mat_x4x2_q5_0_q8_0(int64_t n, const void *const x[4], const void *y0, const void *y1, float out[4][2]);
void ts_mul_mat_x4x2_q8_0_q8_0(int64_t n, const void *const x[4], const void *y0, const void *y1, float out[4][2]);
void ts_mul_mat_x4x2_q4_K_q8_K(int64_t n, const void *const x[4], const void *y0, const void *y1, float out[4][2]);
void ts_mul_mat_x4x2_q5_K_q8_K(int64_t n, const void *const x[4], const void *y0, const void *y1, float out[4][2]);
void ts_mul_mat_x4x2_q6_K_q8_K(int64_t n, const void *const x[4], const void *y0, const void *y1, float out[4][2]);

/// Accumulators of one row's dot product (ggml's acc, acc_m and summs).
typedef struct {
    __m256 acc;
    __m128 acc_m;
    float summs;
} ts_dot_state;

static inline void ts_dot_state_init(ts_dot_state *s) {
    s->acc = _mm256_setzero_ps();
    s->acc_m = _mm_setzero_ps();
    s->summs = 0.0f;
}

/// Bytes ahead of the current block that the four-row kernel prefetches in each weight row (past a short row's end
/// this reaches the next rows, which come next anyway). With four rows streaming from memory, hardware prefetchers
/// alone left one core at 3-5 GB/s on matrices larger than the cache; 4096 measured better than 1024 and 2048.
#define TS_PREFETCH_BYTES 4096
#define TS_PREFETCH_ROWS(x, i, BB)                                                                         \
    do {                                                                                                   \
        for (int r_ = 0; r_ < 4; r_++) {                                                                   \
            const char *ahead_ = (const char *)x[r_] + ((i) * (BB)) + TS_PREFETCH_BYTES;                   \
            for (int o_ = 0; o_ < (BB); o_ += 64) __builtin_prefetch(ahead_ + o_);                         \
        }                                                                                                  \
    } while (0)

/// Defines thinkstream_vec_dot_<name> and ts_vec_dot_x4_<name> from `step(state, x, y, block)` and
/// `finish(state)`; QK is the elements and BB the bytes per weight block.
#define TS_DEFINE_VEC_DOT(name, QK, BB, step, finish)                                                         \
    float thinkstream_vec_dot_##name(int64_t n, const void *x, const void *y) {                            \
        ts_dot_state s;                                                                                    \
        ts_dot_state_init(&s);                                                                             \
        for (int64_t i = 0; i < n / (QK); i++) step(&s, x, y, i);                                          \
        return finish(&s);                                                                                 \
    }                                                                                                      \
    void ts_vec_dot_x4_##name(int64_t n, const void *const x[4], const void *y, float out[4]) {            \
        ts_dot_state s0, s1, s2, s3;                                                                       \
        ts_dot_state_init(&s0);                                                                            \
        ts_dot_state_init(&s1);                                                                            \
        ts_dot_state_init(&s2);                                                                            \
        ts_dot_state_init(&s3);                                                                            \
        for (int64_t i = 0; i < n / (QK); i++) {                                                           \
            TS_PREFETCH_ROWS(x, i, BB);                                                                    \
            step(&s0, x[0], y, i);                                                                         \
            step(&s1, x[1], y, i);                                                                         \
            step(&s2, x[2], y, i);                                                                         \
            step(&s3, x[3], y, i);                                                                         \
        }                                                                                                  \
        out[0] = finish(&s0);                                                                              \
        out[1] = finish(&s1);                                                                              \
        out[2] = finish(&s2);                                                                              \
        out[3] = finish(&s3);                                                                              \
    }

/// Defines ts_mul_mat_x4x2_<name> from the same `step` and `finish`: each (row, column) pair keeps its own
/// state and runs the one-row kernel's operations in order (bit-identical results); the compiler shares the
/// weight block's unpacking between the two columns.
#define TS_DEFINE_MUL_MAT_X4X2(name, QK, BB, step, finish)                                                    \
    void ts_mul_mat_x4x2_##name(int64_t n, const void *const x[4], const void *y0, const void *y1,          \
                                float out[4][2]) {                                                         \
        ts_dot_state s[4][2];                                                                              \
        for (int r = 0; r < 4; r++) {                                                                      \
            ts_dot_state_init(&s[r][0]);                                                                   \
            ts_dot_state_init(&s[r][1]);                                                                   \
        }                                                                                                  \
        for (int64_t i = 0; i < n / (QK); i++) {                                                           \
            TS_PREFETCH_ROWS(x, i, BB);                                                                    \
            for (int r = 0; r < 4; r++) {                                                                  \
                step(&s[r][0], x[r], y0, i);                                                               \
                step(&s[r][1], x[r], y1, i);                                                               \
            }                                                                                              \
        }                                                                                                  \
        for (int r = 0; r < 4; r++) {                                                                      \
            out[r][0] = finish(&s[r][0]);                                                                  \
            out[r][1] = finish(&s[r][1]);                                                                  \
        }                                                                                                  \
    }
#else
/// Without AVX2 the four-row kernel is four one-row calls.
#define TS_DEFINE_VEC_DOT_X4_FALLBACK(name)                                                                \
    void ts_vec_dot_x4_##name(int64_t n, const void *const x[4], const void *y, float out[4]) {            \
        for (int r = 0; r < 4; r++) out[r] = thinkstream_vec_dot_##name(n, x[r], y);                       \
    }
#endif

#endif
