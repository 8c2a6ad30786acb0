/** Compile-time quantization and geometry helpers shared by the lowerers (TFLM prepare maths). */
import { Node, Tensor } from '../../ir/types.js';
import { fail } from '../../ir/errors.js';
import { activationRange, checkScale } from '../../runtime/fixedpoint.js';
import { LowerCtx } from './types.js';

export function scaleOf(t: Tensor, what: string, node: Node): number {
  if (!t.quant || !t.quant.scale.length) fail('bad-quant', `${what} '${t.name}' has no quantization parameters`, { node: node.name });
  return checkScale(t.quant.scale[0], `${what} '${t.name}'`);
}

export function zpOf(t: Tensor): number {
  return t.quant?.zeroPoint[0] ?? 0;
}

export function input(ctx: LowerCtx, i: number, what: string): Tensor {
  const t = ctx.inputs[i];
  if (!t) fail('bad-file', `missing ${what} (input ${i})`, { node: ctx.node.name });
  return t;
}

export function expectDtype(ctx: LowerCtx, t: Tensor, dtypes: string[], what: string): void {
  if (!dtypes.includes(t.dtype)) fail('bad-dtype', `${what} '${t.name}' is ${t.dtype}; the C generator supports ${dtypes.join('/')} here`, { node: ctx.node.name });
}

/** Integer clamp of a fused activation on the output tensor. */
export function actRange(ctx: LowerCtx, out: Tensor): [number, number] {
  const act = String(ctx.node.attrs.fusedActivationFunction ?? 'NONE');
  return activationRange(act, scaleOf(out, 'output', ctx.node), zpOf(out), out.dtype);
}

/** NHWC dims of a rank-4 tensor (rank 3 taken as HWC with batch 1). */
export function nhwc(t: Tensor, ctx: LowerCtx): [number, number, number, number] {
  const s = t.shape;
  if (s.length === 4) return [s[0], s[1], s[2], s[3]];
  if (s.length === 3) return [1, s[0], s[1], s[2]];
  return fail('bad-shape', `tensor '${t.name}' has shape [${s}]; expected NHWC`, { node: ctx.node.name });
}

/** TFLM ComputePaddingHeightWidth for one axis: top/left padding. */
export function padBefore(padding: string, stride: number, dil: number, inSize: number, k: number, outSize: number): number {
  if (padding === 'VALID') return 0;
  const eff = (k - 1) * dil + 1;
  const total = (outSize - 1) * stride + eff - inSize;
  return total > 0 ? Math.floor(total / 2) : 0;
}

/** TFLM ComputeOutSize. */
export function outSize(padding: string, inSize: number, k: number, stride: number, dil: number): number {
  const eff = (k - 1) * dil + 1;
  return padding === 'SAME' ? Math.floor((inSize + stride - 1) / stride) : Math.floor((inSize + stride - eff) / stride);
}

export function numAttr(ctx: LowerCtx, key: string, dflt?: number): number {
  const v = ctx.node.attrs[key];
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'number') fail('bad-attr', `attribute '${key}' missing or not a number`, { node: ctx.node.name });
  return v;
}

/** A shape padded with leading 1s to rank 4 (the element-wise kernels' 4-D walk). */
export function rank4(s: number[], ctx: LowerCtx): number[] {
  if (s.length > 4) fail('unsupported-op', `${ctx.node.op} on rank ${s.length} tensors has no C kernel`, { node: ctx.node.name });
  return [...new Array(4 - s.length).fill(1), ...s];
}

/** Element strides of `s` broadcast to `out` (0 where broadcast), both rank 4. */
export function bstrides(s: number[], out: number[]): number[] {
  const st = [0, 0, 0, 0];
  let acc = 1;
  for (let i = 3; i >= 0; i--) {
    st[i] = s[i] === 1 && out[i] !== 1 ? 0 : acc;
    acc *= s[i];
  }
  return st;
}
