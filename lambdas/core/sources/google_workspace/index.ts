import {
  buildRow,
  contentId,
  eventTime,
  isObject,
  type JsonRecord,
  lowerKeys,
  ownColumns,
  pick,
  pickText,
  rowRef,
} from '../../identity/record.js';
import { identityEventsSchema } from '../../identity/schema.js';
import { RecordError, type SourceModule, type TableRow } from '../types.js';
import { googleWorkspaceIdentityRows } from './identity.js';
import { googleWorkspaceSampleFiles } from './sample.js';
import { googleWorkspaceSchema } from './schema.js';

const COLUMNS = ownColumns(googleWorkspaceSchema);

/** A parameter's value, whichever typed field the API set. */
function parameterValue(p: JsonRecord): unknown {
  for (const field of [
    'value',
    'intValue',
    'boolValue',
    'multiValue',
    'multiIntValue',
    'messageValue',
    'multiMessageValue',
  ]) {
    if (p[field] !== undefined) return p[field];
  }
  return null;
}

/** Parameters as one object keyed by lower-cased name: the API's list, or an object already flattened by a re-shipper. */
function parametersOf(raw: unknown, where: string): JsonRecord | null {
  if (raw === undefined || raw === null) return null;
  const out: JsonRecord = {};
  if (Array.isArray(raw)) {
    raw.forEach((p, i) => {
      const name = isObject(p) ? pickText(p, 'name') : undefined;
      if (!isObject(p) || !name)
        throw new RecordError(`${where}.parameters[${i}]: expected an object with a name`);
      out[name.toLowerCase()] = parameterValue(p);
    });
    return out;
  }
  if (isObject(raw)) {
    for (const [k, v] of Object.entries(raw)) out[k.toLowerCase()] = v;
    return out;
  }
  throw new RecordError(`${where}.parameters: expected a list or an object`);
}

/** One event of an activity: the API's events[] entries, or the activity itself when a re-shipper flattened it. */
function eventsOf(activity: JsonRecord): { event: JsonRecord; index: number; where: string }[] {
  const events = pick(activity, 'events');
  if (events === undefined) return [{ event: activity, index: 0, where: 'record' }];
  if (!Array.isArray(events) || events.length === 0)
    throw new RecordError('events: expected a non-empty list');
  return events.map((e, i) => {
    if (!isObject(e)) throw new RecordError(`events[${i}]: expected an object`);
    return { event: e, index: i, where: `events[${i}]` };
  });
}

export const googleWorkspace: SourceModule = {
  name: 'google_workspace',
  description:
    'Google Workspace Reports API activities: activities.list pages ({"items": [...]}), JSON arrays or NDJSON of activities.',
  tables: [googleWorkspaceSchema, identityEventsSchema],
  keyPatterns: [/(^|\/)(google[-_]?workspace|gsuite|gworkspace)\//i],
  detect(record) {
    return (
      isObject(record) &&
      pickText(record, 'id', 'applicationName') !== undefined &&
      pick(record, 'id', 'time') !== undefined &&
      (pick(record, 'events') !== undefined || pick(record, 'name') !== undefined)
    );
  },
  unwrap(document) {
    if (
      isObject(document) &&
      Array.isArray(document.items) &&
      String(document.kind ?? '').startsWith('admin#reports')
    ) {
      return document.items;
    }
    return undefined;
  },
  normalise(record, ctx): TableRow[] {
    if (!isObject(record)) throw new RecordError('record is not a JSON object');
    const application = pickText(record, 'id', 'applicationName');
    if (!application) throw new RecordError('missing or non-text required field id.applicationName');
    const ts = eventTime(pick(record, 'id', 'time'), 'id.time');
    const activity = lowerKeys(record);
    const qualifier = pickText(record, 'id', 'uniqueQualifier');
    const rows: TableRow[] = [];
    for (const { event, index, where } of eventsOf(record)) {
      const name = pickText(event, 'name');
      const parameters = parametersOf(pick(event, 'parameters'), where);
      const own: Record<string, unknown> = {
        type: pickText(event, 'type') ?? null,
        name: name ?? null,
        parameters,
        event_index: index,
        servicename: `${application.toLowerCase()}.googleapis.com`,
      };
      const lookup = (c: string) => (c in own ? own[c] : activity.get(c));
      // Google's id (time, unique qualifier, application) names the activity; the index names the event in it.
      const eventId = qualifier
        ? `${application}:${pickText(record, 'id', 'time')}:${qualifier}:${index}`
        : `${contentId(record)}:${index}`;
      const row = buildRow(COLUMNS, lookup, { ts, eventId }, ctx);
      rows.push({ table: googleWorkspaceSchema.name, row });
      rows.push(...googleWorkspaceIdentityRows(application, name, parameters ?? {}, row, rowRef(row)));
    }
    return rows;
  },
  sample: googleWorkspaceSampleFiles,
};
