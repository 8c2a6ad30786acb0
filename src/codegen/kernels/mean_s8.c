/* Portable MEAN, int8 (TFLM reduce_common.cc): integer sums per output element, then one of
 * TFLM's three finishing paths, chosen at compile time exactly as the integer runtime does:
 * 0 = 4-D keep-dims H,W (requantize, then divide rounding half away from zero),
 * 1 = same quantization in and out (truncating integer mean), 2 = 1/count folded into mult. */
#include "misc_s8.h"

void ef_mean_s8(const ef_mean_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
  int32_t *acc = (int32_t *)scratch;
  for (int32_t o = 0; o < p->n_out; o++) acc[o] = 0;
  for (int32_t i0 = 0; i0 < p->dims[0]; i0++)
    for (int32_t i1 = 0; i1 < p->dims[1]; i1++)
      for (int32_t i2 = 0; i2 < p->dims[2]; i2++) {
        int32_t *a = acc + i0 * p->ostr[0] + i1 * p->ostr[1] + i2 * p->ostr[2];
        for (int32_t i3 = 0; i3 < p->dims[3]; i3++) a[i3 * p->ostr[3]] += *in++;
      }
  const int32_t n = p->count;
  for (int32_t o = 0; o < p->n_out; o++) {
    int32_t v;
    if (p->mode == 1) {
      v = acc[o] / n;
    } else {
      const int32_t s = ef_requant(acc[o] - p->in_zero_point * n, p->mult, p->shift);
      if (p->mode == 0) v = (s > 0 ? (s + n / 2) / n : (s - n / 2) / n) + p->out_zero_point;
      else v = s + p->out_zero_point;
    }
    out[o] = (int8_t)ef_clamp(v, -128, 127);
  }
}
