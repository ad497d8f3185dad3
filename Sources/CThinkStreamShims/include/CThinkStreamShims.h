// CThinkStreamShims: ggml-compatible quantization kernels (AVX2 + FMA + F16C on x86-64, scalar elsewhere).
//
// Block structs mirror ggml-common.h byte for byte (each has a _Static_assert on its size). Type ids are ggml's
// `enum ggml_type` values (0 f32, 1 f16, 2 q4_0, 3 q4_1, 6 q5_0, 7 q5_1, 8 q8_0, 9 q8_1, 12 q4_K, 13 q5_K,
// 14 q6_K, 15 q8_K, 30 bf16). Every function here has a naive Swift twin in Quantization's GGMLReference.
#ifndef THINKSTREAM_SHIMS_H
#define THINKSTREAM_SHIMS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint16_t thinkstream_half;  // IEEE binary16 bits

typedef struct { thinkstream_half d; uint8_t qs[16]; } thinkstream_block_q4_0;
typedef struct { thinkstream_half d; thinkstream_half m; uint8_t qs[16]; } thinkstream_block_q4_1;
typedef struct { thinkstream_half d; uint8_t qh[4]; uint8_t qs[16]; } thinkstream_block_q5_0;
typedef struct { thinkstream_half d; thinkstream_half m; uint8_t qh[4]; uint8_t qs[16]; } thinkstream_block_q5_1;
typedef struct { thinkstream_half d; int8_t qs[32]; } thinkstream_block_q8_0;
typedef struct { thinkstream_half d; thinkstream_half s; int8_t qs[32]; } thinkstream_block_q8_1;
typedef struct {
    thinkstream_half d; thinkstream_half dmin; uint8_t scales[12]; uint8_t qs[128];
} thinkstream_block_q4_K;
typedef struct {
    thinkstream_half d; thinkstream_half dmin; uint8_t scales[12]; uint8_t qh[32]; uint8_t qs[128];
} thinkstream_block_q5_K;
typedef struct { uint8_t ql[128]; uint8_t qh[64]; int8_t scales[16]; thinkstream_half d; } thinkstream_block_q6_K;
typedef struct { float d; int8_t qs[256]; int16_t bsums[16]; } thinkstream_block_q8_K;

_Static_assert(sizeof(thinkstream_block_q4_0) == 18, "block_q4_0 size");
_Static_assert(sizeof(thinkstream_block_q4_1) == 20, "block_q4_1 size");
_Static_assert(sizeof(thinkstream_block_q5_0) == 22, "block_q5_0 size");
_Static_assert(sizeof(thinkstream_block_q5_1) == 24, "block_q5_1 size");
_Static_assert(sizeof(thinkstream_block_q8_0) == 34, "block_q8_0 size");
_Static_assert(sizeof(thinkstream_block_q8_1) == 36, "block_q8_1 size");
_Static_assert(sizeof(thinkstream_block_q4_K) == 144, "block_q4_K size");
_Static_assert(sizeof(thinkstream_block_q5_K) == 176, "block_q5_K size");
_Static_assert(sizeof(thinkstream_block_q6_K) == 210, "block_q6_K size");
_Static_assert(sizeof(thinkstream_block_q8_K) == 292, "block_q8_K size");

/// Eight q4_K rows interleaved for one 256-element block (thinkstream_repack_q4_K_x8): fp16 d and dmin per row,
/// the 6-bit scales and mins unpacked as [sub-block][row], and qs[p][c][r] = bytes 32p + 4c ..< 32p + 4c + 4 of row
/// r's qs (low nibbles: elements 64p + 4c..., sub-block 2p; high nibbles: 64p + 32 + 4c..., sub-block 2p + 1).
typedef struct {
    thinkstream_half d[8]; thinkstream_half dmin[8]; uint8_t scales[8][8]; uint8_t mins[8][8];
    uint8_t qs[4][8][8][4];
} thinkstream_block_q4_K_x8;
_Static_assert(sizeof(thinkstream_block_q4_K_x8) == 1184, "block_q4_K_x8 size");
/// Eight q6_K rows interleaved for one 256-element block (thinkstream_repack_q6_K_x8): fp16 d per row, the 16 scales
/// as [group][row], ql[p][c][r] = bytes 32p + 4c ..< 32p + 4c + 4 of row r's ql, qh[h][c][r] = bytes 32h + 4c ..<
/// 32h + 4c + 4 of row r's qh. The same bytes as eight plain rows, rearranged.
typedef struct {
    thinkstream_half d[8]; int8_t scales[16][8]; uint8_t ql[4][8][8][4]; uint8_t qh[2][8][8][4];
} thinkstream_block_q6_K_x8;
_Static_assert(sizeof(thinkstream_block_q6_K_x8) == 1680, "block_q6_K_x8 size");

/// 1 when compiled with the AVX2 kernels, 0 for the portable scalar fallback.
int thinkstream_has_avx2_kernels(void);

// Activation quantization (ggml's x86 rounding: 127/amax, round half to even; q8_K as quantize_row_q8_K_ref).
void thinkstream_quantize_row_q8_0(const float *x, void *y, int64_t k);
void thinkstream_quantize_row_q8_1(const float *x, void *y, int64_t k);
void thinkstream_quantize_row_q8_K(const float *x, void *y, int64_t k);

// Float conversions (round to nearest, ties to even).
void thinkstream_fp32_to_fp16_row(const float *x, uint16_t *y, int64_t k);
void thinkstream_fp16_to_fp32_row(const uint16_t *x, float *y, int64_t k);
void thinkstream_fp32_to_bf16_row(const float *x, uint16_t *y, int64_t k);
void thinkstream_bf16_to_fp32_row(const uint16_t *x, float *y, int64_t k);

/// Dequantizes `k` elements of ggml type `type`; returns 0, or -1 for an unsupported type.
int thinkstream_dequantize_row(int32_t type, const void *x, float *y, int64_t k);

// Dot products of a weight row with an activation row of the weight type's vec_dot_type.
float thinkstream_vec_dot_f32(int64_t n, const void *x, const void *y);
float thinkstream_vec_dot_f16(int64_t n, const void *x, const void *y);
float thinkstream_vec_dot_bf16(int64_t n, const void *x, const void *y);
float thinkstream_vec_dot_q4_0_q8_0(int64_t n, const void *x, const void *y);
float thinkstream_vec_dot_q4_1_q8_1(int64_t n, const void *x, const void *y);
float thinkstream_vec_dot_q5_0_q8_0(int64_t n, const void *x, const void *y);
float thinkstream_vec_dot_q5_1_q8_1(int64_t n, const void *x, const void *y);
float thinkstream_vec_dot_q8_0_q8_0(int64_t n, const void *x, const void *y);
float thinkstream_vec_dot_q4_K_q8_K(int64_t n, const void *x, const void *y);
float thinkstream_vec_dot_q5_K_q8_K(int64_t n, const void *x, const void *y);
float thinkstream_vec_dot_q6_K_q8_K(int64_t n, const void *x, const void *y);

/// The dot product for weight type `type`; returns 0 for an unsupported type (check with
/// thinkstream_vec_dot_supported).
float thinkstream_vec_dot(int32_t type, int64_t n, const void *x, const void *y);
/// 1 when `type` has a dot product here, else 0.
int thinkstream_vec_dot_supported(int32_t type);

/// out[c * out_stride + r] = W[r] . A[c] for r in [row_begin, row_end) and c in [0, batch).
/// W rows are `w_row_bytes` apart, A rows (already in vec_dot_type) `a_row_bytes` apart; `n` elements per row.
/// Returns 0, or -1 for an unsupported type.
int thinkstream_mul_mat(int32_t type, int64_t n, const void *w, size_t w_row_bytes, int64_t row_begin,
                        int64_t row_end, const void *a, size_t a_row_bytes, int64_t batch, float *out,
                        int64_t out_stride);

// q4_K and q6_K weights in groups of eight interleaved rows. A repacked q4_K matrix of `rows` rows (a multiple of 8) and `n`
// elements per row (a multiple of 256) is rows / 8 groups, each n / 256 thinkstream_block_q4_K_x8 in order.

/// Repacks `rows` q4_K rows (`src_row_bytes` apart) into `dst` (rows / 8 * n / 256 * 1184 bytes).
void thinkstream_repack_q4_K_x8(const void *src, size_t src_row_bytes, int64_t rows, int64_t n, void *dst);
/// Rebuilds rows [row_begin, row_end) of a repacked matrix as plain q4_K rows in `dst`, bit for bit.
void thinkstream_unpack_q4_K_x8_rows(const void *src, int64_t n, int64_t row_begin, int64_t row_end, void *dst);
/// Dequantizes rows [row_begin, row_end) of a repacked matrix into `y` (row-major, n floats per row).
void thinkstream_dequantize_q4_K_x8_rows(const void *src, int64_t n, int64_t row_begin, int64_t row_end, float *y);
/// The same for q6_K (thinkstream_block_q6_K_x8, 1680 bytes per group block).
void thinkstream_repack_q6_K_x8(const void *src, size_t src_row_bytes, int64_t rows, int64_t n, void *dst);
void thinkstream_unpack_q6_K_x8_rows(const void *src, int64_t n, int64_t row_begin, int64_t row_end, void *dst);
void thinkstream_dequantize_q6_K_x8_rows(const void *src, int64_t n, int64_t row_begin, int64_t row_end, float *y);
int thinkstream_mul_mat_q6_K_x8(int64_t n, const void *w, int64_t row_begin, int64_t row_end, const void *a,
                                size_t a_row_bytes, int64_t batch, float *out, int64_t out_stride);
/// out[c * out_stride + r] = W[r] . A[c] for r in [row_begin, row_end) (multiples of 8) of a repacked matrix and
/// `batch` q8_K activation rows `a_row_bytes` apart. Returns 0, or -1 for unaligned rows or n.
int thinkstream_mul_mat_q4_K_x8(int64_t n, const void *w, int64_t row_begin, int64_t row_end, const void *a,
                                size_t a_row_bytes, int64_t batch, float *out, int64_t out_stride);

// Attention of one head. `keys` and `values` hold a sequence's cached F16 rows (`hd` values each, position j
// at j * hd); a query row at position p sees keys max(0, p - window + 1)...p (window 0: all of 0...p).

/// Prefill (many query rows, ggml's tiled F32 flash attention): for query row t at position first_position + t,
/// out[t] = softmax(scale * q[t] . K^T) V with the full softmax in F32. `scores` holds at least the longest span.
void thinkstream_attend_rows_f32(const float *q, int64_t q_stride, int64_t rows, int64_t first_position,
                                 int64_t window, const uint16_t *keys, const uint16_t *values, int64_t hd, float scale,
                                 float *scores, float *out, int64_t out_stride);

/// Decode (ggml's one-row flash attention with an F16 cache): Q rounded to F16, online softmax over keys
/// lo...hi, the V accumulator rounded to F16 after every scale and add. `scratch` holds hd + 2 * (hi - lo + 1)
/// floats.
void thinkstream_attend_row_half(const float *q, int64_t lo, int64_t hi, const uint16_t *keys, const uint16_t *values,
                                 int64_t hd, float scale, float *scratch, float *out);

#ifdef __cplusplus
}
#endif
#endif
