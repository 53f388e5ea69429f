import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import {
  type QueryEngine,
  type QueryOptions,
  type QueryResult,
  QueryTimeoutError,
  type ResultColumn,
} from '../../core/ports/query-engine.js';
import type { TableSchema } from '../../core/schema/types.js';
import { scopedSql } from './athena-scope.js';
import { athenaCostUsd, complexColumnTypes, convertRow } from './athena-values.js';

export interface AthenaQueryEngineOptions {
  client: AthenaClient;
  /** The workgroup enforces the result location, encryption and scan limit. */
  workgroup: string;
  /** The Glue database holding the lake's tables. */
  database: string;
  /** The lake's tables, whose ROW/ARRAY column types guide parsing Athena's text for them. @default none */
  tables?: readonly TableSchema[];
  /** @default 10_000 */
  maxRows?: number;
  /** @default 300_000 (Athena's own limit is far longer; a caller should not wait that long) */
  timeoutMs?: number;
  /**
   * The longest any query may run, whatever a caller asks: the API function sets it below API
   * Gateway's 29 s, so a long query is cancelled (and stops billing) rather than left running
   * after the caller has gone. @default none
   */
  timeoutCapMs?: number;
  /** First and longest wait between status polls. @default 200 and 2_000 ms */
  pollMs?: { initial: number; max: number };
  sleep?: (ms: number) => Promise<void>;
}

const PAGE = 1000; // GetQueryResults' maximum

/** An Athena query that did not succeed, with Athena's reason and the execution id to look it up. */
export class AthenaQueryError extends Error {
  override readonly name = 'AthenaQueryError';
}

/**
 * Athena over the Glue tables: start the query in the workgroup, poll its state with backoff, read
 * the result pages (the first row of the first page is the header), and cancel it on timeout so it
 * stops scanning (and billing). Reports bytes scanned and the cost at Athena's per-TB price.
 */
export class AthenaQueryEngine implements QueryEngine {
  readonly dialect = 'athena' as const;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly lakeTypes: ReturnType<typeof complexColumnTypes>;

  constructor(private readonly opts: AthenaQueryEngineOptions) {
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.lakeTypes = complexColumnTypes(opts.tables ?? []);
  }

  async query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    const maxRows = options.maxRows ?? this.opts.maxRows ?? 10_000;
    const timeoutMs = Math.min(
      options.timeoutMs ?? this.opts.timeoutMs ?? 300_000,
      this.opts.timeoutCapMs ?? Infinity,
    );
    const text = scopedSql(sql, options.scopes ?? [], this.opts.database);
    const started = await this.opts.client.send(
      new StartQueryExecutionCommand({
        QueryString: text,
        WorkGroup: this.opts.workgroup,
        QueryExecutionContext: { Catalog: 'AwsDataCatalog', Database: this.opts.database },
      }),
    );
    const id = started.QueryExecutionId;
    if (!id) throw new AthenaQueryError('Athena StartQueryExecution returned no QueryExecutionId');
    const execution = await this.waitFor(id, Date.now() + timeoutMs, timeoutMs);
    const result = await this.readResults(id, maxRows);
    const bytes = execution.Statistics?.DataScannedInBytes;
    if (bytes !== undefined) {
      result.bytesScanned = bytes;
      result.costUsd = athenaCostUsd(bytes);
    }
    return result;
  }

  private async waitFor(id: string, deadline: number, timeoutMs: number): Promise<QueryExecution> {
    const poll = this.opts.pollMs ?? { initial: 200, max: 2_000 };
    let wait = poll.initial;
    for (;;) {
      const { QueryExecution: execution } = await this.opts.client.send(
        new GetQueryExecutionCommand({ QueryExecutionId: id }),
      );
      const state = execution?.Status?.State;
      if (state === 'SUCCEEDED' && execution) return execution;
      if (state === 'FAILED' || state === 'CANCELLED') {
        const reason =
          execution?.Status?.AthenaError?.ErrorMessage ??
          execution?.Status?.StateChangeReason ??
          'no reason given';
        throw new AthenaQueryError(`Athena query ${id} ${state.toLowerCase()}: ${reason}`);
      }
      if (Date.now() >= deadline) {
        await this.opts.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id })).catch((err) => {
          console.error(`[athena] could not stop query ${id}: ${(err as Error).message}`);
        });
        throw new QueryTimeoutError(`query ran longer than ${timeoutMs} ms and was cancelled (Athena ${id})`);
      }
      await this.sleep(Math.min(wait, Math.max(0, deadline - Date.now())));
      wait = Math.min(wait * 2, poll.max);
    }
  }

  private async readResults(id: string, maxRows: number): Promise<QueryResult> {
    let columns: ResultColumn[] | undefined;
    const rows: Record<string, unknown>[] = [];
    let token: string | undefined;
    let header = true;
    do {
      const page = await this.opts.client.send(
        new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: PAGE }),
      );
      columns ??= (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => ({
        name: c.Label ?? c.Name ?? '',
        type: c.Type ?? 'varchar',
      }));
      for (const row of page.ResultSet?.Rows ?? []) {
        // A SELECT's first row is the column names; it is not data.
        if (header) {
          header = false;
          continue;
        }
        if (rows.length > maxRows) break;
        rows.push(convertRow(columns, row.Data ?? [], this.lakeTypes));
      }
      token = rows.length > maxRows ? undefined : page.NextToken;
    } while (token);
    const truncated = rows.length > maxRows;
    return { columns: columns ?? [], rows: rows.slice(0, maxRows), truncated };
  }

  async close(): Promise<void> {
    // The client belongs to the caller.
  }
}
