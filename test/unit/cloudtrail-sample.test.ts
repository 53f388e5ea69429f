import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type CloudTrailRecord,
  cloudtrailSampleFiles,
  generateCloudTrailRecords,
} from '../../lambdas/core/sources/cloudtrail/sample.js';
import { DATASETS } from '../fixtures/shared.js';

// A Friday afternoon, deliberately not on a second boundary.
const END = new Date('2026-11-20T15:00:30.500Z');
const OPTS = { end: END, days: 3, seed: 7 };
const MINUTE = 60_000;
const END_MS = END.getTime();

const { records, scenarios } = generateCloudTrailRecords(OPTS);
const byId = new Map(records.map((r) => [r.eventID, r]));
const attackIds = new Set(scenarios.flatMap((s) => s.eventIds));
const benign = records.filter((r) => !attackIds.has(r.eventID));
const ms = (r: CloudTrailRecord): number => Date.parse(r.eventTime);
const TEST_NET = /^(203\.0\.113|198\.51\.100)\.\d{1,3}$/;

function scenarioRecords(name: string): CloudTrailRecord[] {
  const found = scenarios.find((s) => s.name === name);
  if (!found) throw new Error(`scenario ${name} missing`);
  return found.eventIds.map((id) => {
    const r = byId.get(id);
    if (!r) throw new Error(`scenario ${name} names ${id}, which is not among the records`);
    return r;
  });
}

const named = (list: CloudTrailRecord[], name: string) => list.filter((r) => r.eventName === name);
const keys = (o: object | null | undefined): string[] => Object.keys(o ?? {});
const within = (r: CloudTrailRecord, fromMinutes: number, toMinutes: number) =>
  ms(r) >= END_MS - fromMinutes * MINUTE && ms(r) <= END_MS - toMinutes * MINUTE;

describe('generateCloudTrailRecords', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is deterministic: same options, same records; another seed, other records', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2031-05-05T05:05:05Z')); // the wall clock must not matter
    const again = generateCloudTrailRecords({ ...OPTS });
    expect(JSON.stringify(again)).toBe(JSON.stringify({ records, scenarios }));
    const other = generateCloudTrailRecords({ ...OPTS, seed: 8 });
    expect(JSON.stringify(other.records)).not.toBe(JSON.stringify(records));
  });

  it('keeps every event in [end - days, end - 1 minute], time-ordered, with unique ids', () => {
    for (const r of records) {
      expect(r.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(ms(r)).toBeGreaterThanOrEqual(END_MS - 3 * 24 * 60 * MINUTE);
      expect(ms(r)).toBeLessThanOrEqual(END_MS - MINUTE);
      expect(r.eventID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(records.map(ms)).toEqual([...records.map(ms)].sort((a, b) => a - b));
    expect(new Set(records.map((r) => r.eventID)).size).toBe(records.length);
  });

  it('rejects a missing range', () => {
    expect(() => generateCloudTrailRecords({ ...OPTS, days: 0 })).toThrow(RangeError);
    expect(() => generateCloudTrailRecords({ ...OPTS, end: new Date(Number.NaN) })).toThrow(RangeError);
  });

  it('makes about 1,500 records a working day, busier by day than by night', () => {
    expect(records.length).toBeGreaterThan(3 * 1200);
    expect(records.length).toBeLessThan(3 * 1900);
    const perHour = new Array<number>(24).fill(0);
    for (const r of benign)
      perHour[new Date(ms(r)).getUTCHours()] = (perHour[new Date(ms(r)).getUTCHours()] ?? 0) + 1;
    expect(Math.max(...perHour)).toBeGreaterThan(2 * Math.min(...perHour));
  });

  it('mixes in a realistic share of failures of the usual kinds', () => {
    const failed = benign.filter((r) => r.errorCode !== undefined);
    expect(failed.length / benign.length).toBeGreaterThan(0.01);
    expect(failed.length / benign.length).toBeLessThan(0.12);
    const codes = new Set(failed.map((r) => r.errorCode));
    for (const code of [
      'AccessDenied',
      'NoSuchBucket',
      'ThrottlingException',
      'Client.UnauthorizedOperation',
    ]) {
      expect(codes).toContain(code);
    }
    for (const r of failed) {
      expect(r.errorMessage).toBeTruthy();
      expect(r.responseElements).toBeNull();
    }
    // Successful calls carry no error fields at all.
    for (const r of records.filter((x) => x.errorMessage === undefined))
      expect(keys(r)).not.toContain('errorCode');
  });

  it('covers three accounts, IAM users, SSO, instance and Lambda roles, services and the APIs asked for', () => {
    expect(new Set(records.map((r) => r.recipientAccountId)).size).toBe(3);
    for (const r of records) expect(r.recipientAccountId).toMatch(/^\d{12}$/);
    const users = new Set(
      benign.filter((r) => r.userIdentity.type === 'IAMUser').map((r) => r.userIdentity.userName),
    );
    expect(users.size).toBeGreaterThanOrEqual(8);
    const issuers = benign.map((r) => r.userIdentity.sessionContext?.sessionIssuer);
    expect(
      issuers.some(
        (i) => i && 'userName' in i && i.userName.startsWith('AWSReservedSSO_AdministratorAccess_'),
      ),
    ).toBe(true);
    expect(benign.some((r) => r.userIdentity.sessionContext?.ec2RoleDelivery === '2.0')).toBe(true);
    expect(
      benign.some(
        (r) => r.userIdentity.type === 'AssumedRole' && r.userAgent.includes('exec-env/AWS_Lambda'),
      ),
    ).toBe(true);
    expect(benign.some((r) => r.eventType === 'AwsServiceEvent')).toBe(true);
    expect(benign.some((r) => r.userIdentity.invokedBy === 'ec2.amazonaws.com')).toBe(true);
    const agents = benign.map((r) => r.userAgent);
    for (const prefix of ['Mozilla/5.0', 'aws-cli/2.', 'Boto3/', 'APN/1.0 HashiCorp/1.0 Terraform/']) {
      expect(agents.some((a) => a.startsWith(prefix))).toBe(true);
    }
    const names = new Set(benign.map((r) => r.eventName));
    for (const name of [
      'ConsoleLogin',
      'ListBuckets',
      'GetObject',
      'PutObject',
      'GetBucketPolicy',
      'ListUsers',
      'GetUser',
      'ListRoles',
      'DescribeInstances',
      'RunInstances',
      'DescribeSecurityGroups',
      'AssumeRole',
      'GetCallerIdentity',
      'Decrypt',
      'LookupEvents',
      'DescribeTrails',
    ]) {
      expect(names).toContain(name);
    }
  });

  it('records object-level S3 calls as data events and everything else as management events', () => {
    for (const r of records) {
      const data = r.eventName === 'GetObject' || r.eventName === 'PutObject';
      expect(r.eventCategory).toBe(data ? 'Data' : 'Management');
      expect(r.managementEvent).toBe(!data);
    }
  });

  it('signs people in to the console successfully, and only rarely fails them', () => {
    const logins = named(benign, 'ConsoleLogin');
    const failures = logins.filter((r) => r.responseElements?.ConsoleLogin === 'Failure');
    expect(logins.length).toBeGreaterThan(20);
    expect(failures.length).toBeLessThan(logins.length / 5);
    for (const r of logins) {
      expect(r.eventType).toBe('AwsConsoleSignIn');
      expect(r.eventSource).toBe('signin.amazonaws.com');
      expect(keys(r)).not.toContain('requestID');
    }
  });
});

describe('attack scenarios', () => {
  it('lists the four scenarios, each with records', () => {
    expect(scenarios.map((s) => s.name)).toEqual([
      'console-brute-force',
      'root-account-use',
      'cloudtrail-logging-stopped',
      'iam-privilege-escalation',
    ]);
    for (const s of scenarios) {
      expect(s.description.length).toBeGreaterThan(20);
      expect(s.eventIds.length).toBeGreaterThanOrEqual(5);
    }
  });

  it('console-brute-force: 8+ failures, then a success without MFA and discovery, from one address', () => {
    const list = scenarioRecords('console-brute-force');
    for (const r of list) expect(within(r, 40, 20)).toBe(true);
    const logins = named(list, 'ConsoleLogin');
    const failures = logins.filter((r) => r.responseElements?.ConsoleLogin === 'Failure');
    const success = logins.find((r) => r.responseElements?.ConsoleLogin === 'Success');
    if (!success) throw new Error('no successful sign-in');
    expect(failures.length).toBeGreaterThanOrEqual(8);
    const ip = success.sourceIPAddress;
    expect(ip).toMatch(TEST_NET);
    for (const r of list) expect(r.sourceIPAddress).toBe(ip);
    for (const f of failures) {
      expect(f.userIdentity.userName).toBe('dev-jsmith');
      expect(f.errorMessage).toBe('Failed authentication');
      expect(keys(f)).not.toContain('errorCode');
      expect(ms(f)).toBeLessThan(ms(success));
    }
    const failTimes = failures.map(ms);
    expect(Math.max(...failTimes) - Math.min(...failTimes)).toBeLessThanOrEqual(5 * MINUTE);
    expect(success.userIdentity.userName).toBe('dev-jsmith');
    expect(success.additionalEventData?.MFAUsed).toBe('No');
    for (const name of ['ListBuckets', 'ListUsers']) {
      const call = named(list, name)[0];
      if (!call) throw new Error(`no ${name}`);
      expect(ms(call)).toBeGreaterThan(ms(success));
      expect(call.userIdentity.userName).toBe('dev-jsmith');
      expect(call.errorCode).toBeUndefined();
    }
    // The address is the attacker's: no benign record uses it.
    expect(benign.some((r) => r.sourceIPAddress === ip)).toBe(false);
  });

  it('root-account-use: a root console sign-in without MFA and root API calls in prod, 3-8 hours before end', () => {
    const list = scenarioRecords('root-account-use');
    const login = named(list, 'ConsoleLogin')[0];
    if (!login) throw new Error('no root sign-in');
    const prod = login.recipientAccountId;
    expect(login.userIdentity).toEqual({
      type: 'Root',
      principalId: prod,
      arn: `arn:aws:iam::${prod}:root`,
      accountId: prod,
      accessKeyId: '',
    });
    expect(login.responseElements).toEqual({ ConsoleLogin: 'Success' });
    expect(login.additionalEventData?.MFAUsed).toBe('No');
    expect(named(list, 'CreateAccessKey')).toHaveLength(1);
    expect(named(list, 'ListBuckets')).toHaveLength(1);
    for (const r of list) {
      expect(r.userIdentity.type).toBe('Root');
      expect(r.userIdentity.arn).toBe(`arn:aws:iam::${prod}:root`);
      expect(r.recipientAccountId).toBe(prod);
      expect(within(r, 8 * 60, 3 * 60)).toBe(true);
    }
    expect(benign.some((r) => r.userIdentity.type === 'Root')).toBe(false);
  });

  it('cloudtrail-logging-stopped: an assumed-role session stops, weakens and deletes the organisation trail', () => {
    const list = scenarioRecords('cloudtrail-logging-stopped');
    const [stop, update, remove] = ['StopLogging', 'UpdateTrail', 'DeleteTrail'].map(
      (n) => named(list, n)[0],
    );
    if (!stop || !update || !remove) throw new Error('missing trail calls');
    const trail = stop.requestParameters?.name;
    expect(trail).toMatch(/^arn:aws:cloudtrail:[a-z0-9-]+:\d{12}:trail\/[\w.-]+$/);
    expect(update.requestParameters).toMatchObject({
      name: trail,
      isMultiRegionTrail: false,
      enableLogFileValidation: false,
    });
    expect(remove.requestParameters?.name).toBe(trail);
    expect(ms(stop)).toBeLessThan(ms(update));
    expect(ms(update)).toBeLessThan(ms(remove));
    for (const r of list) {
      expect(within(r, 120, 60)).toBe(true);
      expect(r.userIdentity.type).toBe('AssumedRole');
      expect(r.userIdentity.sessionContext?.sessionIssuer).toMatchObject({ type: 'Role' });
      expect(r.eventSource).toBe(
        r.eventName === 'GetCallerIdentity' ? 'sts.amazonaws.com' : 'cloudtrail.amazonaws.com',
      );
    }
    expect(benign.some((r) => ['StopLogging', 'DeleteTrail', 'UpdateTrail'].includes(r.eventName))).toBe(
      false,
    );
  });

  it('iam-privilege-escalation: a user from a new address creates an admin user and its key within 10 minutes', () => {
    const list = scenarioRecords('iam-privilege-escalation');
    const [create, attach, key] = ['CreateUser', 'AttachUserPolicy', 'CreateAccessKey'].map(
      (n) => named(list, n)[0],
    );
    if (!create || !attach || !key) throw new Error('missing IAM calls');
    const newUser = create.requestParameters?.userName;
    expect(typeof newUser).toBe('string');
    expect(attach.requestParameters).toEqual({
      userName: newUser,
      policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    });
    expect(key.requestParameters).toEqual({ userName: newUser });
    expect(ms(key) - ms(create)).toBeLessThanOrEqual(10 * MINUTE);
    const caller = create.userIdentity.arn;
    const ip = create.sourceIPAddress;
    expect(ip).toMatch(TEST_NET);
    for (const r of list) {
      expect(within(r, 180, 120)).toBe(true);
      expect(r.userIdentity.arn).toBe(caller);
      expect(r.sourceIPAddress).toBe(ip);
    }
    // The caller is a known user, and the address is new for them.
    const own = benign.filter((r) => r.userIdentity.arn === caller);
    expect(own.length).toBeGreaterThan(0);
    expect(own.some((r) => r.sourceIPAddress === ip)).toBe(false);
  });

  it('writes scenario records with the same fields as benign records of the same kind', () => {
    const kind = (r: CloudTrailRecord) =>
      `${r.eventName}|${r.userIdentity.type}|${r.sessionCredentialFromConsole ?? ''}|${r.errorCode ?? r.errorMessage ?? ''}`;
    const fieldsOf = new Map<string, Set<string>>();
    for (const r of benign) {
      const set = fieldsOf.get(kind(r)) ?? new Set<string>();
      for (const k of keys(r)) set.add(k);
      for (const k of keys(r.userIdentity)) set.add(`userIdentity.${k}`);
      fieldsOf.set(kind(r), set);
    }
    let compared = 0;
    for (const r of records.filter((x) => attackIds.has(x.eventID))) {
      const known = fieldsOf.get(kind(r));
      if (!known) continue; // no benign counterpart (StopLogging, root calls, ...)
      compared++;
      for (const k of keys(r)) expect(known, `${kind(r)}: ${k}`).toContain(k);
      for (const k of keys(r.userIdentity))
        expect(known, `${kind(r)}: userIdentity.${k}`).toContain(`userIdentity.${k}`);
    }
    expect(compared).toBeGreaterThan(10);
  });
});

describe('cloudtrailSampleFiles', () => {
  const files = cloudtrailSampleFiles(OPTS);
  const KEY =
    /^AWSLogs\/(\d{12})\/CloudTrail\/([a-z]{2}-[a-z]+-\d)\/(\d{4})\/(\d\d)\/(\d\d)\/\1_CloudTrail_\2_(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)Z_[A-Za-z0-9]{16}\.json\.gz$/;

  it('names every object as CloudTrail does and fills it with one account and region', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(new Set(files.map((f) => f.path)).size).toBe(files.length);
    const seen: string[] = [];
    for (const f of files) {
      const m = KEY.exec(f.path);
      if (!m) throw new Error(`bad key ${f.path}`);
      const [, account, region, y, mo, d, y2, mo2, d2, hh, mi] = m;
      expect(`${y}${mo}${d}`).toBe(`${y2}${mo2}${d2}`);
      const delivered = Date.parse(`${y2}-${mo2}-${d2}T${hh}:${mi}:00Z`);
      const doc = JSON.parse(gunzipSync(f.body).toString('utf8')) as { Records: CloudTrailRecord[] };
      expect(keys(doc)).toEqual(['Records']);
      expect(doc.Records.length).toBeGreaterThan(0);
      const times = doc.Records.map(ms);
      expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(15 * MINUTE);
      expect(delivered).toBeGreaterThanOrEqual(Math.max(...times) - MINUTE);
      expect(delivered).toBeLessThanOrEqual(END_MS);
      for (const r of doc.Records) {
        expect(r.recipientAccountId).toBe(account);
        expect(r.awsRegion).toBe(region);
        seen.push(r.eventID);
      }
    }
    expect(seen.length).toBe(records.length);
    expect(new Set(seen)).toEqual(new Set(records.map((r) => r.eventID)));
  });

  it('is deterministic byte for byte', () => {
    const again = cloudtrailSampleFiles(OPTS);
    expect(again.map((f) => f.path)).toEqual(files.map((f) => f.path));
    again.forEach((f, i) => {
      expect(Buffer.from(f.body).equals(Buffer.from(files[i]?.body ?? new Uint8Array()))).toBe(true);
    });
  });
});

// Real CloudTrail records (see SOURCE.md there). Not part of the repository: skipped when absent.
const DATASET = join(DATASETS, 'cloudtrail');
const hasDataset = existsSync(join(DATASET, 'stratus-red-team_detonation-logs.jsonl'));
if (!hasDataset)
  console.warn(`cloudtrail-sample: ${DATASET} not found, skipping comparisons with real records`);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const readJsonl = (file: string): Json[] =>
  readFileSync(join(DATASET, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Json);

describe.skipIf(!hasDataset)('shape against real CloudTrail records', () => {
  // Stratus Red Team's detonation logs are raw CloudTrail; Panther's test events add sanitised real ones.
  const stratus = hasDataset ? readJsonl('stratus-red-team_detonation-logs.jsonl') : [];
  const panther = hasDataset
    ? readJsonl('panther-analysis_rule-tests.jsonl')
        .map((t) => t.event)
        .filter(isObject)
        .filter((e) => typeof e.eventName === 'string')
    : [];
  const real = [...stratus, ...panther];
  const union = (objects: unknown[]) =>
    new Set(objects.filter(isObject).flatMap((o) => Object.keys(o).filter((k) => !k.startsWith('p_'))));
  const path = (o: unknown, ...steps: string[]): unknown =>
    steps.reduce<unknown>((v, s) => (isObject(v) ? v[s] : undefined), o);

  it('uses only fields that real records have, at every level', () => {
    const levels: [string, (o: unknown) => unknown][] = [
      ['', (o) => o],
      ['userIdentity', (o) => path(o, 'userIdentity')],
      ['sessionContext', (o) => path(o, 'userIdentity', 'sessionContext')],
      ['sessionIssuer', (o) => path(o, 'userIdentity', 'sessionContext', 'sessionIssuer')],
      ['attributes', (o) => path(o, 'userIdentity', 'sessionContext', 'attributes')],
      ['tlsDetails', (o) => path(o, 'tlsDetails')],
    ];
    for (const [label, get] of levels) {
      const allowed = union(real.map(get));
      const ours = union(records.map(get));
      for (const k of ours) expect(allowed, `${label}.${k}`).toContain(k);
    }
    const realResourceKeys = union(real.flatMap((o) => (Array.isArray(o.resources) ? o.resources : [])));
    for (const k of union(records.flatMap((r) => r.resources ?? []))) expect(realResourceKeys).toContain(k);
  });

  it('has, per event name, the fields and value types Stratus Red Team captured for it', () => {
    const optional = new Set([
      'errorCode',
      'errorMessage',
      'resources',
      'additionalEventData',
      'sessionCredentialFromConsole',
      'sharedEventID',
      'vpcEndpointId',
      'vpcEndpointAccountId',
    ]);
    const ourNames = new Set(records.map((r) => r.eventName));
    const shared = [...new Set(stratus.map((r) => String(r.eventName)))].filter((n) => ourNames.has(n));
    expect(shared).toEqual(
      expect.arrayContaining(['ConsoleLogin', 'AssumeRole', 'StopLogging', 'CreateUser']),
    );
    for (const name of shared) {
      const theirs = stratus.filter((r) => r.eventName === name);
      const allowed = union(theirs);
      const required = [...allowed].filter((k) => !optional.has(k) && theirs.every((r) => k in r));
      const sample = theirs[0] ?? {};
      for (const r of named(records, name)) {
        for (const k of keys(r)) if (!optional.has(k)) expect(allowed, `${name}.${k}`).toContain(k);
        // Stratus called everything directly; AWS services calling on their own (ec2.amazonaws.com
        // refreshing instance credentials) are recorded without TLS details, so they are not compared.
        if (r.userIdentity.invokedBy !== undefined) continue;
        for (const k of required) {
          expect(keys(r), `${name} lacks ${k}`).toContain(k);
          const ours: unknown = (r as unknown as Json)[k];
          if (sample[k] !== null && ours !== null) expect(typeof ours, `${name}.${k}`).toBe(typeof sample[k]);
        }
      }
    }
  });

  it('writes a failed console sign-in as AWS does: errorMessage, no errorCode, no ARN', () => {
    const theirs = panther.find(
      (e) => e.eventName === 'ConsoleLogin' && e.errorMessage === 'Failed authentication',
    );
    if (!theirs) throw new Error('no real failed ConsoleLogin in the dataset');
    const ours = named(records, 'ConsoleLogin').find((r) => r.errorMessage !== undefined);
    if (!ours) throw new Error('no failed ConsoleLogin in the sample');
    expect('errorCode' in theirs).toBe(false);
    expect(keys(ours)).not.toContain('errorCode');
    expect(ours.responseElements).toEqual(theirs.responseElements);
    expect(keys(ours.userIdentity).sort()).toEqual(keys(theirs.userIdentity as Json).sort());
    expect(keys(ours.additionalEventData).sort()).toEqual(keys(theirs.additionalEventData as Json).sort());
  });
});
