import sqlParser from 'node-sql-parser';

const { Parser } = sqlParser;
const parser = new Parser();

export interface GuardOptions {
  /** Table names the SQL may read. */
  tables: readonly string[];
  /** How deeply SELECTs may nest inside the outer one. @default 3 */
  maxSubqueryDepth?: number;
}

export interface GuardedSql {
  sql: string;
  /** The lake tables it reads. */
  tables: string[];
}

/** Why SQL was refused; `message` says what and where, for the person or model that wrote it. */
export class SqlRejectedError extends Error {
  override readonly name = 'SqlRejectedError';
}

/**
 * Functions that read files or URLs, reach the engine's internals or settings, or act outside the
 * query: refused even though the DuckDB instance is locked down as well (defence in depth).
 */
const DENIED_FUNCTION =
  /^(read_\w+|.*_scan|glob|sniff_csv|query|query_table|parquet_\w+|iceberg\w*|delta\w*|duckdb_\w+|pragma_\w+|pg_\w+|current_setting|set_config|getenv|load_extension|install|load|system|shell|http\w*|url\w*|s3\w*|ducklake\w*|sqlite_\w+|postgres_\w+|mysql_\w+|checkpoint|force_checkpoint|which_secret|json_execute_serialized_sql)$/i;

/** Statement keywords that never start a read-only query. */
const NEVER_ALLOWED = new Set([
  'UNLOAD',
  'COPY',
  'EXPORT',
  'IMPORT',
  'ATTACH',
  'DETACH',
  'INSTALL',
  'LOAD',
  'PRAGMA',
  'SET',
  'RESET',
  'CALL',
  'CREATE',
  'DROP',
  'ALTER',
  'INSERT',
  'UPDATE',
  'DELETE',
  'MERGE',
  'TRUNCATE',
  'GRANT',
  'REVOKE',
  'VACUUM',
  'CHECKPOINT',
  'USE',
  'MSCK',
  'REPAIR',
  'EXECUTE',
  'PREPARE',
  'DEALLOCATE',
  'REPLACE',
  'UPSERT',
]);

/** The first word of the SQL after leading comments and whitespace, upper-cased. */
function leadingKeyword(sql: string): string | undefined {
  const text = sql.replace(/^(\s+|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/)*/, '');
  return /^[A-Za-z]+/.exec(text)?.[0]?.toUpperCase();
}

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null;
}

function functionName(node: Node): string {
  const name = node.name;
  if (typeof name === 'string') return name;
  if (isNode(name) && Array.isArray(name.name)) {
    return (name.name as Node[]).map((part) => String(part.value ?? '')).join('.');
  }
  return '';
}

/**
 * Accepts exactly one read-only SELECT (or WITH … SELECT) over allowed tables, and refuses
 * everything else with the reason: other statements, several statements, table functions,
 * schema-qualified or unknown tables, denied functions, and nesting deeper than allowed.
 */
export function guardSql(sql: string, opts: GuardOptions): GuardedSql {
  if (sql.trim() === '') throw new SqlRejectedError('empty SQL');
  let ast: unknown;
  try {
    ast = parser.astify(sql, { database: 'trino' });
  } catch (err) {
    // Statements the parser has no grammar for (UNLOAD, COPY, ATTACH, CTAS …) are named, not left
    // as a parse error: the reason goes back to the person or model that wrote them.
    const keyword = leadingKeyword(sql);
    if (keyword && NEVER_ALLOWED.has(keyword)) {
      throw new SqlRejectedError(`only SELECT queries are allowed; found ${keyword}`);
    }
    throw new SqlRejectedError(`SQL could not be parsed: ${(err as Error).message}`);
  }
  const statements = Array.isArray(ast) ? ast : [ast];
  if (statements.length !== 1) {
    throw new SqlRejectedError(`exactly one statement is allowed; found ${statements.length}`);
  }
  const root = statements[0] as Node;
  if (root.type !== 'select') {
    throw new SqlRejectedError(`only SELECT queries are allowed; found ${String(root.type).toUpperCase()}`);
  }
  const allowed = new Set(opts.tables.map((t) => t.toLowerCase()));
  const maxDepth = opts.maxSubqueryDepth ?? 3;
  const used = new Set<string>();
  const cteNames = new Set<string>();

  const visit = (node: unknown, depth: number): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, depth);
      return;
    }
    if (!isNode(node)) return;
    let inner = depth;
    if (node.type === 'select') {
      inner = node === root ? 0 : depth + 1;
      if (inner > maxDepth)
        throw new SqlRejectedError(`subqueries nest ${inner} deep; at most ${maxDepth} allowed`);
      if (node.into && isNode(node.into) && node.into.position)
        throw new SqlRejectedError('SELECT … INTO is not allowed');
      for (const cte of Array.isArray(node.with) ? (node.with as Node[]) : []) {
        const name = isNode(cte.name) ? cte.name.value : cte.name;
        if (typeof name === 'string') cteNames.add(name.toLowerCase());
      }
      for (const item of Array.isArray(node.from) ? (node.from as Node[]) : []) checkFrom(item);
    }
    if (node.type === 'function' || node.type === 'aggr_func') {
      const name = functionName(node);
      if (DENIED_FUNCTION.test(name.split('.').pop() ?? name)) {
        throw new SqlRejectedError(
          `function ${name} is not allowed: it reads outside the lake's tables or the engine's state`,
        );
      }
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'tableList' || key === 'columnList') continue;
      visit(value, inner);
    }
  };

  const checkFrom = (item: Node): void => {
    if (typeof item.table === 'string') {
      const name = item.table.toLowerCase();
      if (item.db)
        throw new SqlRejectedError(`schema-qualified table ${String(item.db)}.${item.table} is not allowed`);
      if (cteNames.has(name)) return;
      if (!allowed.has(name)) {
        throw new SqlRejectedError(
          `table ${item.table} is not one of the lake's tables (${[...allowed].join(', ')})`,
        );
      }
      used.add(name);
      return;
    }
    if (isNode(item.expr) && (item.expr.type === 'function' || item.expr.type === 'expr')) {
      throw new SqlRejectedError(
        `table functions are not allowed in FROM (${functionName(item.expr) || 'expression'})`,
      );
    }
    if (item.type === 'expr' && isNode(item.expr) && !('ast' in item.expr)) {
      throw new SqlRejectedError('only tables and subqueries may appear in FROM');
    }
  };

  visit(root, 0);
  return { sql, tables: [...used] };
}
