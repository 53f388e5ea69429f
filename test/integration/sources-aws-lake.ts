import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDbParquetEncoder } from '../../lambdas/adapters/duckdb/parquet-encoder.js';
import { DuckDbQueryEngine } from '../../lambdas/adapters/duckdb/query-engine.js';
import { FsObjectStore } from '../../lambdas/adapters/local/fs-object-store.js';
import { SqliteStateStore } from '../../lambdas/adapters/local/sqlite-state-store.js';
import {
  type BatchReport,
  type IngestDeps,
  type IngestInput,
  ingestObject,
} from '../../lambdas/core/lake/ingest.js';
import { fixedClock } from '../../lambdas/core/ports/clock.js';
import { TABLES } from '../../lambdas/core/schema/registry.js';
import { SOURCES } from '../../lambdas/core/sources/registry.js';

/** A scratch lake (folder, SQLite state, DuckDB) for ingest tests, with helpers. */
export interface ScratchLake {
  deps: IngestDeps;
  ingest(input: IngestInput): Promise<BatchReport>;
  rows(sql: string): Promise<Record<string, unknown>[]>;
  quarantined(report: BatchReport): Promise<{ position: string; reason: string; record: string }[]>;
  close(): Promise<void>;
}

export async function scratchLake(now = new Date('2026-11-21T08:00:00Z')): Promise<ScratchLake> {
  const dir = mkdtempSync(join(tmpdir(), 'mantissa-aws-sources-'));
  const encoder = await DuckDbParquetEncoder.open();
  const state = new SqliteStateStore(join(dir, 'state.db'));
  const store = new FsObjectStore(join(dir, 'lake'));
  const engine = await DuckDbQueryEngine.open({ lakeRoot: store.root, tables: TABLES });
  const deps: IngestDeps = { store, state, encoder, clock: fixedClock(now), sources: SOURCES };
  return {
    deps,
    ingest: (input) => ingestObject(deps, input),
    rows: async (sql) => (await engine.query(sql)).rows,
    async quarantined(report) {
      const body = report.quarantineKey ? await store.get(report.quarantineKey) : undefined;
      if (!body) return [];
      return gunzipSync(body)
        .toString()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
    },
    async close() {
      await engine.close();
      await encoder.close();
      await state.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
