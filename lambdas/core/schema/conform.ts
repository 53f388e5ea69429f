import type { ColumnType } from './types.js';

/** Thrown when a value cannot take a column's type; `path` names the field. */
export class ConformError extends Error {
  override readonly name = 'ConformError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }

  /** The same error one level further out: `field` + `.x` or `[3]`. */
  within(outer: string): ConformError {
    if (this.path === '') return new ConformError(outer, this.reason);
    return new ConformError(
      this.path.startsWith('[') ? `${outer}${this.path}` : `${outer}.${this.path}`,
      this.reason,
    );
  }
}

/**
 * Shapes a source-native value into a column type: struct fields matched case-insensitively and
 * lower-cased, free-form objects as JSON text, scalars coerced where the meaning is unambiguous.
 * Unknown struct fields are dropped (they stay in the raw copy); missing ones are null.
 */
export function conform(value: unknown, type: ColumnType, path: string): unknown {
  try {
    return conformerOf(type)(value);
  } catch (err) {
    if (err instanceof ConformError) throw err.within(path);
    throw err;
  }
}

type Conformer = (value: unknown) => unknown;

/**
 * Ingest conforms every field of every record, so each type is compiled once into a closure: no
 * per-record maps, paths built only when a value is refused, and struct rows always built with
 * their fields in schema order (one object shape per struct, which V8 serialises fastest).
 */
const compiled = new WeakMap<object, Conformer>();

export function conformerOf(type: ColumnType): Conformer {
  if (typeof type === 'string') return SCALARS[type];
  const known = compiled.get(type);
  if (known) return known;
  const made = 'struct' in type ? structConformer(type.struct) : listConformer(type.list);
  compiled.set(type, made);
  return made;
}

const SCALARS: Record<Extract<ColumnType, string>, Conformer> = {
  string: (value) => {
    if (value === null || value === undefined) return null;
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  },
  json: (value) => {
    if (value === null || value === undefined) return null;
    return typeof value === 'string' ? value : JSON.stringify(value);
  },
  boolean: (value) => {
    if (value === null || value === undefined) return null;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw new ConformError('', `expected a boolean, got ${JSON.stringify(value)}`);
  },
  bigint: (value) => number(value, 'bigint'),
  double: (value) => number(value, 'double'),
  timestamp: (value) => (value === null || value === undefined ? null : parseTimestamp(value, '')),
};

function number(value: unknown, type: 'bigint' | 'double'): number | null {
  if (value === null || value === undefined) return null;
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : NaN;
  if (!Number.isFinite(n) || (type === 'bigint' && !Number.isInteger(n))) {
    throw new ConformError(
      '',
      `expected ${type === 'bigint' ? 'an integer' : 'a number'}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** Lower-cased keys, remembered: sources repeat the same few hundred keys millions of times. */
const lowered = new Map<string, string>();
function lower(key: string): string {
  let low = lowered.get(key);
  if (low === undefined) {
    low = key.toLowerCase();
    // Bounded: hostile input with endless distinct keys must not grow memory without limit.
    if (lowered.size < 50_000) lowered.set(key, low);
  }
  return low;
}

function structConformer(struct: Record<string, ColumnType>): Conformer {
  const names = Object.keys(struct);
  const slotOf = new Map(names.map((name, i) => [name, i]));
  const fields = names.map((name) => conformerOf(struct[name] as ColumnType));
  return (value) => {
    if (value === null || value === undefined) return null;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new ConformError('', `expected an object, got ${JSON.stringify(value).slice(0, 80)}`);
    }
    const found: unknown[] = new Array(names.length);
    const source = value as Record<string, unknown>;
    for (const key in source) {
      if (!Object.hasOwn(source, key)) continue;
      const slot = slotOf.get(lower(key));
      if (slot !== undefined) found[slot] = source[key];
    }
    const out: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      try {
        out[name] = (fields[i] as Conformer)(found[i]);
      } catch (err) {
        if (err instanceof ConformError) throw err.within(name);
        throw err;
      }
    }
    return out;
  };
}

function listConformer(item: ColumnType): Conformer {
  const each = conformerOf(item);
  return (value) => {
    if (value === null || value === undefined) return null;
    if (!Array.isArray(value)) throw new ConformError('', 'expected a list');
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      try {
        out[i] = each(value[i]);
      } catch (err) {
        if (err instanceof ConformError) throw err.within(`[${i}]`);
        throw err;
      }
    }
    return out;
  };
}

const ISO_START = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d/;
const ZONED = /(Z|[+-]\d\d:?\d\d)$/i;

/** ISO 8601 text (with zone, or taken as UTC) or epoch milliseconds -> Date. */
export function parseTimestamp(value: unknown, path: string): Date {
  let date: Date | undefined;
  if (value instanceof Date) date = value;
  else if (typeof value === 'number') date = new Date(value);
  else if (typeof value === 'string' && ISO_START.test(value)) {
    const zoned = ZONED.test(value) ? value : `${value}Z`;
    date = new Date(value.charCodeAt(10) === 32 ? zoned.replace(' ', 'T') : zoned);
  }
  if (!date || Number.isNaN(date.getTime())) {
    throw new ConformError(path, `expected a timestamp, got ${JSON.stringify(value)}`);
  }
  return date;
}

/**
 * The conformer of a whole row: each named column taken (case-insensitively) from a record's
 * fields and conformed to its type; errors name the column path.
 */
export function rowConformer(
  columns: readonly { name: string; type: ColumnType }[],
): (record: Record<string, unknown>) => Record<string, unknown> {
  const struct: ColumnType = { struct: Object.fromEntries(columns.map((c) => [c.name, c.type])) };
  const conformRow = conformerOf(struct);
  return (record) => conformRow(record) as Record<string, unknown>;
}
