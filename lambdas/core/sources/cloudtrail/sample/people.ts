/** The people and programs of the organisation: when, from where and with what they call AWS. */
import type { AccountKey } from './accounts.js';
import type { ApiName } from './api.js';
import type { Mix } from './random.js';
import {
  BOTO3,
  CHROME_MAC,
  CHROME_WIN,
  CLI_LINUX,
  CLI_MAC,
  EDGE_WIN,
  FIREFOX_WIN,
  JAVA_SDK,
  LAMBDA_NODE,
  LAMBDA_PY,
  SAFARI_MAC,
  TERRAFORM,
} from './user-agents.js';

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
