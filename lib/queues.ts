import { Duration, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface EncryptedQueueProps {
  readonly key: kms.IKey;
  readonly visibilityTimeout: Duration;
  /** Receives before a message moves to the dead-letter queue. @default 5 */
  readonly maxReceiveCount?: number;
}

/**
 * A work queue and its dead-letter queue, both KMS-encrypted with the deployment key and refusing
 * plain-HTTP access. Failed messages are kept 14 days (SQS's maximum) so they can be redriven.
 */
export function encryptedQueue(
  scope: Construct,
  id: string,
  props: EncryptedQueueProps,
): { queue: sqs.Queue; deadLetterQueue: sqs.Queue } {
  const deadLetterQueue = new sqs.Queue(scope, `${id}Dlq`, {
    ...encrypted(props.key),
    retentionPeriod: Duration.days(14),
  });
  const queue = new sqs.Queue(scope, id, {
    ...encrypted(props.key),
    visibilityTimeout: props.visibilityTimeout,
    retentionPeriod: Duration.days(4),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
  });
  return { queue, deadLetterQueue };
}

/**
 * A stand-alone dead-letter queue for failed asynchronous deliveries (EventBridge targets), which
 * name their DLQ directly rather than through an SQS redrive policy.
 */
export function deliveryDeadLetterQueue(scope: Construct, id: string, key: kms.IKey): sqs.Queue {
  const queue = new sqs.Queue(scope, id, { ...encrypted(key), retentionPeriod: Duration.days(14) });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      'This queue is itself a dead-letter queue: the DeadLetterConfig of an EventBridge target. ' +
      'cdk-nag only recognises DLQs referenced by an SQS redrive policy.',
  });
  return queue;
}

function encrypted(key: kms.IKey) {
  return {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    // Reuse a data key for an hour: far fewer KMS calls per message.
    dataKeyReuse: Duration.hours(1),
    enforceSSL: true,
  } satisfies sqs.QueueProps;
}
