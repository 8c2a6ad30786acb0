/** float32 lowerers: the portable float kernels (f32.h), for the float baseline and for the
 * float-fallback nodes of int8 graphs (between DEQUANTIZE and QUANTIZE). */
import { fail } from '../../ir/errors.js';
import { numel, broadcastShapes } from '../../ir/shape.js';
import { Tensor } from '../../ir/types.js';
import { tensorBytes } from '../../ir/graph.js';
import { cArray, cStruct } from '../carray.js';
import { bstrides, input, nhwc, numAttr, padBefore, rank4 } from './q.js';
import { Lowerer, LowerCtx, Step } from './types.js';
import { meanAxes, reduceGeometry } from './mean.js';
import { lowerTranspose } from './transpose.js';

const FILES = ['ef_common.h', 'f32.h'];
const FMAX = '3.402823466e38f';

function fRange(ctx: LowerCtx): [string, string] {
  switch (String(ctx.node.attrs.fusedActivationFunction ?? 'NONE')) {
    case 'NONE': return [`-${FMAX}`, FMAX];
    case 'RELU': return ['0.0f', FMAX];
    case 'RELU6': return ['0.0f', '6.0f'];
    case 'RELU_N1_TO_1': return ['-1.0f', '1.0f'];
    default: return fail('unsupported-op', `fused activation ${String(ctx.node.attrs.fusedActivationFunction)} has no float C kernel`, { node: ctx.node.name });
  }
}

function f32(ctx: LowerCtx, t: Tensor | undefined, what: string): Tensor {
  if (!t) return fail('bad-file', `missing ${what}`, { node: ctx.node.name });
  if (t.dtype !== 'float32') fail('bad-dtype', `${what} '${t.name}' is ${t.dtype}; the float C kernels take float32`, { node: ctx.node.name });
  return t;
}

/** Constant float32 weights; int8 weights of hybrid models are dequantized at compile time. */
function weights(ctx: LowerCtx, t: Tensor | undefined, what: string): Tensor {
  if (!t) return fail('bad-file', `missing ${what}`, { node: ctx.node.name });
  if (!t.data) return fail('unsupported-op', `${ctx.node.op} with a non-constant ${what} has no C kernel`, { node: ctx.node.name });
  if (t.dtype === 'float32') return t;
  if (t.dtype !== 'int8' || !t.quant) return fail('bad-dtype', `${what} '${t.name}' is ${t.dtype}; the float C kernels take float32`, { node: ctx.node.name });
  const q = t.quant;
  const axis = q.axis ?? 0;
  const inner = t.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const chans = t.shape[axis] ?? 1;
  const data = new Float32Array(t.data.length);
  for (let i = 0; i < data.length; i++) {
    const c = q.scale.length > 1 ? Math.floor(i / inner) % chans : 0;
    data[i] = q.scale[c] * (Number(t.data[i]) - (q.zeroPoint[c] ?? q.zeroPoint[0] ?? 0));
  }
  return { ...t, dtype: 'float32', data, quant: undefined };
}

function step(ctx: LowerCtx, file: string, decls: string, call: Step['call'], macs = 0, constBytes = 0, reads?: string[]): Step {
  return { node: ctx.node.name, op: ctx.node.op, variant: 'portable', files: [...FILES, file], decls, call, scratchBytes: 0, macs, constBytes, reads };
}

const conv: Lowerer = (ctx) => {
  const dw = ctx.node.op === 'DEPTHWISE_CONV_2D';
  const x = f32(ctx, ctx.inputs[0], 'input'), w = weights(ctx, ctx.inputs[1], 'filter'), y = f32(ctx, ctx.outputs[0], 'output');
  const b = ctx.inputs[2] && weights(ctx, ctx.inputs[2], 'bias');
  const [n, ih, iw, ic] = nhwc(x, ctx), [, oh, ow, oc] = nhwc(y, ctx);
  const kh = w.shape[1], kw = w.shape[2];
  const sh = numAttr(ctx, 'strideH'), sw = numAttr(ctx, 'strideW'), dh = numAttr(ctx, 'dilationHFactor', 1), dwf = numAttr(ctx, 'dilationWFactor', 1);
  const padding = String(ctx.node.attrs.padding ?? 'VALID');
  const [lo, hi] = fRange(ctx);
  const s = ctx.sym;
  const decls = cArray(`${s}_w`, w.data!, { align: 8 }) + (b ? cArray(`${s}_b`, b.data!) : '') + cStruct('ef_conv_f32_params', `${s}_p`, [
    ['batches', n], ['in_h', ih], ['in_w', iw], ['in_c', ic], ['out_h', oh], ['out_w', ow], ['out_c', oc], ['k_h', kh], ['k_w', kw],
    ['stride_h', sh], ['stride_w', sw], ['dil_h', dh], ['dil_w', dwf], ['pad_h', padBefore(padding, sh, dh, ih, kh, oh)], ['pad_w', padBefore(padding, sw, dwf, iw, kw, ow)],
    ['depth_mult', dw ? oc / ic : 1], ['act_min', lo], ['act_max', hi], ['filter', `${s}_w`], ['bias', b ? `${s}_b` : 'NULL'],
  ]);
  const fn = dw ? 'ef_dwconv_f32' : 'ef_conv_f32';
  return step(ctx, 'conv_f32.c', decls, (io) => `${fn}(&${s}_p, ${io.inputs[0]}, ${io.outputs[0]});`, n * oh * ow * oc * kh * kw * (dw ? 1 : ic), tensorBytes(w) + (b ? tensorBytes(b) : 0), [ctx.node.inputs[0]]);
};

const fc: Lowerer = (ctx) => {
  const x = f32(ctx, ctx.inputs[0], 'input'), w = weights(ctx, ctx.inputs[1], 'weights'), y = f32(ctx, ctx.outputs[0], 'output');
  const b = ctx.inputs[2] && weights(ctx, ctx.inputs[2], 'bias');
  const [od, id] = w.shape;
  const batches = numel(x.shape) / id;
  const [lo, hi] = fRange(ctx);
  const s = ctx.sym;
  const decls = cArray(`${s}_w`, w.data!, { align: 8 }) + (b ? cArray(`${s}_b`, b.data!) : '') + cStruct('ef_fc_f32_params', `${s}_p`, [
    ['batches', batches], ['in_depth', id], ['out_depth', od], ['act_min', lo], ['act_max', hi], ['filter', `${s}_w`], ['bias', b ? `${s}_b` : 'NULL'],
  ]);
  void y;
  return step(ctx, 'misc_f32.c', decls, (io) => `ef_fc_f32(&${s}_p, ${io.inputs[0]}, ${io.outputs[0]});`, batches * id * od, tensorBytes(w) + (b ? tensorBytes(b) : 0), [ctx.node.inputs[0]]);
};

const pool: Lowerer = (ctx) => {
  const x = f32(ctx, ctx.inputs[0], 'input'), y = f32(ctx, ctx.outputs[0], 'output');
  const [n, ih, iw, c] = nhwc(x, ctx), [, oh, ow] = nhwc(y, ctx);
  const kh = numAttr(ctx, 'filterHeight'), kw = numAttr(ctx, 'filterWidth'), sh = numAttr(ctx, 'strideH'), sw = numAttr(ctx, 'strideW');
  const padding = String(ctx.node.attrs.padding ?? 'VALID');
  const [lo, hi] = fRange(ctx);
  const s = ctx.sym;
  const fn = ctx.node.op === 'AVERAGE_POOL_2D' ? 'ef_avgpool_f32' : 'ef_maxpool_f32';
  return step(ctx, 'misc_f32.c', cStruct('ef_pool_f32_params', `${s}_p`, [
    ['batches', n], ['in_h', ih], ['in_w', iw], ['c', c], ['out_h', oh], ['out_w', ow], ['k_h', kh], ['k_w', kw], ['stride_h', sh], ['stride_w', sw],
    ['pad_h', padBefore(padding, sh, 1, ih, kh, oh)], ['pad_w', padBefore(padding, sw, 1, iw, kw, ow)], ['act_min', lo], ['act_max', hi],
  ]), (io) => `${fn}(&${s}_p, ${io.inputs[0]}, ${io.outputs[0]});`, 0, 0, [ctx.node.inputs[0]]);
};

const binary: Lowerer = (ctx) => {
  const a = f32(ctx, ctx.inputs[0], 'input 1'), b = f32(ctx, ctx.inputs[1], 'input 2');
  const out = rank4(broadcastShapes(a.shape, b.shape, { node: ctx.node.name }), ctx);
  const [lo, hi] = fRange(ctx);
  const s = ctx.sym;
  const cmp = COMPARE.indexOf(ctx.node.op);
  const fn = cmp >= 0 ? 'ef_compare_f32' : `ef_${ctx.node.op.toLowerCase()}_f32`;
  return step(ctx, 'misc_f32.c', cStruct('ef_binary_f32_params', `${s}_p`, [
    ['dims', `{${out.join(', ')}}`], ['s1', `{${bstrides(rank4(a.shape, ctx), out).join(', ')}}`], ['s2', `{${bstrides(rank4(b.shape, ctx), out).join(', ')}}`], ['act_min', cmp >= 0 ? `-${FMAX}` : lo], ['act_max', cmp >= 0 ? FMAX : hi],
  ]), (io) => `${fn}(&${s}_p, ${io.inputs[0]}, ${io.inputs[1]}, ${io.outputs[0]}${cmp >= 0 ? `, ${cmp}` : ''});`, ctx.node.op === 'MUL' ? numel(out) : 0);
};
/** Comparison ops in ef_compare_f32's op-code order; their output is bool (one byte each). */
const COMPARE = ['GREATER', 'GREATER_EQUAL', 'LESS', 'LESS_EQUAL', 'EQUAL', 'NOT_EQUAL'];

const unary: Lowerer = (ctx) => {
  const x = f32(ctx, ctx.inputs[0], 'input');
  const fn = `ef_${ctx.node.op.toLowerCase()}_f32`;
  return step(ctx, 'misc_f32.c', '', (io) => `${fn}(${io.inputs[0]}, ${io.outputs[0]}, ${numel(x.shape)});`, 0, 0, [ctx.node.inputs[0]]);
};

const mean: Lowerer = (ctx) => {
  const x = f32(ctx, ctx.inputs[0], 'input');
  const { dims, ostr, nOut } = reduceGeometry(x.shape, meanAxes(ctx, x.shape.length));
  const s = ctx.sym;
  return step(ctx, 'misc_f32.c', cStruct('ef_mean_f32_params', `${s}_p`, [['dims', `{${dims.join(', ')}}`], ['ostr', `{${ostr.join(', ')}}`], ['n_out', nOut], ['count', numel(x.shape) / nOut]]),
    (io) => `ef_${ctx.node.op === 'MEAN' ? 'mean' : 'reduce_max'}_f32(&${s}_p, ${io.inputs[0]}, ${io.outputs[0]});`, 0, 0, [ctx.node.inputs[0]]);
};

const softmax: Lowerer = (ctx) => {
  const x = f32(ctx, ctx.inputs[0], 'input');
  const depth = x.shape[x.shape.length - 1];
  const s = ctx.sym;
  return step(ctx, 'misc_f32.c', cStruct('ef_softmax_f32_params', `${s}_p`, [['outer', numel(x.shape) / depth], ['depth', depth], ['beta', `${Math.fround(numAttr(ctx, 'beta', 1)).toPrecision(9)}f`]]),
    (io) => `ef_softmax_f32(&${s}_p, ${io.inputs[0]}, ${io.outputs[0]});`, 0, 0, [ctx.node.inputs[0]]);
};

const RANGES: Record<string, [string, string]> = { RELU: ['0.0f', FMAX], RELU6: ['0.0f', '6.0f'], RELU_N1_TO_1: ['-1.0f', '1.0f'] };
const relu: Lowerer = (ctx) => {
  const x = f32(ctx, ctx.inputs[0], 'input');
  const [lo, hi] = RANGES[ctx.node.op];
  return step(ctx, 'misc_f32.c', '', (io) => `ef_clamp_f32(${io.inputs[0]}, ${io.outputs[0]}, ${numel(x.shape)}, ${lo}, ${hi});`, 0, 0, [ctx.node.inputs[0]]);
};

const reshape: Lowerer = (ctx) => {
  const x = input(ctx, 0, 'input');
  const bytes = tensorBytes(x);
  return { node: ctx.node.name, op: ctx.node.op, variant: 'portable', files: ['ef_common.h', 'misc_s8.h', 'copy.c'], decls: '',
    call: (io) => (io.inputs[0] === io.outputs[0] ? `/* ${ctx.node.op}: in place */` : `ef_copy_bytes(${io.inputs[0]}, ${io.outputs[0]}, ${bytes});`),
    scratchBytes: 0, macs: 0, constBytes: 0, reads: [ctx.node.inputs[0]] };
};

export const FLOAT_LOWERERS: Record<string, Lowerer> = {
  CONV_2D: conv, DEPTHWISE_CONV_2D: conv, FULLY_CONNECTED: fc, AVERAGE_POOL_2D: pool, MAX_POOL_2D: pool,
  ADD: binary, MUL: binary, SUB: binary, DIV: binary, MAXIMUM: binary, MINIMUM: binary, ...Object.fromEntries(COMPARE.map((op) => [op, binary])),
  LOGISTIC: unary, TANH: unary, SQRT: unary, LOG: unary, MEAN: mean, REDUCE_MAX: mean, TRANSPOSE: lowerTranspose, SOFTMAX: softmax, RELU: relu, RELU6: relu, RELU_N1_TO_1: relu,
  RESHAPE: reshape, SQUEEZE: reshape, EXPAND_DIMS: reshape,
};
