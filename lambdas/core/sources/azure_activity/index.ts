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
import { azureActivityIdentityRows } from './identity.js';
import { azureActivitySampleFiles } from './sample.js';
import { azureActivitySchema } from './schema.js';

const COLUMNS = ownColumns(azureActivitySchema);
const UPN_CLAIM = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn';
const OID_CLAIM = 'http://schemas.microsoft.com/identity/claims/objectidentifier';

/** Text of a value, or of the `value` of a `{value, localizedValue}` pair (the REST API's spelling). */
function pairValue(v: unknown): unknown {
  return isObject(v) && 'value' in v ? v.value : v;
}

/**
 * The export schema of a record. Records from the Activity Log REST API (eventTimestamp,
 * {value, localizedValue} pairs, httpRequest) are mapped onto it so one table holds both.
 */
function asExport(record: JsonRecord): JsonRecord {
  if (pick(record, 'eventTimestamp') === undefined) return record;
  return {
    time: pick(record, 'eventTimestamp'),
    resourceId: pick(record, 'resourceId'),
    operationName: pairValue(pick(record, 'operationName')),
    category: pairValue(pick(record, 'category')),
    resultType: pairValue(pick(record, 'status')),
    resultSignature: pairValue(pick(record, 'subStatus')),
    callerIpAddress: pick(record, 'httpRequest', 'clientIpAddress'),
    correlationId: pick(record, 'correlationId'),
    level: pick(record, 'level'),
    tenantId: pick(record, 'tenantId'),
    caller: pick(record, 'caller'),
    identity: { authorization: pick(record, 'authorization'), claims: pick(record, 'claims') },
    properties: pick(record, 'properties'),
    eventDataId: pick(record, 'eventDataId'),
  };
}

/** Subscription, resource group and provider from an ARM id (`/subscriptions/S/resourceGroups/G/providers/P/...`). */
function armParts(resourceId: string | undefined): {
  subscription?: string;
  group?: string;
  provider?: string;
} {
  if (!resourceId) return {};
  const parts = resourceId.split('/');
  const after = (name: string) => {
    const i = parts.findIndex((p) => p.toLowerCase() === name);
    return i >= 0 ? parts[i + 1] : undefined;
  };
  const out: { subscription?: string; group?: string; provider?: string } = {};
  const subscription = after('subscriptions');
  const group = after('resourcegroups');
  const provider = after('providers');
  if (subscription) out.subscription = subscription.toLowerCase();
  if (group) out.group = group;
  if (provider) out.provider = provider;
  return out;
}

export const azureActivity: SourceModule = {
  name: 'azure_activity',
  description:
    'Azure Activity Log: the diagnostic-settings export (NDJSON blobs under insights-activity-logs/ or {"records": [...]} from Event Hubs), or REST API events ({"value": [...]}).',
  tables: [azureActivitySchema, identityEventsSchema],
  keyPatterns: [/(^|\/)insights-activity-logs\//i, /(^|\/)azure[-_]?activity\//i],
  detect(record) {
    if (!isObject(record)) return false;
    const r = asExport(record);
    const op = pickText(r, 'operationName') ?? '';
    return (
      /^microsoft\.[a-z]+\//i.test(op) && pick(r, 'resourceId') !== undefined && pick(r, 'time') !== undefined
    );
  },
  unwrap(document) {
    if (!isObject(document)) return undefined;
    for (const key of ['records', 'value']) {
      const list = document[key];
      if (Array.isArray(list)) return list;
    }
    return undefined;
  },
  normalise(record, ctx): TableRow[] {
    if (!isObject(record)) throw new RecordError('record is not a JSON object');
    const r = asExport(record);
    const operation = pickText(r, 'operationName');
    if (!operation) throw new RecordError('missing or non-text required field operationName');
    const ts = eventTime(pick(r, 'time'), 'time');
    const byLower = lowerKeys(r);
    const claims = pick(r, 'identity', 'claims');
    const arm = armParts(pickText(r, 'resourceId'));
    const derived: Record<string, unknown> = {
      caller:
        pickText(r, 'caller') ??
        pickText(claims, UPN_CLAIM) ??
        pickText(claims, OID_CLAIM) ??
        pickText(claims, 'appid'),
      subscriptionid: arm.subscription,
      resourcegroup: arm.group,
      resourceprovider: arm.provider,
      time: ts,
    };
    const lookup = (c: string) => (c in derived ? derived[c] : byLower.get(c));
    // The export has no per-record id; eventDataId where the API gives one, else the content hash.
    const eventId =
      pickText(r, 'eventDataId') ?? pickText(r, 'properties', 'eventDataId') ?? contentId(record);
    const row = buildRow(COLUMNS, lookup, { ts, eventId }, ctx);
    return [{ table: azureActivitySchema.name, row }, ...azureActivityIdentityRows(r, row, rowRef(row))];
  },
  sample: azureActivitySampleFiles,
};
