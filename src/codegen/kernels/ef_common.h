/*
 * edgeforge generated-code kernels: shared integer arithmetic.
 * Bit-exact with TFLite Micro's reference kernels (double rounding, as TFLM builds by
 * default) and with src/runtime/fixedpoint.ts. No libc, no float.
 */
#ifndef EF_COMMON_H
#define EF_COMMON_H
#include <stdint.h>
#include <stddef.h>

#ifndef EF_INLINE
#define EF_INLINE static inline __attribute__((always_inline))
#endif

/* gemmlowp SaturatingRoundingDoublingHighMul. (ab + 2^30) >> 31 with an arithmetic shift
 * equals TFLM's sign-dependent nudge followed by truncating division (checked in
 * docs/codegen.md), and avoids a 64-bit division on 32-bit cores. */
EF_INLINE int32_t ef_srdhm(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  int64_t ab = (int64_t)a * (int64_t)b + (1ll << 30);
  return (int32_t)(ab >> 31);
}

/* gemmlowp RoundingDivideByPOT: round half away from zero. */
EF_INLINE int32_t ef_rdbpot(int32_t x, int e) {
  const int32_t mask = (int32_t)((1ll << e) - 1);
  const int32_t rem = x & mask;
  const int32_t thr = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> e) + (rem > thr ? 1 : 0);
}

/* TFLM MultiplyByQuantizedMultiplier (shift > 0 is a left shift). */
EF_INLINE int32_t ef_requant(int32_t x, int32_t mult, int32_t shift) {
  const int ls = shift > 0 ? shift : 0;
  const int rs = shift > 0 ? 0 : -shift;
  return ef_rdbpot(ef_srdhm((int32_t)((uint32_t)x << ls), mult), rs);
}

EF_INLINE int32_t ef_clamp(int32_t x, int32_t lo, int32_t hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}

/* Status codes returned by the generated model API. */
#define EF_OK 0
#define EF_ERR_ARG 1

/* Placement hooks: define them when building model.c to put the weights or the arena where the
 * board wants them, e.g. -DEF_WEIGHTS_ATTR='__attribute__((section(".qspi_rodata")))' or
 * -DEF_ARENA_ATTR='__attribute__((section(".dtcm_bss")))'. Empty by default. */
#ifndef EF_WEIGHTS_ATTR
#define EF_WEIGHTS_ATTR
#endif
#ifndef EF_ARENA_ATTR
#define EF_ARENA_ATTR
#endif

/* Per-layer hook: empty unless the build defines it (profiling firmware marks layer edges). */
#ifndef EF_LAYER_HOOK
#define EF_LAYER_HOOK(i) ((void)0)
#endif

/* The 4-D broadcast walk of the element-wise kernels (TFLM's NdArrayDesc loops): runs BODY once
 * per output element in row-major order with ia_ / ib_ the element indices of each input;
 * p has dims[4] and element strides s1[4], s2[4] (0 on a broadcast dim). */
#define EF_BROADCAST_4D(p, BODY)                                                         \
  for (int32_t i0_ = 0; i0_ < (p)->dims[0]; i0_++)                                       \
    for (int32_t i1_ = 0; i1_ < (p)->dims[1]; i1_++)                                     \
      for (int32_t i2_ = 0; i2_ < (p)->dims[2]; i2_++)                                   \
        for (int32_t i3_ = 0; i3_ < (p)->dims[3]; i3_++) {                               \
          const int32_t ia_ = i0_ * (p)->s1[0] + i1_ * (p)->s1[1] + i2_ * (p)->s1[2] + i3_ * (p)->s1[3]; \
          const int32_t ib_ = i0_ * (p)->s2[0] + i1_ * (p)->s2[1] + i2_ * (p)->s2[2] + i3_ * (p)->s2[3]; \
          BODY;                                                                          \
        }

#endif
