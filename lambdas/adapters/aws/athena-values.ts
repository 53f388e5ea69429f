import type { ResultColumn } from '../../core/ports/query-engine.js';
import type { ColumnType, TableSchema } from '../../core/schema/types.js';
import { parseComplex } from './athena-complex.js';

/**
 * Athena returns every value as text (`VarCharValue`, absent for NULL). These turn that text into
 * the same JSON-safe values the DuckDB engine gives: numbers (64-bit integers only when safe, else
 * the digits as text), booleans, and timestamps as ISO 8601 UTC with trailing zeros of the fraction
 * dropped (`2026-11-20T10:15:00Z`, `2026-11-20T10:15:00.5Z`).
 * ROW, ARRAY and MAP values are parsed back from Athena's text (athena-complex.ts), guided by the
 * lake type of a column with the same name when there is one.
 */
const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'integer', 'int', 'bigint']);
const FLOAT_TYPES = new Set(['double', 'float', 'real']);

export function convertValue(
  type: string,
  text: string | undefined,
  lakeTypes: readonly ColumnType[] = [],
): unknown {
  if (text === undefined) return null;
  const base = type.toLowerCase().replace(/\(.*$/, '').trim();
  if (base === 'row' || base === 'array' || base === 'map') {
    // A name shared by tables with different shapes: the first shape that parses wins.
    for (const lakeType of lakeTypes) {
      const value = parseComplex(text, base, lakeType);
      if (typeof value !== 'string') return value;
    }
    return parseComplex(text, base);
  }
  if (INTEGER_TYPES.has(base)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : text;
  }
  if (FLOAT_TYPES.has(base)) {
    // NaN and ±Infinity stay text, as DuckDB's JSON renders them.
    const n = Number(text);
    return Number.isFinite(n) ? n : text;
  }
  if (base === 'decimal') return Number(text);
  if (base === 'boolean') return text === 'true';
  if (base === 'timestamp' || base === 'timestamp with time zone') return isoTimestamp(text);
  return text;
}

/** `2026-11-20 10:15:00.500` (or with ` UTC`) -> `2026-11-20T10:15:00.5Z`. Other zones are left as they are. */
export function isoTimestamp(text: string): string {
  const match = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d+))?(?: (UTC|Z|\+00:00))?$/.exec(text);
  if (!match) return text;
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  return `${match[1]}T${match[2]}${fraction ? `.${fraction}` : ''}Z`;
}

export function convertRow(
  columns: readonly ResultColumn[],
  data: readonly { VarCharValue?: string }[],
  lakeTypes: ReadonlyMap<string, readonly ColumnType[]> = new Map(),
): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    row[column.name] = convertValue(column.type, data[i]?.VarCharValue, lakeTypes.get(column.name));
  });
  return row;
}

/** The ROW and ARRAY columns of the lake's tables by name: what guides parsing their text. */
export function complexColumnTypes(tables: readonly TableSchema[]): Map<string, ColumnType[]> {
  const out = new Map<string, ColumnType[]>();
  for (const table of tables) {
    for (const column of table.columns) {
      if (typeof column.type === 'string') continue;
      const known = out.get(column.name) ?? [];
      if (!known.some((t) => JSON.stringify(t) === JSON.stringify(column.type))) known.push(column.type);
      out.set(column.name, known);
    }
  }
  return out;
}

const MB = 1024 ** 2;
const TB = 1024 ** 4;
/** Athena SQL pricing: $5 per TB scanned, each query billed for at least 10 MB, rounded up to the MB. */
export const ATHENA_USD_PER_TB = 5;

export function athenaCostUsd(bytesScanned: number): number {
  const billed = Math.max(Math.ceil(bytesScanned / MB), 10) * MB;
  return (billed / TB) * ATHENA_USD_PER_TB;
}
