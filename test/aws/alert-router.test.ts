import { describe, expect, it } from 'vitest';
import type { OutboxMessage } from '../../lambdas/core/ports/outbox.js';
import { createAlertRouter, handler } from '../../lambdas/handlers/alert-router.js';
import { sqsEvent, sqsRecord } from './events.js';

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
    const router = createAlertRouter(async (m, receives) => {
      if (m.destination === 'pagerduty') throw new Error('PagerDuty answered 503');
      delivered.push([m.id, receives]);
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

  it('as deployed, keeps every message on the queue (for the DLQ and redrive) until delivery is wired', async () => {
    const record = sqsRecord(JSON.stringify(message()));
    const { result, errors } = await quietly(() => handler(sqsEvent([record])));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(errors).toEqual([
      'alert delivery is not wired into the AWS router yet; a1b2c3:slack:trigger is kept on the outbox (then its DLQ) for redrive',
    ]);
  });
});
