import { createHash } from 'node:crypto';
import { ConformError, conform, parseTimestamp } from '../schema/conform.js';
import type { ColumnDef, TableSchema } from '../schema/types.js';
import { type NormaliseContext, RecordError } from '../sources/types.js';

/**
 * Small helpers the SaaS identity sources share for reading provider records: case-insensitive
 * field access (exports and re-shippers change key case: Okta's `eventType` arrives as `eventtype`
 * from some pipelines), schema-driven row building, and a content id for records without one.
 */

export type JsonRecord = Record<string, unknown>;

export function isObject(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The record's fields keyed by lower-cased name. */
export function lowerKeys(record: JsonRecord): Map<string, unknown> {
  return new Map(Object.entries(record).map(([k, v]) => [k.toLowerCase(), v]));
}

/** A nested field, each path segment matched case-insensitively; undefined when any step is missing. */
export function pick(value: unknown, ...path: string[]): unknown {
  let at = value;
  for (const seg of path) {
    if (!isObject(at)) return undefined;
    const want = seg.toLowerCase();
    const key = Object.keys(at).find((k) => k.toLowerCase() === want);
    if (key === undefined) return undefined;
    at = at[key];
  }
  return at;
}

/** Text of a scalar field; numbers and booleans become their text, objects and empty text undefined. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function pickText(value: unknown, ...path: string[]): string | undefined {
  return textOf(pick(value, ...path));
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * A stable id for a record whose provider id is missing (hand-made or trimmed exports): the hash of
 * its content with keys sorted, so the same record ingested again gets the same event_id.
 */
export function contentId(record: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(record)).digest('hex').slice(0, 32)}`;
}

/** The required event time of a record, or a RecordError naming the field. */
export function eventTime(value: unknown, field: string): Date {
  if (value === undefined || value === null || value === '') {
    throw new RecordError(`missing event time ${field}`);
  }
  try {
    return parseTimestamp(value, field);
  } catch (err) {
    if (err instanceof ConformError) throw new RecordError(err.message);
    throw err;
  }
}

/** The table's own columns: every column except the common ones the lake fills in. */
export function ownColumns(schema: TableSchema): ColumnDef[] {
  const common = new Set(['ts', 'event_id', 'ingest_ts', 'source_object']);
  return schema.columns.filter((c) => !common.has(c.name));
}

/**
 * A table row: each own column conformed from `lookup(name)`, plus the common columns. A value
 * that cannot take its column's type becomes a RecordError naming the column.
 */
export function buildRow(
  columns: readonly ColumnDef[],
  lookup: (column: string) => unknown,
  common: { ts: Date; eventId: string },
  ctx: NormaliseContext,
): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  try {
    for (const column of columns) row[column.name] = conform(lookup(column.name), column.type, column.name);
  } catch (err) {
    if (err instanceof ConformError) throw new RecordError(err.message);
    throw err;
  }
  row.ts = common.ts;
  row.event_id = common.eventId;
  row.ingest_ts = ctx.ingestTs;
  row.source_object = ctx.sourceObject;
  return row;
}

/** The common fields of a finished row, as identityRow takes them. */
export function rowRef(row: Record<string, unknown>): {
  ts: Date;
  event_id: string;
  ingest_ts: Date;
  source_object: string;
} {
  return {
    ts: row.ts as Date,
    event_id: row.event_id as string,
    ingest_ts: row.ingest_ts as Date,
    source_object: row.source_object as string,
  };
}
