/**
 * 16x8 CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED (int16 activations, int8 weights, int64 or
 * int32 bias), as the quantizer emits for layers it raises to 16 bits (`--int16`, accuracy-aware
 * search) → the portable ef_*_s16 kernels. Same prepare as the int8 lowerers; TFLM's arithmetic.
 */
import { fail } from '../../ir/errors.js';
import { numel } from '../../ir/shape.js';
import { channelMultipliers } from '../../runtime/fixedpoint.js';
import { cArray, cStruct } from '../carray.js';
import { actRange, expectDtype, input, nhwc, numAttr, padBefore, scaleOf, zpOf } from './q.js';
import { LowerCtx, Step } from './types.js';
import { fcMultipliers } from './fc.js';

export function lowerConvS16(ctx: LowerCtx): Step {
  const op = ctx.node.op;
  const x = input(ctx, 0, 'input'), w = input(ctx, 1, 'filter'), b = ctx.inputs[2], y = ctx.outputs[0];
  const at = { node: ctx.node.name };
  expectDtype(ctx, y, ['int16'], 'output');
  expectDtype(ctx, w, ['int8'], 'filter');
  if (!w.data) fail('unsupported-op', `${op} with a non-constant filter has no C kernel`, at);
  if (zpOf(x) !== 0 || zpOf(y) !== 0) fail('bad-quant', `${op} 16x8 needs int16 zero points of 0 (TFLite's int16 spec)`, at);
  if (b && (!b.data || (b.dtype !== 'int64' && b.dtype !== 'int32'))) fail('unsupported-op', `${op} bias must be a constant int64 or int32 tensor`, at);
  const [actMin, actMax] = actRange(ctx, y);
  const s = ctx.sym;
  const fields: [string, string | number][] = [];
  let mult: { multiplier: Int32Array; shift: Int32Array };
  let fn: string;
  let macs: number;
  if (op === 'FULLY_CONNECTED') {
    const [outDepth, depth] = w.shape;
    const rows = numel(x.shape) / depth;
    if (!Number.isInteger(rows)) fail('bad-shape', `weights [${w.shape}] do not match input [${x.shape}]`, at);
    mult = fcMultipliers(ctx, x, w, y, outDepth);
    if (mult.multiplier.length === 1) mult = { multiplier: new Int32Array(outDepth).fill(mult.multiplier[0]), shift: new Int32Array(outDepth).fill(mult.shift[0]) };
    fields.push(['batches', rows], ['in_c', depth], ['out_c', outDepth], ['filter_offset', -zpOf(w)]);
    fn = 'ef_fc_s16';
    macs = rows * depth * outDepth;
  } else {
    const dw = op === 'DEPTHWISE_CONV_2D';
    const [n, ih, iw, ic] = nhwc(x, ctx), [, oh, ow, oc] = nhwc(y, ctx);
    const kh = w.shape[1], kw = w.shape[2], kc = dw ? 1 : w.shape[3];
    const sh = numAttr(ctx, 'strideH'), sw = numAttr(ctx, 'strideW'), dh = numAttr(ctx, 'dilationHFactor', 1), dwf = numAttr(ctx, 'dilationWFactor', 1);
    const padding = String(ctx.node.attrs.padding ?? 'VALID');
    mult = channelMultipliers(scaleOf(x, 'input', ctx.node), w.quant?.scale ?? [], scaleOf(y, 'output', ctx.node), oc);
    fields.push(['batches', n], ['in_h', ih], ['in_w', iw], ['in_c', ic], ['out_h', oh], ['out_w', ow], ['out_c', oc], ['k_h', kh], ['k_w', kw], ['k_c', kc],
      ['stride_h', sh], ['stride_w', sw], ['dil_h', dh], ['dil_w', dwf], ['pad_h', padBefore(padding, sh, dh, ih, kh, oh)], ['pad_w', padBefore(padding, sw, dwf, iw, kw, ow)],
      ['depth_mult', dw ? oc / ic : 0]);
    fn = dw ? 'ef_dwconv_s16' : 'ef_conv_s16';
    macs = n * oh * ow * oc * kh * kw * kc;
  }
  const b64 = b?.dtype === 'int64';
  fields.push(['act_min', actMin], ['act_max', actMax], ['filter', `${s}_w`],
    ['bias64', b && b64 ? `${s}_b` : 'NULL'], ['bias32', b && !b64 ? `${s}_b` : 'NULL'], ['mult', `${s}_m`], ['shift', `${s}_s`]);
  const decls = cArray(`${s}_w`, w.data as Int8Array, { align: 8 }) + (b?.data ? cArray(`${s}_b`, b.data) : '') +
    cArray(`${s}_m`, mult.multiplier) + cArray(`${s}_s`, mult.shift) + cStruct('ef_conv_s16_params', `${s}_p`, fields);
  return {
    node: ctx.node.name, op, variant: 'portable', files: ['ef_common.h', 'conv_s16.h', 'conv_s16.c'], decls,
    call: (io) => `${fn}(&${s}_p, ${io.inputs[0]}, ${io.outputs[0]});`,
    scratchBytes: 0, macs, constBytes: (w.data as Int8Array).length + (b?.data ? b.data.length * (b64 ? 8 : 4) : 0) + mult.multiplier.length * 8,
    reads: [ctx.node.inputs[0]],
  };
}
