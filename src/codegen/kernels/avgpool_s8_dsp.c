/*
 * AVERAGE_POOL_2D for the Arm DSP extension: four channels per word, SXTAB16 adds bytes 0/2
 * and 1/3 into 16-bit lanes (a window chunk of at most 256 taps cannot overflow them:
 * 256 * -128 = -32768), chunks are widened into 32-bit sums; then TFLM's division rounding
 * half away from zero by the number of valid taps. Channels beyond a multiple of 4 are summed
 * one by one.
 */
#include "avgpool_s8_dsp.h"
#if !defined(__ARM_FEATURE_DSP)
#error "avgpool_s8_dsp.c needs the Arm DSP extension (Cortex-M4/M7/M33)"
#endif
#include <arm_acle.h>

EF_INLINE uint32_t sxtab16_ror8(uint32_t acc, uint32_t x) {
  uint32_t r;
  __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(acc), "r"(x));
  return r;
}

EF_INLINE int8_t avg(int32_t acc, int32_t count, int32_t lo, int32_t hi) {
  if (count > 0) acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
  return (int8_t)ef_clamp(acc, lo, hi);
}

/* Sums of channels c..c+3 over rows x nx taps (row stride W*C); `big`: more than 256 taps. */
EF_INLINE void sum4(const int8_t *s, int32_t rows, int32_t nx, int32_t C, int32_t W, int32_t out[4], const int big) {
  int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0, n = 0;
  uint32_t a02 = 0, a13 = 0;
  for (int32_t fy = 0; fy < rows; fy++, s += W * C) {
    const int8_t *q = s;
    for (int32_t fx = 0; fx < nx; fx++, q += C) {
      uint32_t x;
      __builtin_memcpy(&x, q, 4);
      a02 = __sxtab16(a02, x);
      a13 = sxtab16_ror8(a13, x);
      if (big && ++n == 256) { /* widen before the 16-bit lanes could overflow */
        s0 += (int16_t)a02, s2 += (int32_t)a02 >> 16, s1 += (int16_t)a13, s3 += (int32_t)a13 >> 16;
        a02 = a13 = 0;
        n = 0;
      }
    }
  }
  out[0] = s0 + (int16_t)a02;
  out[2] = s2 + ((int32_t)a02 >> 16);
  out[1] = s1 + (int16_t)a13;
  out[3] = s3 + ((int32_t)a13 >> 16);
}

void ef_avgpool_s8_dsp(const ef_pool_s8_params *p, const int8_t *in, int8_t *out) {
  const int32_t C = p->c, C4 = C & ~3, W = p->in_w;
  for (int32_t b = 0; b < p->batches; b++)
    for (int32_t oy = 0; oy < p->out_h; oy++)
      for (int32_t ox = 0; ox < p->out_w; ox++) {
        EF_POOL_WINDOW(p, oy, ox);
        const int32_t count = (fy1 - fy0) * (fx1 - fx0), nx = fx1 - fx0, ny = fy1 - fy0;
        const int8_t *base = in + ((b * p->in_h + iy0 + fy0) * W + ix0 + fx0) * C;
        int8_t *o = out + ((b * p->out_h + oy) * p->out_w + ox) * C;
        for (int32_t c = 0; c < C4; c += 4) {
          int32_t s[4];
          if (count > 256) sum4(base + c, ny, nx, C, W, s, 1);
          else sum4(base + c, ny, nx, C, W, s, 0);
          for (int32_t j = 0; j < 4; j++) o[c + j] = avg(s[j], count, p->act_min, p->act_max);
        }
        for (int32_t c = C4; c < C; c++) {
          int32_t acc = 0;
          for (int32_t fy = 0; fy < ny; fy++)
            for (int32_t fx = 0; fx < nx; fx++) acc += base[(fy * W + fx) * C + c];
          o[c] = avg(acc, count, p->act_min, p->act_max);
        }
      }
}
