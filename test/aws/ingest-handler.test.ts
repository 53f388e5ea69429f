import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbStateStore } from '../../lambdas/adapters/aws/dynamodb-state-store.js';
import { S3ObjectStore } from '../../lambdas/adapters/aws/s3-object-store.js';
import { DuckDbParquetEncoder } from '../../lambdas/adapters/duckdb/parquet-encoder.js';
import { Manifest } from '../../lambdas/core/lake/manifest.js';
import { fixedClock } from '../../lambdas/core/ports/clock.js';
import { createIngestHandler, handler } from '../../lambdas/handlers/ingest.js';
import { ctRecord } from '../fixtures/cloudtrail-records.js';
import { s3ObjectCreated, sqsEvent, sqsRecord } from './events.js';
import { type DynamoPeer, type S3Peer, startDynamo, startS3 } from './peers.js';

describe('ingest handler (SQS batch of EventBridge S3 events) on s3rver and dynalite', () => {
  let s3: S3Peer;
  let dynamo: DynamoPeer;
  let encoder: DuckDbParquetEncoder;
  let state: DynamoDbStateStore;
  let ingest: ReturnType<typeof createIngestHandler>;

  beforeAll(async () => {
    [s3, dynamo] = await Promise.all([startS3(['landing', 'lake']), startDynamo()]);
    await dynamo.createStateTable('state');
    encoder = await DuckDbParquetEncoder.open();
    state = new DynamoDbStateStore({ client: dynamo.client, table: 'state' });
    ingest = createIngestHandler({
      s3: s3.client,
      landingBucket: 'landing',
      lake: new S3ObjectStore({ client: s3.client, bucket: 'lake' }),
      state,
      encoder: async () => encoder,
      realtimeRules: async () => [],
      clock: fixedClock(new Date('2026-11-21T12:00:00Z')),
    });
  });
  afterAll(async () => {
    await encoder?.close();
    await Promise.all([s3?.close(), dynamo?.close()]);
  });

  const land = async (key: string, records: Record<string, unknown>[]) => {
    const body = Buffer.from(JSON.stringify({ Records: records }));
    await s3.client.send(new PutObjectCommand({ Bucket: 'landing', Key: key, Body: body }));
    return sqsRecord(JSON.stringify(s3ObjectCreated('landing', key, body.length)));
  };

  it('ingests good objects and reports exactly the failed messages, each with its reason logged', async () => {
    // EventBridge keys are not URL-encoded: spaces and '+' arrive as themselves.
    const key = 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/21/delivery with space+plus.json';
    const good = await land(key, [
      ctRecord({ eventTime: '2026-11-21T10:00:00Z' }),
      ctRecord({ eventTime: '2026-11-21T11:00:00Z' }),
    ]);
    const otherBucket = sqsRecord(JSON.stringify(s3ObjectCreated('someone-elses-bucket', 'a.json', 10)));
    const notJson = sqsRecord('{"Records": [');
    const notS3 = sqsRecord(
      JSON.stringify({ source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification' }),
    );
    const gone = sqsRecord(
      JSON.stringify(s3ObjectCreated('landing', 'AWSLogs/111122223333/CloudTrail/deleted.json', 10)),
    );
    const digestKey = 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/21/d.json.gz';
    const digest = sqsRecord(JSON.stringify(s3ObjectCreated('landing', digestKey, 10)));
    const errors: string[] = [];
    const original = console.error;
    console.error = (line: string) => errors.push(line);
    let result: Awaited<ReturnType<typeof ingest>>;
    try {
      result = await ingest(sqsEvent([good, otherBucket, notJson, notS3, gone, digest]));
    } finally {
      console.error = original;
    }
    expect(result.batchItemFailures).toEqual(
      [otherBucket, notJson, notS3, gone].map((r) => ({ itemIdentifier: r.messageId })),
    );
    expect(errors.map((line) => (JSON.parse(line) as { error: string }).error)).toEqual([
      `message ${otherBucket.messageId}: object is in bucket someone-elses-bucket, not the landing bucket`,
      `message ${notJson.messageId}: body is not JSON`,
      `message ${notS3.messageId}: expected an aws.s3 "Object Created" event, got aws.ec2 "EC2 Instance State-change Notification"`,
      expect.stringMatching(/NoSuchKey|does not exist/),
    ]);
    expect(result.outcomes).toHaveLength(2);
    const [ingested, skipped] = result.outcomes;
    expect(ingested).toMatchObject({
      messageId: good.messageId,
      key,
      ingested: {
        sourceObject: `s3://landing/${key}`,
        source: 'cloudtrail',
        detectedBy: 'key',
        records: 2,
        written: 2,
        quarantined: 0,
        tables: { cloudtrail: 2 },
      },
    });
    expect(skipped).toEqual({
      messageId: digest.messageId,
      key: digestKey,
      skipped: 'CloudTrail digest file (no events)',
    });
    const entries = await new Manifest(state).recent();
    expect(entries.map((e) => [e.sourceObject, e.written])).toEqual([[`s3://landing/${key}`, 2]]);
  });

  it('refuses to start without the environment the stack sets, naming the variable', async () => {
    const saved = { ...process.env };
    for (const name of ['LAKE_BUCKET', 'STATE_TABLE', 'LANDING_BUCKET']) delete process.env[name];
    try {
      await expect(handler(sqsEvent([]))).rejects.toThrow(
        'environment variable LANDING_BUCKET is not set; the Mantissa Log stack sets it (lib/mantissa-stack.ts)',
      );
    } finally {
      process.env = saved;
    }
  });
});

describe('ingest handler reads the exact object version the event names', () => {
  it('sends the version id with both reads (decode, raw copy)', async () => {
    const { GetObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
    const { mockClient } = await import('aws-sdk-client-mock');
    const { Readable } = await import('node:stream');
    const client = new S3Client({ region: 'us-east-1' });
    const s3 = mockClient(client);
    const body = JSON.stringify({ Records: [ctRecord({ eventTime: '2026-11-21T10:00:00Z' })] });
    // A fresh stream per read, as S3 gives; the handler only iterates the body.
    s3.on(GetObjectCommand).callsFake(async () => ({ Body: Readable.from([Buffer.from(body)]) as never }));
    const dynamo = await startDynamo();
    await dynamo.createStateTable('state');
    const encoder = await DuckDbParquetEncoder.open();
    const lake: Map<string, Uint8Array> = new Map();
    try {
      const ingest = createIngestHandler({
        s3: client,
        landingBucket: 'landing',
        lake: {
          put: async (k, b) => void lake.set(k, b),
          get: async (k) => lake.get(k),
          list: async () => [],
          delete: async (k) => void lake.delete(k),
          locate: (k) => k,
        },
        state: new DynamoDbStateStore({ client: dynamo.client, table: 'state' }),
        encoder: async () => encoder,
        realtimeRules: async () => [],
        clock: fixedClock(new Date('2026-11-21T12:00:00Z')),
      });
      const key = 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/21/v.json';
      const record = sqsRecord(
        JSON.stringify(s3ObjectCreated('landing', key, body.length, 'IYV3p45BT0ac8hjHg1houSdS1a.Mj7Ml')),
      );
      expect((await ingest(sqsEvent([record]))).batchItemFailures).toEqual([]);
      const calls = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input);
      expect(calls).toHaveLength(2);
      for (const input of calls) {
        expect(input).toEqual({ Bucket: 'landing', Key: key, VersionId: 'IYV3p45BT0ac8hjHg1houSdS1a.Mj7Ml' });
      }
    } finally {
      await encoder.close();
      await dynamo.close();
    }
  });
});
