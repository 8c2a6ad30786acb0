/*
 * Helium inner product: 4 output channels x 2 columns per pass; per 16-k step 2 column loads,
 * 4 weight loads and 8 VMLADAVA (128 MACs). VMLADAVA needs even accumulator registers, so the
 * engine is written in assembly with all eight even registers as accumulators. For kp <= 112
 * (steps <= 7) one specialised routine per step count uses immediate offsets only (no pointer
 * updates in the MAC sequence) and loops over row quads and column pairs itself; kp = 144 and
 * 288 (3x3 over 16 / 32 channels) get fully unrolled routines with post-incremented weights
 * (gemm_asm_mve.h); other long reductions use one routine with a two-step loop, per pair.
 *
 * Requantization is vectorised over the 4 channels: VQRDMULH is gemmlowp's saturating
 * rounding doubling high multiply exactly, and adding the sign before VRSHL makes its
 * round-half-up into TFLM's round-half-away-from-zero (the emitter guarantees shift <= -1).
 */
#include "mve_gemm_s8.h"
#if !defined(__ARM_FEATURE_MVE)
#error "mve_gemm_s8.c needs Helium (MVE), e.g. -mcpu=cortex-m55"
#endif
#include <arm_mve.h>
#include "gemm_asm_mve.h"

void ef_mve_copy(const int8_t *src, int8_t *dst, int32_t n) {
  while (n > 0) {
    const mve_pred16_t p = vctp8q((uint32_t)n);
    vstrbq_p_s8(dst, vldrbq_z_s8(src, p), p);
    src += 16;
    dst += 16;
    n -= 16;
  }
}

/*
 * Specialised routine for a fixed step count S <= 7: (a, x, o, npairs) in r0..r3.
 * The weight pointer runs 16 bytes behind so that the quad's last weight load (pre-indexed,
 * written back) also advances it to the next quad.
 * Registers: r1 weights, r3 columns (x0 at r3, x1 at r3 + 16S), r5 quads left, r7 column-1
 * output, r9 prm, r11 quads left; [sp] args, [sp+4] pairs left.
 */
#define EF_PAIRS_FN(S)                                                                 \
  __attribute__((naked, noipa, used)) static void ef_pairs_##S(EF_UNUSED const ef_mve_gemm_args *a, EF_UNUSED const int8_t *x, EF_UNUSED int8_t *o, EF_UNUSED int32_t npairs) { \
    __asm__ volatile(                                                                  \
        EF_PROLOGUE                                                                    \
        "sub sp, sp, #8\n"                                                             \
        "str r0, [sp]\n"                                                               \
        "str r3, [sp, #4]\n"                                                           \
        "mov r3, r1\n"                                                                 \
        "mov r5, r2\n"                                                                \
        "1:\n"                                                                         \
        "ldr r0, [sp]\n"                                                               \
        "ldr r1, [r0, #" EF_A_W "]\n"                                                  \
        "sub r1, r1, #16\n"                                                           \
        "ldr r9, [r0, #" EF_A_PRM "]\n"                                                \
        "ldr r11, [r0, #" EF_A_QUADS "]\n"                                              \
        "ldr r7, [r0, #" EF_A_OUTC "]\n"                                               \
        "add r7, r5, r7\n"                                                            \
        "2:\n"                                                                         \
        "vldrw.32 q0, [r3]\n"                                                          \
        "vldrw.32 q1, [r3, #" #S "*16]\n"                                               \
        "vldrw.32 q2, [r1, #16]\n"                                                     \
        "vldrw.32 q3, [r1, #32]\n"                                                     \
        "vmladav.s8 r0, q2, q0\n"                                                      \
        "vmladav.s8 r8, q2, q1\n"                                                      \
        "vldrw.32 q2, [r1, #48]\n"                                                     \
        "vmladav.s8 r2, q3, q0\n"                                                      \
        "vmladav.s8 r10, q3, q1\n"                                                     \
        ".if " #S " == 1\n vldrw.32 q3, [r1, #64]!\n .else\n vldrw.32 q3, [r1, #64]\n .endif\n" \
        "vmladav.s8 r4, q2, q0\n"                                                      \
        "vmladav.s8 r12, q2, q1\n"                                                     \
        "vmladav.s8 r6, q3, q0\n"                                                      \
        "vmladav.s8 lr, q3, q1\n"                                                      \
        ".set ef_k, 1\n"                                                               \
        ".rept " #S "-1\n"                                                              \
        "vldrw.32 q0, [r3, #ef_k*16]\n"                                                \
        "vldrw.32 q1, [r3, #(" #S "+ef_k)*16]\n"                                        \
        "vldrw.32 q2, [r1, #ef_k*64+16]\n"                                                \
        "vldrw.32 q3, [r1, #ef_k*64+32]\n"                                             \
        "vmladava.s8 r0, q2, q0\n"                                                     \
        "vmladava.s8 r8, q2, q1\n"                                                     \
        "vldrw.32 q2, [r1, #ef_k*64+48]\n"                                             \
        "vmladava.s8 r2, q3, q0\n"                                                     \
        "vmladava.s8 r10, q3, q1\n"                                                    \
        ".if ef_k == " #S "-1\n vldrw.32 q3, [r1, #ef_k*64+64]!\n .else\n vldrw.32 q3, [r1, #ef_k*64+64]\n .endif\n" \
        "vmladava.s8 r4, q2, q0\n"                                                     \
        "vmladava.s8 r12, q2, q1\n"                                                    \
        "vmladava.s8 r6, q3, q0\n"                                                     \
        "vmladava.s8 lr, q3, q1\n"                                                     \
        ".set ef_k, ef_k+1\n"                                                          \
        ".endr\n"                                                                      \
        EF_REQUANT("r5", "")                                                                    \
        "subs r11, r11, #1\n"                                                            \
        "bne 2b\n"                                                                     \
        "mov r5, r7\n"                                                                \
        "add r3, r3, #" #S "*32\n"                                                      \
        "ldr r0, [sp, #4]\n"                                                           \
        "subs r0, r0, #1\n"                                                            \
        "str r0, [sp, #4]\n"                                                           \
        "bne 1b\n"                                                                     \
        "add sp, sp, #8\n"                                                             \
        EF_EPILOGUE                                                                    \
        );                                                                             \
  }

EF_PAIRS_FN(1)
EF_PAIRS_FN(2)
EF_PAIRS_FN(3)
EF_PAIRS_FN(4)
EF_PAIRS_FN(5)
EF_PAIRS_FN(6)
EF_PAIRS_FN(7)

/* 3x3 convolutions over 16 and 32 channels (kp 144, 288): fully unrolled too. */
EF_BIG_FN(ef_pairs_9, 9)
EF_BIG_FN(ef_pairs_18, 18)

/* One step of the general routine: pointers post-incremented (r3 x0, r5 x1, r1 weights). */
#define EF_GSTEP(OP)                 \
  "vldrw.32 q0, [r3], #16\n"         \
  "vldrw.32 q1, [r5], #16\n"         \
  EF_MVE_MACS(OP)

/*
 * Any step count, one column pair (a, x0, x1, o0) in r0..r3; column 1's output is o0 + out_c.
 * Registers: r1 weights, r3 x0, r5 x1, r7 step counter, r9 prm, r11 quads left;
 * [sp] args, [sp+4] output 0, [sp+8] output 1, [sp+12] kp.
 */
__attribute__((naked, noipa, used)) static void ef_pair_any(EF_UNUSED const ef_mve_gemm_args *a, EF_UNUSED const int8_t *x0, EF_UNUSED const int8_t *x1, EF_UNUSED int8_t *o) {
  __asm__ volatile(
      EF_PROLOGUE
      "sub sp, sp, #16\n"
      "str r0, [sp]\n"
      "str r3, [sp, #4]\n"
      "ldr r4, [r0, #" EF_A_OUTC "]\n"
      "add r4, r3, r4\n"
      "str r4, [sp, #8]\n"
      "ldr r4, [r0, #" EF_A_KP "]\n"
      "str r4, [sp, #12]\n"
      "ldr r11, [r0, #" EF_A_QUADS "]\n"
      "mov r3, r1\n"
      "mov r5, r2\n"
      "ldr r1, [r0, #" EF_A_W "]\n"
      "ldr r9, [r0, #" EF_A_PRM "]\n"
      "1:\n"
      "ldr r0, [sp]\n"
      "ldr r7, [r0, #" EF_A_STEPS "]\n"
      EF_GSTEP("vmladav.s8")
      "subs r7, r7, #1\n"
      "lsrs r7, r7, #1\n"
      "bcc 3f\n"
      EF_GSTEP("vmladava.s8")
      "3:\n"
      "cbz r7, 4f\n"
      "5:\n"
      EF_GSTEP("vmladava.s8")
      EF_GSTEP("vmladava.s8")
      "subs r7, r7, #1\n"
      "bne 5b\n"
      "4:\n"
      "ldr r7, [sp, #8]\n"
      EF_REQUANT("r4", "ldr r4, [sp, #4]\n")
      "str r4, [sp, #4]\n"
      "str r7, [sp, #8]\n"
      "ldr r0, [sp, #12]\n"
      "subs r3, r3, r0\n"
      "subs r5, r5, r0\n"
      "subs r11, r11, #1\n"
      "bne 1b\n"
      "add sp, sp, #16\n"
      EF_EPILOGUE);
}

void ef_mve_gemm_s8(const ef_mve_gemm_args *a, const int8_t *x0, const int8_t *x1, int8_t *o0, int8_t *o1) {
  if (!o1 || (a->out_c & 3) || o1 != o0 + a->out_c) {
    ef_mve_gemm1_s8(a, x0, o0);
    if (o1) ef_mve_gemm1_s8(a, x1, o1);
    return;
  }
  ef_pair_any(a, x0, x1, o0);
}

void ef_mve_gemm_pairs(const ef_mve_gemm_args *a, const int8_t *x, int8_t *o, int32_t npairs) {
  if (npairs <= 0) return;
  if (a->out_c & 3) {
    for (int32_t i = 0; i < 2 * npairs; i++) ef_mve_gemm1_s8(a, x + i * a->kp, o + i * a->out_c);
    return;
  }
  switch (a->steps) {
    case 1: ef_pairs_1(a, x, o, npairs); return;
    case 2: ef_pairs_2(a, x, o, npairs); return;
    case 3: ef_pairs_3(a, x, o, npairs); return;
    case 4: ef_pairs_4(a, x, o, npairs); return;
    case 5: ef_pairs_5(a, x, o, npairs); return;
    case 6: ef_pairs_6(a, x, o, npairs); return;
    case 7: ef_pairs_7(a, x, o, npairs); return;
    case 9: ef_pairs_9(a, x, o, npairs); return;
    case 18: ef_pairs_18(a, x, o, npairs); return;
    default: break;
  }
  for (int32_t i = 0; i < npairs; i++, x += 2 * a->kp, o += 2 * a->out_c) ef_pair_any(a, x, x + a->kp, o);
}

/* One column (batch-1 FULLY_CONNECTED, odd tails): 4 rows, per 16-k step 5 VLDRB + 4 VMLADAVA. */
void ef_mve_gemm1_s8(const ef_mve_gemm_args *a, const int8_t *x, int8_t *o) {
  const int8_t *wq = a->w;
  const int32_t *prm = a->prm;
  const int32_t rows = a->out_c;
  const int32x4_t off = vdupq_n_s32(a->out_offset), lo = vdupq_n_s32(a->act_min), hi = vdupq_n_s32(a->act_max);
  for (int32_t r = 0; r < rows; r += 4, prm += 12) {
    register int32_t a0 __asm__("r0") = 0;
    register int32_t a1 __asm__("r2") = 0;
    register int32_t a2 __asm__("r4") = 0;
    register int32_t a3 __asm__("r6") = 0;
    register const int8_t *w __asm__("r1") = wq;
    register const int8_t *p0 __asm__("r3") = x;
    register int32_t n __asm__("r5") = a->steps;
    __asm__ volatile(
        "1:\n"
        "vldrb.8 q0, [%[p0]], #16\n"
        "vldrb.8 q2, [%[w]], #16\n"
        "vldrb.8 q3, [%[w]], #16\n"
        "vmladava.s8 %[a0], q2, q0\n"
        "vldrb.8 q2, [%[w]], #16\n"
        "vmladava.s8 %[a1], q3, q0\n"
        "vldrb.8 q3, [%[w]], #16\n"
        "vmladava.s8 %[a2], q2, q0\n"
        "vmladava.s8 %[a3], q3, q0\n"
        "subs %[n], %[n], #1\n"
        "bne 1b\n"
        : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [w] "+r"(w), [p0] "+r"(p0), [n] "+r"(n)
        :
        : "d0", "d1", "d4", "d5", "d6", "d7", "cc", "memory");
    wq = w;
    int32x4_t v = vdupq_n_s32(a0);
    v = vsetq_lane_s32(a1, v, 1);
    v = vsetq_lane_s32(a2, v, 2);
    v = vsetq_lane_s32(a3, v, 3);
    v = vaddq_s32(v, vldrwq_s32(prm + 8));
    v = vqrdmulhq_s32(v, vldrwq_s32(prm + 4));
    v = vrshlq_s32(vaddq_s32(v, vshrq_n_s32(v, 31)), vldrwq_s32(prm));
    v = vminq_s32(vmaxq_s32(vaddq_s32(v, off), lo), hi);
    vstrbq_p_s32(o + r, v, vctp32q((uint32_t)(rows - r)));
  }
}
