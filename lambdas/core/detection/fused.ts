import type { QueryEngine, TableScope } from '../ports/query-engine.js';
import type { SigmaEventRule } from '../rules/sigma-rule.js';
import { DIALECTS, type DialectName, renderCondition } from '../sigma/index.js';
import type { Match } from './raise.js';

/** The column of a fused scan's rows that lists the rules the row matched. */
export const MATCHED_COLUMN = 'matched_rules';

/** Each dialect's array constructor, the only SQL a fused scan adds to what the Sigma backends render. */
const ARRAY: Record<'duckdb' | 'athena', (items: string[]) => string> = {
  duckdb: (items) => `list_value(${items.join(', ')})`,
  athena: (items) => `ARRAY[${items.join(', ')}]`,
};

export interface FusedScan {
  table: string;
  sql: string;
  /** Rule of each tag: tag `r<i>` is rules[i]. */
  rules: SigmaEventRule[];
}

/**
 * One query for every single-event rule of a table: each rule's condition is rendered once from
 * its Sigma IR by the dialect's backend, used in the WHERE (any rule matches) and in a CASE that
 * tags the row with that rule, so the table's new data is read once however many rules there are.
 */
export function renderFusedScan(
  table: string,
  rules: readonly SigmaEventRule[],
  dialect: DialectName,
): FusedScan {
  const array = ARRAY[dialect as 'duckdb' | 'athena'];
  if (!array) throw new Error(`no fused scan for the ${dialect} dialect`);
  const d = DIALECTS[dialect];
  const conditions = rules.map((r) => renderCondition(r.compiled.node, d));
  const tags = conditions.map((c, i) => `CASE WHEN ${c} THEN ${d.str(`r${i}`)} END`);
  const where = conditions.map((c) => `(${c})`).join('\n   OR ');
  const from = table
    .split('.')
    .map((p) => d.quoteIdent(p))
    .join('.');
  return {
    table,
    rules: [...rules],
    sql: `SELECT *, ${array(tags)} AS ${d.quoteIdent(MATCHED_COLUMN)}\nFROM ${from}\nWHERE ${where}`,
  };
}

/** Rows a fused scan may return in one cycle; more is reported, never silently cut. */
export const FUSED_MAX_ROWS = 500_000;

export class FusedScanTruncatedError extends Error {
  override readonly name = 'FusedScanTruncatedError';
}

/** Runs a fused scan and sorts its rows into each rule's matches. */
export async function runFusedScan(
  engine: QueryEngine,
  scan: FusedScan,
  scope: TableScope,
): Promise<{ matches: Map<SigmaEventRule, Match[]>; bytesScanned?: number }> {
  const result = await engine.query(scan.sql, { scopes: [scope], maxRows: FUSED_MAX_ROWS });
  if (result.truncated) {
    throw new FusedScanTruncatedError(
      `fused scan of ${scan.table} matched more than ${FUSED_MAX_ROWS} rows; narrow the noisiest rules`,
    );
  }
  const matches = new Map<SigmaEventRule, Match[]>();
  const fallback = scope.to.toISOString();
  for (const { [MATCHED_COLUMN]: tags, ...row } of result.rows) {
    const match = eventMatch(row, fallback);
    for (const tag of Array.isArray(tags) ? tags : []) {
      if (typeof tag !== 'string') continue;
      const rule = scan.rules[Number(tag.slice(1))];
      if (!rule) continue;
      const list = matches.get(rule) ?? [];
      matches.set(rule, list);
      list.push(match);
    }
  }
  const out: { matches: Map<SigmaEventRule, Match[]>; bytesScanned?: number } = { matches };
  if (result.bytesScanned !== undefined) out.bytesScanned = result.bytesScanned;
  return out;
}

/** An event as a match: its own time is both ends of the span. */
export function eventMatch(row: Record<string, unknown>, fallback: string): Match {
  const t = timeOf(row.ts) ?? fallback;
  return { row, firstSeen: t, lastSeen: t };
}

/** An ISO 8601 UTC instant from a row value: DuckDB's ISO text, or a Date in rows straight from ingest. */
export function timeOf(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  return undefined;
}
