/**
 * Quantization inside control flow. quantizeGraph leaves an IF node in float (the integer
 * runtime has no int IF kernel, and its branches are graphs of their own); this quantizes each
 * branch as a model of its own with float inputs and outputs (QUANTIZE at entry, DEQUANTIZE at
 * exit), calibrated on the values the IF's operands take when the float model runs on the
 * calibration samples — whether or not the branch was taken for that sample, so a rarely-taken
 * branch (openWakeWord's verifier, run only above a score threshold) still gets ranges.
 */
import { Graph, Node, TypedArray } from '../ir/types.js';
import { Session } from '../runtime/session.js';
import { Sample } from '../runtime/float-io.js';
import { CalibrationOptions } from './calibration.js';
import { calibrateGraph } from './pipeline.js';
import { quantizeGraph, QuantizeOptions } from './quantize.js';

const BRANCHES = ['thenSubgraph', 'elseSubgraph'] as const;

/** Does the branch hold anything worth quantizing (a node the integer runtime runs)? */
function worthIt(b: Graph): boolean {
  return b.nodes.some((n) => ['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED'].includes(n.op));
}

/**
 * `q` (quantized from `floatG` by quantizeGraph) with the branches of its IF nodes quantized.
 * Nodes are matched by name; IF nodes quantizeGraph changed are left as they are.
 */
export function quantizeBranches(q: Graph, floatG: Graph, samples: Sample[], opts: CalibrationOptions & QuantizeOptions): Graph {
  const ifs = floatG.nodes.filter((n) => n.op === 'IF' && BRANCHES.some((k) => (n.attrs[k] as { graph?: Graph } | undefined)?.graph && worthIt((n.attrs[k] as { graph: Graph }).graph)));
  if (!ifs.length || !samples.length) return q;
  // the IF operands' values (all but the condition) for every calibration sample
  const session = new Session(floatG, { arena: false });
  const operands = new Map<string, Record<string, TypedArray>[]>(ifs.map((n) => [n.name, []]));
  for (const s of samples) {
    session.run(s);
    for (const n of ifs) {
      const vals: Record<string, TypedArray> = {};
      n.inputs.slice(1).forEach((t, i) => {
        const v = session.tensorValue(t);
        if (v) vals[String(i)] = v.slice();
      });
      operands.get(n.name)!.push(vals);
    }
  }
  const replaced = new Map<string, Node>();
  for (const n of ifs) {
    const attrs = { ...n.attrs };
    for (const k of BRANCHES) {
      const b = (n.attrs[k] as { graph?: Graph } | undefined)?.graph;
      if (!b || !worthIt(b)) continue;
      const bs: Sample[] = operands.get(n.name)!.filter((v) => b.inputs.every((_, i) => v[String(i)])).map((v) => Object.fromEntries(b.inputs.map((name, i) => [name, v[String(i)]])));
      if (!bs.length) continue;
      attrs[k] = { graph: quantizeGraph(b, calibrateGraph(b, bs, opts), { ...opts, io: 'float' }) };
    }
    replaced.set(n.name, { ...n, attrs });
  }
  return { ...q, nodes: q.nodes.map((n) => (n.op === 'IF' && replaced.has(n.name) ? { ...n, attrs: replaced.get(n.name)!.attrs } : n)) };
}
