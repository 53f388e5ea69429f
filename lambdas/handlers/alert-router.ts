import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { cachedConfig } from '../adapters/aws/config-object.js';
import { AwsEnvironment, requireEnv } from '../adapters/aws/environment.js';
import { sesMailer } from '../adapters/aws/ses-mailer.js';
import { SqsOutbox } from '../adapters/aws/sqs-outbox.js';
import type { Mailer } from '../core/alerts/destinations/mailer.js';
import { EnrichmentStore } from '../core/alerts/enrichment/enrich.js';
import { deliverOne } from '../core/alerts/outbox/deliver.js';
import { messageId } from '../core/alerts/routing/route.js';
import { AlertStore } from '../core/alerts/store.js';
import type { MantissaConfig } from '../core/config/config.js';
import { type Clock, systemClock } from '../core/ports/clock.js';
import { fetchHttpClient, type HttpClient } from '../core/ports/http.js';
import type { OutboxMessage } from '../core/ports/outbox.js';
import type { Secrets } from '../core/ports/secrets.js';
import type { StateStore } from '../core/ports/state-store.js';

/** How one message ended, when it leaves the queue. */
export interface Settled {
  outcome: 'delivered' | 'skipped' | 'dead' | 'already-settled';
  error?: string;
}

/**
 * Delivers one outbox message; resolves when the message is done with (delivered, skipped,
 * dead-lettered with its error), throws when it must stay on the queue to be received again.
 */
export type Deliver = (message: OutboxMessage, record: SQSRecord) => Promise<Settled>;

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
 * that was not delivered or dead-lettered.
 */
export function createAlertRouter(deliver: Deliver) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      try {
        const message = parseMessage(record);
        const settled = await deliver(message, record);
        const line = {
          message: settled.outcome,
          id: message.id,
          ...(settled.error ? { error: settled.error } : {}),
        };
        if (settled.outcome === 'dead') console.error(JSON.stringify(line));
        else console.log(JSON.stringify(line));
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

export interface OutboxDeliveryDeps {
  outbox: SqsOutbox;
  state: StateStore;
  config: () => Promise<MantissaConfig>;
  secrets: Secrets;
  http: HttpClient;
  mailer?: Mailer;
  clock: Clock;
  /** The queue's maxReceiveCount (lib/alerting.ts): SQS moves a message to the DLQ after this. */
  maxReceives: number;
  /** How long this invocation may hold a message: the lease on its record. */
  leaseMs: () => number;
  random?: () => number;
}

/**
 * Delivery of the messages Lambda received, through the core worker the local drain uses
 * (`deliverOne`: load the alert, redact, deliver, settle on the outbox record). A retry leaves the
 * message on the queue, hidden until the retry time (`fail` sets its visibility), so SQS does the
 * waiting. The last receive SQS allows before redriving is the last attempt: a failure then
 * dead-letters the record with its error, so `list`/`redeliver` see it.
 */
export function outboxDelivery(deps: OutboxDeliveryDeps): Deliver {
  const alerts = new AlertStore(deps.state);
  const enrichments = new EnrichmentStore(deps.state);
  return async (message, record) => {
    const config = await deps.config();
    const got = await deps.outbox.claimReceived(
      message,
      record.receiptHandle,
      deps.clock.now(),
      deps.leaseMs(),
    );
    if (got.kind === 'settled') return { outcome: 'already-settled' };
    if (got.kind === 'deferred')
      throw new Error(`${message.id} is not due (or is held elsewhere) until ${got.until}`);
    const receives = Number(record.attributes.ApproximateReceiveCount ?? '1');
    const left = Math.max(0, deps.maxReceives - receives);
    const maxAttempts = Math.min(config.delivery.max_attempts, got.item.attempts + left);
    const result = await deliverOne(
      {
        outbox: deps.outbox,
        alerts,
        enrichments,
        config: { ...config, delivery: { ...config.delivery, max_attempts: maxAttempts } },
        http: deps.http,
        secrets: deps.secrets,
        ...(deps.mailer ? { mailer: deps.mailer } : {}),
        clock: deps.clock,
        ...(deps.random ? { random: deps.random } : {}),
      },
      got.item,
    );
    switch (result.outcome) {
      case 'delivered':
      case 'skipped':
      case 'dead':
        return { outcome: result.outcome, ...(result.error ? { error: result.error } : {}) };
      case 'retry':
        throw new Error(`attempt ${result.attempt} failed, retrying at ${result.retryAt}: ${result.error}`);
      default:
        throw new Error(`${message.id}: the lease was lost to another receiver`);
    }
  };
}

let fromEnv: ReturnType<typeof createAlertRouter> | undefined;
let invocation: Context | undefined;

/**
 * The deployed router: the outbox records in STATE_TABLE, the queue at OUTBOX_QUEUE_URL, the
 * configuration document at `config/config.yaml` in LAKE_BUCKET, destination credentials in the
 * SECRET_ARN secret.
 */
export const handler = async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
  invocation = context;
  if (!fromEnv) {
    const aws = new AwsEnvironment();
    fromEnv = createAlertRouter(
      outboxDelivery({
        outbox: new SqsOutbox({
          sqs: new SQSClient({}),
          queueUrl: requireEnv('OUTBOX_QUEUE_URL', aws.env),
          state: aws.state(),
        }),
        state: aws.state(),
        config: cachedConfig(
          aws.lake(),
          systemClock,
          60_000,
          `s3://${requireEnv('LAKE_BUCKET', aws.env)}/config/config.yaml`,
        ),
        secrets: aws.secrets(),
        http: fetchHttpClient,
        mailer: sesMailer(),
        clock: systemClock,
        maxReceives: Number(aws.env.OUTBOX_MAX_RECEIVES ?? '5'),
        leaseMs: () => invocation?.getRemainingTimeInMillis() ?? 60_000,
      }),
    );
  }
  return fromEnv(event);
};
