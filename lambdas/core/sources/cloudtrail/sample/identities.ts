/** Who calls: IAM users, root, role sessions and SSO roles, as CloudTrail's userIdentity names them. */
import { ACCOUNTS, type AccountKey, SSO_REGION } from './accounts.js';
import type { PermissionSet } from './people.js';
import { HEX, Rng, streamSeed, UPPER_ALNUM } from './random.js';
import type { CloudTrailSessionContext, CloudTrailUserIdentity } from './record-types.js';
import { isoSeconds } from './time.js';

/** Identifiers that belong to the organisation (principal ids, long-term keys): the same in every sample. */
const stable = (prefix: string, name: string, length: number, alphabet = UPPER_ALNUM): string =>
  prefix + new Rng(streamSeed(0, name)).chars(alphabet, length);

export interface RoleRef {
  accountId: string;
  name: string;
  arn: string;
  id: string;
}

export function role(account: AccountKey, name: string, path = '/'): RoleRef {
  const accountId = ACCOUNTS[account].id;
  const id = stable('AROA', `role/${accountId}/${name}`, 17);
  return { accountId, name, arn: `arn:aws:iam::${accountId}:role${path}${name}`, id };
}

export function ssoRole(access: `${AccountKey}/${PermissionSet}`): { account: AccountKey; role: RoleRef } {
  const [account, set] = access.split('/') as [AccountKey, PermissionSet];
  const name = `AWSReservedSSO_${set}_${stable('', `sso/${access}`, 16, HEX)}`;
  return { account, role: role(account, name, `/aws-reserved/sso.amazonaws.com/${SSO_REGION}/`) };
}

export const longTermKey = (account: AccountKey, user: string): string =>
  stable('AKIA', `key/${account}/${user}`, 16);

/** A console session's context: IAM users and root have no session issuer. */
export function consoleContext(created: number, mfa: boolean): CloudTrailSessionContext {
  const attributes = { creationDate: isoSeconds(created), mfaAuthenticated: mfa ? 'true' : 'false' } as const;
  return { sessionIssuer: {}, webIdFederationData: {}, attributes };
}

export function iamUser(
  account: AccountKey,
  userName: string,
  accessKeyId?: string,
  context?: CloudTrailSessionContext,
) {
  const accountId = ACCOUNTS[account].id;
  const identity: CloudTrailUserIdentity = {
    type: 'IAMUser',
    principalId: stable('AIDA', `user/${accountId}/${userName}`, 17),
    arn: `arn:aws:iam::${accountId}:user/${userName}`,
    accountId,
    ...(accessKeyId !== undefined ? { accessKeyId } : {}),
    userName,
    ...(context ? { sessionContext: context } : {}),
  };
  return identity;
}

/** A failed console sign-in names no ARN and has an empty access key (as AWS writes it). */
export function failedSignIn(account: AccountKey, userName: string): CloudTrailUserIdentity {
  const { principalId, accountId } = iamUser(account, userName);
  return { type: 'IAMUser', principalId, accountId, accessKeyId: '', userName };
}

export function root(
  account: AccountKey,
  accessKeyId: string,
  context?: CloudTrailSessionContext,
): CloudTrailUserIdentity {
  const accountId = ACCOUNTS[account].id;
  const arn = `arn:aws:iam::${accountId}:root`;
  return {
    type: 'Root',
    principalId: accountId,
    arn,
    accountId,
    accessKeyId,
    ...(context ? { sessionContext: context } : {}),
  };
}

export function roleSession(
  r: RoleRef,
  session: string,
  key: string,
  created: number,
  ec2 = false,
): CloudTrailUserIdentity {
  const { accountId, id, arn, name } = r;
  const context: CloudTrailSessionContext = {
    ...consoleContext(created, false),
    sessionIssuer: { type: 'Role', principalId: id, arn, accountId, userName: name },
    ...(ec2 ? { ec2RoleDelivery: '2.0' as const } : {}),
  };
  const sessionArn = `arn:aws:sts::${accountId}:assumed-role/${name}/${session}`;
  return {
    type: 'AssumedRole',
    principalId: `${id}:${session}`,
    arn: sessionArn,
    accountId,
    accessKeyId: key,
    sessionContext: context,
  };
}
