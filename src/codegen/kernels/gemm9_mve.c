/* The Helium engine fully unrolled for kp = 144 (e.g. 3x3 over 16 channels); see gemm_asm_mve.h. */
#include "gemm_asm_mve.h"
#if !defined(__ARM_FEATURE_MVE)
#error "gemm9_mve.c needs Helium (MVE), e.g. -mcpu=cortex-m55"
#endif

EF_BIG_FN(ef_mve_pairs_9, 9)
