/* ADD int8 for Helium, same-shape inputs: 4 elements per vector through TFLM's exact
 * rescale-add-rescale (VQRDMULH = gemmlowp SRDHM; sign fix + VRSHL = RoundingDivideByPOT).
 * (x + offset) << 20 is one VMLAS. When one input has the larger scale its multiplier is
 * exactly 2^30 with shift 0, and SRDHM((x + off) << 20, 2^30) = (x + off) << 19 exactly, so
 * that input costs one VMLAS too (the ResNet residual adds). Broadcasting inputs use the
 * portable kernel. */
#include "elementwise_s8.h"
#if !defined(__ARM_FEATURE_MVE)
#error "add_s8_mve.c needs Helium (MVE), e.g. -mcpu=cortex-m55"
#endif
#include <arm_mve.h>

EF_INLINE int32x4_t rdbpot(int32x4_t v, int32_t shift, int32x4_t nz) {
  /* shift <= 0; when it is 0 the sign fix must not apply (nz = 0) */
  v = vaddq_s32(v, vandq_s32(vshrq_n_s32(v, 31), nz));
  return vrshlq_s32(v, vdupq_n_s32(shift));
}

/* x: multiplier mx, right shift sx < 0; y: the 2^30 / shift 0 input; output shift so < 0. */
static void add_half(const int8_t *x, int32_t ox, int32_t mx, int32_t sx, const int8_t *y, int32_t oy, const ef_elementwise_s8_params *p, int8_t *out, int32_t n) {
  const int32x4_t k20 = vdupq_n_s32(1 << 20), k19 = vdupq_n_s32(1 << 19);
  const int32_t cx = ox * (1 << 20), cy = oy * (1 << 19), mo = p->out_mult, so = p->out_shift, off = p->out_offset;
  const int32x4_t lo = vdupq_n_s32(p->act_min), hi = vdupq_n_s32(p->act_max);
#define EF_ADD_HALF(LX, LY, ST)                                                          \
  do {                                                                                   \
    int32x4_t u = vqrdmulhq_n_s32(vmlasq_n_s32(LX, k20, cx), mx);                         \
    u = vrshlq_n_s32(vaddq_s32(u, vshrq_n_s32(u, 31)), sx);                               \
    int32x4_t s = vqrdmulhq_n_s32(vaddq_s32(u, vmlasq_n_s32(LY, k19, cy)), mo);           \
    s = vaddq_n_s32(vrshlq_n_s32(vaddq_s32(s, vshrq_n_s32(s, 31)), so), off);             \
    ST;                                                                                  \
  } while (0)
  for (; n >= 4; n -= 4, x += 4, y += 4, out += 4) EF_ADD_HALF(vldrbq_s32(x), vldrbq_s32(y), vstrbq_s32(out, vminq_s32(vmaxq_s32(s, lo), hi)));
  if (n > 0) {
    const mve_pred16_t pr = vctp32q((uint32_t)n);
    EF_ADD_HALF(vldrbq_z_s32(x, pr), vldrbq_z_s32(y, pr), vstrbq_p_s32(out, vminq_s32(vmaxq_s32(s, lo), hi), pr));
  }
#undef EF_ADD_HALF
}

void ef_add_s8_mve(const ef_elementwise_s8_params *p, const int8_t *a, const int8_t *b, int8_t *out) {
  if (!p->flat || p->sub) { /* broadcasts and SUB: the portable kernel */
    ef_add_s8(p, a, b, out);
    return;
  }
  const int32_t total = p->dims[0] * p->dims[1] * p->dims[2] * p->dims[3];
  if (p->left_shift == 20 && p->out_shift < 0) {
    if (p->in2_mult == (1 << 30) && p->in2_shift == 0 && p->in1_shift < 0) {
      add_half(a, p->in1_offset, p->in1_mult, p->in1_shift, b, p->in2_offset, p, out, total);
      return;
    }
    if (p->in1_mult == (1 << 30) && p->in1_shift == 0 && p->in2_shift < 0) {
      add_half(b, p->in2_offset, p->in2_mult, p->in2_shift, a, p->in1_offset, p, out, total);
      return;
    }
  }
  int32_t n = p->dims[0] * p->dims[1] * p->dims[2] * p->dims[3];
  const int32x4_t nz1 = vdupq_n_s32(p->in1_shift ? -1 : 0), nz2 = vdupq_n_s32(p->in2_shift ? -1 : 0), nzo = vdupq_n_s32(p->out_shift ? -1 : 0);
  const int32x4_t lo = vdupq_n_s32(p->act_min), hi = vdupq_n_s32(p->act_max);
  while (n > 0) {
    const mve_pred16_t pr = vctp32q((uint32_t)n);
    int32x4_t x = vshlq_n_s32(vaddq_n_s32(vldrbq_z_s32(a, pr), p->in1_offset), 20);
    int32x4_t y = vshlq_n_s32(vaddq_n_s32(vldrbq_z_s32(b, pr), p->in2_offset), 20);
    x = rdbpot(vqrdmulhq_n_s32(x, p->in1_mult), p->in1_shift, nz1);
    y = rdbpot(vqrdmulhq_n_s32(y, p->in2_mult), p->in2_shift, nz2);
    int32x4_t s = rdbpot(vqrdmulhq_n_s32(vaddq_s32(x, y), p->out_mult), p->out_shift, nzo);
    s = vminq_s32(vmaxq_s32(vaddq_n_s32(s, p->out_offset), lo), hi);
    vstrbq_p_s32(out, s, pr);
    a += 4;
    b += 4;
    out += 4;
    n -= 4;
  }
}
