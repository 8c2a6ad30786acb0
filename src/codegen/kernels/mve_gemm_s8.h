/* Shared inner product engine of the Helium (MVE) conv and FC kernels. */
#ifndef EF_MVE_GEMM_S8_H
#define EF_MVE_GEMM_S8_H
#include "ef_common.h"

/*
 * out[r] = clamp(requant(sum_k w[r][k] * x[k]) + bias[r]) for rows r, per column x.
 * `w` is packed by the emitter: row quads, per 16-k group 4 x 16 bytes (rows r..r+3), rows
 * padded to a multiple of 4 (zero rows), k to kp = 16 * steps (zeros). `prm` holds, per row
 * quad, shift[4], mult[4], bias[4] (48 bytes; the emitter interleaves them). Columns are raw
 * int8 (input offset folded into the bias), kp readable bytes each; bytes past k are
 * multiplied by zero weights, so they may hold anything.
 */
typedef struct {
  const int8_t *w;
  const int32_t *prm;
  int32_t quads, steps, out_c, kp;
  int32_t out_offset, act_min, act_max;
} ef_mve_gemm_args;

/*
 * npairs pairs of columns; pair i is x + 2i*kp and x + (2i+1)*kp (contiguous columns, as an
 * im2col buffer or the NHWC input of a 1x1 convolution over kp channels). Outputs: pair i
 * writes o + 2i*out_c (out_c bytes per column, rows beyond out_c must be writable up to the
 * next multiple of 4 unless out_c is one).
 */
void ef_mve_gemm_pairs(const ef_mve_gemm_args *a, const int8_t *x, int8_t *o, int32_t npairs);
/* Two columns anywhere; o1 = NULL computes only x0 (x1 is then ignored). */
void ef_mve_gemm_s8(const ef_mve_gemm_args *a, const int8_t *x0, const int8_t *x1, int8_t *o0, int8_t *o1);
/* One column (kp readable bytes). */
void ef_mve_gemm1_s8(const ef_mve_gemm_args *a, const int8_t *x, int8_t *o);
/* Copy n bytes (vectorised, tail-predicated). */
void ef_mve_copy(const int8_t *src, int8_t *dst, int32_t n);
#endif
