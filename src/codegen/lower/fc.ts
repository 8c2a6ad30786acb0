/** FULLY_CONNECTED → ef_fc_s8 (or an optimized variant). */
import { fail } from '../../ir/errors.js';
import { channelMultipliers, quantizeMultiplier } from '../../runtime/fixedpoint.js';
import { numel } from '../../ir/shape.js';
import { cArray, cStruct } from '../carray.js';
import { actRange, expectDtype, input, scaleOf, zpOf } from './q.js';
import { LowerCtx, Step } from './types.js';
import { Tensor } from '../../ir/types.js';
import { lowerConvS16 } from './conv16.js';
import { padVec } from './pack.js';
import { packFcFilter } from './pack.js';
import { normalizeZeroMultipliers } from './pack-common.js';
import { SPARSE_FILES, sparseRows } from './sparse.js';

/** TFLM's FC multipliers: per channel, or per tensor from float(in_scale * filter_scale) / out_scale. */
export function fcMultipliers(ctx: LowerCtx, x: Tensor, w: Tensor, y: Tensor, outDepth: number): { multiplier: Int32Array; shift: Int32Array } {
  const inScale = scaleOf(x, 'input', ctx.node), outScale = scaleOf(y, 'output', ctx.node);
  const fScales = w.quant?.scale ?? [];
  if (fScales.length > 1) return channelMultipliers(inScale, fScales, outScale, outDepth);
  // TFLM's per-tensor FC multiplier: float(in_scale * filter_scale) / out_scale (GetQuantizedConvolutionMultipler).
  const q = quantizeMultiplier(Math.fround(inScale * fScales[0]) / outScale, 'FULLY_CONNECTED multiplier');
  return { multiplier: Int32Array.of(q.multiplier), shift: Int32Array.of(q.shift) };
}

export function lowerFc(ctx: LowerCtx): Step {
  const x = input(ctx, 0, 'input');
  if (x.dtype === 'int16') return lowerConvS16(ctx);
  const w = input(ctx, 1, 'weights');
  const b = ctx.inputs[2];
  const y = ctx.outputs[0];
  expectDtype(ctx, x, ['int8'], 'input');
  expectDtype(ctx, w, ['int8'], 'weights');
  expectDtype(ctx, y, ['int8'], 'output');
  if (!w.data) fail('unsupported-op', 'FULLY_CONNECTED with non-constant weights has no C kernel', { node: ctx.node.name });
  if (b && (!b.data || b.dtype !== 'int32')) fail('unsupported-op', 'FULLY_CONNECTED bias must be a constant int32 tensor', { node: ctx.node.name });
  const [outDepth, inDepth] = w.shape;
  const batches = numel(x.shape) / inDepth;
  if (!Number.isInteger(batches) || numel(y.shape) !== batches * outDepth)
    fail('bad-shape', `weights [${w.shape}] do not match input [${x.shape}] / output [${y.shape}]`, { node: ctx.node.name });
  const perChannel = (w.quant?.scale.length ?? 0) > 1;
  let mult = fcMultipliers(ctx, x, w, y, outDepth);
  normalizeZeroMultipliers(mult.multiplier, mult.shift);
  const [actMin, actMax] = actRange(ctx, y);
  const bias = b?.data ? Int32Array.from(b.data as Int32Array) : undefined;
  const sp = ctx.sparse && zpOf(w) === 0 ? sparseRows(ctx, w.data as Int8Array, outDepth, inDepth, bias, -zpOf(x), mult.multiplier, mult.shift, zpOf(y), actMin, actMax) : undefined;
  if (sp) {
    const s = ctx.sym;
    return {
      node: ctx.node.name, op: ctx.node.op, variant: 'portable', files: SPARSE_FILES,
      decls: sp.decls + cStruct('ef_fc_s8_sparse_params', `${s}_p`, [['batches', batches], ['rows', `&${s}_r`]]),
      call: (io) => `ef_fc_s8_sparse(&${s}_p, ${io.inputs[0]}, ${io.outputs[0]});`,
      scratchBytes: 0, macs: batches * inDepth * outDepth, constBytes: sp.constBytes, reads: [ctx.node.inputs[0]],
    };
  }
  const packed = packFcFilter(ctx.variant, { outDepth, inDepth, inOffset: -zpOf(x), filterOffset: -zpOf(w), outOffset: zpOf(y), actMin, actMax }, w.data as Int8Array, bias, mult.shift);
  if (packed.variant !== 'portable' && !perChannel) {
    // optimized kernels index multipliers per output channel
    mult.multiplier = new Int32Array(outDepth).fill(mult.multiplier[0]);
    mult.shift = new Int32Array(outDepth).fill(mult.shift[0]);
  }
  if (packed.requant) {
    const r = packed.requant(mult.multiplier, mult.shift);
    mult = { multiplier: r.mult, shift: r.shift };
  }
  const s = ctx.sym;
  const fn = `ef_fc_s8${packed.variant === 'portable' ? '' : '_' + packed.variant}`;
  const decls = [
    cArray(`${s}_w`, packed.filter, { align: 8, type: packed.filterType }),
    packed.bias ? cArray(`${s}_b`, packed.bias) : '',
    cArray(`${s}_m`, padVec(mult.multiplier, 0)),
    cArray(`${s}_s`, padVec(mult.shift, -1)),
    cStruct('ef_fc_s8_params', `${s}_p`, [
      ['batches', batches], ['in_depth', inDepth], ['out_depth', outDepth],
      ['in_offset', -zpOf(x)], ['filter_offset', -zpOf(w)], ['out_offset', zpOf(y)], ['act_min', actMin], ['act_max', actMax],
      ['per_channel', perChannel || packed.variant !== 'portable' ? 1 : 0],
      ['filter', packed.filterType === 'int8_t' ? `${s}_w` : `(const int8_t *)${s}_w`],
      ['bias', packed.bias ? `${s}_b` : 'NULL'], ['mult', `${s}_m`], ['shift', `${s}_s`],
    ]),
  ].join('');
  return {
    node: ctx.node.name,
    op: ctx.node.op,
    variant: packed.variant,
    files: ['ef_common.h', 'fc_s8.h', `fc_s8${packed.variant === 'portable' ? '' : '_' + packed.variant}.c`, ...packed.extraFiles],
    decls,
    call: (io) => `${fn}(&${s}_p, ${io.inputs[0]}, ${io.outputs[0]}, ${io.scratch});`,
    scratchBytes: packed.scratchBytes,
    macs: batches * inDepth * outDepth,
    constBytes: packed.filter.length * packed.filterBytes + (packed.bias?.length ?? 0) * 4 + mult.multiplier.length * 8,
    reads: [ctx.node.inputs[0]],
  };
}
