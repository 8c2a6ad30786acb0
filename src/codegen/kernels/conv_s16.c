/* Portable 16x8 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED (see conv_s16.h). */
#include "conv_s16.h"

void ef_conv_s16(const ef_conv_s16_params *p, const int16_t *in, int16_t *out) {
  const int32_t per_group = p->out_c / (p->in_c / p->k_c);
  for (int32_t b = 0; b < p->batches; b++)
    for (int32_t oy = 0; oy < p->out_h; oy++)
      for (int32_t ox = 0; ox < p->out_w; ox++) {
        const int32_t iy0 = oy * p->stride_h - p->pad_h, ix0 = ox * p->stride_w - p->pad_w;
        for (int32_t oc = 0; oc < p->out_c; oc++) {
          const int32_t ic0 = (oc / per_group) * p->k_c;
          int64_t acc = 0;
          for (int32_t ky = 0; ky < p->k_h; ky++) {
            const int32_t iy = iy0 + ky * p->dil_h;
            if (iy < 0 || iy >= p->in_h) continue;
            for (int32_t kx = 0; kx < p->k_w; kx++) {
              const int32_t ix = ix0 + kx * p->dil_w;
              if (ix < 0 || ix >= p->in_w) continue;
              const int16_t *x = in + ((b * p->in_h + iy) * p->in_w + ix) * p->in_c + ic0;
              const int8_t *w = p->filter + ((oc * p->k_h + ky) * p->k_w + kx) * p->k_c;
              for (int32_t c = 0; c < p->k_c; c++) acc += (int32_t)w[c] * x[c];
            }
          }
          *out++ = ef_finish_s16(p, acc, oc);
        }
      }
}

void ef_dwconv_s16(const ef_conv_s16_params *p, const int16_t *in, int16_t *out) {
  for (int32_t b = 0; b < p->batches; b++)
    for (int32_t oy = 0; oy < p->out_h; oy++)
      for (int32_t ox = 0; ox < p->out_w; ox++) {
        const int32_t iy0 = oy * p->stride_h - p->pad_h, ix0 = ox * p->stride_w - p->pad_w;
        for (int32_t ic = 0; ic < p->in_c; ic++)
          for (int32_t m = 0; m < p->depth_mult; m++) {
            const int32_t oc = ic * p->depth_mult + m;
            int64_t acc = 0;
            for (int32_t ky = 0; ky < p->k_h; ky++) {
              const int32_t iy = iy0 + ky * p->dil_h;
              if (iy < 0 || iy >= p->in_h) continue;
              for (int32_t kx = 0; kx < p->k_w; kx++) {
                const int32_t ix = ix0 + kx * p->dil_w;
                if (ix < 0 || ix >= p->in_w) continue;
                acc += (int32_t)p->filter[(ky * p->k_w + kx) * p->out_c + oc] * in[((b * p->in_h + iy) * p->in_w + ix) * p->in_c + ic];
              }
            }
            *out++ = ef_finish_s16(p, acc, oc);
          }
      }
}

void ef_fc_s16(const ef_conv_s16_params *p, const int16_t *in, int16_t *out) {
  for (int32_t b = 0; b < p->batches; b++, in += p->in_c)
    for (int32_t oc = 0; oc < p->out_c; oc++) {
      const int8_t *w = p->filter + oc * p->in_c;
      int64_t acc = 0;
      for (int32_t k = 0; k < p->in_c; k++) acc += (int32_t)(w[k] + p->filter_offset) * in[k];
      *out++ = ef_finish_s16(p, acc, oc);
    }
}
