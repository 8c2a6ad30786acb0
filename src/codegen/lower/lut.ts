/**
 * Elementwise int8 → int8 ops whose output depends on one input byte (LOGISTIC, TANH,
 * HARD_SWISH, LEAKY_RELU, RELU*, int8→int8 QUANTIZE, MAXIMUM/MINIMUM against a scalar constant)
 * → a 256-byte table and one load per element. The table is filled by running the integer
 * runtime's own kernel (TFLM's fixed-point arithmetic) on all 256 inputs at compile time, so the
 * C output equals the runtime's by construction; TFLite's optimized int8 LOGISTIC/TANH do the
 * same. `fuseTables` also composes chains of such ops (e.g. LEAKY_RELU → MAXIMUM(x, c) after
 * every convolution of openWakeWord's embedding model) into one table: one pass instead of two.
 */
import { fail } from '../../ir/errors.js';
import { numel } from '../../ir/shape.js';
import { Graph, Node, Tensor } from '../../ir/types.js';
import { Session } from '../../runtime/session.js';
import { cArray, cStruct } from '../carray.js';
import { expectDtype, input } from './q.js';
import { LowerCtx, Step } from './types.js';

/** Ops always lowered through a table (they have no other int8 C kernel). */
export const LUT_OPS = ['LOGISTIC', 'TANH', 'HARD_SWISH'] as const;
/** Ops that join a table chain (they keep their own kernel when alone). */
const CHAIN_OPS = new Set<string>([...LUT_OPS, 'LEAKY_RELU', 'RELU', 'RELU6', 'RELU_N1_TO_1', 'QUANTIZE', 'MAXIMUM', 'MINIMUM']);
export const TABLE_OP = 'EF_TABLE';

/** The node's one non-constant input when it is a byte → byte function, else undefined. */
function tableInput(g: Graph, n: Node): string | undefined {
  if (!CHAIN_OPS.has(n.op) || n.outputs.length !== 1) return undefined;
  const y = g.tensors.get(n.outputs[0]);
  const vars = n.inputs.filter((i) => i && !g.tensors.get(i)?.data);
  if (vars.length !== 1 || !y || y.dtype !== 'int8') return undefined;
  const x = g.tensors.get(vars[0])!;
  if (x.dtype !== 'int8' || numel(x.shape) !== numel(y.shape)) return undefined;
  // constants (MAXIMUM/MINIMUM's bound) must be one value, broadcast to every element
  if (n.inputs.some((i) => i && i !== vars[0] && numel(g.tensors.get(i)!.shape) !== 1)) return undefined;
  return vars[0];
}

/** out[i + 128] for every int8 input i, from the integer runtime's kernel for `n`. */
export function unaryTable(g: Graph, n: Node, xName: string): Int8Array {
  const x = g.tensors.get(xName)!, y = g.tensors.get(n.outputs[0])!;
  const tensors = new Map<string, Tensor>([['x', { name: 'x', dtype: 'int8', shape: [256], quant: x.quant }], ['y', { name: 'y', dtype: 'int8', shape: [256], quant: y.quant }]]);
  for (const i of n.inputs) if (i && i !== xName) tensors.set(i, g.tensors.get(i)!);
  const tg: Graph = {
    name: `${n.name}_table`, tensors, nodes: [{ ...n, inputs: n.inputs.map((i) => (i === xName ? 'x' : i)), outputs: ['y'] }],
    inputs: ['x'], outputs: ['y'], source: { format: 'ir' }, meta: g.meta,
  };
  try {
    const out = new Session(tg, { arena: false }).run({ x: Int8Array.from({ length: 256 }, (_, i) => i - 128) }).y as Int8Array;
    return Int8Array.from(out);
  } catch (e) {
    return fail('unsupported-op', `no int8 kernel to tabulate ${n.op}: ${(e as Error).message.split('\n')[0]}`, { node: n.name });
  }
}

/** Ops that become a table even alone: cheaper than their arithmetic on every core. MAXIMUM and
 * MINIMUM against a constant stay vector clamps unless they extend a chain. */
const ALONE = new Set<string>([...LUT_OPS, 'LEAKY_RELU', 'RELU', 'RELU6', 'RELU_N1_TO_1', 'QUANTIZE']);

/**
 * Chains of byte → byte ops whose intermediate results nothing else reads become one EF_TABLE
 * node (attrs.table: 256 outputs, attrs.ops: the ops it replaces). Other nodes are left alone.
 */
export function fuseTables(g: Graph): Graph {
  const consumers = new Map<string, number>();
  for (const n of g.nodes) for (const i of n.inputs) if (i) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  const out: Node[] = [];
  // the chain that ends at a tensor: where its first node sits in `out`, its input, its table
  // (tabulated only when needed: a lone MAXIMUM(x, c) keeps its vector kernel), its ops
  const chains = new Map<string, { at: number; input: string; table: () => Int8Array; ops: string[] }>();
  const tableNode = (name: string, input: string, outputs: string[], table: Int8Array, ops: string[]): Node =>
    ({ name, op: TABLE_OP, domain: 'edgeforge', inputs: [input], outputs, attrs: { table: Array.from(table), ops } });
  let changed = false;
  for (const n of g.nodes) {
    const x = tableInput(g, n);
    if (!x) { out.push(n); continue; }
    const prev = chains.get(x);
    if (prev && consumers.get(x) === 1 && !g.outputs.includes(x)) {
      const t = unaryTable(g, n, x);
      const table = Int8Array.from(prev.table(), (v) => t[v + 128]);
      const ops = [...prev.ops, n.op];
      out[prev.at] = tableNode(`${out[prev.at].name}+${n.op}`, prev.input, [...n.outputs], table, ops);
      chains.delete(x);
      chains.set(n.outputs[0], { at: prev.at, input: prev.input, table: () => table, ops });
      changed = true;
      continue;
    }
    let memo: Int8Array | undefined;
    const table = () => (memo ??= unaryTable(g, n, x));
    const alone = ALONE.has(n.op);
    out.push(alone ? tableNode(n.name, x, [...n.outputs], table(), [n.op]) : n);
    changed ||= alone;
    chains.set(n.outputs[0], { at: out.length - 1, input: x, table, ops: [n.op] });
  }
  return changed ? { ...g, nodes: out } : g;
}

export function lowerTable(ctx: LowerCtx): Step {
  const x = input(ctx, 0, 'input');
  const y = ctx.outputs[0];
  expectDtype(ctx, x, ['int8'], 'input');
  expectDtype(ctx, y, ['int8'], 'output');
  if (numel(x.shape) !== numel(y.shape)) fail('bad-shape', `${ctx.node.op} output [${y.shape}] differs from input [${x.shape}]`, { node: ctx.node.name });
  const table = ctx.node.attrs.table ? Int8Array.from(ctx.node.attrs.table as number[]) : unaryTable(ctx.graph, ctx.node, ctx.node.inputs[0]);
  const s = ctx.sym;
  return {
    node: ctx.node.name, op: ((ctx.node.attrs.ops as string[] | undefined) ?? [ctx.node.op]).join('+'), variant: 'portable',
    files: ['ef_common.h', 'misc_s8.h', 'lut_s8.c'],
    decls: cArray(`${s}_t`, table) + cStruct('ef_lut_s8_params', `${s}_p`, [['size', numel(x.shape)], ['table', `${s}_t`]]),
    call: (io) => `ef_lut_s8(&${s}_p, ${io.inputs[0]}, ${io.outputs[0]});`,
    scratchBytes: 0, macs: 0, constBytes: 256, reads: [ctx.node.inputs[0]],
  };
}
