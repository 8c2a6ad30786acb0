/* Arm DSP-extension helpers shared by the DSP kernels (Cortex-M4/M7/M33). */
#ifndef EF_DSP_S8_H
#define EF_DSP_S8_H
#include "ef_common.h"
#include <arm_acle.h>

/* SXTB16 of the word rotated by 8 (bytes 1 and 3), one instruction. */
EF_INLINE uint32_t sxtb16_ror8(uint32_t x) {
  uint32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}

EF_INLINE int32_t smmulr(int32_t a, int32_t b) {
  int32_t r;
  __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}

/* c + SMMULR(a, b): the 64-bit sum c*2^32 + a*b + 2^31, high word. */
EF_INLINE int32_t smmlar(int32_t a, int32_t b, int32_t c) {
  int32_t r;
  __asm__("smmlar %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(c));
  return r;
}

/*
 * Requantization tables (pack-dsp.ts dspRequant): word 0 is 1 when the output offset is
 * folded into K, then per channel (m, rs, K), rs = -shift >= 1, K = off*2^rs + 2^(rs-1)
 * (folded) or 2^(rs-1). Kernels accumulate 2*acc (weights and bias pre-doubled, |acc| < 2^30).
 *
 * TFLM: RDBPOT(SRDHM(acc, m), rs) + off. SRDHM(acc, m) = v = SMMULR(2*acc, m) (|acc| < 2^30),
 * RDBPOT rounds half away from zero: (v - [v<0] + 2^(rs-1)) >> rs. [v<0] may be replaced by
 * [acc<0]: they differ only when v = 0, and then both give 0 since rs >= 1. With the offset
 * folded, (v + K - [acc<0]) >> rs = RDBPOT(v, rs) + off; |v| < 2^30 and |K| < 2^30 (checked)
 * so nothing overflows. Four instructions: SMMLAR, ADD (asr #31), ASR, SSAT.
 */
EF_INLINE int32_t rq_core(int32_t acc2, const int32_t *t) {
  return (smmlar(acc2, t[0], t[2]) + (acc2 >> 31)) >> t[1];
}

/* Full int8 activation range and offset folded: SSAT is the only clamp. */
EF_INLINE int8_t rq_fast(int32_t acc2, const int32_t *t) {
  return (int8_t)__ssat(rq_core(acc2, t), 8);
}

/* Any clamp; `add` is the output offset when the table did not fold it (else 0). */
EF_INLINE int8_t rq_gen(int32_t acc2, const int32_t *t, int32_t add, int32_t lo, int32_t hi) {
  int32_t v = __ssat(rq_core(acc2, t) + add, 8);
  return (int8_t)(v < lo ? lo : (v > hi ? hi : v));
}
#endif
