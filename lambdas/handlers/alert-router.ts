import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { messageId } from '../core/alerts/routing/route.js';
import type { OutboxMessage } from '../core/ports/outbox.js';

/** Delivers one outbox message; throws when it was not delivered (the message is then retried). */
export type Deliver = (message: OutboxMessage, receiveCount: number) => Promise<void>;

const EVENTS: readonly OutboxMessage['event'][] = ['trigger', 'escalate', 'resolve'];

export class OutboxMessageError extends Error {
  override readonly name = 'OutboxMessageError';
}

/**
 * SQS batch from the outbox queue -> one delivery per message. The body is an OutboxMessage
 * (core/ports/outbox.ts: `{id, destination, alertId, event}`, id = `<alertId>:<destination>:<event>`),
 * validated before anything is delivered. Every message that is malformed or whose delivery throws
 * is reported as a batch item failure, so SQS redelivers only those, and after the fifth receive
 * moves them to the outbox's dead-letter queue (kept 14 days, redrivable): nothing is acknowledged
 * that was not delivered.
 */
export function createAlertRouter(deliver: Deliver) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      try {
        const message = parseMessage(record);
        await deliver(message, Number(record.attributes.ApproximateReceiveCount ?? '1'));
        console.log(JSON.stringify({ message: 'delivered', id: message.id }));
      } catch (err) {
        failures.push({ itemIdentifier: record.messageId });
        console.error(
          JSON.stringify({
            message: 'delivery failed',
            messageId: record.messageId,
            error: (err as Error).message,
          }),
        );
      }
    }
    return { batchItemFailures: failures };
  };
}

export function parseMessage(record: SQSRecord): OutboxMessage {
  let body: Partial<Record<keyof OutboxMessage, unknown>>;
  try {
    body = JSON.parse(record.body) as typeof body;
  } catch {
    throw new OutboxMessageError(`message ${record.messageId}: body is not JSON`);
  }
  const { id, destination, alertId, event } = body ?? {};
  if (
    typeof destination !== 'string' ||
    destination === '' ||
    typeof alertId !== 'string' ||
    alertId === ''
  ) {
    throw new OutboxMessageError(`message ${record.messageId}: needs a destination and an alertId`);
  }
  if (!EVENTS.includes(event as OutboxMessage['event'])) {
    throw new OutboxMessageError(`message ${record.messageId}: event must be one of ${EVENTS.join(', ')}`);
  }
  const expected = messageId(alertId, destination, event as OutboxMessage['event']);
  if (id !== expected) throw new OutboxMessageError(`message ${record.messageId}: id must be ${expected}`);
  return { id: expected, destination, alertId, event: event as OutboxMessage['event'] };
}

/**
 * The deployed router. Destination delivery on AWS (the SQS outbox adapter, destinations read from
 * configuration, credentials from SECRET_ARN) belongs to the alerting module and is not wired here
 * yet, so every valid message is failed on purpose with that reason: it stays on the queue and
 * then in the dead-letter queue, to be redriven once delivery is wired, instead of being dropped.
 */
export const handler = createAlertRouter(async (message) => {
  throw new Error(
    `alert delivery is not wired into the AWS router yet; ${message.id} is kept on the outbox (then its DLQ) for redrive`,
  );
});
