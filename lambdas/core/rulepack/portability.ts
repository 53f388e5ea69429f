import { compileDetection } from '../sigma/compile.js';
import { fieldsOf } from '../sigma/ir.js';
import type { DetectionRule } from '../sigma/types.js';

/** A test event as the source normalised it: its rows, per table. */
export interface TestRows {
  rows: Map<string, Record<string, unknown>[]>;
}

/**
 * A number Athena writes differently inside an object's JSON text. A field inside a JSON column that
 * holds an object or array is its compact JSON text on both engines (Athena: json_format of
 * json_extract), but Trino re-serialises numbers with a fraction or an exponent through Java's
 * Double.toString: scientific notation below 10^-3 and from 10^7 (`1.0E-4`, `1.23456785E7`), where
 * DuckDB and the matcher keep the lake's text (`0.0001`, `12345678.5`). The lake's JSON text is
 * JavaScript's, which writes an exponent from 10^21 on (`1e+21`; Java `1.0E21`).
 */
function javaSpellsDifferently(n: number): boolean {
  const abs = Math.abs(n);
  return (!Number.isInteger(n) && (abs < 1e-3 || abs >= 1e7)) || abs >= 1e21;
}

function firstDivergentNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return javaSpellsDifferently(v) ? v : undefined;
  if (v === null || typeof v !== 'object') return undefined;
  for (const item of Array.isArray(v) ? v : Object.values(v)) {
    const found = firstDivergentNumber(item);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * A JSON path a rule tests may hold an object or array (both engines give its compact JSON text),
 * unless that text holds a number Athena spells differently from DuckDB: then a test on the text
 * could pass here and fail on AWS. Test the number's own path, or the JSON column itself, instead.
 */
export function nonPortableJson<P extends TestRows>(
  rule: DetectionRule,
  probes: readonly P[],
  table: string,
): { text: string; probe: P }[] {
  const out: { text: string; probe: P }[] = [];
  const fields = fieldsOf(compileDetection(rule, {}).node).filter((f) => f.access.kind === 'json');
  for (const f of fields) {
    if (f.access.kind !== 'json') continue;
    const { path, keys } = f.access;
    for (const p of probes) {
      for (const row of p.rows.get(table) ?? []) {
        let v: unknown = row;
        for (const k of path)
          v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
        if (typeof v !== 'string') continue;
        try {
          v = JSON.parse(v);
        } catch {
          continue;
        }
        for (const k of keys)
          v =
            v !== null && typeof v === 'object' && !Array.isArray(v)
              ? (v as Record<string, unknown>)[k]
              : undefined;
        if (v === null || typeof v !== 'object') continue;
        const n = firstDivergentNumber(v);
        if (n === undefined) continue;
        out.push({
          probe: p,
          text: `${f.sigma} is ${Array.isArray(v) ? 'an array' : 'an object'} here holding the number ${JSON.stringify(n)}, which Athena writes differently in its JSON text (Java's notation), so a test on that text may not match on AWS: test the number's own path, or the JSON column itself (${path.join('.')}|contains or |re)`,
        });
      }
    }
  }
  return out;
}
