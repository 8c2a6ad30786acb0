/*
 * CONV_2D for Helium: columns (im2col) for a chunk of output pixels, then the VMLADAVA engine
 * over column pairs (mve_gemm_s8.c). 1x1 stride-1 convolutions over a multiple of 16 channels
 * read the NHWC input directly as columns. Otherwise, per output row, a band of k_h input rows
 * is copied once with the zero-point padding around it (the input offset is folded into the
 * bias, so padding taps read the zero point); every column is then k_h runs of k_w * in_c
 * bytes out of the band, copied in whole 16-byte vectors: a run's overshoot lands in the next
 * run, the next column or the slack, all written or ignored later, and column bytes past k
 * meet zero weights. `mult` holds the interleaved shift/mult/bias quads.
 * Scratch (sizes mirrored in pack-mve.ts): [band: k_h rows of bw bytes][16][chunk * kp][16].
 */
#include "conv_s8.h"
#include "mve_gemm_s8.h"
#include <arm_mve.h>

EF_INLINE void copy_run(int8_t *d, const int8_t *s, int32_t n) {
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
  if (kp > 112 && kp != 144 && kp != 288) return 2; /* one pair per call of the looped routine */
  int32_t n = (1280 / kp) & ~1;
  return n < 2 ? 2 : (n > 16 ? 16 : n);
}

/* Columns of m pixels of one output row: k_h runs of `run` bytes, rstride apart in the band,
 * the next pixel xstep further. */
__attribute__((noinline)) static void cols_dense(int8_t *c, const int8_t *s, int32_t m, int32_t kp, int32_t kh, int32_t rstride, int32_t run, int32_t xstep) {
  if (run <= 16) { /* one (over-long) vector per row */
    if (kh == 3) {
      for (; m > 0; m--, c += kp, s += xstep) {
        vstrbq_s8(c, vldrbq_s8(s));
        vstrbq_s8(c + run, vldrbq_s8(s + rstride));
        vstrbq_s8(c + 2 * run, vldrbq_s8(s + 2 * rstride));
      }
    } else {
      for (; m > 0; m--, c += kp, s += xstep) {
        const int8_t *r = s;
        int8_t *d = c;
        for (int32_t ky = 0; ky < kh; ky++, r += rstride, d += run) vstrbq_s8(d, vldrbq_s8(r));
      }
    }
  } else if (run == 48 && kh == 3) { /* 3x3 over 16 channels: 9 vectors per column */
    for (; m > 0; m--, c += kp, s += xstep) {
      const int8_t *r1 = s + rstride, *r2 = s + 2 * rstride;
      const int8x16_t a0 = vldrbq_s8(s), a1 = vldrbq_s8(s + 16), a2 = vldrbq_s8(s + 32);
      const int8x16_t b0 = vldrbq_s8(r1), b1 = vldrbq_s8(r1 + 16), b2 = vldrbq_s8(r1 + 32);
      vstrbq_s8(c, a0);
      vstrbq_s8(c + 16, a1);
      vstrbq_s8(c + 32, a2);
      vstrbq_s8(c + 48, b0);
      vstrbq_s8(c + 64, b1);
      vstrbq_s8(c + 80, b2);
      vstrbq_s8(c + 96, vldrbq_s8(r2));
      vstrbq_s8(c + 112, vldrbq_s8(r2 + 16));
      vstrbq_s8(c + 128, vldrbq_s8(r2 + 32));
    }
  } else if (run == 48 || run == 96) { /* 16 or 32 channels: whole rows unrolled */
    for (; m > 0; m--, c += kp, s += xstep) {
      const int8_t *r = s;
      int8_t *d = c;
      for (int32_t ky = 0; ky < kh; ky++, r += rstride, d += run) {
        vstrbq_s8(d, vldrbq_s8(r));
        vstrbq_s8(d + 16, vldrbq_s8(r + 16));
        vstrbq_s8(d + 32, vldrbq_s8(r + 32));
        if (run == 96) {
          vstrbq_s8(d + 48, vldrbq_s8(r + 48));
          vstrbq_s8(d + 64, vldrbq_s8(r + 64));
          vstrbq_s8(d + 80, vldrbq_s8(r + 80));
        }
      }
    }
  } else {
    for (; m > 0; m--, c += kp, s += xstep) {
      const int8_t *r = s;
      int8_t *d = c;
      for (int32_t ky = 0; ky < kh; ky++, r += rstride, d += run)
        for (int32_t j = 0; j < run; j += 16) vstrbq_s8(d + j, vldrbq_s8(r + j));
    }
  }
}

__attribute__((noinline)) static void cols_dilated(int8_t *c, const int8_t *s, int32_t m, int32_t kp, int32_t kh, int32_t kw, int32_t rstride, int32_t C, int32_t dstep, int32_t xstep) {
  for (; m > 0; m--, c += kp, s += xstep) {
    int8_t *d = c;
    for (int32_t ky = 0; ky < kh; ky++)
      for (int32_t kx = 0; kx < kw; kx++, d += C)
        for (int32_t j = 0; j < C; j += 16) vstrbq_s8(d + j, vldrbq_s8(s + ky * rstride + kx * dstep + j));
  }
}

/* rows input rows from iy0 on, dh apart, each zero-point padded to pw pixels (pad_w on the
 * left), bw bytes apart. */
static void build_band(const ef_conv_s8_params *p, const int8_t *img, int32_t iy0, int32_t rows, int32_t dh, int32_t pw, int32_t bw, int8_t *band, int8x16_t zp) {
  const int32_t C = p->in_c, left = p->pad_w, mid = p->in_w < pw - left ? p->in_w : pw - left;
  for (int32_t ky = 0; ky < rows; ky++, band += bw) {
    const int32_t iy = iy0 + ky * dh;
    if (iy < 0 || iy >= p->in_h) {
      fill_run(band, zp, pw * C);
      continue;
    }
    fill_run(band, zp, left * C);
    copy_run(band + left * C, img + iy * p->in_w * C, mid * C);
    fill_run(band + (left + mid) * C, zp, (pw - left - mid) * C);
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
  const int32_t kh = p->k_h, kw = p->k_w, sw = p->stride_w, ow = p->out_w;
  const int32_t pw = (ow - 1) * sw + (kw - 1) * p->dil_w + 1, bw = ((pw * C + 15) & ~15) + 16;
  const int32_t ph = (p->out_h - 1) * p->stride_h + (kh - 1) * p->dil_h + 1;
  const int whole = ph * pw * C <= 4096; /* small images: pad the whole input once */
  int8_t *band = (int8_t *)scratch;
  int8_t *col = band + (whole ? ((ph * pw * C + 15) & ~15) : kh * bw) + 16;
  const int32_t rstride = whole ? p->dil_h * pw * C : bw, ystep = p->stride_h * pw * C;
  const int32_t chunk = chunk_of(kp), run = kw * C, xstep = sw * C, dstep = p->dil_w * C;
  const int dense = p->dil_w == 1;
  for (int32_t b = 0; b < p->batches; b++) {
    const int8_t *img = in + b * p->in_h * p->in_w * C;
    int32_t oy = 0, ox = 0;
    const int8_t *bnd = band;
    if (whole) build_band(p, img, -p->pad_h, ph, 1, pw, pw * C, band, zp); /* the padded image */
    else build_band(p, img, -p->pad_h, kh, p->dil_h, pw, bw, band, zp);
    for (int32_t pix0 = 0; pix0 < npix; pix0 += chunk) {
      const int32_t n = npix - pix0 < chunk ? npix - pix0 : chunk;
      for (int32_t i = 0; i < n;) { /* runs of pixels within one output row */
        const int32_t m = n - i < ow - ox ? n - i : ow - ox;
        if (dense) cols_dense(col + i * kp, bnd + ox * xstep, m, kp, kh, rstride, run, xstep);
        else cols_dilated(col + i * kp, bnd + ox * xstep, m, kp, kh, kw, rstride, C, dstep, xstep);
        i += m;
        ox += m;
        if (ox == ow) {
          ox = 0;
          if (++oy < p->out_h) {
            if (whole) bnd += ystep;
            else build_band(p, img, oy * p->stride_h - p->pad_h, kh, p->dil_h, pw, bw, band, zp);
          }
        }
      }
      int8_t *o = out + (b * npix + pix0) * oc;
      ef_mve_gemm_pairs(&a, col, o, n >> 1);
      if (n & 1) ef_mve_gemm1_s8(&a, col + (n - 1) * kp, o + (n - 1) * oc);
    }
  }
}
