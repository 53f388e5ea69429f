import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbParquetEncoder } from '../../lambdas/adapters/duckdb/parquet-encoder.js';
import { DuckDbQueryEngine } from '../../lambdas/adapters/duckdb/query-engine.js';
import { FsObjectStore } from '../../lambdas/adapters/local/fs-object-store.js';
import { SqliteStateStore } from '../../lambdas/adapters/local/sqlite-state-store.js';
import { fixedClock } from '../../lambdas/core/ports/clock.js';
import { type PackEntry, type RuleTestResult, runRuleTests } from '../../lambdas/core/rulepack/index.js';
import { TABLES } from '../../lambdas/core/schema/registry.js';
import type { TableSchema } from '../../lambdas/core/schema/types.js';
import { pipelineFor } from '../../lambdas/core/sigma/index.js';
import { SOURCES } from '../../lambdas/core/sources/registry.js';

/**
 * Runs rules' test events through a scratch lake in a temporary folder: the real ingest with the
 * DuckDB Parquet encoder, a DuckDB query engine over it, then everything is removed.
 */
export async function testRules(entries: readonly PackEntry[]): Promise<RuleTestResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'mantissa-rule-tests-'));
  const state = new SqliteStateStore(':memory:');
  const store = new FsObjectStore(join(dir, 'lake'));
  const encoder = await DuckDbParquetEncoder.open(dir);
  // Only the tables the rules query: the engine globs each table's files before every query.
  const used = new Set<string>();
  for (const e of entries) {
    if (e.rule.kind === 'detection') {
      const table = pipelineFor(e.rule.logsource)?.table;
      if (table) used.add(table);
    }
  }
  const tables = new Map<string, TableSchema>();
  for (const t of [...TABLES, ...SOURCES.flatMap((s) => s.tables)])
    if (used.has(t.name)) tables.set(t.name, t);
  const query = await DuckDbQueryEngine.open({ lakeRoot: store.root, tables: [...tables.values()] });
  try {
    return await runRuleTests(
      { store, state, encoder, query, clock: fixedClock(new Date('2026-11-21T12:00:00Z')), sources: SOURCES },
      entries,
    );
  } finally {
    await query.close();
    await encoder.close();
    await state.close();
    await rm(dir, { recursive: true, force: true });
  }
}
