/* DEPTHWISE_CONV_2D (depth multiplier 1) for RV32, weights [c][tap], input offset folded into
 * the bias (padding reads the input zero point). 3x3 kernels (any stride, no dilation) go one
 * channel at a time through a zero-point-padded plane of that channel, so every output is nine
 * byte loads at fixed offsets from two row pointers, with the channel's nine weights in
 * registers; other shapes use per-pixel tap pointers. Scratch: see packDwRv32. */
#include "conv_s8.h"
#include "rv32_gemm_s8.h"

static void dw3x3(const ef_conv_s8_params *p, const int8_t *in, int8_t *out, int8_t *pl) {
  const int32_t C = p->out_c, H = p->in_h, W = p->in_w, OH = p->out_h, OW = p->out_w, sh = p->stride_h, sw = p->stride_w;
  const int32_t PH = (OH - 1) * sh + 3, PW = (OW - 1) * sw + 3;
  const int32_t off = p->out_offset, lo = p->act_min, hi = p->act_max;
  const int8_t zp = (int8_t)(-p->in_offset);
  for (int32_t b = 0; b < p->batches; b++)
    for (int32_t c = 0; c < C; c++) {
      /* the plane: zero point outside the input, channel c inside */
      for (int32_t y = 0; y < PH; y++) {
        const int32_t iy = y - p->pad_h;
        int8_t *row = pl + y * PW;
        if (iy < 0 || iy >= H) {
          for (int32_t x = 0; x < PW; x++) row[x] = zp;
          continue;
        }
        const int8_t *src = in + ((b * H + iy) * W) * C + c;
        const int32_t x0 = p->pad_w, x1 = p->pad_w + W < PW ? p->pad_w + W : PW; /* interior [x0, x1) */
        int32_t x = 0;
        for (; x < x0; x++) row[x] = zp;
        for (; x < x1; x++, src += C) row[x] = *src;
        for (; x < PW; x++) row[x] = zp;
      }
      const int8_t *w = p->filter + 9 * c;
      const int32_t w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4], w5 = w[5], w6 = w[6], w7 = w[7], w8 = w[8];
      const int32_t bias = p->bias[c], m = p->mult[c], s = p->shift[c];
      int8_t *o = out + (b * OH * OW) * C + c;
      for (int32_t oy = 0; oy < OH; oy++) {
        const int8_t *r0 = pl + oy * sh * PW, *r1 = r0 + PW, *r2 = r1 + PW;
        for (int32_t ox = 0; ox < OW; ox++, r0 += sw, r1 += sw, r2 += sw, o += C) {
          const int32_t acc = bias + r0[0] * w0 + r0[1] * w1 + r0[2] * w2 + r1[0] * w3 + r1[1] * w4 + r1[2] * w5 + r2[0] * w6 + r2[1] * w7 + r2[2] * w8;
          *o = (int8_t)ef_rv32_rq(acc, m, s, off, lo, hi);
        }
      }
    }
}

void ef_dwconv_s8_rv32(const ef_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
  if (p->k_h == 3 && p->k_w == 3 && p->dil_h == 1 && p->dil_w == 1) {
    dw3x3(p, in, out, (int8_t *)scratch);
    return;
  }
  const int32_t C = p->out_c, taps = p->k_h * p->k_w;
  const int32_t off = p->out_offset, lo = p->act_min, hi = p->act_max;
  const int8_t **ptr = (const int8_t **)scratch;
  int8_t *zpbuf = (int8_t *)(ptr + taps);
  for (int32_t c = 0; c < C; c++) zpbuf[c] = (int8_t)(-p->in_offset);
  for (int32_t b = 0; b < p->batches; b++)
    for (int32_t oy = 0; oy < p->out_h; oy++)
      for (int32_t ox = 0; ox < p->out_w; ox++) {
        ef_dw_taps(p, in, zpbuf, b, oy, ox, ptr);
        int8_t *o = out + ((b * p->out_h + oy) * p->out_w + ox) * C;
        for (int32_t c = 0; c < C; c++) {
          const int8_t *w = p->filter + taps * c;
          int32_t acc = p->bias[c];
          for (int32_t t = 0; t < taps; t++) acc += ptr[t][c] * w[t];
          o[c] = (int8_t)ef_rv32_rq(acc, p->mult[c], p->shift[c], off, lo, hi);
        }
      }
}
