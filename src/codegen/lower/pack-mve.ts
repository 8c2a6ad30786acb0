/** Helium/MVE layouts (Cortex-M55). */
import { ConvGeom, FcGeom, PackedConv, padTo4 } from './pack-common.js';

/** Rows of k int8 weights → the MVE engine's layout (row quads, 16-k groups of 4 x 16 bytes). */
function packMveRows(w: Int8Array, rows: number, k: number): { data: Int8Array; kp: number } {
  const kp = (k + 15) & ~15;
  const quads = (rows + 3) >> 2;
  const data = new Int8Array(quads * kp * 4);
  let o = 0;
  for (let q = 0; q < quads; q++)
    for (let j = 0; j < kp; j += 16)
      for (let r = 4 * q; r < 4 * q + 4; r++)
        for (let i = j; i < j + 16; i++) data[o++] = r < rows && i < k ? w[r * k + i] : 0;
  return { data, kp };
}

export function packConvMve(g: ConvGeom, w: Int8Array, bias: Int32Array): PackedConv {
  const { data, kp } = packMveRows(w, g.oc, g.kh * g.kw * g.ic);
  return { variant: 'mve', filter: data, filterType: 'int8_t', filterBytes: 1, bias: padTo4(bias), scratchBytes: 2 * kp + 16, extraFiles: ['mve_gemm_s8.h', 'mve_gemm_s8.c'] };
}

/** Depthwise (multiplier 1, channels a multiple of 8): [c/8][tap][8] bytes. */
export function packDwMve(g: ConvGeom, w: Int8Array, bias: Int32Array): PackedConv | undefined {
  if (g.oc % 8 !== 0) return undefined;
  const taps = g.kh * g.kw;
  const data = new Int8Array(taps * g.oc);
  let o = 0;
  for (let c = 0; c < g.oc; c += 8)
    for (let t = 0; t < taps; t++) for (let i = 0; i < 8; i++) data[o++] = w[t * g.oc + c + i];
  // per-channel arrays in (even, odd) lane order within each group of 8
  const perm: number[] = [];
  for (let c = 0; c < g.oc; c += 8) perm.push(c, c + 2, c + 4, c + 6, c + 1, c + 3, c + 5, c + 7);
  return { variant: 'mve', filter: data, filterType: 'int8_t', filterBytes: 1, bias: padTo4(Int32Array.from(perm, (i) => bias[i])), scratchBytes: 8 * taps + g.oc, extraFiles: [], perm };
}

export function packFcMve(g: FcGeom, w: Int8Array, bias: Int32Array): PackedConv {
  const { data, kp } = packMveRows(w, g.outDepth, g.inDepth);
  return { variant: 'mve', filter: data, filterType: 'int8_t', filterBytes: 1, bias: padTo4(bias), scratchBytes: 2 * kp, extraFiles: ['mve_gemm_s8.h', 'mve_gemm_s8.c'] };
}
