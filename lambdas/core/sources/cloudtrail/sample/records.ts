/**
 * Record builders: an API call or a console sign-in by an actor becomes one CloudTrail record (two
 * when cross-account), in CloudTrail's key order, kept only when it falls inside the sample's range.
 */
import { ACCOUNTS, type AccountKey, SSO_REGION } from './accounts.js';
import { API, type ApiName, type ErrorKind, errorFields, type Target } from './api.js';
import { HEX, type Mix, type Rng, UPPER_ALNUM } from './random.js';
import type { CloudTrailRecord, CloudTrailUserIdentity, JsonObject } from './record-types.js';
import { isoSeconds } from './time.js';

/** One random stream's records, kept within the sample's range [first, last] (epoch seconds). */
export class Gen {
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
export function push(g: Gen, input: RecordInput): CloudTrailRecord | undefined {
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

export interface Actor {
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

export function apiCall(
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
export function consoleLogin(g: Gen, t: number, s: SignIn): CloudTrailRecord | undefined {
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
