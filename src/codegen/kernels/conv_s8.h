/* CONV_2D and DEPTHWISE_CONV_2D, int8 activations and per-channel int8 filters (TFLM
 * ConvPerChannel / DepthwiseConvPerChannel). One parameter struct for every variant; the
 * variants differ only in how the emitter packed `filter` and in the scratch they need. */
#ifndef EF_CONV_S8_H
#define EF_CONV_S8_H
#include "ef_common.h"

typedef struct {
  int32_t batches, in_h, in_w, in_c, out_h, out_w, out_c, k_h, k_w;
  int32_t stride_h, stride_w, dil_h, dil_w, pad_h, pad_w;
  int32_t depth_mult; /* depthwise only */
  int32_t in_offset, out_offset, act_min, act_max;
  const int8_t *filter;  /* OHWI (conv) or 1HWC (depthwise), unless a variant says otherwise */
  const int32_t *bias;   /* may be NULL */
  const int32_t *mult;   /* per output channel */
  const int32_t *shift;  /* per output channel */
} ef_conv_s8_params;

/* The per-tap kernels' gather: for output (b, oy, ox), the address of each tap's C input bytes,
 * or `zp` (C bytes of the input zero point: the optimized kernels fold the input offset into the
 * bias, so padding taps must read the zero point). */
EF_INLINE void ef_dw_taps(const ef_conv_s8_params *p, const int8_t *in, const int8_t *zp, int32_t b, int32_t oy, int32_t ox, const int8_t **ptr) {
  const int32_t iy0 = oy * p->stride_h - p->pad_h, ix0 = ox * p->stride_w - p->pad_w;
  for (int32_t ky = 0, t = 0; ky < p->k_h; ky++)
    for (int32_t kx = 0; kx < p->k_w; kx++, t++) {
      const int32_t iy = iy0 + ky * p->dil_h, ix = ix0 + kx * p->dil_w;
      ptr[t] = (iy >= 0 && iy < p->in_h && ix >= 0 && ix < p->in_w) ? in + ((b * p->in_h + iy) * p->in_w + ix) * p->in_c : zp;
    }
}

void ef_conv_s8(const ef_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch);
void ef_dwconv_s8(const ef_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch);
/* Optimized variants (same results, bit for bit). */
void ef_conv_s8_dsp(const ef_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch);
void ef_dwconv_s8_dsp(const ef_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch);
void ef_conv_s8_mve(const ef_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch);
void ef_dwconv_s8_mve(const ef_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch);
void ef_conv_s8_rv32(const ef_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch);
void ef_dwconv_s8_rv32(const ef_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch);
#endif
