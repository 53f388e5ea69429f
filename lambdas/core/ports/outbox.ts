/**
 * What one outbox item asks for: deliver `event` about alert `alertId` to the destination named
 * `destination`. The alert itself is read at delivery time (it may have been acknowledged since).
 */
export interface OutboxMessage {
  /**
   * Stable and derived from the content (`<alertId>:<destination>:<event>`), so enqueuing the same
   * message twice is a no-op and destinations can use it as an idempotency key.
   */
  id: string;
  destination: string;
  alertId: string;
  event: 'trigger' | 'escalate' | 'resolve';
}

export type OutboxState = 'pending' | 'delivered' | 'dead';

export interface OutboxItem {
  message: OutboxMessage;
  state: OutboxState;
  /** Claims so far, including one whose delivery crashed or is in flight. */
  attempts: number;
  /** Earliest time (ISO 8601) the item may be claimed. */
  availableAt: string;
  /** The error of the most recent failed attempt; kept on a dead letter. */
  lastError?: string;
  createdAt: string;
  updatedAt: string;
}

/** A claimed item: only the holder of `leaseToken` may ack, fail or dead-letter it. */
export interface ClaimedItem extends OutboxItem {
  leaseToken: string;
}

/**
 * Durable at-least-once delivery queue for alert notifications: SQS with a dead-letter queue and a
 * DynamoDB idempotency record on AWS, a table in the SQLite state file locally. Contract (the
 * conformance suite in test/integration/alerts-delivery-outbox.test.ts checks it):
 *
 * - `enqueue` is idempotent on `message.id`: it returns false, and changes nothing, when an item
 *   with that id exists in any state. Ids are retained at least 7 days after delivery.
 * - `claim` returns up to `limit` pending items whose `availableAt <= now` and that are not under
 *   an unexpired lease, oldest `availableAt` first; each claim increments `attempts` and leases the
 *   item for `leaseMs`. An item whose lease lapses (the worker crashed) is claimable again: this is
 *   where at-least-once comes from. Two concurrent claimers never receive the same item.
 * - `ack`, `fail` and `deadLetter` act only with the current lease token and return false when
 *   the lease was lost (expired and re-claimed); the caller then does nothing more with the item.
 *   `ack` marks it delivered; `fail` makes it pending again from `retryAt` with `error` kept;
 *   `deadLetter` parks it with `error` until someone redelivers it.
 * - `redeliver` moves dead letters (one by id, or all) back to pending, available now, with
 *   `attempts` reset to 0, and returns how many moved.
 */
export interface Outbox {
  /** `availableAt` defaults to `now`; a later time delays the item (escalations). */
  enqueue(message: OutboxMessage, now: Date, availableAt?: Date): Promise<boolean>;
  claim(now: Date, opts: { limit: number; leaseMs: number }): Promise<ClaimedItem[]>;
  ack(id: string, leaseToken: string, now: Date): Promise<boolean>;
  fail(id: string, leaseToken: string, error: string, retryAt: Date, now: Date): Promise<boolean>;
  deadLetter(id: string, leaseToken: string, error: string, now: Date): Promise<boolean>;
  get(id: string): Promise<OutboxItem | undefined>;
  /** Newest first. */
  list(filter?: { state?: OutboxState; limit?: number }): Promise<OutboxItem[]>;
  redeliver(target: { id: string } | { all: true }, now: Date): Promise<number>;
}
