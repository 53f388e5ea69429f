import { compileDetection } from '../sigma/compile.js';
import { fieldsOf } from '../sigma/ir.js';
import type { DetectionRule } from '../sigma/types.js';

/** A test event as the source normalised it: its rows, per table. */
export interface TestRows {
  rows: Map<string, Record<string, unknown>[]>;
}

/**
 * A JSON path a rule tests must hold a scalar in the test events: Athena's json_extract_scalar gives
 * NULL for objects and arrays (DuckDB gives their text), so such a test would pass here and never
 * match on AWS. Test the whole JSON column with contains or re instead.
 */
export function nonScalarJson<P extends TestRows>(
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
        if (v !== null && typeof v === 'object') {
          out.push({
            probe: p,
            text: `${f.sigma} is ${Array.isArray(v) ? 'an array' : 'an object'} here; Athena's json_extract_scalar gives NULL for it, so the rule would never match on AWS: test the JSON column itself (${path.join('.')}|contains or |re)`,
          });
        }
      }
    }
  }
  return out;
}
