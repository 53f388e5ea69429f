import { createHash } from 'node:crypto';
import type { Clock } from '../ports/clock.js';
import type { QueryEngine } from '../ports/query-engine.js';
import { duckdbType, glueType, PARTITION_COLUMNS, type TableSchema } from '../schema/types.js';

/**
 * What a translator knows about the lake: tables, columns with their types and descriptions, the
 * partition columns, and the values low-cardinality columns actually hold (so "failures" can be
 * written as the values the data uses, not guessed ones).
 */
export interface CatalogColumn {
  name: string;
  /** The engine's spelling of the type. */
  type: string;
  description: string;
}

export interface FrequentValue {
  value: string;
  count: number;
}

export interface CatalogTable {
  name: string;
  description: string;
  columns: CatalogColumn[];
  partitionColumns: readonly string[];
  timeColumn: string;
  /** Expression (a column or struct path) -> its most frequent values, most frequent first. */
  frequentValues: Record<string, FrequentValue[]>;
}

export interface Catalog {
  dialect: 'duckdb' | 'athena';
  tables: CatalogTable[];
  /** Changes when a schema or a set of frequent values changes: part of the translation cache key. */
  version: string;
}

/**
 * Columns worth listing values for, per table: each has few distinct values and questions name
 * them in words ("S3", "failures", "root"). Counts are not part of the version, only the values.
 */
export const LOW_CARDINALITY: Record<string, readonly string[]> = {
  cloudtrail: [
    'eventsource',
    'eventname',
    'errorcode',
    'errormessage',
    'eventtype',
    'awsregion',
    'useridentity.type',
    'useridentity.username',
    'recipientaccountid',
  ],
  identity_events: ['provider', 'event_type', 'outcome'],
};

const MAX_VALUES = 40;

function tableEntry(schema: TableSchema, dialect: Catalog['dialect']): CatalogTable {
  const spell = dialect === 'athena' ? glueType : duckdbType;
  return {
    name: schema.name,
    description: schema.description,
    columns: [
      ...schema.columns.map((c) => ({ name: c.name, type: spell(c.type), description: c.description })),
      { name: 'dt', type: dialect === 'athena' ? 'string' : 'VARCHAR', description: 'Partition: UTC day.' },
      {
        name: 'hour',
        type: dialect === 'athena' ? 'string' : 'VARCHAR',
        description: 'Partition: UTC hour.',
      },
    ],
    partitionColumns: PARTITION_COLUMNS,
    timeColumn: schema.timeColumn,
    frequentValues: {},
  };
}

export function catalogVersion(tables: readonly CatalogTable[], dialect: string): string {
  const shape = tables.map((t) => ({
    n: t.name,
    c: t.columns.map((c) => `${c.name}:${c.type}`),
    v: Object.entries(t.frequentValues).map(([k, vs]) => [k, vs.map((v) => v.value).sort()]),
  }));
  return createHash('sha256')
    .update(JSON.stringify([dialect, shape]))
    .digest('hex')
    .slice(0, 16);
}

export interface CatalogSourceOptions {
  tables: readonly TableSchema[];
  query: QueryEngine;
  clock: Clock;
  /** How long frequent values are reused before the lake is asked again. @default 15 minutes */
  ttlMs?: number;
  /**
   * Read frequent values from this much recent data only (partition-pruned). Athena bills every
   * byte and its workgroup refuses scans over its cutoff, so the whole history is no option there.
   * @default the whole table
   */
  valuesWindowMs?: number;
  /** Frequent-value queries run at once: Athena answers each in seconds, not milliseconds. @default 1 */
  concurrency?: number;
}

/** Builds the catalog from the schema registry and the lake, and caches it for `ttlMs`. */
export class CatalogSource {
  private cached?: { at: number; catalog: Promise<Catalog> };

  constructor(private readonly opts: CatalogSourceOptions) {}

  get(): Promise<Catalog> {
    const now = this.opts.clock.now().getTime();
    if (!this.cached || now - this.cached.at > (this.opts.ttlMs ?? 15 * 60_000)) {
      const catalog = this.build();
      this.cached = { at: now, catalog };
      // A failed build is not cached: the next request tries again.
      catalog.catch(() => {
        if (this.cached?.catalog === catalog) this.cached = undefined;
      });
    }
    return this.cached.catalog;
  }

  private async build(): Promise<Catalog> {
    const dialect = this.opts.query.dialect;
    const tables = this.opts.tables.map((t) => tableEntry(t, dialect));
    const now = this.opts.clock.now();
    const window = this.opts.valuesWindowMs;
    const tasks = tables.flatMap((table) =>
      (LOW_CARDINALITY[table.name] ?? []).map((expr) => async () => {
        // Names come from the constant above, never from input, so they are safe to splice.
        const result = await this.opts.query.query(
          `SELECT CAST(${expr} AS VARCHAR) AS value, count(*) AS n FROM ${table.name} WHERE ${expr} IS NOT NULL GROUP BY 1 ORDER BY n DESC, value LIMIT ${MAX_VALUES}`,
          {
            maxRows: MAX_VALUES,
            timeoutMs: 30_000,
            ...(window
              ? { scopes: [{ table: table.name, from: new Date(now.getTime() - window), to: now }] }
              : {}),
          },
        );
        table.frequentValues[expr] = result.rows.map((r) => ({ value: String(r.value), count: Number(r.n) }));
      }),
    );
    let next = 0;
    const worker = async () => {
      for (let task = tasks[next++]; task; task = tasks[next++]) await task();
    };
    const workers = Math.max(1, Math.min(this.opts.concurrency ?? 1, tasks.length));
    await Promise.all(Array.from({ length: workers }, worker));
    // Filled in any order above; the version (and the prompt) must not depend on which finished first.
    for (const table of tables) {
      const order = LOW_CARDINALITY[table.name] ?? [];
      table.frequentValues = Object.fromEntries(
        order.map((expr) => [expr, table.frequentValues[expr] ?? []]),
      );
    }
    return { dialect, tables, version: catalogVersion(tables, dialect) };
  }
}
