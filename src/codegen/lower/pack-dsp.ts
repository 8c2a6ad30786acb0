/** Arm DSP-extension layouts (Cortex-M4/M7/M33): q15 weights in SXTB16 order. */
import { ConvGeom, FcGeom, PackedConv } from './pack-common.js';

/** Rows of k int8 weights → the DSP engine's q15 layout (row pairs, 4-k groups, sxtb16 order). */
function packDspRows(w: Int8Array, rows: number, k: number): { data: Int16Array; kp: number } {
  const kp = (k + 7) & ~7;
  const pairs = (rows + 1) >> 1;
  const data = new Int16Array(pairs * kp * 2);
  const at = (r: number, i: number) => (r < rows && i < k ? w[r * k + i] : 0);
  let o = 0;
  for (let q = 0; q < pairs; q++)
    for (let j = 0; j < kp; j += 4) {
      const r0 = 2 * q, r1 = 2 * q + 1;
      data.set([at(r0, j), at(r0, j + 2), at(r1, j), at(r1, j + 2), at(r0, j + 1), at(r0, j + 3), at(r1, j + 1), at(r1, j + 3)], o);
      o += 8;
    }
  return { data, kp };
}

/** Depthwise (multiplier 1, channels a multiple of 4): [c/4][tap] x (c0,c2) (c1,c3) q15. */
export function packDwDsp(g: ConvGeom, w: Int8Array, bias: Int32Array): PackedConv {
  const taps = g.kh * g.kw;
  const data = new Int16Array(taps * g.oc);
  let o = 0;
  for (let c = 0; c < g.oc; c += 4)
    for (let t = 0; t < taps; t++) {
      const b = t * g.oc;
      data.set([w[b + c], w[b + c + 2], w[b + c + 1], w[b + c + 3]], o);
      o += 4;
    }
  return { variant: 'dsp', filter: data, filterType: 'int16_t', filterBytes: 2, bias, scratchBytes: 8 * taps + g.oc, extraFiles: [] };
}

export function packConvDsp(g: ConvGeom, w: Int8Array, bias: Int32Array): PackedConv {
  const { data, kp } = packDspRows(w, g.oc, g.kh * g.kw * g.ic);
  const padded = new Int32Array(g.oc + 1);
  padded.set(bias);
  return { variant: 'dsp', filter: data, filterType: 'int16_t', filterBytes: 2, bias: padded, scratchBytes: 6 * kp + 8, extraFiles: ['dsp_gemm_s8.h', 'dsp_gemm_s8.c'] };
}

export function packFcDsp(g: FcGeom, w: Int8Array, bias: Int32Array): PackedConv {
  const { data, kp } = packDspRows(w, g.outDepth, g.inDepth);
  const padded = new Int32Array(g.outDepth + 1);
  padded.set(bias);
  return { variant: 'dsp', filter: data, filterType: 'int16_t', filterBytes: 2, bias: padded, scratchBytes: 5 * kp, extraFiles: ['dsp_gemm_s8.h', 'dsp_gemm_s8.c'] };
}
