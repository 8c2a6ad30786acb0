/**
 * One device measurement: compile a model for a target, build firmware with test vectors,
 * run it on QEMU with the counting plugin and turn the counts into the numbers bench reports.
 *
 * Latency and energy are estimates: instructions × CPI / clock, and that time × the profile's
 * active power. CPI = 1 is assumed for every core (single-issue in-order pipeline, zero-wait
 * memory). Real parts differ: flash wait states raise it, the Cortex-M7's dual issue lowers
 * it, and the Cortex-M55 executes a 128-bit MVE instruction in two beats. Power figures and
 * their sources are in src/targets/devices.json.
 */
import { Graph } from '../ir/types.js';
import { energyMicrojoules, getTarget, secondsAtClock } from '../targets/index.js';
import { compileGraph } from './emit.js';
import { buildFirmware, runFirmware } from './mcu.js';

export const ASSUMED_CPI = 1;

export interface DeviceResult {
  model: string;
  modelSha256?: string;
  target: string;
  machine: string;
  kernels: 'auto' | 'portable';
  family: 'int8' | 'float32';
  variants: Record<string, number>;
  vectors: number;
  /** Output bytes that differ from the expected outputs (TFLM golden / integer runtime). */
  mismatches: number;
  flashBytes: number;
  ramBytes: number;
  textBytes: number;
  dataBytes: number;
  bssBytes: number;
  arenaBytes: number;
  arenaLowerBound: number;
  stackBytes: number;
  instructions: number;
  instructionsMin: number;
  instructionsMax: number;
  macs: number;
  macsPerInstruction: number;
  estMs?: number;
  estMicrojoules?: number;
  cpi: number;
  clockMHz: number | null;
  layers: { node: string; op: string; variant: string; macs: number; instructions: number }[];
}

export async function measureOnDevice(g: Graph, target: string, inputs: Uint8Array, expected: Uint8Array | ((out: Uint8Array) => number) | undefined, opts: { kernels?: 'auto' | 'portable'; name?: string } = {}): Promise<DeviceResult> {
  const t = getTarget(target);
  const kernels = opts.kernels ?? 'auto';
  const c = compileGraph(g, { target: t, kernels, force: true });
  const f = buildFirmware(c, inputs);
  const r = await runFirmware(f, c);
  let mismatches = 0;
  if (typeof expected === 'function') mismatches = expected(r.outputs);
  else if (expected) for (let i = 0; i < r.outputs.length; i++) if (r.outputs[i] !== expected[i]) mismatches++;
  const instructions = r.instructions[0];
  const sec = secondsAtClock(t, instructions * ASSUMED_CPI);
  return {
    model: opts.name ?? g.name,
    modelSha256: g.source.sha256,
    target: t.name,
    machine: t.qemu?.machine === 'sifive_e' ? 'virt' : t.qemu?.machine ?? '',
    kernels,
    family: c.family,
    variants: c.variants,
    vectors: f.vectors,
    mismatches,
    flashBytes: f.model.text + f.model.data,
    ramBytes: f.model.data + f.model.bss + r.stackBytes,
    textBytes: f.model.text,
    dataBytes: f.model.data,
    bssBytes: f.model.bss,
    arenaBytes: c.plan.arenaBytes,
    arenaLowerBound: c.plan.lowerBound,
    stackBytes: r.stackBytes,
    instructions,
    instructionsMin: Math.min(...r.instructions),
    instructionsMax: Math.max(...r.instructions),
    macs: c.macs,
    macsPerInstruction: c.macs / instructions,
    estMs: sec === undefined ? undefined : sec * 1000,
    estMicrojoules: sec === undefined ? undefined : energyMicrojoules(t, sec),
    cpi: ASSUMED_CPI,
    clockMHz: t.clockMHz,
    layers: c.steps.map((s, i) => ({ node: s.node, op: s.op, variant: s.variant, macs: s.macs, instructions: r.layers[0]?.[i] ?? 0 })),
  };
}

/** TFLite Micro + CMSIS-NN on the same QEMU machines (issue 5): instructions per inference. */
export const TFLM_CMSIS: Record<string, Record<string, number>> = {
  'cortex-m4': { kws_ref_model: 7_580_486, pretrainedResnet_quant: 29_782_200 },
  'cortex-m55': { kws_ref_model: 1_815_486, pretrainedResnet_quant: 4_913_730 },
};
