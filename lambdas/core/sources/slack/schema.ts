import { COMMON_COLUMNS, type ColumnType, type TableSchema } from '../../schema/types.js';

const user: ColumnType = { struct: { id: 'string', name: 'string', email: 'string', team: 'string' } };
const place: ColumnType = { struct: { id: 'string', name: 'string', domain: 'string' } };

/**
 * The `slack_audit` table: Slack Audit Logs API entries with actor, entity and context as structs
 * (their shapes are fixed per entity type; the types we know are fields of `entity`), details as
 * JSON text. `date_create` (epoch seconds) is also `ts`.
 */
export const slackAuditSchema: TableSchema = {
  name: 'slack_audit',
  description: 'Slack Enterprise Grid audit log entries, one row per entry.',
  timeColumn: 'ts',
  columns: [
    { name: 'id', type: 'string', description: 'Unique id of the entry.' },
    { name: 'date_create', type: 'timestamp', description: 'When it happened (Slack’s date_create), UTC.' },
    {
      name: 'action',
      type: 'string',
      description: 'What happened: user_login, file_downloaded, app_installed, role_change_to_admin, ...',
    },
    {
      name: 'actor',
      type: { struct: { type: 'string', user } },
      description: 'Who did it: type (user) and user.id/name/email/team.',
    },
    {
      name: 'entity',
      type: {
        struct: {
          type: 'string',
          user,
          workspace: place,
          enterprise: place,
          channel: {
            struct: {
              id: 'string',
              name: 'string',
              privacy: 'string',
              is_shared: 'boolean',
              is_org_shared: 'boolean',
            },
          },
          file: { struct: { id: 'string', name: 'string', filetype: 'string', title: 'string' } },
          app: {
            struct: {
              id: 'string',
              name: 'string',
              is_distributed: 'boolean',
              is_directory_approved: 'boolean',
              is_workflow_app: 'boolean',
              scopes: { list: 'string' },
            },
          },
          workflow: { struct: { id: 'string', name: 'string' } },
          usergroup: { struct: { id: 'string', name: 'string' } },
          barrier: 'json',
          message: 'json',
          huddle: 'json',
          role: 'json',
        },
      },
      description:
        'What it was done to: type and the matching object (user, channel, file, app, workspace, ...).',
    },
    {
      name: 'context',
      type: {
        struct: {
          location: { struct: { type: 'string', id: 'string', name: 'string', domain: 'string' } },
          ua: 'string',
          ip_address: 'string',
          session_id: 'string',
          app: 'json',
        },
      },
      description: 'Where: workspace or enterprise (location), client user agent, IP address, session id.',
    },
    { name: 'details', type: 'json', description: 'Action-specific details, JSON text.' },
    ...COMMON_COLUMNS,
  ],
};
