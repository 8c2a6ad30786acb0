/**
 * Arm DSP-extension layouts (Cortex-M4/M7/M33): q15 weights in SXTB16 order, pre-doubled
 * (2w fits int16) together with the bias so that the accumulators hold 2*acc, the operand of
 * the exact SMMLAR requantization; per-channel requantization tables (dspRequant).
 */
import { addRescaleTables, AddInput, ConvGeom, FcGeom, PackedConv } from './pack-common.js';

/**
 * Rows of k int8 weights (+ bias) → the DSP engine's stream (dsp_gemm_s8.h), per row pair:
 * 6 words of doubled bias (b0 b0 b0 b1 b1 b1), kp/4 groups of four doubled q15 words in sxtb16
 * order, 6 words of requantization (m rs K per row) that `requant` fills in once TFLM's
 * multipliers are known. The bias and table ride in the stream so that the kernel's
 * 14-register loop reaches them through the one weight pointer.
 */
function packDspRows(w: Int8Array, rows: number, k: number, bias: Int32Array, outOffset: number, scratchPerK: number): PackedConv {
  const kp = (k + 7) & ~7;
  const pairs = (rows + 1) >> 1;
  const stride = 24 + 2 * kp; // int16 per row pair
  const data = new Int16Array(pairs * stride);
  const at = (r: number, i: number) => (r < rows && i < k ? 2 * w[r * k + i] : 0);
  const putWord = (o: number, v: number) => {
    data[o] = v & 0xffff;
    data[o + 1] = v >> 16;
  };
  for (let q = 0; q < pairs; q++) {
    const r0 = 2 * q, r1 = 2 * q + 1;
    let o = q * stride;
    for (let i = 0; i < 6; i++) putWord(o + 2 * i, 2 * ((i < 3 ? bias[r0] : r1 < rows ? bias[r1] : 0) ?? 0));
    o += 12;
    for (let j = 0; j < kp; j += 4) {
      data.set([at(r0, j), at(r0, j + 2), at(r1, j), at(r1, j + 2), at(r0, j + 1), at(r0, j + 3), at(r1, j + 1), at(r1, j + 3)], o);
      o += 8;
    }
  }
  const toTable = dspRequant(outOffset);
  const requant = (mult: Int32Array, shift: Int32Array) => {
    const t = toTable(mult, shift).mult;
    for (let q = 0; q < pairs; q++)
      for (let i = 0; i < 6; i++) {
        const r = 2 * q + (i < 3 ? 0 : 1);
        const v = r < rows ? t[1 + 3 * r + (i % 3)] : [0, 1, 1][i % 3];
        putWord(q * stride + 12 + 2 * kp + 2 * i, v);
      }
    return { mult: Int32Array.of(t[0]), shift: Int32Array.of(0) };
  };
  return {
    variant: 'dsp', filter: data, filterType: 'int16_t', filterBytes: 2, scratchBytes: scratchPerK * kp + 8,
    extraFiles: ['dsp_s8.h', 'dsp_gemm_s8.h', 'dsp_gemm_s8.c'], requant,
  };
}

function doubled(bias: Int32Array, len: number): Int32Array {
  const out = new Int32Array(len);
  for (let i = 0; i < bias.length; i++) out[i] = 2 * bias[i];
  return out;
}

/**
 * TFLM's per-channel (multiplier, shift) → the table the DSP kernels read (dsp_s8.h): word 0 is
 * 1 when the output offset fits folded into the rounding constant for every channel, then
 * (m, rs, K) per channel, rs = -shift, K = off·2^rs + 2^(rs-1) (or 2^(rs-1) unfolded). The
 * pack path guarantees shift ≤ -1 and |acc| < 2^30, hence |SMMULR(2acc, m)| < 2^30; folding
 * requires |K| < 2^30 so that the sum cannot overflow. rs ≥ 31 always rounds to 0 there, which
 * (m, rs) = (0, 1) reproduces with a small K.
 */
export function dspRequant(outOffset: number): (mult: Int32Array, shift: Int32Array) => { mult: Int32Array; shift: Int32Array } {
  return (mult, shift) => {
    const n = mult.length;
    const ms = Array.from(mult, (m, c) => (-shift[c] >= 31 ? [0, 1] : [m, -shift[c]]));
    const fold = ms.every(([, e]) => Math.abs(outOffset * 2 ** e + 2 ** (e - 1)) < 2 ** 30);
    const t = new Int32Array(1 + 3 * n);
    t[0] = fold ? 1 : 0;
    ms.forEach(([m, e], c) => t.set([m, e, (fold ? outOffset * 2 ** e : 0) + 2 ** (e - 1)], 1 + 3 * c));
    return { mult: t, shift: Int32Array.of(0) };
  };
}

/** The depthwise kernel's 3x3 stride-1 sliding-window path (dwconv_s8_dsp.c dw3x3). */
function dw3x3(g: ConvGeom): boolean {
  return g.kh === 3 && g.kw === 3 && g.strideH === 1 && g.strideW === 1 && g.dilH === 1 && g.dilW === 1;
}

/**
 * Depthwise (multiplier 1, channels a multiple of 4), doubled q15. 3x3 stride 1: per channel
 * P_kx = (w[0][kx], w[1][kx]), Q_kx = (w[1][kx], w[2][kx]) for kx = 0..2 (6 words); scratch =
 * 4 planes of (ow+2) columns x 64 bytes + accumulators (ow x 28 rows x 4 bytes).
 * Otherwise [c/4][tap] x (c0,c2) (c1,c3).
 */
export function packDwDsp(g: ConvGeom, w: Int8Array, bias: Int32Array): PackedConv {
  const taps = g.kh * g.kw;
  const data = new Int16Array(taps * g.oc + (dw3x3(g) ? 3 * g.oc : 0));
  let o = 0;
  if (dw3x3(g)) {
    const at = (ky: number, kx: number, c: number) => 2 * w[(ky * 3 + kx) * g.oc + c];
    for (let c = 0; c < g.oc; c++)
      for (let kx = 0; kx < 3; kx++) {
        data.set([at(0, kx, c), at(1, kx, c), at(1, kx, c), at(2, kx, c)], o);
        o += 4;
      }
  } else {
    for (let c = 0; c < g.oc; c += 4)
      for (let t = 0; t < taps; t++) {
        const b = t * g.oc;
        data.set([2 * w[b + c], 2 * w[b + c + 2], 2 * w[b + c + 1], 2 * w[b + c + 3]], o);
        o += 4;
      }
  }
  const scratchBytes = dw3x3(g) ? 4 * (g.ow + 2) * 64 + g.ow * 28 * 4 : 8 * taps + g.oc;
  return {
    variant: 'dsp', filter: data, filterType: 'int16_t', filterBytes: 2, bias: doubled(bias, g.oc), scratchBytes, extraFiles: ['dsp_s8.h'],
    requant: dspRequant(g.outOffset),
  };
}

export function packConvDsp(g: ConvGeom, w: Int8Array, bias: Int32Array): PackedConv {
  return packDspRows(w, g.oc, g.kh * g.kw * g.ic, bias, g.outOffset, 7); // int8 column + three q15 columns
}

export function packFcDsp(g: FcGeom, w: Int8Array, bias: Int32Array): PackedConv {
  return packDspRows(w, g.outDepth, g.inDepth, bias, g.outOffset, 3); // int8 row + one q15 column
}

/**
 * Table for ef_add_s8_dsp_lut (same-shape ADD): 2·x(a) for a = -128..127 with
 * x(a) = MultiplyByQuantizedMultiplierSmallerThanOneExp((a + off1) << 20, m1, shift1) (the
 * integer runtime's arithmetic), the same for input 2, then the output (m, rs, K) with the
 * output offset folded. |x| < 2^28, so 2·(x + y) < 2^30 keeps SMMULR exact. Undefined when
 * the output shift is not a right shift or the folded constant would not fit.
 */
export function addDspLut(in1: AddInput, in2: AddInput, out: AddInput): Int32Array | undefined {
  const rs = -out.shift;
  const k = out.off * 2 ** rs + 2 ** (rs - 1);
  if (rs < 1 || rs > 30 || Math.abs(k) >= 2 ** 30) return undefined;
  const lut = new Int32Array(515);
  addRescaleTables(in1, in2).forEach((x, i) => (lut[i] = 2 * x));
  lut.set([out.m, rs, k], 512);
  return lut;
}
