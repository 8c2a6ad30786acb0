/* ADD int8 for the Arm DSP extension through per-input tables (add_s8_dsp.c). */
#ifndef EF_ADD_S8_DSP_H
#define EF_ADD_S8_DSP_H
#include "elementwise_s8.h"

/* lut (pack-dsp.ts addDspLut): [0,256) 2*rescaled input 1 by value+128, [256,512) input 2,
 * then the output requantization (m, rs, K) with the output offset folded (dsp_s8.h). */
void ef_add_s8_dsp_lut(const ef_elementwise_s8_params *p, const int32_t *lut, const int8_t *a, const int8_t *b, int8_t *out);
#endif
