/* Assembly building blocks of the Helium VMLADAVA engine (mve_gemm_s8.c). */
#ifndef EF_GEMM_ASM_MVE_H
#define EF_GEMM_ASM_MVE_H
#include "mve_gemm_s8.h"

#define EF_UNUSED __attribute__((unused))

/* Argument offsets in ef_mve_gemm_args (checked below). */
#define EF_A_W "0"
#define EF_A_PRM "4"
#define EF_A_QUADS "8"
#define EF_A_STEPS "12"
#define EF_A_OUTC "16"
#define EF_A_KP "20"
#define EF_A_OFF "24"
#define EF_A_LO "28"
#define EF_A_HI "32"
typedef char ef_mve_args_layout[(offsetof(ef_mve_gemm_args, act_max) == 32 && offsetof(ef_mve_gemm_args, kp) == 20) ? 1 : -1];

/* Accumulators: column 0 rows 0..3 in r0 r2 r4 r6, column 1 in r8 r10 r12 lr. */

/* Requantize the 8 accumulators (moved in pairs with VMOV Dd, Rt, Rt2: Dd = Rt2:Rt, so lanes
 * follow the register order unambiguously) (prm at r9, post-incremented) and store 4 bytes per column
 * through O0 (column 0, a low register) and r7 (column 1), both post-incremented; PRE runs
 * once the accumulators are in q0/q1. q4..q6: offset, min, max. */
#define EF_REQUANT(O0, PRE)         \
  "vmov d0, r0, r2\n"               \
  "vmov d1, r4, r6\n"               \
  "vmov d2, r8, r10\n"              \
  "vmov d3, r12, lr\n"              \
  PRE                               \
  "vldrw.32 q2, [r9, #32]\n"        \
  "vadd.i32 q0, q0, q2\n"           \
  "vadd.i32 q1, q1, q2\n"           \
  "vldrw.32 q2, [r9, #16]\n"        \
  "vqrdmulh.s32 q0, q0, q2\n"       \
  "vqrdmulh.s32 q1, q1, q2\n"       \
  "vldrw.32 q3, [r9], #48\n"        \
  "vshr.s32 q2, q0, #31\n"          \
  "vadd.i32 q0, q0, q2\n"           \
  "vshr.s32 q2, q1, #31\n"          \
  "vadd.i32 q1, q1, q2\n"           \
  "vrshl.s32 q0, q0, q3\n"          \
  "vrshl.s32 q1, q1, q3\n"          \
  "vadd.i32 q0, q0, q4\n"           \
  "vadd.i32 q1, q1, q4\n"           \
  "vmax.s32 q0, q0, q5\n"           \
  "vmax.s32 q1, q1, q5\n"           \
  "vmin.s32 q0, q0, q6\n"           \
  "vmin.s32 q1, q1, q6\n"           \
  "vstrb.32 q0, [" O0 "], #4\n"      \
  "vstrb.32 q1, [r7], #4\n"

#define EF_PROLOGUE                                \
  "push {r4-r11, lr}\n"                            \
  "vpush {d8-d13}\n"                               \
  "ldr r4, [r0, #" EF_A_OFF "]\n"                  \
  "vdup.32 q4, r4\n"                               \
  "ldr r4, [r0, #" EF_A_LO "]\n"                   \
  "vdup.32 q5, r4\n"                               \
  "ldr r4, [r0, #" EF_A_HI "]\n"                   \
  "vdup.32 q6, r4\n"

#define EF_EPILOGUE \
  "vpop {d8-d13}\n" \
  "pop {r4-r11, pc}\n"

/*
 * Fully unrolled routine for a fixed step count S <= 31 (kp = 16 S): (a, x, o, npairs) in
 * r0..r3, the same contract as ef_mve_gemm_pairs. Weights are post-incremented (they run on
 * into the next quad); column 0 is post-incremented and column 1 read 16 S bytes further, then
 * the column pointer is rewound once per quad. Registers as in the short routines: r1 weights,
 * r3 columns, r5 / r7 outputs, r9 prm, r11 quads left; [sp] args, [sp+4] pairs left.
 */
/* The 4 x 2 block's 16 k once the columns are in q0 (x0) and q1 (x1): four weight loads
 * (post-incremented r1) and eight VMLADAV(A)s into r0..r6 (x0) and r8..lr (x1). */
#define EF_MVE_MACS(OP)                         \
  "vldrw.32 q2, [r1], #16\n"                    \
  "vldrw.32 q3, [r1], #16\n"                    \
  OP " r0, q2, q0\n"                            \
  OP " r8, q2, q1\n"                            \
  "vldrw.32 q2, [r1], #16\n"                    \
  OP " r2, q3, q0\n"                            \
  OP " r10, q3, q1\n"                           \
  "vldrw.32 q3, [r1], #16\n"                    \
  OP " r4, q2, q0\n"                            \
  OP " r12, q2, q1\n"                           \
  OP " r6, q3, q0\n"                            \
  OP " lr, q3, q1\n"

#define EF_BIG_STEP(OP, S)                      \
  "vldrw.32 q1, [r3, #" #S "*16]\n"             \
  "vldrw.32 q0, [r3], #16\n"                    \
  EF_MVE_MACS(OP)

#define EF_BIG_FN(NAME, S)                                                               \
  __attribute__((naked, noipa, used)) static void NAME(EF_UNUSED const ef_mve_gemm_args *a, EF_UNUSED const int8_t *x, EF_UNUSED int8_t *o, EF_UNUSED int32_t npairs) { \
    __asm__ volatile(                                                                    \
        EF_PROLOGUE                                                                      \
        "sub sp, sp, #8\n"                                                               \
        "str r0, [sp]\n"                                                                 \
        "str r3, [sp, #4]\n"                                                             \
        "mov r3, r1\n"                                                                   \
        "mov r5, r2\n"                                                                   \
        "1:\n"                                                                           \
        "ldr r0, [sp]\n"                                                                 \
        "ldr r1, [r0, #" EF_A_W "]\n"                                                    \
        "ldr r9, [r0, #" EF_A_PRM "]\n"                                                  \
        "ldr r11, [r0, #" EF_A_QUADS "]\n"                                               \
        "ldr r7, [r0, #" EF_A_OUTC "]\n"                                                 \
        "add r7, r5, r7\n"                                                               \
        "2:\n"                                                                           \
        EF_BIG_STEP("vmladav.s8", S)                                                     \
        ".rept " #S "-1\n"                                                               \
        EF_BIG_STEP("vmladava.s8", S)                                                    \
        ".endr\n"                                                                        \
        "sub r3, r3, #" #S "*16\n"                                                       \
        EF_REQUANT("r5", "")                                                             \
        "subs r11, r11, #1\n"                                                            \
        "bne 2b\n"                                                                       \
        "mov r5, r7\n"                                                                   \
        "add r3, r3, #" #S "*32\n"                                                       \
        "ldr r0, [sp, #4]\n"                                                             \
        "subs r0, r0, #1\n"                                                              \
        "str r0, [sp, #4]\n"                                                             \
        "bne 1b\n"                                                                       \
        "add sp, sp, #8\n"                                                               \
        EF_EPILOGUE);                                                                    \
  }

#endif
