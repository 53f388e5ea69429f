import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'libsql';
import type { ClaimedItem, Outbox, OutboxItem, OutboxMessage, OutboxState } from '../../core/ports/outbox.js';

interface Row {
  id: string;
  message: string;
  state: OutboxState;
  attempts: number;
  available_at: number;
  lease_token: string | null;
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The outbox as a table of its own in the local state file (`state.db`), beside the state store's
 * table. Its own connection, WAL and a busy timeout, like the state store, so the server's
 * delivery worker and `mantissa outbox retry` in another terminal can share it. Claims run in an
 * IMMEDIATE transaction, so two workers never lease the same item.
 */
export class SqliteOutbox implements Outbox {
  private readonly db: Database.Database;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.exec('PRAGMA busy_timeout = 10000');
    this.db.exec('PRAGMA journal_mode = WAL');
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS outbox (
         id TEXT PRIMARY KEY, message TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL,
         available_at INTEGER NOT NULL, lease_token TEXT, lease_until INTEGER, last_error TEXT,
         created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
       )`,
    );
    this.db.exec('CREATE INDEX IF NOT EXISTS outbox_due ON outbox (state, available_at)');
  }

  private item(row: Row): OutboxItem {
    const item: OutboxItem = {
      message: JSON.parse(row.message) as OutboxMessage,
      state: row.state,
      attempts: row.attempts,
      availableAt: iso(row.available_at),
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
    };
    if (row.last_error !== null) item.lastError = row.last_error;
    return item;
  }

  async enqueue(message: OutboxMessage, now: Date, availableAt: Date = now): Promise<boolean> {
    const result = this.db
      .prepare(
        `INSERT INTO outbox (id, message, state, attempts, available_at, created_at, updated_at)
         VALUES (?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      )
      .run(message.id, JSON.stringify(message), availableAt.getTime(), now.getTime(), now.getTime());
    return result.changes === 1;
  }

  async claim(now: Date, opts: { limit: number; leaseMs: number }): Promise<ClaimedItem[]> {
    const t = now.getTime();
    const take = this.db.transaction((): ClaimedItem[] => {
      const rows = this.db
        .prepare(
          `SELECT * FROM outbox WHERE state = 'pending' AND available_at <= ?
             AND (lease_until IS NULL OR lease_until <= ?)
           ORDER BY available_at, id LIMIT ?`,
        )
        .all(t, t, opts.limit) as Row[];
      const update = this.db.prepare(
        `UPDATE outbox SET lease_token = ?, lease_until = ?, attempts = attempts + 1, updated_at = ?
         WHERE id = ?`,
      );
      return rows.map((row) => {
        const leaseToken = randomUUID();
        update.run(leaseToken, t + opts.leaseMs, t, row.id);
        return { ...this.item({ ...row, attempts: row.attempts + 1, updated_at: t }), leaseToken };
      });
    });
    return take.immediate();
  }

  /** Applies a change only while `leaseToken` still holds the item's lease. */
  private settle(id: string, leaseToken: string, set: string, params: (string | number | null)[]): boolean {
    const result = this.db
      .prepare(
        `UPDATE outbox SET ${set}, lease_token = NULL, lease_until = NULL
         WHERE id = ? AND state = 'pending' AND lease_token = ?`,
      )
      .run(...params, id, leaseToken);
    return result.changes === 1;
  }

  async ack(id: string, leaseToken: string, now: Date): Promise<boolean> {
    return this.settle(id, leaseToken, "state = 'delivered', updated_at = ?", [now.getTime()]);
  }

  async fail(id: string, leaseToken: string, error: string, retryAt: Date, now: Date): Promise<boolean> {
    return this.settle(id, leaseToken, 'available_at = ?, last_error = ?, updated_at = ?', [
      retryAt.getTime(),
      error,
      now.getTime(),
    ]);
  }

  async deadLetter(id: string, leaseToken: string, error: string, now: Date): Promise<boolean> {
    return this.settle(id, leaseToken, "state = 'dead', last_error = ?, updated_at = ?", [
      error,
      now.getTime(),
    ]);
  }

  async get(id: string): Promise<OutboxItem | undefined> {
    const row = this.db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as Row | undefined;
    return row ? this.item(row) : undefined;
  }

  async list(filter: { state?: OutboxState; limit?: number } = {}): Promise<OutboxItem[]> {
    const where = filter.state ? 'WHERE state = ?' : '';
    const params: (string | number)[] = filter.state ? [filter.state] : [];
    const rows = this.db
      .prepare(`SELECT * FROM outbox ${where} ORDER BY created_at DESC, id LIMIT ?`)
      .all(...params, filter.limit ?? 1_000) as Row[];
    return rows.map((row) => this.item(row));
  }

  async redeliver(target: { id: string } | { all: true }, now: Date): Promise<number> {
    const t = now.getTime();
    const set = `UPDATE outbox SET state = 'pending', attempts = 0, available_at = ?, updated_at = ?,
                   lease_token = NULL, lease_until = NULL WHERE state = 'dead'`;
    const result =
      'id' in target
        ? this.db.prepare(`${set} AND id = ?`).run(t, t, target.id)
        : this.db.prepare(set).run(t, t);
    return result.changes;
  }

  /** Forgets delivered items older than `before` (they only serve enqueue's idempotence). */
  async prune(before: Date): Promise<number> {
    return this.db
      .prepare("DELETE FROM outbox WHERE state = 'delivered' AND updated_at < ?")
      .run(before.getTime()).changes;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
