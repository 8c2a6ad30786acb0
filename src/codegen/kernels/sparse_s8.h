/* Sparse int8 weights for magnitude-pruned models (compile --sparse): per output row a bitmask
 * of its nonzero taps, and the nonzero values packed row after row. Exact: the zero taps are
 * the ones skipped, the input offset is folded into the bias (bias' = bias - zp_in * sum(w)) and
 * convolution padding reads the input zero point, as in the optimized kernels. */
#ifndef EF_SPARSE_S8_H
#define EF_SPARSE_S8_H
#include "ef_common.h"
#include "conv_s8.h"

typedef struct {
  int32_t rows, k;         /* output channels, reduction length */
  const uint8_t *mask;     /* rows x ceil(k / 8), bit i of byte j = tap 8j + i */
  const int8_t *values;    /* the nonzero weights, row-major */
  const int32_t *bias;     /* bias' (input offset folded), rows entries */
  const int32_t *mult, *shift;
  int32_t out_offset, act_min, act_max;
} ef_sparse_rows_s8_t;

/* One input column of k values → rows outputs. */
void ef_sparse_rows_s8(const ef_sparse_rows_s8_t *p, const int8_t *x, int8_t *out);

typedef struct {
  int32_t batches;
  const ef_sparse_rows_s8_t *rows;
} ef_fc_s8_sparse_params;
void ef_fc_s8_sparse(const ef_fc_s8_sparse_params *p, const int8_t *in, int8_t *out);

/* CONV_2D: geometry from `conv` (its filter/bias/mult/shift unused), weights in `rows`.
 * Scratch: k bytes (one im2col column). */
typedef struct {
  ef_conv_s8_params conv;
  const ef_sparse_rows_s8_t *rows;
} ef_conv_s8_sparse_params;
void ef_conv_s8_sparse(const ef_conv_s8_sparse_params *p, const int8_t *in, int8_t *out, void *scratch);
#endif
