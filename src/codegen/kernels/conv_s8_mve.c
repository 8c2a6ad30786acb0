/*
 * CONV_2D for Helium: columns (im2col) for a chunk of output pixels, then the VMLADAVA engine
 * over column pairs (mve_gemm_s8.c). 1x1 stride-1 convolutions over a multiple of 16 channels
 * read the NHWC input directly as columns. Padding taps read the input zero point (the offset
 * is folded into the bias). When the zero-point-padded input fits in 4 KB it is built once
 * per batch and every column is then a run of row copies without bounds checks; otherwise
 * only border pixels take the checked path. Column bytes past k are never initialised: the
 * packed weights are zero there. `mult` holds the interleaved shift/mult/bias quads.
 * Scratch (sizes mirrored in pack-mve.ts): [padded input][chunk * kp columns][16].
 */
#include "conv_s8.h"
#include "mve_gemm_s8.h"
#include <arm_mve.h>

typedef uint32_t ef_u32u __attribute__((aligned(1), may_alias));

EF_INLINE void copy_run(int8_t *d, const int8_t *s, int32_t n) {
  if (n == 4) {
    *(ef_u32u *)d = *(const ef_u32u *)s;
    return;
  }
  for (; n >= 16; n -= 16, s += 16, d += 16) vstrbq_s8(d, vldrbq_s8(s));
  if (n > 0) {
    const mve_pred16_t q = vctp8q((uint32_t)n);
    vstrbq_p_s8(d, vldrbq_z_s8(s, q), q);
  }
}

EF_INLINE void fill_run(int8_t *d, int8x16_t v, int32_t n) {
  for (; n > 0; n -= 16, d += 16) vstrbq_p_s8(d, v, vctp8q((uint32_t)n));
}

/* Pixels per im2col chunk (even); mirrored in pack-mve.ts. */
static int32_t chunk_of(int32_t kp) {
  if (kp > 112) return 2;
  int32_t n = (1024 / kp) & ~1;
  return n < 2 ? 2 : (n > 16 ? 16 : n);
}

/* Checked column of one pixel (any position): per tap, input or zero point. */
static void col_checked(const ef_conv_s8_params *p, const int8_t *in, int32_t iy0, int32_t ix0, int8_t *c, int8x16_t zp) {
  const int32_t C = p->in_c;
  for (int32_t ky = 0; ky < p->k_h; ky++) {
    const int32_t iy = iy0 + ky * p->dil_h;
    const int row_ok = iy >= 0 && iy < p->in_h;
    for (int32_t kx = 0; kx < p->k_w; kx++, c += C) {
      const int32_t ix = ix0 + kx * p->dil_w;
      if (row_ok && ix >= 0 && ix < p->in_w) copy_run(c, in + (iy * p->in_w + ix) * C, C);
      else fill_run(c, zp, C);
    }
  }
}

void ef_conv_s8_mve(const ef_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
  const int32_t C = p->in_c, k = p->k_h * p->k_w * C, kp = (k + 15) & ~15;
  const int32_t npix = p->out_h * p->out_w, oc = p->out_c;
  const ef_mve_gemm_args a = {p->filter, p->mult, (oc + 3) >> 2, kp >> 4, oc, kp, p->out_offset, p->act_min, p->act_max};
  if (p->k_h == 1 && p->k_w == 1 && p->stride_h == 1 && p->stride_w == 1 && p->pad_h == 0 && p->pad_w == 0 && kp == C && ((uintptr_t)in & 3) == 0) {
    const int32_t total = p->batches * npix;
    ef_mve_gemm_pairs(&a, in, out, total >> 1);
    if (total & 1) ef_mve_gemm1_s8(&a, in + (total - 1) * C, out + (total - 1) * oc);
    return;
  }
  const int8x16_t zp = vdupq_n_s8((int8_t)(-p->in_offset));
  const int32_t ph = (p->out_h - 1) * p->stride_h + (p->k_h - 1) * p->dil_h + 1;
  const int32_t pw = (p->out_w - 1) * p->stride_w + (p->k_w - 1) * p->dil_w + 1;
  const int needs_pad = p->pad_h > 0 || p->pad_w > 0 || ph - p->pad_h > p->in_h || pw - p->pad_w > p->in_w;
  const int padded = needs_pad && ph * pw * C <= 4096;
  int8_t *pad = (int8_t *)scratch;
  int8_t *col = pad + (padded ? ((ph * pw * C + 15) & ~15) : 0);
  const int32_t chunk = chunk_of(kp), run = p->k_w * C;
  const int dense = p->dil_w == 1;
  for (int32_t b = 0; b < p->batches; b++) {
    const int8_t *img = in + b * p->in_h * p->in_w * C;
    if (padded) { /* zero-point-padded copy of the rows the filter reaches */
      const int32_t left = p->pad_w * C, mid_px = p->in_w < pw - p->pad_w ? p->in_w : pw - p->pad_w;
      for (int32_t y = 0; y < ph; y++) {
        int8_t *d = pad + y * pw * C;
        const int32_t iy = y - p->pad_h;
        if (iy < 0 || iy >= p->in_h) {
          fill_run(d, zp, pw * C);
          continue;
        }
        fill_run(d, zp, left);
        copy_run(d + left, img + iy * p->in_w * C, mid_px * C);
        fill_run(d + left + mid_px * C, zp, (pw - p->pad_w - mid_px) * C);
      }
    }
    const int32_t kh = p->k_h, kw = p->k_w, sh = p->stride_h, sw = p->stride_w, ow = p->out_w;
    const int32_t prow = p->dil_h * pw * C, pstep = sw * C, pline = sh * pw * C;
    int32_t oy = 0, ox = 0;
    for (int32_t pix0 = 0; pix0 < npix; pix0 += chunk) {
      const int32_t n = npix - pix0 < chunk ? npix - pix0 : chunk;
      int8_t *c = col;
      for (int32_t i = 0; i < n; i++, c += kp) {
        if (padded && dense) {
          const int8_t *s = pad + oy * pline + ox * pstep;
          if (run == 4) {
            for (int32_t ky = 0; ky < kh; ky++, s += prow) ((ef_u32u *)c)[ky] = *(const ef_u32u *)s;
          } else {
            int8_t *d = c;
            for (int32_t ky = 0; ky < kh; ky++, s += prow, d += run) copy_run(d, s, run);
          }
        } else if (padded) {
          const int8_t *s = pad + oy * pline + ox * pstep;
          int8_t *d = c;
          for (int32_t ky = 0; ky < kh; ky++, s += prow)
            for (int32_t kx = 0; kx < kw; kx++, d += C) copy_run(d, s + kx * p->dil_w * C, C);
        } else {
          const int32_t iy0 = oy * sh - p->pad_h, ix0 = ox * sw - p->pad_w;
          if (dense && iy0 >= 0 && ix0 >= 0 && iy0 + (kh - 1) * p->dil_h < p->in_h && ix0 + kw <= p->in_w) {
            const int8_t *s = img + (iy0 * p->in_w + ix0) * C;
            int8_t *d = c;
            for (int32_t ky = 0; ky < kh; ky++, s += p->dil_h * p->in_w * C, d += run) copy_run(d, s, run);
          } else {
            col_checked(p, img, iy0, ix0, c, zp);
          }
        }
        if (++ox == ow) ox = 0, oy++;
      }
      int8_t *o = out + (b * npix + pix0) * oc;
      ef_mve_gemm_pairs(&a, col, o, n >> 1);
      if (n & 1) ef_mve_gemm1_s8(&a, col + (n - 1) * kp, o + (n - 1) * oc);
    }
  }
}
