/**
 * Cross-build the generated C into bare-metal test firmware and run it on QEMU with
 * semihosting and the instruction-counting plugin.
 *
 * Machines (memory maps checked on Debian 12's QEMU 7.2):
 *   cortex-m4  mps2-an386  code 0x00000000, data 0x20000000
 *   cortex-m7  mps2-an500  code 0x00000000, data 0x20000000
 *   cortex-m33 mps2-an505  Secure state: code 0x10000000 (SSRAM1, Secure alias), data 0x38000000
 *                          (SSRAM2, Secure alias)
 *   cortex-m55 mps3-an547  code 0x10000000 (ITCM, Secure alias), constants 0x11000000 (2 MB
 *                          SRAM, Secure alias: the ITCM cannot hold the float baselines),
 *                          data 0x30000000 (DTCM)
 *   rv32imac   virt -bios none, everything in RAM at 0x80000000 (sifive_e's 16 KB RAM is
 *              too small for the MLPerf Tiny arenas)
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fail } from '../ir/errors.js';
import { Target } from '../targets/index.js';
import { cacheDir } from '../util/paths.js';
import { CompiledModel } from './emit.js';
import { bytesIn, bytesOut, mcuMain } from './harness/main.js';
import { codegenDir } from './sources.js';
import { writeProject } from './write.js';

const run = promisify(execFile);

interface Machine {
  qemu: string;
  args: string[];
  arch: 'arm' | 'rv32';
  code?: [string, string];
  data?: [string, string];
  /** A separate region for constants (weights) when the code region is small. */
  rodata?: [string, string];
}

const MACHINES: Record<string, Machine> = {
  'cortex-m4': { qemu: 'qemu-system-arm', args: ['-M', 'mps2-an386'], arch: 'arm', code: ['0x00000000', '4M'], data: ['0x20000000', '4M'] },
  'cortex-m7': { qemu: 'qemu-system-arm', args: ['-M', 'mps2-an500'], arch: 'arm', code: ['0x00000000', '4M'], data: ['0x20000000', '4M'] },
  'cortex-m33': { qemu: 'qemu-system-arm', args: ['-M', 'mps2-an505'], arch: 'arm', code: ['0x10000000', '4M'], data: ['0x38000000', '2M'] },
  'cortex-m55': { qemu: 'qemu-system-arm', args: ['-M', 'mps3-an547'], arch: 'arm', code: ['0x10000000', '512K'], data: ['0x30000000', '512K'], rodata: ['0x11000000', '2M'] },
  rv32imac: { qemu: 'qemu-system-riscv32', args: ['-M', 'virt', '-bios', 'none'], arch: 'rv32' },
};

const PACKAGES: Record<string, string> = {
  'arm-none-eabi-gcc': 'gcc-arm-none-eabi libnewlib-arm-none-eabi',
  'riscv64-unknown-elf-gcc': 'gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf',
  'qemu-system-arm': 'qemu-system-arm',
  'qemu-system-riscv32': 'qemu-system-misc',
  gcc: 'gcc',
};

const STACK_BYTES = 8192;

export function qemuTargets(): string[] {
  return Object.keys(MACHINES);
}

export function machineFor(t: Target): Machine {
  const m = MACHINES[t.name];
  if (!m) fail('target', `no QEMU machine for target '${t.name}' (have: ${Object.keys(MACHINES).join(', ')})`);
  return m;
}

/** Is a tool on PATH? */
export function haveTool(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

export function requireTool(tool: string): void {
  if (!haveTool(tool)) fail('toolchain', `${tool} not found; install Debian package ${PACKAGES[tool] ?? tool} (scripts/setup-system.sh does)`);
}

/** Build the counting plugin once per cache (gcc, no QEMU headers needed). */
export function buildPlugin(): string {
  const src = codegenDir('firmware', 'icount_plugin.c');
  const dir = join(cacheDir(), 'qemu-plugin');
  const so = join(dir, 'libicount.so');
  if (existsSync(so) && statSync(so).mtimeMs >= statSync(src).mtimeMs) return so;
  requireTool('gcc');
  mkdirSync(dir, { recursive: true });
  const tmp = `${so}.${process.pid}.tmp`;
  execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-Wall', '-Wextra', '-Werror', '-o', tmp, src], { stdio: 'pipe' });
  execFileSync('mv', [tmp, so]);
  return so;
}

export interface Firmware {
  dir: string;
  elf: string;
  target: Target;
  /** Sizes of the model's own objects (model.c + kernels), Berkeley: text includes rodata. */
  model: { text: number; data: number; bss: number };
  markAddr: string;
  layerAddr: string;
  vectors: number;
}

function sym(nm: string, name: string): string {
  const m = nm.match(new RegExp(`^([0-9a-f]+) \\w ${name}$`, 'm'));
  if (!m) fail('internal', `symbol ${name} missing from firmware`);
  return `0x${m[1]}`;
}

/** Cross-compile model + kernels + test main with `inputs` compiled in. */
export function buildFirmware(c: CompiledModel, inputs: Uint8Array, opts: { dir?: string; layerHooks?: boolean; opt?: string } = {}): Firmware {
  const t = c.target;
  const m = machineFor(t);
  const cc = t.cc.compiler;
  requireTool(cc);
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), `ef-${t.name}-`));
  writeProject(c, dir);
  writeFileSync(join(dir, 'test_main.c'), mcuMain(c, inputs));
  const fw = codegenDir('firmware');
  const ld = join(dir, 'link.ld');
  const tmpl = readFileSync(join(fw, m.arch === 'arm' ? 'link_cm.ld.in' : 'link_rv32.ld.in'), 'utf8');
  writeFileSync(ld, tmpl.replace('@CODE_ORIGIN@', m.code?.[0] ?? '').replace('@CODE_LENGTH@', m.code?.[1] ?? '')
    .replace('@CONST_ORIGIN@', m.rodata?.[0] ?? m.code?.[0] ?? '').replace('@CONST_LENGTH@', m.rodata?.[1] ?? '0')
    .replace('@CONST_REGION@', m.rodata ? 'CONST' : 'CODE').replace('@DATA_ORIGIN@', m.data?.[0] ?? '').replace('@DATA_LENGTH@', m.data?.[1] ?? '').replace('@STACK@', String(STACK_BYTES)));
  const archFlags = m.arch === 'rv32' ? [...t.cc.flags, '-mcmodel=medany'] : t.cc.flags;
  const cflags = [...archFlags, opts.opt ?? '-O2', '-std=c99', '-Wall', '-Wextra', '-Werror', '-ffunction-sections', '-fdata-sections', '-ffreestanding', '-fno-builtin', '-I', dir, '-I', fw];
  const hookFlags = opts.layerHooks === false ? [] : ['-DEF_LAYER_HOOK(i)=ef_layer(i)', '-include', join(fw, 'ef_firmware.h')];
  const modelSrcs = [...c.files.keys()].filter((f) => f.endsWith('.c'));
  const objs: string[] = [];
  const compile = (src: string, obj: string, extra: string[] = []) => {
    try {
      execFileSync(cc, [...cflags, ...extra, '-c', src, '-o', obj], { stdio: 'pipe' });
    } catch (e) {
      fail('toolchain', `${cc} failed on ${src}: ${String((e as { stderr?: Buffer }).stderr ?? e).slice(0, 2000)}`);
    }
    objs.push(obj);
  };
  for (const s of modelSrcs) compile(join(dir, s), join(dir, s.replace(/\.c$/, '.o')), hookFlags);
  const modelObjs = [...objs];
  compile(join(dir, 'test_main.c'), join(dir, 'test_main.o'));
  compile(join(fw, 'ef_firmware.c'), join(dir, 'ef_firmware.o'));
  compile(join(fw, m.arch === 'arm' ? 'startup_cm.c' : 'startup_rv32.S'), join(dir, 'startup.o'));
  const libgcc = execFileSync(cc, [...(m.arch === 'rv32' ? ['-march=rv32imac', '-mabi=ilp32'] : archFlags), '-print-libgcc-file-name'], { encoding: 'utf8' }).trim();
  const elf = join(dir, 'firmware.elf');
  try {
    execFileSync(cc, [...archFlags, '-nostdlib', '-nostartfiles', '-T', ld, '-Wl,--gc-sections', '-o', elf, ...objs, libgcc], { stdio: 'pipe' });
  } catch (e) {
    fail('toolchain', `link failed: ${String((e as { stderr?: Buffer }).stderr ?? e).slice(0, 2000)}`);
  }
  const prefix = cc.replace(/gcc$/, '');
  const size = execFileSync(`${prefix}size`, ['-t', ...modelObjs], { encoding: 'utf8' }).trim().split('\n').pop()!.trim().split(/\s+/).map(Number);
  const nm = execFileSync(`${prefix}nm`, [elf], { encoding: 'utf8' });
  return {
    dir, elf, target: t,
    model: { text: size[0], data: size[1], bss: size[2] },
    markAddr: sym(nm, 'ef_mark'), layerAddr: sym(nm, 'ef_layer'),
    vectors: Math.floor(inputs.length / bytesIn(c)),
  };
}

export interface QemuRun {
  outputs: Uint8Array;
  /** Instructions per invoke, one per vector (from the plugin's markers). */
  instructions: number[];
  /** Instructions per layer for each vector (layer hooks on). */
  layers: number[][];
  stackBytes: number;
  totalInstructions: number;
}

/** Run firmware on QEMU; outputs are decoded from the semihosting log. */
export async function runFirmware(f: Firmware, c: CompiledModel, opts: { timeoutMs?: number } = {}): Promise<QemuRun> {
  const m = machineFor(f.target);
  requireTool(m.qemu);
  const plugin = buildPlugin();
  const log = join(f.dir, 'icount.txt');
  const args = [...m.args, '-nographic', '-monitor', 'none', '-serial', 'none', '-semihosting-config', 'enable=on,target=native',
    '-plugin', `${plugin},out=${log},mark=${f.markAddr},layer=${f.layerAddr}`, '-kernel', f.elf];
  let stdout = '';
  try {
    // QEMU writes semihosting console output to stderr.
    const r = await run(m.qemu, args, { timeout: opts.timeoutMs ?? 600_000, maxBuffer: 64 << 20 });
    stdout = r.stdout + r.stderr;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; killed?: boolean };
    fail('toolchain', `${m.qemu} ${m.args.join(' ')} failed${err.killed ? ' (timeout)' : ''}: ${(err.stderr ?? '').slice(0, 500)} ${(err.stdout ?? '').slice(-500)}`);
  }
  if (!stdout.includes('EF-END')) fail('toolchain', `firmware did not finish on ${f.target.name}: ${stdout.slice(-500)}`);
  const outs: number[] = [];
  let stack = 0;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('OUT ')) for (let i = 4; i + 1 < line.length; i += 2) outs.push(parseInt(line.slice(i, i + 2), 16));
    if (line.startsWith('STACK ')) stack = Math.max(stack, Number(line.slice(6)));
  }
  if (outs.length !== f.vectors * bytesOut(c)) fail('internal', `expected ${f.vectors * bytesOut(c)} output bytes from QEMU, got ${outs.length}`);
  const recs = readFileSync(log, 'utf8').trim().split('\n').map((l) => [l[0], Number(l.slice(2))] as const);
  const instructions: number[] = [];
  const layers: number[][] = [];
  let start = -1, cur: number[] = [], lastL = -1;
  for (const [k, v] of recs) {
    if (k === 'M' && start < 0) {
      start = v;
      cur = [];
      lastL = -1;
    } else if (k === 'M') {
      instructions.push(v - start);
      layers.push(cur);
      start = -1;
    } else if (k === 'L') {
      if (lastL >= 0) cur.push(v - lastL);
      lastL = v;
    }
  }
  const total = recs.find(([k]) => k === 'T')?.[1] ?? 0;
  return { outputs: Uint8Array.from(outs, (b) => b & 0xff), instructions, layers, stackBytes: stack, totalInstructions: total };
}

/** Compile every generated source with the target's compiler and flags (-Wall -Wextra -Werror), no link. */
export function checkCross(c: CompiledModel): void {
  const t = c.target;
  requireTool(t.cc.compiler);
  const dir = mkdtempSync(join(tmpdir(), `ef-check-${t.name}-`));
  writeProject(c, dir);
  for (const f of [...c.files.keys()].filter((x) => x.endsWith('.c'))) {
    try {
      execFileSync(t.cc.compiler, [...t.cc.flags, '-O2', '-std=c99', '-Wall', '-Wextra', '-Werror', '-ffreestanding', '-fno-builtin', '-I', dir, '-c', join(dir, f), '-o', join(dir, f.replace(/\.c$/, '.o'))], { stdio: 'pipe' });
    } catch (e) {
      fail('toolchain', `${t.cc.compiler} failed on ${f}: ${String((e as { stderr?: Buffer }).stderr ?? e).slice(0, 2000)}`);
    }
  }
}
