/* ADD int8 for cores with the Arm DSP extension, same-shape inputs. The shifted inputs are
 * below 2^29 in magnitude, so SMMULR(2x, m) is exactly gemmlowp's SRDHM; rounding shifts
 * round half away from zero as TFLM's RoundingDivideByPOT. Broadcasting uses the portable kernel. */
#include "elementwise_s8.h"
#include "dsp_s8.h"

/* (SRDHM(x, m) rounded right by rs = -shift), nz = -1 when rs > 0 else 0. */
EF_INLINE int32_t scale(int32_t x, int32_t m, int32_t rs, int32_t half, int32_t nz) {
  int32_t v = smmulr(x << 1, m);
  return (v + half + ((v >> 31) & nz)) >> rs;
}

void ef_add_s8_dsp(const ef_elementwise_s8_params *p, const int8_t *a, const int8_t *b, int8_t *out) {
  if (!p->flat) {
    ef_add_s8(p, a, b, out);
    return;
  }
  const int32_t n = p->dims[0] * p->dims[1] * p->dims[2] * p->dims[3];
  const int32_t r1 = -p->in1_shift, r2 = -p->in2_shift, ro = -p->out_shift;
  const int32_t h1 = (1 << r1) >> 1, h2 = (1 << r2) >> 1, ho = (1 << ro) >> 1;
  const int32_t z1 = r1 ? -1 : 0, z2 = r2 ? -1 : 0, zo = ro ? -1 : 0;
  const int32_t m1 = p->in1_mult, m2 = p->in2_mult, mo = p->out_mult;
  for (int32_t i = 0; i < n; i++) {
    const int32_t x = scale((a[i] + p->in1_offset) << 20, m1, r1, h1, z1);
    const int32_t y = scale((b[i] + p->in2_offset) << 20, m2, r2, h2, z2);
    const int32_t s = scale(x + y, mo, ro, ho, zo) + p->out_offset;
    out[i] = (int8_t)ef_clamp(s, p->act_min, p->act_max);
  }
}

/* Same-shape ADD through tables: each input's rescale depends on one int8 value, so the
 * emitter tabulates 2*x(a) and 2*y(b) with the integer runtime's arithmetic; per element two
 * loads, one add and the 4-instruction requantization of dsp_s8.h (|x + y| < 2^29). */
#include "add_s8_dsp.h"

void ef_add_s8_dsp_lut(const ef_elementwise_s8_params *p, const int32_t *lut, const int8_t *a, const int8_t *b, int8_t *out) {
  const int32_t n = p->dims[0] * p->dims[1] * p->dims[2] * p->dims[3];
  const int32_t *t1 = lut + 128, *t2 = lut + 384;
  const int32_t t[3] = {lut[512], lut[513], lut[514]};
  const int32_t lo = p->act_min, hi = p->act_max;
  int32_t i = 0;
  if (lo == -128 && hi == 127) {
    for (; i + 4 <= n; i += 4) {
      const int32_t s0 = t1[a[i]] + t2[b[i]], s1 = t1[a[i + 1]] + t2[b[i + 1]];
      const int32_t s2 = t1[a[i + 2]] + t2[b[i + 2]], s3 = t1[a[i + 3]] + t2[b[i + 3]];
      const int8_t r0 = rq_fast(s0, t), r1 = rq_fast(s1, t), r2 = rq_fast(s2, t), r3 = rq_fast(s3, t);
      out[i] = r0;
      out[i + 1] = r1;
      out[i + 2] = r2;
      out[i + 3] = r3;
    }
  }
  for (; i < n; i++) out[i] = rq_gen(t1[a[i]] + t2[b[i]], t, 0, lo, hi);
}
