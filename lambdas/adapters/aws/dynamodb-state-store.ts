import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { PutOptions, QueryOptions, StateItem, StateStore } from '../../core/ports/state-store.js';

export interface DynamoDbStateStoreOptions {
  client: DynamoDBClient;
  /** The table lib/state.ts defines: `pk`/`sk` strings, TTL on `expiresAt`. */
  table: string;
  /** Items read per Query page. @default 1000 */
  pageSize?: number;
  nowSeconds?: () => number;
}

/** The item as stored. `value` is JSON text so every runtime gives a value the same JSON semantics. */
interface StoredItem {
  pk: string;
  sk: string;
  value: string;
  version: number;
  expiresAt?: number;
}

const MAX_ATTEMPTS = 10;

/**
 * The state store as one DynamoDB table. TTL deletion is lazy (up to days late), so expired items
 * are filtered out on every read and count as absent for `ifNotExists`. A put reads the current
 * item and writes conditionally on what it read (no item, or the same version), retrying when
 * another writer got there first: versions stay exact and conditions are judged on live state.
 */
export class DynamoDbStateStore implements StateStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly pageSize: number;
  private readonly nowSeconds: () => number;

  constructor(opts: DynamoDbStateStoreOptions) {
    this.doc = DynamoDBDocumentClient.from(opts.client);
    this.table = opts.table;
    this.pageSize = opts.pageSize ?? 1000;
    this.nowSeconds = opts.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  }

  private live(item: StoredItem | undefined): item is StoredItem {
    return item !== undefined && (item.expiresAt === undefined || item.expiresAt > this.nowSeconds());
  }

  private toItem<T>(stored: StoredItem): StateItem<T> {
    const item: StateItem<T> = {
      pk: stored.pk,
      sk: stored.sk,
      value: JSON.parse(stored.value) as T,
      version: stored.version,
    };
    if (stored.expiresAt !== undefined) item.expiresAt = stored.expiresAt;
    return item;
  }

  private async read(pk: string, sk: string): Promise<StoredItem | undefined> {
    const out = await this.call('get', pk, sk, () =>
      this.doc.send(new GetCommand({ TableName: this.table, Key: { pk, sk }, ConsistentRead: true })),
    );
    return out.Item as StoredItem | undefined;
  }

  async get<T>(pk: string, sk: string): Promise<StateItem<T> | undefined> {
    const stored = await this.read(pk, sk);
    return this.live(stored) ? this.toItem<T>(stored) : undefined;
  }

  async put<T>(pk: string, sk: string, value: T, opts: PutOptions = {}): Promise<boolean> {
    const text = JSON.stringify(value);
    if (text === undefined)
      throw new Error(`state ${this.table} ${pk}/${sk}: value is not JSON-serialisable`);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = await this.read(pk, sk);
      const current = this.live(stored) ? stored : undefined;
      if (opts.ifNotExists && current) return false;
      if (opts.ifVersion !== undefined && current?.version !== opts.ifVersion) return false;
      const item: StoredItem = { pk, sk, value: text, version: (current?.version ?? 0) + 1 };
      if (opts.expiresAt !== undefined) item.expiresAt = opts.expiresAt;
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: item,
            // Write only over exactly what was read; an expired item read is replaced the same way.
            ConditionExpression: stored ? '#version = :read' : 'attribute_not_exists(pk)',
            ...(stored
              ? {
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':read': stored.version },
                }
              : {}),
          }),
        );
        return true;
      } catch (err) {
        if (
          err instanceof ConditionalCheckFailedException ||
          (err as Error).name === 'ConditionalCheckFailedException'
        ) {
          continue;
        }
        throw this.wrap('put', pk, sk, err);
      }
    }
    throw new Error(
      `state ${this.table} ${pk}/${sk}: put lost the race ${MAX_ATTEMPTS} times in a row to other writers; try again`,
    );
  }

  async delete(pk: string, sk: string): Promise<void> {
    await this.call('delete', pk, sk, () =>
      this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk, sk } })),
    );
  }

  async query<T>(pk: string, opts: QueryOptions = {}): Promise<StateItem<T>[]> {
    const { prefix, after, before } = opts;
    // One sort-key condition per Query: the narrowest that applies; the others are applied below.
    const values: Record<string, string> = { ':pk': pk };
    let condition = 'pk = :pk';
    if (after !== undefined && (prefix === undefined || after >= prefix)) {
      condition += ' AND sk > :after';
      values[':after'] = after;
    } else if (before !== undefined && (prefix === undefined || !before.startsWith(prefix))) {
      condition += ' AND sk < :before';
      values[':before'] = before;
    } else if (prefix !== undefined) {
      condition += ' AND begins_with(sk, :prefix)';
      values[':prefix'] = prefix;
    }
    const input: QueryCommandInput = {
      TableName: this.table,
      KeyConditionExpression: condition,
      ExpressionAttributeValues: values,
      ScanIndexForward: !opts.reverse,
      ConsistentRead: true,
      Limit: this.pageSize,
    };
    const out: StateItem<T>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.call('query', pk, prefix ?? after ?? '', () =>
        this.doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start })),
      );
      for (const stored of (page.Items ?? []) as StoredItem[]) {
        if (prefix !== undefined && !stored.sk.startsWith(prefix)) continue;
        if (after !== undefined && !(stored.sk > after)) continue;
        if (before !== undefined && !(stored.sk < before)) continue;
        if (!this.live(stored)) continue;
        out.push(this.toItem<T>(stored));
        if (opts.limit !== undefined && out.length >= opts.limit) return out;
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async close(): Promise<void> {
    // The client is the caller's (shared across a Lambda container's invocations); nothing to release.
  }

  private async call<R>(action: string, pk: string, sk: string, fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (err) {
      throw this.wrap(action, pk, sk, err);
    }
  }

  private wrap(action: string, pk: string, sk: string, err: unknown): Error {
    const e = err as Error;
    return new Error(`DynamoDB ${action} on ${this.table} ${pk}/${sk} failed: ${e.name}: ${e.message}`, {
      cause: err,
    });
  }
}
