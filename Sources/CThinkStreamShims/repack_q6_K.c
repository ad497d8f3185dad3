// q6_K weights repacked at load into groups of eight interleaved rows (thinkstream_block_q6_K_x8), and the AVX2
// matrix kernel that reads them, as repack_q4_K.c does for q4_K: one activation broadcast feeds eight rows, and the
// -32 offset of every weight is applied once per block through the activation sums (q8_K bsums) instead of per
// element. Integer sums are exact; only the order of the float additions across blocks differs from
// thinkstream_vec_dot_q6_K_q8_K.
//
// q6_K element e of a block (h = e / 128, e' = e % 128): low 4 bits in ql[64h + e' % 64] (low nibble for
// e' < 64, high nibble above), high 2 bits in qh[32h + e' % 32] at bit 2 * (e' / 32), scale scales[e / 16].
#include "thinkstream_x8.h"

void thinkstream_repack_q6_K_x8(const void *src, size_t src_row_bytes, int64_t rows, int64_t n, void *dst) {
    const int64_t nb = n / 256;
    thinkstream_block_q6_K_x8 *out = (thinkstream_block_q6_K_x8 *)dst;
    for (int64_t g = 0; g < rows / 8; g++) {
        for (int64_t i = 0; i < nb; i++, out++) {
            for (int r = 0; r < 8; r++) {
                const thinkstream_block_q6_K *b =
                    (const thinkstream_block_q6_K *)((const char *)src + (size_t)(8 * g + r) * src_row_bytes) + i;
                out->d[r] = b->d;
                for (int s = 0; s < 16; s++) out->scales[s][r] = b->scales[s];
                for (int p = 0; p < 4; p++) {
                    for (int c = 0; c < 8; c++) memcpy(out->ql[p][c][r], b->ql + 32 * p + 4 * c, 4);
                }
                for (int h = 0; h < 2; h++) {
                    for (int c = 0; c < 8; c++) memcpy(out->qh[h][c][r], b->qh + 32 * h + 4 * c, 4);
                }
            }
        }
    }
}

static void ts_unpack_q6_K_x8_block(const thinkstream_block_q6_K_x8 *x, int r, thinkstream_block_q6_K *b) {
    b->d = x->d[r];
    for (int s = 0; s < 16; s++) b->scales[s] = x->scales[s][r];
    for (int p = 0; p < 4; p++) {
        for (int c = 0; c < 8; c++) memcpy(b->ql + 32 * p + 4 * c, x->ql[p][c][r], 4);
    }
    for (int h = 0; h < 2; h++) {
        for (int c = 0; c < 8; c++) memcpy(b->qh + 32 * h + 4 * c, x->qh[h][c][r], 4);
    }
}

void thinkstream_unpack_q6_K_x8_rows(const void *src, int64_t n, int64_t row_begin, int64_t row_end, void *dst) {
    const int64_t nb = n / 256;
    const thinkstream_block_q6_K_x8 *groups = (const thinkstream_block_q6_K_x8 *)src;
    thinkstream_block_q6_K *out = (thinkstream_block_q6_K *)dst;
    for (int64_t row = row_begin; row < row_end; row++) {
        for (int64_t i = 0; i < nb; i++) ts_unpack_q6_K_x8_block(groups + (row / 8) * nb + i, (int)(row % 8), out++);
    }
}

void thinkstream_dequantize_q6_K_x8_rows(const void *src, int64_t n, int64_t row_begin, int64_t row_end, float *y) {
    const int64_t nb = n / 256;
    const thinkstream_block_q6_K_x8 *groups = (const thinkstream_block_q6_K_x8 *)src;
    thinkstream_block_q6_K block;
    for (int64_t row = row_begin; row < row_end; row++) {
        for (int64_t i = 0; i < nb; i++, y += 256) {
            ts_unpack_q6_K_x8_block(groups + (row / 8) * nb + i, (int)(row % 8), &block);
            thinkstream_dequantize_row(14, &block, y, 256);
        }
    }
}

#if defined(__AVX2__)
#ifndef TS_X8_PREFETCH_BLOCKS
#define TS_X8_PREFETCH_BLOCKS 2
#endif

// (s_r, s_r) in int16 lanes 2r and 2r + 1 from eight signed scale bytes.
static inline __m256i ts_signed_row_pairs(const int8_t row_bytes[8]) {
    const __m128i bytes = _mm_loadl_epi64((const __m128i *)row_bytes);
    return _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(bytes, bytes));
}

// (s_g,r , s_g+1,r) in int16 lanes 2r and 2r + 1.
static inline __m256i ts_signed_scale_pairs(const int8_t first[8], const int8_t second[8]) {
    return _mm256_cvtepi8_epi16(
        _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)first), _mm_loadl_epi64((const __m128i *)second)));
}

// One group's eight rows times NC activation columns. For half h and pair p' (p = 2h + p'), chunk c holds 4 bytes
// per row: low nibbles are elements 128h + 32p' + 4c + k, high nibbles 64 further; their 2-bit highs sit in the
// qh chunk (h, c) at bits 2p' and 4 + 2p'. Two chunks are summed in int16 (at most 2 * 2 * 63 * 128 = 32,256)
// before the per-row scale of their 16-element group is applied with madd.
static inline __attribute__((always_inline)) void ts_gemm_q6_K_x8(int64_t nb, const thinkstream_block_q6_K_x8 *x,
                                                                  const thinkstream_block_q8_K *const y[4], const int NC,
                                                                  float *out, int64_t out_stride) {
    const __m256i m4 = _mm256_set1_epi8(0xF), m2 = _mm256_set1_epi8(3);
    __m256 acc[4];
    for (int c = 0; c < NC; c++) acc[c] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const thinkstream_block_q6_K_x8 *b = x + i;
        // One stream per thread: fetch the block TS_X8_PREFETCH_BLOCKS ahead, a whole block's cache lines.
        if (i + TS_X8_PREFETCH_BLOCKS < nb) {
            const char *ahead = (const char *)(b + TS_X8_PREFETCH_BLOCKS);
            for (int o = 0; o < (int)sizeof(*b); o += 64) _mm_prefetch(ahead + o, _MM_HINT_T0);
        }
        const __m256 d = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)b->d));
        __m256i sumi[4];
        for (int c = 0; c < NC; c++) {
            // -32 * sum over groups of scale * bsum: the offset of every weight, once per block.
            __m256i offset = _mm256_setzero_si256();
            const int16_t *bsums = y[c][i].bsums;
            for (int s = 0; s < 16; s += 2) {
                const uint32_t pair = (uint16_t)bsums[s] | ((uint32_t)(uint16_t)bsums[s + 1] << 16);
                offset = _mm256_add_epi32(
                    offset, _mm256_madd_epi16(ts_signed_scale_pairs(b->scales[s], b->scales[s + 1]),
                                              _mm256_set1_epi32((int)pair)));
            }
            sumi[c] = _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_slli_epi32(offset, 5));
        }
        for (int h = 0; h < 2; h++) {
            for (int pp = 0; pp < 2; pp++) {
                const int p = 2 * h + pp;
                for (int cp = 0; cp < 4; cp++) {
                    __m256i low[4], high[4];
                    for (int c = 0; c < NC; c++) {
                        low[c] = _mm256_setzero_si256();
                        high[c] = _mm256_setzero_si256();
                    }
                    for (int k = 2 * cp; k < 2 * cp + 2; k++) {
                        const __m256i bits = _mm256_loadu_si256((const __m256i *)b->ql[p][k]);
                        const __m256i hbits = _mm256_loadu_si256((const __m256i *)b->qh[h][k]);
                        const __m256i wl = _mm256_or_si256(
                            _mm256_and_si256(bits, m4),
                            _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 2 * pp), m2), 4));
                        const __m256i wh = _mm256_or_si256(
                            _mm256_and_si256(_mm256_srli_epi16(bits, 4), m4),
                            _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 4 + 2 * pp), m2), 4));
                        for (int c = 0; c < NC; c++) {
                            const int8_t *q8 = y[c][i].qs + 128 * h + 32 * pp + 4 * k;
                            low[c] = _mm256_add_epi16(
                                low[c], _mm256_maddubs_epi16(wl, _mm256_set1_epi32(ts_x8_load_i32(q8))));
                            high[c] = _mm256_add_epi16(
                                high[c], _mm256_maddubs_epi16(wh, _mm256_set1_epi32(ts_x8_load_i32(q8 + 64))));
                        }
                    }
                    const int group = 8 * h + 2 * pp + cp / 2;
                    const __m256i scale_low = ts_signed_row_pairs(b->scales[group]);
                    const __m256i scale_high = ts_signed_row_pairs(b->scales[group + 4]);
                    for (int c = 0; c < NC; c++) {
                        sumi[c] = _mm256_add_epi32(sumi[c], _mm256_add_epi32(_mm256_madd_epi16(low[c], scale_low),
                                                                             _mm256_madd_epi16(high[c], scale_high)));
                    }
                }
            }
        }
        for (int c = 0; c < NC; c++) {
            acc[c] = _mm256_fmadd_ps(_mm256_mul_ps(d, _mm256_set1_ps(y[c][i].d)), _mm256_cvtepi32_ps(sumi[c]), acc[c]);
        }
    }
    for (int c = 0; c < NC; c++) _mm256_storeu_ps(out + c * out_stride, acc[c]);
}

#endif

TS_DEFINE_X8_MUL_MAT(q6_K)
