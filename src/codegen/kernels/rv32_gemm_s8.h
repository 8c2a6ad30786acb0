/* Shared inner product engine of the RV32 conv and FC kernels (plain C tuned for a 32-bit
 * scalar core without SIMD: many accumulators, byte loads with immediate offsets). */
#ifndef EF_RV32_GEMM_S8_H
#define EF_RV32_GEMM_S8_H
#include "ef_common.h"

/*
 * o0[r], o1[r]: requant(bias[r] + sum_k w[r][k] * x_c[k]) for columns 0 and 1 (o1 may be NULL).
 * `w` is packed by the emitter as row quads, k-major: [quad][k][4 rows], rows padded to a
 * multiple of 4; `x` holds both columns interleaved: [k][2], raw int8 (input offset folded
 * into the bias), k padded to a multiple of 4.
 */
typedef struct {
  int32_t rows, kp;
  const int8_t *w;
  const int32_t *bias, *mult, *shift;
  int32_t out_offset, act_min, act_max;
} ef_rv32_gemm_args;

/* Exact TFLM requantization under the emitter's checks (|acc| < 2^30, shift <= -1): gemmlowp's
 * rounding doubling high multiply through a 64-bit product, then a rounding right shift that
 * rounds half away from zero. */
EF_INLINE int32_t ef_rv32_rq(int32_t acc, int32_t m, int32_t sh, int32_t off, int32_t lo, int32_t hi) {
  int32_t v = (int32_t)(((int64_t)acc * m + (1ll << 30)) >> 31);
  v += v >> 31;
  v = ((v >> (-sh - 1)) + 1) >> 1;
  v += off;
  return v < lo ? lo : (v > hi ? hi : v);
}

void ef_rv32_gemm_s8(const ef_rv32_gemm_args *a, const int8_t *x, int8_t *o0, int8_t *o1);
/* One column, x contiguous (kp bytes). */
void ef_rv32_gemm1_s8(const ef_rv32_gemm_args *a, const int8_t *x, int8_t *o);
#endif
