/**
 * Durable state (alerts, checkpoints, the ingest manifest, sessions): DynamoDB on AWS, a SQLite
 * file locally. The shape is DynamoDB's single-table design: a partition key, a sort key, a JSON
 * value, an optional expiry, and a version for optimistic concurrency.
 */
export interface StateItem<T = unknown> {
  pk: string;
  sk: string;
  value: T;
  /** Epoch seconds after which the item is gone (DynamoDB TTL semantics). */
  expiresAt?: number;
  /** Incremented by every successful put; 1 for a new item. */
  version: number;
}

export interface PutOptions {
  /** Write only when no live item has this key. */
  ifNotExists?: boolean;
  /** Write only when the stored item has exactly this version. */
  ifVersion?: number;
  expiresAt?: number;
}

export interface QueryOptions {
  /** Only sort keys that start with this. */
  prefix?: string;
  /** Only sort keys strictly greater than this. */
  after?: string;
  /** Only sort keys strictly less than this (with `reverse`: the page after a cursor, newest first). */
  before?: string;
  limit?: number;
  /** Newest (highest sort key) first. */
  reverse?: boolean;
}

export interface StateStore {
  get<T>(pk: string, sk: string): Promise<StateItem<T> | undefined>;
  /** True when written; false when a condition in `opts` did not hold. */
  put<T>(pk: string, sk: string, value: T, opts?: PutOptions): Promise<boolean>;
  delete(pk: string, sk: string): Promise<void>;
  query<T>(pk: string, opts?: QueryOptions): Promise<StateItem<T>[]>;
  close(): Promise<void>;
}
