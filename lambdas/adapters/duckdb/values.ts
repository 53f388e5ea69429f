import type { ResultColumn } from '../../core/ports/query-engine.js';

const INTEGER_TYPES = new Set(['BIGINT', 'HUGEINT', 'UBIGINT', 'UHUGEINT']);

/** DuckDB's JSON rendering, made friendlier: safe 64-bit integers as numbers, timestamps as ISO 8601 UTC. */
export function jsonRows(
  result: { getRowObjectsJson(): unknown[] },
  columns: ResultColumn[],
  limit: number,
): Record<string, unknown>[] {
  const rows = result.getRowObjectsJson().slice(0, limit) as Record<string, unknown>[];
  for (const column of columns) {
    const convert = converter(column.type);
    if (!convert) continue;
    for (const row of rows) {
      const value = row[column.name];
      if (value !== null && value !== undefined) row[column.name] = convert(value);
    }
  }
  return rows;
}

function converter(type: string): ((value: unknown) => unknown) | undefined {
  if (INTEGER_TYPES.has(type) || type.startsWith('DECIMAL')) {
    return (value) => {
      const n = Number(value);
      return type.startsWith('DECIMAL') || Number.isSafeInteger(n) ? n : value;
    };
  }
  if (type === 'TIMESTAMP' || type === 'TIMESTAMP_MS' || type === 'TIMESTAMP_NS' || type === 'TIMESTAMP_S') {
    return (value) =>
      `${String(value).replace(' ', 'T')}Z`.replace(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)Z$/, '$1Z');
  }
  return undefined;
}

/** A SQL string literal. DuckDB doubles single quotes and treats backslashes literally. */
export function sqlString(value: string): string {
  if (value.includes('\0')) throw new Error('NUL byte in SQL string literal');
  return `'${value.replaceAll("'", "''")}'`;
}
