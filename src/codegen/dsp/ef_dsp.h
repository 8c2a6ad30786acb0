/*
 * edgeforge signal front ends (emitted by `edgeforge compile --dsp <name>`): the same
 * computations as src/data/frontend (TS) in float32, table-driven (window, twiddles, mel
 * weights and DCT are constants emitted by the compiler), no allocation, no trigonometry
 * at run time, no libm (own sqrt/log). Returns 0, or a negative status on bad sizes.
 */
#ifndef EF_DSP_H
#define EF_DSP_H
#include <stdint.h>

typedef struct {
  int n;                /* FFT length, a power of two */
  const float *cos_tw;  /* n/2 twiddles: cos(2*pi*k/n) */
  const float *sin_tw;  /* n/2 twiddles: -sin(2*pi*k/n) */
  const uint16_t *rev;  /* n bit-reversed indices */
} ef_fft_plan;

/* In-place complex FFT of (re, im). */
void ef_fft(const ef_fft_plan *p, float *re, float *im);

typedef struct {
  ef_fft_plan fft;
  int clip_samples, frame_len, frame_step, frames, mel_bins, coeffs;
  int normalize_peak;
  float log_offset;
  const float *window;      /* frame_len */
  const uint16_t *mel_first; /* mel_bins: first spectrum bin with a non-zero weight */
  const uint16_t *mel_count; /* mel_bins: number of bins */
  const uint16_t *mel_off;   /* mel_bins: offset into mel_w */
  const float *mel_w;
  const float *dct;          /* coeffs x mel_bins, TF scaling included */
} ef_mfcc_cfg;

/* scratch: 2*n + (n/2+1) + mel_bins floats. out: frames*coeffs (row-major frames x coeffs);
   coeffs = 0: the log-mel spectrogram, frames*mel_bins. */
int ef_mfcc(const ef_mfcc_cfg *c, const float *audio, int n, float *scratch, float *out);

enum { EF_NORM_NONE = 0, EF_NORM_ZSCORE = 1, EF_NORM_TEMP_COMP = 2 };

typedef struct {
  ef_fft_plan fft;
  int bands, log, norm;
  const float *window; /* n */
} ef_spectrum_cfg;

/* scratch: 2*n + (n/2+1) floats. out: bands. */
int ef_spectrum(const ef_spectrum_cfg *c, const float *x, int n, float *scratch, float *out);

/*
 * The same spectrum in fixed point, for cores without an FPU (soft-float made the float path
 * ~50 ms on a 108 MHz RV32IMAC): samples block-scaled by a power of two to int32 (peak 2^28,
 * no float arithmetic), Q31 window and twiddles through high-word multiplies, an FFT scaled by
 * 1/2 per stage, integer magnitude per bin; float only for the band values.
 * scratch: 2*n int32. Results equal ef_spectrum's within ~1e-4 in the log domain.
 */
typedef struct {
  int n, bands, log, norm;
  const int32_t *window_q31; /* n */
  const int32_t *cos_q31;    /* n/2 */
  const int32_t *sin_q31;    /* n/2, −sin */
  const uint16_t *rev;       /* n */
} ef_spectrum_fx_cfg;

int ef_spectrum_fx(const ef_spectrum_fx_cfg *c, const float *x, int n, int32_t *scratch, float *out);

/*
 * The MFCC (or log-mel) in fixed point for cores without an FPU: per frame, samples block-scaled
 * to a peak in [2^28, 2^29) (block floating point: quiet frames keep their precision), Q31
 * window, the scaled FFT and integer magnitudes of ef_spectrum_fx, Q16 mel weights with integer
 * sums; float only for the 40 logs per frame and the DCT. scratch: 2*n int32. Same outputs as ef_mfcc within float error
 * of the log domain (see dsp.test.ts for the measured bound).
 */
typedef struct {
  ef_spectrum_fx_cfg fx;     /* n, cos/sin Q31, bit reversal (bands/log/norm/window unused) */
  int clip_samples, frame_len, frame_step, frames, mel_bins, coeffs, normalize_peak;
  float log_offset;
  const int32_t *window_q31; /* frame_len */
  const uint16_t *mel_first, *mel_count, *mel_off;
  const uint16_t *mel_w_q16; /* mel weights in [0, 1) as Q16 (a weight of 1 saturates to 65535) */
  const float *dct;
} ef_mfcc_fx_cfg;

int ef_mfcc_fx(const ef_mfcc_fx_cfg *c, const float *audio, int n, int32_t *scratch, float *out);

/* The front end this project was compiled with (see ef_frontend.c): raw samples -> model input. */
int ef_frontend(const float *x, int n, float *out);
extern const int ef_frontend_input_samples;
extern const int ef_frontend_output_size;

#endif
