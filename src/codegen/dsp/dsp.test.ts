/**
 * Front ends: the emitted C (compiled with host gcc) against the TS front ends the host
 * pipeline uses, on speech and bearing vibration. Tolerances are float32-vs-float64 sized:
 * MFCC ≤ 5e-4 absolute (values span about ±60; measured 3e-5, float32 vs float64), vibration
 * log bands ≤ 2e-4 (fixed-point kernel: measured 7e-5). The same C also runs on QEMU rv32imac.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frontEnd } from '../frontend.js';
import './index.js';
import { logMel, mfcc } from '../../data/frontend/mfcc.js';
import { vibrationFeatures } from '../../data/frontend/spectrum.js';
import { simulate } from '../../data/bearing-sim.js';
import { temperatureDrift } from '../../data/perturb.js';
import { mulberry32, gaussian } from '../../data/random.js';
import { frontEndOnDevice } from '../../validate/device.js';
import { getTarget } from '../../targets/index.js';
import { haveTool } from '../mcu.js';

const MAIN = `#include <stdio.h>
#include <stdlib.h>
#include "ef_dsp.h"
int main(int argc, char **argv) {
  if (argc < 3) return 2;
  int n = atoi(argv[1]), count = atoi(argv[2]);
  float *x = malloc(sizeof(float) * n), *y = malloc(sizeof(float) * ef_frontend_output_size);
  for (int i = 0; i < count; i++) {
    if (fread(x, sizeof(float), n, stdin) != (size_t)n) return 3;
    if (ef_frontend(x, n, y)) return 4;
    fwrite(y, sizeof(float), ef_frontend_output_size, stdout);
  }
  return 0;
}
`;

function runC(name: string, signals: Float32Array[]): Float32Array {
  const dir = mkdtempSync(join(tmpdir(), 'ef-dsp-'));
  try {
    for (const [f, src] of frontEnd(name).sources) writeFileSync(join(dir, f), src);
    writeFileSync(join(dir, 'main.c'), MAIN);
    execFileSync('gcc', ['-O2', '-std=c99', '-Wall', '-Wextra', '-Werror', '-o', join(dir, 'fe'), join(dir, 'main.c'), join(dir, 'ef_dsp.c'), join(dir, 'ef_frontend.c')], { stdio: 'pipe' });
    const input = Buffer.concat(signals.map((s) => Buffer.from(s.buffer, s.byteOffset, s.byteLength)));
    const out = execFileSync(join(dir, 'fe'), [String(signals[0].length), String(signals.length)], { input, maxBuffer: 1 << 26 });
    return new Float32Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function maxDiff(c: Float32Array, ts: Float32Array[], per: number): number {
  let d = 0;
  ts.forEach((t, i) => { for (let k = 0; k < per; k++) d = Math.max(d, Math.abs(c[i * per + k] - t[k])); });
  return d;
}

test('kws-mfcc: C front end matches the TS MFCC within 5e-4', (t) => {
  const rnd = mulberry32(5);
  const clips = [0, 1, 2].map((s) => Float32Array.from({ length: 16000 }, (_, i) => 0.3 * Math.sin(2 * Math.PI * (300 + 200 * s) * i / 16000) * Math.exp(-(((i - 8000) / 3000) ** 2)) + 0.01 * gaussian(rnd)));
  clips.push(Float32Array.from({ length: 12000 }, () => 0.001 * gaussian(rnd))); // short: zero-padded
  const c = runC('kws-mfcc', clips.map((x) => { const y = new Float32Array(16000); y.set(x); return y; }));
  const ts = clips.map((x) => mfcc(x));
  assert.equal(c.length, 4 * 490);
  const d = maxDiff(c, ts, 490);
  t.diagnostic(`kws-mfcc max |C − TS| = ${d.toExponential(2)}`);
  assert.ok(d < 5e-4, `max |C − TS| = ${d}`);
  assert.ok(ts[0].some((v, i) => Math.abs(v - ts[1][i]) > 1), 'inputs differ, so agreement is not trivial');
});

test('kws-logmel: C log-mel spectrogram matches TS within 5e-4', (t) => {
  const rnd = mulberry32(8);
  const x = Float32Array.from({ length: 16000 }, (_, i) => 0.2 * Math.sin((2 * Math.PI * 700 * i) / 16000) + 0.02 * gaussian(rnd));
  const c = runC('kws-logmel', [x]);
  const ts = Float32Array.from(logMel(x));
  assert.equal(c.length, 49 * 40);
  const d = maxDiff(c, [ts], 49 * 40);
  t.diagnostic(`kws-logmel max |C − TS| = ${d.toExponential(2)}`);
  assert.ok(d < 5e-4, `max |C − TS| = ${d}`);
});

test('vibration-spectrum: C front end matches TS within 2e-4 and keeps the drift invariance', (t) => {
  const x = simulate({ fault: 'inner', seed: 2, samples: 1024 });
  const signals = [x, temperatureDrift(x, { deltaC: 50, gainPerC: 0.002, offsetPerC: 0.01 }), simulate({ fault: 'normal', seed: 3, samples: 1024 })];
  const c = runC('vibration-spectrum', signals);
  const ts = signals.map((s) => vibrationFeatures(s));
  const d = maxDiff(c, ts, 64);
  t.diagnostic(`vibration-spectrum max |C − TS| = ${d.toExponential(2)}`);
  assert.ok(d < 2e-4, `max |C − TS| = ${d}`);
  let inv = 0;
  for (let k = 0; k < 64; k++) inv = Math.max(inv, Math.abs(c[k] - c[64 + k]));
  assert.ok(inv < 2e-4, `C features move under drift by ${inv}`);
});

test('compile --dsp writes the front end sources beside the model', () => {
  const fe = frontEnd('vibration-spectrum');
  assert.deepEqual([...fe.sources.keys()].sort(), ['ef_dsp.c', 'ef_dsp.h', 'ef_frontend.c']);
  assert.match(fe.sources.get('ef_frontend.c')!, /EF_NORM_TEMP_COMP/);
  assert.match(fe.sources.get('ef_dsp.h')!, /int ef_frontend\(const float \*x, int n, float \*out\);/);
});

const rv = getTarget('rv32imac');
test('vibration-spectrum on QEMU rv32imac (no FPU): same features, within the 6 ms seed budget', { skip: !haveTool(rv.cc.compiler) && `${rv.cc.compiler} not installed` }, async (t) => {
  const x = simulate({ fault: 'outer', seed: 1, samples: 1024 });
  const r = await frontEndOnDevice('rv32imac', 'vibration-spectrum', x);
  const ts = vibrationFeatures(x);
  const d = maxDiff(r.outputs, [ts], 64);
  t.diagnostic(`rv32imac: ${r.instructions} instructions = ${r.latencyMs?.toFixed(2)} ms at 108 MHz; max |C − TS| = ${d.toExponential(2)}`);
  assert.ok(d < 2e-4, `max |C − TS| = ${d}`);
  assert.ok(r.latencyMs! < 6, `${r.latencyMs} ms`);
});

test('kws-mfcc-fx: fixed-point MFCC matches the TS MFCC on speech-like and quiet clips', (t) => {
  const rnd = mulberry32(9);
  const clips = [0, 1, 2].map((s) => Float32Array.from({ length: 16000 }, (_, i) => 0.3 * Math.sin(2 * Math.PI * (300 + 200 * s) * i / 16000) * Math.exp(-(((i - 8000) / 3000) ** 2)) + 0.01 * gaussian(rnd)));
  clips.push(Float32Array.from({ length: 16000 }, (_, i) => (i > 4000 && i < 9000 ? 0.5 : 0.0005) * gaussian(rnd))); // burst in near-silence
  const c = runC('kws-mfcc-fx', clips);
  const ts = clips.map((x) => mfcc(x));
  const d = maxDiff(c, ts, 490);
  // MFCC values span about ±250 (the MLPerf KWS int8 input step is about 1.1); measured 4.4e-4
  t.diagnostic(`kws-mfcc-fx max |C − TS| = ${d.toExponential(2)}`);
  assert.ok(d < 2e-3, `max |C − TS| = ${d}`);
});

test('kws-mfcc-fx on QEMU rv32imac: same MFCC, far fewer instructions than the soft-float one', { skip: !haveTool(rv.cc.compiler) && `${rv.cc.compiler} not installed` }, async (t) => {
  const rnd = mulberry32(4);
  const x = Float32Array.from({ length: 16000 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / 16000) * Math.exp(-(((i - 8000) / 3000) ** 2)) + 0.01 * gaussian(rnd));
  const fx = await frontEndOnDevice('rv32imac', 'kws-mfcc-fx', x);
  const fl = await frontEndOnDevice('rv32imac', 'kws-mfcc', x);
  const d = maxDiff(fx.outputs, [mfcc(x)], 490);
  t.diagnostic(`rv32imac MFCC: fixed point ${fx.instructions} instructions (${fx.latencyMs?.toFixed(1)} ms at 108 MHz) vs soft float ${fl.instructions} (${fl.latencyMs?.toFixed(1)} ms); max |C − TS| = ${d.toExponential(2)}`);
  assert.ok(d < 2e-3, `max |C − TS| = ${d}`);
  assert.ok(fx.instructions * 5 < fl.instructions, `fixed ${fx.instructions} vs float ${fl.instructions}`);
});
