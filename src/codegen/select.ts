/**
 * Which kernel variant a target gets for an op: chosen from the core's ISA (devices.json
 * `isa`) and the ops each optimized family implements here; the lowerer may still fall back to
 * portable for a layer whose shape or quantization the optimized kernel does not cover.
 */
import { Target } from '../targets/index.js';
import { Variant } from './lower/types.js';

export const OPTIMIZED_OPS: Record<Exclude<Variant, 'portable'>, ReadonlySet<string>> = {
  mve: new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'ADD', 'LEAKY_RELU', 'MAXIMUM', 'MINIMUM', 'AVERAGE_POOL_2D', 'MAX_POOL_2D']),
  dsp: new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'ADD', 'AVERAGE_POOL_2D', 'MAX_POOL_2D']),
  rv32: new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'ADD', 'SUB']),
};

export function variantFor(t: Target, op: string, mode: 'auto' | 'portable'): Variant {
  if (mode === 'portable') return 'portable';
  if (t.isa.mve && OPTIMIZED_OPS.mve.has(op)) return 'mve';
  if (t.isa.dsp && t.cc.compiler.startsWith('arm-none-eabi') && OPTIMIZED_OPS.dsp.has(op)) return 'dsp';
  if (t.arch.startsWith('rv32') && OPTIMIZED_OPS.rv32.has(op)) return 'rv32';
  return 'portable';
}
