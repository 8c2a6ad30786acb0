/**
 * IF (TFLite control flow, e.g. openWakeWord's verifier that runs only when the first score
 * passes a threshold) → `if (cond[0]) { then branch } else { else branch }`. Each branch is
 * lowered and planned as a graph of its own (the emitter passes `branch`); its arena is this
 * step's scratch, sized for the larger branch, so the model's arena grows only by that.
 */
import { fail } from '../../ir/errors.js';
import { Graph } from '../../ir/types.js';
import { MemoryPlan } from '../../runtime/planner.js';
import { LowerCtx, Step } from './types.js';

export interface BranchSchedule {
  steps: Step[];
  plan: MemoryPlan;
  body(io: { inputs: string[]; outputs: string[]; base: string; hooks: boolean }): string[];
}

export function lowerIf(ctx: LowerCtx, branch: (g: Graph, tag: string) => BranchSchedule): Step {
  const at = { node: ctx.node.name };
  const cond = ctx.inputs[0];
  if (!cond || (cond.dtype !== 'bool' && cond.dtype !== 'int8')) fail('bad-dtype', `IF condition must be a bool tensor, got ${cond?.dtype ?? 'nothing'}`, at);
  const graphs = (['thenSubgraph', 'elseSubgraph'] as const).map((k) => {
    const b = (ctx.node.attrs[k] as { graph?: Graph } | undefined)?.graph;
    if (!b) return fail('unsupported-op', `IF without a ${k}`, at);
    if (b.inputs.length !== ctx.node.inputs.length - 1 || b.outputs.length !== ctx.node.outputs.length)
      fail('bad-shape', `IF ${k} takes ${b.inputs.length} inputs and gives ${b.outputs.length} outputs; the node has ${ctx.node.inputs.length - 1} and ${ctx.node.outputs.length}`, at);
    return b;
  });
  const [then, els] = [branch(graphs[0], 't'), branch(graphs[1], 'e')];
  const all = [...then.steps, ...els.steps];
  return {
    node: ctx.node.name, op: 'IF', variant: 'portable',
    files: ['ef_common.h', 'misc_s8.h', 'copy.c'], decls: '',
    call: (io) => {
      const sub = (s: BranchSchedule) => s.body({ inputs: io.inputs.slice(1), outputs: io.outputs, base: `((int8_t *)${io.scratch})`, hooks: false });
      return [`if (((const int8_t *)${io.inputs[0]})[0]) {`, ...sub(then), '} else {', ...sub(els), '}'].join('\n');
    },
    scratchBytes: Math.max(then.plan.arenaBytes, els.plan.arenaBytes, 1),
    macs: Math.max(then.steps.reduce((s, x) => s + x.macs, 0), els.steps.reduce((s, x) => s + x.macs, 0)),
    constBytes: all.reduce((s, x) => s + x.constBytes, 0),
  };
}
