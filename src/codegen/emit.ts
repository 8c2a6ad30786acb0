/**
 * The C emitter: an int8 TFLite-family graph → a self-contained C99 library.
 *
 *   model.h   two-call API (init, invoke on caller-owned buffers), shapes and quantization
 *             as constants
 *   model.c   packed weights as const arrays (flash), one static arena placed by the memory
 *             planner, the schedule unrolled into kernel calls; no malloc, stdio or float
 *   ef_*.c/h  only the kernels the model uses, in the variant the target selects
 *   Makefile, model.cmake, README.md
 */
import { Graph, Node, Tensor } from '../ir/types.js';
import { fail } from '../ir/errors.js';
import { getTensor, isConstant, tensorBytes, topoSort } from '../ir/graph.js';
import { planMemory, MemoryPlan } from '../runtime/planner.js';
import { getTarget, Target } from '../targets/index.js';
import { cArray, cIdent } from './carray.js';
import { INT8_LOWERERS } from './lower/index.js';
import { FLOAT_LOWERERS } from './lower/float.js';
import { Step, Variant } from './lower/types.js';
import { kernelExists, readKernel } from './sources.js';
import { variantFor } from './select.js';
import { buildFiles, readmeFile } from './project.js';

export interface CompileOptions {
  /** Device profile name (default 'host'). */
  target?: string | Target;
  /** 'portable' forces the reference kernels everywhere (for comparisons). */
  kernels?: 'auto' | 'portable';
  /** C identifier prefix of the API and the file names (default 'model'). */
  name?: string;
  /** Emit even when the model does not fit the target's flash or RAM. */
  force?: boolean;
  /** Hook for a front end (FFT/MFCC) emitted before the model; filled by the validation issue. */
  dsp?: { name: string; sources: Map<string, string>; call: string };
}

export interface TensorInfo {
  name: string;
  dtype: string;
  shape: number[];
  bytes: number;
  scale?: number;
  zeroPoint?: number;
}

export interface CompiledModel {
  name: string;
  target: Target;
  files: Map<string, string>;
  steps: Step[];
  plan: MemoryPlan;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  macs: number;
  /** Bytes of const data (weights, multipliers, params) in model.c. */
  constBytes: number;
  variants: Record<string, number>;
  family: 'int8' | 'float32';
}

const ALIGN = 8;

function info(t: Tensor): TensorInfo {
  return { name: t.name, dtype: t.dtype, shape: [...t.shape], bytes: tensorBytes(t), scale: t.quant?.scale[0], zeroPoint: t.quant?.zeroPoint[0] };
}

export function compileGraph(g: Graph, opts: CompileOptions = {}): CompiledModel {
  const target = typeof opts.target === 'object' ? opts.target : getTarget(opts.target ?? 'host');
  const name = cIdent(opts.name ?? 'model');
  const order = topoSort(g);
  const where = { file: g.source.file };

  // int8 graphs (possibly with QUANTIZE/DEQUANTIZE at float edges) get the integer kernels;
  // graphs whose activations are all float32 get the float baseline kernels.
  const acts = order.flatMap((n) => [...n.inputs, ...n.outputs]).filter((t) => t && !isConstant(g, t)).map((t) => getTensor(g, t).dtype);
  const family = acts.some((d) => d === 'int8') ? 'int8' : 'float32';
  const table = family === 'float32' ? FLOAT_LOWERERS : INT8_LOWERERS;
  const missing = [...new Set(order.map((n) => n.op).filter((op) => !table[op]))];
  if (missing.length)
    fail('unsupported-op', `no ${family} C kernel for ${missing.join(', ')} (supported: ${Object.keys(table).sort().join(', ')}); run those on the host or replace them before compiling`, where);
  for (const i of [...g.inputs, ...g.outputs]) {
    const t = getTensor(g, i);
    if (t.dtype !== 'int8' && t.dtype !== 'float32') fail('bad-dtype', `graph ${g.inputs.includes(i) ? 'input' : 'output'} '${i}' is ${t.dtype}; compile supports int8 and float32 inputs/outputs`, where);
  }
  const ctypeOf = (tensor: string) => (getTensor(g, tensor).dtype === 'float32' ? 'float' : 'int8_t');

  const steps = new Map<string, Step>();
  order.forEach((node: Node, i: number) => {
    const lower = table[node.op];
    const variant: Variant = variantFor(target, node.op, opts.kernels ?? 'auto');
    steps.set(node.name, lower({
      graph: g, node, variant, sym: `L${i}`,
      inputs: node.inputs.map((n) => (n ? getTensor(g, n, { node: node.name }) : undefined)),
      outputs: node.outputs.map((n) => getTensor(g, n, { node: node.name })),
    }));
  });

  const plan = planMemory(g, order, {
    alignment: ALIGN, inputsInArena: false, outputsInArena: false,
    scratchBytes: (n) => steps.get(n.name)?.scratchBytes ?? 0,
  });

  const prefix = name.toUpperCase();
  const api = { init: `${name}_init`, invoke: `${name}_invoke` };
  const ins = g.inputs.map((n) => info(getTensor(g, n)));
  const outs = g.outputs.map((n) => info(getTensor(g, n)));
  const constDecls: string[] = [];
  const constSym = new Map<string, string>();
  const sym = (tensor: string): string => {
    const gi = g.inputs.indexOf(tensor);
    if (gi >= 0) return `input${gi}`;
    const go = g.outputs.indexOf(tensor);
    if (go >= 0) return `output${go}`;
    if (isConstant(g, tensor)) {
      let s = constSym.get(tensor);
      if (!s) {
        s = `C${constSym.size}_${cIdent(tensor).slice(0, 40)}`;
        constSym.set(tensor, s);
        constDecls.push(cArray(s, getTensor(g, tensor).data!, { align: 8 }));
      }
      return s;
    }
    const off = plan.offsets.get(tensor);
    if (off === undefined) fail('internal', `tensor '${tensor}' was not planned`, where);
    return ctypeOf(tensor) === 'float' ? `((float *)(void *)(${name}_arena + ${off}))` : `(${name}_arena + ${off})`;
  };

  const body: string[] = [];
  const decls: string[] = [];
  const files = new Set<string>();
  const variants: Record<string, number> = {};
  order.forEach((node, i) => {
    const st = steps.get(node.name)!;
    st.files.forEach((f) => files.add(f));
    variants[st.variant] = (variants[st.variant] ?? 0) + 1;
    decls.push(`/* ${i}: ${node.op} ${node.name} */\n${st.decls}`);
    const reads = new Set(st.reads ?? node.inputs);
    const io = {
      inputs: node.inputs.map((n) => (n && reads.has(n) ? sym(n) : 'NULL')),
      outputs: node.outputs.map(sym),
      scratch: st.scratchBytes > 0 ? `(void *)(${name}_arena + ${plan.offsets.get(`scratch:${node.name}`)})` : 'NULL',
    };
    body.push(`  EF_LAYER_HOOK(${i});`, `  ${st.call(io)}`);
  });
  body.push(`  EF_LAYER_HOOK(${order.length});`);

  const sig = [...g.inputs.map((t, i) => `const ${ctypeOf(t)} *input${i}`), ...g.outputs.map((t, i) => `${ctypeOf(t)} *output${i}`)].join(', ');
  const headers = [...files].filter((f) => f.endsWith('.h') && f !== 'ef_common.h');
  const arenaBytes = Math.max(plan.arenaBytes, 1);
  const modelH = [
    `/* ${name}.h — generated by edgeforge from ${g.source.file ?? g.name} (sha256 ${g.source.sha256 ?? 'n/a'}).`,
    ` * Target ${target.name}. Call ${api.init}() once, then ${api.invoke}() per inference on`,
    ` * caller-owned buffers. Returns 0 on success. Not reentrant (one static arena). */`,
    `#ifndef ${prefix}_H`, `#define ${prefix}_H`, '#include <stdint.h>', '',
    `#define ${prefix}_ARENA_BYTES ${plan.arenaBytes}`,
    `#define ${prefix}_NUM_INPUTS ${ins.length}`, `#define ${prefix}_NUM_OUTPUTS ${outs.length}`,
    ...[...ins.map((t, i) => ['INPUT' + i, t] as const), ...outs.map((t, i) => ['OUTPUT' + i, t] as const)].flatMap(([k, t]) => [
      `#define ${prefix}_${k}_BYTES ${t.bytes}`,
      `#define ${prefix}_${k}_RANK ${t.shape.length}`,
      `#define ${prefix}_${k}_SHAPE {${t.shape.join(', ')}}`,
      `#define ${prefix}_${k}_SCALE ${t.scale ?? 0}`,
      `#define ${prefix}_${k}_ZERO_POINT ${t.zeroPoint ?? 0}`,
    ]),
    '',
    `int ${api.init}(void);`,
    `int ${api.invoke}(${sig});`,
    '', '#endif', '',
  ].join('\n');
  const modelC = [
    `/* ${name}.c — generated by edgeforge. ${order.length} layers, ${plan.arenaBytes} B arena (lower bound ${plan.lowerBound} B). */`,
    `#include "${name}.h"`, '#include "ef_common.h"', ...headers.map((h) => `#include "${h}"`), '',
    // a one-layer model may read and write only the caller's buffers: no arena then
    ...(body.some((l) => l.includes(`${name}_arena`)) ? [`static int8_t ${name}_arena[${arenaBytes}] __attribute__((aligned(16)));`, ''] : []),
    ...decls, ...constDecls, '',
    `int ${api.init}(void) { return EF_OK; }`, '',
    `int ${api.invoke}(${sig}) {`,
    `  if (${[...ins.map((_, i) => `!input${i}`), ...outs.map((_, i) => `!output${i}`)].join(' || ')}) return EF_ERR_ARG;`,
    ...body, '  return EF_OK;', '}', '',
  ].join('\n');

  const out = new Map<string, string>();
  out.set(`${name}.h`, modelH);
  out.set(`${name}.c`, modelC);
  for (const f of [...withIncludes(files)].sort()) out.set(f, readKernel(f));
  if (opts.dsp) for (const [f, src] of opts.dsp.sources) out.set(f, src);
  const macs = [...steps.values()].reduce((s, x) => s + x.macs, 0);
  const constBytes = [...steps.values()].reduce((s, x) => s + x.constBytes, 0);
  const compiled: CompiledModel = { name, target, files: out, steps: [...steps.values()], plan, inputs: ins, outputs: outs, macs, constBytes, variants, family };
  for (const [f, src] of buildFiles(compiled)) out.set(f, src);
  out.set('README.md', readmeFile(compiled, g));
  checkFit(compiled, opts.force ?? false, g.source.file);
  return compiled;
}

function checkFit(c: CompiledModel, force: boolean, file?: string): void {
  const t = c.target;
  const ram = c.plan.arenaBytes;
  const problems: string[] = [];
  if (t.flashBytes !== null && c.constBytes > t.flashBytes) problems.push(`weights need ${c.constBytes} B of flash, ${t.name} has ${t.flashBytes} B`);
  if (t.sramBytes !== null && ram > t.sramBytes) problems.push(`arena needs ${ram} B of RAM, ${t.name} has ${t.sramBytes} B`);
  if (problems.length && !force) fail('target', `model does not fit: ${problems.join('; ')} (--force emits anyway)`, { file });
}

/** The kernel files plus every kernel header they #include, transitively (so lowerers list only what they call). */
function withIncludes(files: Set<string>): Set<string> {
  const all = new Set(files);
  const todo = [...files];
  while (todo.length) {
    for (const m of readKernel(todo.pop()!).matchAll(/#include "([^"]+)"/g)) {
      if (!all.has(m[1]) && kernelExists(m[1])) {
        all.add(m[1]);
        todo.push(m[1]);
      }
    }
  }
  return all;
}
