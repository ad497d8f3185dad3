// Row dequantization, as ggml-quants.c's dequantize_row_* (plain C; the compiler vectorizes it). Built with
// -ffp-contract=off so `d * q - m` is not fused and results equal the Swift reference bit for bit.
#include "CThinkStreamShims.h"
#include "thinkstream_simd.h"

static void ts_dequantize_q4_0(const thinkstream_block_q4_0 *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, y += 32) {
        const float d = ts_fp16_to_fp32(x[i].d);
        for (int j = 0; j < 16; j++) {
            y[j] = ((x[i].qs[j] & 0xF) - 8) * d;
            y[j + 16] = ((x[i].qs[j] >> 4) - 8) * d;
        }
    }
}

static void ts_dequantize_q4_1(const thinkstream_block_q4_1 *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, y += 32) {
        const float d = ts_fp16_to_fp32(x[i].d), m = ts_fp16_to_fp32(x[i].m);
        for (int j = 0; j < 16; j++) {
            y[j] = (x[i].qs[j] & 0xF) * d + m;
            y[j + 16] = (x[i].qs[j] >> 4) * d + m;
        }
    }
}

static void ts_dequantize_q5(const uint8_t *block, int has_min, float *y) {
    const uint16_t *halves = (const uint16_t *)block;
    const float d = ts_fp16_to_fp32(halves[0]), m = has_min ? ts_fp16_to_fp32(halves[1]) : 0.0f;
    const uint8_t *qh_bytes = block + (has_min ? 4 : 2), *qs = qh_bytes + 4;
    uint32_t qh;
    memcpy(&qh, qh_bytes, 4);
    for (int j = 0; j < 16; j++) {
        const int x0 = (qs[j] & 0xF) | (((qh >> j) << 4) & 0x10);
        const int x1 = (qs[j] >> 4) | ((qh >> (j + 12)) & 0x10);
        if (has_min) {
            y[j] = x0 * d + m;
            y[j + 16] = x1 * d + m;
        } else {
            y[j] = (x0 - 16) * d;
            y[j + 16] = (x1 - 16) * d;
        }
    }
}

static void ts_dequantize_q8_0(const thinkstream_block_q8_0 *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, y += 32) {
        const float d = ts_fp16_to_fp32(x[i].d);
        for (int j = 0; j < 32; j++) y[j] = x[i].qs[j] * d;
    }
}

static inline void ts_scale_min_k4(int j, const uint8_t *q, uint8_t *d, uint8_t *m) {
    if (j < 4) {
        *d = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *d = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        *m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

// q4_K (qh == NULL) and q5_K.
static void ts_dequantize_k45(const uint16_t *dd, const uint8_t *scales, const uint8_t *qh, const uint8_t *qs,
                              float *y) {
    const float d = ts_fp16_to_fp32(dd[0]), dmin = ts_fp16_to_fp32(dd[1]);
    for (int group = 0; group < 4; group++, y += 64, qs += 32) {
        uint8_t sc, mn;
        ts_scale_min_k4(2 * group, scales, &sc, &mn);
        const float d1 = d * sc, m1 = dmin * mn;
        ts_scale_min_k4(2 * group + 1, scales, &sc, &mn);
        const float d2 = d * sc, m2 = dmin * mn;
        for (int l = 0; l < 32; l++) {
            const int high0 = qh && (qh[l] & (1 << (2 * group))) ? 16 : 0;
            const int high1 = qh && (qh[l] & (2 << (2 * group))) ? 16 : 0;
            y[l] = d1 * ((qs[l] & 0xF) + high0) - m1;
            y[l + 32] = d2 * ((qs[l] >> 4) + high1) - m2;
        }
    }
}

static void ts_dequantize_q6_K(const thinkstream_block_q6_K *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++) {
        const float d = ts_fp16_to_fp32(x[i].d);
        const uint8_t *ql = x[i].ql, *qh = x[i].qh;
        const int8_t *sc = x[i].scales;
        for (int n = 0; n < 2; n++, y += 128, ql += 64, qh += 32, sc += 8) {
            for (int l = 0; l < 32; l++) {
                const int is = l / 16;
                const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[l] = d * sc[is + 0] * q1;
                y[l + 32] = d * sc[is + 2] * q2;
                y[l + 64] = d * sc[is + 4] * q3;
                y[l + 96] = d * sc[is + 6] * q4;
            }
        }
    }
}

int thinkstream_dequantize_row(int32_t type, const void *x, float *y, int64_t k) {
    switch (type) {
    case 0: memcpy(y, x, (size_t)k * sizeof(float)); return 0;
    case 1: thinkstream_fp16_to_fp32_row(x, y, k); return 0;
    case 30: thinkstream_bf16_to_fp32_row(x, y, k); return 0;
    case 2: ts_dequantize_q4_0(x, y, k / 32); return 0;
    case 3: ts_dequantize_q4_1(x, y, k / 32); return 0;
    case 6:
        for (int64_t i = 0; i < k / 32; i++) ts_dequantize_q5((const uint8_t *)x + 22 * i, 0, y + 32 * i);
        return 0;
    case 7:
        for (int64_t i = 0; i < k / 32; i++) ts_dequantize_q5((const uint8_t *)x + 24 * i, 1, y + 32 * i);
        return 0;
    case 8: ts_dequantize_q8_0(x, y, k / 32); return 0;
    case 12:
        for (int64_t i = 0; i < k / 256; i++) {
            const thinkstream_block_q4_K *b = (const thinkstream_block_q4_K *)x + i;
            ts_dequantize_k45(&b->d, b->scales, NULL, b->qs, y + 256 * i);
        }
        return 0;
    case 13:
        for (int64_t i = 0; i < k / 256; i++) {
            const thinkstream_block_q5_K *b = (const thinkstream_block_q5_K *)x + i;
            ts_dequantize_k45(&b->d, b->scales, b->qh, b->qs, y + 256 * i);
        }
        return 0;
    case 14: ts_dequantize_q6_K(x, y, k / 256); return 0;
    default: return -1;
    }
}
