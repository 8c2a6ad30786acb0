/* FULLY_CONNECTED for Helium through the VMLADAVA engine (mve_gemm_s8.c): batch rows are the
 * columns; rows are copied to kp-byte columns in scratch when in_depth is not a multiple of
 * 16. `mult` holds the interleaved shift/mult/bias quads. Scratch: 2*kp bytes. */
#include "fc_s8.h"
#include "mve_gemm_s8.h"

void ef_fc_s8_mve(const ef_fc_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
  const int32_t kp = (p->in_depth + 15) & ~15, oc = p->out_depth;
  int8_t *col = (int8_t *)scratch;
  const ef_mve_gemm_args a = {p->filter, p->mult, (oc + 3) >> 2, kp >> 4, oc, kp, p->out_offset, p->act_min, p->act_max};
  const int direct = kp == p->in_depth && ((uintptr_t)in & 3) == 0;
  int32_t b = 0;
  if (direct) {
    ef_mve_gemm_pairs(&a, in, out, p->batches >> 1);
    b = p->batches & ~1;
  } else {
    for (; b + 1 < p->batches; b += 2) {
      ef_mve_copy(in + b * p->in_depth, col, p->in_depth);
      ef_mve_copy(in + (b + 1) * p->in_depth, col + kp, p->in_depth);
      ef_mve_gemm_pairs(&a, col, out + b * oc, 1);
    }
  }
  if (b < p->batches) {
    const int8_t *x = in + b * p->in_depth;
    if (!direct) {
      ef_mve_copy(x, col, p->in_depth);
      x = col;
    }
    ef_mve_gemm1_s8(&a, x, out + b * oc);
  }
}
