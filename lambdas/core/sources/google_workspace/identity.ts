import { identityRow, type SourceRowRef } from '../../identity/rows.js';
import type { IdentityEventType, IdentityOutcome } from '../../identity/schema.js';
import type { TableRow } from '../types.js';

type Mapping = {
  type: IdentityEventType;
  outcome?: IdentityOutcome;
  subject?: 'actor' | 'user_email';
  /** The privilege, where the event name implies it rather than a parameter naming it. */
  role?: string;
};

/** Reports API events that are identity activity, by application and event name. */
const EVENTS: Record<string, Record<string, Mapping>> = {
  login: {
    login_success: { type: 'login', outcome: 'success' },
    login_failure: { type: 'login', outcome: 'failure' },
    logout: { type: 'logout', outcome: 'success' },
    login_challenge: { type: 'mfa_challenge' },
    login_verification: { type: 'mfa_success' },
    // Google flags the sign-in itself; whether it got in is in the login_success/failure next to it.
    suspicious_login: { type: 'login', outcome: 'unknown' },
    suspicious_login_less_secure_app: { type: 'login', outcome: 'unknown' },
    suspicious_programmatic_login: { type: 'login', outcome: 'unknown' },
    account_disabled_password_leak: { type: 'account_locked', outcome: 'success' },
    password_edit: { type: 'password_change', outcome: 'success' },
  },
  admin: {
    GRANT_ADMIN_PRIVILEGE: {
      type: 'privilege_change',
      outcome: 'success',
      subject: 'user_email',
      role: 'super admin',
    },
    REVOKE_ADMIN_PRIVILEGE: {
      type: 'privilege_change',
      outcome: 'success',
      subject: 'user_email',
      role: 'super admin',
    },
    GRANT_DELEGATED_ADMIN_PRIVILEGES: { type: 'privilege_change', outcome: 'success', subject: 'user_email' },
    ASSIGN_ROLE: { type: 'privilege_change', outcome: 'success', subject: 'user_email' },
    UNASSIGN_ROLE: { type: 'privilege_change', outcome: 'success', subject: 'user_email' },
    CHANGE_PASSWORD: { type: 'password_reset', outcome: 'success', subject: 'user_email' },
    CREATE_USER: { type: 'account_created', outcome: 'success', subject: 'user_email' },
    DELETE_USER: { type: 'account_deleted', outcome: 'success', subject: 'user_email' },
    SUSPEND_USER: { type: 'account_locked', outcome: 'success', subject: 'user_email' },
  },
  token: { authorize: { type: 'token_issued', outcome: 'success' } },
  user_accounts: { password_change: { type: 'password_change', outcome: 'success' } },
};

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;

/** Login challenges report "Challenge Passed" / "Challenge Failed"; a failed verification is an MFA failure. */
function challengeOutcome(parameters: Record<string, unknown>): IdentityOutcome {
  const status = str(parameters.login_challenge_status)?.toLowerCase() ?? '';
  if (status.includes('passed')) return 'success';
  if (status.includes('failed')) return 'failure';
  return 'unknown';
}

/** identity_events for one Reports API event, or nothing when it is not identity activity. */
export function googleWorkspaceIdentityRows(
  application: string,
  name: string | undefined,
  parameters: Record<string, unknown>,
  row: Record<string, unknown>,
  ref: SourceRowRef,
): TableRow[] {
  const mapping = name ? EVENTS[application.toLowerCase()]?.[name] : undefined;
  if (!mapping) return [];
  let type = mapping.type;
  const outcome = mapping.outcome ?? challengeOutcome(parameters);
  if (type === 'mfa_success' && outcome === 'failure') type = 'mfa_failure';
  const actor = (row.actor ?? {}) as { email?: string | null; profileid?: string | null };
  const subject = mapping.subject === 'user_email' ? str(parameters.user_email) : undefined;
  const user = subject ?? actor.email ?? undefined;
  const mfaMethod = str(parameters.login_challenge_method);
  return [
    // The row's event_id already names the event within its activity.
    identityRow(ref, {
      provider: 'google_workspace',
      eventType: type,
      outcome,
      user,
      userId: subject ? undefined : actor.profileid,
      actor: subject && actor.email?.toLowerCase() !== subject.toLowerCase() ? actor.email : undefined,
      sourceIp: str(row.ipaddress),
      reason: str(parameters.login_failure_type) ?? (name?.startsWith('suspicious') ? name : undefined),
      mfaMethod: type.startsWith('mfa_') ? mfaMethod : undefined,
      target:
        type === 'privilege_change'
          ? (str(parameters.role_name) ?? str(parameters.privilege_name) ?? mapping.role ?? name)
          : undefined,
    }),
  ];
}
