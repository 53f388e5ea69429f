import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'libsql';
import type { PutOptions, QueryOptions, StateItem, StateStore } from '../../core/ports/state-store.js';

interface Row {
  pk: string;
  sk: string;
  value: string;
  expires_at: number | null;
  version: number;
}

/**
 * The state store as one SQLite file. WAL mode and a busy timeout let the running server and CLI
 * commands in other terminals read and write it at the same time.
 */
export class SqliteStateStore implements StateStore {
  private readonly db: Database.Database;

  constructor(
    file: string,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.exec('PRAGMA busy_timeout = 10000');
    this.db.exec('PRAGMA journal_mode = WAL');
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS state (
         pk TEXT NOT NULL, sk TEXT NOT NULL, value TEXT NOT NULL,
         expires_at INTEGER, version INTEGER NOT NULL,
         PRIMARY KEY (pk, sk)
       ) WITHOUT ROWID`,
    );
  }

  private live(row: Row | undefined): row is Row {
    return row !== undefined && (row.expires_at === null || row.expires_at > this.nowSeconds());
  }

  private item<T>(row: Row): StateItem<T> {
    const item: StateItem<T> = {
      pk: row.pk,
      sk: row.sk,
      value: JSON.parse(row.value) as T,
      version: row.version,
    };
    if (row.expires_at !== null) item.expiresAt = row.expires_at;
    return item;
  }

  async get<T>(pk: string, sk: string): Promise<StateItem<T> | undefined> {
    const row = this.db.prepare('SELECT * FROM state WHERE pk = ? AND sk = ?').get(pk, sk) as Row | undefined;
    return this.live(row) ? this.item<T>(row) : undefined;
  }

  async put<T>(pk: string, sk: string, value: T, opts: PutOptions = {}): Promise<boolean> {
    const write = this.db.transaction((): boolean => {
      const row = this.db.prepare('SELECT * FROM state WHERE pk = ? AND sk = ?').get(pk, sk) as
        | Row
        | undefined;
      const current = this.live(row) ? row : undefined;
      if (opts.ifNotExists && current) return false;
      if (opts.ifVersion !== undefined && current?.version !== opts.ifVersion) return false;
      this.db
        .prepare(
          `INSERT INTO state (pk, sk, value, expires_at, version) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (pk, sk) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at,
             version = excluded.version`,
        )
        .run(pk, sk, JSON.stringify(value), opts.expiresAt ?? null, (current?.version ?? 0) + 1);
      return true;
    });
    // IMMEDIATE takes the write lock first, so two processes cannot both pass the condition.
    return write.immediate();
  }

  async delete(pk: string, sk: string): Promise<void> {
    this.db.prepare('DELETE FROM state WHERE pk = ? AND sk = ?').run(pk, sk);
  }

  async query<T>(pk: string, opts: QueryOptions = {}): Promise<StateItem<T>[]> {
    const clauses = ['pk = ?', '(expires_at IS NULL OR expires_at > ?)'];
    const params: (string | number)[] = [pk, this.nowSeconds()];
    if (opts.prefix !== undefined) {
      // Range on the primary key instead of LIKE, so '%' and '_' in a prefix mean themselves.
      clauses.push('sk >= ? AND sk < ?');
      params.push(opts.prefix, `${opts.prefix}\u{10FFFF}`);
    }
    if (opts.after !== undefined) {
      clauses.push('sk > ?');
      params.push(opts.after);
    }
    if (opts.before !== undefined) {
      clauses.push('sk < ?');
      params.push(opts.before);
    }
    let sql = `SELECT * FROM state WHERE ${clauses.join(' AND ')} ORDER BY sk ${opts.reverse ? 'DESC' : 'ASC'}`;
    if (opts.limit !== undefined) {
      sql += ' LIMIT ?';
      params.push(opts.limit);
    }
    const rows = this.db.prepare(sql).all(...params) as Row[];
    return rows.map((row) => this.item<T>(row));
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
