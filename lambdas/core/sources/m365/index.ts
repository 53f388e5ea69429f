import {
  buildRow,
  contentId,
  eventTime,
  isObject,
  lowerKeys,
  ownColumns,
  pick,
  pickText,
  rowRef,
} from '../../identity/record.js';
import { identityEventsSchema } from '../../identity/schema.js';
import { RecordError, type SourceModule, type TableRow } from '../types.js';
import { m365IdentityRows } from './identity.js';
import { m365SampleFiles } from './sample.js';
import { m365Schema } from './schema.js';

const COLUMNS = ownColumns(m365Schema);
const COLUMN_NAMES = new Set(COLUMNS.map((c) => c.name));

/**
 * `detail`: the fields no column holds, so workload-specific ones (Directionality, Members,
 * SharingType...) stay queryable, plus the name/value lists flattened, since rules (and people)
 * ask for `RequestType` or `ForwardTo` as if they were fields.
 */
function detailOf(record: Record<string, unknown>): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) if (!COLUMN_NAMES.has(k.toLowerCase())) out[k] = v;
  const taken = new Set(Object.keys(record).map((k) => k.toLowerCase()));
  for (const list of [pick(record, 'ExtendedProperties'), pick(record, 'Parameters')]) {
    if (!Array.isArray(list)) continue;
    for (const pair of list) {
      const name = pickText(pair, 'Name');
      if (!name || taken.has(name.toLowerCase())) continue;
      taken.add(name.toLowerCase());
      out[name] = pick(pair, 'Value') ?? null;
    }
  }
  return Object.keys(out).length > 0 ? out : null;
}

export const m365: SourceModule = {
  name: 'm365',
  description:
    'Microsoft 365 unified audit log: Management Activity API content blobs (JSON arrays of records) or NDJSON exports.',
  tables: [m365Schema, identityEventsSchema],
  keyPatterns: [
    /(^|\/)(m365|o365|office365)[-_]?(audit)?\//i,
    /(^|\/)Audit\.(AzureActiveDirectory|Exchange|SharePoint|General|DLP\.All)\//,
  ],
  detect(record) {
    return (
      isObject(record) &&
      pickText(record, 'Operation') !== undefined &&
      pick(record, 'CreationTime') !== undefined &&
      (pick(record, 'Workload') !== undefined || pick(record, 'RecordType') !== undefined)
    );
  },
  unwrap() {
    // Content blobs are plain JSON arrays of records, which the decoder already reads.
    return undefined;
  },
  normalise(record, ctx): TableRow[] {
    if (!isObject(record)) throw new RecordError('record is not a JSON object');
    const operation = pickText(record, 'Operation');
    if (!operation) throw new RecordError('missing or non-text required field Operation');
    const ts = eventTime(pick(record, 'CreationTime'), 'CreationTime');
    const byLower = lowerKeys(record);
    const detail = detailOf(record);
    const lookup = (c: string) => (c === 'creationtime' ? ts : c === 'detail' ? detail : byLower.get(c));
    // The record's Id is Microsoft's; a trimmed export without one still gets a re-ingest-stable id.
    const eventId = pickText(record, 'Id') ?? contentId(record);
    const row = buildRow(COLUMNS, lookup, { ts, eventId }, ctx);
    return [{ table: m365Schema.name, row }, ...m365IdentityRows(record, operation, row, rowRef(row))];
  },
  sample: m365SampleFiles,
};
