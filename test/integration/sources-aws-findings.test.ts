import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lake, openLake } from '../fixtures/lake.js';
import { DATASETS } from '../fixtures/shared.js';

let lake: Lake;
beforeAll(async () => {
  lake = await openLake();
});
afterAll(async () => lake.close());

function asff(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    SchemaVersion: '2018-10-08',
    Id: id,
    ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub',
    ProductName: 'Security Hub',
    CompanyName: 'AWS',
    Region: 'us-east-1',
    GeneratorId: 'security-control/S3.8',
    AwsAccountId: '739104582613',
    Types: ['Effects/Data Exposure'],
    CreatedAt: '2026-11-20T10:00:00.000Z',
    UpdatedAt: '2026-11-20T10:05:00.000Z',
    Severity: { Label: 'HIGH', Normalized: 70, Original: 'HIGH' },
    Title: 'S3 general purpose buckets should block public access',
    Resources: [
      { Type: 'AwsS3Bucket', Id: 'arn:aws:s3:::prod-exports', Partition: 'aws', Region: 'us-east-1' },
    ],
    Compliance: { Status: 'FAILED' },
    Workflow: { Status: 'NEW' },
    RecordState: 'ACTIVE',
    ...overrides,
  };
}

describe('GuardDuty findings', () => {
  it('reads the Panther GuardDuty test findings (real shapes, Panther timestamps) into typed rows', async (ctx) => {
    const file = `${DATASETS}/guardduty/panther-analysis_rule-tests.jsonl`;
    if (!existsSync(file)) return ctx.skip(`dataset ${file} is absent`);
    const events = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).event);
    const report = await lake.ingest({
      sourceObject: 'AWSLogs/123456789012/GuardDuty/us-east-1/2025/02/25/panther.jsonl.gz',
      body: gzipSync(events.map((e) => JSON.stringify(e)).join('\n')),
    });
    expect(report).toMatchObject({
      source: 'guardduty',
      detectedBy: 'key',
      records: 8,
      written: 8,
      quarantined: 0,
    });
    expect(
      await lake.query(
        `SELECT type, severity, severity_label, resource_type, service.count AS count, service.featurename AS feature,
                json_extract_string(service.action, '$.awsApiCallAction.api') AS api, updatedat
         FROM guardduty WHERE source_object LIKE '%panther.jsonl.gz' ORDER BY updatedat DESC, severity DESC LIMIT 3`,
      ),
    ).toEqual([
      {
        type: 'AttackSequence:S3/CompromisedData',
        severity: 9,
        severity_label: 'Critical',
        resource_type: 'AttackSequence',
        count: 1,
        feature: 'Correlation',
        api: null,
        updatedat: '2025-02-25T20:40:06.765Z',
      },
      {
        type: 'AttackSequence:IAM/CompromisedCredentials',
        severity: 9,
        severity_label: 'Critical',
        resource_type: 'AttackSequence',
        count: 1,
        feature: 'Correlation',
        api: null,
        updatedat: '2025-02-25T20:40:06.721Z',
      },
      {
        type: 'PrivilegeEscalation:IAMUser/AdministrativePermissions',
        severity: 8,
        severity_label: 'High',
        resource_type: null,
        count: 1,
        feature: null,
        api: 'PutRolePolicy',
        updatedat: '2020-02-14T18:12:22.316Z',
      },
    ]);
  });

  it('reads EventBridge "GuardDuty Finding" events by content; an event without a finding is quarantined', async (ctx) => {
    const file = `${DATASETS}/guardduty/streamalert_rule-tests.jsonl`;
    if (!existsSync(file)) return ctx.skip(`dataset ${file} is absent`);
    const empty = JSON.parse(readFileSync(file, 'utf8').trim().split('\n')[0] as string).event;
    const { guardduty } = await import('../../lambdas/core/sources/guardduty/index.js');
    const sampled = guardduty
      .sample({ end: new Date('2026-11-21T08:00:00Z'), days: 2, seed: 1 })
      .find((f) => f.path.startsWith('eventbridge/'));
    const events = Buffer.from(sampled?.body ?? [])
      .toString()
      .trim()
      .split('\n');
    const report = await lake.ingest({
      sourceObject: 'uploads/findings.ndjson',
      body: Buffer.from([JSON.stringify(empty), ...events].join('\n')),
    });
    expect(report).toMatchObject({
      source: 'guardduty',
      detectedBy: 'content',
      records: 3,
      written: 2,
      quarantined: 1,
    });
    expect(report.reasons).toEqual([{ position: 'line 1', reason: 'missing or non-text required field id' }]);
    expect(
      await lake.query(
        `SELECT type, severity_label FROM guardduty WHERE source_object = 'uploads/findings.ndjson' ORDER BY type`,
      ),
    ).toEqual([
      { type: 'CryptoCurrency:EC2/BitcoinTool.B', severity_label: 'High' },
      { type: 'UnauthorizedAccess:EC2/TorClient', severity_label: 'High' },
    ]);
  });
});

describe('Security Hub findings', () => {
  it('reads ASFF findings out of EventBridge "Findings - Imported" events and a GetFindings response', async () => {
    const event = {
      version: '0',
      id: 'e1',
      'detail-type': 'Security Hub Findings - Imported',
      source: 'aws.securityhub',
      account: '739104582613',
      time: '2026-11-20T10:05:01Z',
      region: 'us-east-1',
      resources: [],
      detail: {
        findings: [
          asff('f-1'),
          asff('f-2', { Severity: { Label: 'CRITICAL', Normalized: 90 }, UpdatedAt: 'soon' }),
        ],
      },
    };
    const report = await lake.ingest({
      sourceObject: 'firehose/securityhub/2026/11/20/10/x.gz',
      body: gzipSync(JSON.stringify(event)),
    });
    expect(report).toMatchObject({
      source: 'securityhub',
      detectedBy: 'key',
      records: 2,
      written: 1,
      quarantined: 1,
    });
    expect(report.reasons).toEqual([
      { position: 'line 1 record 1', reason: 'updatedat: expected a timestamp, got "soon"' },
    ]);
    const api = await lake.ingest({
      sourceObject: 'exports/get-findings.json',
      body: Buffer.from(
        JSON.stringify({ Findings: [asff('f-3', { Compliance: { Status: 'PASSED' } })] }, null, 2),
      ),
    });
    expect(api).toMatchObject({ source: 'securityhub', detectedBy: 'content', records: 1, written: 1 });
    expect(
      await lake.query(
        `SELECT id, severity.label AS label, severity.normalized AS normalized, compliance.status AS compliance,
                resource_type, resource_id, types, event_id, ts
         FROM securityhub WHERE id IN ('f-1', 'f-3') ORDER BY id`,
      ),
    ).toEqual([
      {
        id: 'f-1',
        label: 'HIGH',
        normalized: 70,
        compliance: 'FAILED',
        resource_type: 'AwsS3Bucket',
        resource_id: 'arn:aws:s3:::prod-exports',
        types: ['Effects/Data Exposure'],
        event_id: 'f-1@2026-11-20T10:05:00.000Z',
        ts: '2026-11-20T10:05:00Z',
      },
      {
        id: 'f-3',
        label: 'HIGH',
        normalized: 70,
        compliance: 'PASSED',
        resource_type: 'AwsS3Bucket',
        resource_id: 'arn:aws:s3:::prod-exports',
        types: ['Effects/Data Exposure'],
        event_id: 'f-3@2026-11-20T10:05:00.000Z',
        ts: '2026-11-20T10:05:00Z',
      },
    ]);
  });
});

describe('CloudWatch Logs subscriptions', () => {
  const message = (group: string, events: { id: string; timestamp: number; message: string }[]) => ({
    messageType: 'DATA_MESSAGE',
    owner: '739104582613',
    logGroup: group,
    logStream: 'stream-1',
    subscriptionFilters: ['mantissa-log'],
    logEvents: events,
  });
  const control = {
    messageType: 'CONTROL_MESSAGE',
    owner: 'CloudwatchLogs',
    logGroup: '',
    logStream: '',
    subscriptionFilters: [],
    logEvents: [
      {
        id: '',
        timestamp: 1763719200000,
        message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.',
      },
    ],
  };
  const b64 = (doc: unknown) => gzipSync(JSON.stringify(doc)).toString('base64');

  it('reads Firehose S3 objects (concatenated gzip payloads), skipping and counting the control message', async () => {
    const body = Buffer.concat([
      gzipSync(JSON.stringify(control)),
      gzipSync(
        JSON.stringify(
          message('/aws/lambda/api', [
            { id: '1', timestamp: 1763719200000, message: '{"level":"INFO"}' },
            { id: '2', timestamp: 1763719201000, message: 'plain text' },
          ]),
        ),
      ),
      gzipSync(
        JSON.stringify(
          message('/aws/lambda/worker', [{ id: '3', timestamp: 1763722800000, message: 'done' }]),
        ),
      ),
    ]);
    const report = await lake.ingest({
      sourceObject: 'cloudwatch-logs/2026/11/21/10/stream-1-2026-11-21-10-00-00-abc.gz',
      body,
    });
    expect(report).toMatchObject({
      source: 'cloudwatch_logs',
      detectedBy: 'key',
      records: 4,
      written: 3,
      quarantined: 0,
      skipped: 1,
      tables: { cloudwatch_logs: 3 },
    });
    expect(
      await lake.query(
        `SELECT loggroup, logstream, id, message, ts, subscriptionfilters FROM cloudwatch_logs WHERE id IN ('1','2','3') ORDER BY id`,
      ),
    ).toEqual([
      {
        loggroup: '/aws/lambda/api',
        logstream: 'stream-1',
        id: '1',
        message: '{"level":"INFO"}',
        ts: '2025-11-21T10:00:00Z',
        subscriptionfilters: ['mantissa-log'],
      },
      {
        loggroup: '/aws/lambda/api',
        logstream: 'stream-1',
        id: '2',
        message: 'plain text',
        ts: '2025-11-21T10:00:01Z',
        subscriptionfilters: ['mantissa-log'],
      },
      {
        loggroup: '/aws/lambda/worker',
        logstream: 'stream-1',
        id: '3',
        message: 'done',
        ts: '2025-11-21T11:00:00Z',
        subscriptionfilters: ['mantissa-log'],
      },
    ]);
  });

  it('reads Lambda ({"awslogs": {"data"}}) and Firehose transformation events, quarantining data that does not open', async () => {
    const lambdaEvent = {
      awslogs: {
        data: b64(message('/aws/eks/prod', [{ id: '10', timestamp: 1763719200000, message: 'audit' }])),
      },
    };
    const firehoseEvent = {
      invocationId: 'inv-1',
      records: [
        {
          recordId: 'r1',
          data: b64(message('/aws/eks/prod', [{ id: '11', timestamp: 1763719260000, message: 'audit 2' }])),
        },
        { recordId: 'r2', data: 'bm90IGd6aXA=' },
        { recordId: 'r3', data: b64(control) },
      ],
    };
    const report = await lake.ingest({
      sourceObject: 'uploads/cwl.ndjson',
      body: Buffer.from(`${JSON.stringify(lambdaEvent)}\n${JSON.stringify(firehoseEvent)}\n`),
    });
    expect(report).toMatchObject({
      source: 'cloudwatch_logs',
      detectedBy: 'content',
      records: 4,
      written: 2,
      quarantined: 1,
      skipped: 1,
    });
    expect(report.reasons).toEqual([
      {
        position: 'line 2 record 1',
        reason: expect.stringMatching(
          /^records\[1\]: cannot open data \(base64 gzip JSON\): Unexpected token/,
        ),
      },
    ]);
    expect(
      await lake.query(
        `SELECT id, message FROM cloudwatch_logs WHERE loggroup = '/aws/eks/prod' ORDER BY id`,
      ),
    ).toEqual([
      { id: '10', message: 'audit' },
      { id: '11', message: 'audit 2' },
    ]);
  });
});
