/* float32 kernels: the baseline a user compares the int8 model against (TFLite reference
 * semantics, fused activation as a clamp). Uses the FPU where the core has one. */
#ifndef EF_F32_H
#define EF_F32_H
#include "ef_common.h"

typedef struct {
  int32_t batches, in_h, in_w, in_c, out_h, out_w, out_c, k_h, k_w;
  int32_t stride_h, stride_w, dil_h, dil_w, pad_h, pad_w, depth_mult;
  float act_min, act_max;
  const float *filter, *bias; /* OHWI / 1HWC; bias may be NULL */
} ef_conv_f32_params;
void ef_conv_f32(const ef_conv_f32_params *p, const float *in, float *out);
void ef_dwconv_f32(const ef_conv_f32_params *p, const float *in, float *out);

typedef struct {
  int32_t batches, in_depth, out_depth;
  float act_min, act_max;
  const float *filter, *bias;
} ef_fc_f32_params;
void ef_fc_f32(const ef_fc_f32_params *p, const float *in, float *out);

typedef struct {
  int32_t batches, in_h, in_w, c, out_h, out_w, k_h, k_w, stride_h, stride_w, pad_h, pad_w;
  float act_min, act_max;
} ef_pool_f32_params;
void ef_avgpool_f32(const ef_pool_f32_params *p, const float *in, float *out);
void ef_maxpool_f32(const ef_pool_f32_params *p, const float *in, float *out);

typedef struct {
  int32_t dims[4], s1[4], s2[4];
  float act_min, act_max;
} ef_binary_f32_params;
void ef_add_f32(const ef_binary_f32_params *p, const float *a, const float *b, float *out);
void ef_mul_f32(const ef_binary_f32_params *p, const float *a, const float *b, float *out);
void ef_sub_f32(const ef_binary_f32_params *p, const float *a, const float *b, float *out);
void ef_div_f32(const ef_binary_f32_params *p, const float *a, const float *b, float *out);
void ef_maximum_f32(const ef_binary_f32_params *p, const float *a, const float *b, float *out);
void ef_minimum_f32(const ef_binary_f32_params *p, const float *a, const float *b, float *out);
void ef_compare_f32(const ef_binary_f32_params *p, const float *a, const float *b, int8_t *out, int32_t op);

typedef struct {
  int32_t outer, depth;
  float beta;
} ef_softmax_f32_params;
void ef_softmax_f32(const ef_softmax_f32_params *p, const float *in, float *out);

void ef_clamp_f32(const float *in, float *out, int32_t n, float lo, float hi);
void ef_logistic_f32(const float *in, float *out, int32_t n);
void ef_tanh_f32(const float *in, float *out, int32_t n);
void ef_sqrt_f32(const float *in, float *out, int32_t n);

typedef struct {
  int32_t dims[4], ostr[4]; /* input shape padded to rank 4; output stride per dim, 0 if reduced */
  int32_t n_out, count;
} ef_mean_f32_params;
void ef_mean_f32(const ef_mean_f32_params *p, const float *in, float *out);
void ef_reduce_max_f32(const ef_mean_f32_params *p, const float *in, float *out);
void ef_log_f32(const float *in, float *out, int32_t n);
#endif
