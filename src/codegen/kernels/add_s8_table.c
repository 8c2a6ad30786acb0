/* ADD / SUB, int8, same shapes, for cores without SIMD (RV32): each input's rescale
 * x(a) = SRDHM((a + off) << 20, m) >> rs depends on one byte, so the emitter tabulated both
 * (2 x 256 int32, filled with the integer runtime's arithmetic); what is left per element is the
 * output requantization. Exact. */
#include "elementwise_s8.h"

void ef_add_s8_table(const ef_elementwise_s8_params *p, const int32_t *table, const int8_t *a, const int8_t *b, int8_t *out) {
  const int32_t n = p->dims[0] * p->dims[1] * p->dims[2] * p->dims[3];
  const int32_t *tx = table + 128, *ty = table + 384;
  const int32_t m = p->out_mult, s = p->out_shift, off = p->out_offset, lo = p->act_min, hi = p->act_max, sub = p->sub;
  for (int32_t i = 0; i < n; i++) {
    const int32_t y = ty[b[i]];
    const int32_t r = ef_requant(tx[a[i]] + (sub ? -y : y), m, s) + off;
    out[i] = (int8_t)ef_clamp(r, lo, hi);
  }
}
