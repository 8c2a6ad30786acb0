/* AVERAGE_POOL_2D and MAX_POOL_2D with int16 activations (TFLM's 16x8 mode): as the int8
 * kernels, on int16 codes. */
#include "pool_s8.h"

void ef_avgpool_s16(const ef_pool_s8_params *p, const int16_t *in, int16_t *out) {
  for (int32_t b = 0; b < p->batches; b++)
    for (int32_t oy = 0; oy < p->out_h; oy++)
      for (int32_t ox = 0; ox < p->out_w; ox++) {
        EF_POOL_WINDOW(p, oy, ox);
        const int32_t count = (fy1 - fy0) * (fx1 - fx0);
        for (int32_t ch = 0; ch < p->c; ch++) {
          int32_t acc = 0;
          for (int32_t fy = fy0; fy < fy1; fy++)
            for (int32_t fx = fx0; fx < fx1; fx++) acc += in[((b * p->in_h + iy0 + fy) * p->in_w + ix0 + fx) * p->c + ch];
          if (count > 0) acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
          out[((b * p->out_h + oy) * p->out_w + ox) * p->c + ch] = (int16_t)ef_clamp(acc, p->act_min, p->act_max);
        }
      }
}

void ef_maxpool_s16(const ef_pool_s8_params *p, const int16_t *in, int16_t *out) {
  for (int32_t b = 0; b < p->batches; b++)
    for (int32_t oy = 0; oy < p->out_h; oy++)
      for (int32_t ox = 0; ox < p->out_w; ox++) {
        EF_POOL_WINDOW(p, oy, ox);
        for (int32_t ch = 0; ch < p->c; ch++) {
          int32_t m = -32768;
          for (int32_t fy = fy0; fy < fy1; fy++)
            for (int32_t fx = fx0; fx < fx1; fx++) {
              const int32_t v = in[((b * p->in_h + iy0 + fy) * p->in_w + ix0 + fx) * p->c + ch];
              if (v > m) m = v;
            }
          out[((b * p->out_h + oy) * p->out_w + ox) * p->c + ch] = (int16_t)ef_clamp(m, p->act_min, p->act_max);
        }
      }
}
