/**
 * Record helpers shared by the sources declared in YAML (custom sources) and the SaaS source modules
 * (GCP audit, GitHub, Kubernetes, Duo, Slack): shaping a provider record into a table's own columns,
 * walking dotted paths, stable hashes for event ids, and identity_events rows.
 */
import { createHash } from 'node:crypto';
import { identityRow as sharedIdentityRow } from '../../identity/rows.js';
import type { IdentityEventType, IdentityOutcome } from '../../identity/schema.js';
import { ConformError, conform, parseTimestamp } from '../../schema/conform.js';
import { COMMON_COLUMNS, type ColumnDef, type TableSchema } from '../../schema/types.js';
import { type NormaliseContext, RecordError, type TableRow } from '../types.js';

export type JsonRecord = Record<string, unknown>;

export function isObject(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const COMMON = new Set(COMMON_COLUMNS.map((c) => c.name));

/** A table's own columns: everything but the common ones the lake adds. */
export function ownColumns(schema: TableSchema): ColumnDef[] {
  return schema.columns.filter((c) => !COMMON.has(c.name));
}

/** Turns a ConformError (a value that cannot take its column's type) into a RecordError for quarantine. */
export function asRecordError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConformError) throw new RecordError(err.message);
    throw err;
  }
}

/**
 * The table's own columns filled from a record whose field names are the columns' names in any
 * case (`insertId` -> `insertid`). `renames` maps a column to the record field that feeds it when
 * the names differ (`document_id` <- `_document_id`).
 */
export function nativeRow(
  record: JsonRecord,
  columns: readonly ColumnDef[],
  renames: Record<string, string> = {},
): JsonRecord {
  const byLower = new Map<string, unknown>();
  for (const [k, v] of Object.entries(record)) byLower.set(k.toLowerCase(), v);
  const row: JsonRecord = {};
  for (const c of columns) {
    const field = (renames[c.name] ?? c.name).toLowerCase();
    row[c.name] = asRecordError(() => conform(byLower.get(field), c.type, renames[c.name] ?? c.name));
  }
  return row;
}

/** Adds the common columns and names the table: the last step of every source's normalise. */
export function tableRow(
  table: string,
  own: JsonRecord,
  ts: Date,
  eventId: string,
  ctx: NormaliseContext,
): TableRow {
  return {
    table,
    row: { ...own, ts, event_id: eventId, ingest_ts: ctx.ingestTs, source_object: ctx.sourceObject },
  };
}

/** The value at a dotted path (`actor.user.email`); keys match exactly first, then case-insensitively. */
export function getPath(record: unknown, path: string): unknown {
  let value: unknown = record;
  for (const key of path.split('.')) {
    if (!isObject(value)) return undefined;
    if (Object.hasOwn(value, key)) value = value[key];
    else {
      const lower = key.toLowerCase();
      const found = Object.keys(value).find((k) => k.toLowerCase() === lower);
      value = found === undefined ? undefined : value[found];
    }
  }
  return value;
}

export function text(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  return typeof value === 'string'
    ? value
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
}

/** JSON with object keys sorted, so the same record always hashes the same whatever its key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** A stable id from a record's content (for providers whose records carry no id of their own). */
export function contentId(prefix: string, value: unknown): string {
  return `${prefix}${createHash('sha256').update(canonical(value)).digest('hex').slice(0, 32)}`;
}

/** The first field of `fields` that holds a parseable time, as a Date; RecordError naming them if none. */
export function eventTime(record: JsonRecord, fields: readonly string[], epoch?: 's' | 'ms'): Date {
  for (const field of fields) {
    const value = getPath(record, field);
    if (value === undefined || value === null || value === '') continue;
    if (epoch && (typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value)))) {
      const n = Number(value);
      return new Date(epoch === 's' ? n * 1000 : n);
    }
    return asRecordError(() => parseTimestamp(value, field));
  }
  throw new RecordError(`missing event time: none of ${fields.join(', ')} is present`);
}

export interface IdentityFields {
  provider: string;
  event_type: IdentityEventType;
  outcome: IdentityOutcome;
  /** The account the event is about: who signed in, or whose privileges changed. */
  user_name: string | null;
  /** Who did it, when that was someone else (the admin granting a role). */
  actor?: string | null;
  user_id?: string | null;
  source_ip?: string | null;
  user_agent?: string | null;
  device?: string | null;
  country?: string | null;
  city?: string | null;
  session_id?: string | null;
  reason?: string | null;
  mfa_method?: string | null;
  target?: string | null;
}

/**
 * An identity_events row derived from a source row, through the shared builder
 * (identity/rows.ts: canonical user names and addresses, event_id = provider + source event_id,
 * plus `part` when one record yields several identity events).
 */
export function identityRow(
  fields: IdentityFields,
  rawEventId: string,
  ts: Date,
  ctx: NormaliseContext,
  part?: number,
): TableRow {
  const from = { ts, event_id: rawEventId, ingest_ts: ctx.ingestTs, source_object: ctx.sourceObject };
  const activity = {
    provider: fields.provider,
    eventType: fields.event_type,
    outcome: fields.outcome,
    user: fields.user_name,
    actor: fields.actor,
    userId: fields.user_id,
    sourceIp: fields.source_ip,
    userAgent: fields.user_agent,
    device: fields.device,
    country: fields.country,
    city: fields.city,
    sessionId: fields.session_id,
    reason: fields.reason,
    mfaMethod: fields.mfa_method,
    target: fields.target,
  };
  return sharedIdentityRow(from, activity, part);
}
