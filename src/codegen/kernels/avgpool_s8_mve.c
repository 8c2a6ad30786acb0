/* AVERAGE_POOL_2D int8 for Helium: window sums in 32-bit lanes, 4 channels per vector, then
 * the same rounding division as the portable kernel, per channel (MVE has no vector divide).
 * Global pooling over at most 255 pixels (as DS-CNN's last pool) sums 32 channels at a time in
 * four int16x8 vectors (|sum| <= 128 * 255 fits int16): one widening load and one add per 8
 * channels and pixel. Scratch: 4 * c bytes (the sums). */
#include "pool_s8.h"
#if !defined(__ARM_FEATURE_MVE)
#error "avgpool_s8_mve.c needs Helium (MVE), e.g. -mcpu=cortex-m55"
#endif
#include <arm_mve.h>

static void sums16(const int8_t *in, int32_t n, int32_t c, int32_t *sum) {
  for (int32_t c0 = 0; c0 < c; c0 += 32) {
    const int8_t *s = in + c0;
    int16x8_t a0 = vdupq_n_s16(0), a1 = a0, a2 = a0, a3 = a0;
    const mve_pred16_t p0 = vctp16q((uint32_t)(c - c0)), p1 = vctp16q((uint32_t)(c - c0 - 8));
    const mve_pred16_t p2 = vctp16q((uint32_t)(c - c0 - 16)), p3 = vctp16q((uint32_t)(c - c0 - 24));
    if (c - c0 >= 32) {
      for (int32_t i = 0; i < n; i++, s += c) {
        a0 = vaddq_s16(a0, vldrbq_s16(s));
        a1 = vaddq_s16(a1, vldrbq_s16(s + 8));
        a2 = vaddq_s16(a2, vldrbq_s16(s + 16));
        a3 = vaddq_s16(a3, vldrbq_s16(s + 24));
      }
    } else {
      for (int32_t i = 0; i < n; i++, s += c) {
        a0 = vaddq_s16(a0, vldrbq_z_s16(s, p0));
        a1 = vaddq_s16(a1, vldrbq_z_s16(s + 8, p1));
        a2 = vaddq_s16(a2, vldrbq_z_s16(s + 16, p2));
        a3 = vaddq_s16(a3, vldrbq_z_s16(s + 24, p3));
      }
    }
    int16_t t[32];
    vst1q_s16(t, a0);
    vst1q_s16(t + 8, a1);
    vst1q_s16(t + 16, a2);
    vst1q_s16(t + 24, a3);
    for (int32_t i = 0; i < 32 && c0 + i < c; i += 4) vstrwq_s32(sum + c0 + i, vldrhq_s32(t + i));
  }
}

void ef_avgpool_s8_mve(const ef_pool_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
  int32_t *sum = (int32_t *)scratch;
  if (p->out_h == 1 && p->out_w == 1 && p->pad_h == 0 && p->pad_w == 0 && p->k_h == p->in_h && p->k_w == p->in_w && p->in_h * p->in_w <= 255) {
    const int32_t n = p->in_h * p->in_w;
    for (int32_t b = 0; b < p->batches; b++) {
      sums16(in + b * n * p->c, n, p->c, sum);
      for (int32_t c = 0; c < p->c; c++) {
        int32_t acc = sum[c];
        acc = acc > 0 ? (acc + n / 2) / n : (acc - n / 2) / n;
        out[b * p->c + c] = (int8_t)ef_clamp(acc, p->act_min, p->act_max);
      }
    }
    return;
  }
  for (int32_t b = 0; b < p->batches; b++)
    for (int32_t oy = 0; oy < p->out_h; oy++)
      for (int32_t ox = 0; ox < p->out_w; ox++) {
        EF_POOL_WINDOW(p, oy, ox);
        const int32_t count = (fy1 - fy0) * (fx1 - fx0);
        for (int32_t c = 0; c < p->c; c += 4) {
          const mve_pred16_t pr = vctp32q((uint32_t)(p->c - c));
          int32x4_t acc = vdupq_n_s32(0);
          for (int32_t fy = fy0; fy < fy1; fy++) {
            const int8_t *row = in + ((b * p->in_h + iy0 + fy) * p->in_w + ix0) * p->c + c;
            for (int32_t fx = fx0; fx < fx1; fx++) acc = vaddq_s32(acc, vldrbq_z_s32(row + fx * p->c, pr));
          }
          vstrwq_p_s32(sum + c, acc, pr);
        }
        int8_t *o = out + ((b * p->out_h + oy) * p->out_w + ox) * p->c;
        for (int32_t c = 0; c < p->c; c++) {
          int32_t acc = sum[c];
          if (count > 0) acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
          o[c] = (int8_t)ef_clamp(acc, p->act_min, p->act_max);
        }
      }
}
