/* ADD and SUB with int16 activations (TFLM add_common, 16-bit: 15 bits of headroom). */
#include "elementwise_s8.h"

EF_INLINE int16_t add_one16(const ef_elementwise_s8_params *p, int32_t x1, int32_t x2) {
  const int32_t a = (int32_t)((uint32_t)(x1 + p->in1_offset) << p->left_shift);
  const int32_t b = (int32_t)((uint32_t)(x2 + p->in2_offset) << p->left_shift);
  const int32_t y = ef_requant(b, p->in2_mult, p->in2_shift);
  const int32_t r = ef_requant(ef_requant(a, p->in1_mult, p->in1_shift) + (p->sub ? -y : y), p->out_mult, p->out_shift) + p->out_offset;
  return (int16_t)ef_clamp(r, p->act_min, p->act_max);
}

void ef_add_s16(const ef_elementwise_s8_params *p, const int16_t *a, const int16_t *b, int16_t *out) {
  EF_BROADCAST_4D(p, *out++ = add_one16(p, a[ia_], b[ib_]));
}
