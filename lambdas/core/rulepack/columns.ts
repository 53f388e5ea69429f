import type { QueryEngine } from '../ports/query-engine.js';

const PLAIN = /^[a-z_][a-z0-9_.-]*$/;

/**
 * Why a result column's name would differ between the runtimes, or undefined when it would not.
 * Athena (Trino) returns result column names in lower case and names an expression without an alias
 * `_col<n>`; DuckDB keeps an alias as written and names an expression by its text (`count_star()`).
 * Alert evidence rows are keyed by these names and alert ids hash the evidence, so the names must be
 * the same on both engines: lower-case aliases.
 */
export function columnNameProblem(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (name !== lower) {
    return `result column "${name}" is not lower case: Athena returns it as "${lower}" while DuckDB keeps "${name}", so alert evidence and ids would differ between AWS and local: alias it in lower case (AS ${lower})`;
  }
  if (!PLAIN.test(name)) {
    return `result column "${name}" is not a plain lower-case name (an expression without an alias?): Athena would name it _col<n>: give it a lower-case alias`;
  }
  return undefined;
}

/**
 * The problems of a query's result column names, found by running it with no rows on `engine`
 * (`ctes`, when given, stand in for the lake's tables, as the harness scopes them).
 */
export async function resultColumnProblems(
  engine: QueryEngine,
  sql: string,
  ctes?: string,
): Promise<string[]> {
  const body = sql.trim().replace(/;\s*$/, '');
  const res = await engine.query(`${ctes ? `WITH ${ctes}\n` : ''}SELECT * FROM (\n${body}\n) AS q LIMIT 0`);
  return res.columns.map((c) => columnNameProblem(c.name)).filter((p): p is string => p !== undefined);
}

/** SQL rules whose result columns would be named differently on Athena and DuckDB, each with why. */
export async function sqlRuleColumnProblems(
  engine: QueryEngine,
  rules: readonly { file: string; query: string }[],
): Promise<string[]> {
  const out: string[] = [];
  for (const rule of rules) {
    for (const p of await resultColumnProblems(engine, rule.query)) out.push(`${rule.file} query: ${p}`);
  }
  return out;
}
