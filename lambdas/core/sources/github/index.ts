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
import { type NormaliseContext, RecordError, type SourceModule, type TableRow } from '../types.js';
import { githubAuditSampleFiles } from './sample.js';
import { githubAuditSchema } from './schema.js';

const COLUMNS = ownColumns(githubAuditSchema).filter((c) => c.name !== 'details' && c.name !== 'created_at');
const KNOWN = new Set([...COLUMNS.map((c) => c.name), '_document_id', '@timestamp', 'created_at']);
/** GitHub Enterprise Server forwards the audit log over syslog: `<190>May 22 12:05:54 host github_audit: {}`. */
const GHES_SYSLOG = /\bgithub_audit: (\{.*\})\s*$/s;

const IDENTITY: Record<string, [IdentityEventType, IdentityOutcome]> = {
  'user.login': ['login', 'success'],
  'user.failed_login': ['login', 'failure'],
  'user.logout': ['logout', 'success'],
  'user.two_factor_challenge_success': ['mfa_success', 'success'],
  'user.two_factor_challenge_failure': ['mfa_failure', 'failure'],
  'org.add_member': ['privilege_change', 'success'],
  'org.update_member': ['privilege_change', 'success'],
  'org.remove_member': ['privilege_change', 'success'],
  'team.add_member': ['privilege_change', 'success'],
  'team.promote_maintainer': ['privilege_change', 'success'],
  'repo.add_member': ['privilege_change', 'success'],
  'repo.update_member': ['privilege_change', 'success'],
  'business.add_admin': ['privilege_change', 'success'],
  'organization_moderators.add_user': ['privilege_change', 'success'],
  'oauth_access.create': ['token_issued', 'success'],
  'oauth_authorization.create': ['token_issued', 'success'],
  'personal_access_token.access_granted': ['token_issued', 'success'],
  'personal_access_token.request_created': ['token_issued', 'unknown'],
  'org_credential_authorization.grant': ['token_issued', 'success'],
  'public_key.create': ['token_issued', 'success'],
};

/** The audit event inside a GHES syslog line, else the record itself. */
function unwrapSyslog(record: JsonRecord): JsonRecord {
  if (typeof record.message !== 'string' || 'action' in record) return record;
  const json = GHES_SYSLOG.exec(record.message)?.[1];
  if (!json) return record;
  try {
    const inner: unknown = JSON.parse(json);
    if (isObject(inner)) return inner;
  } catch {
    // fall through: reported below as a syslog line without an audit event
  }
  throw new RecordError('GHES syslog message: the text after "github_audit:" is not a JSON object');
}

/**
 * A privilege change is about the member (`user`, else the team) and done by the actor; target is the
 * role granted, reason the action with the role it replaced. Sign-ins and tokens are about the actor.
 */
function identity(record: JsonRecord, eventId: string, ts: Date, ctx: NormaliseContext): TableRow[] {
  const action = String(record.action);
  const kind = Object.hasOwn(IDENTITY, action) ? IDENTITY[action] : undefined; // not "constructor"
  if (!kind) return [];
  const actor = text(record.actor);
  const privilege = kind[0] === 'privilege_change';
  const role = text(record.permission) ?? text(getPath(record, 'data.permission')) ?? text(record.role);
  const old = text(record.old_permission);
  const target = privilege
    ? (role ?? text(record.team))
    : kind[0] === 'token_issued'
      ? (text(record.token_scopes) ?? text(record.programmatic_access_type))
      : null;
  const fields = {
    provider: 'github',
    event_type: kind[0],
    outcome: kind[1],
    user_name: privilege ? (text(record.user) ?? text(record.team) ?? actor) : actor,
    actor: privilege ? actor : null,
    user_id: privilege ? text(record.user_id) : text(record.actor_id),
    source_ip: text(record.actor_ip),
    user_agent: text(record.user_agent),
    country: text(getPath(record, 'actor_location.country_code')),
    reason: old ? `${action} (was ${old})` : action,
    target,
  };
  return [identityRow(fields, eventId, ts, ctx)];
}

export const github: SourceModule = {
  name: 'github',
  description:
    'GitHub audit log: audit log streaming objects (gzip NDJSON), REST API pages (JSON array) ' +
    'or GHES syslog lines.',
  tables: [githubAuditSchema, identityEventsSchema],
  // Specific names only: a bare `github/` would claim any file under a ~/github/ checkout.
  keyPatterns: [/(^|\/)github[-_]?audit/i],
  detect(record) {
    if (!isObject(record)) return false;
    if (typeof record.message === 'string') return GHES_SYSLOG.test(record.message);
    return (
      typeof record.action === 'string' &&
      'actor' in record &&
      ('_document_id' in record || '@timestamp' in record || 'org' in record || 'business' in record)
    );
  },
  unwrap() {
    return undefined;
  },
  normalise(input, ctx): TableRow[] {
    if (!isObject(input)) throw new RecordError('record is not a JSON object');
    const record = unwrapSyslog(input);
    const action = record.action;
    if (typeof action !== 'string' || action === '')
      throw new RecordError('missing or non-text required field action');
    if (!action.includes('.')) {
      throw new RecordError(
        `action ${JSON.stringify(action)} is not category.operation: a webhook payload, not an audit event`,
      );
    }
    // @timestamp and created_at are epoch ms; Panther's archives rename @timestamp at_sign_timestamp.
    const ts = eventTime(record, ['@timestamp', 'created_at', 'at_sign_timestamp'], 'ms');
    const documentId = text(record._document_id);
    const eventId = documentId ?? contentId('gh-', record);
    const own = nativeRow(record, COLUMNS, { document_id: '_document_id' });
    const created = record.created_at;
    own.created_at = created === undefined || created === null ? ts : eventTime(record, ['created_at'], 'ms');
    const rest = Object.fromEntries(Object.entries(record).filter(([k]) => !KNOWN.has(k.toLowerCase())));
    own.details = Object.keys(rest).length > 0 ? JSON.stringify(rest) : null;
    return [tableRow('github_audit', own, ts, eventId, ctx), ...identity(record, eventId, ts, ctx)];
  },
  sample: githubAuditSampleFiles,
};
