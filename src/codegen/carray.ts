/** C literal formatting for weight and parameter arrays. */
import { TypedArray } from '../ir/types.js';

const CTYPE: Record<string, string> = {
  Int8Array: 'int8_t', Uint8Array: 'uint8_t', Int16Array: 'int16_t', Int32Array: 'int32_t', Float32Array: 'float', BigInt64Array: 'int64_t',
};

/** A C identifier from any tensor/node name. */
export function cIdent(s: string): string {
  const id = s.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(id) ? `_${id}` : id;
}

function fmtFloat(v: number): string {
  if (Number.isNaN(v)) return '(0.0f/0.0f)';
  if (!Number.isFinite(v)) return v > 0 ? '(1.0f/0.0f)' : '(-1.0f/0.0f)';
  // 9 significant digits round-trip a float32 exactly.
  let s = Math.fround(v).toPrecision(9);
  if (!/[.e]/.test(s)) s += '.0';
  return `${s}f`;
}

/** `static const <type> name[n] __attribute__((aligned(a))) = {...};` wrapped at ~100 columns. */
export function cArray(name: string, data: TypedArray | number[], opts: { type?: string; align?: number; isConst?: boolean } = {}): string {
  const type = opts.type ?? (Array.isArray(data) ? 'int32_t' : CTYPE[data.constructor.name] ?? 'int32_t');
  const vals: string[] = [];
  const isF = type === 'float';
  for (let i = 0; i < data.length; i++) {
    if (type === 'int64_t') { // exact (beyond 2^53) and typed; INT64_MIN has no literal
      const b = BigInt(data[i]);
      vals.push(b === -(2n ** 63n) ? '(-9223372036854775807LL-1)' : `${b}LL`);
      continue;
    }
    const v = Number(data[i]);
    vals.push(isF ? fmtFloat(v) : type === 'int32_t' && v === -2147483648 ? '(-2147483647-1)' : String(v));
  }
  const lines: string[] = [];
  let line = ' ';
  for (const v of vals) {
    if (line.length + v.length > 100) {
      lines.push(line);
      line = ' ';
    }
    line += ` ${v},`;
  }
  if (line.trim()) lines.push(line);
  const align = opts.align ? ` __attribute__((aligned(${opts.align})))` : '';
  const n = Math.max(data.length, 1);
  const body = data.length ? lines.join('\n') : '  0';
  return `static ${opts.isConst === false ? '' : 'const '}${type} ${name}[${n}]${align} = {\n${body}\n};\n`;
}

/** A C struct initializer from ordered fields. */
export function cStruct(type: string, name: string, fields: [string, string | number][]): string {
  return `static const ${type} ${name} = {\n${fields.map(([k, v]) => `  .${k} = ${v},`).join('\n')}\n};\n`;
}
