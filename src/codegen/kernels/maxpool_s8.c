/* MAX_POOL_2D, int8 (TFLM reference_integer_ops::MaxPool). Channels innermost: each output
 * pixel's C maxima start from the window's first tap and take the other taps in whole channel
 * runs, 16 per VMAX.S8 on Helium, 4 per SSUB8/SEL on the DSP extension, else one at a time. */
#include "pool_s8.h"
#if defined(__ARM_FEATURE_MVE)
#include <arm_mve.h>
#elif defined(__ARM_FEATURE_DSP)
#include <arm_acle.h>
#endif

static void max_run(int8_t *acc, const int8_t *x, int32_t c) {
#if defined(__ARM_FEATURE_MVE)
  for (; c > 0; c -= 16, acc += 16, x += 16) {
    const mve_pred16_t p = vctp8q((uint32_t)c);
    vstrbq_p_s8(acc, vmaxq_s8(vldrbq_z_s8(acc, p), vldrbq_z_s8(x, p)), p);
  }
#elif defined(__ARM_FEATURE_DSP)
  for (; c >= 4; c -= 4, acc += 4, x += 4) {
    uint32_t a, b;
    __builtin_memcpy(&a, acc, 4);
    __builtin_memcpy(&b, x, 4);
    (void)__ssub8(a, b); /* GE flags per byte: a >= b */
    a = __sel(a, b);
    __builtin_memcpy(acc, &a, 4);
  }
  for (; c > 0; c--, acc++, x++) if (*x > *acc) *acc = *x;
#else
  for (; c > 0; c--, acc++, x++) if (*x > *acc) *acc = *x;
#endif
}

void ef_maxpool_s8(const ef_pool_s8_params *p, const int8_t *in, int8_t *out) {
  const int32_t c = p->c;
  for (int32_t b = 0; b < p->batches; b++)
    for (int32_t oy = 0; oy < p->out_h; oy++)
      for (int32_t ox = 0; ox < p->out_w; ox++) {
        EF_POOL_WINDOW(p, oy, ox);
        int8_t *o = out + ((b * p->out_h + oy) * p->out_w + ox) * c;
        int first = 1;
        for (int32_t fy = fy0; fy < fy1; fy++)
          for (int32_t fx = fx0; fx < fx1; fx++) {
            const int8_t *x = in + ((b * p->in_h + iy0 + fy) * p->in_w + ix0 + fx) * c;
            if (first) {
              for (int32_t ch = 0; ch < c; ch++) o[ch] = x[ch];
              first = 0;
            } else {
              max_run(o, x, c);
            }
          }
        if (first) for (int32_t ch = 0; ch < c; ch++) o[ch] = -128; /* empty window (TFLM: lowest) */
        if (p->act_min > -128 || p->act_max < 127)
          for (int32_t ch = 0; ch < c; ch++) o[ch] = (int8_t)ef_clamp(o[ch], p->act_min, p->act_max);
      }
}
