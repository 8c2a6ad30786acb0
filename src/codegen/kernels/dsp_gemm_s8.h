/* Shared inner product engine of the Arm DSP (SMLAD) conv and FC kernels. */
#ifndef EF_DSP_GEMM_S8_H
#define EF_DSP_GEMM_S8_H
#include "ef_common.h"

/*
 * o[c * stride + r] for r < rows, c < n (n <= 3): requant(bias[r] + sum_k w[r][k] * x_c[k]).
 * `w` is the emitter's stream (pack-dsp.ts), per row pair (rows padded to even):
 *   6 words of pre-doubled bias (b0 b0 b0 b1 b1 b1),
 *   kp/4 groups of four q15 words, pre-doubled: (r0: k0,k2) (r1: k0,k2) (r0: k1,k3) (r1: k1,k3),
 *   6 words of requantization (m0 rs0 K0 m1 rs1 K1, dsp_s8.h); kp is a multiple of 8.
 * `rq0` is 1 when the stream folded the output offset into K.
 * `xq` holds three columns interleaved as q15 in the order sxtb16 produces, per 4-k group:
 *   (c0: k0,k2) (c1: k0,k2) (c2: k0,k2) (c0: k1,k3) (c1: k1,k3) (c2: k1,k3);
 * columns n..2 may hold anything.
 */
typedef struct {
  int32_t rows, kp;
  const int16_t *w;
  int32_t rq0, out_offset, act_min, act_max;
} ef_dsp_gemm_args;

void ef_dsp_gemm_s8(const ef_dsp_gemm_args *a, const int16_t *xq, int8_t *o, int32_t stride, int32_t n);
/* int8 -> q15 in sxtb16 order into column `col` (0..2) of the interleaved buffer; src readable for kp bytes. */
void ef_dsp_expand_s8(const int8_t *src, int16_t *xq, int32_t col, int32_t kp);
/* One-column forms (batch-1 FULLY_CONNECTED): contiguous q15 column. */
void ef_dsp_expand1_s8(const int8_t *src, int16_t *xq, int32_t kp);
void ef_dsp_gemm1_s8(const ef_dsp_gemm_args *a, const int16_t *xq, int8_t *o);
#endif
