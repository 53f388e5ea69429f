export interface ResultColumn {
  name: string;
  /** The engine's type name, e.g. VARCHAR, BIGINT, TIMESTAMP, STRUCT(...). */
  type: string;
}

export interface QueryResult {
  columns: ResultColumn[];
  /** JSON-safe values: timestamps as ISO-like strings, 64-bit integers as numbers when safe. */
  rows: Record<string, unknown>[];
  /** True when the result had more rows than `maxRows` and was cut. */
  truncated: boolean;
  /** Bytes the engine read, where it reports them. */
  bytesScanned?: number;
  /** What the query cost in US dollars, where the engine bills per query (Athena). */
  costUsd?: number;
}

/** Restricts a table, for one query, to events whose time lies in [from, to]. */
export interface TableScope {
  table: string;
  from: Date;
  to: Date;
}

export interface QueryOptions {
  maxRows?: number;
  timeoutMs?: number;
  /** Tables named here are seen by the query as only their rows in the range (partition-pruned). */
  scopes?: TableScope[];
}

/** Runs read-only SQL over the lake's tables: Athena on AWS, DuckDB locally. */
export interface QueryEngine {
  readonly dialect: 'duckdb' | 'athena';
  query(sql: string, opts?: QueryOptions): Promise<QueryResult>;
  close(): Promise<void>;
}

/** A query ran longer than its `timeoutMs` and was cancelled (every engine throws this one). */
export class QueryTimeoutError extends Error {
  override readonly name = 'QueryTimeoutError';
}
