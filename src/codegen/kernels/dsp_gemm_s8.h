/* Shared inner product engine of the Arm DSP (SMLAD) conv and FC kernels. */
#ifndef EF_DSP_GEMM_S8_H
#define EF_DSP_GEMM_S8_H
#include "ef_common.h"

/*
 * o_c[r] for r < rows, c < 3: requant(bias[r] + sum_k w[r][k] * x_c[k]).
 * `w` is packed by the emitter (pre-doubled q15): row pairs, per 4-k group four words
 *   (r0: k0,k2) (r1: k0,k2) (r0: k1,k3) (r1: k1,k3), rows padded to even, k to a multiple of 8;
 * `bias` pre-doubled, `rq` the requantization table (dsp_s8.h).
 * `xq` holds three columns interleaved as q15 in the order sxtb16 produces, per 4-k group:
 *   (c0: k0,k2) (c1: k0,k2) (c2: k0,k2) (c0: k1,k3) (c1: k1,k3) (c2: k1,k3).
 * o1, o2 may be NULL (fewer columns; xq then repeats column 0 there).
 */
typedef struct {
  int32_t rows, kp;
  const int16_t *w;
  const int32_t *bias, *rq;
  int32_t out_offset, act_min, act_max;
} ef_dsp_gemm_args;

void ef_dsp_gemm_s8(const ef_dsp_gemm_args *a, const int16_t *xq, int8_t *o0, int8_t *o1, int8_t *o2);
/* int8 -> q15 in sxtb16 order into column `col` (0..2) of the interleaved buffer; src readable for kp bytes. */
void ef_dsp_expand_s8(const int8_t *src, int16_t *xq, int32_t col, int32_t kp);
/* One-column forms (batch-1 FULLY_CONNECTED): contiguous q15 column. */
void ef_dsp_expand1_s8(const int8_t *src, int16_t *xq, int32_t kp);
void ef_dsp_gemm1_s8(const ef_dsp_gemm_args *a, const int16_t *xq, int8_t *o);
#endif
