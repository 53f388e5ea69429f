import { ConformError, conform, parseTimestamp } from '../../schema/conform.js';
import { RecordError, type SourceModule, type TableRow } from '../types.js';
import { securityhubSampleFiles } from './sample.js';
import { securityhubSchema } from './schema.js';

const DERIVED = ['ts', 'event_id', 'ingest_ts', 'source_object', 'resource_type', 'resource_id'];
const OWN_COLUMNS = securityhubSchema.columns.filter((c) => !DERIVED.includes(c.name));

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isAsff(record: unknown): boolean {
  return (
    isObject(record) &&
    typeof record.SchemaVersion === 'string' &&
    typeof record.ProductArn === 'string' &&
    'AwsAccountId' in record
  );
}

function isFindingsEvent(document: unknown): document is { detail: { findings: unknown[] } } {
  return (
    isObject(document) &&
    typeof document['detail-type'] === 'string' &&
    document['detail-type'].startsWith('Security Hub Findings') &&
    isObject(document.detail) &&
    Array.isArray(document.detail.findings)
  );
}

export const securityhub: SourceModule = {
  name: 'securityhub',
  description:
    'AWS Security Hub findings (ASFF) in EventBridge "Security Hub Findings - Imported" events (as Firehose writes them to S3), or a GetFindings response.',
  tables: [securityhubSchema],
  keyPatterns: [/(^|\/)security[-_]?hub\//i],
  detect(record) {
    return isAsff(record) || isFindingsEvent(record);
  },
  unwrap(document) {
    if (isFindingsEvent(document)) return document.detail.findings;
    if (isObject(document) && Array.isArray(document.Findings) && document.Findings.some(isAsff))
      return document.Findings;
    return undefined;
  },
  normalise(record, ctx): TableRow[] {
    if (!isObject(record)) throw new RecordError('finding is not a JSON object');
    for (const field of ['Id', 'ProductArn', 'UpdatedAt'] as const) {
      if (typeof record[field] !== 'string' || record[field] === '') {
        throw new RecordError(`missing or non-text required field ${field}`);
      }
    }
    try {
      const byLower = new Map(Object.entries(record).map(([k, v]) => [k.toLowerCase(), v]));
      const row: Record<string, unknown> = {};
      for (const column of OWN_COLUMNS)
        row[column.name] = conform(byLower.get(column.name), column.type, column.name);
      const resources = byLower.get('resources');
      const first = Array.isArray(resources) && isObject(resources[0]) ? resources[0] : {};
      row.resource_type = typeof first.Type === 'string' ? first.Type : null;
      row.resource_id = typeof first.Id === 'string' ? first.Id : null;
      const ts = parseTimestamp(record.UpdatedAt, 'UpdatedAt');
      row.ts = ts;
      row.event_id = `${record.Id}@${ts.toISOString()}`;
      row.ingest_ts = ctx.ingestTs;
      row.source_object = ctx.sourceObject;
      return [{ table: 'securityhub', row }];
    } catch (err) {
      if (err instanceof ConformError) throw new RecordError(err.message);
      throw err;
    }
  },
  sample: securityhubSampleFiles,
};
