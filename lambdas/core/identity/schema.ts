import { COMMON_COLUMNS, type TableSchema } from '../schema/types.js';

/** What an identity event is about, in one vocabulary across providers. */
export const IDENTITY_EVENT_TYPES = [
  'login',
  'logout',
  'mfa_challenge',
  'mfa_success',
  'mfa_failure',
  'mfa_denied',
  'password_change',
  'password_reset',
  'privilege_change',
  'session_start',
  'token_issued',
  'account_created',
  'account_deleted',
  'account_locked',
] as const;
export type IdentityEventType = (typeof IDENTITY_EVENT_TYPES)[number];

export const IDENTITY_OUTCOMES = ['success', 'failure', 'unknown'] as const;
export type IdentityOutcome = (typeof IDENTITY_OUTCOMES)[number];

/**
 * `identity_events`: sign-ins, MFA, password and privilege changes from every identity source
 * (CloudTrail console/SSO, Okta, Entra ID, Google Workspace, Duo, GitHub, M365) in one shape, so
 * identity detections (brute force, impossible travel, MFA fatigue) are written once.
 */
export const identityEventsSchema: TableSchema = {
  name: 'identity_events',
  description: 'Identity activity from every identity source, one row per event, in one shape.',
  timeColumn: 'ts',
  columns: [
    {
      name: 'provider',
      type: 'string',
      description: 'Source of the event: cloudtrail, okta, entra_id, google_workspace, duo, github, m365.',
    },
    { name: 'event_type', type: 'string', description: `One of: ${IDENTITY_EVENT_TYPES.join(', ')}.` },
    { name: 'outcome', type: 'string', description: 'success, failure or unknown.' },
    {
      name: 'user_name',
      type: 'string',
      description:
        'Canonical user (named user_name: user is an SQL keyword): lower-case email or UPN where known, else the provider’s user name.',
    },
    { name: 'user_id', type: 'string', description: 'The provider’s own id for the user.' },
    { name: 'source_ip', type: 'string', description: 'Client IP address.' },
    { name: 'user_agent', type: 'string', description: 'Client user agent.' },
    { name: 'device', type: 'string', description: 'Device or OS the provider reports, where it does.' },
    {
      name: 'country',
      type: 'string',
      description:
        'Country the provider geolocated the client to, as an ISO 3166-1 alpha-2 code (providers that send names are mapped; a name that matches no country is kept as sent).',
    },
    {
      name: 'city',
      type: 'string',
      description: 'City the provider geolocated the client to, where it does.',
    },
    { name: 'session_id', type: 'string', description: 'Provider session id, where there is one.' },
    {
      name: 'reason',
      type: 'string',
      description: 'Why it failed or what changed, in the provider’s words.',
    },
    {
      name: 'mfa_method',
      type: 'string',
      description: 'MFA factor used or challenged (push, totp, sms, webauthn...), where known.',
    },
    {
      name: 'target',
      type: 'string',
      description: 'For privilege changes: the role, group or permission granted or removed.',
    },
    {
      name: 'actor_name',
      type: 'string',
      description:
        'Who performed the event when it was not user_name (the admin who granted a role or reset a password), canonical like user_name.',
    },
    {
      name: 'raw_event_id',
      type: 'string',
      description: 'event_id of the source table row this was derived from.',
    },
    ...COMMON_COLUMNS,
  ],
};
