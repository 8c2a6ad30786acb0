/** RV32IMAC layouts: row quads k-major for the 4 x 2 scalar engine; depthwise [c][tap]. */
import { ConvGeom, FcGeom, PackedConv, padTo4 } from './pack-common.js';

/** Rows of k int8 weights → [quad][k][4]. */
function packRv32Rows(w: Int8Array, rows: number, k: number): { data: Int8Array; kp: number } {
  const kp = (k + 3) & ~3;
  const quads = (rows + 3) >> 2;
  const data = new Int8Array(quads * kp * 4);
  let o = 0;
  for (let q = 0; q < quads; q++)
    for (let i = 0; i < kp; i++)
      for (let r = 4 * q; r < 4 * q + 4; r++) data[o++] = r < rows && i < k ? w[r * k + i] : 0;
  return { data, kp };
}

export function packConvRv32(g: ConvGeom, w: Int8Array, bias: Int32Array): PackedConv {
  const { data, kp } = packRv32Rows(w, g.oc, g.kh * g.kw * g.ic);
  return { variant: 'rv32', filter: data, filterType: 'int8_t', filterBytes: 1, bias: padTo4(bias), scratchBytes: 2 * kp, extraFiles: ['rv32_gemm_s8.h', 'rv32_gemm_s8.c'] };
}

/** Depthwise weights [c][tap]; scratch for the 3x3 plane (one channel, padded) or the tap pointers. */
export function packDwRv32(g: ConvGeom, w: Int8Array, bias: Int32Array): PackedConv {
  const taps = g.kh * g.kw;
  const data = new Int8Array(taps * g.oc);
  for (let c = 0; c < g.oc; c++) for (let t = 0; t < taps; t++) data[c * taps + t] = w[t * g.oc + c];
  const plane = ((g.oh - 1) * g.strideH + 3) * ((g.ow - 1) * g.strideW + 3);
  const threeByThree = g.kh === 3 && g.kw === 3 && g.dilH === 1 && g.dilW === 1;
  return { variant: 'rv32', filter: data, filterType: 'int8_t', filterBytes: 1, bias, scratchBytes: threeByThree ? plane : 8 * taps + g.oc, extraFiles: [] };
}

export function packFcRv32(g: FcGeom, w: Int8Array, bias: Int32Array): PackedConv {
  const { data, kp } = packRv32Rows(w, g.outDepth, g.inDepth);
  return { variant: 'rv32', filter: data, filterType: 'int8_t', filterBytes: 1, bias: padTo4(bias), scratchBytes: 2 * kp, extraFiles: ['rv32_gemm_s8.h', 'rv32_gemm_s8.c'] };
}
