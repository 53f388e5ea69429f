import { createReadStream } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AlertStore } from '../../core/alerts/store.js';
import { type CycleReport, runDetectionCycle } from '../../core/detection/cycle.js';
import { RealtimeBatch, type RealtimeDeps } from '../../core/detection/realtime.js';
import { type BatchReport, ingestObject } from '../../core/lake/ingest.js';
import { type Clock, systemClock } from '../../core/ports/clock.js';
import { RuleOverrides } from '../../core/rulepack/overrides.js';
import { TABLES } from '../../core/schema/registry.js';
import { SOURCES } from '../../core/sources/registry.js';
import { DuckDbParquetEncoder } from '../duckdb/parquet-encoder.js';
import { DuckDbQueryEngine } from '../duckdb/query-engine.js';
import { type LoadedCustomSources, loadCustomSources } from './custom-sources.js';
import { faultFromEnv, localHolder } from './detection-process.js';
import { FsObjectStore } from './fs-object-store.js';
import { LocalDelivery } from './outbox-delivery.js';
import { type LoadedRules, loadRules } from './rule-files.js';
import { applyOverrides } from './rule-overrides.js';
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
  /** Sources the user declared in `$MANTISSA_HOME/sources.yaml`, with their tables. */
  readonly custom: LoadedCustomSources;
  readonly tables = TABLES.map((t) => t.name);
  private queryEngine?: Promise<DuckDbQueryEngine>;
  private parquetEncoder?: Promise<DuckDbParquetEncoder>;
  private loadedRules?: LoadedRules;
  private localDelivery?: LocalDelivery;

  constructor(
    readonly home: string,
    readonly clock: Clock = systemClock,
  ) {
    this.store = new FsObjectStore(join(home, 'lake'));
    this.state = new SqliteStateStore(join(home, 'state.db'));
    this.alerts = new AlertStore(this.state);
    this.custom = loadCustomSources(home);
    this.tables.push(...this.custom.tables.map((t) => t.name));
  }

  query(): Promise<DuckDbQueryEngine> {
    this.queryEngine ??= DuckDbQueryEngine.open({
      lakeRoot: this.store.root,
      tables: [...TABLES, ...this.custom.tables],
    });
    return this.queryEngine;
  }

  private encoder(): Promise<DuckDbParquetEncoder> {
    this.parquetEncoder ??= DuckDbParquetEncoder.open();
    return this.parquetEncoder;
  }

  signingKey(): Promise<LocalSigningKey> {
    return LocalSigningKey.loadOrCreate(join(this.home, 'keys', 'signing-key.json'));
  }

  /** Told what the real-time path raised for each ingested batch. */
  onRealtime?: RealtimeDeps['onBatch'];

  /**
   * Shipped rules (`rules/sql/`, `rules/sigma/`) and the user's own (`$MANTISSA_HOME/rules/`, SQL
   * and Sigma files side by side), reloaded on request.
   */
  async rules(reload = false): Promise<LoadedRules> {
    if (!this.loadedRules || reload) {
      this.loadedRules = await loadRules(
        [
          { dir: join(PACKAGE_ROOT, 'rules', 'sql'), idPrefix: 'sql/', displayPrefix: 'rules/sql/' },
          {
            dir: join(PACKAGE_ROOT, 'rules', 'sigma'),
            idPrefix: 'sigma/',
            displayPrefix: 'rules/sigma/',
            kind: 'sigma',
          },
          {
            dir: join(this.home, 'rules'),
            idPrefix: 'local/',
            displayPrefix: `${join(this.home, 'rules')}/`,
            kind: 'mixed',
          },
        ],
        this.tables,
        'duckdb',
      );
    }
    return applyOverrides(this.loadedRules, await new RuleOverrides(this.state, this.clock).all());
  }

  async ingestFile(path: string, source?: string): Promise<BatchReport> {
    const absolute = resolve(path);
    // Streamed (read twice: decode, then raw copy), so a large file never sits whole in memory.
    const open = () => createReadStream(absolute, { highWaterMark: 1_048_576 });
    const input = source ? { sourceObject: absolute, open, source } : { sourceObject: absolute, open };
    return ingestObject(
      {
        store: this.store,
        state: this.state,
        encoder: await this.encoder(),
        clock: this.clock,
        sources: [...SOURCES, ...this.custom.usable()],
        realtime: new RealtimeBatch({
          state: this.state,
          clock: this.clock,
          rules: (await this.rules()).sigma.events,
          // A failure here only delays the alerts to the next cycle, but it should not go unseen.
          onBatch:
            this.onRealtime ??
            ((entry, outcome) => {
              if (outcome instanceof Error)
                process.stderr.write(
                  `real-time detection of ${entry.sourceObject} failed: ${outcome.message}\n`,
                );
            }),
        }),
      },
      input,
    );
  }

  async detect(): Promise<CycleReport> {
    const { rules, sigma } = await this.rules(true);
    const fault = faultFromEnv();
    return runDetectionCycle({
      state: this.state,
      query: await this.query(),
      clock: this.clock,
      rules,
      sigma,
      tables: this.tables,
      lake: { store: this.store, encoder: await this.encoder() },
      holder: localHolder,
      ...(fault ? { fault } : {}),
    });
  }

  async lakeIsEmpty(): Promise<boolean> {
    return (await this.store.list('tables/')).length === 0;
  }

  /** Alert routing and the outbox (config.yaml, secrets, delivery), opened on first use. */
  delivery(): LocalDelivery {
    this.localDelivery ??= new LocalDelivery(this);
    return this.localDelivery;
  }

  async close(): Promise<void> {
    await this.localDelivery?.close();
    if (this.queryEngine) await (await this.queryEngine).close();
    if (this.parquetEncoder) await (await this.parquetEncoder).close();
    await this.state.close();
  }
}
