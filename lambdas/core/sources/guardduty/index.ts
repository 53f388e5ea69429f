import { ConformError, conform, parseTimestamp } from '../../schema/conform.js';
import { RecordError, type SourceModule, type TableRow } from '../types.js';
import { guarddutySampleFiles } from './sample.js';
import { guarddutySchema } from './schema.js';

const OWN_COLUMNS = guarddutySchema.columns.filter(
  (c) =>
    !['ts', 'event_id', 'ingest_ts', 'source_object', 'severity_label', 'resource_type'].includes(c.name),
);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A finding inside an EventBridge event (detail-type "GuardDuty Finding"), else the record itself. */
function findingOf(record: unknown): unknown {
  if (isObject(record) && record['detail-type'] === 'GuardDuty Finding') return record.detail;
  return record;
}

function looksLikeFinding(record: unknown): boolean {
  return (
    isObject(record) &&
    typeof record.schemaVersion === 'string' &&
    typeof record.type === 'string' &&
    'severity' in record &&
    typeof record.arn === 'string' &&
    record.arn.includes(':guardduty:')
  );
}

export function severityLabel(severity: number): string {
  return severity >= 9 ? 'Critical' : severity >= 7 ? 'High' : severity >= 4 ? 'Medium' : 'Low';
}

export const guardduty: SourceModule = {
  name: 'guardduty',
  description:
    'Amazon GuardDuty findings: exported to S3 (JSON lines, gzip), as EventBridge "GuardDuty Finding" events, or a GetFindings response.',
  tables: [guarddutySchema],
  keyPatterns: [/(^|\/)AWSLogs\/(o-[a-z0-9]+\/)?\d{12}\/GuardDuty\//, /(^|\/)guardduty\//i],
  detect(record) {
    return (isObject(record) && record['detail-type'] === 'GuardDuty Finding') || looksLikeFinding(record);
  },
  unwrap(document) {
    if (isObject(document) && Array.isArray(document.findings)) return document.findings;
    if (isObject(document) && Array.isArray(document.Findings) && document.Findings.some(looksLikeFinding)) {
      return document.Findings;
    }
    return undefined;
  },
  normalise(record, ctx): TableRow[] {
    const finding = findingOf(record);
    if (!isObject(finding)) throw new RecordError('finding is not a JSON object');
    for (const field of ['id', 'type', 'updatedAt'] as const) {
      if (typeof finding[field] !== 'string' || finding[field] === '') {
        throw new RecordError(`missing or non-text required field ${field}`);
      }
    }
    try {
      const byLower = new Map(Object.entries(finding).map(([k, v]) => [k.toLowerCase(), v]));
      const row: Record<string, unknown> = {};
      for (const column of OWN_COLUMNS)
        row[column.name] = conform(byLower.get(column.name), column.type, column.name);
      if (typeof row.severity !== 'number') throw new RecordError('missing severity');
      row.severity_label = severityLabel(row.severity);
      const resource = byLower.get('resource');
      row.resource_type =
        isObject(resource) && typeof resource.resourceType === 'string' ? resource.resourceType : null;
      const ts = parseTimestamp(finding.updatedAt, 'updatedAt');
      row.ts = ts;
      // A finding keeps its id across updates; each update is its own event.
      row.event_id = `${finding.id}@${ts.toISOString()}`;
      row.ingest_ts = ctx.ingestTs;
      row.source_object = ctx.sourceObject;
      return [{ table: 'guardduty', row }];
    } catch (err) {
      if (err instanceof ConformError) throw new RecordError(err.message);
      throw err;
    }
  },
  sample: guarddutySampleFiles,
};
