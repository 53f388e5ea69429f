/**
 * The lake's type language. One definition per table drives the DuckDB views locally, the Parquet
 * files written at ingest, and the Glue table definitions on AWS.
 */
export type ColumnType =
  | 'string'
  | 'bigint'
  | 'double'
  | 'boolean'
  /** UTC instant, microsecond precision. */
  | 'timestamp'
  /** Free-form JSON kept as text; queried with json_extract / json_extract_scalar. */
  | 'json'
  | { struct: Record<string, ColumnType> }
  | { list: ColumnType };

export interface ColumnDef {
  name: string;
  type: ColumnType;
  description: string;
}

export interface TableSchema {
  name: string;
  description: string;
  /** Columns stored in the Parquet files, in order. Partition columns are not among them. */
  columns: ColumnDef[];
  /** The column that holds event time (always `ts`). */
  timeColumn: 'ts';
}

/** Hive partition columns every table has: event-time day and hour, both text (`2026-11-21`, `07`). */
export const PARTITION_COLUMNS = ['dt', 'hour'] as const;

/** Columns every table carries, after its own. */
export const COMMON_COLUMNS: ColumnDef[] = [
  { name: 'ts', type: 'timestamp', description: 'Event time, UTC.' },
  {
    name: 'event_id',
    type: 'string',
    description: 'Stable identifier of the event: the same record ingested twice has the same event_id.',
  },
  { name: 'ingest_ts', type: 'timestamp', description: 'When Mantissa Log wrote the row, UTC.' },
  { name: 'source_object', type: 'string', description: 'The object or file the record came from.' },
];

/** DuckDB's spelling of a column type. */
export function duckdbType(type: ColumnType): string {
  if (typeof type === 'string') {
    switch (type) {
      case 'string':
      case 'json':
        return 'VARCHAR';
      case 'bigint':
        return 'BIGINT';
      case 'double':
        return 'DOUBLE';
      case 'boolean':
        return 'BOOLEAN';
      case 'timestamp':
        return 'TIMESTAMP';
    }
  }
  if ('struct' in type) {
    const fields = Object.entries(type.struct).map(([k, v]) => `${quoteIdent(k)} ${duckdbType(v)}`);
    return `STRUCT(${fields.join(', ')})`;
  }
  return `${duckdbType(type.list)}[]`;
}

/** Hive/Glue's spelling of a column type (what Athena reads). */
export function glueType(type: ColumnType): string {
  if (typeof type === 'string') {
    switch (type) {
      case 'string':
      case 'json':
        return 'string';
      case 'bigint':
        return 'bigint';
      case 'double':
        return 'double';
      case 'boolean':
        return 'boolean';
      case 'timestamp':
        return 'timestamp';
    }
  }
  if ('struct' in type) {
    return `struct<${Object.entries(type.struct)
      .map(([k, v]) => `${k}:${glueType(v)}`)
      .join(',')}>`;
  }
  return `array<${glueType(type.list)}>`;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
