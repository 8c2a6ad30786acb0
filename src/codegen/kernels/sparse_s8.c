/* Sparse FULLY_CONNECTED and CONV_2D, int8 (see sparse_s8.h). */
#include "sparse_s8.h"

void ef_sparse_rows_s8(const ef_sparse_rows_s8_t *p, const int8_t *x, int8_t *out) {
  const int32_t bytes = (p->k + 7) >> 3, off = p->out_offset, lo = p->act_min, hi = p->act_max;
  const uint8_t *m = p->mask;
  const int8_t *v = p->values;
  for (int32_t r = 0; r < p->rows; r++) {
    int32_t acc = p->bias[r];
    for (int32_t j = 0; j < bytes; j++, m++) {
      uint32_t bits = *m;
      const int8_t *xj = x + 8 * j;
#if defined(__arm__) || defined(__x86_64__) || defined(__aarch64__)
      /* count-trailing-zeros is one or two instructions here: visit only the nonzero taps */
      for (; bits; bits &= bits - 1) acc += (int32_t)*v++ * xj[__builtin_ctz(bits)];
#else
      /* RV32IMAC has no ctz instruction (libgcc would loop anyway): walk the bits */
      for (int32_t i = 0; bits; i++, bits >>= 1)
        if (bits & 1) acc += (int32_t)*v++ * xj[i];
#endif
    }
    out[r] = (int8_t)ef_clamp(ef_requant(acc, p->mult[r], p->shift[r]) + off, lo, hi);
  }
}

void ef_fc_s8_sparse(const ef_fc_s8_sparse_params *p, const int8_t *in, int8_t *out) {
  for (int32_t b = 0; b < p->batches; b++) ef_sparse_rows_s8(p->rows, in + b * p->rows->k, out + b * p->rows->rows);
}

void ef_conv_s8_sparse(const ef_conv_s8_sparse_params *p, const int8_t *in, int8_t *out, void *scratch) {
  const ef_conv_s8_params *c = &p->conv;
  int8_t *col = (int8_t *)scratch;
  const int8_t zp = (int8_t)(-c->in_offset);
  for (int32_t b = 0; b < c->batches; b++)
    for (int32_t oy = 0; oy < c->out_h; oy++)
      for (int32_t ox = 0; ox < c->out_w; ox++) {
        int8_t *d = col;
        for (int32_t ky = 0; ky < c->k_h; ky++) {
          const int32_t iy = oy * c->stride_h - c->pad_h + ky * c->dil_h;
          for (int32_t kx = 0; kx < c->k_w; kx++) {
            const int32_t ix = ox * c->stride_w - c->pad_w + kx * c->dil_w;
            if (iy >= 0 && iy < c->in_h && ix >= 0 && ix < c->in_w) {
              const int8_t *s = in + ((b * c->in_h + iy) * c->in_w + ix) * c->in_c;
              for (int32_t ch = 0; ch < c->in_c; ch++) *d++ = s[ch];
            } else {
              for (int32_t ch = 0; ch < c->in_c; ch++) *d++ = zp;
            }
          }
        }
        ef_sparse_rows_s8(p->rows, col, out + ((b * c->out_h + oy) * c->out_w + ox) * c->out_c);
      }
}
