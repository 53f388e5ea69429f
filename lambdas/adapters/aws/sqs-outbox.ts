import { randomUUID } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { ClaimedItem, Outbox, OutboxItem, OutboxMessage, OutboxState } from '../../core/ports/outbox.js';
import type { StateStore } from '../../core/ports/state-store.js';

export interface SqsOutboxOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** The state table (DynamoDB on AWS): one record per message id, the source of truth. */
  state: StateStore;
}

/** The record kept per message id under partition `outbox`. */
interface OutboxRecord {
  message: OutboxMessage;
  state: OutboxState;
  attempts: number;
  availableAt: string;
  lastError?: string;
  createdAt: string;
  updatedAt: string;
  lease?: { token: string; until: number; receipt: string };
}

/** What a message received from the queue turned out to be. */
export type Received =
  | { kind: 'claimed'; item: ClaimedItem }
  /** Already delivered or dead-lettered: the queue copy was stale and is deleted. */
  | { kind: 'settled'; state: OutboxState }
  /** Not due yet, or leased by another holder: hidden again until then, left on the queue. */
  | { kind: 'deferred'; until: string };

const PK = 'outbox';
/** SQS limits: DelaySeconds at most 15 minutes, a visibility timeout at most 12 hours. */
const MAX_DELAY_S = 900;
const MAX_VISIBILITY_S = 43_200;
const KEEP_DELIVERED_S = 7 * 86_400;

const seconds = (ms: number, max: number) => Math.min(max, Math.max(0, Math.ceil(ms / 1000)));

function toItem(record: OutboxRecord): OutboxItem {
  const item: OutboxItem = {
    message: record.message,
    state: record.state,
    attempts: record.attempts,
    availableAt: record.availableAt,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
  if (record.lastError !== undefined) item.lastError = record.lastError;
  return item;
}

function readBody(text: string | undefined): OutboxMessage | undefined {
  try {
    const m = JSON.parse(text ?? '') as Partial<OutboxMessage> | null;
    return typeof m?.id === 'string' && typeof m.destination === 'string' && typeof m.alertId === 'string'
      ? (m as OutboxMessage)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The outbox on SQS plus one record per message id in the state table (DynamoDB). SQS carries the
 * work and its timing (delays, visibility as the lease, redrive to the DLQ after repeated receives
 * of a message no worker settles); the record is what the port's contract is judged on:
 *
 * - `enqueue` creates the record with a conditional put (refusing an id it has seen in any state)
 *   and only then sends; delivered records expire (TTL) after 7 days, dead ones are kept.
 * - `claim` receives messages with the lease as visibility timeout and leases each record with a
 *   versioned put, so two claimers never both win an item even if SQS hands a copy to both. A
 *   message that is not due yet (delays beyond SQS's 15 minutes, retries beyond the visibility
 *   the lease set) is hidden again until it is; a stale copy of a settled item is deleted.
 * - `ack` and `deadLetter` settle the record (only with the current lease token) and delete the
 *   message; `fail` records the error and hides the message until `retryAt`.
 * - Dead letters live in the table, so `list` and `redeliver` work by id; `redeliver` sends a fresh
 *   message. Messages SQS itself moved to the DLQ (a worker crashing on them five times) keep a
 *   pending record with the last error; redriving the DLQ brings them back.
 *
 * Where SQS forces a difference: order is SQS's best effort (oldest `availableAt` first holds
 * within what one claim received, not across the queue), and timing has SQS's one-second grain.
 */
export class SqsOutbox implements Outbox {
  constructor(private readonly opts: SqsOutboxOptions) {}

  private async send(message: OutboxMessage, delayMs: number): Promise<void> {
    await this.opts.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.opts.queueUrl,
        MessageBody: JSON.stringify(message),
        DelaySeconds: seconds(delayMs, MAX_DELAY_S),
      }),
    );
  }

  private async hide(receipt: string, ms: number): Promise<void> {
    await this.opts.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.opts.queueUrl,
        ReceiptHandle: receipt,
        VisibilityTimeout: seconds(ms, MAX_VISIBILITY_S),
      }),
    );
  }

  private async remove(receipt: string): Promise<void> {
    await this.opts.sqs.send(
      new DeleteMessageCommand({ QueueUrl: this.opts.queueUrl, ReceiptHandle: receipt }),
    );
  }

  async enqueue(message: OutboxMessage, now: Date, availableAt: Date = now): Promise<boolean> {
    const record: OutboxRecord = {
      message,
      state: 'pending',
      attempts: 0,
      availableAt: availableAt.toISOString(),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    if (!(await this.opts.state.put(PK, message.id, record, { ifNotExists: true }))) return false;
    try {
      await this.send(message, availableAt.getTime() - now.getTime());
    } catch (err) {
      // No message carries the record: forget it, so enqueuing again (the caller retries) works.
      await this.opts.state.delete(PK, message.id);
      throw err;
    }
    return true;
  }

  /**
   * Leases the record of a message received from the queue, by `claim` or by the Lambda event
   * source (the alert router), whose receipt handle then serves as the lease's.
   */
  async claimReceived(body: OutboxMessage, receipt: string, now: Date, leaseMs: number): Promise<Received> {
    const t = now.getTime();
    let stored = await this.opts.state.get<OutboxRecord>(PK, body.id);
    if (!stored) {
      // A message without a record (it outlived its record, or was sent by hand): adopt it.
      const record: OutboxRecord = {
        message: body,
        state: 'pending',
        attempts: 0,
        availableAt: now.toISOString(),
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      };
      await this.opts.state.put(PK, body.id, record, { ifNotExists: true });
      stored = await this.opts.state.get<OutboxRecord>(PK, body.id);
      if (!stored) throw new Error(`outbox record ${body.id} vanished while being adopted`);
    }
    const record = stored.value;
    if (record.state !== 'pending') {
      await this.remove(receipt);
      return { kind: 'settled', state: record.state };
    }
    const due = Date.parse(record.availableAt);
    const leasedUntil = record.lease && record.lease.until > t ? record.lease.until : 0;
    if (due > t || leasedUntil > t) {
      const until = Math.max(due, leasedUntil);
      await this.hide(receipt, until - t);
      return { kind: 'deferred', until: new Date(until).toISOString() };
    }
    const token = randomUUID();
    const next: OutboxRecord = {
      ...record,
      attempts: record.attempts + 1,
      updatedAt: now.toISOString(),
      lease: { token, until: t + leaseMs, receipt },
    };
    if (!(await this.opts.state.put(PK, body.id, next, { ifVersion: stored.version }))) {
      // Another holder leased it between our read and write; it owns the item now.
      return { kind: 'deferred', until: new Date(t + leaseMs).toISOString() };
    }
    return { kind: 'claimed', item: { ...toItem(next), leaseToken: token } };
  }

  async claim(now: Date, opts: { limit: number; leaseMs: number }): Promise<ClaimedItem[]> {
    const claimed: ClaimedItem[] = [];
    while (claimed.length < opts.limit) {
      const out = await this.opts.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.opts.queueUrl,
          MaxNumberOfMessages: Math.min(10, opts.limit - claimed.length),
          VisibilityTimeout: seconds(opts.leaseMs, MAX_VISIBILITY_S),
          WaitTimeSeconds: 0,
        }),
      );
      const messages = out.Messages ?? [];
      if (messages.length === 0) break;
      for (const m of messages) {
        const body = readBody(m.Body);
        // Not an outbox message (sent by hand?): left hidden, so SQS redrives it to the DLQ in time.
        if (!body || m.ReceiptHandle === undefined) continue;
        const got = await this.claimReceived(body, m.ReceiptHandle, now, opts.leaseMs);
        if (got.kind === 'claimed') claimed.push(got.item);
      }
    }
    return claimed.sort(
      (a, b) => a.availableAt.localeCompare(b.availableAt) || a.message.id.localeCompare(b.message.id),
    );
  }

  /** Applies `change` while `leaseToken` holds the lease; returns the receipt of the leased message. */
  private async settle(
    id: string,
    leaseToken: string,
    change: (r: OutboxRecord) => OutboxRecord,
    expiresAt?: number,
  ): Promise<string | undefined> {
    const stored = await this.opts.state.get<OutboxRecord>(PK, id);
    const lease = stored?.value.lease;
    if (stored?.value.state !== 'pending' || lease?.token !== leaseToken) return undefined;
    const { lease: _released, ...rest } = stored.value;
    const ok = await this.opts.state.put(PK, id, change(rest), {
      ifVersion: stored.version,
      ...(expiresAt !== undefined ? { expiresAt } : {}),
    });
    return ok ? lease.receipt : undefined;
  }

  async ack(id: string, leaseToken: string, now: Date): Promise<boolean> {
    const receipt = await this.settle(
      id,
      leaseToken,
      (r) => ({ ...r, state: 'delivered', updatedAt: now.toISOString() }),
      Math.floor(now.getTime() / 1000) + KEEP_DELIVERED_S,
    );
    if (receipt === undefined) return false;
    // The record is settled; should the delete fail, the copy that comes back is deleted on receipt.
    await this.remove(receipt).catch(() => undefined);
    return true;
  }

  async fail(id: string, leaseToken: string, error: string, retryAt: Date, now: Date): Promise<boolean> {
    const receipt = await this.settle(id, leaseToken, (r) => ({
      ...r,
      availableAt: retryAt.toISOString(),
      lastError: error,
      updatedAt: now.toISOString(),
    }));
    if (receipt === undefined) return false;
    // Should this fail, the message reappears when the lease's visibility ends and is hidden again
    // until `retryAt` then: the record decides.
    await this.hide(receipt, retryAt.getTime() - now.getTime()).catch(() => undefined);
    return true;
  }

  async deadLetter(id: string, leaseToken: string, error: string, now: Date): Promise<boolean> {
    const receipt = await this.settle(id, leaseToken, (r) => ({
      ...r,
      state: 'dead',
      lastError: error,
      updatedAt: now.toISOString(),
    }));
    if (receipt === undefined) return false;
    await this.remove(receipt).catch(() => undefined);
    return true;
  }

  async get(id: string): Promise<OutboxItem | undefined> {
    const stored = await this.opts.state.get<OutboxRecord>(PK, id);
    return stored ? toItem(stored.value) : undefined;
  }

  async list(filter: { state?: OutboxState; limit?: number } = {}): Promise<OutboxItem[]> {
    const records = (await this.opts.state.query<OutboxRecord>(PK)).map((i) => i.value);
    return records
      .filter((r) => !filter.state || r.state === filter.state)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.message.id.localeCompare(b.message.id))
      .slice(0, filter.limit ?? 1_000)
      .map(toItem);
  }

  async redeliver(target: { id: string } | { all: true }, now: Date): Promise<number> {
    const candidates =
      'id' in target
        ? [await this.opts.state.get<OutboxRecord>(PK, target.id)]
        : await this.opts.state.query<OutboxRecord>(PK);
    let moved = 0;
    for (const stored of candidates) {
      if (stored?.value.state !== 'dead') continue;
      const pending: OutboxRecord = {
        ...stored.value,
        state: 'pending',
        attempts: 0,
        availableAt: now.toISOString(),
        updatedAt: now.toISOString(),
      };
      if (!(await this.opts.state.put(PK, stored.sk, pending, { ifVersion: stored.version }))) continue;
      try {
        await this.send(pending.message, 0);
      } catch (err) {
        // Back to dead, so it is not left pending with no message to carry it.
        await this.opts.state.put(PK, stored.sk, stored.value, { ifVersion: stored.version + 1 });
        throw err;
      }
      moved += 1;
    }
    return moved;
  }
}
