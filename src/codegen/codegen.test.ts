/**
 * Generated C vs the integer runtime and TFLM's golden vectors: on the host for every
 * MLPerf Tiny int8 model (all 32 vectors, -Wall -Wextra -Werror, once with ASan+UBSan), and
 * on QEMU (Cortex-M4, Cortex-M33, Cortex-M55, RV32) for KWS and IC on 2 vectors each to keep CI short;
 * `npm run bench -- --device all` runs more vectors and every target.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGraph } from './emit.js';
import { buildHost, runHost } from './host.js';
import { buildFirmware, haveTool, runFirmware } from './mcu.js';
import { firstDiff, floatCase, FLOAT_MODELS, GOLDEN_MODELS, loadFloatModel, loadGolden, maxAbsDiff, quantizedCase, runtimeOutputs, wakewordEmbeddingCase } from './testing.js';
import { Graph } from '../ir/types.js';

const noShared = !loadGolden('kws_ref_model') && 'no ../shared golden vectors (set EDGEFORGE_SHARED)';

for (const name of GOLDEN_MODELS) {
  test(`host C == integer runtime == TFLM: ${name}`, { skip: noShared }, () => {
    const g = loadGolden(name)!;
    const c = compileGraph(g.graph, { target: 'host' });
    const out = runHost(buildHost(c), g.inputs);
    assert.equal(firstDiff(out, g.outputs, g.outBytes), '', 'host C vs TFLM golden');
    assert.equal(firstDiff(out, runtimeOutputs(g), g.outBytes), '', 'host C vs integer runtime');
    assert.ok(c.plan.arenaBytes <= c.plan.lowerBound * 1.05 + 16, `arena ${c.plan.arenaBytes} vs lower bound ${c.plan.lowerBound}`);
  });
}

test('host C with ASan+UBSan: KWS, 4 vectors', { skip: noShared }, () => {
  const g = loadGolden('kws_ref_model')!;
  const c = compileGraph(g.graph, { target: 'host' });
  const out = runHost(buildHost(c, { sanitize: true }), g.inputs.subarray(0, 4 * g.inBytes));
  assert.equal(firstDiff(out, g.outputs.subarray(0, 4 * g.outBytes), g.outBytes), '');
});

const QEMU: [string, string][] = [['cortex-m4', 'qemu-system-arm'], ['cortex-m33', 'qemu-system-arm'], ['cortex-m55', 'qemu-system-arm'], ['rv32imac', 'qemu-system-riscv32']];
for (const [target, qemu] of QEMU) {
  for (const name of ['kws_ref_model', 'pretrainedResnet_quant']) {
    const skip = noShared || (!haveTool(qemu) && `${qemu} not installed (scripts/setup-system.sh)`);
    test(`QEMU ${target}: ${name} (optimized kernels) == TFLM, 2 vectors`, { skip }, async () => {
      const g = loadGolden(name)!;
      const n = 2;
      const c = compileGraph(g.graph, { target, force: true }); // QEMU's machines have more RAM than the profile's part
      const f = buildFirmware(c, g.inputs.subarray(0, n * g.inBytes));
      const r = await runFirmware(f, c);
      assert.equal(firstDiff(r.outputs, g.outputs.subarray(0, n * g.outBytes), g.outBytes), '');
      assert.equal(r.instructions.length, n);
      assert.ok(r.instructions[0] > c.macs / 20, `instruction count ${r.instructions[0]} implausible for ${c.macs} MACs`);
      assert.equal(r.layers[0].length, c.steps.length, 'one count per layer');
      assert.ok(r.stackBytes > 0 && r.stackBytes < 8192, `stack ${r.stackBytes}`);
    });
  }
}

test('unsupported ops are named; models over the target budget are refused with numbers', { skip: noShared }, () => {
  const g = loadGolden('kws_ref_model')!.graph;
  const bad: Graph = { ...g, nodes: g.nodes.map((n, i) => (i === 1 ? { ...n, op: 'GELU' } : n)) };
  assert.throws(() => compileGraph(bad, { target: 'host' }), /no int8 C kernel for GELU/);
  const ic = loadGolden('pretrainedResnet_quant')!.graph;
  assert.throws(() => compileGraph(ic, { target: 'rv32imac' }), /does not fit: arena needs \d+ B of RAM, rv32imac has 32768 B/);
  assert.ok(compileGraph(ic, { target: 'rv32imac', force: true }).files.has('model.c'));
});

test('optimized kernels execute at least 2x fewer instructions than portable C (KWS, Cortex-M4 and M55)', { skip: noShared || (!haveTool('qemu-system-arm') && 'qemu-system-arm not installed') }, async () => {
  const g = loadGolden('kws_ref_model')!;
  for (const target of ['cortex-m4', 'cortex-m55']) {
    const counts: number[] = [];
    for (const kernels of ['auto', 'portable'] as const) {
      const c = compileGraph(g.graph, { target, kernels });
      const r = await runFirmware(buildFirmware(c, g.inputs.subarray(0, g.inBytes)), c);
      assert.equal(firstDiff(r.outputs, g.outputs.subarray(0, g.outBytes), g.outBytes), '', `${target} ${kernels}`);
      counts.push(r.instructions[0]);
    }
    assert.ok(counts[1] / counts[0] >= 2, `${target}: portable ${counts[1]} vs optimized ${counts[0]}`);
  }
});

test('edgeforge compile writes the int8 and the float32 library', { skip: noShared }, async () => {
  const { default: cmd } = await import('../cli/commands/compile.js');
  const { mkdtempSync, existsSync, readFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'ef-cli-'));
  const model = loadGolden('ad01_int8')!.graph.source.file!;
  const log = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    assert.equal(await cmd.run([model, '--target', 'host', '--out', dir, '--name', 'ad', '--check', '--json']), 0);
  } finally {
    process.stdout.write = log;
  }
  for (const f of ['ad.h', 'ad.c', 'fc_s8.c', 'Makefile', 'ad.cmake', 'README.md']) assert.ok(existsSync(join(dir, f)), f);
  assert.match(readFileSync(join(dir, 'ad.h'), 'utf8'), /int ad_invoke\(const int8_t \*input0, int8_t \*output0\);/);
  assert.doesNotMatch(readFileSync(join(dir, 'ad.c'), 'utf8'), /malloc|printf|float|double/);
  const fdir = mkdtempSync(join(tmpdir(), 'ef-cli-'));
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    assert.equal(await cmd.run([model.replace('ad01_int8', 'ad01_fp32'), '--out', fdir, '--check']), 0);
  } finally {
    process.stdout.write = log;
  }
  assert.match(readFileSync(join(fdir, 'model.h'), 'utf8'), /int model_invoke\(const float \*input0, float \*output0\);/);
  await assert.rejects(cmd.run([model, '--out', dir, '--kernels', 'fast']), /--kernels must be auto or portable/);
});

for (const name of Object.values(FLOAT_MODELS)) {
  test(`float baseline: host C == float runtime: ${name}`, { skip: noShared }, () => {
    const g = loadFloatModel(name)!;
    const { inputs, outputs } = floatCase(g, 3);
    const c = compileGraph(g, { target: 'host' });
    assert.equal(c.family, 'float32');
    const out = new Float32Array(runHost(buildHost(c), new Uint8Array(inputs.buffer)).slice().buffer);
    // KWS's float file is hybrid (int8 conv weights): the runtime follows TFLite's hybrid kernels
    // (activations quantized on the fly), the C baseline dequantizes the weights once.
    const tol = name.startsWith('kws') ? 0.02 : 1e-5;
    assert.ok(maxAbsDiff(out, outputs) <= tol, `max |C - runtime| = ${maxAbsDiff(out, outputs)}`);
  });
}

test('openWakeWord embedding quantized by our quantizer: host C == integer runtime', async () => {
  const ww = await wakewordEmbeddingCase(3);
  const c = compileGraph(ww.graph, { target: 'host' });
  // each LEAKY_RELU → MAXIMUM(x, c) pair is one composed table
  assert.ok(c.steps.filter((s) => s.op === 'LEAKY_RELU+MAXIMUM').length >= 10 && !c.steps.some((s) => s.op === 'MAXIMUM'));
  assert.equal(firstDiff(runHost(buildHost(c), ww.inputs), ww.outputs, ww.outBytes), '');
});

test('openWakeWord embedding quantized by our quantizer on QEMU Cortex-M55 == integer runtime', { skip: !haveTool('qemu-system-arm') && 'qemu-system-arm not installed' }, async () => {
  const ww = await wakewordEmbeddingCase(1);
  const c = compileGraph(ww.graph, { target: 'cortex-m55' });
  const r = await runFirmware(buildFirmware(c, ww.inputs), c);
  assert.equal(firstDiff(r.outputs, ww.outputs, ww.outBytes), '');
  assert.ok((c.variants.mve ?? 0) > 0, 'optimized kernels used');
});

test('openWakeWord heads quantized by our quantizer (int8, float fallback, IF with an int8 verifier): host C and QEMU == integer runtime, both branches', async () => {
  const { loadWakewordModels, WAKEWORD_HEADS } = await import('../data/wakeword.js');
  const models = await loadWakewordModels('onnx', WAKEWORD_HEADS);
  let withIf = 0;
  for (const [head, onnx] of Object.entries(models.heads)) {
    const hc = await quantizedCase(onnx, 8, { seed: 11, calib: 8 });
    const c = compileGraph(hc.graph, { target: 'host' });
    const hasIf = c.steps.some((s) => s.op === 'IF');
    if (hasIf) {
      withIf++;
      const verifier = (hc.graph.nodes.find((n) => n.op === 'IF')!.attrs.thenSubgraph as { graph: Graph }).graph;
      assert.ok(verifier.nodes.some((n) => n.op === 'FULLY_CONNECTED' && verifier.tensors.get(n.inputs[1])?.dtype === 'int8'), `${head}: verifier quantized`);
    }
    assert.equal(firstDiff(runHost(buildHost(c), hc.inputs), hc.outputs, hc.outBytes), '', `${head} host`);
    if (hasIf && haveTool('qemu-system-arm')) {
      const cm = compileGraph(hc.graph, { target: 'cortex-m4' });
      const r = await runFirmware(buildFirmware(cm, hc.inputs), cm);
      assert.equal(firstDiff(r.outputs, hc.outputs, hc.outBytes), '', `${head} Cortex-M4`);
      // the verifier branch (int8 FCs + float layer norms) costs far more than the pass-through: both must have run
      assert.ok(Math.max(...r.instructions) > 1.3 * Math.min(...r.instructions), `${head}: only one IF branch taken (${r.instructions.join(', ')})`);
      const ifStep = cm.steps.find((s) => s.op === 'IF')!;
      assert.ok(ifStep.macs > 0, 'the verifier has MACs');
    }
  }
  assert.ok(withIf >= 1, 'at least one head has the IF verifier');
});

test('openWakeWord melspectrogram quantized by our quantizer (TRANSPOSE, float LOG/DIV/REDUCE_MAX fallback): host C == integer runtime', async () => {
  const { loadWakewordModels } = await import('../data/wakeword.js');
  const mc = await quantizedCase((await loadWakewordModels('onnx', [])).mel, 2, { seed: 5, sample: (r) => (r() * 2 - 1) * 3000 });
  const c = compileGraph(mc.graph, { target: 'host' });
  assert.ok(c.steps.some((s) => s.op === 'TRANSPOSE') && c.steps.some((s) => s.op === 'LOG'));
  // the float LOG differs from Math.log in the last bits; after QUANTIZE no byte differs on these inputs
  assert.equal(firstDiff(runHost(buildHost(c), mc.inputs), mc.outputs, mc.outBytes), '');
});

test('16x8 layers (raised by the quantizer) compile: IC with int16 convs, a residual ADD, the pool, FC and the casts around them; host C == integer runtime', { skip: noShared }, async () => {
  const g = loadFloatModel('pretrainedResnet')!;
  const raise = g.nodes.map((x) => x.name).filter((x) => /CONV_2D_(0|5|9)$|ADD_7$|AVERAGE_POOL|FULLY_CONNECTED/.test(x));
  assert.ok(raise.length >= 6, `nodes to raise: ${raise}`);
  const ic = await quantizedCase(g, 3, { seed: 3, calib: 4, sample: (r) => r() * 2 - 1, precision: Object.fromEntries(raise.map((x) => [x, 'int16'])) });
  const c = compileGraph(ic.graph, { target: 'host' });
  assert.ok(c.steps.filter((s) => s.files.includes('conv_s16.c')).length >= 3, 'int16 conv/FC kernels used');
  assert.ok(c.steps.some((s) => s.files.includes('add_s16.c')) && c.steps.some((s) => s.files.includes('pool_s16.c')), 'int16 ADD and pool kernels used');
  assert.equal(firstDiff(runHost(buildHost(c), ic.inputs), ic.outputs, ic.outBytes), '');
});

test('--sparse: magnitude-pruned conv/FC weights as bitmask + nonzeros, byte-identical, less flash (host and QEMU Cortex-M4)', { skip: noShared }, async () => {
  const { Session } = await import('../runtime/session.js');
  const g = loadGolden('kws_ref_model')!;
  // prune 70 % of every CONV_2D / FULLY_CONNECTED filter by magnitude (per tensor), as `edgeforge prune` would
  const tensors = new Map(g.graph.tensors);
  for (const n of g.graph.nodes.filter((x) => x.op === 'CONV_2D' || x.op === 'FULLY_CONNECTED')) {
    const w = tensors.get(n.inputs[1])!;
    const d = Int8Array.from(w.data as Int8Array);
    const cut = [...d].map(Math.abs).sort((a, b) => a - b)[Math.floor(d.length * 0.7)];
    for (let i = 0; i < d.length; i++) if (Math.abs(d[i]) < cut) d[i] = 0;
    tensors.set(w.name, { ...w, data: d });
  }
  const pruned = { ...g.graph, tensors };
  const n = 2;
  const inputs = g.inputs.subarray(0, n * g.inBytes);
  const s = new Session(pruned);
  const want = new Uint8Array(n * g.outBytes);
  for (let v = 0; v < n; v++) {
    const y = s.run({ [s.inputs[0].name]: Int8Array.from(new Int8Array(inputs.buffer, inputs.byteOffset + v * g.inBytes, g.inBytes)) })[s.outputs[0].name] as Int8Array;
    want.set(new Uint8Array(y.buffer, y.byteOffset, g.outBytes), v * g.outBytes);
  }
  const dense = compileGraph(pruned, { target: 'host' });
  const sparse = compileGraph(pruned, { target: 'host', sparse: true });
  assert.equal(sparse.steps.filter((x) => x.files.includes('sparse_s8.c')).length, 6, 'the 5 pruned convolutions and the FC are sparse');
  const names = new Set(sparse.steps.filter((x) => x.files.includes('sparse_s8.c')).map((x) => x.node));
  const layerBytes = (c: typeof dense) => c.steps.filter((x) => names.has(x.node)).reduce((a, x) => a + x.constBytes, 0);
  // 70 % zeros: mask (1/8) + 30 % values ≈ 0.43 of the int8 weights, plus bias and multipliers
  assert.ok(layerBytes(sparse) < 0.55 * layerBytes(dense), `sparse layers ${layerBytes(sparse)} B vs dense ${layerBytes(dense)} B`);
  assert.ok(sparse.constBytes < dense.constBytes);
  assert.equal(firstDiff(runHost(buildHost(sparse), inputs), want, g.outBytes), '', 'host');
  if (haveTool('qemu-system-arm')) {
    const c = compileGraph(pruned, { target: 'cortex-m4', sparse: true });
    const r = await runFirmware(buildFirmware(c, inputs), c);
    assert.equal(firstDiff(r.outputs, want, g.outBytes), '', 'Cortex-M4');
  }
});

test('placement hooks: EF_WEIGHTS_ATTR / EF_ARENA_ATTR put the weights and the arena in the sections a board names', { skip: noShared }, async () => {
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { writeProject } = await import('./write.js');
  const g = loadGolden('kws_ref_model')!.graph;
  const c = compileGraph(g, { target: 'host' });
  const weightBytes = g.nodes.filter((n) => /CONV|FULLY/.test(n.op)).reduce((a, n) => a + g.tensors.get(n.inputs[1])!.data!.length, 0);
  const dir = mkdtempSync(join(tmpdir(), 'ef-place-'));
  try {
    writeProject(c, dir);
    execFileSync('gcc', ['-O2', '-std=c99', '-c', join(dir, 'model.c'), '-I', dir, '-o', join(dir, 'model.o'),
      '-DEF_WEIGHTS_ATTR=__attribute__((section(".ext_flash")))', '-DEF_ARENA_ATTR=__attribute__((section(".fast_ram")))']);
    const sections = execFileSync('objdump', ['-h', join(dir, 'model.o')], { encoding: 'utf8' });
    const size = (name: string) => parseInt(sections.split('\n').find((l) => l.includes(` ${name} `))?.trim().split(/\s+/)[2] ?? '0', 16);
    assert.equal(size('.fast_ram'), c.plan.arenaBytes, 'the arena is the whole .fast_ram section');
    assert.ok(size('.ext_flash') >= weightBytes, `.ext_flash holds the ${weightBytes} B of weights (${size('.ext_flash')} B)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
