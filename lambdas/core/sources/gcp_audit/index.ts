import { identityEventsSchema } from '../../identity/schema.js';
import {
  contentId,
  eventTime,
  getPath,
  identityRow,
  isObject,
  type JsonRecord,
  nativeRow,
  ownColumns,
  tableRow,
  text,
} from '../custom/native.js';
import { RecordError, type SourceModule, type TableRow } from '../types.js';
import { gcpAuditSampleFiles } from './sample.js';
import { gcpAuditSchema } from './schema.js';

const COLUMNS = ownColumns(gcpAuditSchema);

/** A Pub/Sub push delivery (`{"message": {"data": base64}, "subscription": ...}`) holds one LogEntry. */
function fromPubSub(record: JsonRecord): unknown {
  const data = getPath(record, 'message.data');
  if (typeof data !== 'string' || !('subscription' in record)) return record;
  try {
    return JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch {
    throw new RecordError('Pub/Sub message.data is not base64 JSON of a LogEntry');
  }
}

/** A member without its kind prefix: `user:ana@example.com` -> `ana@example.com`. */
const memberName = (member: string) =>
  member.replace(/^(user|group|serviceAccount|domain|deleted:user):/, '');

interface Change {
  /** The account whose privileges changed, else (a whole new policy) the principal who set it. */
  user: string;
  actor: string | null;
  target: string | null;
}

/**
 * What a policy change did: with policyDelta (Cloud Audit Logs' record of the difference), one
 * change per binding delta, about its member; without it, one change naming the new policy's roles.
 */
function changes(payload: JsonRecord, principal: string): Change[] {
  const deltas = getPath(payload, 'serviceData.policyDelta.bindingDeltas');
  if (Array.isArray(deltas) && deltas.length > 0) {
    return deltas.filter(isObject).map((d) => ({
      user: memberName(text(d.member) ?? '?'),
      actor: principal,
      target: `${text(d.action) ?? 'CHANGE'} ${text(d.role) ?? '?'}`,
    }));
  }
  const bindings = getPath(payload, 'request.policy.bindings');
  const roles = Array.isArray(bindings) ? bindings.filter(isObject).map((b) => text(b.role) ?? '?') : [];
  return [{ user: principal, actor: null, target: roles.length > 0 ? `SET ${roles.join(', ')}` : null }];
}

/** SetIamPolicy (any service) and GCS's setIamPermissions, made by a person rather than a service account. */
function identityOf(payload: JsonRecord): Change[] {
  const method = text(payload.methodName) ?? '';
  if (!/(^|\.)SetIamPolicy$/i.test(method) && method !== 'storage.setIamPermissions') return [];
  const email = text(getPath(payload, 'authenticationInfo.principalEmail'));
  const subject = text(getPath(payload, 'authenticationInfo.principalSubject'));
  if (!email || /\.gserviceaccount\.com$/i.test(email)) return [];
  if (subject && !subject.startsWith('user:')) return [];
  return changes(payload, email);
}

export const gcpAudit: SourceModule = {
  name: 'gcp_audit',
  description:
    "Google Cloud Audit Logs LogEntry records: a log sink's NDJSON files in GCS, an entries.list " +
    'response ({"entries": [...]}), a JSON array, or Pub/Sub push messages.',
  tables: [gcpAuditSchema, identityEventsSchema],
  keyPatterns: [/(^|\/)cloudaudit\.googleapis\.com(%2F|\/)/i, /(^|\/)gcp[_-]audit\//i],
  detect(record) {
    if (!isObject(record)) return false;
    const type = getPath(record, 'protoPayload.@type');
    const log = text(record.logName) ?? '';
    return (
      type === 'type.googleapis.com/google.cloud.audit.AuditLog' || log.includes('cloudaudit.googleapis.com')
    );
  },
  unwrap(document) {
    if (isObject(document) && Array.isArray(document.entries) && !('response_metadata' in document))
      return document.entries;
    return undefined;
  },
  normalise(input, ctx): TableRow[] {
    if (!isObject(input)) throw new RecordError('record is not a JSON object');
    const record = fromPubSub(input);
    if (!isObject(record)) throw new RecordError('Pub/Sub message holds no LogEntry object');
    const payload = getPath(record, 'protoPayload');
    if (!isObject(payload)) {
      throw new RecordError(
        'not a Cloud Audit Logs entry: no protoPayload object ' +
          '(jsonPayload/textPayload logs are not audit logs)',
      );
    }
    if (typeof payload.methodName !== 'string' || payload.methodName === '') {
      throw new RecordError('missing or non-text required field protoPayload.methodName');
    }
    // Cloud Logging fills timestamp from receiveTimestamp when the writer gave none.
    const ts = eventTime(record, ['timestamp', 'receiveTimestamp']);
    // (logName, timestamp, insertId) identifies an entry: Logging treats equal triples as duplicates.
    const insertId = text(getPath(record, 'insertId'));
    const eventId = insertId
      ? contentId('gcp-', [text(getPath(record, 'logName')), ts.toISOString(), insertId])
      : contentId('gcp-', record);
    const rows = [tableRow('gcp_audit', nativeRow(record, COLUMNS), ts, eventId, ctx)];
    const code = Number(getPath(payload, 'status.code') ?? 0);
    const found = identityOf(payload);
    found.forEach((change, part) => {
      const fields = {
        provider: 'gcp',
        event_type: 'privilege_change' as const,
        outcome: code === 0 ? ('success' as const) : ('failure' as const),
        user_name: change.user,
        actor: change.actor,
        source_ip: text(getPath(payload, 'requestMetadata.callerIp')),
        user_agent: text(getPath(payload, 'requestMetadata.callerSuppliedUserAgent')),
        reason: `${payload.methodName} on ${text(payload.resourceName) ?? '?'}`,
        target: change.target,
      };
      rows.push(identityRow(fields, eventId, ts, ctx, found.length > 1 ? part : undefined));
    });
    return rows;
  },
  sample: gcpAuditSampleFiles,
};
