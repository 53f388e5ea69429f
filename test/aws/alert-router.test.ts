import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cachedConfig } from '../../lambdas/adapters/aws/config-object.js';
import { DynamoDbStateStore } from '../../lambdas/adapters/aws/dynamodb-state-store.js';
import { S3ObjectStore } from '../../lambdas/adapters/aws/s3-object-store.js';
import { SecretsManagerSecrets } from '../../lambdas/adapters/aws/secrets-manager.js';
import { SqsOutbox } from '../../lambdas/adapters/aws/sqs-outbox.js';
import { verifyWebhook, WEBHOOK_HEADERS } from '../../lambdas/core/alerts/destinations/webhook.js';
import { routeAlerts } from '../../lambdas/core/alerts/routing/route.js';
import { AlertStore } from '../../lambdas/core/alerts/store.js';
import { fixedClock } from '../../lambdas/core/ports/clock.js';
import { fetchHttpClient } from '../../lambdas/core/ports/http.js';
import type { OutboxMessage } from '../../lambdas/core/ports/outbox.js';
import { createAlertRouter, outboxDelivery } from '../../lambdas/handlers/alert-router.js';
import { type Peer, type Reply, sampleAlert, startPeer } from '../integration/alerts-delivery-peer.js';
import { sqsEvent, sqsRecord } from './events.js';
import { type DynamoPeer, type S3Peer, startDynamo, startS3 } from './peers.js';
import { lambdaReceive, SqsModel } from './sqs-model.js';

const message = (over: Partial<OutboxMessage> = {}): OutboxMessage => ({
  id: 'a1b2c3:slack:trigger',
  destination: 'slack',
  alertId: 'a1b2c3',
  event: 'trigger',
  ...over,
});

const quietly = async <T>(fn: () => Promise<T>): Promise<{ result: T; errors: string[] }> => {
  const errors: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = () => {};
  console.error = (line: string) => errors.push((JSON.parse(line) as { error: string }).error);
  try {
    return { result: await fn(), errors };
  } finally {
    [console.log, console.error] = [log, error];
  }
};

describe('alert router (SQS batch from the outbox queue)', () => {
  it('delivers valid messages and fails exactly the malformed and undelivered ones', async () => {
    const delivered: [string, number][] = [];
    const router = createAlertRouter(async (m, record) => {
      if (m.destination === 'pagerduty') throw new Error('PagerDuty answered 503');
      delivered.push([m.id, Number(record.attributes.ApproximateReceiveCount)]);
      return { outcome: 'delivered' };
    });
    const ok = sqsRecord(JSON.stringify(message()), 'mantissa-outbox');
    const failing = sqsRecord(
      JSON.stringify(message({ id: 'a1b2c3:pagerduty:trigger', destination: 'pagerduty' })),
    );
    const badId = sqsRecord(JSON.stringify(message({ id: 'other' })));
    const badEvent = sqsRecord(JSON.stringify({ ...message(), event: 'page' }));
    const notJson = sqsRecord('not json');
    const { result, errors } = await quietly(() => router(sqsEvent([ok, failing, badId, badEvent, notJson])));
    expect(delivered).toEqual([['a1b2c3:slack:trigger', 1]]);
    expect(result.batchItemFailures).toEqual(
      [failing, badId, badEvent, notJson].map((r) => ({ itemIdentifier: r.messageId })),
    );
    expect(errors).toEqual([
      'PagerDuty answered 503',
      `message ${badId.messageId}: id must be a1b2c3:slack:trigger`,
      `message ${badEvent.messageId}: event must be one of trigger, escalate, resolve`,
      `message ${notJson.messageId}: body is not JSON`,
    ]);
  });
});

describe('alert router delivering through the SQS outbox to a signed webhook', () => {
  const NOW = new Date('2026-11-21T10:30:00.000Z');
  const ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:mantissa-destinations-AbCdEf';
  const SECRET = 'whsec-aws-0123456789';
  let s3: S3Peer;
  let dynamo: DynamoPeer;
  let n = 0;
  const open: { restore(): void }[] = [];
  const peers: Peer[] = [];

  beforeAll(async () => {
    [s3, dynamo] = await Promise.all([startS3(['lake']), startDynamo()]);
  });
  afterEach(async () => {
    for (const m of open.splice(0)) m.restore();
    await Promise.all(peers.splice(0).map((p) => p.close()));
  });
  afterAll(async () => {
    await Promise.all([s3?.close(), dynamo?.close()]);
  });

  async function setup(reply: (n: number) => Reply, maxAttempts = 8) {
    const peer = await startPeer((_req, i) => reply(i));
    peers.push(peer);
    const table = `router-${++n}`;
    await dynamo.createStateTable(table);
    const state = new DynamoDbStateStore({ client: dynamo.client, table });
    const lake = new S3ObjectStore({ client: s3.client, bucket: 'lake' });
    await lake.put(
      'config/config.yaml',
      new TextEncoder().encode(`destinations:
  - name: soc
    type: webhook
    url: ${peer.url}/siem
    secret: hook-secret
routes:
  - match: { severity: { min: high } }
    to: [soc]
delivery:
  max_attempts: ${maxAttempts}
  backoff_base: 4s
`),
    );
    const model = new SqsModel(5);
    const secretsMock = mockClient(SecretsManagerClient);
    secretsMock
      .on(GetSecretValueCommand, { SecretId: ARN })
      .resolves({ SecretString: JSON.stringify({ 'hook-secret': SECRET }) });
    open.push(model, secretsMock);
    const clock = fixedClock(NOW);
    const tick = (seconds: number) => {
      clock.set(new Date(clock.now().getTime() + seconds * 1000));
      model.now = clock.now().getTime();
    };
    tick(0);
    const outbox = new SqsOutbox({
      sqs: new SQSClient({ region: 'us-east-1' }),
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/mantissa-outbox',
      state,
    });
    const config = cachedConfig(lake, clock, 0);
    const alert = sampleAlert();
    await new AlertStore(state).create(alert);
    expect(await routeAlerts({ config: await config(), outbox, state, now: clock.now() }, [alert])).toEqual({
      alerts: 1,
      enqueued: 1,
      errors: [],
    });
    const router = createAlertRouter(
      outboxDelivery({
        outbox,
        state,
        config,
        secrets: new SecretsManagerSecrets({
          client: new SecretsManagerClient({ region: 'us-east-1' }),
          secretId: ARN,
        }),
        http: fetchHttpClient,
        clock,
        maxReceives: 5,
        leaseMs: () => 60_000,
        random: () => 0.5,
      }),
    );
    const id = `${alert.id}:soc:trigger`;
    return { peer, model, outbox, router, tick, id, clock };
  }

  const captured = async <T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> => {
    const lines: string[] = [];
    const [log, error] = [console.log, console.error];
    console.log = (line: string) => lines.push(line);
    console.error = (line: string) => lines.push(line);
    try {
      return { result: await fn(), lines };
    } finally {
      [console.log, console.error] = [log, error];
    }
  };

  it('fails a 503 back to SQS hidden until the backoff ends, then delivers it signed and deletes it', async () => {
    const { peer, model, outbox, router, tick, id, clock } = await setup((i) =>
      i === 1 ? { status: 503, body: 'busy' } : { status: 202 },
    );
    const first = await lambdaReceive(360);
    const one = await captured(() => router(first));
    expect(one.result.batchItemFailures).toEqual([{ itemIdentifier: first.Records[0]?.messageId }]);
    // Full jitter with random 0.5 on a 4 s base: 2 s, so SQS shows it again 2 s from now.
    expect(model.queue.map((m) => [m.visibleAt, m.receives])).toEqual([[NOW.getTime() + 2000, 1]]);
    expect(await outbox.get(id)).toMatchObject({
      state: 'pending',
      attempts: 1,
      availableAt: new Date(NOW.getTime() + 2000).toISOString(),
      lastError: expect.stringContaining('503'),
    });
    tick(1);
    expect((await lambdaReceive(360)).Records).toEqual([]);
    tick(1);
    const second = await lambdaReceive(360);
    expect(second.Records.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['2']);
    const two = await captured(() => router(second));
    expect(two.result.batchItemFailures).toEqual([]);
    expect(two.lines.map((l) => JSON.parse(l))).toEqual([{ message: 'delivered', id }]);
    expect(model.queue).toEqual([]);
    expect(await outbox.get(id)).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(peer.received).toHaveLength(2);
    const req = peer.received[1];
    expect(req?.url).toBe('/siem');
    expect(req?.headers[WEBHOOK_HEADERS.id]).toBe(id);
    const headers = {
      timestamp: req?.headers[WEBHOOK_HEADERS.timestamp] as string,
      signature: req?.headers[WEBHOOK_HEADERS.signature] as string,
    };
    expect(verifyWebhook(SECRET, headers, req?.body ?? '', clock.now())).toBe(true);
    expect(verifyWebhook('wrong-secret', headers, req?.body ?? '', clock.now())).toBe(false);
    expect(JSON.parse(req?.body ?? '{}')).toMatchObject({
      id,
      type: 'alert.trigger',
      alert: { id: sampleAlert().id },
    });
    // The secret never reaches a log line.
    expect([...one.lines, ...two.lines].some((l) => l.includes(SECRET))).toBe(false);
  });

  it('dead-letters a permanent failure with its error, takes it off the queue, and redelivers it', async () => {
    const { peer, model, outbox, router, tick, id } = await setup((i) =>
      i === 1 ? { status: 400, body: 'bad payload' } : { status: 200 },
    );
    const { result, lines } = await captured(() => lambdaReceive(360).then(router));
    expect(result.batchItemFailures).toEqual([]);
    expect(model.queue).toEqual([]);
    const [dead] = await outbox.list({ state: 'dead' });
    expect(dead).toMatchObject({ state: 'dead', attempts: 1, lastError: expect.stringContaining('400') });
    expect(lines.map((l) => JSON.parse(l))).toEqual([{ message: 'dead', id, error: dead?.lastError }]);
    tick(60);
    expect(await outbox.redeliver({ id }, new Date(model.now))).toBe(1);
    expect((await captured(() => lambdaReceive(360).then(router))).result.batchItemFailures).toEqual([]);
    expect(await outbox.get(id)).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(peer.received).toHaveLength(2);
  });

  it('dead-letters on the last receive SQS allows, so the record keeps the error rather than the DLQ', async () => {
    const { peer, model, outbox, router, tick, id } = await setup(() => ({ status: 503 }));
    for (let receive = 1; receive <= 5; receive++) {
      const event = await lambdaReceive(360);
      expect(event.Records.map((r) => r.attributes.ApproximateReceiveCount)).toEqual([String(receive)]);
      const { result } = await captured(() => router(event));
      expect(result.batchItemFailures).toHaveLength(receive < 5 ? 1 : 0);
      tick(900);
    }
    expect(peer.received).toHaveLength(5);
    expect(model.queue).toEqual([]);
    expect(model.dlq).toEqual([]);
    expect(await outbox.get(id)).toMatchObject({
      state: 'dead',
      attempts: 5,
      lastError: expect.stringMatching(/^gave up after 5 attempts: .*503/),
    });
  });

  it('acknowledges a stale duplicate of a delivered message without sending it again', async () => {
    const { peer, model, router, id } = await setup(() => ({ status: 200 }));
    const event = await lambdaReceive(360);
    const copy = model.duplicate(0);
    await captured(() => router(event));
    const again = await lambdaReceive(360);
    expect(again.Records.map((r) => r.messageId)).toEqual([copy.messageId]);
    const { result, lines } = await captured(() => router(again));
    expect(result.batchItemFailures).toEqual([]);
    expect(lines.map((l) => JSON.parse(l))).toEqual([{ message: 'already-settled', id }]);
    expect(peer.received).toHaveLength(1);
    expect(model.queue).toEqual([]);
  });
});
