/* AVERAGE_POOL_2D int8 for the Arm DSP extension (avgpool_s8_dsp.c). */
#ifndef EF_AVGPOOL_S8_DSP_H
#define EF_AVGPOOL_S8_DSP_H
#include "pool_s8.h"

void ef_avgpool_s8_dsp(const ef_pool_s8_params *p, const int8_t *in, int8_t *out);
#endif
