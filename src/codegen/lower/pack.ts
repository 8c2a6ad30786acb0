/**
 * Filter repacking per kernel variant. The portable kernels read TFLite's layouts as they are;
 * the optimized ones get weights in the order their inner loops consume them, and the input
 * offset folded into the bias (bias' = bias - zp_in * sum(w)), so that they multiply raw int8
 * inputs and fill padding with the input zero point. One file per family: pack-dsp.ts,
 * pack-mve.ts, pack-rv32.ts.
 */
import { Variant } from './types.js';
import { boundOk, ConvGeom, FcGeom, foldBias, PackedConv } from './pack-common.js';
import { packConvDsp, packDwDsp, packFcDsp } from './pack-dsp.js';
import { packConvMve, packDwMve, packFcMve } from './pack-mve.js';
import { packConvRv32, packDwRv32, packFcRv32 } from './pack-rv32.js';

export type { ConvGeom, FcGeom, PackedConv } from './pack-common.js';
export { padVec } from './pack-common.js';

export function packConvFilter(variant: Variant, g: ConvGeom, w: Int8Array, bias: Int32Array | undefined, shift: Int32Array): PackedConv {
  const portable: PackedConv = { variant: 'portable', filter: w, filterType: 'int8_t', filterBytes: 1, bias, scratchBytes: 0, extraFiles: [] };
  if (variant === 'portable') return portable;
  const taps = g.kh * g.kw;
  if (g.dw) {
    if (g.depthMult !== 1 || g.oc % 4 !== 0) return portable;
    const f = foldBias(w, g.oc, taps, bias, g.inOffset, 1, g.oc);
    if (!boundOk(f.bound, shift)) return portable;
    if (variant === 'dsp') return packDwDsp(g, w, f.bias);
    if (variant === 'mve') return packDwMve(g, w, f.bias) ?? portable;
    return packDwRv32(g, w, f.bias);
  }
  const f = foldBias(w, g.oc, taps * g.ic, bias, g.inOffset);
  if (!boundOk(f.bound, shift)) return portable;
  if (variant === 'dsp') return packConvDsp(g, w, f.bias);
  if (variant === 'mve') return packConvMve(g, w, f.bias);
  return packConvRv32(g, w, f.bias);
}

export function packFcFilter(variant: Variant, g: FcGeom, w: Int8Array, bias: Int32Array | undefined, shift: Int32Array): PackedConv {
  const portable: PackedConv = { variant: 'portable', filter: w, filterType: 'int8_t', filterBytes: 1, bias, scratchBytes: 0, extraFiles: [] };
  if (variant === 'portable' || g.filterOffset !== 0) return portable;
  const f = foldBias(w, g.outDepth, g.inDepth, bias, g.inOffset);
  if (!boundOk(f.bound, shift)) return portable;
  if (variant === 'dsp') return packFcDsp(g, w, f.bias);
  if (variant === 'mve') return packFcMve(g, w, f.bias);
  return packFcRv32(g, w, f.bias);
}
