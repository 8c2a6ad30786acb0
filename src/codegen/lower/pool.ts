/** AVERAGE_POOL_2D / MAX_POOL_2D → ef_avgpool_s8 / ef_maxpool_s8. */
import { fail } from '../../ir/errors.js';
import { cStruct } from '../carray.js';
import { actRange, expectDtype, input, nhwc, numAttr, padBefore, scaleOf, zpOf } from './q.js';
import { LowerCtx, Step } from './types.js';

export function lowerPool(ctx: LowerCtx): Step {
  const avg = ctx.node.op === 'AVERAGE_POOL_2D';
  const x = input(ctx, 0, 'input');
  const y = ctx.outputs[0];
  expectDtype(ctx, x, ['int8', 'int16'], 'input');
  expectDtype(ctx, y, [x.dtype], 'output');
  if (scaleOf(x, 'input', ctx.node) !== scaleOf(y, 'output', ctx.node) || zpOf(x) !== zpOf(y))
    fail('bad-quant', `${ctx.node.op} needs equal input and output quantization (as TFLM)`, { node: ctx.node.name });
  const [n, ih, iw, c] = nhwc(x, ctx);
  const [, oh, ow] = nhwc(y, ctx);
  const kh = numAttr(ctx, 'filterHeight'), kw = numAttr(ctx, 'filterWidth');
  const sh = numAttr(ctx, 'strideH'), sw = numAttr(ctx, 'strideW');
  const padding = String(ctx.node.attrs.padding ?? 'VALID');
  const [actMin, actMax] = actRange(ctx, y);
  const s = ctx.sym;
  const decls = cStruct('ef_pool_s8_params', `${s}_p`, [
    ['batches', n], ['in_h', ih], ['in_w', iw], ['c', c], ['out_h', oh], ['out_w', ow], ['k_h', kh], ['k_w', kw],
    ['stride_h', sh], ['stride_w', sw], ['pad_h', padBefore(padding, sh, 1, ih, kh, oh)], ['pad_w', padBefore(padding, sw, 1, iw, kw, ow)],
    ['act_min', actMin], ['act_max', actMax],
  ]);
  if (x.dtype === 'int16') {
    return {
      node: ctx.node.name, op: ctx.node.op, variant: 'portable', files: ['ef_common.h', 'pool_s8.h', 'pool_s16.c'], decls,
      call: (io) => `ef_${avg ? 'avg' : 'max'}pool_s16(&${s}_p, ${io.inputs[0]}, ${io.outputs[0]});`,
      scratchBytes: 0, macs: 0, constBytes: 0, reads: [ctx.node.inputs[0]],
    };
  }
  const mve = avg && ctx.variant === 'mve';
  const dsp = avg && ctx.variant === 'dsp';
  const fn = avg ? (mve ? 'ef_avgpool_s8_mve' : dsp ? 'ef_avgpool_s8_dsp' : 'ef_avgpool_s8') : 'ef_maxpool_s8';
  return {
    // maxpool_s8.c compiles to VMAX.S8 / SSUB8+SEL where the core has them: report that
    node: ctx.node.name, op: ctx.node.op, variant: mve ? 'mve' : dsp ? 'dsp' : !avg && (ctx.variant === 'mve' || ctx.variant === 'dsp') ? ctx.variant : 'portable',
    files: ['ef_common.h', 'pool_s8.h', avg ? 'avgpool_s8.c' : 'maxpool_s8.c', ...(mve ? ['avgpool_s8_mve.c'] : []), ...(dsp ? ['avgpool_s8_dsp.h', 'avgpool_s8_dsp.c'] : [])],
    decls,
    call: (io) => (mve ? `${fn}(&${s}_p, ${io.inputs[0]}, ${io.outputs[0]}, ${io.scratch});` : `${fn}(&${s}_p, ${io.inputs[0]}, ${io.outputs[0]});`),
    scratchBytes: mve ? 4 * c + 16 : 0, macs: 0, constBytes: 0, reads: [ctx.node.inputs[0]],
  };
}
