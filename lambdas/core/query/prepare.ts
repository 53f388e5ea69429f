import type { TableScope } from '../ports/query-engine.js';
import { guardSql, SqlRejectedError } from './sql-guard.js';
import { enforceLimit, hasTimeBound, referencedNames, type TimeRange, timeRange } from './sql-shape.js';

export interface PrepareOptions {
  tables: readonly string[];
  maxRows: number;
  now: Date;
  /** Applied when the SQL bounds no time column. @default 24 hours */
  defaultWindowMs?: number;
}

/** SQL that passed validation, in the form it runs, and what was done to it. */
export interface PreparedSql {
  sql: string;
  tables: string[];
  limit: { value: number; action: 'kept' | 'added' | 'lowered' };
  /** Set when the SQL had no time bound and one was applied (on the partitions, via table scopes). */
  timeBound?: { from: string; to: string; reason: string };
  scopes: TableScope[];
  /** The event-time range read, for the scan estimate. */
  range: TimeRange;
  /** Names the query reads; undefined for `*`. */
  names: Set<string> | undefined;
}

export const DEFAULT_WINDOW_MS = 24 * 3600_000;

/**
 * Everything that happens to SQL from a model (or the offline translator) before it may run:
 * the guard (one SELECT, allowlisted tables, no denied functions, nesting ≤ 3), the outer LIMIT
 * capped on the syntax tree and the result guarded again, and a time bound when there is none.
 * Throws SqlRejectedError with the reason, which a repair round shows the model.
 */
export function prepareSql(sql: string, opts: PrepareOptions): PreparedSql {
  const guarded = guardSql(sql, { tables: opts.tables });
  let limited: ReturnType<typeof enforceLimit>;
  try {
    limited = enforceLimit(guarded.sql, opts.maxRows);
  } catch (err) {
    throw new SqlRejectedError(`the LIMIT could not be enforced: ${(err as Error).message}`);
  }
  // The printed SQL is what runs, so it passes the same guard as the original.
  const final = limited.action === 'kept' ? guarded : guardSql(limited.sql, { tables: opts.tables });
  const lake = new Set(opts.tables.map((t) => t.toLowerCase()));
  let range = timeRange(final.sql, lake);
  let timeBound: PreparedSql['timeBound'];
  let scopes: TableScope[] = [];
  if (!hasTimeBound(final.sql)) {
    const to = opts.now;
    const from = new Date(to.getTime() - (opts.defaultWindowMs ?? DEFAULT_WINDOW_MS));
    const hours = Math.round((to.getTime() - from.getTime()) / 3600_000);
    timeBound = {
      from: from.toISOString(),
      to: to.toISOString(),
      reason: `the query named no time range, so it reads only the last ${hours} hours (${from.toISOString()} to ${to.toISOString()}); ask for a range to widen it`,
    };
    scopes = final.tables.map((table) => ({ table, from, to }));
    range = { from, to };
  }
  return {
    sql: final.sql,
    tables: final.tables,
    limit: { value: limited.limit, action: limited.action },
    ...(timeBound ? { timeBound } : {}),
    scopes,
    range,
    names: referencedNames(final.sql),
  };
}
