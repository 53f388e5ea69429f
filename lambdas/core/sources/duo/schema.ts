import { COMMON_COLUMNS, type ColumnType, type TableSchema } from '../../schema/types.js';

const location: ColumnType = { struct: { city: 'string', state: 'string', country: 'string' } };

/**
 * The `duo` table: Duo Admin API authentication logs (v2 field names; v1 records are mapped onto
 * them) and administrator logs in one table, told apart by `event_type`, as the SigmaHQ Duo rules
 * expect (`event_type: authentication`).
 */
export const duoSchema: TableSchema = {
  name: 'duo',
  description: 'Cisco Duo authentication and administrator logs, one row per log entry.',
  timeColumn: 'ts',
  columns: [
    {
      name: 'event_type',
      type: 'string',
      description: 'authentication (as Duo writes it), or administrator for administrator log entries.',
    },
    { name: 'txid', type: 'string', description: 'Transaction id of an authentication.' },
    { name: 'isotimestamp', type: 'string', description: 'Event time as Duo wrote it.' },
    {
      name: 'user',
      type: { struct: { name: 'string', key: 'string', groups: { list: 'string' } } },
      description: 'User who authenticated: name, Duo user key, groups.',
    },
    { name: 'email', type: 'string', description: 'User e-mail, where Duo has one.' },
    { name: 'alias', type: 'string', description: 'Username alias used to authenticate.' },
    {
      name: 'factor',
      type: 'string',
      description:
        'duo_push, phone_call, sms_passcode, duo_mobile_passcode, hardware_token, webauthn, bypass_code, ...',
    },
    {
      name: 'result',
      type: 'string',
      description: 'success, denied or fraud (v1: SUCCESS, FAILURE, FRAUD).',
    },
    {
      name: 'reason',
      type: 'string',
      description: 'Why: user_approved, user_marked_fraud, user_cancelled, no_response, bypass_user, ...',
    },
    {
      name: 'access_device',
      type: {
        struct: {
          ip: 'string',
          hostname: 'string',
          browser: 'string',
          browser_version: 'string',
          os: 'string',
          os_version: 'string',
          is_encryption_enabled: 'string',
          is_firewall_enabled: 'string',
          is_password_set: 'string',
          location,
          epkey: 'string',
        },
      },
      description: 'The device the user signed in from: ip, browser, os, location.',
    },
    {
      name: 'auth_device',
      type: { struct: { ip: 'string', name: 'string', key: 'string', location } },
      description: 'The device that approved the second factor (phone), where there was one.',
    },
    {
      name: 'application',
      type: { struct: { name: 'string', key: 'string' } },
      description: 'The protected application (integration).',
    },
    { name: 'trusted_endpoint_status', type: 'string', description: 'trusted, not trusted, unknown.' },
    { name: 'ood_software', type: 'string', description: 'Out-of-date software Duo detected.' },
    { name: 'adaptive_trust_assessments', type: 'json', description: 'Risk-based assessments, JSON text.' },
    {
      name: 'action',
      type: 'string',
      description: 'Administrator log: what was done (admin_login, bypass_create, user_update, ...).',
    },
    { name: 'username', type: 'string', description: 'Administrator log: the administrator.' },
    { name: 'object', type: 'string', description: 'Administrator log: what it was done to.' },
    {
      name: 'description',
      type: 'json',
      description: 'Administrator log: details, JSON text as Duo writes it.',
    },
    ...COMMON_COLUMNS,
  ],
};
