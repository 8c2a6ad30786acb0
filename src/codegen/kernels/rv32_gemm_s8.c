/* RV32 inner product: 4 rows x 2 columns per pass (8 accumulators), the k loop in assembly. */
#include "rv32_gemm_s8.h"

#if defined(__riscv)
/* One k of the 4 x 2 block: 4 weight and 2 input byte loads, 8 MUL + 8 ADD (RV32IM has no
 * multiply-accumulate). Written out because GCC hoists every load of an unrolled C loop and
 * then spills the accumulators to the stack. */
#define EF_RV_K(j)                                                       \
  "lb %[w0], " #j "*4+0(%[w])\n lb %[w1], " #j "*4+1(%[w])\n"            \
  "lb %[w2], " #j "*4+2(%[w])\n lb %[w3], " #j "*4+3(%[w])\n"            \
  "lb %[x0], " #j "*2+0(%[x])\n lb %[x1], " #j "*2+1(%[x])\n"            \
  "mul %[t], %[w0], %[x0]\n add %[c00], %[c00], %[t]\n"                 \
  "mul %[t], %[w1], %[x0]\n add %[c10], %[c10], %[t]\n"                 \
  "mul %[t], %[w2], %[x0]\n add %[c20], %[c20], %[t]\n"                 \
  "mul %[t], %[w3], %[x0]\n add %[c30], %[c30], %[t]\n"                 \
  "mul %[t], %[w0], %[x1]\n add %[c01], %[c01], %[t]\n"                 \
  "mul %[t], %[w1], %[x1]\n add %[c11], %[c11], %[t]\n"                 \
  "mul %[t], %[w2], %[x1]\n add %[c21], %[c21], %[t]\n"                 \
  "mul %[t], %[w3], %[x1]\n add %[c31], %[c31], %[t]\n"
#endif

void ef_rv32_gemm_s8(const ef_rv32_gemm_args *a, const int8_t *x, int8_t *o0, int8_t *o1) {
  const int8_t *w = a->w;
  const int32_t kp = a->kp, off = a->out_offset, lo = a->act_min, hi = a->act_max;
  if (!o1) o1 = o0;
  for (int32_t r = 0; r < a->rows; r += 4) {
    int32_t c00 = a->bias[r], c10 = a->bias[r + 1], c20 = a->bias[r + 2], c30 = a->bias[r + 3];
    int32_t c01 = c00, c11 = c10, c21 = c20, c31 = c30;
#if defined(__riscv)
    const int8_t *xp = x, *xe = x + 2 * kp;
    int32_t w0, w1, w2, w3, x0, x1, t;
    __asm__ volatile("1:\n" EF_RV_K(0) EF_RV_K(1) EF_RV_K(2) EF_RV_K(3)
                     "addi %[w], %[w], 16\n addi %[x], %[x], 8\n bne %[x], %[xe], 1b\n"
                     : [c00] "+r"(c00), [c10] "+r"(c10), [c20] "+r"(c20), [c30] "+r"(c30), [c01] "+r"(c01), [c11] "+r"(c11), [c21] "+r"(c21), [c31] "+r"(c31),
                       [w] "+r"(w), [x] "+r"(xp), [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "=&r"(w2), [w3] "=&r"(w3), [x0] "=&r"(x0), [x1] "=&r"(x1), [t] "=&r"(t)
                     : [xe] "r"(xe)
                     : "memory");
#else
    const int8_t *xp = x;
    for (int32_t k = 0; k < kp; k++, xp += 2, w += 4) {
      const int32_t xa = xp[0], xb = xp[1];
      c00 += w[0] * xa; c10 += w[1] * xa; c20 += w[2] * xa; c30 += w[3] * xa;
      c01 += w[0] * xb; c11 += w[1] * xb; c21 += w[2] * xb; c31 += w[3] * xb;
    }
#endif
    const int32_t acc0[4] = {c00, c10, c20, c30}, acc1[4] = {c01, c11, c21, c31};
    for (int32_t i = 0; i < 4 && r + i < a->rows; i++) {
      const int32_t m = a->mult[r + i], s = a->shift[r + i];
      o1[r + i] = (int8_t)ef_rv32_rq(acc1[i], m, s, off, lo, hi);
      o0[r + i] = (int8_t)ef_rv32_rq(acc0[i], m, s, off, lo, hi);
    }
  }
}

/* One column (batch-1 FULLY_CONNECTED): 4 rows per pass, x contiguous, k unrolled by 4. */
void ef_rv32_gemm1_s8(const ef_rv32_gemm_args *a, const int8_t *x, int8_t *o) {
  const int8_t *w = a->w;
  for (int32_t r = 0; r < a->rows; r += 4) {
    int32_t c0 = a->bias[r], c1 = a->bias[r + 1], c2 = a->bias[r + 2], c3 = a->bias[r + 3];
    for (int32_t k = 0; k < a->kp; k += 4) {
#define EF_STEP1(j)                                                                    \
  {                                                                                    \
    const int32_t xv = x[k + (j)];                                                     \
    c0 += w[4 * (j)] * xv; c1 += w[4 * (j) + 1] * xv; c2 += w[4 * (j) + 2] * xv; c3 += w[4 * (j) + 3] * xv; \
  }
      EF_STEP1(0) EF_STEP1(1) EF_STEP1(2) EF_STEP1(3)
#undef EF_STEP1
      w += 16;
    }
    const int32_t acc[4] = {c0, c1, c2, c3};
    for (int32_t i = 0; i < 4 && r + i < a->rows; i++) o[r + i] = (int8_t)ef_rv32_rq(acc[i], a->mult[r + i], a->shift[r + i], a->out_offset, a->act_min, a->act_max);
  }
}
