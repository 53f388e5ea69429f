/**
 * The benign background: people in the console and the CLI (IAM users and SSO sessions), Terraform
 * runs, a monitoring integration, EC2 and Lambda workloads, and KMS rotating keys.
 */
import { ACCOUNTS, type AccountKey, bucket } from './accounts.js';
import type { ApiName, Target } from './api.js';
import {
  consoleContext,
  failedSignIn,
  iamUser,
  longTermKey,
  role,
  roleSession,
  ssoRole,
} from './identities.js';
import {
  type Habits,
  IAM_USERS,
  MONITORING,
  OPS_ROLE,
  SSO_PEOPLE,
  TERRAFORM_CI,
  WORKLOADS,
  type WorkloadDef,
} from './people.js';
import type { Mix } from './random.js';
import { type Actor, apiCall, consoleLogin, type Gen, push } from './records.js';
import { Clock, HOUR } from './time.js';

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

export function benign(g: Gen) {
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
