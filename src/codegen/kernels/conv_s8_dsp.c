/*
 * CONV_2D for the Arm DSP extension: im2col of three output pixels (padding filled with the
 * input zero point because the emitter folded the input offset into the bias), widened to
 * q15 once, then ef_dsp_gemm_s8 over all output channels.
 * Scratch: kp bytes (int8 column) + 6*kp bytes (q15 columns).
 */
#include "conv_s8.h"
#include "dsp_gemm_s8.h"
#include "dsp_s8.h"

/* n bytes, n < 4 tail included, through unaligned word moves (allowed on every DSP core). */
EF_INLINE void copy_run(int8_t *d, const int8_t *s, int32_t n) {
  for (; n >= 4; n -= 4, d += 4, s += 4) {
    uint32_t w;
    __builtin_memcpy(&w, s, 4);
    __builtin_memcpy(d, &w, 4);
  }
  for (; n > 0; n--) *d++ = *s++;
}

/* int8 im2col of one pixel (in_c not a multiple of 4): one run per kernel row when the row
 * is inside the input, else per tap; padding taps read the input zero point. */
static void im2col(const ef_conv_s8_params *p, const int8_t *in, int32_t b, int32_t pix, int8_t *col, int32_t kp) {
  const int32_t in_h = p->in_h, in_w = p->in_w, in_c = p->in_c, k_h = p->k_h, k_w = p->k_w, dil_h = p->dil_h, dil_w = p->dil_w;
  const int32_t oy = pix / p->out_w, ox = pix % p->out_w;
  const int8_t zp = (int8_t)(-p->in_offset);
  const int32_t iy0 = oy * p->stride_h - p->pad_h, ix0 = ox * p->stride_w - p->pad_w;
  const int run = dil_w == 1 && ix0 >= 0 && ix0 + k_w <= in_w;
  int8_t *c = col;
  for (int32_t ky = 0; ky < k_h; ky++) {
    const int32_t iy = iy0 + ky * dil_h;
    if (iy < 0 || iy >= in_h) {
      for (int32_t i = 0; i < k_w * in_c; i++) *c++ = zp;
      continue;
    }
    const int8_t *row = in + (b * in_h + iy) * in_w * in_c;
    if (run) {
      copy_run(c, row + ix0 * in_c, k_w * in_c);
      c += k_w * in_c;
      continue;
    }
    for (int32_t kx = 0; kx < k_w; kx++) {
      const int32_t ix = ix0 + kx * dil_w;
      if (ix < 0 || ix >= in_w) {
        for (int32_t i = 0; i < in_c; i++) *c++ = zp;
      } else {
        for (int32_t i = 0; i < in_c; i++) *c++ = row[ix * in_c + i];
      }
    }
  }
  while (c < col + kp) *c++ = 0;
}

/* n words of int8 (4 k each) -> q15 pairs at d[0], d[3], then 6 words on (one column of the
 * three-column buffer). */
EF_INLINE uint32_t *widen_run(const int8_t *src, uint32_t *d, int32_t n) {
  const uint32_t *s = (const uint32_t *)(const void *)src;
  for (; n >= 2; n -= 2, s += 2, d += 12) {
    const uint32_t w = s[0], v = s[1];
    d[0] = __sxtb16(w);
    d[3] = sxtb16_ror8(w);
    d[6] = __sxtb16(v);
    d[9] = sxtb16_ror8(v);
  }
  if (n) {
    const uint32_t w = s[0];
    d[0] = __sxtb16(w);
    d[3] = sxtb16_ror8(w);
    d += 6;
  }
  return d;
}

/* in_c a multiple of 4: widen each kernel row straight into column `col` of the interleaved
 * q15 buffer (no int8 copy; one run when the row is inside the input); padding taps become
 * zero-point pairs. Parameters are copied to locals: the stores may alias *p. */
static void im2col_q15(const ef_conv_s8_params *p, const int8_t *in, int32_t b, int32_t pix, int16_t *xq, int32_t col, int32_t kp) {
  const int32_t in_h = p->in_h, in_w = p->in_w, in_c = p->in_c, k_h = p->k_h, k_w = p->k_w, dil_h = p->dil_h, dil_w = p->dil_w;
  const int32_t oy = pix / p->out_w, ox = pix - oy * p->out_w;
  const uint32_t zp = (uint16_t)(int16_t)(-p->in_offset);
  const uint32_t zp2 = zp | (zp << 16);
  const int32_t iy0 = oy * p->stride_h - p->pad_h, ix0 = ox * p->stride_w - p->pad_w;
  const int32_t cw = in_c >> 2;
  const int run = dil_w == 1 && ix0 >= 0 && ix0 + k_w <= in_w;
  uint32_t *d = (uint32_t *)(void *)xq + col;
  for (int32_t ky = 0; ky < k_h; ky++) {
    const int32_t iy = iy0 + ky * dil_h;
    if (iy < 0 || iy >= in_h) {
      for (int32_t i = 0; i < k_w * cw; i++, d += 6) d[0] = d[3] = zp2;
      continue;
    }
    const int8_t *row = in + (b * in_h + iy) * in_w * in_c;
    if (run) {
      d = widen_run(row + ix0 * in_c, d, k_w * cw);
      continue;
    }
    for (int32_t kx = 0; kx < k_w; kx++) {
      const int32_t ix = ix0 + kx * dil_w;
      if (ix < 0 || ix >= in_w) {
        for (int32_t i = 0; i < cw; i++, d += 6) d[0] = d[3] = zp2;
      } else {
        d = widen_run(row + ix * in_c, d, cw);
      }
    }
  }
  for (int32_t k = k_h * k_w * in_c; k < kp; k += 4, d += 6) d[0] = d[3] = 0;
}

/* in_c = 1, k_w = 4 (KWS's first layer): each kernel row is one word of the input row,
 * shifted in with zero points where it overhangs the left or right border. */
static void im2col_q15_w4(const ef_conv_s8_params *p, const int8_t *in, int32_t b, int32_t pix, int16_t *xq, int32_t col, int32_t kp) {
  const int32_t in_h = p->in_h, in_w = p->in_w, k_h = p->k_h, dil_h = p->dil_h;
  const int32_t oy = pix / p->out_w, ox = pix - oy * p->out_w;
  const uint32_t zb = (uint8_t)(int8_t)(-p->in_offset), zp4 = zb * 0x01010101u;
  const int32_t iy0 = oy * p->stride_h - p->pad_h, ix0 = ox * p->stride_w - p->pad_w;
  /* word = bytes ix0..ix0+3 of the row: load from x0 (in bounds) and shift by `sh` bytes */
  int32_t x0 = ix0, sh = 0;
  uint32_t fill = 0;
  if (ix0 < 0) {
    x0 = 0, sh = -ix0;
    fill = zp4 >> (32 - 8 * sh); /* low sh bytes */
  } else if (ix0 + 4 > in_w) {
    sh = ix0 + 4 - in_w, x0 = in_w - 4;
    fill = zp4 << (32 - 8 * sh); /* high sh bytes */
  }
  const uint32_t zpair = __sxtb16(zp4);
  uint32_t *d = (uint32_t *)(void *)xq + col;
  const int8_t *row = in + (b * in_h + iy0) * in_w + x0;
  for (int32_t ky = 0; ky < k_h; ky++, d += 6, row += dil_h * in_w) {
    const int32_t iy = iy0 + ky * dil_h;
    if (iy < 0 || iy >= in_h) {
      d[0] = d[3] = zpair;
      continue;
    }
    uint32_t w;
    __builtin_memcpy(&w, row, 4);
    if (ix0 < 0) w = (w << (8 * sh)) | fill;
    else if (sh) w = (w >> (8 * sh)) | fill;
    d[0] = __sxtb16(w);
    d[3] = sxtb16_ror8(w);
  }
  for (int32_t k = 4 * k_h; k < kp; k += 4, d += 6) d[0] = d[3] = 0;
}

/* 1x1 stride-1 conv: three pixels' channels (multiple of 8) widened together, stored in
 * the interleaved order with STMs (6 words per 4 k). */
static void expand3(const int8_t *s0, const int8_t *s1, const int8_t *s2, int16_t *xq, int32_t kp) {
  register uint32_t *d __asm__("r12") = (uint32_t *)(void *)xq;
  for (int32_t i = 0; i < kp; i += 4) {
    uint32_t a, b, c; /* memcpy: plain LDRs, the input may be a caller's unaligned buffer */
    __builtin_memcpy(&a, s0 + i, 4);
    __builtin_memcpy(&b, s1 + i, 4);
    __builtin_memcpy(&c, s2 + i, 4);
    register uint32_t a0 __asm__("r0") = __sxtb16(a), b0 __asm__("r1") = __sxtb16(b), c0 __asm__("r2") = __sxtb16(c);
    register uint32_t a1 __asm__("r3") = sxtb16_ror8(a), b1 __asm__("r4") = sxtb16_ror8(b), c1 __asm__("r5") = sxtb16_ror8(c);
    __asm__ volatile("stmia %0!, {r0, r1, r2, r3, r4, r5}" : "+r"(d) : "r"(a0), "r"(b0), "r"(c0), "r"(a1), "r"(b1), "r"(c1) : "memory");
  }
}

void ef_conv_s8_dsp(const ef_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
  const int32_t k = p->k_h * p->k_w * p->in_c, kp = (k + 7) & ~7;
  const int32_t npix = p->out_h * p->out_w;
  int8_t *col8 = (int8_t *)scratch;
  int16_t *xq = (int16_t *)(void *)(col8 + kp);
  const int direct = p->k_h == 1 && p->k_w == 1 && p->stride_h == 1 && p->stride_w == 1 && p->pad_h == 0 && p->pad_w == 0 && (p->in_c & 7) == 0;
  /* one input word per kernel row; the shifts need the row to hold a whole word */
  const int w4 = p->in_c == 1 && p->k_w == 4 && p->dil_w == 1 && p->in_w >= 4 && p->pad_w < 4 && (p->out_w - 1) * p->stride_w - p->pad_w + 4 - p->in_w < 4;
  const ef_dsp_gemm_args a = {p->out_c, kp, (const int16_t *)(const void *)p->filter, p->mult[0], p->out_offset, p->act_min, p->act_max};
  for (int32_t b = 0; b < p->batches; b++)
    for (int32_t pix = 0; pix < npix; pix += 3) {
      const int32_t n = npix - pix < 3 ? npix - pix : 3; /* columns beyond n repeat the first */
      if (direct) {
        const int8_t *s0 = in + (b * npix + pix) * p->in_c;
        expand3(s0, n > 1 ? s0 + p->in_c : s0, n > 2 ? s0 + 2 * p->in_c : s0, xq, kp);
      } else
      for (int32_t c = 0; c < 3; c++) {
        const int32_t q = pix + (c < n ? c : 0);
        if (direct) {
          ef_dsp_expand_s8(in + (b * npix + q) * p->in_c, xq, c, kp);
        } else if ((p->in_c & 3) == 0) {
          im2col_q15(p, in, b, q, xq, c, kp);
        } else if (w4) {
          im2col_q15_w4(p, in, b, q, xq, c, kp);
        } else {
          im2col(p, in, b, q, col8, kp);
          ef_dsp_expand_s8(col8, xq, c, kp);
        }
      }
      int8_t *o0 = out + (b * npix + pix) * p->out_c;
      ef_dsp_gemm_s8(&a, xq, o0, p->out_c, n);
    }
}
