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
import { entraAuditIdentityRows, entraSigninIdentityRows } from './identity.js';
import { entraSampleFiles } from './sample.js';
import { entraAuditSchema, entraSigninSchema } from './schema.js';

const SIGNIN_CATEGORIES = new Set([
  'signinlogs',
  'noninteractiveusersigninlogs',
  'serviceprincipalsigninlogs',
  'managedidentitysigninlogs',
]);
const ENVELOPE = new Set([
  'operationname',
  'resulttype',
  'resultsignature',
  'resultdescription',
  'tenantid',
  'calleripaddress',
  'level',
]);
const SIGNIN_COLUMNS = ownColumns(entraSigninSchema);
const AUDIT_COLUMNS = ownColumns(entraAuditSchema);

/** A record as one of the two resources, with the export envelope around it when there is one. */
interface Shaped {
  kind: 'signin' | 'audit';
  props: JsonRecord;
  envelope: JsonRecord | undefined;
}

const looksLikeAudit = (r: unknown) =>
  pick(r, 'activityDateTime') !== undefined ||
  pick(r, 'loggedByService') !== undefined ||
  pick(r, 'activityDisplayName') !== undefined;
const looksLikeSignin = (r: unknown) =>
  pick(r, 'createdDateTime') !== undefined &&
  (pick(r, 'userPrincipalName') !== undefined || pick(r, 'appId') !== undefined);

function shape(record: unknown): Shaped | string {
  if (!isObject(record)) return 'record is not a JSON object';
  const props = pick(record, 'properties');
  const category = pickText(record, 'category');
  if (isObject(props) && category !== undefined) {
    if (SIGNIN_CATEGORIES.has(category.toLowerCase())) return { kind: 'signin', props, envelope: record };
    // Some re-shippers put the audit category (UserManagement, Policy...) where AuditLogs belongs.
    if (category.toLowerCase() === 'auditlogs' || looksLikeAudit(props)) {
      return { kind: 'audit', props, envelope: record };
    }
    return `unsupported Entra ID log category ${JSON.stringify(category)}: expected a sign-in category or AuditLogs`;
  }
  if (looksLikeAudit(record)) return { kind: 'audit', props: record, envelope: undefined };
  if (looksLikeSignin(record)) return { kind: 'signin', props: record, envelope: undefined };
  return 'neither an Entra ID sign-in (createdDateTime) nor a directory audit (activityDateTime) record';
}

/** Envelope columns of a Graph record, derived from the resource so both shapes fill them. */
function derivedEnvelope(s: Shaped, column: string): unknown {
  const p = s.props;
  const signin = s.kind === 'signin';
  switch (column) {
    case 'operationname':
      return signin ? 'Sign-in activity' : pick(p, 'activityDisplayName');
    case 'resulttype':
      return signin ? pick(p, 'status', 'errorCode') : undefined;
    case 'resultdescription':
      return signin ? pick(p, 'status', 'failureReason') : pick(p, 'resultReason');
    case 'tenantid':
      return pick(p, 'tenantId') ?? pick(p, 'resourceTenantId');
    case 'calleripaddress':
      return signin ? pick(p, 'ipAddress') : pick(p, 'initiatedBy', 'user', 'ipAddress');
    default:
      return undefined;
  }
}

function signinCategory(s: Shaped): string {
  if (s.envelope) return pickText(s.envelope, 'category') as string;
  if (pick(s.props, 'userPrincipalName') === undefined && pick(s.props, 'servicePrincipalId') !== undefined) {
    return 'ServicePrincipalSignInLogs';
  }
  return pick(s.props, 'isInteractive') === false ? 'NonInteractiveUserSignInLogs' : 'SignInLogs';
}

function auditCategory(s: Shaped): unknown {
  const own = pick(s.props, 'category');
  if (own !== undefined) return own;
  const outer = s.envelope ? pickText(s.envelope, 'category') : undefined;
  return outer?.toLowerCase() === 'auditlogs' ? undefined : outer;
}

export const entraId: SourceModule = {
  name: 'entra_id',
  description:
    'Entra ID (Azure AD) sign-in and audit logs: the diagnostic-settings export (NDJSON blobs or {"records": [...]}) and Graph API pages ({"value": [...]}).',
  tables: [entraSigninSchema, entraAuditSchema, identityEventsSchema],
  keyPatterns: [
    /(^|\/)insights-logs-(signinlogs|noninteractiveusersigninlogs|serviceprincipalsigninlogs|managedidentitysigninlogs|auditlogs)\//i,
    /(^|\/)(entra[-_]?id|azure[-_]?ad)\//i,
  ],
  detect(record) {
    const s = shape(record);
    if (typeof s === 'string') return false;
    return (
      s.envelope !== undefined ||
      (s.kind === 'audit' ? pick(record, 'initiatedBy') !== undefined : pick(record, 'status') !== undefined)
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
    const s = shape(record);
    if (typeof s === 'string') throw new RecordError(s);
    const signin = s.kind === 'signin';
    const timeField = signin ? 'createdDateTime' : 'activityDateTime';
    const ts = eventTime(
      pick(s.props, timeField) ?? (s.envelope ? pick(s.envelope, 'time') : undefined),
      s.envelope ? `properties.${timeField} or time` : timeField,
    );
    const props = lowerKeys(s.props);
    const envelope = s.envelope ? lowerKeys(s.envelope) : undefined;
    const lookup = (column: string): unknown => {
      if (column === 'category') return signin ? signinCategory(s) : auditCategory(s);
      if (column === (signin ? 'createddatetime' : 'activitydatetime')) return ts;
      if (ENVELOPE.has(column))
        return envelope ? (envelope.get(column) ?? props.get(column)) : derivedEnvelope(s, column);
      return props.get(column);
    };
    // The resource id is Entra's; hand-trimmed exports without one still get a re-ingest-stable id.
    const eventId = pickText(s.props, 'id') ?? contentId(record);
    const schema = signin ? entraSigninSchema : entraAuditSchema;
    const row = buildRow(signin ? SIGNIN_COLUMNS : AUDIT_COLUMNS, lookup, { ts, eventId }, ctx);
    const identity = signin
      ? entraSigninIdentityRows(row, rowRef(row))
      : entraAuditIdentityRows(s.props, row, rowRef(row));
    return [{ table: schema.name, row }, ...identity];
  },
  sample: entraSampleFiles,
};
