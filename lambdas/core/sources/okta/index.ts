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
import { oktaIdentityRows } from './identity.js';
import { oktaSampleFiles } from './sample.js';
import { oktaSchema } from './schema.js';

const COLUMNS = ownColumns(oktaSchema);

/**
 * Okta's log streaming to Amazon EventBridge wraps each LogEvent as an event's `detail`
 * (`detail-type: SystemLog`); the System Log API and its exports give LogEvents bare.
 */
function logEventOf(record: unknown): unknown {
  if (isObject(record) && record['detail-type'] === 'SystemLog' && isObject(record.detail))
    return record.detail;
  return record;
}

export const okta: SourceModule = {
  name: 'okta',
  description:
    'Okta System Log: the /api/v1/logs JSON array, NDJSON exports, or EventBridge log-stream events (detail = LogEvent).',
  tables: [oktaSchema, identityEventsSchema],
  keyPatterns: [/(^|\/)okta\//i, /(^|\/)okta[-_]system[-_]?log/i],
  detect(record) {
    const event = logEventOf(record);
    return (
      isObject(event) &&
      /^[a-z0-9_]+(\.[a-zA-Z0-9_]+)+$/.test(pickText(event, 'eventType') ?? '') &&
      isObject(pick(event, 'actor')) &&
      (pick(event, 'published') !== undefined || pick(event, 'uuid') !== undefined)
    );
  },
  unwrap() {
    // The API returns a plain JSON array of LogEvents, which the decoder already reads as records.
    return undefined;
  },
  normalise(record, ctx): TableRow[] {
    const event = logEventOf(record);
    if (!isObject(event)) throw new RecordError('record is not a JSON object');
    const eventType = pickText(event, 'eventType');
    if (!eventType) throw new RecordError('missing or non-text required field eventType');
    const ts = eventTime(pick(event, 'published'), 'published');
    const byLower = lowerKeys(event);
    // The uuid is Okta's; a trimmed export without one still gets an id that survives re-ingest.
    const eventId = pickText(event, 'uuid') ?? contentId(event);
    const row = buildRow(COLUMNS, (c) => byLower.get(c), { ts, eventId }, ctx);
    return [{ table: oktaSchema.name, row }, ...oktaIdentityRows(event, eventType, rowRef(row))];
  },
  sample: oktaSampleFiles,
};
