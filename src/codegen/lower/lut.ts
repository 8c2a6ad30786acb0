/**
 * Elementwise int8 → int8 ops whose output depends on one input byte (LOGISTIC, TANH,
 * HARD_SWISH, int8→int8 QUANTIZE) → a 256-byte table and one load per
 * element. The table is filled by running the integer runtime's own kernel (TFLM's
 * fixed-point arithmetic, bit-exact with TFLM) on all 256 inputs at compile time, so the C
 * output equals the runtime's by construction; this is what TFLite's optimized int8 LOGISTIC
 * and TANH do too, and it is faster than the fixed-point evaluation on every core.
 */
import { fail } from '../../ir/errors.js';
import { numel } from '../../ir/shape.js';
import { Graph, Tensor } from '../../ir/types.js';
import { Session } from '../../runtime/session.js';
import { cArray, cStruct } from '../carray.js';
import { expectDtype, input } from './q.js';
import { LowerCtx, Step } from './types.js';

/** Ops lowered through a table (each must be unary and elementwise in the runtime). */
export const LUT_OPS = ['LOGISTIC', 'TANH', 'HARD_SWISH'] as const;

/** out[i] for every int8 input i = -128..127, from the runtime's kernel for this node. */
export function unaryTable(ctx: LowerCtx, x: Tensor, y: Tensor): Int8Array {
  const xs: Tensor = { name: 'x', dtype: 'int8', shape: [256], quant: x.quant };
  const ys: Tensor = { name: 'y', dtype: 'int8', shape: [256], quant: y.quant };
  const g: Graph = {
    name: `${ctx.node.name}_table`, tensors: new Map([['x', xs], ['y', ys]]),
    nodes: [{ ...ctx.node, inputs: ['x'], outputs: ['y'] }], inputs: ['x'], outputs: ['y'], source: { format: 'ir' },
  };
  let out: Int8Array;
  try {
    const s = new Session(g, { arena: false });
    out = s.run({ x: Int8Array.from({ length: 256 }, (_, i) => i - 128) }).y as Int8Array;
  } catch (e) {
    fail('unsupported-op', `no int8 kernel to tabulate ${ctx.node.op}: ${(e as Error).message.split('\n')[0]}`, { node: ctx.node.name });
  }
  return Int8Array.from(out);
}

export function lowerLut(ctx: LowerCtx): Step {
  const x = input(ctx, 0, 'input');
  const y = ctx.outputs[0];
  expectDtype(ctx, x, ['int8'], 'input');
  expectDtype(ctx, y, ['int8'], 'output');
  if (numel(x.shape) !== numel(y.shape)) fail('bad-shape', `${ctx.node.op} output [${y.shape}] differs from input [${x.shape}]`, { node: ctx.node.name });
  const table = unaryTable(ctx, x, y);
  const s = ctx.sym;
  return {
    node: ctx.node.name, op: ctx.node.op, variant: 'portable',
    files: ['ef_common.h', 'misc_s8.h', 'lut_s8.c'],
    decls: cArray(`${s}_t`, table) + cStruct('ef_lut_s8_params', `${s}_p`, [['size', numel(x.shape)], ['table', `${s}_t`]]),
    call: (io) => `ef_lut_s8(&${s}_p, ${io.inputs[0]}, ${io.outputs[0]});`,
    scratchBytes: 0, macs: 0, constBytes: 256, reads: [ctx.node.inputs[0]],
  };
}
