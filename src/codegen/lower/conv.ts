/**
 * CONV_2D and DEPTHWISE_CONV_2D → ef_conv_s8 / ef_dwconv_s8 (or an optimized variant).
 * Prepare as TFLM does it (per-channel multipliers, padding, clamps); optimized variants
 * get their filter repacked here (pack.ts) so that the kernels never reorder weights.
 */
import { fail } from '../../ir/errors.js';
import { channelMultipliers } from '../../runtime/fixedpoint.js';
import { cArray, cStruct } from '../carray.js';
import { actRange, expectDtype, input, nhwc, numAttr, padBefore, scaleOf, zpOf } from './q.js';
import { LowerCtx, Step } from './types.js';
import { lowerConvS16 } from './conv16.js';
import { padVec } from './pack.js';
import { ConvGeom, packConvFilter } from './pack.js';
import { normalizeZeroMultipliers } from './pack-common.js';
import { SPARSE_FILES, sparseRows } from './sparse.js';

export function lowerConv(ctx: LowerCtx): Step {
  const dw = ctx.node.op === 'DEPTHWISE_CONV_2D';
  const x = input(ctx, 0, 'input');
  if (x.dtype === 'int16') return lowerConvS16(ctx);
  const w = input(ctx, 1, 'filter');
  const b = ctx.inputs[2];
  const y = ctx.outputs[0];
  expectDtype(ctx, x, ['int8'], 'input');
  expectDtype(ctx, w, ['int8'], 'filter');
  expectDtype(ctx, y, ['int8'], 'output');
  if (!w.data) fail('unsupported-op', `${ctx.node.op} with a non-constant filter has no C kernel`, { node: ctx.node.name });
  if (b && (!b.data || b.dtype !== 'int32')) fail('unsupported-op', `${ctx.node.op} bias must be a constant int32 tensor`, { node: ctx.node.name });
  const [n, ih, iw, ic] = nhwc(x, ctx);
  const [, oh, ow, oc] = nhwc(y, ctx);
  const kh = w.shape[1], kw = w.shape[2];
  const strideH = numAttr(ctx, 'strideH'), strideW = numAttr(ctx, 'strideW');
  const dilH = numAttr(ctx, 'dilationHFactor', 1), dilW = numAttr(ctx, 'dilationWFactor', 1);
  const padding = String(ctx.node.attrs.padding ?? 'VALID');
  const depthMult = dw ? (ic > 0 ? oc / ic : 0) : 1;
  if (dw ? w.shape[3] !== oc || !Number.isInteger(depthMult) : w.shape[0] !== oc || w.shape[3] !== ic)
    fail('bad-shape', `filter [${w.shape}] does not match input [${x.shape}] / output [${y.shape}] (grouped conv is not supported)`, { node: ctx.node.name });
  const inScale = scaleOf(x, 'input', ctx.node), outScale = scaleOf(y, 'output', ctx.node);
  const { multiplier, shift } = channelMultipliers(inScale, w.quant?.scale ?? [], outScale, oc);
  normalizeZeroMultipliers(multiplier, shift);
  const [actMin, actMax] = actRange(ctx, y);
  const geom: ConvGeom = {
    dw, n, ih, iw, ic, oh, ow, oc, kh, kw, strideH, strideW, dilH, dilW,
    padH: padBefore(padding, strideH, dilH, ih, kh, oh), padW: padBefore(padding, strideW, dilW, iw, kw, ow),
    depthMult, inOffset: -zpOf(x), outOffset: zpOf(y), actMin, actMax,
  };
  const bias = b?.data ? Int32Array.from(b.data as Int32Array) : undefined;
  const macs = n * oh * ow * oc * kh * kw * (dw ? 1 : ic);
  const k = kh * kw * ic;
  const sp = ctx.sparse && !dw ? sparseRows(ctx, w.data as Int8Array, oc, k, bias, -zpOf(x), multiplier, shift, zpOf(y), actMin, actMax) : undefined;
  if (sp) {
    const s = ctx.sym;
    const geo: [string, number][] = [['batches', n], ['in_h', ih], ['in_w', iw], ['in_c', ic], ['out_h', oh], ['out_w', ow], ['out_c', oc], ['k_h', kh], ['k_w', kw],
      ['stride_h', strideH], ['stride_w', strideW], ['dil_h', dilH], ['dil_w', dilW], ['pad_h', geom.padH], ['pad_w', geom.padW], ['depth_mult', 1],
      ['in_offset', -zpOf(x)], ['out_offset', zpOf(y)], ['act_min', actMin], ['act_max', actMax]];
    const conv = `{${geo.map(([f, v]) => `.${f} = ${v}`).join(', ')}}`;
    return {
      node: ctx.node.name, op: ctx.node.op, variant: 'portable', files: SPARSE_FILES,
      decls: sp.decls + cStruct('ef_conv_s8_sparse_params', `${s}_p`, [['conv', conv], ['rows', `&${s}_r`]]),
      call: (io) => `ef_conv_s8_sparse(&${s}_p, ${io.inputs[0]}, ${io.outputs[0]}, ${io.scratch});`,
      scratchBytes: k, macs, constBytes: sp.constBytes, reads: [ctx.node.inputs[0]],
    };
  }
  const packed = packConvFilter(ctx.variant, geom, w.data as Int8Array, bias, shift);
  const permute = (a: Int32Array) => (packed.perm ? Int32Array.from(packed.perm, (i) => a[i]) : a);
  const rq = (packed.requant ?? ((m, sh) => ({ mult: m, shift: sh })))(permute(multiplier), permute(shift));
  const s = ctx.sym;
  const fn = `ef_${dw ? 'dwconv' : 'conv'}_s8${packed.variant === 'portable' ? '' : '_' + packed.variant}`;
  const decls = [
    cArray(`${s}_w`, packed.filter, { align: 8, type: packed.filterType }),
    packed.bias ? cArray(`${s}_b`, packed.bias) : '',
    cArray(`${s}_m`, padVec(rq.mult, 0)),
    cArray(`${s}_s`, padVec(rq.shift, -1)),
    cStruct('ef_conv_s8_params', `${s}_p`, [
      ['batches', n], ['in_h', ih], ['in_w', iw], ['in_c', ic], ['out_h', oh], ['out_w', ow], ['out_c', oc],
      ['k_h', kh], ['k_w', kw], ['stride_h', strideH], ['stride_w', strideW], ['dil_h', dilH], ['dil_w', dilW],
      ['pad_h', geom.padH], ['pad_w', geom.padW], ['depth_mult', depthMult],
      ['in_offset', -zpOf(x)], ['out_offset', zpOf(y)], ['act_min', actMin], ['act_max', actMax],
      ['filter', packed.filterType === 'int8_t' ? `${s}_w` : `(const int8_t *)${s}_w`],
      ['bias', packed.bias ? `${s}_b` : 'NULL'], ['mult', `${s}_m`], ['shift', `${s}_s`],
    ]),
  ].join('');
  const base = dw ? 'dwconv_s8' : 'conv_s8';
  return {
    node: ctx.node.name,
    op: ctx.node.op,
    variant: packed.variant,
    files: ['ef_common.h', 'conv_s8.h', `${base}${packed.variant === 'portable' ? '' : '_' + packed.variant}.c`, ...packed.extraFiles],
    decls,
    call: (io) => `${fn}(&${s}_p, ${io.inputs[0]}, ${io.outputs[0]}, ${io.scratch});`,
    scratchBytes: packed.scratchBytes,
    macs,
    constBytes: packed.filter.length * packed.filterBytes + (packed.bias?.length ?? 0) * 4 + oc * 8,
    reads: [ctx.node.inputs[0]],
  };
}
