import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InvalidRequestException,
  type QueryExecutionState,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { mockClient } from 'aws-sdk-client-mock';
import type { ObjectStore } from '../../lambdas/core/ports/object-store.js';
import { duckdbType, quoteIdent, type TableSchema } from '../../lambdas/core/schema/types.js';

export interface AthenaPeerOptions {
  /** The lake as the Glue tables' location points at it (the S3 adapter over s3rver). */
  lake: ObjectStore;
  database: string;
  workgroup: string;
  tables: readonly TableSchema[];
}

interface Execution {
  sql: string;
  state: QueryExecutionState;
  polls: number;
  error?: string;
  bytes: number;
  columns: { name: string; type: string }[];
  rows: (string | undefined)[][];
}

const invalid = (message: string) => new InvalidRequestException({ message, $metadata: {} });

/**
 * Athena as the adapter sees it, answered by DuckDB over the lake's Parquet files: the Glue
 * database is a DuckDB schema whose views read `tables/<name>/dt=/hour=/` (copied from the S3
 * peer at each query start), results come back as Athena renders them (text values, a header
 * row, 1,000-row pages), and the request contract is checked: workgroup, database, MaxResults.
 * A query reports RUNNING on its first poll, so callers must poll.
 */
export class DuckDbAthena {
  readonly client = new AthenaClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  readonly executions = new Map<string, Execution>();
  readonly stopped: string[] = [];
  /** While true, new queries never finish (for timeout tests). */
  hang = false;
  private readonly dir = mkdtempSync(join(tmpdir(), 'mantissa-athena-'));
  private instance?: DuckDBInstance;

  constructor(private readonly opts: AthenaPeerOptions) {
    const mock = mockClient(this.client);
    mock.on(StartQueryExecutionCommand).callsFake(async (input) => {
      if (input.WorkGroup !== opts.workgroup)
        throw invalid(`WorkGroup is ${input.WorkGroup}, not ${opts.workgroup}`);
      if (input.QueryExecutionContext?.Database !== opts.database)
        throw invalid('QueryExecutionContext.Database missing');
      if (!input.QueryString) throw invalid('QueryString is required');
      const id = randomUUID();
      this.executions.set(id, await this.run(input.QueryString));
      return { QueryExecutionId: id };
    });
    mock.on(GetQueryExecutionCommand).callsFake(async (input) => {
      const e = this.get(input.QueryExecutionId);
      const state =
        this.hang || e.polls++ === 0 ? (e.state === 'CANCELLED' ? 'CANCELLED' : 'RUNNING') : e.state;
      return {
        QueryExecution: {
          QueryExecutionId: input.QueryExecutionId,
          Query: e.sql,
          Status: {
            State: state,
            ...(state === 'FAILED'
              ? { StateChangeReason: e.error, AthenaError: { ErrorMessage: e.error } }
              : {}),
          },
          Statistics: { DataScannedInBytes: e.bytes },
        },
      };
    });
    mock.on(StopQueryExecutionCommand).callsFake(async (input) => {
      this.get(input.QueryExecutionId).state = 'CANCELLED';
      this.stopped.push(String(input.QueryExecutionId));
      return {};
    });
    mock.on(GetQueryResultsCommand).callsFake(async (input) => {
      const e = this.get(input.QueryExecutionId);
      if (e.state !== 'SUCCEEDED') throw invalid(`Query has not yet finished. Current state: ${e.state}`);
      const max = input.MaxResults ?? 1000;
      if (max > 1000) throw invalid('MaxResults must be at most 1000');
      const all = [e.columns.map((c) => c.name), ...e.rows];
      const start = Number(input.NextToken ?? 0);
      const end = start + max;
      return {
        ResultSet: {
          ResultSetMetadata: {
            ColumnInfo: e.columns.map((c) => ({
              CatalogName: 'hive',
              Name: c.name,
              Label: c.name,
              Type: c.type,
            })),
          },
          Rows: all
            .slice(start, end)
            .map((row) => ({ Data: row.map((v) => (v === undefined ? {} : { VarCharValue: v })) })),
        },
        ...(end < all.length ? { NextToken: String(end) } : {}),
      };
    });
  }

  private get(id: string | undefined): Execution {
    const e = this.executions.get(String(id));
    if (!e) throw invalid(`QueryExecution ${id} was not found`);
    return e;
  }

  /** Copies the lake's tables to a folder, (re)creates the Glue database's views, runs the SQL. */
  private async run(sql: string): Promise<Execution> {
    rmSync(join(this.dir, 'tables'), { recursive: true, force: true });
    let bytes = 0;
    for (const object of await this.opts.lake.list('tables/')) {
      const body = await this.opts.lake.get(object.key);
      if (!body) continue;
      const path = join(this.dir, ...object.key.split('/'));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, body);
      if (sql.includes(object.key.split('/')[1] ?? '\0')) bytes += object.size;
    }
    this.instance ??= await DuckDBInstance.create(':memory:');
    const conn = await this.instance.connect();
    try {
      await conn.run("SET TimeZone = 'UTC'");
      await this.createViews(conn);
      for (const macro of TRINO_FUNCTIONS) await conn.run(`CREATE OR REPLACE MACRO ${macro}`);
      await conn.run(`SET search_path = ${quote(`${this.opts.database},main`)}`);
      const result = await conn.runAndReadAll(withAnyMatch(sql));
      const types = result.columnTypes().map(String);
      // Trino has no case-sensitive identifiers: Athena's result columns are lower case, quoted or not.
      const columns = result
        .columnNames()
        .map((name, i) => ({ name: name.toLowerCase(), type: athenaType(types[i] ?? '') }));
      const rows = (result.getRowObjectsJson() as Record<string, unknown>[]).map((row) =>
        result.columnNames().map((name, i) => athenaText(row[name], types[i] ?? '')),
      );
      return { sql, state: 'SUCCEEDED', polls: 0, bytes, columns, rows };
    } catch (err) {
      return {
        sql,
        state: 'FAILED',
        polls: 0,
        bytes: 0,
        columns: [],
        rows: [],
        error: (err as Error).message,
      };
    } finally {
      conn.closeSync();
    }
  }

  private async createViews(conn: DuckDBConnection): Promise<void> {
    const schema = quoteIdent(this.opts.database);
    await conn.run(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    for (const table of this.opts.tables) {
      const columns = [
        ...table.columns.map((c) => ({ name: c.name, type: duckdbType(c.type) })),
        { name: 'dt', type: 'VARCHAR' },
        { name: 'hour', type: 'VARCHAR' },
      ];
      const glob = join(this.dir, 'tables', table.name, '*', '*', '*.parquet');
      const files = await conn.runAndReadAll(`SELECT count(*) AS n FROM glob(${quote(glob)})`);
      const empty = Number(files.getRowObjectsJson()[0]?.n ?? 0) === 0;
      const body = empty
        ? `SELECT ${columns.map((c) => `CAST(NULL AS ${c.type}) AS ${quoteIdent(c.name)}`).join(', ')} WHERE false`
        : `SELECT ${columns.map((c) => quoteIdent(c.name)).join(', ')} FROM read_parquet(${quote(glob)}, hive_partitioning = true, hive_types = {'dt': VARCHAR, 'hour': VARCHAR}, union_by_name = true)`;
      await conn.run(`CREATE OR REPLACE VIEW ${schema}.${quoteIdent(table.name)} AS ${body}`);
    }
  }

  close(): void {
    this.instance?.closeSync();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Trino functions the Athena SQL Mantissa Log generates uses (Sigma's Athena backend, fused scans)
 * that DuckDB spells differently, defined as DuckDB macros with Trino's semantics: this is the
 * peer's function library, the SQL it receives is run as sent (but for any_match: withAnyMatch).
 */
const TRINO_FUNCTIONS = [
  // Trino's JSON paths quote a key as ["a b"], DuckDB's as ."a b".
  `trino_json_path(p) AS regexp_replace(p, '\\["([^"\\\\]*)"\\]', '."\\1"', 'g')`,
  // JSON at the path, compact; JSON null is JSON 'null' (not SQL NULL), as Trino's json_extract has it.
  'json_extract(j, p) AS system.main.json_extract(j, trino_json_path(p))',
  // Trino returns NULL when the path leads to an object, an array or JSON null; DuckDB's
  // json_extract_string gives the text of objects and arrays.
  `json_extract_scalar(j, p) AS CASE WHEN json_type(json_extract(j, p)) IN ('OBJECT', 'ARRAY') THEN NULL ELSE json_extract_string(j, trino_json_path(p)) END`,
  // JSON value -> its JSON text ('null' for JSON null).
  'json_format(j) AS CAST(j AS VARCHAR)',
  'regexp_like(s, p) AS regexp_matches(s, p)',
  'to_unixtime(t) AS epoch(t)',
  'cardinality(a) AS len(a)',
  'array_join(a, sep) AS array_to_string(a, sep)',
  // Trino's any_match over the predicate's results (see withAnyMatch): TRUE when one is TRUE, else
  // NULL when one is NULL, else FALSE (an empty array too); NULL for a NULL array.
  `trino_any_match(results) AS CASE WHEN results IS NULL THEN NULL WHEN list_bool_or(results) THEN TRUE
     WHEN list_count(results) < len(results) THEN NULL ELSE FALSE END`,
];

/**
 * Trino's `any_match(array, x -> pred)`: a DuckDB macro cannot take a lambda argument, so the call
 * alone is rewritten, to `trino_any_match(list_transform(array, x -> pred))`, innermost first.
 * Quoted text is skipped, so a Sigma value that spells any_match( stays as it is.
 */
export function withAnyMatch(sql: string): string {
  const calls: number[] = [];
  scan(sql, 0, (i) => {
    if (sql.startsWith('any_match(', i) && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? '')) calls.push(i);
    return false;
  });
  let out = sql;
  for (const at of calls.reverse()) {
    const open = at + 'any_match'.length;
    const close = scan(out, open, (i, depth) => depth === 0 && out[i] === ')');
    out = `${out.slice(0, at)}trino_any_match(list_transform${out.slice(open, close + 1)})${out.slice(close + 1)}`;
  }
  return out;
}

/**
 * Walks SQL outside quoted text ('...' literals, "..." identifiers) keeping the parenthesis depth
 * (after the character at i); the index where `stop` says so, or the length.
 */
function scan(sql: string, from: number, stop: (i: number, depth: number) => boolean): number {
  let depth = 0;
  for (let i = from; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      i = sql.indexOf(c, i + 1);
      while (i >= 0 && sql[i + 1] === c) i = sql.indexOf(c, i + 2);
      if (i < 0) return sql.length;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') depth--;
    if (stop(i, depth)) return i;
  }
  return sql.length;
}

function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Athena's (Trino's) name for a DuckDB result type, as ColumnInfo.Type reports it. */
function athenaType(duck: string): string {
  if (duck.startsWith('STRUCT')) return 'row';
  if (duck.endsWith('[]')) return 'array';
  if (duck.startsWith('MAP')) return 'map';
  if (duck.startsWith('DECIMAL')) return 'decimal';
  const names: Record<string, string> = {
    VARCHAR: 'varchar',
    BIGINT: 'bigint',
    INTEGER: 'integer',
    SMALLINT: 'smallint',
    TINYINT: 'tinyint',
    HUGEINT: 'decimal',
    DOUBLE: 'double',
    FLOAT: 'real',
    BOOLEAN: 'boolean',
    TIMESTAMP: 'timestamp',
    'TIMESTAMP WITH TIME ZONE': 'timestamp with time zone',
    DATE: 'date',
  };
  return names[duck] ?? duck.toLowerCase();
}

/** A value as Athena's result set writes it: text, NULL absent, timestamps with milliseconds. */
function athenaText(value: unknown, duck: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (duck === 'TIMESTAMP') {
    const [date, time = '00:00:00'] = String(value).split(' ');
    const [whole, fraction = ''] = time.split('.');
    return `${date} ${whole}.${fraction.padEnd(3, '0').slice(0, 3)}`;
  }
  return trinoText(value);
}

/** Trino's rendering of nested values: ROW as {a=1, b=x}, ARRAY as [1, 2]. */
function trinoText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(trinoText).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}=${trinoText(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}
