import { randomUUID } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  SQSServiceException,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { sqsEvent, sqsRecord } from './events.js';

interface Stored {
  messageId: string;
  body: string;
  visibleAt: number;
  receives: number;
  receipt?: string;
  seq: number;
}

/**
 * An in-memory SQS standard queue with a redrive policy, behind aws-sdk-client-mock: DelaySeconds,
 * ReceiveMessage hiding each message for its visibility timeout (one receiver per message),
 * DeleteMessage and ChangeMessageVisibility with the current receipt handle only, and redrive to
 * the dead-letter queue when a message that was received `maxReceiveCount` times would be received
 * again. Its clock is `now`, which the test sets. Visible messages come out in the order they
 * became visible (real SQS only tries to).
 */
export class SqsModel {
  now = 0;
  readonly queue: Stored[] = [];
  readonly dlq: Stored[] = [];
  readonly mock: AwsClientStub<SQSClient>;
  private seq = 0;

  constructor(readonly maxReceiveCount = 5) {
    this.mock = mockClient(SQSClient);
    this.mock.on(SendMessageCommand).callsFake((input: { MessageBody: string; DelaySeconds?: number }) => {
      const messageId = randomUUID();
      this.queue.push({
        messageId,
        body: input.MessageBody,
        visibleAt: this.now + (input.DelaySeconds ?? 0) * 1000,
        receives: 0,
        seq: this.seq++,
      });
      return { MessageId: messageId };
    });
    this.mock
      .on(ReceiveMessageCommand)
      .callsFake((input: { MaxNumberOfMessages?: number; VisibilityTimeout?: number }) => {
        const out: {
          MessageId: string;
          Body: string;
          ReceiptHandle: string;
          Attributes: Record<string, string>;
        }[] = [];
        const visible = this.queue
          .filter((m) => m.visibleAt <= this.now)
          .sort((a, b) => a.visibleAt - b.visibleAt || a.seq - b.seq);
        for (const m of visible) {
          if (out.length >= (input.MaxNumberOfMessages ?? 1)) break;
          if (m.receives >= this.maxReceiveCount) {
            this.queue.splice(this.queue.indexOf(m), 1);
            this.dlq.push(m);
            continue;
          }
          m.receives += 1;
          m.receipt = randomUUID();
          m.visibleAt = this.now + (input.VisibilityTimeout ?? 30) * 1000;
          out.push({
            MessageId: m.messageId,
            Body: m.body,
            ReceiptHandle: m.receipt,
            Attributes: { ApproximateReceiveCount: String(m.receives) },
          });
        }
        return { Messages: out };
      });
    this.mock.on(DeleteMessageCommand).callsFake((input: { ReceiptHandle: string }) => {
      const i = this.queue.findIndex((m) => m.receipt === input.ReceiptHandle);
      if (i >= 0) this.queue.splice(i, 1);
      return {};
    });
    this.mock
      .on(ChangeMessageVisibilityCommand)
      .callsFake((input: { ReceiptHandle: string; VisibilityTimeout: number }) => {
        const m = this.queue.find((q) => q.receipt === input.ReceiptHandle);
        if (!m || m.visibleAt <= this.now) {
          throw new SQSServiceException({
            name: 'MessageNotInflight',
            $fault: 'client',
            $metadata: {},
            message: 'The message referred to is not in flight.',
          });
        }
        m.visibleAt = this.now + input.VisibilityTimeout * 1000;
        return {};
      });
  }

  /** A second copy of a queued message, visible now: standard queues deliver duplicates. */
  duplicate(index: number): Stored {
    const m = this.queue[index];
    if (!m) throw new Error(`no message ${index}`);
    const copy: Stored = {
      messageId: randomUUID(),
      body: m.body,
      visibleAt: this.now,
      receives: 0,
      seq: this.seq++,
    };
    this.queue.push(copy);
    return copy;
  }

  restore(): void {
    this.mock.restore();
  }
}

/** What the Lambda event source mapping does: receive a batch with the queue's visibility timeout. */
export async function lambdaReceive(visibilitySeconds: number, queue = 'mantissa-outbox'): Promise<SQSEvent> {
  const client = new SQSClient({ region: 'us-east-1' });
  const out = await client.send(
    new ReceiveMessageCommand({
      QueueUrl: `https://sqs.us-east-1.amazonaws.com/111122223333/${queue}`,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: visibilitySeconds,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    }),
  );
  return sqsEvent(
    (out.Messages ?? []).map((m) => {
      const record = sqsRecord(m.Body ?? '', queue);
      return {
        ...record,
        messageId: m.MessageId ?? '',
        receiptHandle: m.ReceiptHandle ?? '',
        attributes: {
          ...record.attributes,
          ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '',
        },
      };
    }),
  );
}
