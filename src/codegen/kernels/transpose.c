/* TRANSPOSE of any element size, rank <= 6 (shapes padded with leading 1s): the innermost
 * output axis is a strided run (a plain copy when its input stride is 1), the outer five are
 * walked with an odometer over the input strides of the permuted axes. */
#include "misc_s8.h"

void ef_transpose(const ef_transpose_params *p, const void *in, void *out) {
  const uint8_t *src = (const uint8_t *)in;
  uint8_t *dst = (uint8_t *)out;
  const int32_t es = p->elem_bytes, run = p->out_dims[5], step = p->in_stride[5];
  int32_t idx[5] = {0, 0, 0, 0, 0};
  int32_t off = 0; /* input element offset of the current run */
  for (int32_t done = 0; done < p->count; done += run) {
    const uint8_t *s = src + off * es;
    if (es == 1) {
      for (int32_t i = 0; i < run; i++) dst[i] = s[i * step];
    } else if (step == 1) {
      for (int32_t i = 0; i < run * es; i++) dst[i] = s[i];
    } else {
      for (int32_t i = 0; i < run; i++)
        for (int32_t b = 0; b < es; b++) dst[i * es + b] = s[i * step * es + b];
    }
    dst += run * es;
    for (int32_t k = 4; k >= 0; k--) { /* next run, carrying */
      off += p->in_stride[k];
      if (++idx[k] < p->out_dims[k]) break;
      off -= p->in_stride[k] * p->out_dims[k];
      idx[k] = 0;
    }
  }
}
