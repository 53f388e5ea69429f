import { type IdentityEventType, type IdentityOutcome, identityEventsSchema } from '../../identity/schema.js';
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
import { slackAuditSampleFiles } from './sample.js';
import { slackAuditSchema } from './schema.js';

const COLUMNS = ownColumns(slackAuditSchema).filter((c) => c.name !== 'date_create');

const IDENTITY: Record<string, [IdentityEventType, IdentityOutcome]> = {
  user_login: ['login', 'success'],
  user_login_failed: ['login', 'failure'],
  user_logout: ['logout', 'success'],
  role_change_to_admin: ['privilege_change', 'success'],
  role_change_to_owner: ['privilege_change', 'success'],
  user_created: ['account_created', 'success'],
  user_deactivated: ['account_deleted', 'success'],
};

/** A role change is about the member (entity) and done by the actor; the rest are about the actor. */
function identity(r: JsonRecord): Parameters<typeof identityRow>[0] | undefined {
  const action = text(r.action) ?? '';
  const kind = Object.hasOwn(IDENTITY, action) ? IDENTITY[action] : undefined; // not "constructor"
  if (!kind) return undefined;
  const privilege = kind[0] === 'privilege_change';
  const subject = text(getPath(r, 'entity.user.email')) ?? text(getPath(r, 'entity.user.name'));
  const actor = text(getPath(r, 'actor.user.email')) ?? text(getPath(r, 'actor.user.name'));
  return {
    provider: 'slack',
    event_type: kind[0],
    outcome: kind[1],
    user_name: privilege ? subject : actor,
    actor: privilege ? actor : null,
    user_id: text(getPath(r, privilege ? 'entity.user.id' : 'actor.user.id')),
    source_ip: text(getPath(r, 'context.ip_address')),
    user_agent: text(getPath(r, 'context.ua')),
    session_id: text(getPath(r, 'context.session_id')),
    reason: action,
    target: privilege ? action.replace('role_change_to_', '') : null,
  };
}

export const slack: SourceModule = {
  name: 'slack',
  description:
    'Slack Audit Logs API entries: API pages ({"entries": [...], "response_metadata": ...}), ' +
    'a JSON array or NDJSON.',
  tables: [slackAuditSchema, identityEventsSchema],
  keyPatterns: [/(^|\/)slack[-_]?audit/i],
  detect(record) {
    return (
      isObject(record) &&
      typeof record.action === 'string' &&
      isObject(record.actor) &&
      isObject(record.context) &&
      'date_create' in record
    );
  },
  unwrap(document) {
    if (isObject(document) && Array.isArray(document.entries)) return document.entries;
    return undefined;
  },
  normalise(record, ctx): TableRow[] {
    if (!isObject(record)) throw new RecordError('record is not a JSON object');
    if (typeof record.action !== 'string' || record.action === '') {
      throw new RecordError('missing or non-text required field action');
    }
    if (!isObject(record.actor)) throw new RecordError('missing required object actor');
    // date_create is epoch seconds; Panther's copies rewrite it as "2021-06-08 22:16:15".
    const ts = eventTime(record, ['date_create'], 's');
    const eventId = text(record.id) ?? contentId('slack-', record);
    const own = { ...nativeRow(record, COLUMNS), date_create: ts };
    const rows = [tableRow('slack_audit', own, ts, eventId, ctx)];
    const who = identity(record);
    if (who) rows.push(identityRow(who, eventId, ts, ctx));
    return rows;
  },
  sample: slackAuditSampleFiles,
};
