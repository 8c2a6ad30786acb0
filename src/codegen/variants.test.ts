/**
 * The optimized kernel families (Arm DSP, Helium/MVE, RV32) and the portable kernels of the
 * less common ops (SUB, MEAN, TRANSPOSE, table-driven LOGISTIC/TANH/HARD_SWISH/QUANTIZE) against the
 * integer runtime on
 * shapes the MLPerf models never show: odd and non-multiple-of-4 channel counts, 1/3/4-wide
 * kernels, strides, SAME/VALID padding, fused ReLU/ReLU6 clamps, output zero points, batch > 1,
 * effective scales >= 1 (which must fall back to the portable kernel), extreme inputs, 16x8 layers.
 * Each case is a one-layer int8 model with seeded random weights; it is compiled per target,
 * run on QEMU (3 vectors) and compared byte for byte with `Session`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Graph, Node, Tensor } from '../ir/types.js';
import { defaultAttrs } from '../formats/tflite/ops.js';
import { Session } from '../runtime/session.js';
import { compileGraph } from './emit.js';
import { buildHost, runHost } from './host.js';
import { buildFirmware, haveTool, runFirmware } from './mcu.js';
import { firstDiff } from './testing.js';
import { outSize } from './lower/q.js';
import { mulberry32 as rng } from '../util/random.js';

interface Case {
  name: string;
  op: 'CONV_2D' | 'DEPTHWISE_CONV_2D' | 'FULLY_CONNECTED' | 'AVERAGE_POOL_2D' | 'MAX_POOL_2D' | 'ADD' | 'SUB' | 'MEAN' | 'LOGISTIC' | 'TANH' | 'HARD_SWISH' | 'QUANTIZE' | 'TRANSPOSE';
  /** SUB: shape of the second input (broadcast); MEAN: axes; TRANSPOSE: perm. */
  in2?: number[];
  axes?: number[];
  keepDims?: boolean;
  in: number[]; // NHWC (or [batch, depth] for FC)
  outC?: number;
  k?: [number, number];
  stride?: [number, number];
  padding?: 'SAME' | 'VALID';
  act?: 'NONE' | 'RELU' | 'RELU6';
  outZp?: number;
  /** Multiplies the output scale's denominator: > 1 makes the effective scale large. */
  gain?: number;
  depthMult?: number;
  /** Biases near 2^28 (with a tiny effective scale: large right shifts that still vary). */
  bigBias?: boolean;
  /** Channel 0's weight scale ~0: TFLM flushes its multiplier to (0, 0). */
  deadChannel?: boolean;
  /** 16x8: int16 activations (zero point 0) and an int64 bias. */
  int16?: boolean;
}

const CASES: Case[] = [
  { name: 'conv 3x3 s1 SAME c4->8 relu', op: 'CONV_2D', in: [1, 7, 6, 4], outC: 8, k: [3, 3], act: 'RELU' },
  { name: 'conv 3x3 s2 VALID c3->17', op: 'CONV_2D', in: [1, 9, 8, 3], outC: 17, k: [3, 3], stride: [2, 2], padding: 'VALID' },
  { name: 'conv 10x4 s2 SAME c1->16 (KWS-like first layer)', op: 'CONV_2D', in: [1, 13, 6, 1], outC: 16, k: [10, 4], stride: [2, 2], act: 'RELU', outZp: -128 },
  { name: 'conv 10x4 s2 VALID c1->16', op: 'CONV_2D', in: [1, 15, 7, 1], outC: 16, k: [10, 4], stride: [2, 2], padding: 'VALID' },
  { name: 'conv 3x3 c8->8 tiny effective scale, big biases (output offset unfolded)', op: 'CONV_2D', in: [1, 5, 5, 8], outC: 8, k: [3, 3], gain: 2.4e4, outZp: 100, bigBias: true },
  { name: 'conv 1x1 c16->6 relu6, odd pixel count', op: 'CONV_2D', in: [1, 3, 5, 16], outC: 6, k: [1, 1], act: 'RELU6' },
  { name: 'conv 1x3 c4->8 with a dead channel (multiplier flushed to 0)', op: 'CONV_2D', in: [1, 4, 9, 4], outC: 8, k: [1, 3], deadChannel: true },
  { name: 'conv 1x1 s2 c8->12 (ResNet shortcut-like)', op: 'CONV_2D', in: [1, 6, 6, 8], outC: 12, k: [1, 1], stride: [2, 2] },
  { name: 'conv 2x3 c5->7 batch 2', op: 'CONV_2D', in: [2, 5, 4, 5], outC: 7, k: [2, 3] },
  { name: 'conv 3x3 c12->20 large effective scale (portable fallback)', op: 'CONV_2D', in: [1, 4, 4, 12], outC: 20, k: [3, 3], gain: 0.004 },
  { name: 'dw 3x3 s1 SAME c16 relu', op: 'DEPTHWISE_CONV_2D', in: [1, 9, 5, 16], k: [3, 3], act: 'RELU', outZp: -128 },
  { name: 'dw 3x3 s1 SAME c64 5 wide (KWS-like)', op: 'DEPTHWISE_CONV_2D', in: [1, 11, 5, 64], k: [3, 3], act: 'RELU', outZp: -100 },
  { name: 'dw 3x3 s2 VALID c8', op: 'DEPTHWISE_CONV_2D', in: [1, 9, 9, 8], k: [3, 3], stride: [2, 2], padding: 'VALID' },
  { name: 'dw 3x3 s1 SAME c8, 33 rows (several DSP tiles)', op: 'DEPTHWISE_CONV_2D', in: [1, 33, 4, 8], k: [3, 3], act: 'RELU6' },
  { name: 'dw 3x3 s1 SAME c4, one row', op: 'DEPTHWISE_CONV_2D', in: [1, 1, 6, 4], k: [3, 3] },
  { name: 'dw 3x3 c16 tiny effective scale (shift >= 31)', op: 'DEPTHWISE_CONV_2D', in: [1, 6, 5, 16], k: [3, 3], gain: 3e6 },
  { name: 'dw 3x3 c8 tiny effective scale, big biases', op: 'DEPTHWISE_CONV_2D', in: [1, 6, 5, 8], k: [3, 3], gain: 6e4, outZp: -90, bigBias: true },
  { name: 'dw 5x3 c12 relu6', op: 'DEPTHWISE_CONV_2D', in: [1, 7, 6, 12], k: [5, 3], act: 'RELU6' },
  { name: 'dw 3x3 c6 (channels not a multiple of 4)', op: 'DEPTHWISE_CONV_2D', in: [1, 5, 5, 6], k: [3, 3] },
  { name: 'dw 3x3 multiplier 2 c4->8', op: 'DEPTHWISE_CONV_2D', in: [1, 5, 4, 4], k: [3, 3], depthMult: 2 },
  { name: 'fc 37->11', op: 'FULLY_CONNECTED', in: [1, 37], outC: 11 },
  { name: '16x8 dw 3x3 s2 c6 relu', op: 'DEPTHWISE_CONV_2D', in: [1, 7, 6, 6], k: [3, 3], stride: [2, 2], act: 'RELU', int16: true },
  { name: '16x8 conv 3x3 c5->9', op: 'CONV_2D', in: [1, 5, 6, 5], outC: 9, k: [3, 3], int16: true },
  { name: '16x8 fc 40->7 batch 2', op: 'FULLY_CONNECTED', in: [2, 40], outC: 7, int16: true },
  { name: 'fc 64->12 batch 3 relu', op: 'FULLY_CONNECTED', in: [3, 64], outC: 12, act: 'RELU' },
  { name: 'avgpool global 5x5 c64', op: 'AVERAGE_POOL_2D', in: [1, 5, 5, 64], k: [5, 5], padding: 'VALID' },
  { name: 'avgpool global 25x5 c20', op: 'AVERAGE_POOL_2D', in: [1, 25, 5, 20], k: [25, 5], padding: 'VALID' },
  { name: 'avgpool 3x3 s2 SAME c7', op: 'AVERAGE_POOL_2D', in: [1, 7, 8, 7], k: [3, 3], stride: [2, 2] },
  { name: 'maxpool 2x2 s2 c12', op: 'MAX_POOL_2D', in: [1, 6, 7, 12], k: [2, 2], stride: [2, 2], padding: 'VALID' },
  { name: 'add 6x5x13 relu', op: 'ADD', in: [1, 6, 5, 13], act: 'RELU' },
  { name: 'add 4x4x16', op: 'ADD', in: [1, 4, 4, 16] },
  { name: '16x8 add 5x4x6 relu, broadcast', op: 'ADD', in: [1, 5, 4, 6], in2: [1, 1, 4, 6], act: 'RELU', int16: true },
  { name: '16x8 sub 3x7', op: 'SUB', in: [1, 3, 7, 2], int16: true },
  { name: '16x8 avgpool 3x3 s2 SAME c5', op: 'AVERAGE_POOL_2D', in: [1, 7, 6, 5], k: [3, 3], stride: [2, 2], int16: true },
  { name: '16x8 maxpool 2x2 s2 c3', op: 'MAX_POOL_2D', in: [1, 6, 6, 3], k: [2, 2], stride: [2, 2], padding: 'VALID', int16: true },
  { name: 'sub 5x3x6 relu', op: 'SUB', in: [1, 5, 3, 6], act: 'RELU' },
  { name: 'sub broadcast over channels', op: 'SUB', in: [1, 4, 3, 8], in2: [1, 1, 1, 8] },
  { name: 'mean H,W keep dims (global average)', op: 'MEAN', in: [1, 5, 7, 12], axes: [1, 2], keepDims: true },
  { name: 'mean axis 2 of rank 3, same quantization', op: 'MEAN', in: [3, 9, 5], axes: [-1], gain: 0 },
  { name: 'mean axes 1,3 requantized', op: 'MEAN', in: [2, 6, 4, 5], axes: [1, 3] },
  { name: 'logistic', op: 'LOGISTIC', in: [1, 3, 50] },
  { name: 'tanh', op: 'TANH', in: [2, 77] },
  { name: 'hard swish', op: 'HARD_SWISH', in: [1, 4, 4, 9] },
  { name: 'quantize int8 -> int8 (requantize)', op: 'QUANTIZE', in: [1, 130] },
  { name: 'transpose rank 5', op: 'TRANSPOSE', in: [2, 3, 1, 4, 5], axes: [3, 0, 4, 2, 1] },
];

function tensor(name: string, dtype: Tensor['dtype'], shape: number[], scale: number[], zp: number[], data?: Tensor['data'], axis?: number): Tensor {
  return { name, dtype, shape, data, quant: { scale, zeroPoint: zp, ...(axis !== undefined ? { axis } : {}) } };
}

/** A one-layer int8 model for `c` with weights drawn from `r`. */
export function caseGraph(c: Case, r: () => number): Graph {
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const t = new Map<string, Tensor>();
  const act = c.int16 ? 'int16' : 'int8';
  const sx = 0.02 + r() * 0.05, zx = c.int16 ? 0 : int(-20, 20);
  t.set('x', tensor('x', act, c.in, [sx], [zx]));
  const inputs = ['x'];
  const attrs: Record<string, number | string | boolean | number[]> = { ...defaultAttrs(c.op), fusedActivationFunction: c.act ?? 'NONE' };
  const outZp = c.outZp ?? int(-30, 30);
  let outShape: number[];
  let sy: number;
  if (c.op === 'CONV_2D' || c.op === 'DEPTHWISE_CONV_2D') {
    const [n, ih, iw, ic] = c.in;
    const [kh, kw] = c.k!;
    const [sh, sw] = c.stride ?? [1, 1];
    const pad = c.padding ?? 'SAME';
    const dw = c.op === 'DEPTHWISE_CONV_2D';
    const oc = dw ? ic * (c.depthMult ?? 1) : c.outC!;
    const kIn = dw ? 1 : ic;
    const wShape = dw ? [1, kh, kw, oc] : [oc, kh, kw, ic];
    const w = Int8Array.from({ length: oc * kh * kw * kIn }, () => int(-127, 127));
    const sw8 = Array.from({ length: oc }, () => 0.002 + r() * 0.02);
    if (c.deadChannel) sw8[0] = 1e-16;
    t.set('w', tensor('w', 'int8', wShape, sw8, sw8.map(() => 0), w, dw ? 3 : 0));
    const bias = Array.from({ length: oc }, () => (c.bigBias ? int(-(2 ** 28), 2 ** 28) : int(-3000, 3000) * (c.int16 ? 256 : 1)));
    t.set('b', tensor('b', c.int16 ? 'int64' : 'int32', [oc], sw8.map((s) => s * sx), sw8.map(() => 0), c.int16 ? BigInt64Array.from(bias, BigInt) : Int32Array.from(bias)));
    inputs.push('w', 'b');
    Object.assign(attrs, { padding: pad, strideH: sh, strideW: sw, ...(dw ? { depthMultiplier: c.depthMult ?? 1 } : {}) });
    outShape = [n, outSize(pad, ih, kh, sh, 1), outSize(pad, iw, kw, sw, 1), oc];
    sy = (sx * 0.011 * Math.sqrt(kh * kw * kIn) * 73 * 73) / 60 * (c.gain ?? 1);
  } else if (c.op === 'FULLY_CONNECTED') {
    const [batch, depth] = c.in;
    const oc = c.outC!;
    const sw8 = 0.002 + r() * 0.02;
    t.set('w', tensor('w', 'int8', [oc, depth], [sw8], [0], Int8Array.from({ length: oc * depth }, () => int(-127, 127))));
    const bias = Array.from({ length: oc }, () => int(-3000, 3000) * (c.int16 ? 256 : 1));
    t.set('b', tensor('b', c.int16 ? 'int64' : 'int32', [oc], [sw8 * sx], [0], c.int16 ? BigInt64Array.from(bias, BigInt) : Int32Array.from(bias)));
    inputs.push('w', 'b');
    outShape = [batch, oc];
    sy = (sx * sw8 * Math.sqrt(depth) * 73 * 73) / 60;
  } else if (c.op === 'ADD' || c.op === 'SUB') {
    t.set('x2', tensor('x2', act, c.in2 ?? c.in, [0.01 + r() * 0.08], [c.int16 ? 0 : int(-20, 20)]));
    inputs.push('x2');
    outShape = c.in;
    sy = sx * (1 + r());
  } else if (c.op === 'MEAN') {
    const rank = c.in.length, axes = c.axes!.map((a) => (a < 0 ? a + rank : a));
    t.set('axes', { name: 'axes', dtype: 'int32', shape: [axes.length], data: Int32Array.from(c.axes!) });
    inputs.push('axes');
    attrs.keepDims = c.keepDims ?? false;
    outShape = c.keepDims ? c.in.map((d, k) => (axes.includes(k) ? 1 : d)) : c.in.filter((_, k) => !axes.includes(k));
    sy = c.gain === 0 ? sx : sx * (0.3 + r());
  } else if (c.op === 'TRANSPOSE') {
    t.set('perm', { name: 'perm', dtype: 'int32', shape: [c.axes!.length], data: Int32Array.from(c.axes!) });
    inputs.push('perm');
    outShape = c.axes!.map((a) => c.in[a]);
    sy = sx;
  } else if (c.op === 'LOGISTIC' || c.op === 'TANH' || c.op === 'HARD_SWISH' || c.op === 'QUANTIZE') {
    outShape = c.in;
    sy = c.op === 'LOGISTIC' ? 1 / 256 : c.op === 'TANH' ? 1 / 128 : sx * (0.5 + r());
  } else {
    const [n, ih, iw, ch] = c.in;
    const [kh, kw] = c.k!;
    const [sh, sw] = c.stride ?? [1, 1];
    const pad = c.padding ?? 'SAME';
    Object.assign(attrs, { padding: pad, strideH: sh, strideW: sw, filterHeight: kh, filterWidth: kw });
    outShape = [n, outSize(pad, ih, kh, sh, 1), outSize(pad, iw, kw, sw, 1), ch];
    sy = sx; // pools keep the input's quantization (TFLM requires it)
  }
  const pool = c.op === 'AVERAGE_POOL_2D' || c.op === 'MAX_POOL_2D' || c.op === 'TRANSPOSE' || (c.op === 'MEAN' && c.gain === 0);
  const yZp = pool ? zx : c.op === 'LOGISTIC' ? -128 : c.op === 'TANH' ? 0 : outZp;
  t.set('y', tensor('y', act, outShape, [c.int16 && !pool ? sy * 256 : sy], [c.int16 ? 0 : yZp]));
  const node: Node = { name: `${c.op}_0`, op: c.op, domain: 'tflite', inputs, outputs: ['y'], attrs };
  return { name: c.name, tensors: t, nodes: [node], inputs: c.op === 'ADD' || c.op === 'SUB' ? ['x', 'x2'] : ['x'], outputs: ['y'], source: { format: 'ir' } };
}

/** Three vectors: uniform random, the extremes alternating, random small values (int8 or int16 per input). */
function vectors(g: Graph, r: () => number): Uint8Array {
  const ins = g.inputs.map((n) => g.tensors.get(n)!);
  const bytes: number[] = [];
  for (let v = 0; v < 3; v++)
    for (const t of ins) {
      const n = t.shape.reduce((a, b) => a * b, 1), wide = t.dtype === 'int16';
      const lim = wide ? 32768 : 128;
      const vals = wide ? new Int16Array(n) : new Int8Array(n);
      for (let i = 0; i < n; i++) vals[i] = v === 0 ? Math.floor(r() * 2 * lim) - lim : v === 1 ? ((i * 7919) % 3 === 0 ? lim - 1 : -lim) : Math.floor(r() * 17) - 8;
      bytes.push(...new Uint8Array(vals.buffer));
    }
  return Uint8Array.from(bytes);
}

function expected(g: Graph, inputs: Uint8Array): Uint8Array {
  const s = new Session(g);
  const ts = g.inputs.map((n) => g.tensors.get(n)!);
  const sizes = ts.map((t) => t.shape.reduce((a, b) => a * b, 1) * (t.dtype === 'int16' ? 2 : 1));
  const per = sizes.reduce((a, b) => a + b, 0);
  const outs: Uint8Array[] = [];
  for (let v = 0; v * per < inputs.length; v++) {
    const feeds: Record<string, Int8Array | Int16Array> = {};
    let o = v * per;
    g.inputs.forEach((n, i) => {
      const raw = inputs.slice(o, o + sizes[i]);
      feeds[n] = ts[i].dtype === 'int16' ? new Int16Array(raw.buffer) : new Int8Array(raw.buffer);
      o += sizes[i];
    });
    const y = s.run(feeds)[g.outputs[0]] as Int8Array;
    outs.push(new Uint8Array(y.buffer, y.byteOffset, y.byteLength).slice());
  }
  return Uint8Array.from(outs.flatMap((u) => [...u]));
}

const TARGETS: [string, string][] = [['cortex-m4', 'qemu-system-arm'], ['cortex-m55', 'qemu-system-arm'], ['rv32imac', 'qemu-system-riscv32']];

for (const [target, qemu] of TARGETS) {
  test(`optimized kernels on ${target} == integer runtime on ${CASES.length} odd layers`, { skip: !haveTool(qemu) && `${qemu} not installed (scripts/setup-system.sh)` }, async (t) => {
    let optimized = 0;
    for (const [i, c] of CASES.entries()) {
      await t.test(c.name, async () => {
        const r = rng(1000 + i);
        const g = caseGraph(c, r);
        const inputs = vectors(g, r);
        const want = expected(g, inputs);
        const comp = compileGraph(g, { target, force: true });
        if (comp.steps.some((s) => s.variant !== 'portable')) optimized++;
        const run = await runFirmware(buildFirmware(comp, inputs), comp);
        const per = want.length / 3;
        assert.equal(firstDiff(run.outputs, want, per), '', `${c.name} on ${target} (seed ${1000 + i}, variants ${comp.steps.map((s) => s.variant).join(',')})`);
      });
    }
    assert.ok(optimized >= CASES.length / 3, `only ${optimized} of ${CASES.length} cases used an optimized kernel on ${target}`);
  });
}

test(`portable kernels on the host == integer runtime on ${CASES.length} odd layers`, () => {
  for (const [i, c] of CASES.entries()) {
    const r = rng(1000 + i);
    const g = caseGraph(c, r);
    const inputs = vectors(g, r);
    const want = expected(g, inputs);
    const out = runHost(buildHost(compileGraph(g, { target: 'host' })), inputs);
    assert.equal(firstDiff(out, want, want.length / 3), '', c.name);
  }
});
