/* The Helium engine fully unrolled for kp = 288 (e.g. 3x3 over 32 channels); see gemm_asm_mve.h. */
#include "gemm_asm_mve.h"
#if !defined(__ARM_FEATURE_MVE)
#error "gemm18_mve.c needs Helium (MVE), e.g. -mcpu=cortex-m55"
#endif

EF_BIG_FN(ef_mve_pairs_18, 18)
