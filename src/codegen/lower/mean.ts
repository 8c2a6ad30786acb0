/** MEAN int8 (rank <= 4, constant axes) → ef_mean_s8, on the same TFLM path as the runtime. */
import { fail } from '../../ir/errors.js';
import { meanQuant } from '../../runtime/int8/mean.js';
import { cStruct } from '../carray.js';
import { expectDtype, input, scaleOf, zpOf } from './q.js';
import { LowerCtx, Step } from './types.js';

const MODES = { hw: 0, plain: 1, requant: 2 } as const;

/** Constant axes of a MEAN node, normalized and checked (rank <= 4). */
export function meanAxes(ctx: LowerCtx, rank: number): number[] {
  const a = ctx.inputs[1];
  if (!a?.data) fail('unsupported-op', `${ctx.node.op} with non-constant axes has no C kernel`, { node: ctx.node.name });
  if (rank > 4) fail('unsupported-op', `${ctx.node.op} on a rank-${rank} tensor has no C kernel (rank <= 4)`, { node: ctx.node.name });
  const axes = [...new Set(Array.from(a.data as ArrayLike<number | bigint>, (v) => Number(v)).map((v) => (v < 0 ? v + rank : v)))];
  if (axes.some((v) => v < 0 || v >= rank)) fail('bad-attr', `${ctx.node.op} axes [${axes}] out of range for rank ${rank}`, { node: ctx.node.name });
  return axes;
}

/** The reduction as the kernels walk it: shape padded to rank 4 and, per input dimension, the
 * stride of the output element it adds to (0 on reduced dimensions, row-major over kept ones). */
export function reduceGeometry(shape: number[], axes: number[]): { dims: number[]; ostr: number[]; nOut: number } {
  const pad = 4 - shape.length;
  const dims = [...new Array<number>(pad).fill(1), ...shape];
  const ostr = [0, 0, 0, 0];
  let n = 1;
  for (let k = 3; k >= 0; k--) if (k < pad || !axes.includes(k - pad)) { ostr[k] = n; n *= dims[k]; }
  return { dims, ostr, nOut: n };
}

export function lowerMean(ctx: LowerCtx): Step {
  const x = input(ctx, 0, 'input');
  const y = ctx.outputs[0];
  expectDtype(ctx, x, ['int8'], 'input');
  expectDtype(ctx, y, ['int8'], 'output');
  const axes = meanAxes(ctx, x.shape.length);
  const q = meanQuant(x.shape, axes, ctx.node.attrs.keepDims === true,
    { scale: scaleOf(x, 'input', ctx.node), zeroPoint: zpOf(x) }, { scale: scaleOf(y, 'output', ctx.node), zeroPoint: zpOf(y) }, 'double');
  if (q.count === 0) fail('bad-shape', 'MEAN over an empty axis', { node: ctx.node.name });
  const { dims, ostr, nOut: acc } = reduceGeometry(x.shape, axes);
  const s = ctx.sym;
  return {
    node: ctx.node.name, op: ctx.node.op, variant: 'portable',
    files: ['ef_common.h', 'misc_s8.h', 'mean_s8.c'],
    decls: cStruct('ef_mean_s8_params', `${s}_p`, [
      ['dims', `{${dims.join(', ')}}`], ['ostr', `{${ostr.join(', ')}}`], ['n_out', acc], ['count', q.count], ['mode', MODES[q.mode]],
      ['in_zero_point', zpOf(x)], ['out_zero_point', zpOf(y)], ['mult', q.multiplier], ['shift', q.shift],
    ]),
    call: (io) => `ef_mean_s8(&${s}_p, ${io.inputs[0]}, ${io.outputs[0]}, ${io.scratch});`,
    scratchBytes: 4 * acc, macs: 0, constBytes: 0, reads: [ctx.node.inputs[0]],
  };
}
