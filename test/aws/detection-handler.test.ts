import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaQueryEngine } from '../../lambdas/adapters/aws/athena-query-engine.js';
import { cachedConfig } from '../../lambdas/adapters/aws/config-object.js';
import { DynamoDbStateStore } from '../../lambdas/adapters/aws/dynamodb-state-store.js';
import { S3ObjectStore } from '../../lambdas/adapters/aws/s3-object-store.js';
import { SecretsManagerSecrets } from '../../lambdas/adapters/aws/secrets-manager.js';
import { SqsOutbox } from '../../lambdas/adapters/aws/sqs-outbox.js';
import { DuckDbParquetEncoder } from '../../lambdas/adapters/duckdb/parquet-encoder.js';
import { verifyWebhook, WEBHOOK_HEADERS } from '../../lambdas/core/alerts/destinations/webhook.js';
import { AlertStore } from '../../lambdas/core/alerts/store.js';
import { ingestObject } from '../../lambdas/core/lake/ingest.js';
import { fixedClock } from '../../lambdas/core/ports/clock.js';
import { fetchHttpClient } from '../../lambdas/core/ports/http.js';
import { RuleOverrides } from '../../lambdas/core/rulepack/index.js';
import { parseSqlRule } from '../../lambdas/core/rules/sql-rule.js';
import { TABLES } from '../../lambdas/core/schema/registry.js';
import { SOURCES } from '../../lambdas/core/sources/registry.js';
import { createAlertRouter, outboxDelivery } from '../../lambdas/handlers/alert-router.js';
import { createDetectionHandler, handler } from '../../lambdas/handlers/detection.js';
import { ctRecord } from '../fixtures/cloudtrail-records.js';
import { sampleAlert, startPeer } from '../integration/alerts-delivery-peer.js';
import { DuckDbAthena } from './athena-duckdb.js';
import { scheduledEvent } from './events.js';
import { type DynamoPeer, type S3Peer, startDynamo, startS3 } from './peers.js';
import { lambdaReceive, SqsModel } from './sqs-model.js';

const NOW = new Date('2026-11-21T12:00:00Z');

const rule = (name: string, query: string) =>
  parseSqlRule(`rules/sql/${name}.yaml`, `sql/${name}`, `name: ${name}\nseverity: high\nquery: "${query}"\n`);

describe('detection handler (scheduled event) over Athena and DynamoDB', () => {
  let s3: S3Peer;
  let dynamo: DynamoPeer;
  let athena: DuckDbAthena;
  let encoder: DuckDbParquetEncoder;

  beforeAll(async () => {
    [s3, dynamo] = await Promise.all([startS3(['lake']), startDynamo()]);
    await dynamo.createStateTable('state');
    encoder = await DuckDbParquetEncoder.open();
  });
  afterAll(async () => {
    athena?.close();
    await encoder?.close();
    await Promise.all([s3?.close(), dynamo?.close()]);
  });

  it('runs every rule, logs a failing one, routes the alert into the outbox, and the router delivers it', async () => {
    const clock = fixedClock(NOW);
    const lake = new S3ObjectStore({ client: s3.client, bucket: 'lake' });
    const peer = await startPeer(() => ({ status: 200 }));
    await lake.put(
      'config/config.yaml',
      new TextEncoder().encode(
        `destinations:\n  - { name: soc, type: webhook, url: '${peer.url}/hook', secret: hook-secret }\n` +
          'routes:\n  - { match: { severity: { min: high } }, to: [soc] }\n',
      ),
    );
    const model = new SqsModel();
    model.now = NOW.getTime();
    const secretsMock = mockClient(SecretsManagerClient);
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: '{"hook-secret":"whsec-detect-42"}' });
    const outbox = new SqsOutbox({
      sqs: new SQSClient({ region: 'us-east-1' }),
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/mantissa-outbox',
      state: new DynamoDbStateStore({ client: dynamo.client, table: 'state' }),
    });
    const state = new DynamoDbStateStore({ client: dynamo.client, table: 'state' });
    await ingestObject(
      { store: lake, state, encoder, clock, sources: SOURCES },
      {
        sourceObject: 's3://landing/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/21/x.json',
        body: Buffer.from(
          JSON.stringify({
            Records: [ctRecord({ eventTime: '2026-11-21T11:00:00Z', eventName: 'DeleteTrail' })],
          }),
        ),
      },
    );
    athena = new DuckDbAthena({ lake, database: 'mantissa_log', workgroup: 'mantissa-log', tables: TABLES });
    const query = new AthenaQueryEngine({
      client: athena.client,
      workgroup: 'mantissa-log',
      database: 'mantissa_log',
      pollMs: { initial: 1, max: 5 },
    });
    const rules = [
      rule('broken', 'SELECT no_such_column FROM cloudtrail'),
      rule(
        'trail-deleted',
        "SELECT eventname, recipientaccountid FROM cloudtrail WHERE eventname = 'DeleteTrail'",
      ),
      rule('switched-off', 'SELECT eventname FROM cloudtrail'),
    ];
    // An admin disabled this one through the API: the cycle must not run it.
    await new RuleOverrides(state, clock).set('sql/switched-off', false, 'admin@example.com');
    const detect = createDetectionHandler({
      state,
      query,
      lake,
      encoder: async () => encoder,
      rules: async () => ({ rules, sigma: { events: [], queries: [] }, errors: [] }),
      clock,
      outbox,
      config: cachedConfig(lake, clock, 0),
    });
    const lines: string[] = [];
    const [log, error] = [console.log, console.error];
    console.log = (line: string) => lines.push(line);
    console.error = (line: string) => lines.push(line);
    let summary: Awaited<ReturnType<typeof detect>>;
    try {
      summary = await detect(scheduledEvent(NOW));
    } finally {
      [console.log, console.error] = [log, error];
    }
    expect(summary).toMatchObject({ skipped: false, batches: 1, rulesRun: 2, updated: [] });
    expect(summary.raised).toHaveLength(1);
    expect(summary.errors).toEqual([
      { ruleId: 'sql/broken', error: expect.stringMatching(/^Athena query .* failed: .*no_such_column/) },
    ]);
    expect(summary.routing).toEqual({ alerts: 1, enqueued: 1, resolutions: 0, errors: [] });
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      { message: 'detection cycle', ...summary, errors: 1, routing: { ...summary.routing, errors: 0 } },
      { message: 'rule failed', ruleId: 'sql/broken', error: summary.errors[0]?.error },
    ]);
    // The alerts table was appended in the lake as well.
    expect((await lake.list('tables/alerts/')).length).toBeGreaterThan(0);
    // One trigger for the webhook is on the outbox queue; the router delivers it, signed.
    const id = `${summary.raised[0]}:soc:trigger`;
    expect(model.queue.map((m) => JSON.parse(m.body))).toEqual([
      { id, destination: 'soc', alertId: summary.raised[0], event: 'trigger' },
    ]);
    const router = createAlertRouter(
      outboxDelivery({
        outbox,
        state,
        config: cachedConfig(lake, clock, 0),
        secrets: new SecretsManagerSecrets({
          client: new SecretsManagerClient({ region: 'us-east-1' }),
          secretId: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:mantissa-AbCdEf',
        }),
        http: fetchHttpClient,
        clock,
        maxReceives: 5,
        leaseMs: () => 60_000,
      }),
    );
    try {
      console.log = () => {};
      expect((await router(await lambdaReceive(360))).batchItemFailures).toEqual([]);
    } finally {
      console.log = log;
      model.restore();
      secretsMock.restore();
      await peer.close();
    }
    expect(await outbox.get(id)).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(model.queue).toEqual([]);
    const [req] = peer.received;
    expect(req?.headers[WEBHOOK_HEADERS.id]).toBe(id);
    const signed = {
      timestamp: req?.headers[WEBHOOK_HEADERS.timestamp] as string,
      signature: req?.headers[WEBHOOK_HEADERS.signature] as string,
    };
    expect(verifyWebhook('whsec-detect-42', signed, req?.body ?? '', NOW)).toBe(true);
    expect(JSON.parse(req?.body ?? '{}')).toMatchObject({
      type: 'alert.trigger',
      alert: { id: summary.raised[0] },
    });
  });

  it('logs a configuration it cannot read, and routes the alert it left unrouted on the next run', async () => {
    const clock = fixedClock(NOW);
    const lake = new S3ObjectStore({ client: s3.client, bucket: 'lake' });
    const state = new DynamoDbStateStore({ client: dynamo.client, table: 'state' });
    const alert = sampleAlert({ id: 'feedfacefeedfacefeedface', createdAt: '2026-11-21T11:55:00.000Z' });
    await new AlertStore(state).create(alert);
    const model = new SqsModel();
    model.now = NOW.getTime();
    const outbox = new SqsOutbox({ sqs: new SQSClient({ region: 'us-east-1' }), queueUrl: 'outbox', state });
    const detect = createDetectionHandler({
      state,
      query: new AthenaQueryEngine({
        client: athena.client,
        workgroup: 'mantissa-log',
        database: 'mantissa_log',
        pollMs: { initial: 1, max: 5 },
      }),
      lake,
      encoder: async () => encoder,
      rules: async () => ({ rules: [], sigma: { events: [], queries: [] }, errors: [] }),
      clock,
      outbox,
      config: cachedConfig(lake, clock, 0),
    });
    const run = async () => {
      const lines: string[] = [];
      const [log, error] = [console.log, console.error];
      console.log = () => {};
      console.error = (line: string) => lines.push(line);
      try {
        return { summary: await detect(scheduledEvent(NOW)), lines };
      } finally {
        [console.log, console.error] = [log, error];
      }
    };
    try {
      await lake.put('config/config.yaml', new TextEncoder().encode('destinations: 42\n'));
      const broken = await run();
      expect(broken.summary.routing).toEqual({
        alerts: 0,
        enqueued: 0,
        resolutions: 0,
        errors: [{ alertId: '*', error: expect.stringContaining('config/config.yaml') }],
      });
      expect(broken.lines.map((l) => JSON.parse(l))).toEqual([
        { message: 'routing failed', alertId: '*', error: broken.summary.routing.errors[0]?.error },
      ]);
      expect(model.queue).toEqual([]);
      await lake.put(
        'config/config.yaml',
        new TextEncoder().encode(
          "destinations:\n  - { name: soc, type: webhook, url: 'https://hooks.example.com/x', secret: s }\n" +
            'routes:\n  - { match: { severity: { min: high } }, to: [soc] }\n',
        ),
      );
      const fixed = await run();
      expect(fixed.summary.routing).toEqual({ alerts: 1, enqueued: 1, resolutions: 0, errors: [] });
      expect(model.queue.map((m) => JSON.parse(m.body).id)).toEqual([`${alert.id}:soc:trigger`]);
      // Routed once: the next run leaves it alone.
      expect((await run()).summary.routing).toEqual({ alerts: 0, enqueued: 0, resolutions: 0, errors: [] });
    } finally {
      model.restore();
    }
  });

  it('refuses to start without the environment the stack sets', async () => {
    const saved = { ...process.env };
    delete process.env.STATE_TABLE;
    try {
      await expect(handler(scheduledEvent(NOW))).rejects.toThrow(
        'environment variable STATE_TABLE is not set',
      );
    } finally {
      process.env = saved;
    }
  });
});
