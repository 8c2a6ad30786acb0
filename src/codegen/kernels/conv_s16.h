/* 16x8 CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED (TFLM reference_integer_ops, int16
 * activations with zero point 0, int8 per-channel filters). An int64 bias selects the 64-bit
 * requantization TFLM uses for 16x8 (multiplier reduced to 15 bits, one rounding shift); an
 * int32 bias (or none) the 32-bit one, on an accumulator wrapped to 32 bits as in TFLM. */
#ifndef EF_CONV_S16_H
#define EF_CONV_S16_H
#include "ef_common.h"

typedef struct {
  int32_t batches, in_h, in_w, in_c, out_h, out_w, out_c, k_h, k_w, k_c; /* k_c: filter depth (grouped conv) */
  int32_t stride_h, stride_w, dil_h, dil_w, pad_h, pad_w;
  int32_t depth_mult; /* depthwise only */
  int32_t filter_offset, act_min, act_max;
  const int8_t *filter;   /* OHWI, 1HWC (depthwise) or [out, in] (FC) */
  const int64_t *bias64;  /* one of the two biases, or neither */
  const int32_t *bias32;
  const int32_t *mult, *shift; /* per output channel */
} ef_conv_s16_params;

void ef_conv_s16(const ef_conv_s16_params *p, const int16_t *in, int16_t *out);
void ef_dwconv_s16(const ef_conv_s16_params *p, const int16_t *in, int16_t *out);
/* FC: in_c = accumulation depth, out_c = outputs, batches = rows. */
void ef_fc_s16(const ef_conv_s16_params *p, const int16_t *in, int16_t *out);

/* tflite::MultiplyByQuantizedMultiplier(int64_t, ...). */
EF_INLINE int32_t ef_requant64(int64_t x, int32_t mult, int32_t shift) {
  const int64_t reduced = mult < 0x7fff0000 ? (mult + 32768) >> 16 : 0x7fff;
  const int total = 15 - shift;
  return (int32_t)((x * reduced + ((int64_t)1 << (total - 1))) >> total);
}

EF_INLINE int16_t ef_finish_s16(const ef_conv_s16_params *p, int64_t acc, int32_t c) {
  int32_t v;
  if (p->bias64) v = ef_requant64(acc + p->bias64[c], p->mult[c], p->shift[c]);
  else v = ef_requant((int32_t)(uint32_t)(uint64_t)(acc + (p->bias32 ? p->bias32[c] : 0)), p->mult[c], p->shift[c]);
  return (int16_t)ef_clamp(v, p->act_min, p->act_max);
}
#endif
