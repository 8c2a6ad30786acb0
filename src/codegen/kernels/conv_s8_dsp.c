/*
 * CONV_2D for the Arm DSP extension: im2col of three output pixels (padding filled with the
 * input zero point because the emitter folded the input offset into the bias), widened to
 * q15 once, then ef_dsp_gemm_s8 over all output channels.
 * Scratch: kp bytes (int8 column) + 6*kp bytes (q15 columns).
 */
#include "conv_s8.h"
#include "dsp_gemm_s8.h"
#include "dsp_s8.h"

static void im2col(const ef_conv_s8_params *p, const int8_t *in, int32_t b, int32_t pix, int8_t *col, int32_t kp) {
  const int32_t oy = pix / p->out_w, ox = pix % p->out_w;
  const int8_t zp = (int8_t)(-p->in_offset);
  const int32_t iy0 = oy * p->stride_h - p->pad_h, ix0 = ox * p->stride_w - p->pad_w;
  int8_t *c = col;
  for (int32_t ky = 0; ky < p->k_h; ky++) {
    const int32_t iy = iy0 + ky * p->dil_h;
    for (int32_t kx = 0; kx < p->k_w; kx++) {
      const int32_t ix = ix0 + kx * p->dil_w;
      if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w) {
        for (int32_t i = 0; i < p->in_c; i++) *c++ = zp;
      } else {
        const int8_t *s = in + ((b * p->in_h + iy) * p->in_w + ix) * p->in_c;
        if ((p->in_c & 3) == 0 && (((uintptr_t)s | (uintptr_t)c) & 3) == 0) {
          for (int32_t i = 0; i < p->in_c; i += 4) *(uint32_t *)(void *)(c + i) = *(const uint32_t *)(const void *)(s + i);
          c += p->in_c;
        } else {
          for (int32_t i = 0; i < p->in_c; i++) *c++ = s[i];
        }
      }
    }
  }
  while (c < col + kp) *c++ = 0;
}

/* in_c a multiple of 4: widen each tap straight into column `col` of the interleaved q15
 * buffer (no int8 copy); padding taps become zero-point pairs. */
static void im2col_q15(const ef_conv_s8_params *p, const int8_t *in, int32_t b, int32_t pix, int16_t *xq, int32_t col, int32_t kp) {
  const int32_t oy = pix / p->out_w, ox = pix - oy * p->out_w;
  const uint32_t zp = (uint16_t)(int16_t)(-p->in_offset);
  const uint32_t zp2 = zp | (zp << 16);
  const int32_t iy0 = oy * p->stride_h - p->pad_h, ix0 = ox * p->stride_w - p->pad_w;
  uint32_t *d = (uint32_t *)(void *)xq + col;
  for (int32_t ky = 0; ky < p->k_h; ky++) {
    const int32_t iy = iy0 + ky * p->dil_h;
    for (int32_t kx = 0; kx < p->k_w; kx++) {
      const int32_t ix = ix0 + kx * p->dil_w;
      if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w) {
        for (int32_t i = 0; i < p->in_c; i += 4, d += 6) d[0] = d[3] = zp2;
      } else {
        const uint32_t *s = (const uint32_t *)(const void *)(in + ((b * p->in_h + iy) * p->in_w + ix) * p->in_c);
        for (int32_t i = 0; i < p->in_c; i += 4, d += 6, s++) {
          const uint32_t w = *s;
          d[0] = __sxtb16(w);
          d[3] = sxtb16_ror8(w);
        }
      }
    }
  }
  for (int32_t k = p->k_h * p->k_w * p->in_c; k < kp; k += 4, d += 6) d[0] = d[3] = 0;
}

void ef_conv_s8_dsp(const ef_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
  const int32_t k = p->k_h * p->k_w * p->in_c, kp = (k + 7) & ~7;
  const int32_t npix = p->out_h * p->out_w;
  int8_t *col8 = (int8_t *)scratch;
  int16_t *xq = (int16_t *)(void *)(col8 + kp);
  const int direct = p->k_h == 1 && p->k_w == 1 && p->stride_h == 1 && p->stride_w == 1 && p->pad_h == 0 && p->pad_w == 0 && (p->in_c & 7) == 0;
  const ef_dsp_gemm_args a = {p->out_c, kp, (const int16_t *)(const void *)p->filter, p->bias, p->mult, p->out_offset, p->act_min, p->act_max};
  for (int32_t b = 0; b < p->batches; b++)
    for (int32_t pix = 0; pix < npix; pix += 3) {
      const int32_t n = npix - pix < 3 ? npix - pix : 3; /* columns beyond n repeat the first */
      for (int32_t c = 0; c < 3; c++) {
        const int32_t q = pix + (c < n ? c : 0);
        if (direct) {
          ef_dsp_expand_s8(in + (b * npix + q) * p->in_c, xq, c, kp);
        } else if ((p->in_c & 3) == 0) {
          im2col_q15(p, in, b, q, xq, c, kp);
        } else {
          im2col(p, in, b, q, col8, kp);
          ef_dsp_expand_s8(col8, xq, c, kp);
        }
      }
      int8_t *o0 = out + (b * npix + pix) * p->out_c;
      ef_dsp_gemm_s8(&a, xq, o0, n > 1 ? o0 + p->out_c : 0, n > 2 ? o0 + 2 * p->out_c : 0);
    }
}
