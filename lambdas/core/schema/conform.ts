import type { ColumnType } from './types.js';

/** Thrown when a value cannot take a column's type; `path` names the field. */
export class ConformError extends Error {
  override readonly name = 'ConformError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

/**
 * Shapes a source-native value into a column type: struct fields matched case-insensitively and
 * lower-cased, free-form objects as JSON text, scalars coerced where the meaning is unambiguous.
 * Unknown struct fields are dropped (they stay in the raw copy); missing ones are null.
 */
export function conform(value: unknown, type: ColumnType, path: string): unknown {
  if (value === null || value === undefined) return null;
  if (typeof type === 'string') {
    switch (type) {
      case 'string':
        return typeof value === 'object' ? JSON.stringify(value) : String(value);
      case 'json':
        return typeof value === 'string' ? value : JSON.stringify(value);
      case 'boolean':
        if (typeof value === 'boolean') return value;
        if (value === 'true' || value === 'false') return value === 'true';
        throw new ConformError(path, `expected a boolean, got ${JSON.stringify(value)}`);
      case 'bigint':
      case 'double': {
        const n =
          typeof value === 'number'
            ? value
            : typeof value === 'string' && value.trim() !== ''
              ? Number(value)
              : NaN;
        if (!Number.isFinite(n) || (type === 'bigint' && !Number.isInteger(n))) {
          throw new ConformError(
            path,
            `expected ${type === 'bigint' ? 'an integer' : 'a number'}, got ${JSON.stringify(value)}`,
          );
        }
        return n;
      }
      case 'timestamp':
        return parseTimestamp(value, path);
    }
  }
  if ('struct' in type) {
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new ConformError(path, `expected an object, got ${JSON.stringify(value).slice(0, 80)}`);
    }
    const byLower = new Map<string, unknown>();
    for (const [k, v] of Object.entries(value)) byLower.set(k.toLowerCase(), v);
    const out: Record<string, unknown> = {};
    for (const [field, fieldType] of Object.entries(type.struct)) {
      out[field] = conform(byLower.get(field), fieldType, `${path}.${field}`);
    }
    return out;
  }
  if (!Array.isArray(value)) throw new ConformError(path, 'expected a list');
  return value.map((item, i) => conform(item, type.list, `${path}[${i}]`));
}

/** ISO 8601 text (with zone, or taken as UTC) or epoch milliseconds -> Date. */
export function parseTimestamp(value: unknown, path: string): Date {
  let date: Date | undefined;
  if (value instanceof Date) date = value;
  else if (typeof value === 'number') date = new Date(value);
  else if (typeof value === 'string' && /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d/.test(value)) {
    const zoned = /(Z|[+-]\d\d:?\d\d)$/i.test(value) ? value : `${value}Z`;
    date = new Date(zoned.replace(' ', 'T'));
  }
  if (!date || Number.isNaN(date.getTime())) {
    throw new ConformError(path, `expected a timestamp, got ${JSON.stringify(value)}`);
  }
  return date;
}
