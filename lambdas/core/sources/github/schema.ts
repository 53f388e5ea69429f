import { COMMON_COLUMNS, type ColumnDef, type TableSchema } from '../../schema/types.js';

const s = (name: string, description: string): ColumnDef => ({ name, type: 'string', description });
const n = (name: string, description: string): ColumnDef => ({ name, type: 'bigint', description });
const b = (name: string, description: string): ColumnDef => ({ name, type: 'boolean', description });

/**
 * The `github_audit` table: the audit log event's fields as GitHub names them (`_document_id` is
 * `document_id`; `@timestamp` is `ts`), and every other field of the event in `details`, since the
 * fields present vary with the action.
 */
export const githubAuditSchema: TableSchema = {
  name: 'github_audit',
  description:
    'GitHub organization / enterprise audit log events (streamed, REST API or GHES syslog), ' +
    'one row per event.',
  timeColumn: 'ts',
  columns: [
    s(
      'action',
      'What happened, category.operation: repo.access, org.update_member, protected_branch.destroy, ...',
    ),
    s('actor', 'Login of the user (or app) that did it.'),
    n('actor_id', 'Id of the actor.'),
    s('actor_ip', 'Address of the actor, where the org records it.'),
    b('actor_is_bot', 'True when the actor is a bot account.'),
    {
      name: 'actor_location',
      type: { struct: { country_code: 'string', country_name: 'string', region: 'string', city: 'string' } },
      description: 'Where GitHub located the actor.',
    },
    s('user_agent', 'Client user agent.'),
    s('operation_type', 'create, modify, remove, access, authentication, transfer.'),
    s('business', 'Enterprise slug, for enterprise events.'),
    n('business_id', 'Enterprise id.'),
    s('org', 'Organization login.'),
    s('org_id', 'Organization id (GHES may send a list; then JSON text).'),
    s('repo', 'Repository, owner/name.'),
    n('repo_id', 'Repository id.'),
    s('repository', 'Repository, owner/name (newer events name it so).'),
    b('repository_public', 'Whether the repository is public.'),
    s('visibility', 'Repository visibility after the event: public, private, internal.'),
    b('public_repo', 'Whether the repository is public (older events).'),
    s('user', 'Login of the user the action was done to (member added, role changed, ...).'),
    n('user_id', 'Id of that user.'),
    s('team', 'Team, org/team-slug.'),
    s('permission', 'Role or permission granted: admin, member, write, ...'),
    s('old_permission', 'Role or permission before the change.'),
    s('name', 'Name of the thing acted on (branch protection, workflow, hook, ...).'),
    s('branch', 'Branch, where one is involved.'),
    s(
      'programmatic_access_type',
      'How a token authenticated the request: OAuth access token, GitHub App, ...',
    ),
    n('token_id', 'Id of the token used.'),
    s('hashed_token', 'SHA-256 of the token used, base64.'),
    s('token_scopes', 'Scopes of the token used, comma-separated.'),
    s('transport_protocol_name', 'http or ssh, for git events.'),
    s('external_identity_nameid', 'SAML/SCIM identity of the actor.'),
    s('external_identity_username', 'SAML/SCIM user name of the actor.'),
    { name: 'created_at', type: 'timestamp', description: 'When it happened (GitHub’s created_at).' },
    s('document_id', 'GitHub’s unique id of the event (_document_id).'),
    { name: 'config', type: 'json', description: 'Webhook/feature configuration, JSON text.' },
    { name: 'data', type: 'json', description: 'Extra data of the event, JSON text.' },
    { name: 'details', type: 'json', description: 'Every other field of the event, JSON text.' },
    ...COMMON_COLUMNS,
  ],
};
