/** Shared helpers for the codegen tests and the device bench: golden vectors and the TS runtime oracle. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importTflite } from '../formats/tflite/import.js';
import { Graph } from '../ir/types.js';
import { Session } from '../runtime/session.js';
import { sharedDir } from '../util/paths.js';

export interface Golden {
  name: string;
  graph: Graph;
  inputs: Uint8Array;
  outputs: Uint8Array;
  inBytes: number;
  outBytes: number;
  n: number;
}

export const GOLDEN_MODELS = ['kws_ref_model', 'pretrainedResnet_quant', 'ad01_int8'];

/** A golden set from ../shared/golden/tflm, or undefined when ../shared is absent. */
export function loadGolden(name: string): Golden | undefined {
  const shared = sharedDir();
  if (!shared) return undefined;
  const dir = join(shared, 'golden', 'tflm');
  if (!existsSync(join(dir, `${name}.json`))) return undefined;
  const meta = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { model_file: string; N: number; input_bytes_per_vector: number; output_bytes_per_vector: number };
  const file = join(shared, 'models', 'mlperf-tiny', meta.model_file);
  return {
    name,
    graph: importTflite(new Uint8Array(readFileSync(file)), file),
    inputs: new Uint8Array(readFileSync(join(dir, `${name}.inputs.bin`))),
    outputs: new Uint8Array(readFileSync(join(dir, `${name}.outputs.bin`))),
    inBytes: meta.input_bytes_per_vector,
    outBytes: meta.output_bytes_per_vector,
    n: meta.N,
  };
}

/** The integer runtime's outputs on the first `n` vectors (single input, single output). */
export function runtimeOutputs(g: Golden, n = g.n): Uint8Array {
  const s = new Session(g.graph);
  const out = new Uint8Array(n * g.outBytes);
  for (let v = 0; v < n; v++) {
    const x = Int8Array.from(new Int8Array(g.inputs.buffer, g.inputs.byteOffset + v * g.inBytes, g.inBytes));
    const y = s.run({ [s.inputs[0].name]: x })[s.outputs[0].name] as Int8Array;
    out.set(new Uint8Array(y.buffer, y.byteOffset, g.outBytes), v * g.outBytes);
  }
  return out;
}

/** "" when equal, else where the first difference is. */
export function firstDiff(a: Uint8Array, b: Uint8Array, per: number): string {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `vector ${Math.floor(i / per)} byte ${i % per}: ${(a[i] << 24) >> 24} vs ${(b[i] << 24) >> 24}`;
  return '';
}

/** The float32 counterparts of the int8 MLPerf Tiny models (the float baseline). */
export const FLOAT_MODELS: Record<string, string> = {
  kws_ref_model: 'kws_ref_model_float32',
  pretrainedResnet_quant: 'pretrainedResnet',
  ad01_int8: 'ad01_fp32',
};

export function loadFloatModel(name: string): Graph | undefined {
  const shared = sharedDir();
  const file = shared && join(shared, 'models', 'mlperf-tiny', `${name}.tflite`);
  return file && existsSync(file) ? importTflite(new Uint8Array(readFileSync(file)), file) : undefined;
}

/** Deterministic float inputs in [-1, 1) and the float runtime's outputs for them. */
export function floatCase(g: Graph, n: number): { inputs: Float32Array; outputs: Float32Array } {
  const s = new Session(g);
  const inElems = s.inputs[0].shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n * inElems);
  let seed = 12345;
  for (let i = 0; i < x.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    x[i] = (seed / 2 ** 32) * 2 - 1;
  }
  const outs: Float32Array[] = [];
  for (let v = 0; v < n; v++) outs.push(s.run({ [s.inputs[0].name]: x.slice(v * inElems, (v + 1) * inElems) })[s.outputs[0].name] as Float32Array);
  const y = new Float32Array(outs.reduce((a, o) => a + o.length, 0));
  let o = 0;
  for (const a of outs) {
    y.set(a, o);
    o += a.length;
  }
  return { inputs: x, outputs: y };
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < Math.min(a.length, b.length); i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** A model quantized by our own quantizer for C tests: `n` int8 input vectors and the integer runtime's outputs. */
export interface QuantizedCase {
  graph: Graph;
  inputs: Uint8Array;
  outputs: Uint8Array;
  outBytes: number;
}

/**
 * `src` (ONNX or TFLite, float) lowered to TFLite form and quantized by our quantizer (min/max
 * calibration on `calib` deterministic random inputs drawn by `sample`), with `n` random int8
 * input vectors and the integer runtime's outputs for them.
 */
export async function quantizedCase(src: Graph, n: number, opts: { seed?: number; calib?: number; sample?: (rnd: () => number) => number; precision?: Record<string, 'int8' | 'int16' | 'float'> } = {}): Promise<QuantizedCase> {
  const { toTfliteForm, calibrateGraph } = await import('../quant/pipeline.js');
  const { quantizeGraph } = await import('../quant/quantize.js');
  const { graph: g } = toTfliteForm(src);
  const inName = g.inputs[0];
  const size = g.tensors.get(inName)!.shape.reduce((a, b) => a * b, 1);
  let seed = opts.seed ?? 7;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), seed / 2 ** 32);
  const draw = opts.sample ?? ((r: () => number) => r() * 4 - 2);
  const samples = Array.from({ length: opts.calib ?? 3 }, () => ({ [inName]: Float32Array.from({ length: size }, () => draw(rnd)) }));
  const { quantizeBranches } = await import('../quant/branches.js');
  const base = opts.precision ? { precision: opts.precision } : {};
  const q = quantizeBranches(quantizeGraph(g, calibrateGraph(g, samples, { calibrator: 'minmax' }), base), g, samples, { calibrator: 'minmax', ...base });
  const qn = q.tensors.get(q.inputs[0])!.shape.reduce((a, b) => a * b, 1);
  const x = Int8Array.from({ length: n * qn }, () => Math.floor(rnd() * 256) - 128);
  const s = new Session(q);
  const outs: Int8Array[] = [];
  for (let v = 0; v < n; v++) outs.push(Int8Array.from(s.run({ [q.inputs[0]]: x.slice(v * qn, (v + 1) * qn) })[s.outputs[0].name] as Int8Array));
  const outBytes = outs[0].length;
  const y = new Uint8Array(n * outBytes);
  outs.forEach((o, v) => y.set(new Uint8Array(o.buffer, o.byteOffset, o.length), v * outBytes));
  return { graph: q, inputs: new Uint8Array(x.buffer), outputs: y, outBytes };
}

/** The openWakeWord embedding model (ONNX) quantized by our quantizer (see quantizedCase). */
export async function wakewordEmbeddingCase(n: number): Promise<QuantizedCase> {
  const { loadWakewordModels } = await import('../data/wakeword.js');
  const c = await quantizedCase((await loadWakewordModels('onnx', [])).embedding, n, { seed: 7 });
  c.graph.name = 'oww_embedding_int8';
  return c;
}
