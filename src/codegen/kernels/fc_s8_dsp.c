/* FULLY_CONNECTED for the Arm DSP extension: each input row widened to q15, then the shared
 * SMLAD engine's one-column form (2 output rows x 8 k per step). Scratch: 3*kp bytes. Filter
 * packed as for conv (bias and requantization ride in the stream; per-tensor multipliers are
 * expanded per channel by the emitter). */
#include "fc_s8.h"
#include "dsp_gemm_s8.h"

void ef_fc_s8_dsp(const ef_fc_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
  const int32_t kp = (p->in_depth + 7) & ~7;
  int8_t *tmp = (int8_t *)scratch;
  int16_t *xq = (int16_t *)(void *)(tmp + kp);
  const ef_dsp_gemm_args a = {p->out_depth, kp, (const int16_t *)(const void *)p->filter, p->mult[0], p->out_offset, p->act_min, p->act_max};
  for (int32_t b = 0; b < p->batches; b++) {
    const int8_t *s = in + b * p->in_depth;
    if (kp != p->in_depth) { /* the widening reads kp bytes */
      for (int32_t i = 0; i < kp; i++) tmp[i] = i < p->in_depth ? s[i] : 0;
      s = tmp;
    }
    ef_dsp_expand1_s8(s, xq, kp);
    ef_dsp_gemm1_s8(&a, xq, out + b * p->out_depth);
  }
}
