/*
 * DEPTHWISE_CONV_2D (depth multiplier 1, channels a multiple of 4) for the Arm DSP extension.
 * Padding taps read the input zero point (the input offset is folded into the bias); weights
 * and bias are pre-doubled (2*acc feeds the exact requantization of dsp_s8.h).
 *
 * 3x3, stride 1, dilation 1: sliding window. Four channels at a time are transposed into
 * channel planes of q15, column-major (one column of the padded input = DW_COL halfwords),
 * so that a word holds two vertically adjacent inputs. With A = (in[y-1], in[y]),
 * B = (in[y+1], in[y+2]) and per kernel column P = (w0, w1), Q = (w1, w2):
 *   out[y]   += SMLAD(A, P) + SMLABT(B, Q),   out[y+1] += SMLATB(A, P) + SMLAD(B, Q),
 * 12 MACs for one LDRD and four multiplies per kernel column. Accumulators go to a small
 * buffer and are requantized in a second pass (the first pass needs all 14 registers).
 * Output rows are tiled by DW_TILE. Filter: per channel 6 words P0 Q0 P1 Q1 P2 Q2 (kernel
 * columns 0..2). Scratch: 4 planes + accumulators (dw_scratch in pack-dsp.ts).
 *
 * Other shapes: four channels per word, SXTB16 into (c0,c2) (c1,c3) halfword pairs and
 * SMLABB/SMLATT against weights packed [c/4][tap] x (c0,c2) (c1,c3).
 */
#include "conv_s8.h"
#if !defined(__ARM_FEATURE_DSP)
#error "dwconv_s8_dsp.c needs the Arm DSP extension (Cortex-M4/M7/M33)"
#endif
#include "dsp_s8.h"

#define DW_COL 32  /* halfwords per plane column (64 bytes: the asm's LDRD offsets) */
#define DW_TILE 28 /* output rows per tile: rows + 3 <= DW_COL */

EF_INLINE uint32_t pkhbt16(uint32_t a, uint32_t b) { /* (a.lo, b.lo) */
  uint32_t r;
  __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
EF_INLINE uint32_t pkhtb16(uint32_t a, uint32_t b) { /* (b.hi, a.hi) */
  uint32_t r;
  __asm__("pkhtb %0, %1, %2, asr #16" : "=r"(r) : "r"(a), "r"(b));
  return r;
}

/* Two vertically adjacent input words (4 channels each) -> one word in each of 4 planes. */
EF_INLINE void tr_pair(uint32_t a, uint32_t b, uint32_t *d, int32_t ps) {
  const uint32_t a02 = __sxtb16(a), a13 = sxtb16_ror8(a), b02 = __sxtb16(b), b13 = sxtb16_ror8(b);
  d[0] = pkhbt16(a02, b02);
  d[ps] = pkhbt16(a13, b13);
  d[2 * ps] = pkhtb16(b02, a02);
  d[3 * ps] = pkhtb16(b13, a13);
}

EF_INLINE uint32_t ld32(const int8_t *s) {
  uint32_t w;
  __builtin_memcpy(&w, s, 4);
  return w;
}

/* Channels c..c+3, output rows y0..y0+th-1: planes of X columns x DW_COL rows. */
static void transpose4(const ef_conv_s8_params *p, const int8_t *in, int32_t c, int32_t y0, int32_t rows, uint32_t *pl, int32_t X, uint32_t zp4, int borders) {
  const int32_t C = p->in_c, WC = p->in_w * C, ps = X * (DW_COL / 2), in_h = p->in_h;
  const int32_t iyb = y0 - p->pad_h; /* input row of buffer row 0 */
  /* buffer row pairs starting at r in [rs, re) have both rows inside the input */
  int32_t rs = iyb < 0 ? (-iyb + 1) & ~1 : 0, re = in_h - 1 - iyb;
  if (rs > rows) rs = rows;
  if (re < rs) re = rs;
  if (re > rows) re = rows;
  const uint32_t zpair = pkhbt16(__sxtb16(zp4), __sxtb16(zp4));
  for (int32_t xb = 0; xb < X; xb++) {
    const int32_t ix = xb - p->pad_w;
    uint32_t *d = pl + xb * (DW_COL / 2);
    if (ix < 0 || ix >= p->in_w) { /* all zero points: the same for every channel group */
      if (borders)
        for (int32_t r = 0; r < rows; r += 2, d++) d[0] = d[ps] = d[2 * ps] = d[3 * ps] = zpair;
      continue;
    }
    const int8_t *s = in + ix * C + c + iyb * WC;
    for (int32_t r = 0; r < rows; r += 2, d++) {
      if (r == rs && r < re) {
        const int8_t *sa = s + r * WC;
        for (; r < re; r += 2, d++, sa += 2 * WC) tr_pair(ld32(sa), ld32(sa + WC), d, ps);
        if (r >= rows) break;
      }
      const int32_t ia = iyb + r, ib = ia + 1;
      const int va = ia >= 0 && ia < in_h, vb = ib >= 0 && ib < in_h;
      if (!va && !vb) d[0] = d[ps] = d[2 * ps] = d[3 * ps] = zpair;
      else tr_pair(va ? ld32(s + r * WC) : zp4, vb ? ld32(s + (r + 1) * WC) : zp4, d, ps);
    }
  }
}

/* One output row pair of one plane column (A/B r6/r7, accumulators r8/r9). */
#define EF_DW_PAIR                     \
  "ldrd r6, r7, [r10], #4\n"           \
  "smlad r8, r6, r0, lr\n"             \
  "smlatb r9, r6, r0, lr\n"            \
  "smlabt r8, r7, r1, r8\n"            \
  "smlad r9, r7, r1, r9\n"             \
  "ldrd r6, r7, [r10, #60]\n"          \
  "smlad r8, r6, r2, r8\n"             \
  "smlatb r9, r6, r2, r9\n"            \
  "smlabt r8, r7, r3, r8\n"            \
  "smlad r9, r7, r3, r9\n"             \
  "ldrd r6, r7, [r10, #124]\n"         \
  "smlad r8, r6, r4, r8\n"             \
  "smlatb r9, r6, r4, r9\n"            \
  "smlabt r8, r7, r5, r8\n"            \
  "smlad r9, r7, r5, r9\n"             \
  "strd r8, r9, [r11], #8\n"

/* First pass of one channel: `ctl` = {(pairs+1)/2, 64 - 4*pairs, columns, pairs & 1}; per
 * plane column `pairs` output row pairs of 2*acc into q (two words per pair, columns back to
 * back); two pairs per iteration, an odd count enters at the second. */
EF_INLINE void col3(const uint32_t *w, int32_t bias, const uint32_t *pcol, int32_t *q, const int32_t ctl[4]) {
  register uint32_t P0 __asm__("r0") = w[0], Q0 __asm__("r1") = w[1], P1 __asm__("r2") = w[2];
  register uint32_t Q1 __asm__("r3") = w[3], P2 __asm__("r4") = w[4], Q2 __asm__("r5") = w[5];
  register const int32_t *c __asm__("r6") = ctl;
  register const uint32_t *pp __asm__("r10") = pcol;
  register int32_t *qq __asm__("r11") = q;
  register int32_t b __asm__("lr") = bias;
  __asm__ volatile(
      "ldm r6, {r7, r8, r9, r12}\n"
      "push {r7, r8, r9, r12}\n" /* [sp] (pairs+1)/2, column step, columns left, pairs odd */
      "3:\n"
      "ldr r12, [sp]\n"
      "ldr r6, [sp, #12]\n"
      "cmp r6, #0\n"
      "bne 5f\n"
      "1:\n" EF_DW_PAIR
      "5:\n" EF_DW_PAIR
      "subs r12, r12, #1\n"
      "bne 1b\n"
      "ldr r12, [sp, #4]\n"
      "add r10, r10, r12\n"
      "ldr r6, [sp, #8]\n"
      "subs r6, r6, #1\n"
      "str r6, [sp, #8]\n"
      "bne 3b\n"
      "add sp, sp, #16\n"
      : "+r"(c), "+r"(pp), "+r"(qq)
      : "r"(P0), "r"(Q0), "r"(P1), "r"(Q1), "r"(P2), "r"(Q2), "r"(b)
      : "r7", "r8", "r9", "r12", "cc", "memory");
}

/* Second pass of one channel, full int8 range with the offset folded: `cols` columns of
 * `pairs` row pairs (2*pairs accumulators each, the last one unused when `odd`), two output
 * rows per iteration; ctl = {pairs, channel stride C, odd}. One variant per usual shift
 * (3..12) puts it into SSAT's immediate (two instructions fewer per row pair). */
/* One row pair of a column: two accumulators → two output bytes (rows y and y+1). */
#define EF_RQ_ROWPAIR(SAT) \
  "ldrd %[a0], %[a1], [%[q]], #8\n" \
  "smmlar %[r0], %[a0], %[m], %[K]\n" \
  "smmlar %[r1], %[a1], %[m], %[K]\n" \
  "add %[r0], %[r0], %[a0], asr #31\n" \
  "add %[r1], %[r1], %[a1], asr #31\n" \
  SAT("r0") SAT("r1") \
  "strb %[r1], [%[o], %[s]]\n" \
  "strb %[r0], [%[o]]\n" \
  "add %[o], %[o], %[s], lsl #1\n"

#define EF_RQ_CHANNEL(NAME, SAT) \
static void rq_channel_##NAME(const int32_t *q, int8_t *o, int32_t cols, const int32_t *t, int32_t stride, const int32_t ctl3[3]) { \
  /* {(pairs+1)/2, C, odd row, columns left, pairs odd}: in memory, 13 registers are in use */ \
  int32_t ctl[5] = {(ctl3[0] + 1) >> 1, ctl3[1], ctl3[2], cols, ctl3[0] & 1}; \
  int32_t a0, a1, r0, r1, n; \
  int8_t *oc = o; \
  __asm__ volatile( \
      "3:\n" \
      "mov %[o], %[oc]\n" \
      "ldr %[n], [%[ctl]]\n" \
      "cmp %[n], #0\n" \
      "beq 4f\n" \
      "ldr %[a0], [%[ctl], #16]\n" /* odd pair count: enter at the second pair */ \
      "cmp %[a0], #0\n" \
      "bne 6f\n" \
      "1:\n" \
      EF_RQ_ROWPAIR(SAT) \
      "6:\n" \
      EF_RQ_ROWPAIR(SAT) \
      "subs %[n], %[n], #1\n" \
      "bne 1b\n" \
      "4:\n" \
      "ldr %[n], [%[ctl], #8]\n" \
      "cmp %[n], #0\n" \
      "beq 5f\n" \
      "ldr %[a0], [%[q]], #8\n" \
      "smmlar %[r0], %[a0], %[m], %[K]\n" \
      "add %[r0], %[r0], %[a0], asr #31\n" \
      SAT("r0") \
      "strb %[r0], [%[o]]\n" \
      "5:\n" \
      "ldr %[n], [%[ctl], #4]\n" \
      "add %[oc], %[oc], %[n]\n" \
      "ldr %[n], [%[ctl], #12]\n" \
      "subs %[n], %[n], #1\n" \
      "str %[n], [%[ctl], #12]\n" \
      "bne 3b\n" \
      : [a0] "=&r"(a0), [a1] "=&r"(a1), [r0] "=&r"(r0), [r1] "=&r"(r1), [n] "=&r"(n), [q] "+r"(q), [o] "=&r"(o), [oc] "+r"(oc) \
      : [m] "r"(t[0]), [rs] "r"(t[1]), [K] "r"(t[2]), [s] "r"(stride), [ctl] "r"(ctl) \
      : "cc", "memory"); \
}
#define EF_SAT_REG(r) "asr %[" r "], %[" r "], %[rs]\n ssat %[" r "], #8, %[" r "]\n"
EF_RQ_CHANNEL(reg, EF_SAT_REG)
#define EF_SAT_3(r) "ssat %[" r "], #8, %[" r "], asr #3\n"
EF_RQ_CHANNEL(3, EF_SAT_3)
#define EF_SAT_4(r) "ssat %[" r "], #8, %[" r "], asr #4\n"
EF_RQ_CHANNEL(4, EF_SAT_4)
#define EF_SAT_5(r) "ssat %[" r "], #8, %[" r "], asr #5\n"
EF_RQ_CHANNEL(5, EF_SAT_5)
#define EF_SAT_6(r) "ssat %[" r "], #8, %[" r "], asr #6\n"
EF_RQ_CHANNEL(6, EF_SAT_6)
#define EF_SAT_7(r) "ssat %[" r "], #8, %[" r "], asr #7\n"
EF_RQ_CHANNEL(7, EF_SAT_7)
#define EF_SAT_8(r) "ssat %[" r "], #8, %[" r "], asr #8\n"
EF_RQ_CHANNEL(8, EF_SAT_8)
#define EF_SAT_9(r) "ssat %[" r "], #8, %[" r "], asr #9\n"
EF_RQ_CHANNEL(9, EF_SAT_9)
#define EF_SAT_10(r) "ssat %[" r "], #8, %[" r "], asr #10\n"
EF_RQ_CHANNEL(10, EF_SAT_10)
#define EF_SAT_11(r) "ssat %[" r "], #8, %[" r "], asr #11\n"
EF_RQ_CHANNEL(11, EF_SAT_11)
#define EF_SAT_12(r) "ssat %[" r "], #8, %[" r "], asr #12\n"
EF_RQ_CHANNEL(12, EF_SAT_12)

EF_INLINE void rq_channel(const int32_t *q, int8_t *o, int32_t cols, const int32_t *t, int32_t stride, const int32_t ctl3[3]) {
  switch (t[1]) {
    case 3: rq_channel_3(q, o, cols, t, stride, ctl3); break;
    case 4: rq_channel_4(q, o, cols, t, stride, ctl3); break;
    case 5: rq_channel_5(q, o, cols, t, stride, ctl3); break;
    case 6: rq_channel_6(q, o, cols, t, stride, ctl3); break;
    case 7: rq_channel_7(q, o, cols, t, stride, ctl3); break;
    case 8: rq_channel_8(q, o, cols, t, stride, ctl3); break;
    case 9: rq_channel_9(q, o, cols, t, stride, ctl3); break;
    case 10: rq_channel_10(q, o, cols, t, stride, ctl3); break;
    case 11: rq_channel_11(q, o, cols, t, stride, ctl3); break;
    case 12: rq_channel_12(q, o, cols, t, stride, ctl3); break;
    default: rq_channel_reg(q, o, cols, t, stride, ctl3);
  }
}

EF_INLINE void dw3x3(const ef_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch, const int fast) {
  const int32_t C = p->out_c, X = p->out_w + 2, ps = X * (DW_COL / 2), OWC = p->out_w * C;
  uint32_t *pl = (uint32_t *)scratch;
  int32_t *acc = (int32_t *)(void *)(pl + 4 * ps);
  const uint8_t zb = (uint8_t)(int8_t)(-p->in_offset);
  const uint32_t zp4 = zb * 0x01010101u;
  const int32_t add = p->mult[0] ? 0 : p->out_offset, lo = p->act_min, hi = p->act_max;
  for (int32_t b = 0; b < p->batches; b++) {
    const int8_t *inb = in + b * p->in_h * p->in_w * C;
    for (int32_t y0 = 0; y0 < p->out_h; y0 += DW_TILE) {
      const int32_t th = p->out_h - y0 < DW_TILE ? p->out_h - y0 : DW_TILE;
      const int32_t pairs = (th + 1) >> 1, rows = 2 * pairs + 2;
      const int32_t ctl[3] = {th >> 1, C, th & 1}, cctl[4] = {(pairs + 1) >> 1, 2 * DW_COL - 4 * pairs, p->out_w, pairs & 1};
      for (int32_t c = 0; c < C; c += 4) {
        transpose4(p, inb, c, y0, rows, pl, X, zp4, c == 0);
        for (int32_t j = 0; j < 4; j++) {
          const int32_t ch = c + j;
          const uint32_t *w = (const uint32_t *)(const void *)p->filter + 6 * ch;
          col3(w, p->bias[ch], pl + j * ps, acc, cctl);
          const int32_t *t = p->mult + 1 + 3 * ch;
          const int32_t tt[3] = {t[0], t[1], t[2]};
          if (fast) {
            rq_channel(acc, out + ((b * p->out_h + y0) * p->out_w) * C + ch, p->out_w, tt, OWC, ctl);
            continue;
          }
          for (int32_t x = 0; x < p->out_w; x++) {
            const int32_t *q = acc + x * 2 * pairs;
            int8_t *o = out + ((b * p->out_h + y0) * p->out_w + x) * C + ch;
            for (int32_t y = 0; y < th; y++, o += OWC) *o = rq_gen(q[y], tt, add, lo, hi);
          }
        }
      }
    }
  }
}

EF_INLINE void dw(const ef_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch, const int full) {
  const int32_t C = p->out_c, groups = C >> 2, taps = p->k_h * p->k_w;
  const int8_t **ptr = (const int8_t **)scratch; /* per-tap row pointers of the current pixel */
  int8_t *zpbuf = (int8_t *)(ptr + taps);        /* C bytes of the input zero point (padding taps) */
  for (int32_t c = 0; c < C; c++) zpbuf[c] = (int8_t)(-p->in_offset);
  const int32_t add = p->mult[0] ? 0 : p->out_offset, lo = p->act_min, hi = p->act_max;
  for (int32_t b = 0; b < p->batches; b++)
    for (int32_t oy = 0; oy < p->out_h; oy++)
      for (int32_t ox = 0; ox < p->out_w; ox++) {
        ef_dw_taps(p, in, zpbuf, b, oy, ox, ptr);
        int8_t *o = out + ((b * p->out_h + oy) * p->out_w + ox) * C;
        const uint32_t *w = (const uint32_t *)(const void *)p->filter;
        const int32_t *bias = p->bias, *t = p->mult + 1;
        for (int32_t g4 = 0; g4 < 4 * groups; g4 += 4) {
          int32_t a0 = bias[0], a1 = bias[1], a2 = bias[2], a3 = bias[3];
          for (int32_t k = 0; k < taps; k++) {
            uint32_t x;
            __builtin_memcpy(&x, ptr[k] + g4, 4);
            const uint32_t xa = __sxtb16(x), xb = sxtb16_ror8(x);
            a0 = __smlabb(xa, w[0], a0);
            a2 = __smlatt(xa, w[0], a2);
            a1 = __smlabb(xb, w[1], a1);
            a3 = __smlatt(xb, w[1], a3);
            w += 2;
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

__attribute__((optimize("omit-frame-pointer"))) void ef_dwconv_s8_dsp(const ef_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
  const int fast = p->mult[0] && p->act_min == -128 && p->act_max == 127;
  if (p->k_h == 3 && p->k_w == 3 && p->stride_h == 1 && p->stride_w == 1 && p->dil_h == 1 && p->dil_w == 1) {
    if (fast) dw3x3(p, in, out, scratch, 1);
    else dw3x3(p, in, out, scratch, 0);
  } else if (fast) {
    dw(p, in, out, scratch, 1);
  } else {
    dw(p, in, out, scratch, 0);
  }
}
