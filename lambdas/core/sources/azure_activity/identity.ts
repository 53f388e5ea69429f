import { isObject, pick, pickText } from '../../identity/record.js';
import { identityRow, type SourceRowRef } from '../../identity/rows.js';
import type { TableRow } from '../types.js';

/** Built-in Azure roles by definition id: role assignments name roles only by id. */
export const BUILTIN_ROLES: Record<string, string> = {
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': 'Owner',
  'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
  'acdd72a7-3385-48ef-bd42-f606fba81ae7': 'Reader',
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': 'User Access Administrator',
  'f58310d9-a9f6-439a-9e8d-f62e7b41a168': 'Role Based Access Control Administrator',
};

function roleName(definitionId: string | undefined): string | undefined {
  if (!definitionId) return undefined;
  const guid = definitionId.split('/').at(-1)?.toLowerCase() ?? '';
  return BUILTIN_ROLES[guid] ?? definitionId;
}

/** The role assignment a write or delete carries in `properties.requestbody` (JSON text) or `responseBody`. */
function assignment(record: unknown): {
  principalId?: string;
  principalType?: string;
  role?: string;
  scope?: string;
} {
  for (const field of ['requestbody', 'responseBody']) {
    const raw = pick(record, 'properties', field);
    let body: unknown = raw;
    if (typeof raw === 'string') {
      try {
        body = JSON.parse(raw);
      } catch {
        continue;
      }
    }
    const props = pick(body, 'properties') ?? body;
    if (!isObject(props)) continue;
    const principalId = pickText(props, 'principalId');
    if (!principalId) continue;
    const out: { principalId?: string; principalType?: string; role?: string; scope?: string } = {
      principalId,
    };
    const principalType = pickText(props, 'principalType');
    const role = roleName(pickText(props, 'roleDefinitionId'));
    const scope = pickText(props, 'scope');
    if (principalType) out.principalType = principalType;
    if (role) out.role = role;
    if (scope) out.scope = scope;
    return out;
  }
  return {};
}

/**
 * identity_events for the Activity Log's privilege changes: role assignments written or deleted,
 * and a Global Administrator elevating to User Access Administrator. Only the final record of an
 * operation counts (Success or Failure), not its Start.
 */
export function azureActivityIdentityRows(
  record: unknown,
  row: Record<string, unknown>,
  ref: SourceRowRef,
): TableRow[] {
  const op = String(row.operationname ?? '').toLowerCase();
  const result = String(row.resulttype ?? '').toLowerCase();
  if (result !== 'success' && result !== 'failure') return [];
  const outcome = result === 'success' ? 'success' : 'failure';
  const caller = typeof row.caller === 'string' ? row.caller : undefined;
  const ip = typeof row.calleripaddress === 'string' ? row.calleripaddress : undefined;
  if (op === 'microsoft.authorization/elevateaccess/action') {
    return [
      identityRow(ref, {
        provider: 'azure_activity',
        eventType: 'privilege_change',
        outcome,
        user: caller,
        sourceIp: ip,
        target: 'User Access Administrator',
        reason: 'elevate access to all subscriptions',
      }),
    ];
  }
  if (
    op !== 'microsoft.authorization/roleassignments/write' &&
    op !== 'microsoft.authorization/roleassignments/delete'
  ) {
    return [];
  }
  const a = assignment(record);
  const scope = a.scope ?? pickText(record, 'identity', 'authorization', 'scope');
  return [
    identityRow(ref, {
      provider: 'azure_activity',
      eventType: 'privilege_change',
      outcome,
      // The assignee is an object id: Activity Log records name principals only by id.
      user: a.principalId ?? caller,
      userId: a.principalId,
      actor: a.principalId ? caller : undefined,
      sourceIp: ip,
      target: [a.role, scope].filter(Boolean).join(' at ') || undefined,
      reason: op.endsWith('/write') ? 'role assignment created' : 'role assignment deleted',
    }),
  ];
}
