/** TRANSPOSE (int8 or float32, rank <= 6, constant perm) → ef_transpose, a strided copy. */
import { fail } from '../../ir/errors.js';
import { numel, strides } from '../../ir/shape.js';
import { DTYPE_BYTES } from '../../ir/types.js';
import { cStruct } from '../carray.js';
import { input } from './q.js';
import { LowerCtx, Step } from './types.js';

export function lowerTranspose(ctx: LowerCtx): Step {
  const x = input(ctx, 0, 'input');
  const p = ctx.inputs[1];
  const at = { node: ctx.node.name };
  if (!p?.data) fail('unsupported-op', 'TRANSPOSE with a non-constant perm has no C kernel', at);
  const rank = x.shape.length;
  if (rank > 6) fail('unsupported-op', `TRANSPOSE of rank ${rank} has no C kernel (rank <= 6)`, at);
  const perm = Array.from(p.data as ArrayLike<number | bigint>, (v) => Number(v)).map((a) => (a < 0 ? a + rank : a));
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((v, i) => v !== i)) fail('bad-attr', `TRANSPOSE perm [${perm}] is not a permutation of ${rank} axes`, at);
  const st = strides(x.shape);
  const pad = 6 - rank;
  const outDims = [...new Array<number>(pad).fill(1), ...perm.map((a) => x.shape[a])];
  const inStride = [...new Array<number>(pad).fill(0), ...perm.map((a) => st[a])];
  const s = ctx.sym;
  return {
    node: ctx.node.name, op: ctx.node.op, variant: 'portable',
    files: ['ef_common.h', 'misc_s8.h', 'transpose.c'],
    decls: cStruct('ef_transpose_params', `${s}_p`, [['out_dims', `{${outDims.join(', ')}}`], ['in_stride', `{${inStride.join(', ')}}`], ['count', numel(x.shape)], ['elem_bytes', DTYPE_BYTES[x.dtype]]]),
    call: (io) => `ef_transpose(&${s}_p, ${io.inputs[0]}, ${io.outputs[0]});`,
    scratchBytes: 0, macs: 0, constBytes: 0, reads: [ctx.node.inputs[0]],
  };
}
