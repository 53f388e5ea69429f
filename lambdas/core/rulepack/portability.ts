import { compileDetection } from '../sigma/compile.js';
import { type FieldAccess, fieldsOf } from '../sigma/ir.js';
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
  for (const f of fieldsOf(compileDetection(rule, {}).node)) {
    const json = jsonAccessIn(f.access);
    if (!json) continue;
    for (const p of probes) {
      for (const row of p.rows.get(table) ?? []) {
        // One finding per row: the first element (of a list) whose text Athena would respell.
        for (const v of valuesAt(row, f.access)) {
          if (v === null || typeof v !== 'object') continue;
          const n = firstDivergentNumber(v);
          if (n === undefined) continue;
          out.push({
            probe: p,
            text: `${f.sigma} is ${Array.isArray(v) ? 'an array' : 'an object'} here holding the number ${JSON.stringify(n)}, which Athena writes differently in its JSON text (Java's notation), so a test on that text may not match on AWS: test the number's own path, or the JSON column itself (${json.column}|contains or |re)`,
          });
          break;
        }
      }
    }
  }
  return out;
}

/** The JSON access a field reaches, directly or inside list elements, with the JSON column's name. */
function jsonAccessIn(access: FieldAccess, outer: string[] = []): { column: string } | undefined {
  if (access.kind === 'json') return { column: [...outer, ...access.path].join('.') };
  if (access.kind === 'element') return jsonAccessIn(access.element, [...outer, ...access.path]);
  return undefined;
}

function walk(v: unknown, keys: readonly string[]): unknown {
  for (const k of keys)
    v =
      v !== null && typeof v === 'object' && !Array.isArray(v)
        ? (v as Record<string, unknown>)[k]
        : undefined;
  return v;
}

/** What a field access reaches in a normalised row: one value, or one per list element. */
function valuesAt(v: unknown, access: FieldAccess): unknown[] {
  const at = walk(v, access.path);
  if (access.kind === 'column') return [at];
  if (access.kind === 'element')
    return Array.isArray(at) ? at.flatMap((element) => valuesAt(element, access.element)) : [];
  if (typeof at !== 'string') return [];
  try {
    return [walk(JSON.parse(at), access.keys)];
  } catch {
    return [];
  }
}
