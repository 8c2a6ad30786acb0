/**
 * Device suite (`npm run bench -- --device <target|all>`): every MLPerf Tiny int8 model with
 * TFLM golden vectors, compiled to C, run on QEMU per target with the optimized kernels and
 * with the portable ones. Reports flash, RAM, instructions per inference (exact, TCG plugin),
 * MACs per instruction, estimated ms and µJ, and checks outputs against TFLM's.
 * The float32 counterparts run too (portable float kernels): the baseline int8 is measured
 * against; their outputs are checked against the float runtime (|diff| <= 1e-4, 0.02 for KWS's
 * hybrid file). Options: --models a,b (name filter), --vectors N (default 4),
 * --kernels auto|portable|both, --no-float, --record [--db D] [--build-id X] (store the rows in the
 * results store for `compare` / `check`, as `bench --import-device` does). The openWakeWord embedding model quantized by our
 * quantizer runs too (optimized kernels, checked against the integer runtime; --no-wakeword).
 * Results: out/bench/device-<time>.json and out/bench/device.json (latest).
 */
import { join } from 'node:path';
import type { Suite, SuiteOptions } from '../main.js';
import { floatCase, FLOAT_MODELS, GOLDEN_MODELS, loadFloatModel, loadGolden, wakewordEmbeddingCase } from '../../codegen/testing.js';
import { measureOnDevice, DeviceResult, ASSUMED_CPI, TFLM_CMSIS } from '../../codegen/measure.js';
import { qemuTargets } from '../../codegen/mcu.js';
import { getTarget } from '../../targets/index.js';
import { projectRoot } from '../../util/paths.js';
import { writeFileAtomic } from '../../util/fs.js';
import { importDeviceJson } from '../import-device.js';


function opt(args: string[], key: string): string | undefined {
  const i = args.indexOf(key);
  if (i >= 0) return args[i + 1];
  const kv = args.find((a) => a.startsWith(`${key}=`));
  return kv?.slice(key.length + 1);
}

function fmt(n: number | undefined, d = 0): string {
  return n === undefined ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
}

export function deviceTable(rows: DeviceResult[]): string {
  const head = ['model', 'target', 'kernels', 'flash B', 'RAM B', 'arena/LB', 'instructions', 'MAC/instr', 'est ms', 'est µJ', 'vs TFLM+CMSIS', 'exact'];
  const body = rows.map((r) => {
    const ref = TFLM_CMSIS[r.target]?.[r.model];
    return [r.model, r.target, r.family === 'float32' ? 'float32' : r.kernels, fmt(r.flashBytes), fmt(r.ramBytes), `${r.arenaBytes}/${r.arenaLowerBound}`, fmt(r.instructions), fmt(r.macsPerInstruction, 2),
      fmt(r.estMs, 2), fmt(r.estMicrojoules, 0), ref && r.kernels === 'auto' ? `${(ref / r.instructions).toFixed(2)}x fewer` : '', r.mismatches === 0 ? 'yes' : `NO (${r.mismatches})`];
  });
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (c: string[]) => c.map((x, i) => (i < 3 ? x.padEnd(w[i]) : x.padStart(w[i]))).join('  ');
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...body.map(line)].join('\n');
}

const suite: Suite = {
  name: 'device',
  async run({ json, args }: SuiteOptions): Promise<unknown> {
    const dev = opt(args, '--device') ?? 'all';
    const targets = dev === 'all' ? qemuTargets() : dev.split(',').map((d) => getTarget(d).name);
    const models = (opt(args, '--models')?.split(',') ?? GOLDEN_MODELS).filter((m) => GOLDEN_MODELS.some((g) => g.includes(m))).map((m) => GOLDEN_MODELS.find((g) => g.includes(m))!);
    const vectors = Number(opt(args, '--vectors') ?? 4);
    const kmode = opt(args, '--kernels') ?? 'both';
    const kernelsList: ('auto' | 'portable')[] = kmode === 'both' ? ['auto', 'portable'] : [kmode as 'auto' | 'portable'];
    const rows: DeviceResult[] = [];
    const skipped: string[] = [];
    for (const m of models) {
      const g = loadGolden(m);
      if (!g) {
        skipped.push(`${m}: no ../shared golden vectors`);
        continue;
      }
      const n = Math.min(vectors, g.n);
      for (const t of targets)
        for (const k of kernelsList) {
          process.stderr.write(`device: ${m} on ${t} (${k})...\n`);
          try {
            rows.push(await measureOnDevice(g.graph, t, g.inputs.subarray(0, n * g.inBytes), g.outputs.subarray(0, n * g.outBytes), { kernels: k, name: m }));
          } catch (e) {
            skipped.push(`${m} on ${t} (${k}): ${(e as Error).message.split('\n')[0]}`);
          }
        }
      const fg = args.includes('--no-float') ? undefined : loadFloatModel(FLOAT_MODELS[m]);
      if (fg) {
        const fc = floatCase(fg, 1);
        const tol = m.startsWith('kws') ? 0.02 : 1e-4;
        const check = (out: Uint8Array) => {
          const y = new Float32Array(out.slice().buffer);
          let bad = 0;
          for (let i = 0; i < fc.outputs.length; i++) if (!(Math.abs(y[i] - fc.outputs[i]) <= tol)) bad++;
          return bad;
        };
        for (const t of targets) {
          process.stderr.write(`device: ${FLOAT_MODELS[m]} (float baseline) on ${t}...\n`);
          try {
            rows.push(await measureOnDevice(fg, t, new Uint8Array(fc.inputs.buffer), check, { kernels: 'portable', name: FLOAT_MODELS[m] }));
          } catch (e) {
            skipped.push(`${FLOAT_MODELS[m]} on ${t}: ${(e as Error).message.split('\n')[0]}`);
          }
        }
      }
    }
    if (!args.includes('--no-wakeword') && !opt(args, '--models')) {
      try {
        const ww = await wakewordEmbeddingCase(2);
        for (const t of targets) {
          process.stderr.write(`device: oww_embedding_int8 on ${t}...\n`);
          rows.push(await measureOnDevice(ww.graph, t, ww.inputs, ww.outputs, { kernels: 'auto', name: 'oww_embedding_int8' }));
        }
      } catch (e) {
        skipped.push(`oww_embedding_int8: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    const speedups = rows.filter((r) => r.kernels === 'auto' && r.family === 'int8').map((r) => {
      const p = rows.find((x) => x.kernels === 'portable' && x.family === 'int8' && x.model === r.model && x.target === r.target);
      return { model: r.model, target: r.target, optimizedVsPortable: p ? p.instructions / r.instructions : undefined, tflmCmsisInstructions: TFLM_CMSIS[r.target]?.[r.model] };
    });
    const result = {
      time: new Date().toISOString(),
      cpiAssumed: ASSUMED_CPI,
      note: 'instructions: exact guest instruction count per inference from a QEMU TCG plugin (vector 0; min/max over vectors in rows). est ms = instructions x CPI / clock; est µJ = est time x active power from src/targets/devices.json.',
      rows,
      speedups,
      skipped,
    };
    const dir = join(projectRoot(), 'out', 'bench');
    writeFileAtomic(join(dir, `device-${result.time.replace(/[:.]/g, '-')}.json`), JSON.stringify(result, null, 2));
    writeFileAtomic(join(dir, 'device.json'), JSON.stringify(result, null, 2));
    // --record [--db D] [--build-id X]: into the results store, as `bench --import-device` does
    const recorded = args.includes('--record') ? await importDeviceJson(join(dir, 'device.json'), { db: opt(args, '--db'), build: opt(args, '--build-id') }) : undefined;
    if (!json) {
      process.stdout.write(deviceTable(rows) + '\n\n');
      for (const s of speedups) if (s.optimizedVsPortable) process.stdout.write(`${s.model} on ${s.target}: optimized kernels execute ${s.optimizedVsPortable.toFixed(2)}x fewer instructions than portable C\n`);
      process.stdout.write(`(CPI ${ASSUMED_CPI} assumed for ms and µJ; per-layer counts in out/bench/device.json)\n`);
      for (const s of skipped) process.stdout.write(`skipped ${s}\n`);
      if (recorded) process.stdout.write(`recorded ${recorded.recorded.length} runs in the results store\n`);
    }
    return { ...result, recorded: recorded?.recorded };
  },
};

export default suite;
