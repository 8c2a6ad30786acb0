/**
 * A minimal sequential runner for a whole graph: prepares every node with the float kernels (or
 * the integer ones where it touches quantized tensors, as in a quantized IF branch), allocates
 * one buffer per tensor and evaluates in order. Control-flow kernels (IF)
 * use it for their branch subgraphs; it is not the model executor (no memory planning).
 */
import { OutputSpec } from '../kernel.js';
import { floatKernel, intKernel } from '../registry.js';
import { DType, Graph, Tensor, TypedArray } from '../../ir/types.js';
import { fail } from '../../ir/errors.js';
import { allocTyped, isQuantizedInt } from '../../ir/dtype.js';
import { topoSort } from '../../ir/graph.js';

export interface PreparedGraph {
  /** Every tensor with its inferred shape and dtype (constants keep their data). */
  tensors: Map<string, Tensor>;
  inputs: Tensor[];
  outputs: OutputSpec[];
  macs: number;
  run(inputs: TypedArray[]): TypedArray[];
}

/** Prepare `g`; `inputs` overrides the declared shape/dtype of graph inputs (in order). */
export function prepareFloatGraph(g: Graph, inputs: ({ shape: number[]; dtype?: DType } | undefined)[] = []): PreparedGraph {
  const desc = new Map<string, Tensor>();
  for (const [k, t] of g.tensors) desc.set(k, t);
  g.inputs.forEach((name, i) => {
    const t = desc.get(name) ?? fail('bad-file', `graph input '${name}' has no tensor`, { file: g.source.file });
    const o = inputs[i];
    if (o) desc.set(name, { ...t, shape: [...o.shape], dtype: o.dtype ?? t.dtype, data: undefined });
  });
  const bufs = new Map<string, TypedArray>();
  const numel = (s: number[]): number => s.reduce((p, d) => p * d, 1);
  for (const name of g.inputs) {
    const t = desc.get(name)!;
    bufs.set(name, allocTyped(t.dtype, numel(t.shape)));
  }
  const steps: { eval: (i: (TypedArray | undefined)[], o: TypedArray[]) => void; ins: string[]; outs: string[] }[] = [];
  let macs = 0;
  // the executor's family rule: integer kernels for nodes touching quantized integer activations
  // (a branch the quantizer quantized), float kernels otherwise
  const quantized = (t: Tensor | undefined) => !!t && !t.data && isQuantizedInt(t.dtype) && !!t.quant;
  for (const node of topoSort(g)) {
    const ins = node.inputs.map((n) => (n ? desc.get(n) : undefined));
    const outs = node.outputs.map((n) => desc.get(n) ?? { name: n, dtype: 'float32' as DType, shape: [] });
    const int = ins.some(quantized) || outs.some(quantized);
    const k = (int && intKernel(node.op)) || floatKernel(node.op); // float kernels also handle QUANTIZE/DEQUANTIZE
    if (!k) fail('unsupported-op', `no ${int ? 'integer' : 'float'} kernel for ${node.op}`, { file: g.source.file, node: node.name });
    const p = k.prepare({ graph: g, node, inputs: ins, outputs: outs });
    macs += p.macs ?? 0;
    node.outputs.forEach((n, i) => {
      const spec = p.outputs[i];
      const t: Tensor = { ...outs[i], shape: spec.shape, dtype: spec.dtype, quant: spec.quant ?? outs[i].quant, data: undefined };
      desc.set(n, t);
      bufs.set(n, allocTyped(t.dtype, numel(t.shape)));
    });
    steps.push({ eval: p.eval, ins: node.inputs, outs: node.outputs });
  }
  const get = (n: string): TypedArray | undefined => (n ? bufs.get(n) ?? desc.get(n)?.data : undefined);
  return {
    tensors: desc,
    inputs: g.inputs.map((n) => desc.get(n)!),
    outputs: g.outputs.map((n) => {
      const t = desc.get(n)!;
      return { shape: t.shape, dtype: t.dtype, quant: t.quant };
    }),
    macs,
    run(values) {
      g.inputs.forEach((n, i) => {
        const dst = bufs.get(n)!;
        if (!values[i] || values[i].length !== dst.length) fail('bad-data', `input '${n}' needs ${dst.length} values, got ${values[i]?.length}`, { file: g.source.file });
        (dst as Float32Array).set(values[i] as Float32Array);
      });
      for (const s of steps) s.eval(s.ins.map(get), s.outs.map((n) => bufs.get(n)!));
      return g.outputs.map((n) => get(n)!);
    },
  };
}
