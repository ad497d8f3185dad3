// Internal: what the eight-row interleaved layouts (repack_q4_K.c, repack_q6_K.c) share. Each defines its block
// unpacker `ts_unpack_<name>_x8_block` and, on AVX2, its kernel `ts_gemm_<name>_x8(nb, x, y, NC, out, out_stride)`;
// TS_DEFINE_X8_MUL_MAT(name) then defines the public matrix product `thinkstream_mul_mat_<name>_x8`, which walks
// the row groups and hands the kernel 4, 2 or 1 activation columns at a time (the portable build unpacks each block
// and uses the plain dot product instead).
#ifndef THINKSTREAM_X8_H
#define THINKSTREAM_X8_H

#include "CThinkStreamShims.h"
#include "thinkstream_simd.h"

#if defined(__AVX2__)
// Four activation bytes as one int32, to broadcast to every row of a group.
static inline int32_t ts_x8_load_i32(const int8_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

#define TS_X8_COLUMN_LOOP(name)                                                                                      \
    for (int64_t row = row_begin; row < row_end; row += 8) {                                                        \
        const thinkstream_block_##name##_x8 *x = groups + (row / 8) * nb;                                            \
        int64_t c = 0;                                                                                               \
        while (c < batch) {                                                                                          \
            const int64_t left = batch - c, width = left >= 4 ? 4 : left >= 2 ? 2 : 1;                             \
            const thinkstream_block_q8_K *y[4] = {0, 0, 0, 0};                                                       \
            for (int k = 0; k < width; k++) {                                                                        \
                y[k] = (const thinkstream_block_q8_K *)(activations + (size_t)(c + k) * a_row_bytes);              \
            }                                                                                                        \
            float *o = out + c * out_stride + row;                                                                   \
            if (width == 4) {                                                                                        \
                ts_gemm_##name##_x8(nb, x, y, 4, o, out_stride);                                                     \
            } else if (width == 2) {                                                                                 \
                ts_gemm_##name##_x8(nb, x, y, 2, o, out_stride);                                                     \
            } else {                                                                                                 \
                ts_gemm_##name##_x8(nb, x, y, 1, o, out_stride);                                                     \
            }                                                                                                        \
            c += width;                                                                                              \
        }                                                                                                            \
    }
#else
#define TS_X8_COLUMN_LOOP(name)                                                                                      \
    thinkstream_block_##name block;                                                                                  \
    for (int64_t row = row_begin; row < row_end; row++) {                                                           \
        for (int64_t c = 0; c < batch; c++) {                                                                        \
            const thinkstream_block_q8_K *y = (const thinkstream_block_q8_K *)(activations + (size_t)c * a_row_bytes); \
            float sum = 0.0f;                                                                                        \
            for (int64_t i = 0; i < nb; i++) {                                                                       \
                ts_unpack_##name##_x8_block(groups + (row / 8) * nb + i, (int)(row % 8), &block);                    \
                sum += thinkstream_vec_dot_##name##_q8_K(256, &block, y + i);                                        \
            }                                                                                                        \
            out[c * out_stride + row] = sum;                                                                         \
        }                                                                                                            \
    }
#endif

#define TS_DEFINE_X8_MUL_MAT(name)                                                                                   \
    int thinkstream_mul_mat_##name##_x8(int64_t n, const void *w, int64_t row_begin, int64_t row_end,              \
                                        const void *a, size_t a_row_bytes, int64_t batch, float *out,               \
                                        int64_t out_stride) {                                                        \
        if (n % 256 != 0 || row_begin % 8 != 0 || row_end % 8 != 0) return -1;                                       \
        const int64_t nb = n / 256;                                                                                  \
        const thinkstream_block_##name##_x8 *groups = (const thinkstream_block_##name##_x8 *)w;                      \
        const char *activations = (const char *)a;                                                                   \
        TS_X8_COLUMN_LOOP(name)                                                                                      \
        return 0;                                                                                                    \
    }

#endif
