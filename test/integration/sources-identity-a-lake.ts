/** A real lake (files, DuckDB, SQLite) and the shared real-world fixtures, for the identity source tests. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbParquetEncoder } from '../../lambdas/adapters/duckdb/parquet-encoder.js';
import { DuckDbQueryEngine } from '../../lambdas/adapters/duckdb/query-engine.js';
import { FsObjectStore } from '../../lambdas/adapters/local/fs-object-store.js';
import { SqliteStateStore } from '../../lambdas/adapters/local/sqlite-state-store.js';
import { type BatchReport, type IngestDeps, ingestObject } from '../../lambdas/core/lake/ingest.js';
import { fixedClock } from '../../lambdas/core/ports/clock.js';
import { TABLES } from '../../lambdas/core/schema/registry.js';
import { convertRule } from '../../lambdas/core/sigma/index.js';
import { SOURCES } from '../../lambdas/core/sources/registry.js';
import type { SampleFile } from '../../lambdas/core/sources/types.js';
import { DATASETS, SIGMAHQ_RULES } from '../fixtures/shared.js';

export interface Lake {
  deps: IngestDeps;
  engine: DuckDbQueryEngine;
  query(sql: string): Promise<Record<string, unknown>[]>;
  ingest(sourceObject: string, body: Uint8Array, source?: string): Promise<BatchReport>;
  ingestSample(files: SampleFile[]): Promise<BatchReport[]>;
  close(): Promise<void>;
}

export async function openLake(): Promise<Lake> {
  const dir = mkdtempSync(join(tmpdir(), 'mantissa-identity-'));
  const encoder = await DuckDbParquetEncoder.open();
  const state = new SqliteStateStore(join(dir, 'state.db'));
  const store = new FsObjectStore(join(dir, 'lake'));
  const deps: IngestDeps = {
    store,
    state,
    encoder,
    clock: fixedClock(new Date('2026-11-21T08:00:00Z')),
    sources: SOURCES,
  };
  const engine = await DuckDbQueryEngine.open({ lakeRoot: store.root, tables: TABLES });
  const ingest = async (sourceObject: string, body: Uint8Array, source?: string) => {
    const report = await ingestObject(deps, source ? { sourceObject, body, source } : { sourceObject, body });
    // Nothing is lost: every record of every batch is a row or a quarantine line.
    if (report.records !== report.written + report.quarantined) {
      throw new Error(`${sourceObject}: ${report.records} in != ${report.written} + ${report.quarantined}`);
    }
    return report;
  };
  return {
    deps,
    engine,
    ingest,
    async query(sql) {
      return (await engine.query(sql)).rows;
    },
    async ingestSample(files) {
      const reports: BatchReport[] = [];
      for (const f of files) reports.push(await ingest(f.path, f.body));
      return reports;
    },
    async close() {
      await engine.close();
      await encoder.close();
      await state.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const SIGMA = SIGMAHQ_RULES;

/** The records of a shared fixture file (test wrappers opened: Panther/StreamAlert keep it in `event`). */
export function fixtureRecords(dataset: string, file: string): unknown[] | undefined {
  const path = join(DATASETS, dataset, file);
  if (!existsSync(path)) return undefined;
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { event?: unknown })
    .map((w) => ('event' in w ? w.event : w));
}

export function fixtureNote(dataset: string, file: string): string {
  return `shared fixture ${join(DATASETS, dataset, file)} is absent: test skipped`;
}

/** A SigmaHQ rule from the shared corpus, or undefined when the corpus is absent. */
export function sigmaRule(path: string): string | undefined {
  const full = join(SIGMA, path);
  return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
}

/** The SQL of a Sigma rule for DuckDB; fails the test with the converter's message when it cannot convert. */
export function sigmaSql(yaml: string, file: string): string {
  const result = convertRule(yaml, { dialect: 'duckdb', file });
  if ('error' in result) throw new Error(result.error);
  return result.sql;
}

export function ndjsonBody(records: readonly unknown[]): Uint8Array {
  return Buffer.from(records.map((r) => JSON.stringify(r)).join('\n'));
}
