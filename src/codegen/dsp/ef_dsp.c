/* Front-end kernels: see ef_dsp.h. Mirrors the TS front ends (fft, mfcc, spectrum). */
#include "ef_dsp.h"

/* No libm: MCU toolchains without newlib (and soft-float cores) still build this file. */
static float ef_fabsf(float x) { return x < 0.0f ? -x : x; }

static float ef_sqrtf(float x) {
  if (x <= 0.0f) return 0.0f;
  union { float f; uint32_t u; } v = { x };
  v.u = 0x1fbd1df5u + (v.u >> 1); /* exponent halved: within ~4 % */
  float y = v.f;
  for (int i = 0; i < 4; i++) y = 0.5f * (y + x / y);
  return y;
}

/* ln x = e·ln 2 + 2·atanh((m − 1)/(m + 1)), m in [√½, √2): series to s⁹, error < 1e-7 relative. */
static float ef_logf(float x) {
  if (x <= 0.0f) return -103.0f; /* below the smallest float's log: never reached with the +1e-6 offset */
  union { float f; uint32_t u; } v = { x };
  int e = (int)((v.u >> 23) & 0xff) - 127;
  v.u = (v.u & 0x007fffffu) | 0x3f800000u; /* mantissa in [1, 2) */
  float m = v.f;
  if (m > 1.41421356f) { m *= 0.5f; e++; }
  float s = (m - 1.0f) / (m + 1.0f), s2 = s * s;
  float p = s * (2.0f + s2 * (0.666666667f + s2 * (0.4f + s2 * (0.285714286f + s2 * 0.222222222f))));
  return (float)e * 0.693147181f + p;
}

void ef_fft(const ef_fft_plan *p, float *re, float *im) {
  const int n = p->n;
  for (int i = 0; i < n; i++) {
    int j = p->rev[i];
    if (j > i) {
      float t = re[i]; re[i] = re[j]; re[j] = t;
      t = im[i]; im[i] = im[j]; im[j] = t;
    }
  }
  for (int size = 2; size <= n; size <<= 1) {
    int half = size >> 1, step = n / size;
    for (int start = 0; start < n; start += size) {
      for (int k = 0; k < half; k++) {
        float wr = p->cos_tw[k * step], wi = p->sin_tw[k * step];
        int a = start + k, b = a + half;
        float tr = re[b] * wr - im[b] * wi;
        float ti = re[b] * wi + im[b] * wr;
        re[b] = re[a] - tr; im[b] = im[a] - ti;
        re[a] += tr; im[a] += ti;
      }
    }
  }
}

/* |FFT| of re[0..n) (imaginary part zeroed here): n/2+1 bins into mag. */
static void magnitude(const ef_fft_plan *p, float *re, float *im, float *mag) {
  for (int i = 0; i < p->n; i++) im[i] = 0.0f;
  ef_fft(p, re, im);
  for (int k = 0; k <= p->n / 2; k++) mag[k] = ef_sqrtf(re[k] * re[k] + im[k] * im[k]);
}

int ef_mfcc(const ef_mfcc_cfg *c, const float *audio, int n, float *scratch, float *out) {
  const int nfft = c->fft.n;
  if (c->frame_len > nfft || n < 0) return -1;
  float *re = scratch, *im = scratch + nfft, *mag = im + nfft, *lm = mag + nfft / 2 + 1;
  int avail = n < c->clip_samples ? n : c->clip_samples; /* zero-pad or cut to clip_samples */
  float scale = 1.0f;
  if (c->normalize_peak) {
    float peak = 0.0f;
    for (int i = 0; i < avail; i++) { float a = ef_fabsf(audio[i]); if (a > peak) peak = a; }
    if (peak > 0.0f) scale = 1.0f / peak;
  }
  for (int f = 0; f < c->frames; f++) {
    for (int i = 0; i < nfft; i++) {
      int s = f * c->frame_step + i;
      re[i] = (i < c->frame_len && s < avail) ? audio[s] * scale * c->window[i] : 0.0f;
    }
    magnitude(&c->fft, re, im, mag);
    for (int m = 0; m < c->mel_bins; m++) {
      float s = 0.0f;
      const float *w = c->mel_w + c->mel_off[m];
      for (int k = 0; k < c->mel_count[m]; k++) s += mag[c->mel_first[m] + k] * w[k];
      lm[m] = ef_logf(s + c->log_offset);
      if (!c->coeffs) out[f * c->mel_bins + m] = lm[m]; /* log-mel output */
    }
    for (int k = 0; k < c->coeffs; k++) {
      float s = 0.0f;
      for (int m = 0; m < c->mel_bins; m++) s += lm[m] * c->dct[k * c->mel_bins + m];
      out[f * c->coeffs + k] = s;
    }
  }
  return 0;
}

int ef_spectrum(const ef_spectrum_cfg *c, const float *x, int n, float *scratch, float *out) {
  const int nfft = c->fft.n;
  if (n < nfft || (nfft / 2) % c->bands) return -1;
  float *re = scratch, *im = scratch + nfft, *mag = im + nfft;
  float mean = 0.0f, rms = 0.0f;
  for (int i = 0; i < nfft; i++) mean += x[i];
  mean /= (float)nfft;
  for (int i = 0; i < nfft; i++) {
    float v = c->norm == EF_NORM_TEMP_COMP ? x[i] - mean : x[i]; /* offset drift removed */
    rms += v * v;
    re[i] = v * c->window[i];
  }
  rms = ef_sqrtf(rms / (float)nfft);
  if (rms == 0.0f) rms = 1.0f;
  magnitude(&c->fft, re, im, mag);
  const int per = nfft / 2 / c->bands;
  for (int b = 0; b < c->bands; b++) {
    float s = 0.0f;
    for (int k = 0; k < per; k++) s += mag[1 + b * per + k]; /* DC bin left out */
    float v = (s / (float)per) * (2.0f / (float)nfft);
    if (c->norm == EF_NORM_TEMP_COMP) v /= rms; /* gain drift divided out */
    out[b] = c->log ? ef_logf(v + 1e-6f) : v;
  }
  if (c->norm == EF_NORM_ZSCORE) {
    float m = 0.0f, sd = 0.0f;
    for (int b = 0; b < c->bands; b++) m += out[b];
    m /= (float)c->bands;
    for (int b = 0; b < c->bands; b++) sd += (out[b] - m) * (out[b] - m);
    sd = ef_sqrtf(sd / (float)c->bands);
    if (sd == 0.0f) sd = 1.0f;
    for (int b = 0; b < c->bands; b++) out[b] = (out[b] - m) / sd;
  }
  return 0;
}

/* ---- fixed point ---- */

/* High word of a 32×32 product: one MULH on RV32M, SMMUL on Armv7E-M. */
static int32_t mulh(int32_t a, int32_t b) { return (int32_t)(((int64_t)a * b) >> 32); }

static uint32_t isqrt32(uint32_t v) {
  uint32_t r = 0, bit = 1u << 30;
  while (bit > v) bit >>= 2;
  while (bit) {
    if (v >= r + bit) { v -= r + bit; r = (r >> 1) + bit; } else r >>= 1;
    bit >>= 2;
  }
  return r;
}

/* |re + j·im| to ~2^-15 relative: both shifted until they fit 15 bits, integer sqrt, shifted back. */
static uint32_t magnitude_fx(int32_t re, int32_t im) {
  uint32_t a = re < 0 ? 0u - (uint32_t)re : (uint32_t)re, b = im < 0 ? 0u - (uint32_t)im : (uint32_t)im;
  uint32_t m = a | b;
  int s = 0;
  if (m >> 23) { s = 8; m >>= 8; }
  while (m >> 15) { s++; m >>= 1; }
  a >>= s; b >>= s;
  return isqrt32(a * a + b * b) << s;
}

/* Radix-2 FFT scaled by 1/2 per stage (no growth, so no overflow): X / n overall. Q31 twiddles. */
static void fft_fx(const ef_spectrum_fx_cfg *c, int32_t *re, int32_t *im) {
  const int n = c->n;
  for (int i = 0; i < n; i++) {
    int j = c->rev[i];
    if (j > i) {
      int32_t t = re[i]; re[i] = re[j]; re[j] = t;
      t = im[i]; im[i] = im[j]; im[j] = t;
    }
  }
  for (int size = 2; size <= n; size <<= 1) {
    int half = size >> 1, step = n / size;
    for (int start = 0; start < n; start += size) {
      for (int k = 0; k < half; k++) {
        int32_t wr = c->cos_q31[k * step], wi = c->sin_q31[k * step];
        int a = start + k, b = a + half;
        int32_t tr = mulh(re[b], wr) - mulh(im[b], wi); /* (b·w)/2 */
        int32_t ti = mulh(re[b], wi) + mulh(im[b], wr);
        int32_t ar = re[a] >> 1, ai = im[a] >> 1;
        re[b] = ar - tr; im[b] = ai - ti;
        re[a] = ar + tr; im[a] = ai + ti;
      }
    }
  }
}

/* float → int32 scaled by 2^k with no float arithmetic (soft-float cores): exponent shift, rounded. */
static int32_t scaled_int(float x, int k) {
  union { float f; uint32_t u; } v = { x };
  int e = (int)((v.u >> 23) & 0xff);
  if (e == 0) return 0; /* zero and subnormals */
  uint32_t m = (v.u & 0x007fffffu) | 0x00800000u;
  int sh = e - 127 - 23 + k;
  uint32_t q = sh >= 0 ? m << sh : sh > -32 ? (m + (1u << (-sh - 1))) >> -sh : 0u;
  return (v.u >> 31) ? -(int32_t)q : (int32_t)q;
}

int ef_spectrum_fx(const ef_spectrum_fx_cfg *c, const float *x, int n, int32_t *scratch, float *out) {
  const int nfft = c->n;
  if (n < nfft || (nfft / 2) % c->bands) return -1;
  int32_t *re = scratch, *im = scratch + nfft;
  /* Block scaling by 2^k: peak in [2^28, 2^29), found on the float bit patterns (|x| orders like its bits). */
  uint32_t pbits = 0;
  for (int i = 0; i < nfft; i++) {
    union { float f; uint32_t u; } v = { x[i] };
    uint32_t a = v.u & 0x7fffffffu;
    if (a > pbits) pbits = a;
  }
  int k = pbits ? 28 - ((int)((pbits >> 23) & 0xff) - 127) : 0;
  int64_t sum = 0;
  for (int i = 0; i < nfft; i++) { re[i] = scaled_int(x[i], k); sum += re[i]; }
  int32_t mean = c->norm == EF_NORM_TEMP_COMP ? (int32_t)(sum / nfft) : 0; /* offset drift removed */
  uint64_t sq = 0;
  for (int i = 0; i < nfft; i++) {
    int32_t v = re[i] - mean, v8 = v >> 8;
    sq += (uint64_t)((int64_t)v8 * v8);
    re[i] = mulh(v, c->window_q31[i]); /* v·w/2 */
    im[i] = 0;
  }
  fft_fx(c, re, im);
  /* Undo the scaling in one factor: bins are X·2^k/(2n); the spectrum value is mean|X|·2/n. */
  float scale = 1.0f;
  for (int i = 0; i < (k < 0 ? -k : k); i++) scale = k < 0 ? scale * 2.0f : scale * 0.5f; /* 2^-k */
  const int per = nfft / 2 / c->bands;
  float factor = scale * 2.0f * (float)nfft * (2.0f / (float)nfft) / (float)per;
  if (c->norm == EF_NORM_TEMP_COMP) {
    float rms = ef_sqrtf((float)sq * 65536.0f / (float)nfft) * scale;
    factor /= rms > 0.0f ? rms : 1.0f; /* gain drift divided out */
  }
  for (int b = 0; b < c->bands; b++) {
    uint64_t s = 0;
    for (int q = 0; q < per; q++) s += magnitude_fx(re[1 + b * per + q], im[1 + b * per + q]); /* DC bin left out */
    float v = (float)s * factor;
    out[b] = c->log ? ef_logf(v + 1e-6f) : v;
  }
  if (c->norm == EF_NORM_ZSCORE) {
    float m = 0.0f, sd = 0.0f;
    for (int b = 0; b < c->bands; b++) m += out[b];
    m /= (float)c->bands;
    for (int b = 0; b < c->bands; b++) sd += (out[b] - m) * (out[b] - m);
    sd = ef_sqrtf(sd / (float)c->bands);
    if (sd == 0.0f) sd = 1.0f;
    for (int b = 0; b < c->bands; b++) out[b] = (out[b] - m) / sd;
  }
  return 0;
}

/* 2^e as a float without libm or float arithmetic (|e| < 126). */
static float pow2f(int e) {
  union { uint32_t u; float f; } v = { (uint32_t)(e + 127) << 23 };
  return v.f;
}

/* Exponent of |x| from its bit pattern (floor(log2 |x|)), or -1000 for zero. */
static int exponent_of(uint32_t abs_bits) { return abs_bits ? (int)((abs_bits >> 23) & 0xff) - 127 : -1000; }

int ef_mfcc_fx(const ef_mfcc_fx_cfg *c, const float *audio, int n, int32_t *scratch, float *out) {
  const int nfft = c->fx.n;
  if (c->frame_len > nfft || n < 0) return -1;
  int32_t *re = scratch, *im = scratch + nfft;
  float lm[64];
  if (c->mel_bins > 64) return -1;
  const int avail = n < c->clip_samples ? n : c->clip_samples;
  float inv_peak = 1.0f;
  if (c->normalize_peak) {
    uint32_t pb = 0;
    for (int i = 0; i < avail; i++) {
      union { float f; uint32_t u; } v = { audio[i] };
      if ((v.u & 0x7fffffffu) > pb) pb = v.u & 0x7fffffffu;
    }
    if (pb) { union { uint32_t u; float f; } v = { pb }; inv_peak = 1.0f / v.f; }
  }
  for (int f = 0; f < c->frames; f++) {
    const int s0 = f * c->frame_step;
    uint32_t pb = 0;
    for (int i = 0; i < c->frame_len && s0 + i < avail; i++) {
      union { float f; uint32_t u; } v = { audio[s0 + i] };
      if ((v.u & 0x7fffffffu) > pb) pb = v.u & 0x7fffffffu;
    }
    int k = pb ? 28 - exponent_of(pb) : 0; /* this frame's peak → [2^28, 2^29) */
    if (k > 120) k = 120; /* (subnormal-quiet frames: zeros) */
    for (int i = 0; i < nfft; i++) {
      const int s = s0 + i;
      re[i] = (i < c->frame_len && s < avail) ? mulh(scaled_int(audio[s], k), c->window_q31[i]) : 0; /* x·2^k·w/2 */
      im[i] = 0;
    }
    fft_fx(&c->fx, re, im);
    /* bins are X·2^k/(2n): |X| = bin·2n·2^-k, then the clip's peak normalisation */
    const float factor = (float)(2 * nfft) * pow2f(-k) * inv_peak;
    for (int m = 0; m < c->mel_bins; m++) {
      uint64_t acc = 0; /* magnitudes (< 2^30) x Q16 weights: integer sums, one conversion per bin */
      const uint16_t *w = c->mel_w_q16 + c->mel_off[m];
      for (int q = 0; q < c->mel_count[m]; q++) {
        const int b = c->mel_first[m] + q;
        acc += (uint64_t)magnitude_fx(re[b], im[b]) * w[q];
      }
      lm[m] = ef_logf((float)acc * (factor * (1.0f / 65536.0f)) + c->log_offset);
      if (!c->coeffs) out[f * c->mel_bins + m] = lm[m];
    }
    for (int q = 0; q < c->coeffs; q++) {
      float acc = 0.0f;
      for (int m = 0; m < c->mel_bins; m++) acc += lm[m] * c->dct[q * c->mel_bins + m];
      out[f * c->coeffs + q] = acc;
    }
  }
  return 0;
}
