import { COMMON_COLUMNS, type ColumnType, type TableSchema } from '../../schema/types.js';

const geographicalContext: ColumnType = {
  struct: {
    city: 'string',
    state: 'string',
    country: 'string',
    postalcode: 'string',
    geolocation: { struct: { lat: 'double', lon: 'double' } },
  },
};

/** Okta's Actor and Target objects share one shape; detailEntry is free-form. */
const okEntity: ColumnType = {
  struct: { id: 'string', type: 'string', alternateid: 'string', displayname: 'string', detailentry: 'json' },
};

/**
 * The `okta` table: Okta System Log LogEvent fields lower-cased, the fixed-shape objects (actor,
 * client, outcome, authenticationContext, securityContext, request, transaction) as structs so
 * `actor.alternateid` and `securitycontext.isproxy` work, free-form ones (debugContext.debugData,
 * detailEntry, device) as JSON text.
 */
export const oktaSchema: TableSchema = {
  name: 'okta',
  description: 'Okta System Log events (LogEvent), one row per event.',
  timeColumn: 'ts',
  columns: [
    { name: 'uuid', type: 'string', description: 'Okta’s unique id of the event.' },
    { name: 'published', type: 'timestamp', description: 'When the event was published, UTC.' },
    {
      name: 'eventtype',
      type: 'string',
      description: 'Event type, e.g. user.session.start, user.mfa.okta_verify.deny_push.',
    },
    { name: 'version', type: 'string', description: 'LogEvent schema version.' },
    { name: 'severity', type: 'string', description: 'DEBUG, INFO, WARN or ERROR.' },
    { name: 'legacyeventtype', type: 'string', description: 'The event type of Okta’s older Events API.' },
    { name: 'displaymessage', type: 'string', description: 'Human-readable description of the event.' },
    {
      name: 'actor',
      type: okEntity,
      description: 'Who acted: id, type (User, SystemPrincipal...), alternateid (login), displayname.',
    },
    {
      name: 'client',
      type: {
        struct: {
          useragent: { struct: { rawuseragent: 'string', os: 'string', browser: 'string' } },
          zone: 'string',
          device: 'string',
          id: 'string',
          ipaddress: 'string',
          geographicalcontext: geographicalContext,
        },
      },
      description: 'The client: user agent, network zone, device class, IP address and its geolocation.',
    },
    {
      name: 'device',
      type: 'json',
      description: 'The device the client runs on (Okta Verify/FastPass registered devices), JSON text.',
    },
    {
      name: 'outcome',
      type: { struct: { result: 'string', reason: 'string' } },
      description: 'result (SUCCESS, FAILURE, SKIPPED, ALLOW, DENY, CHALLENGE, UNKNOWN) and reason.',
    },
    {
      name: 'target',
      type: { list: okEntity },
      description: 'Entities the event acted on (users, apps, groups, roles, policies).',
    },
    {
      name: 'transaction',
      type: { struct: { type: 'string', id: 'string', detail: 'json' } },
      description: 'The web request or job the event belongs to.',
    },
    {
      name: 'debugcontext',
      type: { struct: { debugdata: 'json' } },
      description: 'debugData (requestUri, threatSuspected, privilegeGranted, behaviors...), JSON text.',
    },
    {
      name: 'authenticationcontext',
      type: {
        struct: {
          authenticationprovider: 'string',
          credentialprovider: 'string',
          credentialtype: 'string',
          issuer: { struct: { id: 'string', type: 'string' } },
          interface: 'string',
          authenticationstep: 'bigint',
          externalsessionid: 'string',
          rootsessionid: 'string',
        },
      },
      description: 'How the user authenticated; externalsessionid is the Okta session id.',
    },
    {
      name: 'securitycontext',
      type: {
        struct: { asnumber: 'bigint', asorg: 'string', isp: 'string', domain: 'string', isproxy: 'boolean' },
      },
      description: 'Network of the client: autonomous system, ISP, domain, and whether it is a known proxy.',
    },
    {
      name: 'request',
      type: {
        struct: {
          ipchain: {
            list: {
              struct: {
                ip: 'string',
                geographicalcontext: geographicalContext,
                version: 'string',
                source: 'string',
              },
            },
          },
        },
      },
      description: 'The IP chain the request passed through (proxies included).',
    },
    ...COMMON_COLUMNS,
  ],
};
