import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, emit, parseCommand, str } from '../command.js';
import { fail } from '../../ir/errors.js';
import { loadModel } from '../../model.js';
import { compileGraph } from '../../codegen/emit.js';
import { writeProject } from '../../codegen/write.js';
import { frontEnd } from '../../codegen/frontend.js';
import '../../codegen/dsp/index.js'; // registers the --dsp front ends
import { buildHost } from '../../codegen/host.js';
import { checkCross } from '../../codegen/mcu.js';

const HELP = `usage: edgeforge compile <model.tflite> --target <device> --out <dir> [options]

The model is int8 (int16 16x8 layers, float-fallback nodes and IF branches allowed, as the
quantizer writes them) or float32 (the float baseline).

Writes a self-contained C99 library: <name>.h (init + invoke on caller-owned buffers, shapes
and quantization as constants), <name>.c (weights as const arrays, one static arena placed by
the memory planner, the schedule unrolled into kernel calls), only the kernels the model
uses in the variant the target selects (Arm DSP, Helium/MVE, RV32 or portable C), a
Makefile, a CMake snippet and a README.

options:
  --target <name>       device profile (edgeforge targets); default host
  --out <dir>           output folder (created)
  --name <ident>        C prefix of the API and file names (default model)
  --kernels <k>         auto (per target, default) or portable (reference C everywhere)
  --force               emit even when the model exceeds the target's flash or RAM
  --sparse              store pruned conv/FC weights as bitmask + nonzeros where that saves >= 1/4
                        of their flash (portable kernels: less flash, more instructions)
  --check               also compile the result with the target's compiler, -Wall -Wextra -Werror
                        (host: gcc, linked with a test main)
  --dsp <front end>     emit a signal front end with the model: kws-mfcc, kws-mfcc-fx (fixed point,
                        for cores without an FPU), kws-logmel, vibration-spectrum

Placement: build model.c with -DEF_WEIGHTS_ATTR=... / -DEF_ARENA_ATTR=... (e.g. a section
attribute) to put the weights or the arena in a given memory.
  --json                machine-readable summary`;

const compile: Command = {
  name: 'compile',
  async run(argv) {
    const p = parseCommand(
      argv,
      {
        target: { type: 'string' },
        out: { type: 'string', short: 'o' },
        name: { type: 'string' },
        kernels: { type: 'string' },
        force: { type: 'boolean' },
        sparse: { type: 'boolean' },
        check: { type: 'boolean' },
        dsp: { type: 'string' },
      },
      HELP,
    );
    if (!p) return 0;
    const file = p.positionals[0];
    if (!file || p.positionals.length > 1) fail('bad-args', 'compile takes exactly one model file (see --help)');
    const out = str(p.values, 'out');
    if (!out) fail('bad-args', 'compile needs --out <dir>');
    if (!existsSync(file)) fail('bad-file', 'no such file', { file });
    const kernels = str(p.values, 'kernels') ?? 'auto';
    if (kernels !== 'auto' && kernels !== 'portable') fail('bad-args', `--kernels must be auto or portable, got '${kernels}'`);
    const dspName = str(p.values, 'dsp');
    // Front ends register themselves when their module loads (codegen/dsp, validation issue).
    if (dspName) await import('../../codegen/dsp/index.js').catch(() => undefined);
    const graph = await loadModel(file);
    const c = compileGraph(graph, {
      target: str(p.values, 'target') ?? 'host',
      name: str(p.values, 'name'),
      kernels,
      force: p.values.force === true,
      sparse: p.values.sparse === true,
      dsp: dspName ? frontEnd(dspName) : undefined,
    });
    const dir = resolve(out);
    const files = writeProject(c, dir);
    if (p.values.check) {
      if (c.target.name === 'host') buildHost(c);
      else checkCross(c);
    }
    const summary = {
      out: dir,
      target: c.target.name,
      files,
      layers: c.steps.length,
      kernels: c.variants,
      macs: c.macs,
      arenaBytes: c.plan.arenaBytes,
      arenaLowerBound: c.plan.lowerBound,
      constBytes: c.constBytes,
      inputs: c.inputs,
      outputs: c.outputs,
      checked: p.values.check === true,
    };
    emit(p.values.json === true, summary, () =>
      [
        `wrote ${files.length} files to ${dir} for ${c.target.name}`,
        `  ${c.steps.length} layers, ${c.macs.toLocaleString('en-US')} MACs; kernels ${Object.entries(c.variants).map(([k, v]) => `${v} ${k}`).join(', ')}`,
        `  arena ${c.plan.arenaBytes} B (lower bound ${c.plan.lowerBound} B), const data ${c.constBytes} B`,
        `  API: ${c.name}_init(), ${c.name}_invoke(${[...c.inputs.map((_, i) => `input${i}`), ...c.outputs.map((_, i) => `output${i}`)].join(', ')})`,
        p.values.check ? `  ${c.target.cc.compiler} -Wall -Wextra -Werror: ok` : '',
      ].filter(Boolean).join('\n'),
    );
    return 0;
  },
};

export default compile;
