/* Portable float FULLY_CONNECTED, pooling, ADD/MUL (broadcast), SOFTMAX, activations. */
#include "f32.h"

EF_INLINE float clampf(float v, float lo, float hi) { return v < lo ? lo : (v > hi ? hi : v); }

void ef_fc_f32(const ef_fc_f32_params *p, const float *in, float *out) {
  for (int32_t b = 0; b < p->batches; b++)
    for (int32_t o = 0; o < p->out_depth; o++) {
      const float *x = in + b * p->in_depth, *w = p->filter + o * p->in_depth;
      float acc = 0.0f;
      for (int32_t d = 0; d < p->in_depth; d++) acc += x[d] * w[d];
      if (p->bias) acc += p->bias[o];
      out[b * p->out_depth + o] = clampf(acc, p->act_min, p->act_max);
    }
}

static void pool(const ef_pool_f32_params *p, const float *in, float *out, int avg) {
  for (int32_t b = 0; b < p->batches; b++)
    for (int32_t oy = 0; oy < p->out_h; oy++)
      for (int32_t ox = 0; ox < p->out_w; ox++) {
        const int32_t iy0 = oy * p->stride_h - p->pad_h, ix0 = ox * p->stride_w - p->pad_w;
        const int32_t fy0 = iy0 < 0 ? -iy0 : 0, fx0 = ix0 < 0 ? -ix0 : 0;
        const int32_t fy1 = p->k_h < p->in_h - iy0 ? p->k_h : p->in_h - iy0;
        const int32_t fx1 = p->k_w < p->in_w - ix0 ? p->k_w : p->in_w - ix0;
        for (int32_t ch = 0; ch < p->c; ch++) {
          float acc = avg ? 0.0f : -3.402823466e38f;
          int32_t n = 0;
          for (int32_t fy = fy0; fy < fy1; fy++)
            for (int32_t fx = fx0; fx < fx1; fx++, n++) {
              const float v = in[((b * p->in_h + iy0 + fy) * p->in_w + ix0 + fx) * p->c + ch];
              if (avg) acc += v;
              else if (v > acc) acc = v;
            }
          if (avg && n) acc /= (float)n;
          out[((b * p->out_h + oy) * p->out_w + ox) * p->c + ch] = clampf(acc, p->act_min, p->act_max);
        }
      }
}
void ef_avgpool_f32(const ef_pool_f32_params *p, const float *in, float *out) { pool(p, in, out, 1); }
void ef_maxpool_f32(const ef_pool_f32_params *p, const float *in, float *out) { pool(p, in, out, 0); }

EF_INLINE float arith(float x, float y, int op) {
  switch (op) {
    case 0: return x + y;
    case 1: return x * y;
    case 2: return x - y;
    case 3: return x / y;
    case 4: return x > y ? x : y;
    default: return x < y ? x : y;
  }
}
static void binary(const ef_binary_f32_params *p, const float *a, const float *b, float *out, int op) {
  EF_BROADCAST_4D(p, *out++ = clampf(arith(a[ia_], b[ib_], op), p->act_min, p->act_max));
}
void ef_add_f32(const ef_binary_f32_params *p, const float *a, const float *b, float *out) { binary(p, a, b, out, 0); }
void ef_mul_f32(const ef_binary_f32_params *p, const float *a, const float *b, float *out) { binary(p, a, b, out, 1); }
void ef_sub_f32(const ef_binary_f32_params *p, const float *a, const float *b, float *out) { binary(p, a, b, out, 2); }
void ef_div_f32(const ef_binary_f32_params *p, const float *a, const float *b, float *out) { binary(p, a, b, out, 3); }
void ef_maximum_f32(const ef_binary_f32_params *p, const float *a, const float *b, float *out) { binary(p, a, b, out, 4); }
void ef_minimum_f32(const ef_binary_f32_params *p, const float *a, const float *b, float *out) { binary(p, a, b, out, 5); }

/* Comparisons → bool bytes (0/1). op: 0 >, 1 >=, 2 <, 3 <=, 4 ==, 5 !=. */
EF_INLINE int compare(float x, float y, int op) {
  switch (op) {
    case 0: return x > y;
    case 1: return x >= y;
    case 2: return x < y;
    case 3: return x <= y;
    case 4: return x == y;
    default: return x != y;
  }
}
void ef_compare_f32(const ef_binary_f32_params *p, const float *a, const float *b, int8_t *out, int32_t op) {
  EF_BROADCAST_4D(p, *out++ = (int8_t)compare(a[ia_], b[ib_], op));
}

void ef_clamp_f32(const float *in, float *out, int32_t n, float lo, float hi) {
  for (int32_t i = 0; i < n; i++) out[i] = clampf(in[i], lo, hi);
}

/* exp(x) for x <= 0 without libm: 2^(x log2 e) split into 2^k (exponent bits) and a degree-6
 * polynomial of the fraction; relative error about 2e-7 over the range softmax uses. */
static float expf_neg(float x) {
  if (x < -87.0f) return 0.0f;
  const float t = x * 1.44269504f;
  int32_t k = (int32_t)t;
  if ((float)k > t) k--;
  const float f = (t - (float)k) * 0.693147181f; /* in [0, ln 2) */
  const float poly = 1.0f + f * (1.0f + f * (0.5f + f * (0.166666667f + f * (0.0416666667f + f * (0.00833333333f + f * 0.00138888889f)))));
  union { uint32_t u; float v; } s;
  s.u = (uint32_t)(k + 127) << 23;
  return poly * s.v;
}

void ef_softmax_f32(const ef_softmax_f32_params *p, const float *in, float *out) {
  for (int32_t i = 0; i < p->outer; i++) {
    const float *x = in + i * p->depth;
    float *y = out + i * p->depth;
    float mx = x[0];
    for (int32_t c = 1; c < p->depth; c++) if (x[c] > mx) mx = x[c];
    float sum = 0.0f;
    for (int32_t c = 0; c < p->depth; c++) sum += (y[c] = expf_neg((x[c] - mx) * p->beta));
    for (int32_t c = 0; c < p->depth; c++) y[c] /= sum;
  }
}

/* LOGISTIC and TANH through exp of a non-positive argument (no overflow, no libm). */
void ef_logistic_f32(const float *in, float *out, int32_t n) {
  for (int32_t i = 0; i < n; i++) {
    const float x = in[i], e = expf_neg(x >= 0.0f ? -x : x);
    out[i] = x >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
  }
}
void ef_tanh_f32(const float *in, float *out, int32_t n) {
  for (int32_t i = 0; i < n; i++) {
    const float x = in[i], e = expf_neg(-2.0f * (x >= 0.0f ? x : -x));
    const float t = (1.0f - e) / (1.0f + e);
    out[i] = x >= 0.0f ? t : -t;
  }
}

/* sqrt: the FPU instruction where there is one, else Newton's iteration from an exponent-halving
 * guess (a few ulp; no libm on bare metal). Negative inputs give NaN as sqrtf does. */
void ef_sqrt_f32(const float *in, float *out, int32_t n) {
  for (int32_t i = 0; i < n; i++) {
    const float x = in[i];
#if defined(__ARM_FP) && (__ARM_FP & 4)
    float r;
    __asm__("vsqrt.f32 %0, %1" : "=t"(r) : "t"(x));
    out[i] = r;
#else
    if (!(x > 0.0f)) {
      out[i] = x == 0.0f ? x : (x - x) / (x - x); /* 0 stays 0 (and -0), negatives and NaN give NaN */
      continue;
    }
    if (x > 3.4e38f) { out[i] = x; continue; }
    union { float f; uint32_t u; } g = {x};
    g.u = (g.u >> 1) + 0x1fbd1df5u;
    float y = g.f;
    for (int k = 0; k < 4; k++) y = 0.5f * (y + x / y);
    out[i] = y;
#endif
  }
}

/* MEAN over any axes of a rank <= 4 tensor: sums per output element, then / count. */
void ef_mean_f32(const ef_mean_f32_params *p, const float *in, float *out) {
  for (int32_t o = 0; o < p->n_out; o++) out[o] = 0.0f;
  for (int32_t i0 = 0; i0 < p->dims[0]; i0++)
    for (int32_t i1 = 0; i1 < p->dims[1]; i1++)
      for (int32_t i2 = 0; i2 < p->dims[2]; i2++) {
        float *a = out + i0 * p->ostr[0] + i1 * p->ostr[1] + i2 * p->ostr[2];
        for (int32_t i3 = 0; i3 < p->dims[3]; i3++) a[i3 * p->ostr[3]] += *in++;
      }
  for (int32_t o = 0; o < p->n_out; o++) out[o] /= (float)p->count;
}

/* Natural log without libm: x = m * 2^e with m in [sqrt(1/2), sqrt(2)), then
 * log m = 2 atanh(s), s = (m-1)/(m+1), by its odd series (|s| < 0.172: 6 terms give ~1e-8). */
void ef_log_f32(const float *in, float *out, int32_t n) {
  for (int32_t i = 0; i < n; i++) {
    const float x = in[i];
    if (!(x > 0.0f)) { out[i] = x == 0.0f ? -1.0f / 0.0f : (x - x) / (x - x); continue; }
    if (x > 3.4e38f) { out[i] = x; continue; }
    union { float f; uint32_t u; } v = {x};
    int32_t e = (int32_t)((v.u >> 23) & 0xff) - 127;
    if (e == -127) { v.f = x * 8388608.0f; e = (int32_t)((v.u >> 23) & 0xff) - 127 - 23; } /* subnormal */
    v.u = (v.u & 0x007fffffu) | 0x3f800000u; /* m in [1, 2) */
    float m = v.f;
    if (m > 1.41421356f) { m *= 0.5f; e++; }
    const float s = (m - 1.0f) / (m + 1.0f), s2 = s * s;
    const float series = s * (2.0f + s2 * (0.666666667f + s2 * (0.4f + s2 * (0.285714286f + s2 * (0.222222222f + s2 * 0.181818182f)))));
    out[i] = series + (float)e * 0.693147181f;
  }
}

/* REDUCE_MAX over any axes of a rank <= 4 tensor (same walk as MEAN). */
void ef_reduce_max_f32(const ef_mean_f32_params *p, const float *in, float *out) {
  for (int32_t o = 0; o < p->n_out; o++) out[o] = -3.402823466e38f;
  for (int32_t i0 = 0; i0 < p->dims[0]; i0++)
    for (int32_t i1 = 0; i1 < p->dims[1]; i1++)
      for (int32_t i2 = 0; i2 < p->dims[2]; i2++) {
        float *a = out + i0 * p->ostr[0] + i1 * p->ostr[1] + i2 * p->ostr[2];
        for (int32_t i3 = 0; i3 < p->dims[3]; i3++, in++)
          if (*in > a[i3 * p->ostr[3]]) a[i3 * p->ostr[3]] = *in;
      }
}
