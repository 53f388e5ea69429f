import type { IdentityActivity } from '../../identity/rows.js';
import type { IdentityOutcome } from '../../identity/schema.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Sign-in services and the events that are a person signing in. */
const SIGN_INS: Record<string, ReadonlySet<string>> = {
  'signin.amazonaws.com': new Set(['ConsoleLogin', 'Authenticate', 'Federate']),
  'sso.amazonaws.com': new Set(['Authenticate', 'Federate']),
};

/** additionalEventData (JSON text in the row, an object in the record) as an object. */
function objectOf(value: unknown): Json {
  if (isObject(value)) return value;
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      if (isObject(parsed)) return parsed;
    } catch {
      // Not JSON: nothing to read from it.
    }
  }
  return {};
}

/**
 * Who signed in: the session name of an IAM Identity Center (SSO) role session, which is the
 * person's email (lower-cased), the IAM user name for IAM users, `root` for the root user, else
 * the userName CloudTrail gives (SSO Authenticate/Federate events carry the email there).
 */
export function signInUser(identity: Json): string | null {
  const arn = text(identity.arn) ?? '';
  const type = text(identity.type);
  const sso = /:assumed-role\/AWSReservedSSO_[^/]+\/(.+)$/.exec(arn);
  if (sso?.[1]) return sso[1].toLowerCase();
  if (type === 'Root') return 'root';
  const name = text(identity.userName) ?? text(identity.username);
  if (name) return name.includes('@') ? name.toLowerCase() : name;
  const session = /:assumed-role\/[^/]+\/(.+)$/.exec(arn);
  return session?.[1] ? session[1] : null;
}

/** What a sign-in record says in identity_events' vocabulary, or undefined when it is not a sign-in. */
export function signInActivity(record: Json): IdentityActivity | undefined {
  const source = text(record.eventSource);
  const name = text(record.eventName);
  if (!source || !name || !SIGN_INS[source]?.has(name)) return undefined;
  const identity = isObject(record.userIdentity) ? record.userIdentity : {};
  const response = objectOf(record.responseElements);
  const extra = objectOf(record.additionalEventData);
  const result = text(response.ConsoleLogin);
  const failed = text(record.errorCode) !== null || text(record.errorMessage) !== null;
  const outcome: IdentityOutcome =
    result === 'Success' ? 'success' : result === 'Failure' || failed ? 'failure' : 'success';
  const mfaUsed = text(extra.MFAUsed);
  return {
    provider: 'cloudtrail',
    eventType: 'login',
    outcome,
    user: signInUser(identity),
    userId: text(identity.principalId),
    sourceIp: text(record.sourceIPAddress),
    userAgent: text(record.userAgent),
    reason: outcome === 'failure' ? (text(record.errorMessage) ?? text(record.errorCode) ?? result) : null,
    // CloudTrail says only whether MFA was used, not which factor.
    mfaMethod: mfaUsed === 'Yes' ? 'mfa' : mfaUsed === 'No' ? 'none' : null,
  };
}
