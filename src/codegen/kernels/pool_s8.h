/* AVERAGE_POOL_2D and MAX_POOL_2D, int8 and int16 (TFLM reference_integer_ops). */
#ifndef EF_POOL_S8_H
#define EF_POOL_S8_H
#include "ef_common.h"

typedef struct {
  int32_t batches, in_h, in_w, c, out_h, out_w, k_h, k_w;
  int32_t stride_h, stride_w, pad_h, pad_w, act_min, act_max;
} ef_pool_s8_params;

/* TFLM's window of output (oy, ox) clipped to the input: taps fy in [fy0, fy1), fx in [fx0, fx1)
 * of the window whose top-left input cell is (iy0, ix0). Declares those six locals. */
#define EF_POOL_WINDOW(p, oy, ox)                                                              \
  const int32_t iy0 = (oy) * (p)->stride_h - (p)->pad_h, ix0 = (ox) * (p)->stride_w - (p)->pad_w; \
  const int32_t fy0 = iy0 < 0 ? -iy0 : 0, fx0 = ix0 < 0 ? -ix0 : 0;                              \
  const int32_t fy1 = (p)->k_h < (p)->in_h - iy0 ? (p)->k_h : (p)->in_h - iy0;                   \
  const int32_t fx1 = (p)->k_w < (p)->in_w - ix0 ? (p)->k_w : (p)->in_w - ix0

void ef_avgpool_s8(const ef_pool_s8_params *p, const int8_t *in, int8_t *out);
void ef_avgpool_s8_mve(const ef_pool_s8_params *p, const int8_t *in, int8_t *out, void *scratch);
void ef_maxpool_s8(const ef_pool_s8_params *p, const int8_t *in, int8_t *out);
void ef_avgpool_s16(const ef_pool_s8_params *p, const int16_t *in, int16_t *out);
void ef_maxpool_s16(const ef_pool_s8_params *p, const int16_t *in, int16_t *out);
#endif
