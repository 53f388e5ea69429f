import type { TableScope } from '../../core/ports/query-engine.js';
import { quoteIdent } from '../../core/schema/types.js';

/**
 * Scopes a query to time ranges by wrapping it, untouched, under one WITH clause that names each
 * scoped table after a CTE over the Glue table, limited by partition (dt, hour) and by `ts`:
 *
 *   WITH "cloudtrail" AS (SELECT * FROM "mantissa_log"."cloudtrail" WHERE <dt/hour> AND <ts>)
 *   SELECT * FROM (<the query as written>) AS "scoped"
 *
 * Trino resolves an unqualified name to the nearest enclosing WITH before the catalog, also inside
 * the query's own WITH clauses, so a rule that has CTEs of its own (like the shipped brute-force
 * rule, which reads `cloudtrail` both in its CTE and in its JOIN) sees only the scoped rows
 * everywhere. Why wrapping and not merging the CTE into the query's AST: node-sql-parser's Trino
 * output is lossy (it renders `s.useridentity.username` as `"s"."useridentity".`), so re-rendering
 * a parsed rule would change what it means; wrapping leaves the rule's text byte for byte. The one
 * cost: Trino ignores ORDER BY inside a subquery, so a scoped result is unordered. Detection, the
 * only user of scopes, treats every row as a match regardless of order.
 */
export function scopedSql(sql: string, scopes: readonly TableScope[], database: string): string {
  if (scopes.length === 0) return sql;
  const seen = new Set<string>();
  const ctes = scopes.map((scope) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(scope.table))
      throw new Error(`invalid table name in scope: ${scope.table}`);
    if (seen.has(scope.table)) throw new Error(`table ${scope.table} is scoped twice`);
    seen.add(scope.table);
    if (!(scope.from.getTime() <= scope.to.getTime())) {
      throw new Error(
        `scope of ${scope.table} ends before it starts (${scope.from.toISOString()} > ${scope.to.toISOString()})`,
      );
    }
    return `${quoteIdent(scope.table)} AS (SELECT * FROM ${quoteIdent(database)}.${quoteIdent(scope.table)} WHERE ${partitionRange(scope)} AND "ts" BETWEEN ${timestamp(scope.from)} AND ${timestamp(scope.to)})`;
  });
  // A trailing semicolon would end the statement inside the parentheses.
  const body = sql.replace(/[\s;]+$/, '');
  return `WITH ${ctes.join(',\n  ')}\nSELECT * FROM (\n${body}\n) AS "scoped"`;
}

/** (dt, hour) from the scope's first hour to its last: what partition projection prunes on. */
function partitionRange(scope: TableScope): string {
  const [fromDt, fromHour] = partition(scope.from);
  const [toDt, toHour] = partition(scope.to);
  const lower = `("dt" > '${fromDt}' OR ("dt" = '${fromDt}' AND "hour" >= '${fromHour}'))`;
  const upper = `("dt" < '${toDt}' OR ("dt" = '${toDt}' AND "hour" <= '${toHour}'))`;
  return `"dt" BETWEEN '${fromDt}' AND '${toDt}' AND ${lower} AND ${upper}`;
}

function partition(at: Date): [string, string] {
  const iso = at.toISOString();
  return [iso.slice(0, 10), iso.slice(11, 13)];
}

/** A Trino timestamp literal (millisecond precision, UTC, as the lake stores `ts`). */
function timestamp(at: Date): string {
  return `TIMESTAMP '${at.toISOString().replace('T', ' ').replace('Z', '')}'`;
}
