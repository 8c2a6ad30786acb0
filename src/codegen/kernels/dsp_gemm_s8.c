/*
 * Arm DSP-extension inner product: 2 output channels x 3 columns per pass. Per k pair one LDM
 * of two weight words, one LDM of three column words and six SMLADs (12 MACs for 8
 * instructions); 14 pinned registers (r0-r12, lr): the functions holding those asm blocks
 * omit the frame pointer (attribute), so r7 is free even at -O0. Weights and bias are pre-doubled, so the accumulators hold
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

#define EF_MAC_STEP                                   \
  "ldmia r11!, {r0, r1}\n"                           \
  "ldmia r12!, {r2, r3, r4}\n"                       \
  "smlad r5, r0, r2, r5\n"                           \
  "smlad r6, r0, r3, r6\n"                           \
  "smlad r7, r0, r4, r7\n"                           \
  "smlad r8, r1, r2, r8\n"                           \
  "smlad r9, r1, r3, r9\n"                           \
  "smlad r10, r1, r4, r10\n"
/* acc r5..r10 = (r0c0 r0c1 r0c2 r1c0 r1c1 r1c2), weights r0 r1, columns r2 r3 r4, w stream r11,
 * columns r12, k counter lr. */
#define EF_MAC_LOOP "1:\n" EF_MAC_STEP EF_MAC_STEP EF_MAC_STEP EF_MAC_STEP "subs lr, lr, #1\n bne 1b\n"
#define EF_MAC_STEP8 EF_MAC_STEP EF_MAC_STEP EF_MAC_STEP EF_MAC_STEP EF_MAC_STEP EF_MAC_STEP EF_MAC_STEP EF_MAC_STEP
/* kp = 64 exactly (1x1 convs over 64 channels, as in DS-CNN): straight-line, no counter; 1 KB of code. */
#define EF_MAC_ONCE64 EF_MAC_STEP8 EF_MAC_STEP8 EF_MAC_STEP8 EF_MAC_STEP8
/* 16 k per iteration entered in the middle (kp = 16n - 8). */
#define EF_MAC_LOOP16O "ldr lr, [sp, #16]\n b 5f\n 1:\n" EF_MAC_STEP EF_MAC_STEP EF_MAC_STEP EF_MAC_STEP "5:\n" EF_MAC_STEP EF_MAC_STEP EF_MAC_STEP EF_MAC_STEP "subs lr, lr, #1\n bne 1b\n"
/* 16 k per iteration (kp a multiple of 16): half the loop overhead. */
#define EF_MAC_LOOP16 "ldr lr, [sp, #16]\n 1:\n" EF_MAC_STEP EF_MAC_STEP EF_MAC_STEP EF_MAC_STEP EF_MAC_STEP EF_MAC_STEP EF_MAC_STEP EF_MAC_STEP "subs lr, lr, #1\n bne 1b\n"

/* 2 rows x 3 columns x 8 k per iteration: 8 LDM + 24 SMLAD + SUBS/BNE, accumulators loaded
 * with the bias words of the stream; leaves the stream at the row pair's requant words.
 * Registers are fixed because LDM fills its list in ascending register order. */
EF_INLINE void mac_2x3(const uint32_t **pw, const uint32_t *x, int32_t iters, int32_t acc[6]) {
  register int32_t a00 __asm__("r5"), a01 __asm__("r6"), a02 __asm__("r7");
  register int32_t a10 __asm__("r8"), a11 __asm__("r9"), a12 __asm__("r10");
  register const uint32_t *wp __asm__("r11") = *pw;
  register const uint32_t *xp __asm__("r12") = x;
  register int32_t n __asm__("lr") = iters;
  __asm__ volatile("ldmia r11!, {r5, r6, r7, r8, r9, r10}\n" EF_MAC_LOOP
                   : "=&r"(a00), "=&r"(a01), "=&r"(a02), "=&r"(a10), "=&r"(a11), "=&r"(a12), "+r"(wp), "+r"(xp), "+r"(n)
                   :
                   : "r0", "r1", "r2", "r3", "r4", "cc", "memory");
  *pw = wp;
  acc[0] = a00;
  acc[1] = a01;
  acc[2] = a02;
  acc[3] = a10;
  acc[4] = a11;
  acc[5] = a12;
}

/* Requantize one accumulator, rotating through registers: dst = rq(acc), 4 instructions. */
#define EF_RQ(dst, acc, m, rs, k) \
  "smmlar " dst ", " acc ", " m ", " k "\n add " dst ", " dst ", " acc ", asr #31\n asr " dst ", " dst ", " rs "\n ssat " dst ", #8, " dst "\n"

/* Every row pair of three full columns, full int8 range, offset folded: one asm block, the
 * loop state on the stack while the MAC loop holds all 14 registers. */
#define EF_GEMM_FAST3(SUFFIX, LOOP) \
__attribute__((optimize("omit-frame-pointer"))) static void gemm_fast3_##SUFFIX(const uint32_t *w, const uint32_t *x, int32_t iters, int8_t *o, int32_t stride, int32_t pairs) { \
  register int32_t ro __asm__("r0") = (int32_t)(uintptr_t)o; \
  register int32_t rs __asm__("r1") = stride; \
  register int32_t rp __asm__("r2") = (int32_t)(uintptr_t)(o + 2 * pairs); /* output end */ \
  register const uint32_t *wp __asm__("r11") = w; \
  register const uint32_t *xp __asm__("r12") = x; \
  register int32_t n __asm__("lr") = iters; \
  __asm__ volatile( \
      "push {r0, r1, r2, r12, lr}\n" /* [sp] o, stride, o end, x, iters */ \
      "2:\n" \
      "ldmia r11!, {r5, r6, r7, r8, r9, r10}\n" \
      "ldr r12, [sp, #12]\n" LOOP \
      "ldmia r11!, {r0, r1, r2, r3, r4, r12}\n" \
      EF_RQ("lr", "r5", "r0", "r1", "r2") EF_RQ("r5", "r6", "r0", "r1", "r2") EF_RQ("r6", "r7", "r0", "r1", "r2") \
      EF_RQ("r7", "r8", "r3", "r4", "r12") EF_RQ("r8", "r9", "r3", "r4", "r12") EF_RQ("r9", "r10", "r3", "r4", "r12") \
      "ldrd r0, r1, [sp]\n" \
      "strb lr, [r0]\n" \
      "strb r7, [r0, #1]\n" \
      "add r2, r0, r1\n" \
      "strb r5, [r2]\n" \
      "strb r8, [r2, #1]\n" \
      "add r2, r2, r1\n" \
      "strb r6, [r2]\n" \
      "strb r9, [r2, #1]\n" \
      "add r0, r0, #2\n" \
      "str r0, [sp]\n" \
      "ldr r2, [sp, #8]\n" \
      "cmp r0, r2\n" \
      "bne 2b\n" \
      "add sp, sp, #20\n" \
      : "+r"(ro), "+r"(rs), "+r"(rp), "+r"(wp), "+r"(xp), "+r"(n) \
      : \
      : "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "cc", "memory"); \
}
EF_GEMM_FAST3(k16o, EF_MAC_LOOP16O)
EF_GEMM_FAST3(k16, EF_MAC_LOOP16)
EF_GEMM_FAST3(k64once, EF_MAC_ONCE64)

EF_INLINE void gemm(const ef_dsp_gemm_args *a, const int16_t *xq, int8_t *o, int32_t stride, int32_t ncol, const int fast) {
  const uint32_t *wp = (const uint32_t *)(const void *)a->w;
  const uint32_t *x = (const uint32_t *)(const void *)xq;
  const int32_t iters = a->kp >> 3, add = a->rq0 ? 0 : a->out_offset, lo = a->act_min, hi = a->act_max;
  for (int32_t r = 0; r < a->rows; r += 2) {
    int32_t acc[6];
    mac_2x3(&wp, x, iters, acc);
    /* table words into locals first: the int8 stores may alias them */
    const int32_t t0[3] = {(int32_t)wp[0], (int32_t)wp[1], (int32_t)wp[2]}, t1[3] = {(int32_t)wp[3], (int32_t)wp[4], (int32_t)wp[5]};
    wp += 6;
    int8_t res[6];
    for (int32_t c = 0; c < 3; c++) {
      res[c] = fast ? rq_fast(acc[c], t0) : rq_gen(acc[c], t0, add, lo, hi);
      res[3 + c] = fast ? rq_fast(acc[3 + c], t1) : rq_gen(acc[3 + c], t1, add, lo, hi);
    }
    const int two = r + 1 < a->rows; /* an odd last row was padded; its results are dropped */
    for (int32_t c = 0; c < ncol; c++) {
      o[c * stride + r] = res[c];
      if (two) o[c * stride + r + 1] = res[3 + c];
    }
  }
}

__attribute__((optimize("omit-frame-pointer"))) void ef_dsp_gemm_s8(const ef_dsp_gemm_args *a, const int16_t *xq, int8_t *o, int32_t stride, int32_t n) {
  const int fast = a->rq0 && a->act_min == -128 && a->act_max == 127;
  const uint32_t *w = (const uint32_t *)(const void *)a->w, *x = (const uint32_t *)(const void *)xq;
  if (fast && n == 3 && (a->rows & 1) == 0 && a->kp == 64) gemm_fast3_k64once(w, x, 1, o, stride, a->rows >> 1);
  else if (fast && n == 3 && (a->rows & 1) == 0 && (a->kp & 15) == 0) gemm_fast3_k16(w, x, a->kp >> 4, o, stride, a->rows >> 1);
  else if (fast && n == 3 && (a->rows & 1) == 0) gemm_fast3_k16o(w, x, (a->kp + 8) >> 4, o, stride, a->rows >> 1);
  else if (fast) gemm(a, xq, o, stride, n, 1);
  else gemm(a, xq, o, stride, n, 0);
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
  const int32_t iters = a->kp >> 3, add = a->rq0 ? 0 : a->out_offset, lo = a->act_min, hi = a->act_max;
  for (int32_t r = 0; r < a->rows; r += 2) {
    int32_t acc[2] = {(int32_t)wp[0], (int32_t)wp[3]};
    wp += 6;
    mac_2x1(&wp, x, iters, acc);
    const int32_t t0[3] = {(int32_t)wp[0], (int32_t)wp[1], (int32_t)wp[2]}, t1[3] = {(int32_t)wp[3], (int32_t)wp[4], (int32_t)wp[5]};
    wp += 6;
    o[r] = rq_gen(acc[0], t0, add, lo, hi);
    if (r + 1 < a->rows) o[r + 1] = rq_gen(acc[1], t1, add, lo, hi);
  }
}
