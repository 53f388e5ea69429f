/**
 * Schema inference for `infer: true` custom sources, from a file of example records.
 *
 * How: every top-level field seen in any sample record becomes a column, in order of first
 * appearance, its name lower-cased with other characters turned to `_`. Its type is the narrowest
 * that holds every non-null sample value: boolean; bigint (all integers); double (all numbers);
 * timestamp (all ISO 8601 text); string (other text, or a mix of scalars); json (objects, arrays,
 * or objects mixed with scalars). Nested objects stay JSON text rather than structs, so a record
 * whose nested shape differs from the sample's still loads.
 *
 * Limits: only what the sample shows. A field first seen after the sample lands in the `extra`
 * column; a later value that does not fit the inferred type (text where the sample had numbers)
 * sends its record to quarantine with the reason. The schema is fixed when the sources file is
 * loaded: to change it, change the sample (or switch to `columns:`), knowing that files written
 * earlier keep their old columns.
 */
import type { ColumnType } from '../../schema/types.js';
import { type CustomColumnConfig, CustomSourceError } from './config.js';
import { isObject } from './native.js';

const ISO = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?$/i;

type Seen = 'boolean' | 'integer' | 'number' | 'iso' | 'text' | 'object';

function kindOf(value: unknown): Seen {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string')
    return ISO.test(value) && !Number.isNaN(Date.parse(value.replace(' ', 'T'))) ? 'iso' : 'text';
  return 'object';
}

function typeOf(kinds: Set<Seen>): ColumnType {
  if (kinds.size === 0) return 'string';
  if (kinds.has('object')) return 'json';
  const only = (...allowed: Seen[]) => [...kinds].every((k) => allowed.includes(k));
  if (only('boolean')) return 'boolean';
  if (only('integer')) return 'bigint';
  if (only('integer', 'number')) return 'double';
  if (only('iso')) return 'timestamp';
  return 'string';
}

/** A column name for a field name: lower-case identifier, never one of `reserved`. */
export function columnName(field: string, reserved: ReadonlySet<string>): string {
  let name = field
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .replace(/^_+/, '');
  if (!/^[a-z]/.test(name)) name = `f_${name}`;
  name = name.slice(0, 60);
  return reserved.has(name) ? `src_${name}` : name;
}

/** Columns for the top-level fields of `records`; `reserved` names are never produced. */
export function inferColumns(
  records: readonly unknown[],
  reserved: ReadonlySet<string>,
): CustomColumnConfig[] {
  const fields = new Map<string, Set<Seen>>();
  for (const record of records) {
    if (!isObject(record)) continue;
    for (const [key, value] of Object.entries(record)) {
      const kinds = fields.get(key) ?? new Set<Seen>();
      fields.set(key, kinds);
      if (value !== null && value !== undefined) kinds.add(kindOf(value));
    }
  }
  const used = new Set(reserved);
  const columns: CustomColumnConfig[] = [];
  for (const [field, kinds] of fields) {
    let name = columnName(field, used);
    for (let i = 2; used.has(name); i++) name = `${columnName(field, used)}_${i}`;
    used.add(name);
    columns.push({
      name,
      type: typeOf(kinds),
      path: field,
      description: `Inferred from the sample's ${JSON.stringify(field)}.`,
    });
  }
  return columns;
}

/**
 * The example records of a sample file's text: a JSON array, one object, or NDJSON. Pure, so the
 * local runtime and the CDK app (which infers at synth time) read a sample the same way; `file`
 * and `field` name the sources file and its `sample` field in errors, `path` the sample itself.
 */
export function sampleRecords(body: string, file: string, field: string, path: string): unknown[] {
  try {
    const whole: unknown = JSON.parse(body);
    return Array.isArray(whole) ? whole : [whole];
  } catch {
    return body
      .split('\n')
      .map((line, i) => ({ line, i }))
      .filter(({ line }) => line.trim() !== '')
      .map(({ line, i }) => {
        try {
          return JSON.parse(line) as unknown;
        } catch (err) {
          throw new CustomSourceError(
            file,
            field,
            `${path} line ${i + 1}: invalid JSON: ${(err as Error).message}`,
          );
        }
      });
  }
}
