// q4_K weights repacked at load into groups of eight interleaved rows (thinkstream_block_q4_K_x8), and the AVX2
// matrix kernel that reads them: per 4 activation bytes one broadcast feeds eight rows, the 6-bit scales and mins
// are unpacked once at load instead of on every dot product, and each thread streams one contiguous run of memory
// instead of four rows. Integer sums are exact, so a row's result differs from thinkstream_vec_dot_q4_K_q8_K only in
// the order of its float additions.
#include "thinkstream_x8.h"

// ggml's get_scale_min_k4: the j-th 6-bit scale and min of a q4_K block.
static inline void ts_scale_min_k4(int j, const uint8_t *q, uint8_t *scale, uint8_t *min) {
    if (j < 4) {
        *scale = q[j] & 63;
        *min = q[j + 4] & 63;
    } else {
        *scale = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        *min = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

void thinkstream_repack_q4_K_x8(const void *src, size_t src_row_bytes, int64_t rows, int64_t n, void *dst) {
    const int64_t nb = n / 256;
    thinkstream_block_q4_K_x8 *out = (thinkstream_block_q4_K_x8 *)dst;
    for (int64_t g = 0; g < rows / 8; g++) {
        for (int64_t i = 0; i < nb; i++, out++) {
            for (int r = 0; r < 8; r++) {
                const thinkstream_block_q4_K *b =
                    (const thinkstream_block_q4_K *)((const char *)src + (size_t)(8 * g + r) * src_row_bytes) + i;
                out->d[r] = b->d;
                out->dmin[r] = b->dmin;
                for (int j = 0; j < 8; j++) ts_scale_min_k4(j, b->scales, &out->scales[j][r], &out->mins[j][r]);
                for (int p = 0; p < 4; p++) {
                    for (int c = 0; c < 8; c++) memcpy(out->qs[p][c][r], b->qs + 32 * p + 4 * c, 4);
                }
            }
        }
    }
}

// Rebuilds row `r` of a group's block as a plain q4_K block (the 12-byte scale packing of ggml's make_qkx2).
static void ts_unpack_q4_K_x8_block(const thinkstream_block_q4_K_x8 *x, int r, thinkstream_block_q4_K *b) {
    b->d = x->d[r];
    b->dmin = x->dmin[r];
    for (int j = 0; j < 4; j++) {
        const uint8_t scale_high = x->scales[j + 4][r], min_high = x->mins[j + 4][r];
        b->scales[j] = (uint8_t)(x->scales[j][r] | ((scale_high >> 4) << 6));
        b->scales[j + 4] = (uint8_t)(x->mins[j][r] | ((min_high >> 4) << 6));
        b->scales[j + 8] = (uint8_t)((scale_high & 0xF) | ((min_high & 0xF) << 4));
    }
    for (int p = 0; p < 4; p++) {
        for (int c = 0; c < 8; c++) memcpy(b->qs + 32 * p + 4 * c, x->qs[p][c][r], 4);
    }
}

void thinkstream_unpack_q4_K_x8_rows(const void *src, int64_t n, int64_t row_begin, int64_t row_end, void *dst) {
    const int64_t nb = n / 256;
    const thinkstream_block_q4_K_x8 *groups = (const thinkstream_block_q4_K_x8 *)src;
    thinkstream_block_q4_K *out = (thinkstream_block_q4_K *)dst;
    for (int64_t row = row_begin; row < row_end; row++) {
        for (int64_t i = 0; i < nb; i++) ts_unpack_q4_K_x8_block(groups + (row / 8) * nb + i, (int)(row % 8), out++);
    }
}

void thinkstream_dequantize_q4_K_x8_rows(const void *src, int64_t n, int64_t row_begin, int64_t row_end, float *y) {
    const int64_t nb = n / 256;
    const thinkstream_block_q4_K_x8 *groups = (const thinkstream_block_q4_K_x8 *)src;
    thinkstream_block_q4_K block;
    for (int64_t row = row_begin; row < row_end; row++) {
        for (int64_t i = 0; i < nb; i++, y += 256) {
            ts_unpack_q4_K_x8_block(groups + (row / 8) * nb + i, (int)(row % 8), &block);
            thinkstream_dequantize_row(12, &block, y, 256);
        }
    }
}

#if defined(__AVX2__)
#ifndef TS_X8_PREFETCH_BLOCKS
#define TS_X8_PREFETCH_BLOCKS 2
#endif

// (scale_r, scale_r) in int16 lanes 2r and 2r + 1, r = 0..7: multiplies the per-row pairs maddubs leaves.
static inline __m256i ts_row_pairs(const uint8_t row_bytes[8]) {
    const __m128i bytes = _mm_loadl_epi64((const __m128i *)row_bytes);
    return _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(bytes, bytes));
}

// out[c * out_stride + r] = W[r] . A[c] for one group's eight rows and NC activation columns. For each of the four
// 64-element halves-pairs of a block, eight chunks of 4 bytes per row: low nibbles against activation bytes of
// sub-block 2p, high nibbles against sub-block 2p + 1, summed in int16 (at most 8 * 2 * 15 * 128 = 30,720), then
// scaled per row with madd.
static inline __attribute__((always_inline)) void ts_gemm_q4_K_x8(int64_t nb, const thinkstream_block_q4_K_x8 *x,
                                                                  const thinkstream_block_q8_K *const y[4], const int NC,
                                                                  float *out, int64_t out_stride) {
    const __m256i m4 = _mm256_set1_epi8(0xF);
    __m256 acc[4];
    for (int c = 0; c < NC; c++) acc[c] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const thinkstream_block_q4_K_x8 *b = x + i;
        // One stream per thread: fetch the block TS_X8_PREFETCH_BLOCKS ahead, a whole block's cache lines.
        if (i + TS_X8_PREFETCH_BLOCKS < nb) {
            const char *ahead = (const char *)(b + TS_X8_PREFETCH_BLOCKS);
            for (int o = 0; o < (int)sizeof(*b); o += 64) _mm_prefetch(ahead + o, _MM_HINT_T0);
        }
        const __m256 d = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)b->d));
        const __m256 dmin = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)b->dmin));
        __m256i sumi[4], summ[4];
        for (int c = 0; c < NC; c++) {
            sumi[c] = _mm256_setzero_si256();
            summ[c] = _mm256_setzero_si256();
        }
        for (int p = 0; p < 4; p++) {
            const __m256i mins = _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(
                _mm_loadl_epi64((const __m128i *)b->mins[2 * p]), _mm_loadl_epi64((const __m128i *)b->mins[2 * p + 1])));
            __m256i low[4], high[4];
            for (int c = 0; c < NC; c++) {
                const int16_t *bsums = y[c][i].bsums + 4 * p;
                const uint32_t pair = (uint16_t)(bsums[0] + bsums[1]) | ((uint32_t)(uint16_t)(bsums[2] + bsums[3]) << 16);
                summ[c] = _mm256_add_epi32(summ[c], _mm256_madd_epi16(mins, _mm256_set1_epi32((int)pair)));
                low[c] = _mm256_setzero_si256();
                high[c] = _mm256_setzero_si256();
            }
            for (int k = 0; k < 8; k++) {
                const __m256i bits = _mm256_loadu_si256((const __m256i *)b->qs[p][k]);
                const __m256i wl = _mm256_and_si256(bits, m4);
                const __m256i wh = _mm256_and_si256(_mm256_srli_epi16(bits, 4), m4);
                for (int c = 0; c < NC; c++) {
                    const int8_t *q8 = y[c][i].qs + 64 * p + 4 * k;
                    low[c] = _mm256_add_epi16(low[c], _mm256_maddubs_epi16(wl, _mm256_set1_epi32(ts_x8_load_i32(q8))));
                    high[c] =
                        _mm256_add_epi16(high[c], _mm256_maddubs_epi16(wh, _mm256_set1_epi32(ts_x8_load_i32(q8 + 32))));
                }
            }
            const __m256i scale_low = ts_row_pairs(b->scales[2 * p]), scale_high = ts_row_pairs(b->scales[2 * p + 1]);
            for (int c = 0; c < NC; c++) {
                sumi[c] = _mm256_add_epi32(sumi[c], _mm256_add_epi32(_mm256_madd_epi16(low[c], scale_low),
                                                                     _mm256_madd_epi16(high[c], scale_high)));
            }
        }
        for (int c = 0; c < NC; c++) {
            const __m256 yd = _mm256_set1_ps(y[c][i].d);
            acc[c] = _mm256_fmadd_ps(_mm256_mul_ps(d, yd), _mm256_cvtepi32_ps(sumi[c]), acc[c]);
            acc[c] = _mm256_fnmadd_ps(_mm256_mul_ps(dmin, yd), _mm256_cvtepi32_ps(summ[c]), acc[c]);
        }
    }
    for (int c = 0; c < NC; c++) _mm256_storeu_ps(out + c * out_stride, acc[c]);
}

#endif

TS_DEFINE_X8_MUL_MAT(q4_K)
