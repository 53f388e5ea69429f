import { isObject, pick, pickText } from '../../identity/record.js';
import { type IdentityActivity, identityRow, type SourceRowRef } from '../../identity/rows.js';
import type { IdentityEventType, IdentityOutcome } from '../../identity/schema.js';
import type { TableRow } from '../types.js';

/** Okta event types that are identity activity, and what they are in identity_events' vocabulary. */
const EXACT: Record<string, IdentityEventType> = {
  'user.session.start': 'login',
  'user.session.end': 'logout',
  'user.authentication.sso': 'session_start',
  'user.authentication.authenticate': 'login',
  'user.authentication.verify': 'login',
  'user.authentication.auth_via_mfa': 'mfa_success',
  'system.push.send_factor_verify_push': 'mfa_challenge',
  'user.mfa.okta_verify.deny_push': 'mfa_denied',
  'user.mfa.okta_verify.deny_push_upgrade_needed': 'mfa_denied',
  'user.account.update_password': 'password_change',
  'user.account.reset_password': 'password_reset',
  'user.account.privilege.grant': 'privilege_change',
  'user.account.privilege.revoke': 'privilege_change',
  'group.privilege.grant': 'privilege_change',
  'group.privilege.revoke': 'privilege_change',
  'user.account.lock': 'account_locked',
  'user.account.lock.limit': 'account_locked',
  'user.lifecycle.create': 'account_created',
  'user.lifecycle.delete.completed': 'account_deleted',
  'system.api_token.create': 'token_issued',
};

function typeOf(eventType: string): IdentityEventType | undefined {
  const exact = EXACT[eventType];
  if (exact) return exact;
  // auth_via_IDP, auth_via_social, auth_via_radius, auth_via_AD_agent, auth_via_LDAP_agent...
  if (eventType.startsWith('user.authentication.auth_via_')) return 'login';
  if (/^app\.oauth2\.(as\.)?token\.grant/.test(eventType)) return 'token_issued';
  return undefined;
}

/** Events done to an account (often by an admin): user_name is the target user, not the actor. */
const DONE_TO: ReadonlySet<IdentityEventType> = new Set([
  'password_reset',
  'privilege_change',
  'account_created',
  'account_deleted',
]);

function outcomeOf(result: string | undefined): IdentityOutcome {
  switch (result?.toUpperCase()) {
    case 'SUCCESS':
    case 'ALLOW':
      return 'success';
    case 'FAILURE':
    case 'DENY':
      return 'failure';
    default:
      return 'unknown';
  }
}

const FACTORS: Record<string, string> = {
  OKTA_VERIFY_PUSH: 'push',
  PUSH: 'push',
  OKTA_VERIFY: 'totp',
  TOTP: 'totp',
  GOOGLE_OTP: 'totp',
  OTP: 'totp',
  SMS: 'sms',
  SMS_FACTOR: 'sms',
  CALL: 'voice',
  EMAIL: 'email',
  FIDO_WEBAUTHN: 'webauthn',
  WEBAUTHN: 'webauthn',
  SIGNED_NONCE: 'fastpass',
};

function debugData(record: unknown): Record<string, unknown> {
  const raw = pick(record, 'debugContext', 'debugData');
  if (isObject(raw)) return raw;
  if (typeof raw === 'string') {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (isObject(parsed)) return parsed;
    } catch {
      // Not JSON: no debug fields to read.
    }
  }
  return {};
}

function mfaMethod(eventType: string, record: unknown, debug: Record<string, unknown>): string | undefined {
  if (eventType.includes('push')) return 'push';
  const factor = pickText(debug, 'factor') ?? pickText(record, 'authenticationContext', 'credentialType');
  if (!factor) return undefined;
  return FACTORS[factor.toUpperCase()] ?? factor.toLowerCase();
}

function targets(record: unknown): unknown[] {
  const t = pick(record, 'target');
  return Array.isArray(t) ? t : [];
}

/** The identity_events row for an Okta event, or nothing when the event is not identity activity. */
export function oktaIdentityRows(record: unknown, eventType: string, ref: SourceRowRef): TableRow[] {
  let type = typeOf(eventType);
  if (!type) return [];
  const result = pickText(record, 'outcome', 'result');
  let outcome = outcomeOf(result);
  if (type === 'mfa_success' && outcome === 'failure') type = 'mfa_failure';
  // A denied push is the user refusing the sign-in: never a success, whatever Okta logged as result.
  if (type === 'mfa_denied') outcome = 'failure';
  const debug = debugData(record);
  const actor = pickText(record, 'actor', 'alternateId');
  const targetUser = targets(record).find((t) => pickText(t, 'type')?.toLowerCase() === 'user');
  const doneTo = DONE_TO.has(type) && targetUser !== undefined;
  const user = doneTo ? pickText(targetUser, 'alternateId') : actor;
  const roleTarget = targets(record).find((t) => /role|group/i.test(pickText(t, 'type') ?? ''));
  const activity: IdentityActivity = {
    provider: 'okta',
    eventType: type,
    outcome,
    user,
    userId: doneTo ? pickText(targetUser, 'id') : pickText(record, 'actor', 'id'),
    actor: doneTo && actor?.toLowerCase() !== user?.toLowerCase() ? actor : undefined,
    sourceIp: pickText(record, 'client', 'ipAddress'),
    userAgent: pickText(record, 'client', 'userAgent', 'rawUserAgent'),
    device: pickText(record, 'client', 'userAgent', 'os') ?? pickText(record, 'client', 'device'),
    country: pickText(record, 'client', 'geographicalContext', 'country'),
    city: pickText(record, 'client', 'geographicalContext', 'city'),
    sessionId: pickText(record, 'authenticationContext', 'externalSessionId'),
    reason: pickText(record, 'outcome', 'reason') ?? pickText(record, 'displayMessage'),
    mfaMethod: type.startsWith('mfa_') ? mfaMethod(eventType, record, debug) : undefined,
    target:
      type === 'privilege_change'
        ? (pickText(debug, 'privilegeGranted') ??
          pickText(debug, 'privilegeRevoked') ??
          pickText(roleTarget, 'displayName'))
        : undefined,
  };
  return [identityRow(ref, activity)];
}
