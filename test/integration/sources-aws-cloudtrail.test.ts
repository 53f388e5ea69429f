import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleLogin, ctRecord } from '../fixtures/cloudtrail-records.js';
import { type Lake, openLake } from '../fixtures/lake.js';
import { DATASETS } from '../fixtures/shared.js';

let lake: Lake;
beforeAll(async () => {
  lake = await openLake();
});
afterAll(async () => lake.close());

const viaEventBridge = (detailType: string, detail: Record<string, unknown>) => ({
  version: '0',
  id: `eb-${String(detail.eventID)}`,
  'detail-type': detailType,
  source: 'aws.signin',
  account: '111122223333',
  time: detail.eventTime,
  region: 'us-east-1',
  resources: [],
  detail,
});

describe('CloudTrail through EventBridge, and sign-ins into identity_events', () => {
  it('reads EventBridge CloudTrail events into cloudtrail and derives one login per sign-in', async () => {
    const iamFailure = consoleLogin({
      user: 'bob',
      ip: '203.0.113.9',
      at: '2026-11-20T09:00:00Z',
      success: false,
    });
    iamFailure.eventID = 'ct-login-1';
    const sso = ctRecord({
      eventID: 'ct-login-2',
      eventTime: '2026-11-20T09:05:00Z',
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      eventType: 'AwsConsoleSignIn',
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROAEXAMPLE:Alice.Smith@Example.com',
        arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/Alice.Smith@Example.com',
        accountId: '111122223333',
      },
      responseElements: { ConsoleLogin: 'Success' },
      additionalEventData: { MobileVersion: 'No', MFAUsed: 'No' },
      sourceIPAddress: '198.51.100.23',
    });
    const ssoAuthenticate = ctRecord({
      eventID: 'ct-login-3',
      eventTime: '2026-11-20T09:04:00Z',
      eventSource: 'sso.amazonaws.com',
      eventName: 'Authenticate',
      userIdentity: {
        type: 'Unknown',
        principalId: '111122223333',
        accountId: '111122223333',
        userName: 'Carol@Example.com',
      },
      errorCode: 'InvalidPassword',
      errorMessage: 'Invalid password',
      responseElements: null,
    });
    const api = ctRecord({
      eventID: 'ct-api-1',
      eventTime: '2026-11-20T09:06:00Z',
      eventName: 'ListBuckets',
    });
    const lines = [
      viaEventBridge('AWS Console Sign In via CloudTrail', iamFailure),
      viaEventBridge('AWS Console Sign In via CloudTrail', sso),
      viaEventBridge('AWS API Call via CloudTrail', ssoAuthenticate),
      viaEventBridge('AWS API Call via CloudTrail', api),
    ].map((e) => JSON.stringify(e));
    const report = await lake.ingest({
      sourceObject: 'eventbridge/ct.ndjson',
      body: Buffer.from(lines.join('\n')),
    });
    expect(report).toMatchObject({
      source: 'cloudtrail',
      detectedBy: 'content',
      records: 4,
      written: 4,
      quarantined: 0,
      tables: { cloudtrail: 4, identity_events: 3 },
    });
    expect(
      await lake.query(
        `SELECT event_id, eventname FROM cloudtrail WHERE source_object = 'eventbridge/ct.ndjson' ORDER BY ts`,
      ),
    ).toEqual([
      { event_id: 'ct-login-1', eventname: 'ConsoleLogin' },
      { event_id: 'ct-login-3', eventname: 'Authenticate' },
      { event_id: 'ct-login-2', eventname: 'ConsoleLogin' },
      { event_id: 'ct-api-1', eventname: 'ListBuckets' },
    ]);
    expect(
      await lake.query(
        `SELECT provider, event_type, outcome, user_name, source_ip, reason, mfa_method, raw_event_id, event_id, ts
         FROM identity_events WHERE source_object = 'eventbridge/ct.ndjson' ORDER BY ts`,
      ),
    ).toEqual([
      {
        provider: 'cloudtrail',
        event_type: 'login',
        outcome: 'failure',
        user_name: 'bob',
        source_ip: '203.0.113.9',
        reason: 'Failed authentication',
        mfa_method: 'none',
        raw_event_id: 'ct-login-1',
        event_id: 'cloudtrail:ct-login-1',
        ts: '2026-11-20T09:00:00Z',
      },
      {
        provider: 'cloudtrail',
        event_type: 'login',
        outcome: 'failure',
        user_name: 'carol@example.com',
        source_ip: '198.51.100.23',
        reason: 'Invalid password',
        mfa_method: null,
        raw_event_id: 'ct-login-3',
        event_id: 'cloudtrail:ct-login-3',
        ts: '2026-11-20T09:04:00Z',
      },
      {
        provider: 'cloudtrail',
        event_type: 'login',
        outcome: 'success',
        user_name: 'alice.smith@example.com',
        source_ip: '198.51.100.23',
        reason: null,
        mfa_method: 'none',
        raw_event_id: 'ct-login-2',
        event_id: 'cloudtrail:ct-login-2',
        ts: '2026-11-20T09:05:00Z',
      },
    ]);
  });

  it('reads the Stratus Red Team detonation records (real CloudTrail) with every record kept', async (ctx) => {
    const file = `${DATASETS}/cloudtrail/stratus-red-team_detonation-logs.jsonl`;
    if (!existsSync(file)) return ctx.skip(`dataset ${file} is absent`);
    const text = readFileSync(file, 'utf8');
    const lines = text.trim().split('\n');
    const signIns = lines.filter((l) => JSON.parse(l).eventName === 'ConsoleLogin').length;
    const report = await lake.ingest({ sourceObject: 'datasets/stratus.jsonl', body: Buffer.from(text) });
    expect(report).toMatchObject({
      source: 'cloudtrail',
      detectedBy: 'content',
      records: 310,
      written: 310,
      quarantined: 0,
      tables: { cloudtrail: 310, identity_events: signIns },
    });
    expect(signIns).toBe(1);
    expect(
      await lake.query(
        `SELECT user_name, outcome, mfa_method FROM identity_events WHERE source_object = 'datasets/stratus.jsonl'`,
      ),
    ).toEqual([{ user_name: 'stratus-red-team-nmfalu-jfzdtsvchl', outcome: 'success', mfa_method: 'none' }]);
  });
});
