/**
 * Lowering contract: one TFLite node becomes one `Step`, i.e. the C declarations it needs
 * (packed weights, multipliers, a const parameter struct) and one kernel call. The prepare
 * work TFLM does at init (multipliers, shifts, clamps, padding) happens here, at compile time.
 */
import { Graph, Node, Tensor } from '../../ir/types.js';

/** Which kernel family the emitter selects for an op. */
export type Variant = 'portable' | 'dsp' | 'mve' | 'rv32';

export interface LowerCtx {
  graph: Graph;
  node: Node;
  /** Variant wanted for this node (the lowerer falls back to portable if it has none). */
  variant: Variant;
  /** C symbol prefix unique to this node (e.g. `L3`). */
  sym: string;
  inputs: (Tensor | undefined)[];
  outputs: Tensor[];
  /** compile --sparse: store pruned CONV_2D / FULLY_CONNECTED weights sparsely when it saves flash. */
  sparse?: boolean;
}

/** C expressions for the step's operands, filled in by the emitter after memory planning. */
export interface StepIO {
  inputs: string[];
  outputs: string[];
  scratch: string;
}

export interface Step {
  node: string;
  op: string;
  /** Variant actually used. */
  variant: Variant;
  /** Kernel sources (under src/codegen/kernels) this step needs, .c and .h. */
  files: string[];
  /** C declarations at file scope (const arrays and the parameter struct). */
  decls: string;
  call(io: StepIO): string;
  /** Bytes of scratch in the arena, live during this step only. */
  scratchBytes: number;
  macs: number;
  /** Bytes of constant data (flash) this step adds. */
  constBytes: number;
  /** Non-constant inputs the call reads (tensor names, '' skipped); defaults to node.inputs. */
  reads?: string[];
  /** True when the step is a pure reinterpretation the planner aliased (no code emitted). */
  elided?: boolean;
}

export type Lowerer = (ctx: LowerCtx) => Step;
