import { isObject, pick, pickText } from '../../identity/record.js';
import { identityRow, type SourceRowRef } from '../../identity/rows.js';
import type { IdentityEventType, IdentityOutcome } from '../../identity/schema.js';
import type { TableRow } from '../types.js';

/** Entra error codes that mean "MFA was required and asked for" rather than a failed sign-in. */
const MFA_REQUIRED = new Set([50072, 50074, 50076, 50079]);
/** "Authentication failed during strong authentication request": the MFA step itself failed. */
const MFA_FAILED = 500121;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** identity_events for a sign-in, read from the finished (conformed, lower-cased) row. */
export function entraSigninIdentityRows(row: Record<string, unknown>, ref: SourceRowRef): TableRow[] {
  const status = (row.status ?? {}) as {
    errorcode?: number | null;
    failurereason?: string | null;
    additionaldetails?: string | null;
  };
  const code = status.errorcode ?? (row.resulttype === null ? undefined : Number(row.resulttype));
  const category = String(row.category ?? '').toLowerCase();
  let type: IdentityEventType = 'login';
  let outcome: IdentityOutcome =
    code === undefined || Number.isNaN(code) ? 'unknown' : code === 0 ? 'success' : 'failure';
  if (category === 'noninteractiveusersigninlogs') type = 'token_issued';
  if (code !== undefined && MFA_REQUIRED.has(code)) {
    type = 'mfa_challenge';
    outcome = 'unknown';
  } else if (code === MFA_FAILED) {
    type = /denied|declined/i.test(status.additionaldetails ?? '') ? 'mfa_denied' : 'mfa_failure';
  }
  const device = (row.devicedetail ?? {}) as { operatingsystem?: string | null; browser?: string | null };
  const location = (row.location ?? {}) as { countryorregion?: string | null; city?: string | null };
  const mfa = (row.mfadetail ?? {}) as { authmethod?: string | null };
  const reason = [status.failurereason ?? str(row.resultdescription), status.additionaldetails]
    .filter((s): s is string => typeof s === 'string' && s !== '' && s !== 'Other.')
    .join('; ');
  return [
    identityRow(ref, {
      provider: 'entra_id',
      eventType: type,
      outcome,
      user: str(row.userprincipalname) ?? str(row.serviceprincipalname) ?? str(row.serviceprincipalid),
      userId: str(row.userid) ?? str(row.serviceprincipalid),
      sourceIp: str(row.ipaddress) ?? str(row.calleripaddress),
      userAgent: str(row.useragent),
      device: device.operatingsystem ?? device.browser,
      country: location.countryorregion,
      city: location.city,
      sessionId: str(row.sessionid),
      reason: outcome === 'success' ? undefined : reason,
      mfaMethod: mfa.authmethod,
    }),
  ];
}

function auditType(activity: string): IdentityEventType | undefined {
  if (/member.* to role|member from role|eligible member|elevated their access/i.test(activity))
    return 'privilege_change';
  if (/^reset (user )?password|^reset password/i.test(activity)) return 'password_reset';
  if (/^change (user )?password/i.test(activity)) return 'password_change';
  if (/^add user$/i.test(activity)) return 'account_created';
  if (/^(hard )?delete user$/i.test(activity)) return 'account_deleted';
  return undefined;
}

/** Role names in audit records are JSON-quoted strings ("\"Global Administrator\""). */
function unquote(value: unknown): string | undefined {
  const s = str(value);
  if (!s) return undefined;
  try {
    const parsed: unknown = JSON.parse(s);
    return typeof parsed === 'string' ? parsed : s;
  } catch {
    return s;
  }
}

function roleOf(targets: unknown[], activity: string): string | undefined {
  for (const t of targets) {
    if (pickText(t, 'type')?.toLowerCase() === 'role') return pickText(t, 'displayName');
    const props = pick(t, 'modifiedProperties');
    if (!Array.isArray(props)) continue;
    const role = props.find((p) => /^role\.displayname$/i.test(pickText(p, 'displayName') ?? ''));
    if (role) return unquote(pick(role, 'newValue')) ?? unquote(pick(role, 'oldValue'));
  }
  const elevated = /to (.+) for their/i.exec(activity);
  return elevated?.[1];
}

/** identity_events for a directory audit that changes an account's credentials, existence or roles. */
export function entraAuditIdentityRows(
  props: Record<string, unknown>,
  row: Record<string, unknown>,
  ref: SourceRowRef,
): TableRow[] {
  const activity = str(row.activitydisplayname) ?? str(row.operationname) ?? '';
  const type = auditType(activity);
  if (!type) return [];
  const rawTargets = pick(props, 'targetResources');
  const targets = Array.isArray(rawTargets) ? rawTargets.filter(isObject) : [];
  const targetUser = targets.find((t) => pickText(t, 'type')?.toLowerCase() === 'user');
  const initiator =
    pickText(props, 'initiatedBy', 'user', 'userPrincipalName') ??
    pickText(props, 'initiatedBy', 'app', 'displayName');
  const user = pickText(targetUser, 'userPrincipalName') ?? initiator;
  const result = str(row.result)?.toLowerCase() ?? str(pick(props, 'result'))?.toLowerCase();
  return [
    identityRow(ref, {
      provider: 'entra_id',
      eventType: type,
      outcome: result === 'success' ? 'success' : result === 'failure' ? 'failure' : 'unknown',
      user,
      userId: pickText(targetUser, 'id') ?? pickText(props, 'initiatedBy', 'user', 'id'),
      actor: initiator && initiator.toLowerCase() !== user?.toLowerCase() ? initiator : undefined,
      sourceIp: pickText(props, 'initiatedBy', 'user', 'ipAddress') ?? str(row.calleripaddress),
      reason: str(row.resultreason) ?? activity,
      target: type === 'privilege_change' ? roleOf(targets, activity) : undefined,
    }),
  ];
}
