/* ADD, SUB and MUL, int8, with 4-D broadcasting (TFLM reference_integer_ops Add / Mul). */
#ifndef EF_ELEMENTWISE_S8_H
#define EF_ELEMENTWISE_S8_H
#include "ef_common.h"

typedef struct {
  int32_t dims[4];          /* output shape, padded to rank 4 */
  int32_t s1[4], s2[4];     /* element strides of each input; 0 on a broadcast dim */
  int32_t flat;             /* 1: same shapes, one flat loop */
  int32_t in1_offset, in2_offset, out_offset, act_min, act_max;
  int32_t left_shift;       /* ADD and SUB only */
  int32_t in1_mult, in1_shift, in2_mult, in2_shift; /* ADD and SUB only */
  int32_t out_mult, out_shift;
  int32_t sub;              /* SUB through ef_add_s8: the second rescaled input is subtracted */
} ef_elementwise_s8_params;

void ef_add_s8(const ef_elementwise_s8_params *p, const int8_t *a, const int8_t *b, int8_t *out);
void ef_add_s16(const ef_elementwise_s8_params *p, const int16_t *a, const int16_t *b, int16_t *out);
void ef_add_s8_table(const ef_elementwise_s8_params *p, const int32_t *table, const int8_t *a, const int8_t *b, int8_t *out);
void ef_add_s8_dsp(const ef_elementwise_s8_params *p, const int8_t *a, const int8_t *b, int8_t *out);
void ef_add_s8_mve(const ef_elementwise_s8_params *p, const int8_t *a, const int8_t *b, int8_t *out);
void ef_maximum_s8(const ef_elementwise_s8_params *p, const int8_t *a, const int8_t *b, int8_t *out);
void ef_minimum_s8(const ef_elementwise_s8_params *p, const int8_t *a, const int8_t *b, int8_t *out);
void ef_maximum_s8_mve(const ef_elementwise_s8_params *p, const int8_t *a, const int8_t *b, int8_t *out);
void ef_minimum_s8_mve(const ef_elementwise_s8_params *p, const int8_t *a, const int8_t *b, int8_t *out);
void ef_mul_s8(const ef_elementwise_s8_params *p, const int8_t *a, const int8_t *b, int8_t *out);
#endif
