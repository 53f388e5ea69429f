import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbStateStore } from '../../lambdas/adapters/aws/dynamodb-state-store.js';
import { SqsOutbox } from '../../lambdas/adapters/aws/sqs-outbox.js';
import type { Outbox, OutboxMessage } from '../../lambdas/core/ports/outbox.js';
import { outboxConformance } from '../conformance/outbox.js';
import { type DynamoPeer, startDynamo } from './peers.js';
import { SqsModel } from './sqs-model.js';

const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/mantissa-outbox';
let peer: DynamoPeer;
let n = 0;
beforeAll(async () => {
  peer = await startDynamo();
});
afterAll(async () => {
  await peer.close();
});

/** Every call that takes a time moves the SQS model's clock to it first: one timeline for both. */
function onClock(outbox: Outbox, model: SqsModel): Outbox {
  const at = <T>(now: Date, run: () => Promise<T>): Promise<T> => {
    model.now = now.getTime();
    return run();
  };
  return {
    enqueue: (m, now, a) => at(now, () => outbox.enqueue(m, now, a)),
    claim: (now, o) => at(now, () => outbox.claim(now, o)),
    ack: (id, t, now) => at(now, () => outbox.ack(id, t, now)),
    fail: (id, t, e, r, now) => at(now, () => outbox.fail(id, t, e, r, now)),
    deadLetter: (id, t, e, now) => at(now, () => outbox.deadLetter(id, t, e, now)),
    get: (id) => outbox.get(id),
    list: (f) => outbox.list(f),
    redeliver: (t, now) => at(now, () => outbox.redeliver(t, now)),
  };
}

async function open() {
  const table = `outbox-${++n}`;
  await peer.createStateTable(table);
  const model = new SqsModel();
  const state = new DynamoDbStateStore({ client: peer.client, table });
  const make = () => new SqsOutbox({ sqs: new SQSClient({ region: 'us-east-1' }), queueUrl: QUEUE, state });
  return { model, state, outbox: make(), other: make() };
}

outboxConformance('SQS (in-memory model) + DynamoDB (dynalite)', async () => {
  const { model, outbox, other } = await open();
  return {
    outbox: onClock(outbox, model),
    other: onClock(other, model),
    cleanup: async () => model.restore(),
  };
});

describe('SQS outbox beyond the shared contract', () => {
  let model: SqsModel | undefined;
  afterEach(() => {
    model?.restore();
    model = undefined;
  });
  const T0 = new Date('2026-11-21T10:00:00.000Z');
  const at = (s: number) => new Date(T0.getTime() + s * 1000);
  const msg: OutboxMessage = {
    id: 'a1:hook:escalate',
    destination: 'hook',
    alertId: 'a1',
    event: 'escalate',
  };

  it('delays past the 15 minutes SQS allows by hiding the message again until it is due', async () => {
    const o = await open();
    model = o.model;
    const { outbox } = o;
    model.now = T0.getTime();
    expect(await outbox.enqueue(msg, T0, at(3600))).toBe(true);
    expect(model.queue.map((m) => m.visibleAt)).toEqual([at(900).getTime()]);
    model.now = at(900).getTime();
    expect(await outbox.claim(at(900), { limit: 10, leaseMs: 60_000 })).toEqual([]);
    // Hidden until due, and not counted as an attempt.
    expect(model.queue.map((m) => [m.visibleAt, m.receives])).toEqual([[at(3600).getTime(), 1]]);
    expect((await outbox.get(msg.id))?.attempts).toBe(0);
    model.now = at(3600).getTime();
    const [item] = await outbox.claim(at(3600), { limit: 10, leaseMs: 60_000 });
    expect([item?.message.id, item?.attempts]).toEqual([msg.id, 1]);
  });

  it('deletes the message on ack and dead-letter, deletes stale copies, and resends on redeliver', async () => {
    const o = await open();
    model = o.model;
    const { outbox } = o;
    model.now = T0.getTime();
    await outbox.enqueue(msg, T0);
    const [a] = await outbox.claim(T0, { limit: 1, leaseMs: 60_000 });
    expect(await outbox.deadLetter(msg.id, a?.leaseToken ?? '', 'HTTP 400', T0)).toBe(true);
    expect(model.queue).toEqual([]);
    expect(await outbox.redeliver({ all: true }, at(10))).toBe(1);
    expect(model.queue.map((m) => JSON.parse(m.body))).toEqual([msg]);
    // A duplicate SQS copy of a settled item is removed on receipt, not delivered.
    const [b] = await outbox.claim(at(10), { limit: 1, leaseMs: 60_000 });
    const dup = model.duplicate(0);
    expect(await outbox.ack(msg.id, b?.leaseToken ?? '', at(11))).toBe(true);
    expect(model.queue.map((m) => m.messageId)).toEqual([dup.messageId]);
    expect(await outbox.claim(at(12), { limit: 1, leaseMs: 60_000 })).toEqual([]);
    expect(model.queue).toEqual([]);
    expect(await outbox.get(msg.id)).toMatchObject({
      state: 'delivered',
      attempts: 1,
      lastError: 'HTTP 400',
    });
  });

  it('does not hand out a leased item when SQS delivers a duplicate copy; hides the copy until the lease ends', async () => {
    const o = await open();
    model = o.model;
    const { outbox, other } = o;
    model.now = T0.getTime();
    await outbox.enqueue(msg, T0);
    const [held] = await outbox.claim(T0, { limit: 1, leaseMs: 60_000 });
    const dup = model.duplicate(0);
    model.now = at(1).getTime();
    expect(await other.claim(at(1), { limit: 1, leaseMs: 60_000 })).toEqual([]);
    expect(model.queue.find((m) => m.messageId === dup.messageId)?.visibleAt).toBe(at(60).getTime());
    expect((await outbox.get(msg.id))?.attempts).toBe(1);
    expect(await outbox.ack(msg.id, held?.leaseToken ?? '', at(2))).toBe(true);
  });

  it('leaves a message that is not an outbox message to the redrive, and claims the rest', async () => {
    const o = await open();
    model = o.model;
    const { outbox } = o;
    model.now = T0.getTime();
    await new SQSClient({ region: 'us-east-1' }).send(
      new SendMessageCommand({ QueueUrl: QUEUE, MessageBody: 'not json' }),
    );
    await outbox.enqueue(msg, T0);
    const claimed = await outbox.claim(T0, { limit: 10, leaseMs: 60_000 });
    expect(claimed.map((c) => c.message.id)).toEqual([msg.id]);
    expect(await outbox.ack(msg.id, claimed[0]?.leaseToken ?? '', T0)).toBe(true);
    for (let i = 1; i <= 5; i++) {
      model.now = at(60 * i).getTime();
      expect(await outbox.claim(at(60 * i), { limit: 10, leaseMs: 60_000 })).toEqual([]);
    }
    expect(model.dlq.map((m) => m.body)).toEqual(['not json']);
  });

  it('forgets the record when the send fails, so a retried enqueue is not refused', async () => {
    const o = await open();
    model = o.model;
    const { outbox } = o;
    model.mock.on(SendMessageCommand).rejectsOnce(new Error('throttled'));
    await expect(outbox.enqueue(msg, T0)).rejects.toThrow('throttled');
    expect(await outbox.get(msg.id)).toBeUndefined();
  });
});
