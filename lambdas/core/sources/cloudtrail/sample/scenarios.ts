/** The attack scenarios mixed into the sample; their times count back from the sample's end. */
import { type AccountKey, ADMIN_POLICY_ARN, ORG_TRAIL, ORG_TRAIL_ARN } from './accounts.js';
import type { ApiName, Target } from './api.js';
import {
  consoleContext,
  failedSignIn,
  iamUser,
  longTermKey,
  roleSession,
  root,
  ssoRole,
} from './identities.js';
import { SSO_PEOPLE } from './people.js';
import type { CloudTrailRecord, CloudTrailScenario } from './record-types.js';
import { apiCall, consoleLogin, type Gen } from './records.js';
import { Clock, HOUR } from './time.js';
import { ATTACKER_BROWSER, ATTACKER_CLI, ROOT_BROWSER } from './user-agents.js';

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

/** Every attack scenario, in the order they draw from the scenarios' random stream. */
export const ATTACK_SCENARIOS = [bruteForce, rootUse, loggingStopped, privilegeEscalation];
