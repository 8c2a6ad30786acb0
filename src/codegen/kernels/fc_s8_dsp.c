/* FULLY_CONNECTED for the Arm DSP extension: the input rows widened to q15, then the shared
 * SMLAD engine with up to three batch rows as columns. Scratch: 7*kp bytes. Filter packed as
 * for conv; bias and requantization ride in the filter stream (per-tensor
 * multipliers are expanded per channel by the emitter). */
#include "fc_s8.h"
#include "dsp_gemm_s8.h"

void ef_fc_s8_dsp(const ef_fc_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
  const int32_t kp = (p->in_depth + 7) & ~7;
  int16_t *xq = (int16_t *)scratch;
  int8_t *tmp = (int8_t *)(void *)(xq + 3 * kp);
  const ef_dsp_gemm_args a = {p->out_depth, kp, (const int16_t *)(const void *)p->filter, p->mult[0], p->out_offset, p->act_min, p->act_max};
  if (p->batches == 1) {
    const int8_t *s = in;
    if (kp != p->in_depth) {
      for (int32_t i = 0; i < kp; i++) tmp[i] = i < p->in_depth ? in[i] : 0;
      s = tmp;
    }
    ef_dsp_expand1_s8(s, xq, kp);
    ef_dsp_gemm1_s8(&a, xq, out);
    return;
  }
  for (int32_t b = 0; b < p->batches; b += 3) {
    const int32_t n = p->batches - b < 3 ? p->batches - b : 3;
    for (int32_t c = 0; c < 3; c++) {
      /* copy so the widening may read kp bytes (in_depth need not be a multiple of 8) */
      const int8_t *s = in + (b + (c < n ? c : 0)) * p->in_depth;
      for (int32_t i = 0; i < kp; i++) tmp[i] = i < p->in_depth ? s[i] : 0;
      ef_dsp_expand_s8(tmp, xq, c, kp);
    }
    int8_t *o = out + b * p->out_depth;
    ef_dsp_gemm_s8(&a, xq, o, p->out_depth, n);
  }
}
