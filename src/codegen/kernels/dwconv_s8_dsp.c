/*
 * DEPTHWISE_CONV_2D (depth multiplier 1, channels a multiple of 4) for the Arm DSP
 * extension: four channels per word, SXTB16 splits them into (c0,c2) (c1,c3) halfword pairs
 * and SMLABB/SMLATT accumulate against q15 weights the emitter packed in the same order.
 * Padding taps read the input zero point (the input offset is folded into the bias).
 * Filter: [c/4][tap] x two words (c0,c2) (c1,c3), int16. Scratch: taps pointers + C bytes.
 */
#include "conv_s8.h"
#if !defined(__ARM_FEATURE_DSP)
#error "dwconv_s8_dsp.c needs the Arm DSP extension (Cortex-M4/M7/M33)"
#endif
#include "dsp_s8.h"

EF_INLINE void dw(const ef_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch, const int full) {
  const int32_t C = p->out_c, groups = C >> 2, taps = p->k_h * p->k_w;
  const int8_t **ptr = (const int8_t **)scratch; /* per-tap row pointers of the current pixel */
  int8_t *zpbuf = (int8_t *)(ptr + taps);        /* C bytes of the input zero point (padding taps) */
  for (int32_t c = 0; c < C; c++) zpbuf[c] = (int8_t)(-p->in_offset);
  const int32_t add = p->mult[0] ? 0 : p->out_offset, lo = p->act_min, hi = p->act_max;
  for (int32_t b = 0; b < p->batches; b++)
    for (int32_t oy = 0; oy < p->out_h; oy++)
      for (int32_t ox = 0; ox < p->out_w; ox++) {
        const int32_t iy0 = oy * p->stride_h - p->pad_h, ix0 = ox * p->stride_w - p->pad_w;
        for (int32_t ky = 0, t = 0; ky < p->k_h; ky++)
          for (int32_t kx = 0; kx < p->k_w; kx++, t++) {
            const int32_t iy = iy0 + ky * p->dil_h, ix = ix0 + kx * p->dil_w;
            ptr[t] = (iy >= 0 && iy < p->in_h && ix >= 0 && ix < p->in_w) ? in + ((b * p->in_h + iy) * p->in_w + ix) * C : zpbuf;
          }
        int8_t *o = out + ((b * p->out_h + oy) * p->out_w + ox) * C;
        const uint32_t *w = (const uint32_t *)(const void *)p->filter;
        const int32_t *bias = p->bias, *t = p->mult + 1;
        for (int32_t g4 = 0; g4 < 4 * groups; g4 += 4) {
          int32_t a0 = bias[0], a1 = bias[1], a2 = bias[2], a3 = bias[3];
          if (taps == 9) {
            /* 3x3: nine taps in one asm block (9 instructions per tap, 4 MACs), so the
             * compiler cannot spill the accumulators between taps. */
            uint32_t x, xa, xb, wa, wb;
#define EF_TAP(off)                                   \
  "ldr %[x], [%[ptrs], #" #off "]\n"                  \
  "ldr %[x], [%[x], %[g4]]\n"                         \
  "sxtb16 %[xa], %[x]\n"                              \
  "sxtb16 %[xb], %[x], ror #8\n"                      \
  "ldrd %[wa], %[wb], [%[w]], #8\n"                   \
  "smlabb %[a0], %[xa], %[wa], %[a0]\n"               \
  "smlatt %[a2], %[xa], %[wa], %[a2]\n"               \
  "smlabb %[a1], %[xb], %[wb], %[a1]\n"               \
  "smlatt %[a3], %[xb], %[wb], %[a3]\n"
            __asm__(EF_TAP(0) EF_TAP(4) EF_TAP(8) EF_TAP(12) EF_TAP(16) EF_TAP(20) EF_TAP(24) EF_TAP(28) EF_TAP(32)
                    : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [w] "+r"(w),
                      [x] "=&r"(x), [xa] "=&r"(xa), [xb] "=&r"(xb), [wa] "=&r"(wa), [wb] "=&r"(wb)
                    : [ptrs] "r"(ptr), [g4] "r"(g4)
                    : "memory");
#undef EF_TAP
          } else {
            for (int32_t t = 0; t < taps; t++) {
              uint32_t x;
              __builtin_memcpy(&x, ptr[t] + g4, 4);
              const uint32_t xa = __sxtb16(x), xb = sxtb16_ror8(x);
              a0 = __smlabb(xa, w[0], a0);
              a2 = __smlatt(xa, w[0], a2);
              a1 = __smlabb(xb, w[1], a1);
              a3 = __smlatt(xb, w[1], a3);
              w += 2;
            }
          }
          if (full) {
            o[0] = rq_fast(a0, t);
            o[1] = rq_fast(a1, t + 3);
            o[2] = rq_fast(a2, t + 6);
            o[3] = rq_fast(a3, t + 9);
          } else {
            o[0] = rq_gen(a0, t, add, lo, hi);
            o[1] = rq_gen(a1, t + 3, add, lo, hi);
            o[2] = rq_gen(a2, t + 6, add, lo, hi);
            o[3] = rq_gen(a3, t + 9, add, lo, hi);
          }
          o += 4;
          bias += 4;
          t += 12;
        }
      }
}

void ef_dwconv_s8_dsp(const ef_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
  if (p->mult[0] && p->act_min == -128 && p->act_max == 127) dw(p, in, out, scratch, 1);
  else dw(p, in, out, scratch, 0);
}
