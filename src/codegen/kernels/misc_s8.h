/* Data-movement and activation ops, int8: RELU/RELU6/RELU_N1_TO_1 (TFLM requantizing form),
 * CONCATENATION, PAD, RESHAPE (copy). */
#ifndef EF_MISC_S8_H
#define EF_MISC_S8_H
#include "ef_common.h"

typedef struct {
  int32_t size, in_zero_point, out_offset, mult, shift, act_min, act_max;
} ef_relu_s8_params;
void ef_relu_s8(const ef_relu_s8_params *p, const int8_t *in, int8_t *out);

typedef struct {
  int32_t outer, n_inputs, total_inner; /* total_inner = sum of copy sizes */
  const int32_t *inner;                 /* bytes copied from input k per outer step */
} ef_concat_params;
void ef_concat_s8(const ef_concat_params *p, const int8_t *const *in, int8_t *out);

typedef struct {
  int32_t in_dims[4], out_dims[4], before[4];
  int32_t pad_value;
} ef_pad_s8_params;
void ef_pad_s8(const ef_pad_s8_params *p, const int8_t *in, int8_t *out);

typedef struct {
  int32_t size, in_zero_point, out_offset, id_mult, id_shift, alpha_mult, alpha_shift;
} ef_leaky_relu_s8_params;
void ef_leaky_relu_s8(const ef_leaky_relu_s8_params *p, const int8_t *in, int8_t *out);
void ef_leaky_relu_s8_mve(const ef_leaky_relu_s8_params *p, const int8_t *in, int8_t *out);

typedef struct {
  int32_t size;
  const int8_t *table; /* 256 entries, index = input + 128 */
} ef_lut_s8_params;
void ef_lut_s8(const ef_lut_s8_params *p, const int8_t *in, int8_t *out);

typedef struct {
  int32_t dims[4];  /* input shape padded to rank 4 */
  int32_t ostr[4];  /* output element stride per input dim, 0 on reduced dims */
  int32_t n_out, count, mode, in_zero_point, out_zero_point, mult, shift;
} ef_mean_s8_params;
void ef_mean_s8(const ef_mean_s8_params *p, const int8_t *in, int8_t *out, void *scratch);

typedef struct {
  int32_t out_dims[6];  /* output shape padded to rank 6 */
  int32_t in_stride[6]; /* input element stride of the axis each output axis reads */
  int32_t count, elem_bytes;
} ef_transpose_params;
void ef_transpose(const ef_transpose_params *p, const void *in, void *out);

typedef struct {
  int32_t size, in_bytes, out_bytes, in_zero_point, out_zero_point, mult, shift, min, max;
} ef_requant_params;
void ef_requant_int(const ef_requant_params *p, const void *in, void *out);

void ef_copy_bytes(const void *in, void *out, int32_t n);
#endif
