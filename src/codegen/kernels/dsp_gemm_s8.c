/*
 * Arm DSP-extension inner product: 2 output channels x 3 columns per pass. Per k pair one LDM
 * of two weight words, one LDM of three column words and six SMLADs (12 MACs for 8
 * instructions); 14 pinned registers (r0-r12, lr), so the kernels need -O1 or higher (r7
 * must not be the frame pointer). Weights and bias are pre-doubled, so the accumulators hold
 * 2*acc, which is what the exact requantization (dsp_s8.h) multiplies; the emitter checks
 * |acc| < 2^30 per layer before choosing this kernel.
 */
#include "dsp_gemm_s8.h"
#if !defined(__ARM_FEATURE_DSP)
#error "dsp_gemm_s8.c needs the Arm DSP extension (Cortex-M4/M7/M33)"
#endif
#include "dsp_s8.h"

void ef_dsp_expand_s8(const int8_t *src, int16_t *xq, int32_t col, int32_t kp) {
  uint32_t *d = (uint32_t *)(void *)xq + col;
  for (int32_t i = 0; i < kp; i += 8) {
    uint32_t w, v;
    __builtin_memcpy(&w, src + i, 4);
    __builtin_memcpy(&v, src + i + 4, 4);
    d[0] = __sxtb16(w);
    d[3] = sxtb16_ror8(w);
    d[6] = __sxtb16(v);
    d[9] = sxtb16_ror8(v);
    d += 12;
  }
}

/* 2 rows x 3 columns x 8 k per iteration: 8 LDM + 24 SMLAD + SUBS/BNE. Registers are fixed
 * because LDM fills its list in ascending register order. */
EF_INLINE void mac_2x3(const uint32_t **pw, const uint32_t *x, int32_t iters, int32_t acc[6]) {
  register uint32_t w0 __asm__("r0"), w1 __asm__("r1");
  register uint32_t x0 __asm__("r2"), x1 __asm__("r3"), x2 __asm__("r4");
  register int32_t a00 __asm__("r5") = acc[0];
  register int32_t a01 __asm__("r6") = acc[1];
  register int32_t a02 __asm__("r7") = acc[2];
  register int32_t a10 __asm__("r8") = acc[3];
  register int32_t a11 __asm__("r9") = acc[4];
  register int32_t a12 __asm__("r10") = acc[5];
  register const uint32_t *wp __asm__("r11") = *pw;
  register const uint32_t *xp __asm__("r12") = x;
  register int32_t n __asm__("lr") = iters;
#define EF_MAC_STEP                                   \
  "ldmia %[wp]!, {%[w0], %[w1]}\n"                   \
  "ldmia %[xp]!, {%[x0], %[x1], %[x2]}\n"            \
  "smlad %[a00], %[w0], %[x0], %[a00]\n"             \
  "smlad %[a01], %[w0], %[x1], %[a01]\n"             \
  "smlad %[a02], %[w0], %[x2], %[a02]\n"             \
  "smlad %[a10], %[w1], %[x0], %[a10]\n"             \
  "smlad %[a11], %[w1], %[x1], %[a11]\n"             \
  "smlad %[a12], %[w1], %[x2], %[a12]\n"
  __asm__ volatile("1:\n" EF_MAC_STEP EF_MAC_STEP EF_MAC_STEP EF_MAC_STEP "subs %[n], %[n], #1\n bne 1b\n"
                   : [w0] "=&r"(w0), [w1] "=&r"(w1), [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2),
                     [a00] "+r"(a00), [a01] "+r"(a01), [a02] "+r"(a02), [a10] "+r"(a10), [a11] "+r"(a11), [a12] "+r"(a12),
                     [wp] "+r"(wp), [xp] "+r"(xp), [n] "+r"(n)
                   :
                   : "cc", "memory");
#undef EF_MAC_STEP
  *pw = wp;
  acc[0] = a00;
  acc[1] = a01;
  acc[2] = a02;
  acc[3] = a10;
  acc[4] = a11;
  acc[5] = a12;
}

EF_INLINE void gemm(const ef_dsp_gemm_args *a, const int16_t *xq, int8_t *o0, int8_t *o1, int8_t *o2, const int fast) {
  const uint32_t *wp = (const uint32_t *)(const void *)a->w;
  const uint32_t *x = (const uint32_t *)(const void *)xq;
  const int32_t *bias = a->bias, *t = a->rq + 1;
  const int32_t iters = a->kp >> 3, add = a->rq[0] ? 0 : a->out_offset, lo = a->act_min, hi = a->act_max;
  for (int32_t pairs = a->rows >> 1; pairs > 0; pairs--) {
    int32_t acc[6] = {bias[0], bias[0], bias[0], bias[1], bias[1], bias[1]};
    mac_2x3(&wp, x, iters, acc);
    /* table words into locals first: the int8 stores may alias them */
    const int32_t t0[3] = {t[0], t[1], t[2]}, t1[3] = {t[3], t[4], t[5]};
    int8_t r[6];
    if (fast) {
      r[0] = rq_fast(acc[0], t0);
      r[1] = rq_fast(acc[1], t0);
      r[2] = rq_fast(acc[2], t0);
      r[3] = rq_fast(acc[3], t1);
      r[4] = rq_fast(acc[4], t1);
      r[5] = rq_fast(acc[5], t1);
    } else {
      r[0] = rq_gen(acc[0], t0, add, lo, hi);
      r[1] = rq_gen(acc[1], t0, add, lo, hi);
      r[2] = rq_gen(acc[2], t0, add, lo, hi);
      r[3] = rq_gen(acc[3], t1, add, lo, hi);
      r[4] = rq_gen(acc[4], t1, add, lo, hi);
      r[5] = rq_gen(acc[5], t1, add, lo, hi);
    }
    o0[0] = r[0];
    o1[0] = r[1];
    o2[0] = r[2];
    o0[1] = r[3];
    o1[1] = r[4];
    o2[1] = r[5];
    o0 += 2;
    o1 += 2;
    o2 += 2;
    bias += 2;
    t += 6;
  }
  if (a->rows & 1) { /* the packing padded a zero row; its results are dropped */
    int32_t acc[6] = {bias[0], bias[0], bias[0], 0, 0, 0};
    mac_2x3(&wp, x, iters, acc);
    o0[0] = rq_gen(acc[0], t, add, lo, hi);
    o1[0] = rq_gen(acc[1], t, add, lo, hi);
    o2[0] = rq_gen(acc[2], t, add, lo, hi);
  }
}

void ef_dsp_gemm_s8(const ef_dsp_gemm_args *a, const int16_t *xq, int8_t *o0, int8_t *o1, int8_t *o2) {
  if (!o1) o1 = o0; /* fewer columns: xq repeats column 0, the results are the same */
  if (!o2) o2 = o0;
  if (a->rq[0] && a->act_min == -128 && a->act_max == 127) gemm(a, xq, o0, o1, o2, 1);
  else gemm(a, xq, o0, o1, o2, 0);
}

/* One column (batch-1 FULLY_CONNECTED): 2 rows x 8 k per iteration, 2+2 LDM + 8 SMLAD.
 * `xq` holds the column contiguously: (k0,k2) (k1,k3) per 4-k group. */
EF_INLINE void mac_2x1(const uint32_t **pw, const uint32_t *x, int32_t iters, int32_t acc[2]) {
  register uint32_t w0 __asm__("r0"), w1 __asm__("r1"), w2 __asm__("r2"), w3 __asm__("r3");
  register uint32_t x0 __asm__("r4"), x1 __asm__("r5");
  register int32_t a0 __asm__("r6") = acc[0];
  register int32_t a1 __asm__("r8") = acc[1];
  register const uint32_t *wp __asm__("r9") = *pw;
  register const uint32_t *xp __asm__("r10") = x;
  register int32_t n __asm__("r11") = iters;
#define EF_MAC_STEP1                                  \
  "ldmia %[wp]!, {%[w0], %[w1], %[w2], %[w3]}\n"     \
  "ldmia %[xp]!, {%[x0], %[x1]}\n"                   \
  "smlad %[a0], %[w0], %[x0], %[a0]\n"               \
  "smlad %[a0], %[w2], %[x1], %[a0]\n"               \
  "smlad %[a1], %[w1], %[x0], %[a1]\n"               \
  "smlad %[a1], %[w3], %[x1], %[a1]\n"
  __asm__ volatile("1:\n" EF_MAC_STEP1 EF_MAC_STEP1 "subs %[n], %[n], #1\n bne 1b\n"
                   : [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "=&r"(w2), [w3] "=&r"(w3), [x0] "=&r"(x0), [x1] "=&r"(x1),
                     [a0] "+r"(a0), [a1] "+r"(a1), [wp] "+r"(wp), [xp] "+r"(xp), [n] "+r"(n)
                   :
                   : "cc", "memory");
#undef EF_MAC_STEP1
  *pw = wp;
  acc[0] = a0;
  acc[1] = a1;
}

void ef_dsp_expand1_s8(const int8_t *src, int16_t *xq, int32_t kp) {
  uint32_t *d = (uint32_t *)(void *)xq;
  for (int32_t i = 0; i < kp; i += 4, d += 2) {
    uint32_t w;
    __builtin_memcpy(&w, src + i, 4);
    d[0] = __sxtb16(w);
    d[1] = sxtb16_ror8(w);
  }
}

void ef_dsp_gemm1_s8(const ef_dsp_gemm_args *a, const int16_t *xq, int8_t *o) {
  const uint32_t *wp = (const uint32_t *)(const void *)a->w;
  const uint32_t *x = (const uint32_t *)(const void *)xq;
  const int32_t *bias = a->bias, *t = a->rq + 1;
  const int32_t iters = a->kp >> 3, add = a->rq[0] ? 0 : a->out_offset, lo = a->act_min, hi = a->act_max;
  for (int32_t r = 0; r < a->rows; r += 2, t += 6) {
    int32_t acc[2] = {bias[r], bias[r + 1]};
    mac_2x1(&wp, x, iters, acc);
    o[r] = rq_gen(acc[0], t, add, lo, hi);
    if (r + 1 < a->rows) o[r + 1] = rq_gen(acc[1], t + 3, add, lo, hi);
  }
}
