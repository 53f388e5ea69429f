/**
 * The fictional organisation behind the CloudTrail sample (accounts, people, workloads, resources)
 * and the API catalogue: what each call's record carries, shaped after real CloudTrail records
 * (Stratus Red Team detonation logs, the AWS documentation's examples). Data only: `sample.ts`
 * turns it into records.
 */
import type { CloudTrailResource, JsonObject } from './sample.js';

/** Relative weights (or, for errors, probabilities) by name. */
export type Mix<K extends string> = Partial<Record<K, number>>;

/** What the catalogue needs from the sample's seeded random source. */
export interface Random {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  weighted<K extends string>(mix: Mix<K>): K;
  chars(alphabet: string, length: number): string;
  uuid(): string;
}

export const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const HEX = '0123456789abcdef';
const B64 = `${ALNUM}+/`;

// ---------------------------------------------------------------------------------------------
// Accounts and resources

export type AccountKey = 'management' | 'prod' | 'dev';

export interface AccountDef {
  id: string;
  /** Regions where people and workloads act, home region first. */
  regions: readonly string[];
  kmsKeyId: string;
}

export const ACCOUNTS: Record<AccountKey, AccountDef> = {
  management: {
    id: '418293756102',
    regions: ['us-east-1'],
    kmsKeyId: '5f0c7a61-2b9e-4d3a-9c41-7e2d8b0f3a15',
  },
  prod: {
    id: '739104582613',
    regions: ['us-east-1', 'us-west-2'],
    kmsKeyId: 'c2a94e07-81d5-4f6b-a3e0-19b7d45c6e82',
  },
  dev: {
    id: '205873619440',
    regions: ['us-east-1', 'eu-west-1'],
    kmsKeyId: '8e31b5d2-0a4f-47c9-b6d8-3f92e1a07c54',
  },
};

/** IAM Identity Center's home region: federated console sign-ins are recorded there. */
export const SSO_REGION = 'us-east-2';

export const ORG_TRAIL = {
  account: 'management' as AccountKey,
  region: 'us-east-1',
  name: 'acme-org-trail',
  bucket: 'acme-org-cloudtrail-418293756102',
};
export const ORG_TRAIL_ARN = `arn:aws:cloudtrail:${ORG_TRAIL.region}:${ACCOUNTS.management.id}:trail/${ORG_TRAIL.name}`;
export const ADMIN_POLICY_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';

export interface BucketDef {
  name: string;
  account: AccountKey;
  region: string;
  /** Object key templates: {yyyy} {mm} {dd} {uuid} {n}. */
  keys: readonly string[];
}

const ORDERS_KEY = 'orders/{yyyy}/{mm}/{dd}/{uuid}.json';
export const BUCKETS: readonly BucketDef[] = [
  { name: 'acme-prod-orders', account: 'prod', region: 'us-east-1', keys: [ORDERS_KEY] },
  {
    name: 'acme-prod-invoices',
    account: 'prod',
    region: 'us-east-1',
    keys: ['invoices/{yyyy}-{mm}/INV-{n}.pdf'],
  },
  {
    name: 'acme-prod-app-config',
    account: 'prod',
    region: 'us-east-1',
    keys: ['orders-api/config.json', 'orders-api/feature-flags.json', 'invoice-generator/templates.json'],
  },
  { name: 'acme-prod-dr-replica', account: 'prod', region: 'us-west-2', keys: [ORDERS_KEY] },
  {
    name: 'acme-dev-artifacts',
    account: 'dev',
    region: 'us-east-1',
    keys: ['builds/orders-api/{n}/app.zip'],
  },
  {
    name: 'acme-dev-scratch-eu',
    account: 'dev',
    region: 'eu-west-1',
    keys: ['tmp/{uuid}.csv', 'nb/{n}.ipynb'],
  },
  {
    name: 'acme-terraform-state',
    account: 'management',
    region: 'us-east-1',
    keys: ['prod/terraform.tfstate'],
  },
  { name: ORG_TRAIL.bucket, account: 'management', region: 'us-east-1', keys: [] },
];

export function bucket(name: string): BucketDef {
  const found = BUCKETS.find((b) => b.name === name);
  if (!found) throw new Error(`unknown sample bucket ${name}`);
  return found;
}

// ---------------------------------------------------------------------------------------------
// User agents

const WEBKIT = 'AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
const CHROME_MAC = `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) ${WEBKIT}`;
const CHROME_WIN = `Mozilla/5.0 (Windows NT 10.0; Win64; x64) ${WEBKIT}`;
const EDGE_WIN = `${CHROME_WIN} Edg/142.0.0.0`;
const FIREFOX_WIN = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:145.0) Gecko/20100101 Firefox/145.0';
const SAFARI_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Safari/605.1.15';
/** aws-cli v2 names the command it runs (`md/command#ec2.describe-instances`): `{command}` is filled per call. */
const CLI_MAC =
  'aws-cli/2.31.12 md/awscrt#0.28.1 ua/2.1 os/macos#24.6.0 md/arch#arm64 lang/python#3.13.7 md/pyimpl#CPython ' +
  'm/Z,b,E cfg/retry-mode#standard md/installer#source md/prompt#off md/command#{command}';
const CLI_LINUX =
  'aws-cli/2.30.6 md/awscrt#0.27.6 ua/2.1 os/linux#6.8.0-87-generic md/arch#x86_64 lang/python#3.13.7 ' +
  'md/pyimpl#CPython m/E,Z,b cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off ' +
  'md/command#{command}';
const BOTO3 =
  'Boto3/1.40.55 md/Botocore#1.40.55 ua/2.1 os/linux#6.8.0-1036-aws md/arch#x86_64 lang/python#3.12.3 ' +
  'md/pyimpl#CPython m/Z,D cfg/retry-mode#legacy Botocore/1.40.55';
/** SDKs for Go and JavaScript name the service client (`api/ec2#1.254.1`): `{svc}` is filled per call. */
const TERRAFORM =
  'APN/1.0 HashiCorp/1.0 Terraform/1.13.4 (+https://www.terraform.io) terraform-provider-aws/6.18.0 ' +
  '(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.39.2 ua/2.1 os/linux lang/go#1.24.8 ' +
  'md/GOOS#linux md/GOARCH#amd64 api/{svc}#1.54.3 m/C,Z';
const JAVA_SDK =
  'aws-sdk-java/2.29.15 Linux/6.1.115-126.197.amzn2023.x86_64 OpenJDK_64-Bit_Server_VM/21.0.5+11-LTS ' +
  'Java/21.0.5 vendor/Amazon.com_Inc. md/internal io/sync http/Apache cfg/retry-mode/legacy';
const LAMBDA_PY =
  'Boto3/1.38.36 md/Botocore#1.38.36 ua/2.1 os/linux#5.10.240-259.969.amzn2.x86_64 md/arch#x86_64 ' +
  'lang/python#3.12.11 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.38.36';
const LAMBDA_NODE =
  'aws-sdk-js/3.840.0 ua/2.1 os/linux#5.10.240-259.969.amzn2.x86_64 lang/js md/nodejs#20.19.4 ' +
  'api/{svc}#3.840.0 m/N,E,e exec-env/AWS_Lambda_nodejs20.x';

/** Agents of the attack scenarios: no employee uses them. */
export const ATTACKER_BROWSER = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
export const ATTACKER_CLI =
  'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.6.15-amd64 md/arch#x86_64 lang/python#3.11.8 ' +
  'md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#kali.2024 md/prompt#off md/command#{command}';
export const ROOT_BROWSER = EDGE_WIN;

// ---------------------------------------------------------------------------------------------
// People and programs

export type PermissionSet = 'AdministratorAccess' | 'PowerUserAccess' | 'ReadOnlyAccess';

export interface Habits {
  /** Offset of the person's working day from UTC, hours. */
  utcOffset: number;
  /** Habitual egress addresses (office, home); the first is the usual one. */
  ips: readonly string[];
  browser: string;
  cli: string;
  /** Sessions on an average working day. */
  consoleSessions: number;
  cliSessions: number;
  consoleApis: Mix<ApiName>;
  cliApis: Mix<ApiName>;
}

export interface IamUserDef extends Habits {
  userName: string;
  account: AccountKey;
  mfa: boolean;
}

export interface SsoPersonDef extends Habits {
  /** Identity Center user name: the role session name in member accounts. */
  userName: string;
  access: Mix<`${AccountKey}/${PermissionSet}`>;
}

const DEV_CONSOLE: Mix<ApiName> = {
  DescribeInstances: 6,
  DescribeSecurityGroups: 3,
  ListBuckets: 3,
  GetBucketPolicy: 1,
  GetObject: 1,
  ListRoles: 1,
  Decrypt: 1,
};
const DEV_CLI: Mix<ApiName> = {
  GetCallerIdentity: 2,
  DescribeInstances: 4,
  ListBuckets: 2,
  GetObject: 3,
  PutObject: 2,
  DescribeSecurityGroups: 1,
};
const ADMIN_CONSOLE: Mix<ApiName> = {
  ListUsers: 3,
  GetUser: 2,
  ListRoles: 2,
  DescribeInstances: 3,
  ListBuckets: 2,
  GetBucketPolicy: 1,
  DescribeTrails: 1,
};
const SECURITY: Mix<ApiName> = {
  LookupEvents: 5,
  DescribeTrails: 2,
  GetTrailStatus: 2,
  ListUsers: 2,
  GetUser: 1,
  GetBucketPolicy: 2,
  DescribeSecurityGroups: 1,
};

export const IAM_USERS: readonly IamUserDef[] = [
  {
    userName: 'alice.nguyen',
    account: 'prod',
    mfa: true,
    utcOffset: -5,
    ips: ['68.160.212.40', '71.190.7.133'],
    browser: CHROME_MAC,
    cli: CLI_MAC,
    consoleSessions: 2.0,
    cliSessions: 1.5,
    consoleApis: ADMIN_CONSOLE,
    cliApis: { ...DEV_CLI, ListUsers: 1 },
  },
  {
    userName: 'dev-jsmith',
    account: 'dev',
    mfa: false,
    utcOffset: -5,
    ips: ['73.149.88.21'],
    browser: CHROME_WIN,
    cli: CLI_LINUX,
    consoleSessions: 1.8,
    cliSessions: 1.9,
    consoleApis: DEV_CONSOLE,
    cliApis: DEV_CLI,
  },
  {
    userName: 'bob.martinez',
    account: 'prod',
    mfa: true,
    utcOffset: -8,
    ips: ['76.102.44.180', '104.174.29.62'],
    browser: FIREFOX_WIN,
    cli: CLI_LINUX,
    consoleSessions: 0.8,
    cliSessions: 2.8,
    consoleApis: DEV_CONSOLE,
    cliApis: { ...DEV_CLI, ListUsers: 1, GetUser: 1, AssumeRole: 1 },
  },
  {
    userName: 'carol.white',
    account: 'management',
    mfa: true,
    utcOffset: 0,
    ips: ['81.134.201.17'],
    browser: SAFARI_MAC,
    cli: CLI_MAC,
    consoleSessions: 1.5,
    cliSessions: 0.4,
    consoleApis: ADMIN_CONSOLE,
    cliApis: { ListUsers: 1, GetCallerIdentity: 1 },
  },
  {
    userName: 'dana.kowalski',
    account: 'dev',
    mfa: true,
    utcOffset: 1,
    ips: ['91.64.112.9', '84.183.20.241'],
    browser: CHROME_MAC,
    cli: BOTO3,
    consoleSessions: 1.4,
    cliSessions: 2.0,
    consoleApis: DEV_CONSOLE,
    cliApis: DEV_CLI,
  },
  {
    userName: 'erin.lee',
    account: 'prod',
    mfa: true,
    utcOffset: -5,
    ips: ['68.160.212.40'],
    browser: FIREFOX_WIN,
    cli: CLI_MAC,
    consoleSessions: 1.6,
    cliSessions: 1.2,
    consoleApis: SECURITY,
    cliApis: SECURITY,
  },
];

export const SSO_PEOPLE: readonly SsoPersonDef[] = [
  {
    userName: 'priya.sharma@acme-corp.example',
    access: { 'management/AdministratorAccess': 2, 'prod/AdministratorAccess': 3 },
    utcOffset: -5,
    ips: ['68.160.212.40', '100.2.165.73'],
    browser: CHROME_MAC,
    cli: CLI_MAC,
    consoleSessions: 1.8,
    cliSessions: 1.2,
    consoleApis: ADMIN_CONSOLE,
    cliApis: { ...DEV_CLI, DescribeTrails: 1 },
  },
  {
    userName: 'tom.baker@acme-corp.example',
    access: { 'dev/PowerUserAccess': 3, 'prod/PowerUserAccess': 1 },
    utcOffset: 0,
    ips: ['86.12.77.200'],
    browser: EDGE_WIN,
    cli: CLI_LINUX,
    consoleSessions: 1.5,
    cliSessions: 1.8,
    consoleApis: DEV_CONSOLE,
    cliApis: DEV_CLI,
  },
  {
    userName: 'li.wei@acme-corp.example',
    access: { 'prod/ReadOnlyAccess': 2, 'dev/ReadOnlyAccess': 1, 'management/ReadOnlyAccess': 1 },
    utcOffset: -8,
    ips: ['73.189.4.56'],
    browser: CHROME_MAC,
    cli: CLI_MAC,
    consoleSessions: 1.2,
    cliSessions: 0.6,
    consoleApis: { ...SECURITY, DescribeInstances: 2 },
    cliApis: { LookupEvents: 2, DescribeInstances: 1 },
  },
];

/** CI deploys with Terraform from the management account into prod and dev. */
export const TERRAFORM_CI = {
  userName: 'terraform-ci',
  account: 'management' as AccountKey,
  ips: ['3.229.14.77', '44.207.91.3'],
  agent: TERRAFORM,
  deployRole: 'terraform-deploy',
  stateBucket: 'acme-terraform-state',
  /** Plan/apply runs on an average working day of the team (UTC-5). */
  runsPerDay: 4,
  utcOffset: -5,
  reads: { DescribeInstances: 4, DescribeSecurityGroups: 4, GetBucketPolicy: 2, ListRoles: 1, Decrypt: 1 },
};

/** A monitoring integration polls prod with an IAM user's access key. */
export const MONITORING = {
  userName: 'monitoring-svc',
  account: 'prod' as AccountKey,
  ip: '34.201.88.15',
  agent: BOTO3,
  everyMinutes: 30,
};

/** Bob's habitual `AssumeRole` target. */
export const OPS_ROLE = 'ops-readonly';

export interface WorkloadDef {
  role: string;
  account: AccountKey;
  region: string;
  kind: 'ec2' | 'lambda';
  /** Instance ids or function names: the role session names. */
  sessions: readonly string[];
  /** Calls per hour at the day's average load. */
  perHour: number;
  agent: string;
  /** Public egress (NAT gateway, Lambda's shared addresses). */
  ips: readonly string[];
  /** The S3 gateway endpoint the workload reaches S3 through, and its private addresses. */
  vpce?: { id: string; ips: readonly string[] };
  apis: Mix<ApiName>;
  buckets: readonly string[];
}

export const WORKLOADS: readonly WorkloadDef[] = [
  {
    role: 'orders-api-ec2',
    account: 'prod',
    region: 'us-east-1',
    kind: 'ec2',
    sessions: ['i-0a4c17e9b3d25f816', 'i-0e93b1c4a7f0d2e58', 'i-07d2f8a16c4b9e301'],
    perHour: 17,
    agent: JAVA_SDK,
    ips: ['3.214.77.10', '52.5.190.33'],
    vpce: { id: 'vpce-0c8e51a2f7b39d146', ips: ['10.20.11.87', '10.20.12.143', '10.20.13.29'] },
    apis: { GetObject: 8, PutObject: 6, Decrypt: 3, GetCallerIdentity: 1 },
    buckets: ['acme-prod-orders', 'acme-prod-app-config'],
  },
  {
    role: 'invoice-generator-lambda',
    account: 'prod',
    region: 'us-east-1',
    kind: 'lambda',
    sessions: ['invoice-generator'],
    perHour: 6,
    agent: LAMBDA_PY,
    ips: ['44.201.3.119', '54.166.87.240', '3.88.15.202'],
    apis: { GetObject: 3, PutObject: 4, Decrypt: 2 },
    buckets: ['acme-prod-invoices', 'acme-prod-app-config'],
  },
  {
    role: 'orders-replicator-lambda',
    account: 'prod',
    region: 'us-west-2',
    kind: 'lambda',
    sessions: ['orders-replicator'],
    perHour: 4,
    agent: LAMBDA_NODE,
    ips: ['35.90.14.201', '44.234.70.12'],
    apis: { PutObject: 4, Decrypt: 1 },
    buckets: ['acme-prod-dr-replica'],
  },
  {
    role: 'dev-batch-ec2',
    account: 'dev',
    region: 'us-east-1',
    kind: 'ec2',
    sessions: ['i-0b6e2d94f1a8c7350'],
    perHour: 4,
    agent: BOTO3,
    ips: ['54.91.203.76'],
    apis: { GetObject: 2, PutObject: 2, DescribeInstances: 1, GetCallerIdentity: 1 },
    buckets: ['acme-dev-artifacts'],
  },
];

// ---------------------------------------------------------------------------------------------
// Formatting

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** `2026-11-20T13:04:05Z`, CloudTrail's eventTime format. */
export function isoSeconds(t: number): string {
  return new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Java-style dates in response elements: `Nov 20, 2026, 1:04:05 PM` (IAM writes no second comma). */
export function awsDate(t: number, yearComma = true): string {
  const d = new Date(t * 1000);
  const h = d.getUTCHours();
  const clock = `${h % 12 || 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
  const month = MONTHS[d.getUTCMonth()] ?? '';
  return `${month} ${d.getUTCDate()}, ${d.getUTCFullYear()}${yearComma ? ',' : ''} ${clock}`;
}

// ---------------------------------------------------------------------------------------------
// API catalogue

export type ApiName =
  | 'ListBuckets'
  | 'GetObject'
  | 'PutObject'
  | 'GetBucketPolicy'
  | 'ListUsers'
  | 'GetUser'
  | 'ListRoles'
  | 'CreateUser'
  | 'AttachUserPolicy'
  | 'CreateAccessKey'
  | 'DescribeInstances'
  | 'DescribeSecurityGroups'
  | 'RunInstances'
  | 'AssumeRole'
  | 'GetCallerIdentity'
  | 'Decrypt'
  | 'LookupEvents'
  | 'DescribeTrails'
  | 'GetTrailStatus'
  | 'StopLogging'
  | 'UpdateTrail'
  | 'DeleteTrail';

export type ErrorKind =
  | 'AccessDenied'
  | 'NoSuchBucket'
  | 'NoSuchKey'
  | 'NoSuchBucketPolicy'
  | 'NoSuchEntity'
  | 'Throttling'
  | 'UnauthorizedOperation'
  | 'RequestLimitExceeded';

/** What a call acts on; builders choose what is not given. */
export interface Target {
  bucket?: BucketDef;
  userName?: string;
  roleArn?: string;
  roleId?: string;
  roleSessionName?: string;
  durationSeconds?: number;
  /** The access key a role session or a new key gets, so that later calls can use it. */
  accessKeyId?: string;
  policyArn?: string;
  trailArn?: string;
  encryptionContext?: JsonObject;
}

export interface ApiContext {
  rng: Random;
  t: number;
  account: AccountKey;
  region: string;
  target: Target;
  error: ErrorKind | undefined;
}

export interface ApiParts {
  requestParameters: JsonObject | null;
  responseElements: JsonObject | null;
  additionalEventData?: JsonObject;
  resources?: CloudTrailResource[];
  /** Region of the resource, when it is not the caller's (S3 buckets). */
  region?: string;
  /** TLS host header, when it is not `<service>.<region>.amazonaws.com`. */
  host?: string;
  /** The resource an AccessDenied message names. */
  errorResource?: string;
}

export interface ApiDef {
  source: string;
  version: '1.08' | '1.09';
  readOnly: boolean;
  /** Benign error probabilities. */
  errors: Mix<ErrorKind>;
  build(ctx: ApiContext): ApiParts;
  /** S3 object-level calls: data events. */
  data?: boolean;
  /** Global endpoint (IAM): recorded in us-east-1 under `iam.amazonaws.com`. */
  global?: boolean;
}

const accountId = (ctx: ApiContext): string => ACCOUNTS[ctx.account].id;

function s3Data(ctx: ApiContext, bytesIn: number, bytesOut: number): JsonObject {
  return {
    SignatureVersion: 'SigV4',
    CipherSuite: 'TLS_AES_128_GCM_SHA256',
    bytesTransferredIn: bytesIn,
    AuthenticationMethod: 'AuthHeader',
    // 64 random bytes in base64: the last character before '==' carries 2 bits.
    'x-amz-id-2': `${ctx.rng.chars(B64, 85)}${ctx.rng.pick(['A', 'Q', 'g', 'w'])}==`,
    bytesTransferredOut: bytesOut,
  };
}

/** The bucket a call names: a mistyped one when the call fails with NoSuchBucket. */
function pickBucket(ctx: ApiContext): { name: string; region: string; def?: BucketDef } {
  const own = BUCKETS.filter((b) => b.account === ctx.account && b.keys.length > 0);
  const def = ctx.target.bucket ?? ctx.rng.pick(own.length > 0 ? own : BUCKETS);
  if (ctx.error !== 'NoSuchBucket') return { name: def.name, region: def.region, def };
  return { name: `${def.name}-${ctx.rng.pick(['old', 'tmp', 'backup'])}`, region: def.region };
}

function objectKey(ctx: ApiContext, def: BucketDef | undefined): string {
  const d = new Date(ctx.t * 1000);
  return ctx.rng
    .pick(def && def.keys.length > 0 ? def.keys : ['data/{uuid}.json'])
    .replace('{yyyy}', String(d.getUTCFullYear()))
    .replace('{mm}', pad(d.getUTCMonth() + 1))
    .replace('{dd}', pad(d.getUTCDate()))
    .replace('{uuid}', ctx.rng.uuid())
    .replace('{n}', String(ctx.rng.int(10_000, 99_999)));
}

function bucketParts(ctx: ApiContext, name: string, known: boolean): CloudTrailResource {
  const ARN = `arn:aws:s3:::${name}`;
  return known
    ? { accountId: accountId(ctx), type: 'AWS::S3::Bucket', ARN }
    : { type: 'AWS::S3::Bucket', ARN };
}

function s3Object(ctx: ApiContext, put: boolean): ApiParts {
  const b = pickBucket(ctx);
  const key = ctx.error === 'NoSuchKey' ? `${objectKey(ctx, b.def)}.bak` : objectKey(ctx, b.def);
  const host = `${b.name}.s3.${b.region}.amazonaws.com`;
  const size = ctx.rng.int(400, 250_000);
  const extra = s3Data(ctx, put ? size : 0, put ? 0 : size);
  if (put) extra.SSEApplied = 'Default_SSE_S3';
  return {
    requestParameters: { bucketName: b.name, Host: host, key },
    responseElements: put ? { 'x-amz-server-side-encryption': 'AES256' } : null,
    additionalEventData: extra,
    resources: [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${b.name}/${key}` },
      bucketParts(ctx, b.name, b.def !== undefined),
    ],
    region: b.region,
    host,
  };
}

function bucketPolicy(ctx: ApiContext): ApiParts {
  const b = pickBucket(ctx);
  const host = `${b.name}.s3.${b.region}.amazonaws.com`;
  return {
    requestParameters: { bucketName: b.name, Host: host, policy: '' },
    responseElements: null,
    additionalEventData: s3Data(ctx, 0, ctx.rng.int(200, 1500)),
    resources: [bucketParts(ctx, b.name, b.def !== undefined)],
    region: b.region,
    host,
  };
}

function runInstances(ctx: ApiContext): ApiParts {
  const { rng } = ctx;
  const [instanceId, imageId, subnetId] = ['i-0', 'ami-0', 'subnet-0'].map((p) => p + rng.chars(HEX, 16));
  const instanceType = rng.pick(['t3.medium', 't3.large', 'm7i.large']);
  const ip = `10.${ctx.account === 'prod' ? 20 : 30}.${rng.int(11, 13)}.${rng.int(4, 250)}`;
  const instance: JsonObject = {
    instanceId: instanceId ?? '',
    imageId: imageId ?? '',
    currentInstanceBootMode: 'uefi',
    instanceState: { code: 0, name: 'pending' },
    privateDnsName: `ip-${ip.replaceAll('.', '-')}.ec2.internal`,
    amiLaunchIndex: 0,
    productCodes: {},
    instanceType,
    launchTime: ctx.t * 1000,
    placement: { availabilityZone: `${ctx.region}${rng.pick(['a', 'b', 'c'])}`, tenancy: 'default' },
    monitoring: { state: 'disabled' },
    subnetId: subnetId ?? '',
    privateIpAddress: ip,
    architecture: 'x86_64',
    rootDeviceType: 'ebs',
    rootDeviceName: '/dev/xvda',
    hypervisor: 'xen',
  };
  return {
    requestParameters: {
      instancesSet: { items: [{ imageId: imageId ?? '', minCount: 1, maxCount: 1 }] },
      instanceType,
      blockDeviceMapping: {},
      monitoring: { enabled: false },
      subnetId: subnetId ?? '',
      disableApiTermination: false,
      disableApiStop: false,
      clientToken: `terraform-${rng.chars(HEX, 26)}`,
      tagSpecificationSet: {
        items: [{ resourceType: 'instance', tags: [{ key: 'ManagedBy', value: 'terraform' }] }],
      },
    },
    responseElements: {
      requestId: rng.uuid(),
      reservationId: `r-0${rng.chars(HEX, 16)}`,
      ownerId: accountId(ctx),
      groupSet: {},
      instancesSet: { items: [instance] },
    },
    errorResource: `arn:aws:ec2:${ctx.region}:${accountId(ctx)}:instance/*`,
  };
}

function assumeRole(ctx: ApiContext): ApiParts {
  const { rng, target } = ctx;
  const roleArn = target.roleArn ?? `arn:aws:iam::${accountId(ctx)}:role/${OPS_ROLE}`;
  const session = target.roleSessionName ?? `session-${rng.int(1_000_000, 9_999_999)}`;
  const roleAccount = roleArn.split(':')[4] ?? accountId(ctx);
  const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
  const requestParameters: JsonObject = { roleArn, roleSessionName: session };
  if (target.durationSeconds !== undefined) requestParameters.durationSeconds = target.durationSeconds;
  return {
    requestParameters,
    responseElements: {
      credentials: {
        accessKeyId: target.accessKeyId ?? `ASIA${rng.chars(UPPER_ALNUM, 16)}`,
        sessionToken: `IQoJb3JpZ2luX2Vj${rng.chars(B64, 380)}`,
        expiration: awsDate(ctx.t + (target.durationSeconds ?? 3600)),
      },
      assumedRoleUser: {
        assumedRoleId: `${target.roleId ?? `AROA${rng.chars(UPPER_ALNUM, 17)}`}:${session}`,
        arn: `arn:aws:sts::${roleAccount}:assumed-role/${roleName}/${session}`,
      },
    },
    resources: [{ accountId: roleAccount, type: 'AWS::IAM::Role', ARN: roleArn }],
    errorResource: roleArn,
  };
}

function getUser(ctx: ApiContext): ApiParts {
  const known =
    ctx.target.userName ?? ctx.rng.pick(IAM_USERS.filter((u) => u.account === ctx.account)).userName;
  const userName = ctx.error === 'NoSuchEntity' ? `${known}-old` : known;
  return {
    requestParameters: { userName },
    responseElements: null,
    errorResource: `arn:aws:iam::${accountId(ctx)}:user/${userName}`,
  };
}

function createUser(ctx: ApiContext): ApiParts {
  const userName = ctx.target.userName ?? `user-${ctx.rng.int(100, 999)}`;
  const arn = `arn:aws:iam::${accountId(ctx)}:user/${userName}`;
  const userId = `AIDA${ctx.rng.chars(UPPER_ALNUM, 17)}`;
  return {
    requestParameters: { userName },
    responseElements: { user: { path: '/', userName, userId, arn, createDate: awsDate(ctx.t, false) } },
    errorResource: arn,
  };
}

function createAccessKey(ctx: ApiContext): ApiParts {
  const { userName } = ctx.target;
  const accessKeyId = ctx.target.accessKeyId ?? `AKIA${ctx.rng.chars(UPPER_ALNUM, 16)}`;
  const key: JsonObject = { accessKeyId, status: 'Active', createDate: awsDate(ctx.t, false) };
  // The root user creating its own key names no user.
  if (userName === undefined) return { requestParameters: null, responseElements: { accessKey: key } };
  return { requestParameters: { userName }, responseElements: { accessKey: { userName, ...key } } };
}

function updateTrail(ctx: ApiContext): ApiParts {
  const name = ctx.target.trailArn ?? ORG_TRAIL_ARN;
  return {
    requestParameters: { name, isMultiRegionTrail: false, enableLogFileValidation: false },
    responseElements: {
      name: ORG_TRAIL.name,
      s3BucketName: ORG_TRAIL.bucket,
      includeGlobalServiceEvents: true,
      isMultiRegionTrail: false,
      trailARN: name,
      logFileValidationEnabled: false,
      isOrganizationTrail: true,
    },
    errorResource: name,
  };
}

const nothing = (): ApiParts => ({ requestParameters: null, responseElements: null });
const trail = (ctx: ApiContext): ApiParts => {
  const name = ctx.target.trailArn ?? ORG_TRAIL_ARN;
  return { requestParameters: { name }, responseElements: null, errorResource: name };
};
const iamList =
  (kind: 'user' | 'role') =>
  (ctx: ApiContext): ApiParts => ({
    ...nothing(),
    errorResource: `arn:aws:iam::${accountId(ctx)}:${kind}/`,
  });

type Build = ApiDef['build'];
const api = (source: string, readOnly: boolean, errors: Mix<ErrorKind>, build: Build): ApiDef => ({
  source: `${source}.amazonaws.com`,
  version: source === 'sts' ? '1.08' : '1.09',
  readOnly,
  errors,
  build,
});
const s3obj = (readOnly: boolean, errors: Mix<ErrorKind>, build: Build): ApiDef => ({
  ...api('s3', readOnly, errors, build),
  data: true,
});
const iam = (readOnly: boolean, errors: Mix<ErrorKind>, build: Build): ApiDef => ({
  ...api('iam', readOnly, errors, (ctx) => ({ ...build(ctx), host: 'iam.amazonaws.com' })),
  global: true,
});

export const API: Record<ApiName, ApiDef> = {
  ListBuckets: api('s3', true, { AccessDenied: 0.01 }, (ctx) => ({
    requestParameters: { Host: `s3.${ctx.region}.amazonaws.com` },
    responseElements: null,
    additionalEventData: s3Data(ctx, 0, ctx.rng.int(600, 2400)),
    host: `s3.${ctx.region}.amazonaws.com`,
  })),
  GetObject: s3obj(true, { NoSuchKey: 0.03, AccessDenied: 0.01 }, (ctx) => s3Object(ctx, false)),
  PutObject: s3obj(false, { AccessDenied: 0.005 }, (ctx) => s3Object(ctx, true)),
  GetBucketPolicy: api(
    's3',
    true,
    { NoSuchBucketPolicy: 0.25, NoSuchBucket: 0.04, AccessDenied: 0.02 },
    bucketPolicy,
  ),
  ListUsers: iam(true, { AccessDenied: 0.02 }, iamList('user')),
  GetUser: iam(true, { NoSuchEntity: 0.03 }, getUser),
  ListRoles: iam(true, { AccessDenied: 0.02 }, iamList('role')),
  CreateUser: iam(false, {}, createUser),
  AttachUserPolicy: iam(false, {}, (ctx) => ({
    requestParameters: {
      userName: ctx.target.userName ?? '',
      policyArn: ctx.target.policyArn ?? ADMIN_POLICY_ARN,
    },
    responseElements: null,
  })),
  CreateAccessKey: iam(false, {}, createAccessKey),
  DescribeInstances: api('ec2', true, { RequestLimitExceeded: 0.02, UnauthorizedOperation: 0.015 }, (ctx) => {
    const running = { items: [{ name: 'instance-state-name', valueSet: { items: [{ value: 'running' }] } }] };
    return {
      requestParameters: { instancesSet: {}, filterSet: ctx.rng.next() < 0.7 ? {} : running },
      responseElements: null,
    };
  }),
  DescribeSecurityGroups: api('ec2', true, { UnauthorizedOperation: 0.02 }, () => ({
    requestParameters: { securityGroupSet: {}, securityGroupIdSet: {}, filterSet: {} },
    responseElements: null,
  })),
  RunInstances: api('ec2', false, { UnauthorizedOperation: 0.05 }, runInstances),
  AssumeRole: api('sts', true, { AccessDenied: 0.02 }, assumeRole),
  GetCallerIdentity: api('sts', true, {}, nothing),
  Decrypt: api('kms', true, { Throttling: 0.01 }, (ctx) => {
    const keyArn = `arn:aws:kms:${ctx.region}:${accountId(ctx)}:key/${ACCOUNTS[ctx.account].kmsKeyId}`;
    return {
      requestParameters: {
        encryptionContext: ctx.target.encryptionContext ?? { app: 'orders-api', env: ctx.account },
        encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      },
      responseElements: null,
      resources: [{ accountId: accountId(ctx), type: 'AWS::KMS::Key', ARN: keyArn }],
      errorResource: keyArn,
    };
  }),
  LookupEvents: api('cloudtrail', true, { Throttling: 0.08 }, (ctx) => {
    const attributeValue = ctx.rng.pick(['ConsoleLogin', 'CreateAccessKey', 'AssumeRole', 'RunInstances']);
    return {
      requestParameters: {
        lookupAttributes: [{ attributeKey: 'EventName', attributeValue }],
        maxResults: 50,
      },
      responseElements: null,
    };
  }),
  DescribeTrails: api('cloudtrail', true, { AccessDenied: 0.01 }, () => ({
    requestParameters: { trailNameList: [], includeShadowTrails: true },
    responseElements: null,
  })),
  GetTrailStatus: api('cloudtrail', true, { AccessDenied: 0.01 }, trail),
  StopLogging: api('cloudtrail', false, {}, trail),
  UpdateTrail: api('cloudtrail', false, {}, updateTrail),
  DeleteTrail: api('cloudtrail', false, {}, trail),
};

/** `errorCode` and `errorMessage` as the service writes them. */
export function errorFields(
  kind: ErrorKind,
  name: ApiName,
  callerArn: string,
  resource: string | undefined,
  rng: Random,
): { code: string; message: string } {
  const def = API[name];
  const action = `${def.source.split('.')[0] ?? ''}:${name}`;
  const on = resource ? ` on resource: ${resource}` : '';
  const denied = `User: ${callerArn} is not authorized to perform: ${action}${on} because no identity-based policy allows the ${action} action`;
  switch (kind) {
    case 'AccessDenied':
      return { code: 'AccessDenied', message: def.source === 's3.amazonaws.com' ? 'Access Denied' : denied };
    case 'NoSuchBucket':
      return { code: 'NoSuchBucket', message: 'The specified bucket does not exist' };
    case 'NoSuchKey':
      return { code: 'NoSuchKey', message: 'The specified key does not exist.' };
    case 'NoSuchBucketPolicy':
      return { code: 'NoSuchBucketPolicy', message: 'The bucket policy does not exist' };
    case 'NoSuchEntity':
      return {
        code: 'NoSuchEntityException',
        message: `The user with name ${resource?.split('/').pop()} cannot be found.`,
      };
    case 'Throttling':
      return {
        code: 'ThrottlingException',
        message:
          def.source === 'kms.amazonaws.com'
            ? 'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.'
            : 'Rate exceeded',
      };
    case 'RequestLimitExceeded':
      return { code: 'Client.RequestLimitExceeded', message: 'Request limit exceeded.' };
    case 'UnauthorizedOperation': {
      // EC2 encodes the denial context for calls on resources; Describe* calls get the plain message.
      const encoded = def.readOnly
        ? ''
        : `. Encoded authorization failure message: ${rng.chars(`${ALNUM}-_`, 420)}`;
      return {
        code: 'Client.UnauthorizedOperation',
        message: `You are not authorized to perform this operation. ${denied}${encoded}`,
      };
    }
  }
}
