/**
 * Post-training quantization of a float graph in TFLite-op form (NHWC; ONNX graphs go through
 * passes/layout first) into the integer form the integer runtime and the C generator execute,
 * following the TFLite int8 spec the converter implements:
 *  - weights of CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED: symmetric, per channel (axis 0 for
 *    OHWI / [O,I], axis 3 for 1HWC), narrow range [-127, 127]; int4 optionally;
 *  - bias int32 (int64 under 16x8) with scale = input scale × weight scale;
 *  - activations asymmetric int8 from the calibrated range, or symmetric int16 for chosen nodes;
 *  - ops whose output must keep the input's parameters (reshape, pooling, pad, transpose, ...)
 *    inherit them; SOFTMAX / LOGISTIC / TANH get the fixed output scales TFLM requires.
 * Each node has a precision (int8, int16 or float fallback); where a consumer's precision
 * differs from its input's, a QUANTIZE (float→int, int8↔int16) or DEQUANTIZE is inserted.
 */
import { DType, Graph, Node, QuantParams, Tensor } from '../ir/types.js';
import { cloneGraph, freshName, pruneTensors } from '../ir/graph.js';
import { fail } from '../ir/errors.js';
import { intKernel } from '../runtime/registry.js';
import '../runtime/int8/index.js';
import { Range } from './calibrate.js';
import { activationParams, quantizeBias, quantizeTensor, weightParams } from './params.js';
import { dequantizeValues } from '../runtime/quant-io.js';

export type Precision = 'int8' | 'int16' | 'float';

export interface QuantizeOptions {
  /** Per-channel weight scales (default) or one scale per tensor. */
  perChannel?: boolean;
  /** Weight bits: 8 (default) or 4 (stored unpacked as int8 values in [-7, 7]; packed at export). */
  weightBits?: 8 | 4;
  /** Node precision overrides by node name; default int8. */
  precision?: Record<string, Precision>;
  /** Graph inputs/outputs stay float with QUANTIZE/DEQUANTIZE inside ('float'), or become int8 ('int8', the converter's full-integer mode). */
  io?: 'int8' | 'float';
}

/** Where the weight operand is and its channel axis, for ops with constant weights. */
const WEIGHTED: Record<string, { weight: number; bias: number; axis: number }> = {
  CONV_2D: { weight: 1, bias: 2, axis: 0 },
  DEPTHWISE_CONV_2D: { weight: 1, bias: 2, axis: 3 },
  FULLY_CONNECTED: { weight: 1, bias: 2, axis: 0 },
};

/** Ops whose int8 kernels require output params equal to the input's. */
const SAME_AS_INPUT = new Set(['MAXIMUM', 'MINIMUM', 'RESHAPE', 'SQUEEZE', 'EXPAND_DIMS', 'MAX_POOL_2D', 'AVERAGE_POOL_2D', 'PAD', 'TRANSPOSE', 'STRIDED_SLICE', 'SLICE', 'GATHER', 'SPLIT', 'SPLIT_V', 'DEPTH_TO_SPACE', 'SPACE_TO_DEPTH', 'RESIZE_NEAREST_NEIGHBOR']);

/** Ops comparing codes directly: every activation input must share the output's parameters. */
const CODE_COMPARE = new Set(['MAXIMUM', 'MINIMUM']);

function sameParams(a: QuantParams | undefined, b: QuantParams): boolean {
  return !!a && a.scale[0] === b.scale[0] && a.zeroPoint[0] === b.zeroPoint[0];
}

/** Fixed output parameters TFLM requires (int8, int16). */
const FIXED_OUTPUT: Record<string, { int8: QuantParams; int16: QuantParams }> = {
  SOFTMAX: { int8: { scale: [1 / 256], zeroPoint: [-128] }, int16: { scale: [1 / 32768], zeroPoint: [0] } },
  LOGISTIC: { int8: { scale: [1 / 256], zeroPoint: [-128] }, int16: { scale: [1 / 32768], zeroPoint: [0] } },
  TANH: { int8: { scale: [1 / 128], zeroPoint: [0] }, int16: { scale: [1 / 32768], zeroPoint: [0] } },
};

/** Ops the integer runtime runs with int16 activations (TFLite's 16x8 mode). */
// SOFTMAX / LOGISTIC / TANH are not here: the integer runtime has no int16-input kernels for
// them yet (TFLM's 16-bit LUT versions), so asking for them is refused with a clear error.
export const INT16_OPS = new Set(['CONV_2D', 'FULLY_CONNECTED', 'ADD', ...SAME_AS_INPUT]);

/** Operands that are not activations (shapes, axes, paddings): left as they are. */
function isActivationOperand(node: Node, idx: number): boolean {
  if (WEIGHTED[node.op]) return idx === 0;
  if (['RESHAPE', 'PAD', 'TRANSPOSE', 'MEAN', 'STRIDED_SLICE', 'SLICE', 'EXPAND_DIMS', 'SUM', 'REDUCE_MAX', 'GATHER', 'SPLIT_V', 'RESIZE_NEAREST_NEIGHBOR', 'TILE', 'BROADCAST_TO'].includes(node.op)) return idx === 0;
  if (node.op === 'SPLIT') return idx === 1;
  return true;
}

export function quantizeGraph(src: Graph, ranges: Map<string, Range>, opts: QuantizeOptions = {}): Graph {
  const g = cloneGraph(src);
  const file = g.source.file;
  const perChannel = opts.perChannel ?? true;
  const weightBits = opts.weightBits ?? 8;
  const io = opts.io ?? 'int8';
  const fallback: string[] = [];
  const precisionOf = (n: Node): Precision => {
    // Ops the integer runtime (and so the C generator) cannot run stay float, said in meta.
    if (!intKernel(n.op) && !opts.precision?.[n.name]) {
      fallback.push(n.name);
      return 'float';
    }
    const p = opts.precision?.[n.name] ?? 'int8';
    if (p === 'int16' && !INT16_OPS.has(n.op)) fail('bad-args', `int16 activations are not supported for ${n.op}; choose int8 or float`, { file, node: n.name });
    return p;
  };

  // Precision of each activation tensor (by its producer); graph inputs follow `io`.
  const tensorPrec = new Map<string, Precision>();
  const qparams = new Map<string, QuantParams>();
  const paramsFor = (name: string, bits: 8 | 16, node?: string): QuantParams => {
    const r = ranges.get(name);
    if (!r) fail('bad-data', `no calibration range for tensor '${name}' (was it reached by the calibration data?)`, { file, node });
    return activationParams(r, bits);
  };
  for (const i of g.inputs) {
    tensorPrec.set(i, io === 'int8' ? 'int8' : 'float');
    if (io === 'int8') qparams.set(i, paramsFor(i, 8));
  }

  const out: Node[] = [];
  // Converted copies of a tensor in another precision, so two consumers share one converter.
  const converted = new Map<string, string>();
  const convert = (name: string, from: Precision, to: Precision, node: Node): string => {
    const key = `${name}|${to}`;
    const have = converted.get(key);
    if (have) return have;
    const t = g.tensors.get(name)!;
    const newName = freshName(g, `${name}_${to}`);
    const bits = to === 'int16' ? 16 : 8;
    void from;
    const quant = to === 'float' ? undefined : paramsFor(name, bits, node.name);
    g.tensors.set(newName, { name: newName, dtype: to === 'float' ? 'float32' : to, shape: [...t.shape], layout: t.layout, quant });
    out.push({ name: freshNodeName(g, out, `${to === 'float' ? 'dequantize' : 'quantize'}_${name}`), op: to === 'float' ? 'DEQUANTIZE' : 'QUANTIZE', domain: 'tflite', inputs: [name], outputs: [newName], attrs: {} });
    converted.set(key, newName);
    tensorPrec.set(newName, to);
    if (quant) qparams.set(newName, quant);
    return newName;
  };

  /** An int→int QUANTIZE to explicit parameters (TFLite's requantize form of QUANTIZE). */
  const requantize = (name: string, q: QuantParams, prec: Precision): string => {
    const t = g.tensors.get(name)!;
    const newName = freshName(g, `${name}_requantized`);
    g.tensors.set(newName, { name: newName, dtype: prec as DType, shape: [...t.shape], layout: t.layout, quant: q });
    out.push({ name: freshNodeName(g, out, `requantize_${name}`), op: 'QUANTIZE', domain: 'tflite', inputs: [name], outputs: [newName], attrs: {} });
    tensorPrec.set(newName, prec);
    qparams.set(newName, q);
    return newName;
  };

  for (const n0 of g.nodes) {
    const n: Node = { ...n0, inputs: [...n0.inputs], outputs: [...n0.outputs], attrs: { ...n0.attrs } };
    const prec = precisionOf(n);
    // 1. Bring activation inputs to this node's precision.
    n.inputs.forEach((name, idx) => {
      if (!name || !isActivationOperand(n, idx)) return;
      const t = g.tensors.get(name)!;
      if (t.data && !WEIGHTED[n.op]) {
        // Constant activation operand (e.g. ADD's bias-like constant): quantize it in place.
        // MAXIMUM/MINIMUM compare codes: the constant takes the other operand's parameters.
        const shared = SAME_AS_INPUT.has(n.op) && idx > 0 ? qparams.get(n.inputs[0]) : undefined;
        if (prec !== 'float') quantizeConstant(g, n, idx, prec, file, shared);
        return;
      }
      const have = tensorPrec.get(name) ?? 'float';
      if (have !== prec) n.inputs[idx] = convert(name, have, prec, n);
    });
    // 1b. MAXIMUM/MINIMUM of two activations compare codes: requantize both to the output's
    // calibrated parameters (which cover both ranges) where they differ.
    let shared: QuantParams | undefined;
    if (CODE_COMPARE.has(n.op) && prec !== 'float' && n.inputs.filter((i) => i && !g.tensors.get(i)!.data).length > 1) {
      shared = paramsFor(n.outputs[0], prec === 'int16' ? 16 : 8, n.name);
      n.inputs = n.inputs.map((i) => (i && !g.tensors.get(i)!.data && !sameParams(qparams.get(i), shared!) ? requantize(i, shared!, prec) : i));
    }
    // 2. Weights and bias.
    const w = WEIGHTED[n.op];
    if (w && prec !== 'float') quantizeWeights(g, n, w, prec, perChannel, weightBits, qparams, file);
    // 3. Output parameters.
    for (const o of n.outputs) {
      if (!o) continue;
      const t = g.tensors.get(o)!;
      if (t.dtype !== 'float32') continue; // index/shape outputs
      tensorPrec.set(o, prec);
      if (prec === 'float') continue;
      const bits = prec === 'int16' ? 16 : 8;
      let q: QuantParams;
      if (shared) q = shared;
      else if (FIXED_OUTPUT[n.op]) q = FIXED_OUTPUT[n.op][prec];
      else if (SAME_AS_INPUT.has(n.op) && qparams.has(n.inputs[0])) q = qparams.get(n.inputs[0])!;
      else q = paramsFor(o, bits, n.name);
      qparams.set(o, q);
      g.tensors.set(o, { ...t, dtype: prec, quant: q });
    }
    out.push(n);
  }

  // 4. Graph inputs and outputs.
  for (const i of g.inputs) {
    const t = g.tensors.get(i)!;
    if (io === 'int8') g.tensors.set(i, { ...t, dtype: 'int8', quant: qparams.get(i) });
  }
  g.outputs = g.outputs.map((o) => {
    const have = tensorPrec.get(o) ?? 'float';
    const want: Precision = io === 'int8' ? 'int8' : 'float';
    if (have === want) return o;
    const fake = { name: `output_${o}`, op: 'output', inputs: [o], outputs: [], attrs: {} } as Node;
    return convert(o, have, want, fake);
  });
  g.nodes = out;
  // Drop the float weights the quantized copies replaced (and anything else now unused).
  pruneTensors(g);
  g.meta = { ...g.meta, quantization: { perChannel, weightBits, io, precision: opts.precision ?? {}, floatFallback: [...new Set(fallback)] } };
  return g;
}

function freshNodeName(g: Graph, added: Node[], base: string): string {
  const names = new Set([...g.nodes.map((n) => n.name), ...added.map((n) => n.name)]);
  if (!names.has(base)) return base;
  for (let i = 1; ; i++) if (!names.has(`${base}_${i}`)) return `${base}_${i}`;
}

/** Constant weights as real values; int8 weights of hybrid (dynamic-range) models are dequantized. */
function floatData(t: Tensor, node: Node, file?: string): Float32Array {
  if (t.data instanceof Float32Array) return t.data;
  if (t.data && t.quant && (t.dtype === 'int8' || t.dtype === 'uint8' || t.dtype === 'int16')) return dequantizeValues(t.data, t);
  return fail('bad-quant', `expected constant float32 (or quantized hybrid) data for '${t.name}', got ${t.dtype}`, { file, node: node.name });
}

function quantizeWeights(
  g: Graph,
  n: Node,
  w: { weight: number; bias: number; axis: number },
  prec: Precision,
  perChannel: boolean,
  bits: 8 | 4,
  qparams: Map<string, QuantParams>,
  file?: string,
): void {
  const wName = n.inputs[w.weight];
  const wt = g.tensors.get(wName);
  if (!wt?.data) fail('bad-quant', `${n.op} weights '${wName}' must be constant to quantize`, { file, node: n.name });
  const wq = weightParams(floatData(wt, n, file), wt.shape, w.axis, bits, perChannel);
  const qmax = bits === 8 ? 127 : 7;
  const qw = quantizeTensor(floatData(wt, n, file), wt.shape, wq, -qmax, qmax);
  const newW = freshName(g, `${wName}_q`);
  g.tensors.set(newW, { name: newW, dtype: 'int8', shape: [...wt.shape], data: Int8Array.from(qw), quant: wq, layout: wt.layout });
  n.inputs[w.weight] = newW;
  const inQ = qparams.get(n.inputs[0]);
  if (!inQ) fail('internal', `input of ${n.op} has no quantization parameters`, { file, node: n.name });
  const bName = n.inputs[w.bias];
  if (bName) {
    const bt = g.tensors.get(bName)!;
    const b = quantizeBias(floatData(bt, n, file), inQ.scale[0], wq.scale);
    const newB = freshName(g, `${bName}_q`);
    const dtype: DType = prec === 'int16' ? 'int64' : 'int32';
    const data = prec === 'int16' ? BigInt64Array.from(b.data, (v) => BigInt(v)) : b.data;
    g.tensors.set(newB, { name: newB, dtype, shape: [...bt.shape], data, quant: b.q });
    n.inputs[w.bias] = newB;
  }
}

/** A constant activation operand (ADD/MUL with a constant) quantized with its own range. */
function quantizeConstant(g: Graph, n: Node, idx: number, prec: Precision, file?: string, shared?: QuantParams): void {
  const t = g.tensors.get(n.inputs[idx])!;
  if (t.dtype !== 'float32') return;
  const d = floatData(t, n, file);
  let lo = 0;
  let hi = 0;
  for (const v of d) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const bits = prec === 'int16' ? 16 : 8;
  const q = shared ?? activationParams({ lo, hi }, bits);
  const [qmin, qmax] = bits === 16 ? [-32768, 32767] : [-128, 127];
  const qd = quantizeTensor(d, t.shape, q, qmin, qmax);
  const name = freshName(g, `${t.name}_q`);
  g.tensors.set(name, { name, dtype: prec as DType, shape: [...t.shape], data: bits === 16 ? Int16Array.from(qd) : Int8Array.from(qd), quant: q });
  n.inputs[idx] = name;
}

/** Activation tensors whose ranges calibration must collect: every float non-constant tensor. */
export function tensorsToCalibrate(g: Graph): string[] {
  const names = new Set<string>(g.inputs);
  for (const n of g.nodes) for (const o of n.outputs) if (o && g.tensors.get(o)?.dtype === 'float32') names.add(o);
  return [...names];
}
