import { identityRow, type SourceRowRef } from '../../identity/rows.js';
import { identityEventsSchema } from '../../identity/schema.js';
import { ConformError, parseTimestamp, rowConformer } from '../../schema/conform.js';
import { RecordError, type SourceModule, type TableRow } from '../types.js';
import { signInActivity } from './identity.js';
import { cloudtrailSampleFiles } from './sample.js';
import { cloudtrailSchema } from './schema.js';

const REQUIRED = ['eventTime', 'eventID', 'eventName', 'eventSource'] as const;
const conformOwnColumns = rowConformer(
  cloudtrailSchema.columns.filter((c) => !['ts', 'event_id', 'ingest_ts', 'source_object'].includes(c.name)),
);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * EventBridge carries CloudTrail records as `detail` of events whose detail-type ends "via
 * CloudTrail" (AWS API Call, AWS Console Sign In, AWS Service Event).
 */
function eventBridgeDetail(record: unknown): Record<string, unknown> | undefined {
  if (!isObject(record)) return undefined;
  const type = record['detail-type'];
  if (typeof type !== 'string' || !type.endsWith('via CloudTrail') || !isObject(record.detail))
    return undefined;
  return record.detail;
}

function isRecord(record: unknown): boolean {
  return (
    isObject(record) &&
    typeof record.eventVersion === 'string' &&
    'eventSource' in record &&
    'eventName' in record
  );
}

export const cloudtrail: SourceModule = {
  name: 'cloudtrail',
  description:
    'AWS CloudTrail, as delivered to S3 ({"Records": [...]}, gzip), one record per line, or as EventBridge events.',
  tables: [cloudtrailSchema, identityEventsSchema],
  keyPatterns: [/(^|\/)AWSLogs\/(o-[a-z0-9]+\/)?\d{12}\/CloudTrail\//, /(^|\/)cloudtrail\//i],
  detect(record) {
    return isRecord(record) || isRecord(eventBridgeDetail(record));
  },
  unwrap(document) {
    if (isObject(document) && Array.isArray(document.Records)) return document.Records;
    return undefined;
  },
  normalise(input, ctx): TableRow[] {
    const record = eventBridgeDetail(input) ?? input;
    if (!isObject(record)) throw new RecordError('record is not a JSON object');
    for (const field of REQUIRED) {
      if (typeof record[field] !== 'string' || record[field] === '') {
        throw new RecordError(`missing or non-text required field ${field}`);
      }
    }
    try {
      const ts = parseTimestamp(record.eventTime, 'eventTime');
      const row = conformOwnColumns(record);
      row.ts = ts;
      row.event_id = record.eventID;
      row.ingest_ts = ctx.ingestTs;
      row.source_object = ctx.sourceObject;
      const rows: TableRow[] = [{ table: 'cloudtrail', row }];
      const signIn = signInActivity(record);
      if (signIn) rows.push(identityRow(row as Record<string, unknown> & SourceRowRef, signIn));
      return rows;
    } catch (err) {
      if (err instanceof ConformError) throw new RecordError(err.message);
      throw err;
    }
  },
  sample: cloudtrailSampleFiles,
};
