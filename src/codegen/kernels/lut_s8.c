/* Table lookup for unary int8 ops (LOGISTIC, TANH, HARD_SWISH, ...): the emitter filled
 * `table` with the integer runtime's result for every input byte, so this is exact. */
#include "misc_s8.h"

void ef_lut_s8(const ef_lut_s8_params *p, const int8_t *in, int8_t *out) {
  const int8_t *t = p->table + 128;
  for (int32_t i = 0; i < p->size; i++) out[i] = t[in[i]];
}
