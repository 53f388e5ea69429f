import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lakeSources } from '../../lambdas/adapters/aws/deployed-sources.js';
import { DynamoDbStateStore } from '../../lambdas/adapters/aws/dynamodb-state-store.js';
import { S3ObjectStore } from '../../lambdas/adapters/aws/s3-object-store.js';
import { DuckDbParquetEncoder } from '../../lambdas/adapters/duckdb/parquet-encoder.js';
import { Manifest } from '../../lambdas/core/lake/manifest.js';
import { fixedClock } from '../../lambdas/core/ports/clock.js';
import { createIngestHandler, handler } from '../../lambdas/handlers/ingest.js';
import { loadSourcesFile } from '../../lib/custom-sources.js';
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

  it('routes objects to the custom sources the stack deployed and writes exactly their rows', async () => {
    // The environment the stack gives the function for `-c sourcesFile=test/cdk/fixtures/sources.yaml`
    // (the CDK test checks the template carries this value), read back the way the function reads it.
    const { environment } = loadSourcesFile('test/cdk/fixtures/sources.yaml');
    const lake = new S3ObjectStore({ client: s3.client, bucket: 'lake' });
    const custom = createIngestHandler({
      s3: s3.client,
      landingBucket: 'landing',
      lake,
      state,
      encoder: async () => encoder,
      realtimeRules: async () => [],
      clock: fixedClock(new Date('2026-11-21T12:00:00Z')),
      sources: lakeSources(environment),
    });
    const put = async (key: string, lines: unknown[]) => {
      const body = Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n'));
      await s3.client.send(new PutObjectCommand({ Bucket: 'landing', Key: key, Body: body }));
      return sqsRecord(JSON.stringify(s3ObjectCreated('landing', key, body.length)));
    };
    const checkoutKey = 'prod/checkout/2026/11/20/requests-0001.ndjson';
    const jobsKey = 'prod/jobs/2026-11-20.json';
    const messages = [
      await put(checkoutKey, [
        {
          request_id: 'r-1',
          meta: { time: '20/Nov/2026:10:15:00 +0000' },
          http: { status: 200, method: 'GET' },
          client: { ip: '198.51.100.7', user: 'ana' },
          tags: ['web'],
          started: '2026-11-20T10:14:59.250Z',
        },
        {
          request_id: 'r-2',
          meta: { time: '20/Nov/2026:11:20:30 +0100' },
          http: { status: 502 },
          client: { IP: '198.51.100.8' },
          tags: [],
          retry: 2,
        },
        { request_id: 'r-3', meta: { time: '20/Nov/2026:12:00:00 +0000' }, http: { status: 'oops' } },
      ]),
      await put(jobsKey, [
        { job: 'backfill', finished: 1795137000000, ok: true, rows: 5, 'Run-Time': 2, queue: 'slow' },
      ]),
    ];
    const result = await custom(sqsEvent(messages));
    expect(result.batchItemFailures).toEqual([]);
    expect(result.outcomes.map((o) => ('ingested' in o ? o.ingested : o))).toEqual([
      expect.objectContaining({
        sourceObject: `s3://landing/${checkoutKey}`,
        source: 'checkout_api',
        detectedBy: 'key',
        records: 3,
        written: 2,
        quarantined: 1,
        tables: { checkout_api: 2 },
        reasons: [{ position: 'line 3', reason: 'http.status: expected an integer, got "oops"' }],
      }),
      expect.objectContaining({
        sourceObject: `s3://landing/${jobsKey}`,
        source: 'batch_jobs',
        detectedBy: 'key',
        records: 1,
        written: 1,
        quarantined: 0,
        tables: { batch_jobs: 1 },
      }),
    ]);

    // Read back what landed in the lake bucket, Parquet as Athena would read it, with DuckDB.
    const dir = mkdtempSync(join(tmpdir(), 'mantissa-custom-parquet-'));
    const duck = await DuckDBInstance.create(':memory:');
    const connection = await duck.connect();
    try {
      const read = async (table: string, select: string) => {
        const keys = (await lake.list(`tables/${table}/`))
          .map((o) => o.key)
          .filter((k) => k.endsWith('.parquet'));
        const files = await Promise.all(
          keys.map(async (key, i) => {
            const path = join(dir, `${table}-${i}.parquet`);
            writeFileSync(path, (await lake.get(key)) as Uint8Array);
            return { key, path };
          }),
        );
        const list = files.map((f) => `'${f.path}'`).join(', ');
        const reader = await connection.runAndReadAll(
          `SELECT ${select} FROM read_parquet([${list}], filename = true) ORDER BY ts`,
        );
        const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
        // The partition each row's file sits in, as the Glue table's projection addresses it.
        return rows.map(({ filename, ...row }) => ({
          ...row,
          partition: files
            .find((f) => f.path === filename)
            ?.key.split('/')
            .slice(2, 4)
            .join('/'),
        }));
      };
      const ingestTs = '2026-11-21 12:00:00';
      expect(
        await read(
          'checkout_api',
          'request_id, status, client, tags, started::VARCHAR AS started, extra, ts::VARCHAR AS ts, event_id, ingest_ts::VARCHAR AS ingest_ts, source_object, filename',
        ),
      ).toEqual([
        {
          request_id: 'r-1',
          status: '200',
          client: { ip: '198.51.100.7', user: 'ana' },
          tags: ['web'],
          started: '2026-11-20 10:14:59.25',
          extra: '{"meta":{"time":"20/Nov/2026:10:15:00 +0000"},"http":{"method":"GET"}}',
          ts: '2026-11-20 10:15:00',
          event_id: 'r-1',
          ingest_ts: ingestTs,
          source_object: `s3://landing/${checkoutKey}`,
          partition: 'dt=2026-11-20/hour=10',
        },
        {
          request_id: 'r-2',
          status: '502',
          client: { ip: '198.51.100.8', user: null },
          tags: [],
          started: null,
          extra: '{"meta":{"time":"20/Nov/2026:11:20:30 +0100"},"retry":2}',
          ts: '2026-11-20 10:20:30',
          event_id: 'r-2',
          ingest_ts: ingestTs,
          source_object: `s3://landing/${checkoutKey}`,
          partition: 'dt=2026-11-20/hour=10',
        },
      ]);
      expect(
        await read(
          'batch_jobs',
          'job, finished, ok, "rows", host, error, run_time, extra, ts::VARCHAR AS ts, source_object, filename',
        ),
      ).toEqual([
        {
          job: 'backfill',
          finished: '1795137000000',
          ok: true,
          rows: '5',
          host: null,
          error: null,
          run_time: 2,
          extra: '{"queue":"slow"}',
          ts: '2026-11-20 01:10:00',
          source_object: `s3://landing/${jobsKey}`,
          partition: 'dt=2026-11-20/hour=01',
        },
      ]);
    } finally {
      connection.closeSync();
      duck.closeSync();
      rmSync(dir, { recursive: true, force: true });
    }
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
