import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeMilliwatts, energyMicrojoules, getTarget, listTargets, opSupport, secondsAtClock } from './index.js';
import { EdgeforgeError } from '../ir/errors.js';

test('the required targets exist with the figures the issue names', () => {
  const names = listTargets().map((t) => t.name);
  for (const n of ['cortex-m4', 'cortex-m7', 'cortex-m33', 'cortex-m55', 'rv32imac', 'esp32-s3', 'host']) assert.ok(names.includes(n), n);
  const m4 = getTarget('cortex-m4');
  assert.deepEqual([m4.clockMHz, m4.sramBytes, m4.flashBytes, m4.isa.dsp, m4.isa.fpu], [168, 192 * 1024, 1024 * 1024, true, 'sp']);
  const m7 = getTarget('cortex-m7');
  assert.deepEqual([m7.clockMHz, m7.sramBytes, m7.flashBytes, m7.isa.fpu], [216, 512 * 1024, 2048 * 1024, 'dp']);
  const rv = getTarget('rv32imac');
  assert.deepEqual([rv.clockMHz, rv.sramBytes, rv.flashBytes, rv.isa.fpu], [108, 32 * 1024, 128 * 1024, null]);
  assert.equal(getTarget('cortex-m55').npu?.name, 'ethos-u55');
  assert.equal(getTarget('cortex-m55').isa.mve, true);
  assert.deepEqual(
    ['cortex-m4', 'cortex-m7', 'cortex-m55', 'rv32imac'].map((n) => getTarget(n).qemu?.machine),
    ['mps2-an386', 'mps2-an500', 'mps3-an547', 'sifive_e'],
  );
});

test('aliases resolve, unknown names fail with the known list', () => {
  assert.equal(getTarget('STM32F4').name, 'cortex-m4');
  assert.equal(getTarget(' m55 ').name, 'cortex-m55');
  assert.throws(() => getTarget('cortex-m99'), (e: unknown) => e instanceof EdgeforgeError && e.kind === 'target' && /unknown target 'cortex-m99'.*known targets: .*cortex-m4/.test(e.message));
});

test('energy model: current x voltage, scaled to the clock; host has none', () => {
  const m4 = getTarget('cortex-m4');
  assert.ok(Math.abs(activeMilliwatts(m4)! - 132) < 1e-9); // 40 mA x 3.3 V
  assert.ok(Math.abs(energyMicrojoules(m4, 0.01)! - 1320) < 1e-6); // 132 mW for 10 ms
  assert.ok(Math.abs(activeMilliwatts(getTarget('cortex-m33'))! - 58.5 * 0.16) < 1e-9);
  assert.equal(energyMicrojoules(getTarget('host'), 1), undefined);
  assert.equal(secondsAtClock(m4, 168e6), 1);
  for (const t of listTargets()) assert.ok(t.energy.source.length > 10, `${t.name} energy figure needs a source note`);
});

test('op support distinguishes optimized, portable and unsupported', () => {
  assert.equal(opSupport(getTarget('cortex-m4'), 'CONV_2D', 'int8'), 'dsp');
  assert.equal(opSupport(getTarget('cortex-m55'), 'CONV_2D', 'int8'), 'mve');
  assert.equal(opSupport(getTarget('rv32imac'), 'CONV_2D', 'int8'), 'portable');
  assert.equal(opSupport(getTarget('cortex-m4'), 'SOFTMAX', 'int8'), 'portable');
  assert.equal(opSupport(getTarget('cortex-m4'), 'LSTM', 'int8'), 'unsupported');
});

test('op sets match the C generator: int8 ops = its lowerers, optimized ops have kernel files', async () => {
  const { INT8_LOWERERS } = await import('../codegen/lower/index.js');
  const { FLOAT_LOWERERS } = await import('../codegen/lower/float.js');
  const m4 = getTarget('cortex-m4');
  // IF is lowered by the emitter itself (its branches through these tables)
  assert.deepEqual([...m4.ops.int8].sort(), [...Object.keys(INT8_LOWERERS), 'IF'].sort(), 'update opSets.int8-c in devices.json');
  assert.deepEqual([...m4.ops.float].sort(), [...Object.keys(FLOAT_LOWERERS), 'IF'].sort(), 'update opSets.float-c in devices.json');
  const { existsSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const kernels = fileURLToPath(new URL('../../src/codegen/kernels/', import.meta.url));
  const file: Record<string, string> = { ADD: 'add_s8', CONV_2D: 'conv_s8', DEPTHWISE_CONV_2D: 'dwconv_s8', FULLY_CONNECTED: 'fc_s8' };
  for (const t of listTargets())
    for (const [op, variant] of Object.entries(t.ops.optimized)) {
      assert.ok(file[op], `${t.name}: ${op} marked ${variant} but no kernel file is known for it`);
      if (existsSync(kernels)) assert.ok(existsSync(`${kernels}${file[op]}_${variant}.c`), `${t.name}: ${file[op]}_${variant}.c missing`);
    }
});
