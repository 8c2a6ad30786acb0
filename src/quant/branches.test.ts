/**
 * Quantization inside IF branches, on openWakeWord's hey_jarvis head (its verifier model runs
 * behind an IF only above a score threshold): the branch becomes int8 inside (float at its
 * edges), follows the float verifier closely, has about a quarter of its float constants, and survives the
 * .tflite export round trip with identical outputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Graph } from '../ir/types.js';
import { loadWakewordModels } from '../data/wakeword.js';
import { FloatIO } from '../runtime/float-io.js';
import { importTflite } from '../formats/tflite/import.js';
import { calibrateGraph, toTfliteForm } from './pipeline.js';
import { quantizeGraph } from './quantize.js';
import { quantizeBranches } from './branches.js';
import { constantBytes, writeQuantizedModel } from './export.js';
import { mulberry32 } from '../util/random.js';

const branch = (g: Graph, k: string) => (g.nodes.find((n) => n.op === 'IF')!.attrs[k] as { graph: Graph }).graph;

test('IF branches are quantized as models of their own: int8 inside, close to float, a quarter of the constants, .tflite round trip', async () => {
  const { graph: g } = toTfliteForm((await loadWakewordModels('onnx', ['hey_jarvis'])).heads.hey_jarvis);
  const name = g.inputs[0];
  const rnd = mulberry32(3);
  const samples = Array.from({ length: 16 }, () => ({ [name]: Float32Array.from({ length: 1536 }, () => rnd() * 4 - 2) }));
  const q = quantizeGraph(g, calibrateGraph(g, samples, { calibrator: 'minmax' }));
  const qb = quantizeBranches(q, g, samples, { calibrator: 'minmax' });
  const fv = branch(g, 'thenSubgraph'), qv = branch(qb, 'thenSubgraph');
  assert.equal(branch(q, 'thenSubgraph'), fv, 'quantizeGraph alone leaves the branch float');
  assert.ok(qv.nodes.filter((n) => n.op === 'FULLY_CONNECTED').every((n) => qv.tensors.get(n.inputs[1])!.dtype === 'int8'));
  assert.equal(qv.tensors.get(qv.inputs[0])!.dtype, 'float32', 'float at the branch edges, as the IF passes it');
  assert.ok(constantBytes(qv) < 0.3 * constantBytes(fv), `verifier constants ${constantBytes(qv)} vs ${constantBytes(fv)} B`);
  // the verifier's score, float vs int8, on inputs it was not calibrated on
  const f = new FloatIO(fv), i8 = new FloatIO(qv);
  let worst = 0;
  for (let k = 0; k < 8; k++) {
    const feed = { [fv.inputs[0]]: Float32Array.from({ length: 1536 }, () => rnd() * 4 - 2), [fv.inputs[1]]: Float32Array.of(0.9) };
    worst = Math.max(worst, Math.abs(Object.values(f.run(feed))[0][0] - Object.values(i8.run(feed))[0][0]));
  }
  assert.ok(worst < 0.06, `verifier |float − int8| up to ${worst}`); // scores in [0, 1], threshold 0.5; measured 0.031
  // export → import keeps the quantized branch and the outputs
  const dir = mkdtempSync(join(tmpdir(), 'ef-branches-'));
  try {
    const file = join(dir, 'hj.tflite');
    writeQuantizedModel(qb, g, file);
    const back = importTflite(new Uint8Array(readFileSync(file)), file);
    assert.equal(branch(back, 'thenSubgraph').nodes.filter((n) => n.op === 'FULLY_CONNECTED').length, qv.nodes.filter((n) => n.op === 'FULLY_CONNECTED').length);
    const a = new FloatIO(qb), b = new FloatIO(back);
    // the file stores scales as float32 (the IR keeps doubles): last-bit differences only
    for (const s of samples.slice(0, 4)) assert.ok(Math.abs(Object.values(b.run(s))[0][0] - Object.values(a.run(s))[0][0]) < 1e-6);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
