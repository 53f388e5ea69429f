import { type IdentityEventType, type IdentityOutcome, identityEventsSchema } from '../../identity/schema.js';
import {
  contentId,
  eventTime,
  getPath,
  type IdentityFields,
  identityRow,
  isObject,
  type JsonRecord,
  nativeRow,
  ownColumns,
  tableRow,
  text,
} from '../custom/native.js';
import { RecordError, type SourceModule, type TableRow } from '../types.js';
import { duoSampleFiles } from './sample.js';
import { duoSchema } from './schema.js';

const COLUMNS = ownColumns(duoSchema);

/** Duo's factor names (v2 snake_case and v1 display names) in identity_events' vocabulary. */
const FACTORS: [RegExp, string][] = [
  [/push/i, 'push'],
  [/phone.?call/i, 'phone'],
  [/sms/i, 'sms'],
  [/mobile.?passcode|^passcode$/i, 'totp'],
  [/hardware|yubikey/i, 'hardware_token'],
  [/webauthn|u2f|security.?key|touch/i, 'webauthn'],
  [/bypass/i, 'bypass_code'],
  [/remembered/i, 'remembered_device'],
];
const mfaMethod = (factor: string | null) =>
  factor === null || factor === 'not_available'
    ? null
    : (FACTORS.find(([re]) => re.test(factor))?.[1] ?? factor);

/** The person pressed Deny (or chose "I made a mistake"): a denied push, the signal of MFA fatigue. */
const USER_DENIED = new Set(['user_cancelled', 'user_mistake', 'user_denied']);
/** The second factor was not completed: nobody answered, or the code was wrong. */
const MFA_FAILED = new Set([
  'no_response',
  'call_timed_out',
  'no_keys_pressed',
  'invalid_passcode',
  'anomalous_push',
]);

/** v1 authentication records are flat (username, ip, integration, device, location): lift onto v2's shape. */
function fromV1(r: JsonRecord): JsonRecord {
  if (isObject(r.user) || typeof r.username !== 'string' || typeof r.factor !== 'string') return r;
  const { username, ip, location, integration, device, ...rest } = r;
  const accessDevice = isObject(r.access_device) ? r.access_device : {};
  return {
    ...rest,
    event_type: 'authentication',
    user: { name: username },
    access_device: { ...accessDevice, ip, location },
    auth_device: { name: device },
    application: { name: integration },
  };
}

function authIdentity(r: JsonRecord): Omit<IdentityFields, 'provider'> {
  const result = (text(r.result) ?? '').toLowerCase();
  const reason = (text(r.reason) ?? '').toLowerCase().replaceAll(' ', '_') || null;
  const method = mfaMethod(text(r.factor));
  let kind: [IdentityEventType, IdentityOutcome] = ['login', 'unknown'];
  if (result === 'success') kind = ['login', 'success'];
  else if (result === 'fraud' || reason === 'user_marked_fraud') kind = ['mfa_denied', 'failure'];
  else if (method === 'push' && reason !== null && USER_DENIED.has(reason)) kind = ['mfa_denied', 'failure'];
  else if (reason !== null && MFA_FAILED.has(reason)) kind = ['mfa_failure', 'failure'];
  else if (result === 'denied' || result === 'failure') kind = ['login', 'failure'];
  return {
    event_type: kind[0],
    outcome: kind[1],
    user_name: text(getPath(r, 'user.name')),
    user_id: text(getPath(r, 'user.key')),
    source_ip: text(getPath(r, 'access_device.ip')),
    device:
      [text(getPath(r, 'access_device.os')), text(getPath(r, 'access_device.os_version'))]
        .filter(Boolean)
        .join(' ') || null,
    country: text(getPath(r, 'access_device.location.country')),
    city: text(getPath(r, 'access_device.location.city')),
    session_id: text(r.txid),
    reason: result === 'fraud' && !reason ? 'user_marked_fraud' : reason,
    mfa_method: method,
    target: text(getPath(r, 'application.name')),
  };
}

const ADMIN: Record<string, [IdentityEventType, IdentityOutcome]> = {
  admin_login: ['login', 'success'],
  admin_login_error: ['login', 'failure'],
  admin_2fa_error: ['mfa_failure', 'failure'],
  admin_lockout: ['account_locked', 'failure'],
};

function adminIdentity(r: JsonRecord): Omit<IdentityFields, 'provider'> | undefined {
  const action = text(r.action) ?? '';
  const kind = Object.hasOwn(ADMIN, action) ? ADMIN[action] : undefined; // not "constructor"
  if (!kind) return undefined;
  let detail: unknown;
  try {
    detail = typeof r.description === 'string' ? JSON.parse(r.description) : r.description;
  } catch {
    detail = undefined; // Duo sometimes writes a bare "message": "..." fragment; it stays in the table row
  }
  const d = isObject(detail) ? detail : {};
  return {
    event_type: kind[0],
    outcome: kind[1],
    user_name: text(d.email) ?? text(r.username),
    source_ip: text(d.ip_address),
    reason: text(d.error) ?? text(d.message) ?? text(r.action),
    mfa_method: mfaMethod(text(d.factor)),
  };
}

export const duo: SourceModule = {
  name: 'duo',
  description:
    'Cisco Duo Admin API logs: authentication (v2 {"response": {"authlogs": [...]}} or v1) and ' +
    'administrator logs ({"response": [...]}), or NDJSON.',
  tables: [duoSchema, identityEventsSchema],
  keyPatterns: [
    /(^|\/)duo\/(authentication|administrator|authlogs|adminlogs)\//i,
    /(^|\/)duo[-_](auth|admin)[^/]*$/i,
  ],
  detect(record) {
    if (!isObject(record)) return false;
    if (record.event_type === 'authentication' && ('txid' in record || 'access_device' in record))
      return true;
    // v1 authentication logs are flat: username, factor, result.
    if (typeof record.username === 'string' && typeof record.factor === 'string' && 'result' in record)
      return true;
    return (
      typeof record.action === 'string' &&
      typeof record.username === 'string' &&
      'timestamp' in record &&
      !('actor' in record)
    );
  },
  unwrap(document) {
    if (!isObject(document) || document.stat !== 'OK') return undefined;
    const response = document.response;
    if (Array.isArray(response)) return response;
    if (isObject(response) && Array.isArray(response.authlogs)) return response.authlogs;
    return undefined;
  },
  normalise(input, ctx): TableRow[] {
    if (!isObject(input)) throw new RecordError('record is not a JSON object');
    const record = fromV1(input);
    const auth = isObject(record.user) || record.event_type === 'authentication';
    if (!auth && (typeof record.action !== 'string' || record.action === '')) {
      throw new RecordError(
        'neither an authentication log (user, factor, result) nor an administrator log (action)',
      );
    }
    // `timestamp` is epoch seconds (Panther's copies rewrite it as text); isotimestamp is ISO 8601.
    const ts = eventTime(record, ['timestamp', 'isotimestamp'], 's');
    const eventId = text(record.txid) ?? contentId('duo-', input);
    const own = nativeRow(record, COLUMNS);
    own.event_type = auth ? (text(record.event_type) ?? 'authentication') : 'administrator';
    const rows = [tableRow('duo', own, ts, eventId, ctx)];
    const who = auth ? authIdentity(record) : adminIdentity(record);
    if (who) rows.push(identityRow({ provider: 'duo', ...who }, eventId, ts, ctx));
    return rows;
  },
  sample: duoSampleFiles,
};
