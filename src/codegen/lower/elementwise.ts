/** ADD / SUB / MUL int8 → ef_add_s8 (SUB with its `sub` flag) / ef_mul_s8 (TFLM add_common / sub_common / mul_common prepare). */
import { fail } from '../../ir/errors.js';
import { quantizeMultiplier, quantizeMultiplierSmallerThanOneExp } from '../../runtime/fixedpoint.js';
import { addRescaleTables, AddInput } from './pack-common.js';
import { broadcastShapes, numel, shapeEq } from '../../ir/shape.js';
import { cStruct } from '../carray.js';
import { actRange, bstrides, expectDtype, input, rank4, scaleOf, zpOf } from './q.js';
import { LowerCtx, Step } from './types.js';
import { addDspLut } from './pack-dsp.js';
import { cArray } from '../carray.js';

export function lowerElementwise(ctx: LowerCtx): Step {
  const add = ctx.node.op === 'ADD';
  const sub = ctx.node.op === 'SUB';
  const maxmin = ctx.node.op === 'MAXIMUM' || ctx.node.op === 'MINIMUM';
  const a = input(ctx, 0, 'input 1'), b = input(ctx, 1, 'input 2');
  const y = ctx.outputs[0];
  // int16 (16x8 mode) for ADD/SUB only; all three tensors share the dtype
  const i16 = (add || sub) && a.dtype === 'int16';
  for (const [t, w] of [[a, 'input 1'], [b, 'input 2'], [y, 'output']] as const) expectDtype(ctx, t, [i16 ? 'int16' : 'int8'], w);
  const ls = i16 ? 15 : 20;
  const out = rank4(broadcastShapes(a.shape, b.shape, { node: ctx.node.name }), ctx);
  if (numel(out) !== numel(y.shape)) fail('bad-shape', `output [${y.shape}] does not match broadcast [${out}]`, { node: ctx.node.name });
  const sa = rank4(a.shape, ctx), sb = rank4(b.shape, ctx);
  const s1 = scaleOf(a, 'input 1', ctx.node), s2 = scaleOf(b, 'input 2', ctx.node), so = scaleOf(y, 'output', ctx.node);
  const [actMin, actMax] = maxmin ? [-128, 127] : actRange(ctx, y);
  const fields: [string, string | number][] = [
    ['dims', `{${out.join(', ')}}`], ['s1', `{${bstrides(sa, out).join(', ')}}`], ['s2', `{${bstrides(sb, out).join(', ')}}`],
    ['flat', shapeEq(sa, out) && shapeEq(sb, out) ? 1 : 0],
    ['in1_offset', -zpOf(a)], ['in2_offset', -zpOf(b)], ['out_offset', zpOf(y)], ['act_min', actMin], ['act_max', actMax],
  ];
  if (maxmin) {
    for (const t of [a, b])
      if (scaleOf(t, 'input', ctx.node) !== so || zpOf(t) !== zpOf(y)) fail('bad-quant', `${ctx.node.op} needs inputs quantized like the output (as TFLM)`, { node: ctx.node.name });
    const s = ctx.sym;
    const mve = ctx.variant === 'mve';
    const fn = `${ctx.node.op === 'MAXIMUM' ? 'ef_maximum_s8' : 'ef_minimum_s8'}${mve ? '_mve' : ''}`;
    return {
      node: ctx.node.name, op: ctx.node.op, variant: mve ? 'mve' : 'portable',
      files: ['ef_common.h', 'elementwise_s8.h', 'maxmin_s8.c', ...(mve ? ['misc_s8.h', 'leaky_relu_s8.c', 'act_s8_mve.c'] : [])],
      decls: cStruct('ef_elementwise_s8_params', `${s}_p`, fields),
      call: (io) => `${fn}(&${s}_p, ${io.inputs[0]}, ${io.inputs[1]}, ${io.outputs[0]});`,
      scratchBytes: 0, macs: 0, constBytes: 0,
    };
  }
  let addQ: AddInput[] | undefined;
  if (add || sub) {
    // TFLM computes SUB's real multipliers in float32 (sub_common), ADD's in double (add_common)
    const f = sub ? Math.fround : (x: number) => x, op = ctx.node.op;
    const twiceMax = f(2 * Math.max(f(s1), f(s2)));
    const q1 = quantizeMultiplierSmallerThanOneExp(f(f(s1) / twiceMax), `${op} input 1 multiplier`);
    const q2 = quantizeMultiplierSmallerThanOneExp(f(f(s2) / twiceMax), `${op} input 2 multiplier`);
    const qo = quantizeMultiplierSmallerThanOneExp(f(twiceMax / f(2 ** ls * f(so))), `${op} output multiplier`);
    fields.push(['left_shift', ls], ['in1_mult', q1.multiplier], ['in1_shift', q1.shift], ['in2_mult', q2.multiplier], ['in2_shift', q2.shift],
      ['out_mult', qo.multiplier], ['out_shift', qo.shift], ['sub', sub ? 1 : 0]);
    addQ = [{ off: -zpOf(a), m: q1.multiplier, shift: q1.shift }, { off: -zpOf(b), m: q2.multiplier, shift: q2.shift }, { off: zpOf(y), m: qo.multiplier, shift: qo.shift }];
  } else {
    const q = quantizeMultiplier((s1 * s2) / so, 'MUL multiplier');
    fields.push(['out_mult', q.multiplier], ['out_shift', q.shift]);
  }
  const s = ctx.sym;
  if (i16)
    return {
      node: ctx.node.name, op: ctx.node.op, variant: 'portable', files: ['ef_common.h', 'elementwise_s8.h', 'add_s16.c'],
      decls: cStruct('ef_elementwise_s8_params', `${s}_p`, fields),
      call: (io) => `ef_add_s16(&${s}_p, ${io.inputs[0]}, ${io.inputs[1]}, ${io.outputs[0]});`,
      scratchBytes: 0, macs: 0, constBytes: 0,
    };
  // RV32 (no SIMD), same shapes: both input rescales as tables, as the DSP path does
  if (addQ && ctx.variant === 'rv32' && shapeEq(sa, out) && shapeEq(sb, out)) {
    const table = addRescaleTables(addQ[0], addQ[1]);
    return {
      node: ctx.node.name, op: ctx.node.op, variant: 'rv32',
      files: ['ef_common.h', 'elementwise_s8.h', 'add_s8_table.c'],
      decls: cArray(`${s}_t`, table) + cStruct('ef_elementwise_s8_params', `${s}_p`, fields),
      call: (io) => `ef_add_s8_table(&${s}_p, ${s}_t, ${io.inputs[0]}, ${io.inputs[1]}, ${io.outputs[0]});`,
      scratchBytes: 0, macs: 0, constBytes: table.length * 4,
    };
  }
  // Optimized ADD (same shapes): the DSP one relies on |(x + off) << 20| < 2^29 and rs <= 31.
  const v = add && (ctx.variant === 'dsp' || ctx.variant === 'mve') ? ctx.variant : 'portable';
  const fn = add ? `ef_add_s8${v === 'portable' ? '' : '_' + v}` : sub ? 'ef_add_s8' : 'ef_mul_s8';
  // DSP, same shapes: per-input rescales as compile-time tables (pack-dsp.ts addDspLut)
  const lut = v === 'dsp' && addQ && shapeEq(sa, out) && shapeEq(sb, out) ? addDspLut(addQ[0], addQ[1], addQ[2]) : undefined;
  if (lut) {
    return {
      node: ctx.node.name, op: ctx.node.op, variant: v,
      files: ['ef_common.h', 'elementwise_s8.h', 'add_s8.c', 'add_s8_dsp.h', 'add_s8_dsp.c'],
      decls: cArray(`${s}_lut`, lut) + cStruct('ef_elementwise_s8_params', `${s}_p`, fields),
      call: (io) => `ef_add_s8_dsp_lut(&${s}_p, ${s}_lut, ${io.inputs[0]}, ${io.inputs[1]}, ${io.outputs[0]});`,
      scratchBytes: 0, macs: 0, constBytes: lut.length * 4,
    };
  }
  return {
    node: ctx.node.name, op: ctx.node.op, variant: v,
    files: ['ef_common.h', 'elementwise_s8.h', add || sub ? 'add_s8.c' : 'mul_s8.c', ...(v === 'portable' ? [] : [`add_s8_${v}.c`])],
    decls: cStruct('ef_elementwise_s8_params', `${s}_p`, fields),
    call: (io) => `${fn}(&${s}_p, ${io.inputs[0]}, ${io.inputs[1]}, ${io.outputs[0]});`,
    scratchBytes: 0, macs: add || sub ? 0 : numel(out), constBytes: 0,
  };
}
