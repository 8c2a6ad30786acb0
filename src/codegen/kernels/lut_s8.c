/* Table lookup for byte -> byte ops (LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU, requantizing RELU
 * and QUANTIZE, and chains of them): the emitter filled `table` with the integer runtime's result
 * for every input byte, so this is exact. Locals keep the compiler from reloading the
 * parameters after every byte store (int8_t stores may alias anything). */
#include "misc_s8.h"

void ef_lut_s8(const ef_lut_s8_params *p, const int8_t *in, int8_t *out) {
  const int8_t *t = p->table + 128;
  int32_t n = p->size;
  for (; n >= 4; n -= 4, in += 4, out += 4) {
    const int8_t a = t[in[0]], b = t[in[1]], c = t[in[2]], d = t[in[3]];
    out[0] = a;
    out[1] = b;
    out[2] = c;
    out[3] = d;
  }
  for (; n > 0; n--) *out++ = t[*in++];
}
