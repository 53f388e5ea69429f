import { COMMON_COLUMNS, type TableSchema } from '../../schema/types.js';

/**
 * `google_workspace`: Google Workspace Reports API activities (login, admin, drive, token,
 * user_accounts...), one row per event: an activity holds one or more events, each becomes a row
 * carrying the activity's id, actor and IP. The event's parameters are one JSON object keyed by
 * parameter name, lower-cased (admin events spell them SETTING_NAME, login events login_type).
 */
export const googleWorkspaceSchema: TableSchema = {
  name: 'google_workspace',
  description: 'Google Workspace audit activity (Reports API), one row per event.',
  timeColumn: 'ts',
  columns: [
    {
      name: 'id',
      type: {
        struct: {
          time: 'timestamp',
          uniquequalifier: 'string',
          applicationname: 'string',
          customerid: 'string',
        },
      },
      description:
        'The activity: time, unique qualifier, application (login, admin, drive, token...) and customer.',
    },
    {
      name: 'actor',
      type: { struct: { callertype: 'string', email: 'string', profileid: 'string', key: 'string' } },
      description: 'Who acted: email and profile id (USER), or an OAuth key.',
    },
    { name: 'ipaddress', type: 'string', description: 'IP address of the actor.' },
    { name: 'ownerdomain', type: 'string', description: 'Domain of the affected customer.' },
    { name: 'kind', type: 'string', description: 'admin#reports#activity.' },
    { name: 'type', type: 'string', description: 'Event type, e.g. login, USER_SETTINGS, access, auth.' },
    {
      name: 'name',
      type: 'string',
      description: 'Event name, e.g. login_success, suspicious_login, GRANT_ADMIN_PRIVILEGE, authorize.',
    },
    {
      name: 'parameters',
      type: 'json',
      description:
        'The event’s parameters as one JSON object, lower-cased name -> value (value, intValue, boolValue or multiValue).',
    },
    {
      name: 'event_index',
      type: 'bigint',
      description: 'Position of the event within its activity (0 for the first).',
    },
    {
      name: 'servicename',
      type: 'string',
      description:
        'The application as a Google service name (login.googleapis.com), as the Cloud Logging export names it.',
    },
    ...COMMON_COLUMNS,
  ],
};
