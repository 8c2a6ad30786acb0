/**
 * Shared pieces of filter repacking: geometry and result types, the input-offset fold into the
 * bias, and the bound under which the optimized requantizations are exact.
 */
import { Variant } from './types.js';
import { mbqmSmallerThanOneExp } from '../../runtime/fixedpoint.js';

export interface ConvGeom {
  dw: boolean;
  n: number; ih: number; iw: number; ic: number; oh: number; ow: number; oc: number;
  kh: number; kw: number; strideH: number; strideW: number; dilH: number; dilW: number;
  padH: number; padW: number; depthMult: number; inOffset: number;
  outOffset: number; actMin: number; actMax: number;
}

export interface PackedConv {
  variant: Variant;
  filter: Int8Array | Int16Array;
  filterType: 'int8_t' | 'int16_t';
  filterBytes: number;
  bias?: Int32Array;
  scratchBytes: number;
  extraFiles: string[];
  /** Order the kernel reads per-channel multipliers and shifts in (identity when absent). */
  perm?: number[];
  /** Per-channel multipliers and shifts (TFLM's, already in `perm` order) → what the kernel
   * reads, when a variant precomputes something from them (identity when absent). */
  requant?: (mult: Int32Array, shift: Int32Array) => { mult: Int32Array; shift: Int32Array };
}

export interface FcGeom {
  outDepth: number;
  inDepth: number;
  inOffset: number;
  filterOffset: number;
  outOffset: number; actMin: number; actMax: number;
}

/** bias'[c] = bias[c] + inOffset * sum of row c's weights (rows of length k). */
export function foldBias(w: Int8Array, rows: number, k: number, bias: Int32Array | undefined, inOffset: number, rowStride = k, colStride = 1): { bias: Int32Array; bound: number[] } {
  const out = new Int32Array(rows);
  const bound: number[] = [];
  for (let r = 0; r < rows; r++) {
    let sum = 0, abs = 0;
    for (let i = 0; i < k; i++) {
      const v = w[r * rowStride + i * colStride];
      sum += v;
      abs += Math.abs(v);
    }
    const b = (bias ? bias[r] : 0) + inOffset * sum;
    if (b > 2147483647 || b < -2147483648) return { bias: out, bound: [Infinity] };
    out[r] = b;
    bound.push(128 * abs + Math.abs(b));
  }
  return { bias: out, bound };
}

/**
 * TFLM flushes multipliers below 2^-31 to (0, shift 0): the channel then always outputs the zero
 * point (e.g. an STFT's numerically-zero Nyquist sine row). Shift -1 gives the same result and
 * keeps such channels inside the optimized kernels' right-shift-only contract. In place.
 */
export function normalizeZeroMultipliers(mult: Int32Array, shift: Int32Array): void {
  for (let c = 0; c < mult.length; c++) if (mult[c] === 0) shift[c] = -1;
}

/** The fast requantization (SMMULR / VQRDMULH on 2*acc) is exact when |acc| * 2^(ls+1) < 2^31. */
export function boundOk(bound: number[], shift: Int32Array): boolean {
  // The optimized kernels also assume a pure right shift (shift <= -1), the usual case.
  return shift.every((s) => s <= -1) && bound.every((b) => b * 2 < 2 ** 31);
}

export function padTo4(b: Int32Array): Int32Array {
  const out = new Int32Array(((b.length + 3) & ~3) + 4);
  out.set(b);
  return out;
}

/** Per-channel arrays padded to a multiple of 4 plus 4 (vector kernels read whole quads). */
export function padVec(a: Int32Array, fill: number): Int32Array {
  if (a.length === 1) return a;
  const out = new Int32Array(((a.length + 3) & ~3) + 4).fill(fill);
  out.set(a);
  return out;
}

/** One input of a same-shape ADD/SUB: its zero-point offset and rescale multiplier. */
export interface AddInput { off: number; m: number; shift: number }

/**
 * ADD/SUB's per-input rescale x(a) = MultiplyByQuantizedMultiplierSmallerThanOneExp((a + off) << 20,
 * m, shift) depends on one int8 value: the two inputs' tables, 256 entries each (index a + 128,
 * then 256 + b + 128), with the integer runtime's arithmetic. |x| < 2^28.
 */
export function addRescaleTables(in1: AddInput, in2: AddInput): Int32Array {
  const t = new Int32Array(512);
  for (let v = -128; v < 128; v++) {
    t[v + 128] = mbqmSmallerThanOneExp(((v + in1.off) << 20) | 0, in1.m, in1.shift);
    t[v + 384] = mbqmSmallerThanOneExp(((v + in2.off) << 20) | 0, in2.m, in2.shift);
  }
  return t;
}
