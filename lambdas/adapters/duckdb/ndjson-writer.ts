import type { ColumnType, TableSchema } from '../../core/schema/types.js';

type Write = (value: unknown) => string;

/**
 * A table's rows as NDJSON for DuckDB's `read_json`, written by a serialiser compiled once per
 * schema: the same text as `JSON.stringify(row)` with null and undefined members left out (DuckDB
 * reads a missing key as NULL, and lines are ~20% shorter), but about a third faster than
 * stringify with a replacer function, which takes V8 off its fast path. Members the schema does not
 * name are left out (DuckDB's typed read would ignore them). A value whose shape does
 * not match its column (a source that did not conform) falls back to JSON.stringify, so the text
 * is always valid JSON and DuckDB's typed read reports the mismatch.
 */
export function ndjsonWriter(schema: TableSchema): (row: Record<string, unknown>) => string {
  const write = structWriter(schema.columns.map((c) => [c.name, c.type]));
  return (row) => write(row);
}

function plain(value: unknown): string {
  return JSON.stringify(value, withoutNulls) ?? 'null';
}

function withoutNulls(_key: string, value: unknown): unknown {
  return value === null ? undefined : value;
}

function writerOf(type: ColumnType): Write {
  if (typeof type === 'string') {
    switch (type) {
      case 'timestamp':
        return (value) =>
          value instanceof Date && !Number.isNaN(value.getTime()) ? `"${value.toISOString()}"` : plain(value);
      case 'boolean':
        return (value) => (value === true ? 'true' : value === false ? 'false' : plain(value));
      case 'bigint':
      case 'double':
        return (value) =>
          typeof value === 'number' && Number.isFinite(value) ? String(value) : plain(value);
      default:
        return (value) => (typeof value === 'string' ? JSON.stringify(value) : plain(value));
    }
  }
  if ('struct' in type) return structWriter(Object.entries(type.struct));
  const item = writerOf(type.list);
  return (value) => {
    if (!Array.isArray(value)) return plain(value);
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      // Inside a list JSON.stringify writes null for null and undefined alike.
      out += `${i === 0 ? '' : ','}${v === null || v === undefined ? 'null' : item(v)}`;
    }
    return `${out}]`;
  };
}

function structWriter(fields: [string, ColumnType][]): Write {
  const members = fields.map(([name, type]) => ({
    name,
    key: `${JSON.stringify(name)}:`,
    write: writerOf(type),
  }));
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) {
      return plain(value);
    }
    const row = value as Record<string, unknown>;
    let out = '{';
    let first = true;
    for (const { name, key, write } of members) {
      const v = row[name];
      if (v === null || v === undefined) continue;
      out += `${first ? '' : ','}${key}${write(v)}`;
      first = false;
    }
    return `${out}}`;
  };
}
