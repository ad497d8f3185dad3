// Type dispatch and the matrix kernel: out[c][r] = W[r] . A[c]. The loop takes weight rows four at a time
// (outer) and activation columns four at a time (as two pairs of rows) where a four-column kernel exists, then two
// at a time where a two-column kernel exists, else one (inner), so each weight row is read from memory once and reused from cache
// for every column, and four independent accumulators hide the fused multiply-add latency.
#include "thinkstream_kernels.h"

typedef float (*ts_vec_dot_fn)(int64_t n, const void *x, const void *y);

static ts_vec_dot_fn ts_vec_dot_for(int32_t type) {
    switch (type) {
    case 0: return thinkstream_vec_dot_f32;
    case 1: return thinkstream_vec_dot_f16;
    case 30: return thinkstream_vec_dot_bf16;
    case 2: return thinkstream_vec_dot_q4_0_q8_0;
    case 3: return thinkstream_vec_dot_q4_1_q8_1;
    case 6: return thinkstream_vec_dot_q5_0_q8_0;
    case 7: return thinkstream_vec_dot_q5_1_q8_1;
    case 8: return thinkstream_vec_dot_q8_0_q8_0;
    case 12: return thinkstream_vec_dot_q4_K_q8_K;
    case 13: return thinkstream_vec_dot_q5_K_q8_K;
    case 14: return thinkstream_vec_dot_q6_K_q8_K;
    default: return 0;
    }
}

// Four-row kernels exist for the quantized types; float rows use the one-row kernel.
static ts_vec_dot_x4_fn ts_vec_dot_x4_for(int32_t type) {
    switch (type) {
    case 2: return ts_vec_dot_x4_q4_0_q8_0;
    case 3: return ts_vec_dot_x4_q4_1_q8_1;
    case 6: return ts_vec_dot_x4_q5_0_q8_0;
    case 7: return ts_vec_dot_x4_q5_1_q8_1;
    case 8: return ts_vec_dot_x4_q8_0_q8_0;
    case 12: return ts_vec_dot_x4_q4_K_q8_K;
    case 13: return ts_vec_dot_x4_q5_K_q8_K;
    case 14: return ts_vec_dot_x4_q6_K_q8_K;
    default: return 0;
    }
}

// Four-row, two-column kernels (AVX2 builds).
static ts_mul_mat_x4x2_fn ts_mul_mat_x4x2_for(int32_t type) {
#if defined(__AVX2__)
    switch (type) {
    case 2: return ts_mul_mat_x4x2_q4_0_q8_0;
    case 3: return ts_mul_mat_x4x2_q4_1_q8_1;
    case 6: return ts_mul_mat_x4x2_q5_0_q8_0;
    case 8: return ts_mul_mat_x4x2_q8_0_q8_0;
    case 12: return ts_mul_mat_x4x2_q4_K_q8_K;
    case 13: return ts_mul_mat_x4x2_q5_K_q8_K;
    case 14: return ts_mul_mat_x4x2_q6_K_q8_K;
    default: return 0;
    }
#else
    (void)type;
    return 0;
#endif
}

// Two-row, four-column kernels (AVX2 builds), for the 32-element types whose per-column work is smallest.
static ts_mul_mat_x2x4_fn ts_mul_mat_x2x4_for(int32_t type) {
#if defined(__AVX2__)
    switch (type) {
    case 6: return ts_mul_mat_x2x4_q5_0_q8_0;
    case 8: return ts_mul_mat_x2x4_q8_0_q8_0;
    default: return 0;
    }
#else
    (void)type;
    return 0;
#endif
}

int thinkstream_vec_dot_supported(int32_t type) { return ts_vec_dot_for(type) != 0; }

float thinkstream_vec_dot(int32_t type, int64_t n, const void *x, const void *y) {
    const ts_vec_dot_fn dot = ts_vec_dot_for(type);
    return dot ? dot(n, x, y) : 0.0f;
}

int thinkstream_mul_mat(int32_t type, int64_t n, const void *w, size_t w_row_bytes, int64_t row_begin,
                        int64_t row_end, const void *a, size_t a_row_bytes, int64_t batch, float *out,
                        int64_t out_stride) {
    const ts_vec_dot_fn dot = ts_vec_dot_for(type);
    const ts_vec_dot_x4_fn dot_x4 = ts_vec_dot_x4_for(type);
    const ts_mul_mat_x4x2_fn dot_x4x2 = ts_mul_mat_x4x2_for(type);
    const ts_mul_mat_x2x4_fn dot_x2x4 = ts_mul_mat_x2x4_for(type);
    if (!dot) return -1;
    const char *weights = w, *activations = a;
    int64_t r = row_begin;
    if (dot_x4) {
        for (; r + 4 <= row_end; r += 4) {
            const void *const rows[4] = {
                weights + (size_t)r * w_row_bytes, weights + (size_t)(r + 1) * w_row_bytes,
                weights + (size_t)(r + 2) * w_row_bytes, weights + (size_t)(r + 3) * w_row_bytes,
            };
            int64_t c = 0;
            if (dot_x2x4) {
                for (; c + 4 <= batch; c += 4) {
                    const void *const columns[4] = {
                        activations + (size_t)c * a_row_bytes, activations + (size_t)(c + 1) * a_row_bytes,
                        activations + (size_t)(c + 2) * a_row_bytes, activations + (size_t)(c + 3) * a_row_bytes,
                    };
                    for (int half = 0; half < 2; half++) {
                        float result[2][4];
                        dot_x2x4(n, rows + 2 * half, columns, result);
                        for (int k = 0; k < 2; k++)
                            for (int j = 0; j < 4; j++) out[(c + j) * out_stride + r + 2 * half + k] = result[k][j];
                    }
                }
            }
            if (dot_x4x2) {
                for (; c + 2 <= batch; c += 2) {
                    float result[4][2];
                    dot_x4x2(n, rows, activations + (size_t)c * a_row_bytes, activations + (size_t)(c + 1) * a_row_bytes,
                             result);
                    for (int k = 0; k < 4; k++) {
                        out[c * out_stride + r + k] = result[k][0];
                        out[(c + 1) * out_stride + r + k] = result[k][1];
                    }
                }
            }
            for (; c < batch; c++) {
                float result[4];
                dot_x4(n, rows, activations + (size_t)c * a_row_bytes, result);
                for (int k = 0; k < 4; k++) out[c * out_stride + r + k] = result[k];
            }
        }
    }
    for (; r < row_end; r++) {
        const void *row = weights + (size_t)r * w_row_bytes;
        for (int64_t c = 0; c < batch; c++) {
            out[c * out_stride + r] = dot(n, row, activations + (size_t)c * a_row_bytes);
        }
    }
    return 0;
}
