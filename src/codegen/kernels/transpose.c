/* TRANSPOSE of any element size, rank <= 6 (shapes padded with leading 1s): walks the output in
 * order with an odometer over the input strides of the permuted axes. */
#include "misc_s8.h"

void ef_transpose(const ef_transpose_params *p, const void *in, void *out) {
  const uint8_t *src = (const uint8_t *)in;
  uint8_t *dst = (uint8_t *)out;
  const int32_t es = p->elem_bytes;
  int32_t idx[6] = {0, 0, 0, 0, 0, 0};
  int32_t off = 0;
  for (int32_t o = 0; o < p->count; o++) {
    for (int32_t b = 0; b < es; b++) *dst++ = src[off * es + b];
    for (int32_t k = 5; k >= 0; k--) { /* next output index, carrying */
      off += p->in_stride[k];
      if (++idx[k] < p->out_dims[k]) break;
      off -= p->in_stride[k] * p->out_dims[k];
      idx[k] = 0;
    }
  }
}
