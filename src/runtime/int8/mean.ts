/**
 * MEAN, int8 / int16, following TFLM's three paths (reduce_common.cc):
 *  1. 4-D input, keepDims, axes {1, 2} (global average pooling): reference_integer_ops::Mean —
 *     sum of (q − zpIn), requantize by sIn/sOut, divide by H·W rounding half away, add zpOut.
 *     (Newer TFLM sends this case through path 3; TFLite and older TFLM use this one.)
 *  2. input and output quantized alike: integer sum / count, truncated (reference_ops::Mean).
 *  3. otherwise QuantizedMeanOrSum: the 1/count factor is folded into the multiplier.
 */
import { register } from '../registry.js';
import { PrepareContext, PreparedKernel } from '../kernel.js';
import { fail } from '../../ir/errors.js';
import { numel, strides } from '../../ir/shape.js';
import { quantizeMultiplier, requantizer, Rounding } from '../fixedpoint.js';
import { at, roundingOf, constInts, dtypeRange, input, output, outSpec, requireDtype, tensorQuant } from './common.js';

type IntArray = Int8Array | Int16Array;

export type MeanMode = 'hw' | 'plain' | 'requant';

export interface MeanParams {
  mode: MeanMode;
  inputZeroPoint: number;
  outputZeroPoint: number;
  multiplier: number;
  shift: number;
  /** Number of input elements averaged into each output. */
  count: number;
  min: number;
  max: number;
  /** Output element of each input element. */
  dest: Int32Array;
  rounding: Rounding;
}

export function meanInt(p: MeanParams, inp: IntArray, out: IntArray, acc: Int32Array): void {
  const mbqm = requantizer(p.rounding);
  acc.fill(0);
  for (let i = 0; i < p.dest.length; i++) acc[p.dest[i]] += inp[i];
  const n = p.count;
  for (let o = 0; o < acc.length; o++) {
    let v: number;
    if (p.mode === 'plain') v = Math.trunc(acc[o] / n);
    else if (p.mode === 'hw') {
      const s = mbqm((acc[o] - p.inputZeroPoint * n) | 0, p.multiplier, p.shift);
      const half = Math.trunc(n / 2);
      v = (s > 0 ? Math.trunc((s + half) / n) : Math.trunc((s - half) / n)) + p.outputZeroPoint;
    } else v = mbqm((acc[o] - p.inputZeroPoint * n) | 0, p.multiplier, p.shift) + p.outputZeroPoint;
    out[o] = v < p.min ? p.min : v > p.max ? p.max : v;
  }
}

/**
 * Which of TFLM's paths a MEAN takes and its multiplier (shared with the C generator, which
 * must pick the same path). `qi`/`qo`: input/output scale and zero point.
 */
export function meanQuant(shape: number[], axes: number[], keep: boolean, qi: { scale: number; zeroPoint: number }, qo: { scale: number; zeroPoint: number }, rounding: Rounding): { mode: MeanMode; multiplier: number; shift: number; count: number } {
  const count = axes.reduce((a, k) => a * shape[k], 1);
  let { multiplier, shift } = quantizeMultiplier(qi.scale / qo.scale, 'MEAN multiplier', rounding);
  let mode: MeanMode;
  if (shape.length === 4 && keep && axes.length === 2 && axes.includes(1) && axes.includes(2)) mode = 'hw';
  else if (qi.zeroPoint === qo.zeroPoint && Math.fround(qi.scale) === Math.fround(qo.scale)) mode = 'plain';
  else {
    mode = 'requant';
    // Fold 1/count into the multiplier exactly as QuantizedMeanOrSum does (64-bit integer math).
    // shift = floor(log2(count)) = 63 - clz64(count), then clamped.
    let s = 31 - Math.clz32(count);
    s = Math.min(s, 32, 31 + shift);
    multiplier = Number((BigInt(multiplier) << BigInt(s)) / BigInt(count));
    shift -= s;
  }
  return { mode, multiplier, shift, count };
}

function prepare(ctx: PrepareContext): PreparedKernel {
  const x = input(ctx, 0);
  const y = output(ctx);
  const dtype = requireDtype(ctx, x, ['int8', 'int16'], 'input');
  requireDtype(ctx, y, [dtype], 'output');
  const rank = x.shape.length;
  const axes = [...new Set(constInts(ctx, 1, 'axis').map((a) => (a < 0 ? a + rank : a)))];
  if (axes.some((a) => a < 0 || a >= rank)) fail('bad-attr', `MEAN axes out of range for rank ${rank}`, at(ctx));
  const keep = ctx.node.attrs.keepDims === true;
  const qi = tensorQuant(ctx, x, 'input');
  const qo = tensorQuant(ctx, y, 'output');
  const count = axes.reduce((a, k) => a * x.shape[k], 1);
  if (count === 0) fail('bad-shape', 'MEAN over an empty axis', at(ctx));
  const reducedShape = x.shape.map((d, k) => (axes.includes(k) ? 1 : d));
  const shape = keep ? reducedShape : x.shape.filter((_, k) => !axes.includes(k));
  const rounding = roundingOf(ctx);
  const { mode, multiplier, shift } = meanQuant(x.shape, axes, keep, qi, qo, rounding);
  const [min, max] = dtypeRange(dtype);
  const inStrides = strides(x.shape);
  const outStrides = strides(reducedShape);
  const total = numel(x.shape);
  const dest = new Int32Array(total);
  for (let i = 0; i < total; i++) {
    let rem = i;
    let o = 0;
    for (let k = 0; k < rank; k++) {
      const c = Math.floor(rem / inStrides[k]);
      rem -= c * inStrides[k];
      if (!axes.includes(k)) o += c * outStrides[k];
    }
    dest[i] = o;
  }
  const p: MeanParams = { mode, inputZeroPoint: qi.zeroPoint, outputZeroPoint: qo.zeroPoint, multiplier, shift, count, min, max, dest, rounding };
  const acc = new Int32Array(numel(reducedShape));
  return { outputs: [outSpec(ctx, shape)], scratchBytes: acc.byteLength, eval: (ins, outs) => meanInt(p, ins[0] as IntArray, outs[0] as IntArray, acc) };
}

register({ op: 'MEAN', family: 'int', prepare });
