/**
 * `compile --sparse`: weights of magnitude-pruned CONV_2D / FULLY_CONNECTED layers stored as a
 * bitmask of nonzero taps plus the packed nonzero values (sparse_s8.c), when that is at most
 * 3/4 of the dense bytes (about 1/3 of the weights zero). Trades SIMD speed for flash; exact.
 */
import { cArray, cStruct } from '../carray.js';
import { foldBias } from './pack-common.js';
import { LowerCtx } from './types.js';

export const SPARSE_FILES = ['ef_common.h', 'conv_s8.h', 'sparse_s8.h', 'sparse_s8.c'];

export interface SparseRows {
  /** Declarations of the mask, values, bias', multipliers and the ef_sparse_rows_s8 struct `${sym}_r`. */
  decls: string;
  constBytes: number;
}

/** Bytes of the sparse form of `rows` x `k` weights. */
function sparseBytes(w: Int8Array): number {
  let nz = 0;
  for (const v of w) if (v !== 0) nz++;
  return nz;
}

/**
 * The sparse form of row-major [rows][k] weights, or undefined when it would not save a quarter
 * of the dense bytes or the folded bias overflows.
 */
export function sparseRows(ctx: LowerCtx, w: Int8Array, rows: number, k: number, bias: Int32Array | undefined, inOffset: number,
  mult: Int32Array, shift: Int32Array, outOffset: number, actMin: number, actMax: number): SparseRows | undefined {
  const maskBytes = rows * ((k + 7) >> 3);
  const nz = sparseBytes(w);
  if (maskBytes + nz > 0.75 * w.length) return undefined;
  const f = foldBias(w, rows, k, bias, inOffset);
  if (f.bound.some((b) => !Number.isFinite(b))) return undefined;
  const mask = new Uint8Array(maskBytes);
  const values = new Int8Array(Math.max(nz, 1));
  let o = 0;
  for (let r = 0; r < rows; r++)
    for (let i = 0; i < k; i++) {
      const v = w[r * k + i];
      if (v === 0) continue;
      mask[r * ((k + 7) >> 3) + (i >> 3)] |= 1 << (i & 7);
      values[o++] = v;
    }
  const s = ctx.sym;
  const expand = (a: Int32Array) => (a.length === rows ? a : new Int32Array(rows).fill(a[0]));
  const decls = cArray(`${s}_mask`, mask) + cArray(`${s}_v`, values) + cArray(`${s}_b`, f.bias) + cArray(`${s}_m`, expand(mult)) + cArray(`${s}_s`, expand(shift)) +
    cStruct('ef_sparse_rows_s8_t', `${s}_r`, [['rows', rows], ['k', k], ['mask', `${s}_mask`], ['values', `${s}_v`], ['bias', `${s}_b`], ['mult', `${s}_m`], ['shift', `${s}_s`],
      ['out_offset', outOffset], ['act_min', actMin], ['act_max', actMax]]);
  return { decls, constBytes: maskBytes + nz + rows * 12 };
}
