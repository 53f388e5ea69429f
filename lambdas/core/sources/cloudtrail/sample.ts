/**
 * Realistic CloudTrail sample: three accounts of benign activity (people in the console and the CLI,
 * SSO sessions, Terraform, a monitoring integration, EC2 and Lambda workloads, AWS service events)
 * with attack scenarios mixed in, delivered as CloudTrail writes it to S3. Deterministic per seed;
 * times derive from `end` and `days` only. The organisation and the API shapes live in sample-catalog.ts.
 */
import { gzipSync } from 'node:zlib';
import type { SampleFile, SampleOptions } from '../types.js';
import {
  ACCOUNTS,
  type AccountKey,
  ADMIN_POLICY_ARN,
  ALNUM,
  API,
  type ApiName,
  ATTACKER_BROWSER,
  ATTACKER_CLI,
  bucket,
  type ErrorKind,
  errorFields,
  type Habits,
  HEX,
  IAM_USERS,
  isoSeconds,
  type Mix,
  MONITORING,
  OPS_ROLE,
  ORG_TRAIL,
  ORG_TRAIL_ARN,
  type PermissionSet,
  type Random,
  ROOT_BROWSER,
  SSO_PEOPLE,
  SSO_REGION,
  type Target,
  TERRAFORM_CI,
  UPPER_ALNUM,
  WORKLOADS,
  type WorkloadDef,
} from './sample-catalog.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export interface CloudTrailSessionIssuer {
  type: 'Role';
  principalId: string;
  arn: string;
  accountId: string;
  userName: string;
}

export interface CloudTrailSessionContext {
  /** Empty for IAM user and root console sessions. */
  sessionIssuer: CloudTrailSessionIssuer | Record<string, never>;
  webIdFederationData: Record<string, never>;
  attributes: { creationDate: string; mfaAuthenticated: 'true' | 'false' };
  ec2RoleDelivery?: '2.0';
}

export interface CloudTrailUserIdentity {
  type?: 'Root' | 'IAMUser' | 'AssumedRole' | 'AWSService';
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  sessionContext?: CloudTrailSessionContext;
  invokedBy?: string;
}

export interface CloudTrailResource {
  accountId?: string;
  type: string;
  ARN: string;
}

/** One record as CloudTrail writes it into a delivery file, keys in CloudTrail's order. */
export interface CloudTrailRecord {
  eventVersion: string;
  userIdentity: CloudTrailUserIdentity;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: JsonObject | null;
  responseElements: JsonObject | null;
  additionalEventData?: JsonObject;
  requestID?: string;
  eventID: string;
  readOnly: boolean;
  resources?: CloudTrailResource[];
  eventType: 'AwsApiCall' | 'AwsConsoleSignIn' | 'AwsServiceEvent';
  managementEvent: boolean;
  recipientAccountId: string;
  sharedEventID?: string;
  serviceEventDetails?: JsonObject;
  vpcEndpointId?: string;
  vpcEndpointAccountId?: string;
  eventCategory: 'Management' | 'Data';
  tlsDetails?: { tlsVersion: string; cipherSuite: string; clientProvidedHostHeader: string };
  sessionCredentialFromConsole?: 'true';
}

export interface CloudTrailScenario {
  name: string;
  description: string;
  eventIds: string[];
}

const HOUR = 3600;

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: small, fast, and the same on every platform. */
class Rng implements Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  weighted<K extends string>(mix: Mix<K>): K {
    const entries = Object.entries(mix) as [K, number][];
    let r = this.next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [item, w] of entries) {
      r -= w;
      if (r < 0) return item;
    }
    return this.pick(entries)[0];
  }
  chars(alphabet: string, length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet.charAt(Math.floor(this.next() * alphabet.length));
    return s;
  }
  uuid(): string {
    const h = this.chars(HEX, 32);
    const variant = HEX.charAt(8 + Math.floor(this.next() * 4));
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20)}`;
  }
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    for (let p = this.next(); p > limit; p *= this.next()) k++;
    return k;
  }
}

/** A 32-bit seed for one named stream of a sample seed. */
function streamSeed(seed: number, stream: string): number {
  let h = (Math.trunc(seed) >>> 0) ^ 0x9e3779b9;
  h = Math.imul(h ^ (Math.trunc(seed / 4294967296) >>> 0), 0x85ebca6b) >>> 0;
  for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x01000193) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Identifiers that belong to the organisation (principal ids, long-term keys): the same in every sample. */
const stable = (prefix: string, name: string, length: number, alphabet = UPPER_ALNUM): string =>
  prefix + new Rng(streamSeed(0, name)).chars(alphabet, length);

/** Event time that moves forward step by step. */
class Clock {
  constructor(
    private readonly rng: Rng,
    public t: number,
  ) {}
  after(min: number, max: number): number {
    this.t += this.rng.int(min, max);
    return this.t;
  }
}

// ---------------------------------------------------------------------------------------------
// Identities

interface RoleRef {
  accountId: string;
  name: string;
  arn: string;
  id: string;
}

function role(account: AccountKey, name: string, path = '/'): RoleRef {
  const accountId = ACCOUNTS[account].id;
  const id = stable('AROA', `role/${accountId}/${name}`, 17);
  return { accountId, name, arn: `arn:aws:iam::${accountId}:role${path}${name}`, id };
}

function ssoRole(access: `${AccountKey}/${PermissionSet}`): { account: AccountKey; role: RoleRef } {
  const [account, set] = access.split('/') as [AccountKey, PermissionSet];
  const name = `AWSReservedSSO_${set}_${stable('', `sso/${access}`, 16, HEX)}`;
  return { account, role: role(account, name, `/aws-reserved/sso.amazonaws.com/${SSO_REGION}/`) };
}

const longTermKey = (account: AccountKey, user: string): string =>
  stable('AKIA', `key/${account}/${user}`, 16);

/** A console session's context: IAM users and root have no session issuer. */
function consoleContext(created: number, mfa: boolean): CloudTrailSessionContext {
  const attributes = { creationDate: isoSeconds(created), mfaAuthenticated: mfa ? 'true' : 'false' } as const;
  return { sessionIssuer: {}, webIdFederationData: {}, attributes };
}

function iamUser(
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
function failedSignIn(account: AccountKey, userName: string): CloudTrailUserIdentity {
  const { principalId, accountId } = iamUser(account, userName);
  return { type: 'IAMUser', principalId, accountId, accessKeyId: '', userName };
}

function root(
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

function roleSession(
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

// ---------------------------------------------------------------------------------------------
// Records

class Gen {
  readonly records: CloudTrailRecord[] = [];
  constructor(
    readonly rng: Rng,
    readonly first: number,
    readonly last: number,
  ) {}
  tempKey(): string {
    return `ASIA${this.rng.chars(UPPER_ALNUM, 16)}`;
  }
}

type RecordInput = Omit<
  CloudTrailRecord,
  'eventID' | 'eventTime' | 'recipientAccountId' | 'sharedEventID'
> & {
  t: number;
  recipient: string;
  /** Cross-account calls are delivered to both accounts under one sharedEventID. */
  sharedWith?: string;
};

/** Records one event (twice when cross-account), dropping what falls outside the sample's range. */
function push(g: Gen, input: RecordInput): CloudTrailRecord | undefined {
  if (input.t < g.first || input.t > g.last) return undefined;
  const { t, recipient, sharedWith, ...fields } = input;
  const shared = sharedWith !== undefined ? g.rng.uuid() : undefined;
  const make = (recipientAccountId: string): CloudTrailRecord => {
    // Rebuilt in CloudTrail's key order; undefined fields are left out, not written as undefined.
    const ordered: Record<string, unknown> = {};
    const values: Record<string, unknown> = {
      ...fields,
      userIdentity: structuredClone(fields.userIdentity), // actors reuse one identity: records must not share it
      eventTime: isoSeconds(t),
      eventID: g.rng.uuid(),
      recipientAccountId,
    };
    if (shared !== undefined) values.sharedEventID = shared;
    for (const key of KEY_ORDER) if (values[key] !== undefined) ordered[key] = values[key];
    return ordered as unknown as CloudTrailRecord;
  };
  const record = make(recipient);
  g.records.push(record);
  if (sharedWith !== undefined) g.records.push(make(sharedWith));
  return record;
}

// biome-ignore format: one line per group of keys reads better than one key per line
const KEY_ORDER: readonly (keyof CloudTrailRecord)[] = [
  'eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress',
  'userAgent', 'errorCode', 'errorMessage', 'requestParameters', 'responseElements', 'additionalEventData',
  'requestID', 'eventID', 'readOnly', 'resources', 'eventType', 'managementEvent', 'recipientAccountId',
  'sharedEventID', 'serviceEventDetails', 'vpcEndpointId', 'vpcEndpointAccountId', 'eventCategory', 'tlsDetails',
  'sessionCredentialFromConsole',
];

function tls(host: string, agent: string): CloudTrailRecord['tlsDetails'] {
  const modern = !agent.includes('Java/');
  return {
    tlsVersion: modern ? 'TLSv1.3' : 'TLSv1.2',
    cipherSuite: modern ? 'TLS_AES_128_GCM_SHA256' : 'ECDHE-RSA-AES128-GCM-SHA256',
    clientProvidedHostHeader: host,
  };
}

interface Actor {
  identity: CloudTrailUserIdentity;
  ip: string;
  /** User agent; `{command}` and `{svc}` are filled per call. */
  agent: string;
  console?: boolean;
  /** An AWS service calling: its name is address and agent, and no TLS details are recorded. */
  service?: boolean;
  vpce?: { id: string; ip: string };
}

interface CallOptions {
  target?: Target;
  /** Force an outcome (null: success); by default the API's benign error rates apply. */
  error?: ErrorKind | null;
  sharedWith?: AccountKey;
}

const S3_COMMANDS: Partial<Record<ApiName, string>> = {
  ListBuckets: 's3.ls',
  GetBucketPolicy: 's3api.get-bucket-policy',
};

function agentFor(agent: string, name: ApiName, svc: string): string {
  const op = `${svc}.${name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}`;
  return agent.replace('{command}', svc === 's3' ? (S3_COMMANDS[name] ?? 's3.cp') : op).replace('{svc}', svc);
}

function rollError(g: Gen, errors: Mix<ErrorKind>): ErrorKind | undefined {
  let r = g.rng.next();
  for (const [kind, p] of Object.entries(errors) as [ErrorKind, number][]) {
    r -= p;
    if (r < 0) return kind;
  }
  return undefined;
}

function apiCall(
  g: Gen,
  a: Actor,
  name: ApiName,
  t: number,
  account: AccountKey,
  region: string,
  o: CallOptions = {},
) {
  if (t < g.first || t > g.last) return undefined;
  const def = API[name];
  const error = o.error === undefined ? rollError(g, def.errors) : (o.error ?? undefined);
  const callRegion = def.global ? 'us-east-1' : region;
  const parts = def.build({ rng: g.rng, t, account, region: callRegion, target: o.target ?? {}, error });
  const svc = def.source.split('.')[0] ?? '';
  const s3 = svc === 's3';
  const err = error ? errorFields(error, name, a.identity.arn ?? '', parts.errorResource, g.rng) : undefined;
  const vpce = s3 ? a.vpce : undefined;
  const agent = a.service ? a.ip : agentFor(a.agent, name, svc);
  return push(g, {
    t,
    eventVersion: def.version,
    userIdentity: a.identity,
    eventSource: def.source,
    eventName: name,
    awsRegion: parts.region ?? callRegion,
    sourceIPAddress: vpce ? vpce.ip : a.ip,
    userAgent: agent,
    errorCode: err?.code,
    errorMessage: err?.message,
    requestParameters: err && name === 'AssumeRole' ? null : parts.requestParameters,
    responseElements: err ? null : parts.responseElements,
    additionalEventData: parts.additionalEventData,
    requestID: s3 ? g.rng.chars(UPPER_ALNUM, 16) : g.rng.uuid(),
    readOnly: def.readOnly,
    resources: err && !s3 ? undefined : parts.resources,
    eventType: 'AwsApiCall',
    managementEvent: def.data !== true,
    recipient: ACCOUNTS[account].id,
    sharedWith: o.sharedWith ? ACCOUNTS[o.sharedWith].id : undefined,
    vpcEndpointId: vpce?.id,
    vpcEndpointAccountId: vpce ? ACCOUNTS[account].id : undefined,
    eventCategory: def.data ? 'Data' : 'Management',
    tlsDetails: a.service ? undefined : tls(parts.host ?? `${svc}.${callRegion}.amazonaws.com`, agent),
    sessionCredentialFromConsole: a.console ? 'true' : undefined,
  });
}

interface SignIn {
  identity: CloudTrailUserIdentity;
  ip: string;
  agent: string;
  account: AccountKey;
  success: boolean;
  mfa: boolean;
  /** SSO sign-ins are recorded in Identity Center's region and carry no LoginTo. */
  federated?: boolean;
}

/** ConsoleLogin as AWS writes it: a failure has `errorMessage` "Failed authentication" and no `errorCode`. */
function consoleLogin(g: Gen, t: number, s: SignIn): CloudTrailRecord | undefined {
  const region = s.federated ? SSO_REGION : 'us-east-1';
  const accountId = ACCOUNTS[s.account].id;
  const device: JsonObject =
    s.success && s.mfa ? { MFAIdentifier: `arn:aws:iam::${accountId}:mfa/${s.identity.userName}` } : {};
  const state = `hashArgsFromTB_us-east-1_${g.rng.chars(HEX, 16)}`;
  const loginTo = `https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=${state}`;
  return push(g, {
    t,
    eventVersion: '1.08',
    userIdentity: s.identity,
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: region,
    sourceIPAddress: s.ip,
    userAgent: s.agent,
    errorMessage: s.success ? undefined : 'Failed authentication',
    requestParameters: null,
    responseElements: { ConsoleLogin: s.success ? 'Success' : 'Failure' },
    additionalEventData: s.federated
      ? { MobileVersion: 'No', MFAUsed: 'No' }
      : { LoginTo: loginTo, MobileVersion: 'No', ...device, MFAUsed: s.mfa ? 'Yes' : 'No' },
    readOnly: false,
    eventType: 'AwsConsoleSignIn',
    managementEvent: true,
    recipient: accountId,
    eventCategory: 'Management',
    tlsDetails: tls(s.federated ? `${region}.signin.aws.amazon.com` : 'signin.aws.amazon.com', s.agent),
  });
}

// ---------------------------------------------------------------------------------------------
// Benign activity

/** Share of a person's daily sessions that start in each local hour of a working day. */
const WORKDAY = [
  0, 0, 0, 0, 0, 0, 0.01, 0.03, 0.09, 0.12, 0.12, 0.11, 0.07, 0.1, 0.11, 0.1, 0.07, 0.04, 0.02, 0.01,
];

function workShare(t: number, utcOffset: number): number {
  const local = new Date((t + utcOffset * HOUR) * 1000);
  const share = (WORKDAY[local.getUTCHours()] ?? 0) + 0.003;
  return local.getUTCDay() === 0 || local.getUTCDay() === 6 ? share * 0.08 : share;
}

/** Workload traffic: customers are mostly in the Americas, so load peaks around 18:00 UTC. */
function loadShape(t: number): number {
  const away = Math.abs(new Date(t * 1000).getUTCHours() - 18);
  const d = Math.min(away, 24 - away);
  return 0.45 + 0.95 * Math.exp(-(d * d) / 32);
}

/** A person's burst of calls in one account and (mostly) its home region. */
function session(
  g: Gen,
  a: Actor,
  apis: Mix<ApiName>,
  account: AccountKey,
  t: number,
  n: number,
  gap: number,
) {
  const regions = ACCOUNTS[account].regions;
  const region = g.rng.next() < 0.8 ? (regions[0] ?? 'us-east-1') : g.rng.pick(regions);
  const clock = new Clock(g.rng, t);
  for (let i = 0; i < n; i++) {
    const name = g.rng.weighted(apis);
    const ops = role(account, OPS_ROLE);
    const target =
      name === 'AssumeRole' ? { roleArn: ops.arn, roleId: ops.id, roleSessionName: a.identity.userName } : {};
    apiCall(g, a, name, clock.after(1, gap), account, region, { target });
  }
}

const habitualIp = (g: Gen, h: Habits): string => (g.rng.next() < 0.8 ? (h.ips[0] ?? '') : g.rng.pick(h.ips));

function people(g: Gen, h: number) {
  const start = () => h + g.rng.int(0, HOUR - 1);
  for (const u of IAM_USERS) {
    const share = workShare(h, u.utcOffset);
    for (let i = g.rng.poisson(u.consoleSessions * share); i > 0; i--) {
      const t = start();
      const sign = { ip: habitualIp(g, u), agent: u.browser, account: u.account };
      if (g.rng.next() < 0.05) {
        const identity = failedSignIn(u.account, u.userName);
        consoleLogin(g, t - g.rng.int(15, 90), { ...sign, identity, success: false, mfa: false });
      }
      consoleLogin(g, t, { ...sign, identity: iamUser(u.account, u.userName), success: true, mfa: u.mfa });
      const identity = iamUser(u.account, u.userName, g.tempKey(), consoleContext(t, u.mfa));
      session(g, { ...sign, identity, console: true }, u.consoleApis, u.account, t, g.rng.int(4, 20), 150);
    }
    for (let i = g.rng.poisson(u.cliSessions * share); i > 0; i--) {
      const identity = iamUser(u.account, u.userName, longTermKey(u.account, u.userName));
      const actor = { identity, ip: habitualIp(g, u), agent: u.cli };
      session(g, actor, u.cliApis, u.account, start(), g.rng.int(2, 24), 40);
    }
  }
  for (const p of SSO_PEOPLE) {
    const share = workShare(h, p.utcOffset);
    for (let i = g.rng.poisson(p.consoleSessions * share); i > 0; i--) {
      const t = start();
      const { account, role: r } = ssoRole(g.rng.weighted(p.access));
      const actor = {
        identity: roleSession(r, p.userName, g.tempKey(), t),
        ip: habitualIp(g, p),
        agent: p.browser,
      };
      consoleLogin(g, t, { ...actor, account, success: true, mfa: false, federated: true });
      session(g, { ...actor, console: true }, p.consoleApis, account, t, g.rng.int(4, 20), 150);
    }
    for (let i = g.rng.poisson(p.cliSessions * share); i > 0; i--) {
      const t = start();
      const { account, role: r } = ssoRole(g.rng.weighted(p.access));
      const identity = roleSession(r, p.userName, g.tempKey(), t - g.rng.int(60, 7200));
      session(
        g,
        { identity, ip: habitualIp(g, p), agent: p.cli },
        p.cliApis,
        account,
        t,
        g.rng.int(2, 20),
        40,
      );
    }
  }
}

function terraformRun(g: Gen, t: number) {
  const { userName, agent, deployRole, reads } = TERRAFORM_CI;
  const account: AccountKey = g.rng.next() < 0.5 ? 'prod' : 'dev';
  const region = ACCOUNTS[account].regions[0] ?? 'us-east-1';
  const ip = g.rng.pick(TERRAFORM_CI.ips);
  const ci = { identity: iamUser('management', userName, longTermKey('management', userName)), ip, agent };
  const state = { target: { bucket: bucket(TERRAFORM_CI.stateBucket) }, error: null };
  apiCall(g, ci, 'GetObject', t, 'management', 'us-east-1', state);
  const r = role(account, deployRole);
  const roleSessionName = `gha-${g.rng.int(18_000_000_000, 19_999_999_999)}`;
  const key = g.tempKey();
  const target = { roleArn: r.arn, roleId: r.id, roleSessionName, durationSeconds: 3600, accessKeyId: key };
  apiCall(g, ci, 'AssumeRole', t + 2, account, region, { target, error: null, sharedWith: 'management' });
  const deployer = { identity: roleSession(r, roleSessionName, key, t + 2), ip, agent };
  const clock = new Clock(g.rng, t + 3);
  for (let i = g.rng.int(20, 50); i > 0; i--)
    apiCall(g, deployer, g.rng.weighted(reads), clock.after(0, 3), account, region);
  if (g.rng.next() < 0.3) {
    for (let i = g.rng.int(1, 2); i > 0; i--)
      apiCall(g, deployer, 'RunInstances', clock.after(5, 20), account, region);
    apiCall(g, ci, 'PutObject', clock.after(30, 90), 'management', 'us-east-1', state);
  }
}

function monitoringPoll(g: Gen, t: number) {
  const { userName, account, ip, agent } = MONITORING;
  const actor = { identity: iamUser(account, userName, longTermKey(account, userName)), ip, agent };
  const clock = new Clock(g.rng, t);
  for (const region of ACCOUNTS[account].regions)
    apiCall(g, actor, 'DescribeInstances', clock.after(0, 2), account, region);
  apiCall(g, actor, 'ListBuckets', clock.after(1, 3), account, 'us-east-1');
  apiCall(g, actor, 'GetBucketPolicy', clock.after(0, 2), account, 'us-east-1');
}

function workloadHour(g: Gen, w: WorkloadDef, h: number) {
  const r = role(w.account, w.role);
  const service = `${w.kind}.amazonaws.com`;
  const aws: Actor = {
    identity: { type: 'AWSService', invokedBy: service },
    ip: service,
    agent: service,
    service: true,
  };
  const sessions = w.sessions.map((name) => {
    // Credentials refresh hourly: the service's AssumeRole, then calls under the new key.
    const created = h - g.rng.int(60, 900);
    const key = g.tempKey();
    const target = { roleArn: r.arn, roleId: r.id, roleSessionName: name, accessKeyId: key };
    apiCall(g, aws, 'AssumeRole', created, w.account, w.region, { target, error: null });
    return { name, identity: roleSession(r, name, key, created, w.kind === 'ec2') };
  });
  for (let i = g.rng.poisson(w.perHour * loadShape(h)); i > 0; i--) {
    const { name, identity } = g.rng.pick(sessions);
    const vpce = w.vpce ? { id: w.vpce.id, ip: g.rng.pick(w.vpce.ips) } : undefined;
    const actor: Actor = { identity, ip: g.rng.pick(w.ips), agent: w.agent, ...(vpce ? { vpce } : {}) };
    const target: Target = { bucket: bucket(g.rng.pick(w.buckets)) };
    if (w.kind === 'lambda') {
      const fn = `arn:aws:lambda:${w.region}:${ACCOUNTS[w.account].id}:function:${name}`;
      target.encryptionContext = { 'aws:lambda:FunctionArn': fn };
    }
    apiCall(g, actor, g.rng.weighted(w.apis), h + g.rng.int(0, HOUR - 1), w.account, w.region, { target });
  }
}

/** KMS rotating a key on its own: an AwsServiceEvent whose only caller is the service. */
function rotateKey(g: Gen, account: AccountKey, t: number) {
  const { id, regions, kmsKeyId } = ACCOUNTS[account];
  const region = regions[0] ?? 'us-east-1';
  push(g, {
    t,
    eventVersion: '1.09',
    userIdentity: { accountId: id, invokedBy: 'kms.amazonaws.com' },
    eventSource: 'kms.amazonaws.com',
    eventName: 'RotateKey',
    awsRegion: region,
    sourceIPAddress: 'kms.amazonaws.com',
    userAgent: 'kms.amazonaws.com',
    requestParameters: null,
    responseElements: null,
    readOnly: false,
    resources: [{ accountId: id, type: 'AWS::KMS::Key', ARN: `arn:aws:kms:${region}:${id}:key/${kmsKeyId}` }],
    eventType: 'AwsServiceEvent',
    managementEvent: true,
    recipient: id,
    serviceEventDetails: { keyId: kmsKeyId },
    eventCategory: 'Management',
  });
}

function benign(g: Gen) {
  for (let h = Math.floor(g.first / HOUR) * HOUR; h <= g.last; h += HOUR) {
    people(g, h);
    const runs = g.rng.poisson(TERRAFORM_CI.runsPerDay * workShare(h, TERRAFORM_CI.utcOffset));
    for (let i = runs; i > 0; i--) terraformRun(g, h + g.rng.int(0, HOUR - 1));
    for (let m = 0; m < 60; m += MONITORING.everyMinutes)
      monitoringPoll(g, h + m * 60 + 420 + g.rng.int(0, 20));
    for (const w of WORKLOADS) workloadHour(g, w, h);
  }
  for (const account of ['management', 'prod', 'dev'] as const) {
    if (account === 'prod' || g.rng.next() < 0.5) rotateKey(g, account, g.rng.int(g.first, g.last));
  }
}

// ---------------------------------------------------------------------------------------------
// Attack scenarios (times count back from `end`)

type Emitted = CloudTrailRecord | undefined;

const scenario = (name: string, description: string, records: Emitted[]): CloudTrailScenario => ({
  name,
  description,
  eventIds: records.flatMap((r) => (r ? [r.eventID] : [])),
});

function bruteForce(g: Gen, end: number): CloudTrailScenario {
  const account: AccountKey = 'dev';
  const userName = 'dev-jsmith';
  const ip = `203.0.113.${g.rng.int(10, 99)}`;
  const sign = { ip, agent: ATTACKER_BROWSER, account, mfa: false };
  const clock = new Clock(g.rng, end - g.rng.int(33 * 60, 37 * 60));
  const out: Emitted[] = [];
  for (let i = g.rng.int(9, 14); i > 0; i--) {
    out.push(
      consoleLogin(g, clock.after(10, 22), {
        ...sign,
        identity: failedSignIn(account, userName),
        success: false,
      }),
    );
  }
  const t = clock.after(30, 80);
  out.push(consoleLogin(g, t, { ...sign, identity: iamUser(account, userName), success: true }));
  const identity = iamUser(account, userName, g.tempKey(), consoleContext(t, false));
  for (const name of [
    'ListBuckets',
    'ListUsers',
    'ListRoles',
    'DescribeInstances',
    'GetBucketPolicy',
  ] as const) {
    out.push(
      apiCall(g, { ...sign, identity, console: true }, name, clock.after(20, 75), account, 'us-east-1', {
        error: null,
      }),
    );
  }
  const what = `Failed console sign-ins for ${userName} from ${ip}, then a sign-in without MFA and discovery calls.`;
  return scenario('console-brute-force', what, out);
}

function rootUse(g: Gen, end: number): CloudTrailScenario {
  const account: AccountKey = 'prod';
  const ip = `198.51.100.${g.rng.int(10, 99)}`;
  const clock = new Clock(g.rng, end - g.rng.int(4 * HOUR, 7 * HOUR));
  const sign = { identity: root(account, ''), ip, agent: ROOT_BROWSER, account, success: true, mfa: false };
  const out: Emitted[] = [consoleLogin(g, clock.t, sign)];
  const actor = {
    identity: root(account, g.tempKey(), consoleContext(clock.t, false)),
    ip,
    agent: ROOT_BROWSER,
    console: true,
  };
  for (const name of ['ListBuckets', 'ListUsers', 'CreateAccessKey', 'DescribeInstances'] as const) {
    out.push(apiCall(g, actor, name, clock.after(30, 200), account, 'us-east-1', { error: null }));
  }
  const what = `Prod's root user signed in without MFA from ${ip}, listed resources and created a root access key.`;
  return scenario('root-account-use', what, out);
}

function loggingStopped(g: Gen, end: number): CloudTrailScenario {
  const person = SSO_PEOPLE[0]?.userName ?? 'admin';
  const ip = `198.51.100.${g.rng.int(150, 250)}`;
  const clock = new Clock(g.rng, end - g.rng.int(75 * 60, 100 * 60));
  const { role: r } = ssoRole(`${ORG_TRAIL.account}/AdministratorAccess`);
  const actor = {
    identity: roleSession(r, person, g.tempKey(), clock.t - g.rng.int(300, 1800)),
    ip,
    agent: ATTACKER_CLI,
  };
  const opts = { target: { trailArn: ORG_TRAIL_ARN }, error: null };
  const names = [
    'GetCallerIdentity',
    'DescribeTrails',
    'GetTrailStatus',
    'StopLogging',
    'UpdateTrail',
    'DeleteTrail',
  ] as const;
  const out = names.map((name) =>
    apiCall(g, actor, name, clock.after(15, 90), ORG_TRAIL.account, ORG_TRAIL.region, opts),
  );
  const what =
    `An AdministratorAccess SSO session of ${person} from ${ip} stopped logging on the organisation trail, ` +
    'turned off its multi-region and log file validation settings, then deleted it.';
  return scenario('cloudtrail-logging-stopped', what, out);
}

function privilegeEscalation(g: Gen, end: number): CloudTrailScenario {
  const account: AccountKey = 'prod';
  const userName = 'bob.martinez';
  const ip = `203.0.113.${g.rng.int(150, 250)}`;
  const newUser = g.rng.pick(['svc-backup-sync', 'aws-support-automation', 'ops-healthcheck']);
  const actor = {
    identity: iamUser(account, userName, longTermKey(account, userName)),
    ip,
    agent: ATTACKER_CLI,
  };
  const clock = new Clock(g.rng, end - g.rng.int(130 * 60, 165 * 60));
  const steps: [ApiName, Target][] = [
    ['GetCallerIdentity', {}],
    ['ListUsers', {}],
    ['CreateUser', { userName: newUser }],
    ['AttachUserPolicy', { userName: newUser, policyArn: ADMIN_POLICY_ARN }],
    ['CreateAccessKey', { userName: newUser }],
  ];
  const out = steps.map(([name, target]) =>
    apiCall(g, actor, name, clock.after(15, 100), account, 'us-east-1', { target, error: null }),
  );
  const what = `${userName}'s access key, from the new address ${ip}, created ${newUser}, made it an administrator and gave it a key.`;
  return scenario('iam-privilege-escalation', what, out);
}

// ---------------------------------------------------------------------------------------------
// Public API

/** Every record of the sample, time-ordered, and the attack scenarios mixed into it. */
export function generateCloudTrailRecords(opts: SampleOptions): {
  records: CloudTrailRecord[];
  scenarios: CloudTrailScenario[];
} {
  const endMs = opts.end.getTime();
  if (!Number.isFinite(endMs) || !(opts.days > 0))
    throw new RangeError('the sample needs a valid end and days > 0');
  const first = Math.ceil((endMs - opts.days * 24 * HOUR * 1000) / 1000);
  const last = Math.floor((endMs - 60_000) / 1000);
  const end = Math.floor(endMs / 1000);
  const background = new Gen(new Rng(streamSeed(opts.seed, 'benign')), first, last);
  benign(background);
  const attacks = new Gen(new Rng(streamSeed(opts.seed, 'scenarios')), first, last);
  const scenarios = [bruteForce, rootUse, loggingStopped, privilegeEscalation].map((make) =>
    make(attacks, end),
  );
  const records = [...background.records, ...attacks.records];
  records.sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : 0));
  return { records, scenarios };
}

const seconds = (r: CloudTrailRecord): number => Date.parse(r.eventTime) / 1000;

function deliveryFile(chunk: CloudTrailRecord[], rng: Rng, end: number): SampleFile {
  const head = chunk[0];
  const tail = chunk[chunk.length - 1];
  if (!head || !tail) throw new Error('empty delivery file');
  const { recipientAccountId: account, awsRegion: region } = head;
  // CloudTrail names an object for when it was delivered, a few minutes after its last event.
  const at = new Date(Math.min(seconds(tail) + rng.int(60, 420), end) * 1000).toISOString();
  const [yyyy, mm, dd] = [at.slice(0, 4), at.slice(5, 7), at.slice(8, 10)];
  const stamp = `${yyyy}${mm}${dd}T${at.slice(11, 13)}${at.slice(14, 16)}Z`;
  const name = `${account}_CloudTrail_${region}_${stamp}_${rng.chars(ALNUM, 16)}.json.gz`;
  return {
    path: `AWSLogs/${account}/CloudTrail/${region}/${yyyy}/${mm}/${dd}/${name}`,
    body: gzipSync(JSON.stringify({ Records: chunk })),
  };
}

/** The sample as S3 delivery objects: one per account and region per 5-15 minutes of events. */
export function cloudtrailSampleFiles(opts: SampleOptions): SampleFile[] {
  const { records } = generateCloudTrailRecords(opts);
  const rng = new Rng(streamSeed(opts.seed, 'files'));
  const end = Math.floor(opts.end.getTime() / 1000);
  const streams = new Map<string, CloudTrailRecord[]>();
  for (const r of records) {
    const key = `${r.recipientAccountId}/${r.awsRegion}`;
    const list = streams.get(key);
    if (list) list.push(r);
    else streams.set(key, [r]);
  }
  const files: SampleFile[] = [];
  for (const list of streams.values()) {
    let chunk: CloudTrailRecord[] = [];
    let closes = 0;
    for (const r of list) {
      if (chunk.length > 0 && seconds(r) >= closes) {
        files.push(deliveryFile(chunk, rng, end));
        chunk = [];
      }
      if (chunk.length === 0) closes = seconds(r) + rng.int(300, 900);
      chunk.push(r);
    }
    if (chunk.length > 0) files.push(deliveryFile(chunk, rng, end));
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}
