// Dot products of K-quant weights (q4_K, q5_K, q6_K) with q8_K activations, after ggml's arch/x86/quants.c.
#include "CThinkStreamShims.h"
#include "thinkstream_kernels.h"

// Unpacks the 12 q4_K/q5_K scale bytes into scales[0..7] (bytes 0-7) and mins[0..7] (bytes 8-15).
static inline void ts_unpack_scales_k4(const uint8_t *packed, uint32_t utmp[4]) {
    const uint32_t kmask1 = 0x3f3f3f3f, kmask2 = 0x0f0f0f0f, kmask3 = 0x03030303;
    memcpy(utmp, packed, 12);
    utmp[3] = ((utmp[2] >> 4) & kmask2) | (((utmp[1] >> 6) & kmask3) << 4);
    const uint32_t uaux = utmp[1] & kmask1;
    utmp[1] = (utmp[2] & kmask2) | (((utmp[0] >> 6) & kmask3) << 4);
    utmp[2] = uaux;
    utmp[0] &= kmask1;
}

#if defined(__AVX2__)
// Broadcasts int16 lane i of a 16-lane vector to every lane (ggml's get_scale_shuffle_k4).
static inline __m256i ts_scale_shuffle_k4(int i) {
    return _mm256_set1_epi16((short)((2 * i) | ((2 * i + 1) << 8)));
}

// Bytes 2i (eight times) then 2i+1 (eight times): ggml's get_scale_shuffle for q6_K.
static inline __m128i ts_scale_shuffle_q6(int i) {
    return _mm_set_epi64x(0x0101010101010101LL * (2 * i + 1), 0x0101010101010101LL * (2 * i));
}

// The int32 lanes of sum over 64 weights of scale * q * q8 (two 32-element sub-blocks).
static inline __m256i ts_scaled_pair_sum(__m256i scales, int j, __m256i q_low, __m256i q_high, const int8_t *q8) {
    const __m256i scale_l = _mm256_shuffle_epi8(scales, ts_scale_shuffle_k4(2 * j));
    const __m256i scale_h = _mm256_shuffle_epi8(scales, ts_scale_shuffle_k4(2 * j + 1));
    const __m256i p16l =
        _mm256_madd_epi16(scale_l, _mm256_maddubs_epi16(q_low, _mm256_loadu_si256((const __m256i *)q8)));
    const __m256i p16h =
        _mm256_madd_epi16(scale_h, _mm256_maddubs_epi16(q_high, _mm256_loadu_si256((const __m256i *)(q8 + 32))));
    return _mm256_add_epi32(p16l, p16h);
}

// The q4_K/q5_K minimum correction: the eight 6-bit mins (high half of mins_and_scales) times the Q8_K bsums
// summed in pairs; returns the int32 products (4 lanes).
static inline __m128i ts_mins_times_bsums(__m256i mins_and_scales, const int16_t *bsums) {
    const __m256i q8sums = _mm256_loadu_si256((const __m256i *)bsums);
    const __m128i q8s = _mm_hadd_epi16(_mm256_castsi256_si128(q8sums), _mm256_extracti128_si256(q8sums, 1));
    return _mm_madd_epi16(_mm256_extracti128_si256(mins_and_scales, 1), q8s);
}

static inline __m256i ts_mins_and_scales(const uint8_t *packed) {
    uint32_t utmp[4];
    ts_unpack_scales_k4(packed, utmp);
    return _mm256_cvtepu8_epi16(_mm_set_epi32((int)utmp[3], (int)utmp[2], (int)utmp[1], (int)utmp[0]));
}

static inline void ts_step_q4_K(ts_dot_state *s, const void *vx, const void *vy, int64_t i) {
    const thinkstream_block_q4_K *x = (const thinkstream_block_q4_K *)vx + i;
    const thinkstream_block_q8_K *y = (const thinkstream_block_q8_K *)vy + i;
    const __m256i m4 = _mm256_set1_epi8(0xF);
    const float d = y->d * ts_fp16_to_fp32(x->d);
    const float dmin = -y->d * ts_fp16_to_fp32(x->dmin);
    const __m256i mins_and_scales = ts_mins_and_scales(x->scales);
    const __m128i prod = ts_mins_times_bsums(mins_and_scales, y->bsums);
    s->acc_m = _mm_fmadd_ps(_mm_set1_ps(dmin), _mm_cvtepi32_ps(prod), s->acc_m);
    const __m128i sc128 = _mm256_castsi256_si128(mins_and_scales);
    const __m256i scales = TS_SET_M128I(sc128, sc128);
    __m256i sumi = _mm256_setzero_si256();
    for (int j = 0; j < 4; j++) {
        const __m256i q4bits = _mm256_loadu_si256((const __m256i *)(x->qs + 32 * j));
        const __m256i q4l = _mm256_and_si256(q4bits, m4);
        const __m256i q4h = _mm256_and_si256(_mm256_srli_epi16(q4bits, 4), m4);
        sumi = _mm256_add_epi32(sumi, ts_scaled_pair_sum(scales, j, q4l, q4h, y->qs + 64 * j));
    }
    s->acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), s->acc);
}

static inline float ts_finish_q4_K(const ts_dot_state *s) {
    __m128 acc_m = _mm_add_ps(s->acc_m, _mm_movehl_ps(s->acc_m, s->acc_m));
    acc_m = _mm_add_ss(acc_m, _mm_movehdup_ps(acc_m));
    return ts_hsum_float_8(s->acc) + _mm_cvtss_f32(acc_m);
}

static inline void ts_step_q5_K(ts_dot_state *s, const void *vx, const void *vy, int64_t i) {
    const thinkstream_block_q5_K *x = (const thinkstream_block_q5_K *)vx + i;
    const thinkstream_block_q8_K *y = (const thinkstream_block_q8_K *)vy + i;
    const __m256i m4 = _mm256_set1_epi8(0xF), sixteen = _mm256_set1_epi8(16);
    const float d = y->d * ts_fp16_to_fp32(x->d);
    const float dmin = -y->d * ts_fp16_to_fp32(x->dmin);
    const __m256i mins_and_scales = ts_mins_and_scales(x->scales);
    const __m128i prod = ts_mins_times_bsums(mins_and_scales, y->bsums);
    const __m128i zero = _mm_setzero_si128();
    const __m128i hsum = _mm_hadd_epi32(_mm_hadd_epi32(prod, zero), zero);
    s->summs += dmin * _mm_extract_epi32(hsum, 0);
    const __m128i sc128 = _mm256_castsi256_si128(mins_and_scales);
    const __m256i scales = TS_SET_M128I(sc128, sc128);
    const __m256i hbits = _mm256_loadu_si256((const __m256i *)x->qh);
    __m256i sumi = _mm256_setzero_si256();
    for (int j = 0; j < 4; j++) {
        const __m256i q5bits = _mm256_loadu_si256((const __m256i *)(x->qs + 32 * j));
        const __m256i mask_l = _mm256_set1_epi8((char)(1 << (2 * j))), mask_h = _mm256_set1_epi8((char)(2 << (2 * j)));
        const __m256i high_l = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(hbits, mask_l), mask_l), sixteen);
        const __m256i high_h = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(hbits, mask_h), mask_h), sixteen);
        const __m256i q5l = _mm256_add_epi8(_mm256_and_si256(q5bits, m4), high_l);
        const __m256i q5h = _mm256_add_epi8(_mm256_and_si256(_mm256_srli_epi16(q5bits, 4), m4), high_h);
        sumi = _mm256_add_epi32(sumi, ts_scaled_pair_sum(scales, j, q5l, q5h, y->qs + 64 * j));
    }
    s->acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), s->acc);
}

static inline void ts_step_q6_K(ts_dot_state *s, const void *vx, const void *vy, int64_t i) {
    const thinkstream_block_q6_K *x = (const thinkstream_block_q6_K *)vx + i;
    const thinkstream_block_q8_K *y = (const thinkstream_block_q8_K *)vy + i;
    const __m256i m4 = _mm256_set1_epi8(0xF), m2 = _mm256_set1_epi8(3), m32s = _mm256_set1_epi8(32);
    const float d = y->d * ts_fp16_to_fp32(x->d);
    const uint8_t *ql = x->ql, *qh = x->qh;
    const int8_t *q8 = y->qs;
    const __m128i scales = _mm_loadu_si128((const __m128i *)x->scales);
    __m256i sumi = _mm256_setzero_si256();
    for (int j = 0, is = 0; j < 2; j++, is += 4, ql += 64, qh += 32, q8 += 128) {
        const __m256i bits1 = _mm256_loadu_si256((const __m256i *)ql);
        const __m256i bits2 = _mm256_loadu_si256((const __m256i *)(ql + 32));
        const __m256i bitsH = _mm256_loadu_si256((const __m256i *)qh);
        __m256i q[4];
        q[0] = _mm256_or_si256(_mm256_and_si256(bits1, m4), _mm256_slli_epi16(_mm256_and_si256(bitsH, m2), 4));
        q[1] = _mm256_or_si256(_mm256_and_si256(bits2, m4),
                               _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(bitsH, 2), m2), 4));
        q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(bits1, 4), m4),
                               _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(bitsH, 4), m2), 4));
        q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(bits2, 4), m4),
                               _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(bitsH, 6), m2), 4));
        for (int k = 0; k < 4; k++) {
            const __m256i q8k = _mm256_loadu_si256((const __m256i *)(q8 + 32 * k));
            const __m256i p16 = _mm256_sub_epi16(_mm256_maddubs_epi16(q[k], q8k), _mm256_maddubs_epi16(m32s, q8k));
            const __m256i scale = _mm256_cvtepi8_epi16(_mm_shuffle_epi8(scales, ts_scale_shuffle_q6(is + k)));
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(scale, p16));
        }
    }
    s->acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), s->acc);
}

static inline float ts_finish_acc(const ts_dot_state *s) { return ts_hsum_float_8(s->acc); }
static inline float ts_finish_acc_summs(const ts_dot_state *s) { return ts_hsum_float_8(s->acc) + s->summs; }

TS_DEFINE_VEC_DOT(q4_K_q8_K, 256, 144, ts_step_q4_K, ts_finish_q4_K)
TS_DEFINE_VEC_DOT(q5_K_q8_K, 256, 176, ts_step_q5_K, ts_finish_acc_summs)
TS_DEFINE_VEC_DOT(q6_K_q8_K, 256, 210, ts_step_q6_K, ts_finish_acc)
TS_DEFINE_MUL_MAT_X4X2(q4_K_q8_K, 256, 144, ts_step_q4_K, ts_finish_q4_K)
TS_DEFINE_MUL_MAT_X4X2(q5_K_q8_K, 256, 176, ts_step_q5_K, ts_finish_acc_summs)
TS_DEFINE_MUL_MAT_X4X2(q6_K_q8_K, 256, 210, ts_step_q6_K, ts_finish_acc)
#else
float thinkstream_vec_dot_q4_K_q8_K(int64_t n, const void *vx, const void *vy) {
    const thinkstream_block_q4_K *x = vx;
    const thinkstream_block_q8_K *y = vy;
    const int64_t nb = n / 256;
    uint32_t utmp[4];
    float sumf = 0;
    for (int64_t i = 0; i < nb; i++) {
        ts_unpack_scales_k4(x[i].scales, utmp);
        const uint8_t *scales = (const uint8_t *)utmp, *mins = scales + 8;
        int sumi = 0, summ = 0;
        for (int j = 0; j < 16; j++) summ += y[i].bsums[j] * mins[j / 2];
        for (int e = 0; e < 256; e++) {
            const uint8_t packed = x[i].qs[32 * (e / 64) + e % 32];
            const int q = (e % 64) < 32 ? (packed & 0xF) : (packed >> 4);
            sumi += scales[e / 32] * q * y[i].qs[e];
        }
        sumf += y[i].d * ts_fp16_to_fp32(x[i].d) * sumi - y[i].d * ts_fp16_to_fp32(x[i].dmin) * summ;
    }
    return sumf;
}

float thinkstream_vec_dot_q5_K_q8_K(int64_t n, const void *vx, const void *vy) {
    const thinkstream_block_q5_K *x = vx;
    const thinkstream_block_q8_K *y = vy;
    const int64_t nb = n / 256;
    uint32_t utmp[4];
    float sumf = 0;
    for (int64_t i = 0; i < nb; i++) {
        ts_unpack_scales_k4(x[i].scales, utmp);
        const uint8_t *scales = (const uint8_t *)utmp, *mins = scales + 8;
        int sumi = 0, summ = 0;
        for (int j = 0; j < 16; j++) summ += y[i].bsums[j] * mins[j / 2];
        for (int e = 0; e < 256; e++) {
            const int group = e / 64, upper = (e % 64) >= 32, l = e % 32;
            const uint8_t packed = x[i].qs[32 * group + l];
            int q = upper ? (packed >> 4) : (packed & 0xF);
            if (x[i].qh[l] & (1 << (2 * group + upper))) q += 16;
            sumi += scales[e / 32] * q * y[i].qs[e];
        }
        sumf += y[i].d * ts_fp16_to_fp32(x[i].d) * sumi - y[i].d * ts_fp16_to_fp32(x[i].dmin) * summ;
    }
    return sumf;
}

float thinkstream_vec_dot_q6_K_q8_K(int64_t n, const void *vx, const void *vy) {
    const thinkstream_block_q6_K *x = vx;
    const thinkstream_block_q8_K *y = vy;
    const int64_t nb = n / 256;
    float sumf = 0;
    for (int64_t i = 0; i < nb; i++) {
        int sumi = 0;
        for (int e = 0; e < 256; e++) {
            const int half = e / 128, r = e % 128, quarter = r / 32, l = r % 32;
            const uint8_t low = x[i].ql[64 * half + l + (quarter & 1) * 32];
            const int nibble = quarter < 2 ? (low & 0xF) : (low >> 4);
            const int q = (nibble | (((x[i].qh[32 * half + l] >> (2 * quarter)) & 3) << 4)) - 32;
            sumi += x[i].scales[e / 16] * q * y[i].qs[e];
        }
        sumf += y[i].d * ts_fp16_to_fp32(x[i].d) * sumi;
    }
    return sumf;
}

TS_DEFINE_VEC_DOT_X4_FALLBACK(q4_K_q8_K)
TS_DEFINE_VEC_DOT_X4_FALLBACK(q5_K_q8_K)
TS_DEFINE_VEC_DOT_X4_FALLBACK(q6_K_q8_K)
#endif
