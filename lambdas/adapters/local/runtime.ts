import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AlertStore } from '../../core/alerts/store.js';
import { type CycleReport, runDetectionCycle } from '../../core/detection/cycle.js';
import { type BatchReport, ingestObject } from '../../core/lake/ingest.js';
import { type Clock, systemClock } from '../../core/ports/clock.js';
import { TABLES } from '../../core/schema/registry.js';
import { SOURCES } from '../../core/sources/registry.js';
import { DuckDbParquetEncoder } from '../duckdb/parquet-encoder.js';
import { DuckDbQueryEngine } from '../duckdb/query-engine.js';
import { FsObjectStore } from './fs-object-store.js';
import { type LoadedRules, loadSqlRules } from './rule-files.js';
import { LocalSigningKey } from './signing-key.js';
import { SqliteStateStore } from './sqlite-state-store.js';

/** The repository (or installed package) root, where the shipped rules live. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export function defaultHome(): string {
  return resolve(process.env.MANTISSA_HOME ?? '.mantissa');
}

/**
 * Everything the local instance is made of, built from one data folder: the lake (a folder),
 * state (SQLite), DuckDB for queries and Parquet, the signing key, and the rules. Engines open
 * on first use, so quick commands (`token`, `alerts`) never start DuckDB.
 */
export class LocalRuntime {
  readonly store: FsObjectStore;
  readonly state: SqliteStateStore;
  readonly alerts: AlertStore;
  readonly tables = TABLES.map((t) => t.name);
  private queryEngine?: Promise<DuckDbQueryEngine>;
  private parquetEncoder?: Promise<DuckDbParquetEncoder>;
  private loadedRules?: LoadedRules;

  constructor(
    readonly home: string,
    readonly clock: Clock = systemClock,
  ) {
    this.store = new FsObjectStore(join(home, 'lake'));
    this.state = new SqliteStateStore(join(home, 'state.db'));
    this.alerts = new AlertStore(this.state);
  }

  query(): Promise<DuckDbQueryEngine> {
    this.queryEngine ??= DuckDbQueryEngine.open({ lakeRoot: this.store.root, tables: TABLES });
    return this.queryEngine;
  }

  private encoder(): Promise<DuckDbParquetEncoder> {
    this.parquetEncoder ??= DuckDbParquetEncoder.open();
    return this.parquetEncoder;
  }

  signingKey(): Promise<LocalSigningKey> {
    return LocalSigningKey.loadOrCreate(join(this.home, 'keys', 'signing-key.json'));
  }

  /** Shipped rules (`rules/sql/`) and the user's own (`$MANTISSA_HOME/rules/`), reloaded on request. */
  async rules(reload = false): Promise<LoadedRules> {
    if (!this.loadedRules || reload) {
      this.loadedRules = await loadSqlRules(
        [
          { dir: join(PACKAGE_ROOT, 'rules', 'sql'), idPrefix: 'sql/', displayPrefix: 'rules/sql/' },
          {
            dir: join(this.home, 'rules'),
            idPrefix: 'local/',
            displayPrefix: `${join(this.home, 'rules')}/`,
          },
        ],
        this.tables,
      );
    }
    return this.loadedRules;
  }

  async ingestFile(path: string, source?: string): Promise<BatchReport> {
    const absolute = resolve(path);
    const body = await readFile(absolute);
    const input = source ? { sourceObject: absolute, body, source } : { sourceObject: absolute, body };
    return ingestObject(
      {
        store: this.store,
        state: this.state,
        encoder: await this.encoder(),
        clock: this.clock,
        sources: SOURCES,
      },
      input,
    );
  }

  async detect(): Promise<CycleReport> {
    const { rules } = await this.rules(true);
    return runDetectionCycle({
      state: this.state,
      query: await this.query(),
      clock: this.clock,
      rules,
      tables: this.tables,
    });
  }

  async lakeIsEmpty(): Promise<boolean> {
    return (await this.store.list('tables/')).length === 0;
  }

  async close(): Promise<void> {
    if (this.queryEngine) await (await this.queryEngine).close();
    if (this.parquetEncoder) await (await this.parquetEncoder).close();
    await this.state.close();
  }
}
