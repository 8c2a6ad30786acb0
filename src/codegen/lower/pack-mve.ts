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

/**
 * Per row quad: shift[4], mult[4], bias[4] (the engine walks one pointer through them). Passed
 * through the `requant` hook, so the kernels read it as `mult`; `bias` is then not emitted.
 */
function interleaveQuads(bias: Int32Array, rows: number): (m: Int32Array, s: Int32Array) => { mult: Int32Array; shift: Int32Array } {
  return (m, s) => {
    const quads = (rows + 3) >> 2;
    const out = new Int32Array(quads * 12);
    for (let r = 0; r < quads * 4; r++) {
      const q = r >> 2, i = r & 3;
      out[12 * q + i] = r < rows ? s[r] : -1;
      out[12 * q + 4 + i] = r < rows ? m[r] : 0;
      out[12 * q + 8 + i] = r < rows ? bias[r] : 0;
    }
    return { mult: out, shift: Int32Array.of(0) }; // shifts live in the quads; the array is not read
  };
}

/** Scratch of ef_conv_s8_mve (mirrors conv_s8_mve.c): [padded image or band of kh rows][16][chunk * kp][16]. */
function convScratch(g: ConvGeom, kp: number): number {
  if (g.kh === 1 && g.kw === 1 && g.strideH === 1 && g.strideW === 1 && g.padH === 0 && g.padW === 0 && kp === g.ic) return 16 + 2 * kp;
  const pw = (g.ow - 1) * g.strideW + (g.kw - 1) * g.dilW + 1;
  const bw = ((pw * g.ic + 15) & ~15) + 16;
  const ph = (g.oh - 1) * g.strideH + (g.kh - 1) * g.dilH + 1;
  const band = ph * pw * g.ic <= 4096 ? (ph * pw * g.ic + 15) & ~15 : g.kh * bw;
  const chunk = kp > 112 && kp !== 144 && kp !== 288 ? 2 : Math.min(16, Math.max(2, Math.floor(1280 / kp) & ~1));
  return band + 16 + chunk * kp + 16;
}

/** The engine's files. */
function gemmFiles(_kp: number): string[] {
  return ['mve_gemm_s8.h', 'gemm_asm_mve.h', 'mve_gemm_s8.c'];
}

export function packConvMve(g: ConvGeom, w: Int8Array, bias: Int32Array): PackedConv {
  const { data, kp } = packMveRows(w, g.oc, g.kh * g.kw * g.ic);
  return { variant: 'mve', filter: data, filterType: 'int8_t', filterBytes: 1, scratchBytes: convScratch(g, kp), extraFiles: gemmFiles(kp), requant: interleaveQuads(bias, g.oc) };
}

/** The planar depthwise path's test (mirrors planar_ok in dwconv_s8_mve.c). */
function dwPlanar(g: ConvGeom): boolean {
  return g.depthMult === 1 && g.ic === g.oc && g.ic % 16 === 0 && g.strideH === 1 && g.strideW === 1 && g.dilH === 1 && g.dilW === 1 &&
    (g.kh - 1) * (g.iw + 1) + g.kw <= 16 && g.kw <= g.iw + 1 && g.padW <= 1 && g.ow + g.kw - 2 - g.padW <= g.iw;
}

/**
 * Depthwise (multiplier 1). Planar path: per channel a 16-byte window vector (tap (ky, kx) at
 * lane ky*(W+1)+kx) and interleaved requant quads; scratch = zero-point row, virtual-pixel
 * sources, VST4 staging, group parameters and 16 padded planes (mirrors dw_planar). Otherwise
 * (channels a multiple of 8): [c/8][tap][8] bytes with per-channel arrays permuted.
 */
export function packDwMve(g: ConvGeom, w: Int8Array, bias: Int32Array): PackedConv | undefined {
  const taps = g.kh * g.kw;
  if (dwPlanar(g)) {
    const rs = g.iw + 1;
    const data = new Int8Array(16 * g.oc);
    for (let c = 0; c < g.oc; c++)
      for (let ky = 0; ky < g.kh; ky++) for (let kx = 0; kx < g.kw; kx++) data[16 * c + ky * rs + kx] = w[(ky * g.kw + kx) * g.oc + c];
    const prow = g.padH + g.ih + Math.max(0, g.oh + g.kh - 1 - g.padH - g.ih);
    const last = (g.oh + g.kh - 2) * rs + g.ow + g.kw - 1 - g.padW; // the last window's last tap
    const nv = (Math.max(prow * rs, last + 1) + 3) & ~3;
    const scratch = ((g.ic + 15) & ~15) + 4 * nv + 64 + 80 + 16 + 16 * (nv + 16) + 16;
    return { variant: 'mve', filter: data, filterType: 'int8_t', filterBytes: 1, scratchBytes: scratch, extraFiles: [], requant: interleaveQuads(bias, g.oc) };
  }
  if (g.oc % 8 !== 0) return undefined;
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
  return { variant: 'mve', filter: data, filterType: 'int8_t', filterBytes: 1, scratchBytes: 2 * kp, extraFiles: gemmFiles(kp), requant: interleaveQuads(bias, g.outDepth) };
}
