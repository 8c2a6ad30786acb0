/* QUANTIZE between integer types (int8 <-> int16, int16 -> int16): TFLM Requantize, one
 * multiplier s_in / s_out. Element sizes are 1 or 2 bytes. */
#include "misc_s8.h"

void ef_requant_int(const ef_requant_params *p, const void *in, void *out) {
  for (int32_t i = 0; i < p->size; i++) {
    const int32_t x = p->in_bytes == 2 ? ((const int16_t *)in)[i] : ((const int8_t *)in)[i];
    const int32_t v = ef_clamp(ef_requant(x - p->in_zero_point, p->mult, p->shift) + p->out_zero_point, p->min, p->max);
    if (p->out_bytes == 2) ((int16_t *)out)[i] = (int16_t)v;
    else ((int8_t *)out)[i] = (int8_t)v;
  }
}
