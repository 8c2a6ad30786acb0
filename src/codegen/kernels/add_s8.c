/* Portable ADD and SUB, int8 (TFLM add_common / sub_common): both inputs rescaled to a common
 * scale with 20 bits of headroom, then summed (or subtracted) and rescaled to the output. */
#include "elementwise_s8.h"

EF_INLINE int8_t add_one(const ef_elementwise_s8_params *p, int32_t x1, int32_t x2) {
  const int32_t a = (int32_t)((uint32_t)(x1 + p->in1_offset) << p->left_shift);
  const int32_t b = (int32_t)((uint32_t)(x2 + p->in2_offset) << p->left_shift);
  const int32_t y = ef_requant(b, p->in2_mult, p->in2_shift);
  const int32_t sum = ef_requant(a, p->in1_mult, p->in1_shift) + (p->sub ? -y : y);
  const int32_t r = ef_requant(sum, p->out_mult, p->out_shift) + p->out_offset;
  return (int8_t)ef_clamp(r, p->act_min, p->act_max);
}

void ef_add_s8(const ef_elementwise_s8_params *p, const int8_t *a, const int8_t *b, int8_t *out) {
  if (p->flat) {
    const int32_t n = p->dims[0] * p->dims[1] * p->dims[2] * p->dims[3];
    for (int32_t i = 0; i < n; i++) out[i] = add_one(p, a[i], b[i]);
    return;
  }
  EF_BROADCAST_4D(p, *out++ = add_one(p, a[ia_], b[ib_]));
}
