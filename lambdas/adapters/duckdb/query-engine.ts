import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type {
  QueryEngine,
  QueryOptions,
  QueryResult,
  ResultColumn,
  TableScope,
} from '../../core/ports/query-engine.js';
import { QueryTimeoutError } from '../../core/ports/query-engine.js';
import { duckdbType, quoteIdent, type TableSchema } from '../../core/schema/types.js';
import { jsonRows, sqlString } from './values.js';

export interface DuckDbQueryEngineOptions {
  /** The folder holding `tables/<name>/dt=…/hour=…/*.parquet`. */
  lakeRoot: string;
  tables: readonly TableSchema[];
  /** Default row cap. */
  maxRows?: number;
}

const DEFAULT_MAX_ROWS = 10_000;

/**
 * DuckDB over the lake's Parquet files. Each table is a view in schema `lake` (re-globbed at every
 * query, so files written by other processes are seen), re-exported in `main`. The instance is
 * locked down before any SQL runs: it reads only the tables folder, cannot write files, reach the
 * network, load extensions or change its configuration, whatever SQL it is given.
 */
export class DuckDbQueryEngine implements QueryEngine {
  readonly dialect = 'duckdb' as const;
  private readonly emptyTables = new Map<string, boolean>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly opts: DuckDbQueryEngineOptions,
  ) {}

  static async open(opts: DuckDbQueryEngineOptions): Promise<DuckDbQueryEngine> {
    const tablesDir = `${opts.lakeRoot.replace(/\/+$/, '')}/tables/`;
    const instance = await DuckDBInstance.create(':memory:', {
      threads: '2',
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    const conn = await instance.connect();
    try {
      await conn.run("SET GLOBAL TimeZone = 'UTC'");
      await conn.run(`SET allowed_directories = [${sqlString(tablesDir)}]`);
      await conn.run('SET enable_external_access = false');
      await conn.run('SET lock_configuration = true');
      await conn.run('CREATE SCHEMA lake');
    } finally {
      conn.closeSync();
    }
    const engine = new DuckDbQueryEngine(instance, {
      ...opts,
      lakeRoot: tablesDir.slice(0, -'tables/'.length),
    });
    await engine.refreshViews();
    return engine;
  }

  private glob(table: string): string {
    return `${this.opts.lakeRoot}tables/${table}/*/*/*.parquet`;
  }

  /** (Re)creates a table's views when it gains its first file or loses its last. */
  private async refreshViews(): Promise<void> {
    const conn = await this.instance.connect();
    try {
      for (const table of this.opts.tables) {
        const files = await conn.runAndReadAll(
          `SELECT count(*) AS n FROM glob(${sqlString(this.glob(table.name))})`,
        );
        const empty = Number(files.getRowObjectsJson()[0]?.n ?? 0) === 0;
        if (this.emptyTables.get(table.name) === empty) continue;
        await conn.run(
          `CREATE OR REPLACE VIEW lake.${quoteIdent(table.name)} AS ${this.viewSql(table, empty)}`,
        );
        await conn.run(
          `CREATE OR REPLACE VIEW main.${quoteIdent(table.name)} AS SELECT * FROM lake.${quoteIdent(table.name)}`,
        );
        this.emptyTables.set(table.name, empty);
      }
    } finally {
      conn.closeSync();
    }
  }

  private viewSql(table: TableSchema, empty: boolean): string {
    const columns = [
      ...table.columns.map((c) => ({ name: c.name, type: duckdbType(c.type) })),
      { name: 'dt', type: 'VARCHAR' },
      { name: 'hour', type: 'VARCHAR' },
    ];
    if (empty) {
      const casts = columns.map((c) => `CAST(NULL AS ${c.type}) AS ${quoteIdent(c.name)}`).join(', ');
      return `SELECT ${casts} WHERE false`;
    }
    const names = columns.map((c) => quoteIdent(c.name)).join(', ');
    return `SELECT ${names} FROM read_parquet(${sqlString(this.glob(table.name))}, hive_partitioning = true, hive_types = {'dt': VARCHAR, 'hour': VARCHAR}, union_by_name = true)`;
  }

  async query(sql: string, opts: QueryOptions = {}): Promise<QueryResult> {
    await this.refreshViews();
    const maxRows = opts.maxRows ?? this.opts.maxRows ?? DEFAULT_MAX_ROWS;
    const conn = await this.instance.connect();
    const timer = opts.timeoutMs ? setTimeout(() => conn.interrupt(), opts.timeoutMs) : undefined;
    try {
      for (const scope of opts.scopes ?? []) await this.applyScope(conn, scope);
      const reader = await conn.streamAndReadUntil(sql, maxRows + 1);
      const columns: ResultColumn[] = reader.columnNames().map((name, i) => ({
        name,
        type: String(reader.columnTypes()[i]),
      }));
      const truncated = reader.currentRowCount > maxRows;
      return { columns, rows: jsonRows(reader, columns, maxRows), truncated };
    } catch (err) {
      if (timer && String((err as Error).message).includes('Interrupted')) {
        throw new QueryTimeoutError(`query ran longer than ${opts.timeoutMs} ms and was cancelled`);
      }
      throw err;
    } finally {
      if (timer) clearTimeout(timer);
      conn.closeSync();
    }
  }

  /** A connection-local view with the table's name shadows `main.<table>` for this query only. */
  private async applyScope(conn: DuckDBConnection, scope: TableScope): Promise<void> {
    const table = this.opts.tables.find((t) => t.name === scope.table);
    if (!table) throw new Error(`unknown table ${scope.table}`);
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const ts = (d: Date) => `TIMESTAMP ${sqlString(d.toISOString().replace('T', ' ').replace('Z', ''))}`;
    await conn.run(
      `CREATE OR REPLACE TEMP VIEW ${quoteIdent(table.name)} AS SELECT * FROM lake.${quoteIdent(table.name)}
       WHERE dt BETWEEN ${sqlString(day(scope.from))} AND ${sqlString(day(scope.to))}
         AND ts BETWEEN ${ts(scope.from)} AND ${ts(scope.to)}`,
    );
  }

  async close(): Promise<void> {
    this.instance.closeSync();
  }
}
