import { identityRow, type SourceRowRef } from '../../identity/rows.js';
import type { IdentityEventType, IdentityOutcome } from '../../identity/schema.js';
import type { TableRow } from '../types.js';

type Pair = {
  name: string | null;
  value?: string | null;
  newvalue?: string | null;
  oldvalue?: string | null;
};
type Ids = ({ id: string | null; type: number | null } | null)[] | null;

/** Audit operations that are identity activity. Azure AD operations end in a full stop; it is dropped first. */
function typeOf(operation: string): IdentityEventType | undefined {
  switch (operation) {
    case 'UserLoggedIn':
    case 'UserLoginFailed':
    case 'MailboxLogin':
      return 'login';
    case 'Change user password':
    case 'Change password (self-service)':
      return 'password_change';
    case 'Reset user password':
    case 'Reset password (self-service)':
      return 'password_reset';
    case 'Add member to role':
    case 'Remove member from role':
    case 'Add-RoleGroupMember':
    case 'Remove-RoleGroupMember':
    case 'New-ManagementRoleAssignment':
      return 'privilege_change';
    case 'Add user':
      return 'account_created';
    case 'Delete user':
      return 'account_deleted';
    default:
      return undefined;
  }
}

function outcomeOf(operation: string, status: unknown): IdentityOutcome {
  // A failed sign-in is audited with ResultStatus "Success" (the audit succeeded): the operation decides.
  if (operation === 'UserLoginFailed') return 'failure';
  if (operation === 'UserLoggedIn') return 'success';
  const s = String(status ?? '').toLowerCase();
  if (['succeeded', 'success', 'true', 'partiallysucceeded'].includes(s)) return 'success';
  if (['failed', 'failure', 'false'].includes(s)) return 'failure';
  return 'unknown';
}

const pairValue = (
  pairs: unknown,
  name: string,
  field: 'value' | 'newvalue' = 'value',
): string | undefined => {
  if (!Array.isArray(pairs)) return undefined;
  const pair = (pairs as (Pair | null)[]).find((p) => p?.name?.toLowerCase() === name.toLowerCase());
  const v = pair?.[field];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

/** Azure AD writes new values as JSON arrays of strings (`["Global Administrator"]`). */
function firstString(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed) && typeof parsed[0] === 'string') return parsed[0];
    if (typeof parsed === 'string') return parsed;
  } catch {
    // Plain text.
  }
  return value;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** identity_events for a unified audit record that is a sign-in or a change to an account. */
export function m365IdentityRows(
  _record: Record<string, unknown>,
  rawOperation: string,
  row: Record<string, unknown>,
  ref: SourceRowRef,
): TableRow[] {
  const operation = rawOperation.replace(/\.$/, '');
  const type = typeOf(operation);
  if (!type) return [];
  const actor = str(row.userid);
  const doneTo = type !== 'login' && type !== 'password_change';
  // Type 5 in Target is a UPN: the account an Azure AD change was made to.
  const targetUpn = ((row.target as Ids) ?? []).find((t) => t?.type === 5)?.id ?? undefined;
  const user = doneTo ? (targetUpn ?? str(row.objectid) ?? actor) : actor;
  const role =
    firstString(pairValue(row.modifiedproperties, 'Role.DisplayName', 'newvalue')) ??
    pairValue(row.parameters, 'Identity') ??
    pairValue(row.parameters, 'Role');
  return [
    identityRow(ref, {
      provider: 'm365',
      eventType: type,
      outcome: outcomeOf(operation, row.resultstatus),
      user,
      userId: doneTo ? undefined : str(row.userkey),
      actor: doneTo && actor?.toLowerCase() !== user?.toLowerCase() ? actor : undefined,
      sourceIp: str(row.clientip) ?? str(row.actoripaddress),
      userAgent: str(row.useragent) ?? pairValue(row.extendedproperties, 'UserAgent'),
      reason: str(row.logonerror) ?? (type === 'login' ? undefined : operation),
      target: type === 'privilege_change' ? role : undefined,
    }),
  ];
}
