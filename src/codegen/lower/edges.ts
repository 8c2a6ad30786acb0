/** QUANTIZE float32→int8 and DEQUANTIZE int8→float32 at the edges of an int8 graph; QUANTIZE
 * int8→int8 (a requantization inside the graph) is a table (lut.ts). */
import { fail } from '../../ir/errors.js';
import { numel } from '../../ir/shape.js';
import { cStruct } from '../carray.js';
import { input, scaleOf, zpOf } from './q.js';
import { Lowerer, Step } from './types.js';
import { Tensor } from '../../ir/types.js';
import { quantizeMultiplier } from '../../runtime/fixedpoint.js';
import { lowerTable } from './lut.js';

const INT = new Set(['int8', 'int16']);

/** int8/int16 → int8/int16 (the casts around 16-bit layers): TFLM Requantize. */
function requant(ctx: Parameters<Lowerer>[0], x: Tensor, y: Tensor): Step {
  const m = quantizeMultiplier(scaleOf(x, 'input', ctx.node) / scaleOf(y, 'output', ctx.node), 'QUANTIZE requantization multiplier');
  const s = ctx.sym;
  const w = (t: Tensor) => (t.dtype === 'int16' ? 2 : 1);
  return {
    node: ctx.node.name, op: ctx.node.op, variant: 'portable', files: ['ef_common.h', 'misc_s8.h', 'requant.c'],
    decls: cStruct('ef_requant_params', `${s}_p`, [['size', numel(x.shape)], ['in_bytes', w(x)], ['out_bytes', w(y)], ['in_zero_point', zpOf(x)], ['out_zero_point', zpOf(y)],
      ['mult', m.multiplier], ['shift', m.shift], ['min', y.dtype === 'int16' ? -32768 : -128], ['max', y.dtype === 'int16' ? 32767 : 127]]),
    call: (io) => `ef_requant_int(&${s}_p, ${io.inputs[0]}, ${io.outputs[0]});`,
    scratchBytes: 0, macs: 0, constBytes: 0, reads: [ctx.node.inputs[0]],
  };
}

function edge(ctx: Parameters<Lowerer>[0], q: boolean): Step {
  const x = input(ctx, 0, 'input');
  const y = ctx.outputs[0];
  if (q && x.dtype === 'int8' && y.dtype === 'int8') return lowerTable(ctx);
  if (q && INT.has(x.dtype) && INT.has(y.dtype)) return requant(ctx, x, y);
  const [from, to] = q ? ['float32', 'int8'] : ['int8', 'float32'];
  if (x.dtype !== from || y.dtype !== to) fail('unsupported-op', `${ctx.node.op} ${x.dtype}→${y.dtype} has no C kernel (only ${from}→${to} at graph edges)`, { node: ctx.node.name });
  const qt = q ? y : x;
  const s = ctx.sym;
  const fn = q ? 'ef_quantize_f32_s8' : 'ef_dequantize_s8_f32';
  return {
    node: ctx.node.name, op: ctx.node.op, variant: 'portable',
    files: ['ef_common.h', 'quant_edge.h', 'quant_edge.c'],
    decls: cStruct('ef_quant_edge_params', `${s}_p`, [['size', numel(x.shape)], ['zero_point', zpOf(qt)], ['scale', `${Math.fround(scaleOf(qt, q ? 'output' : 'input', ctx.node)).toPrecision(9)}f`]]),
    call: (io) => `${fn}(&${s}_p, ${io.inputs[0]}, ${io.outputs[0]});`,
    scratchBytes: 0, macs: 0, constBytes: 0, reads: [ctx.node.inputs[0]],
  };
}

export const lowerQuantize: Lowerer = (ctx) => edge(ctx, true);
export const lowerDequantize: Lowerer = (ctx) => edge(ctx, false);
