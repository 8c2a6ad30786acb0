/** The C generator's op table: TFLite op name → lowerer (int8 family). */
import { Lowerer } from './types.js';
import { lowerConv } from './conv.js';
import { lowerFc } from './fc.js';
import { lowerPool } from './pool.js';
import { lowerSoftmax } from './softmax.js';
import { lowerElementwise } from './elementwise.js';
import { lowerConcat, lowerLeakyRelu, lowerPad, lowerRelu, lowerReshape } from './misc.js';
import { lowerDequantize, lowerQuantize } from './edges.js';
import { LUT_OPS, lowerTable } from './lut.js';
import { lowerMean } from './mean.js';
import { lowerTranspose } from './transpose.js';

export const INT8_LOWERERS: Record<string, Lowerer> = {
  CONV_2D: lowerConv,
  DEPTHWISE_CONV_2D: lowerConv,
  FULLY_CONNECTED: lowerFc,
  AVERAGE_POOL_2D: lowerPool,
  MAX_POOL_2D: lowerPool,
  SOFTMAX: lowerSoftmax,
  ADD: lowerElementwise,
  SUB: lowerElementwise,
  MEAN: lowerMean,
  TRANSPOSE: lowerTranspose,
  MUL: lowerElementwise,
  RELU: lowerRelu,
  RELU6: lowerRelu,
  RELU_N1_TO_1: lowerRelu,
  CONCATENATION: lowerConcat,
  PAD: lowerPad,
  PADV2: lowerPad,
  RESHAPE: lowerReshape,
  SQUEEZE: lowerReshape,
  EXPAND_DIMS: lowerReshape,
  LEAKY_RELU: lowerLeakyRelu,
  MAXIMUM: lowerElementwise,
  MINIMUM: lowerElementwise,
  QUANTIZE: lowerQuantize,
  DEQUANTIZE: lowerDequantize,
  ...Object.fromEntries(LUT_OPS.map((op) => [op, lowerTable])),
};
