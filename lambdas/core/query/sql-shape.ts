import sqlParser from 'node-sql-parser';

/**
 * Changes to validated SQL made on its syntax tree, never on its text: the outer LIMIT, and
 * finding whether the query already bounds event time. node-sql-parser's Trino grammar parses the
 * SQL (as the guard does) and prints it back; the printed SQL is parsed and guarded again before it
 * runs, so a printing mistake can only refuse a query, never widen one.
 */
const { Parser } = sqlParser;
const parser = new Parser();
const OPT = { database: 'trino' };

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null;

interface LimitNode {
  seperator: string;
  value: { type: string; value: unknown }[];
}

export interface LimitResult {
  sql: string;
  /** The outer LIMIT the SQL now has. */
  limit: number;
  /** What was done: kept (already within the cap), added, or lowered. */
  action: 'kept' | 'added' | 'lowered';
}

function rootOf(sql: string): Node {
  const ast = parser.astify(sql, OPT);
  const root = Array.isArray(ast) ? ast[0] : ast;
  if (!isNode(root)) throw new Error('no statement');
  return root;
}

/** The select that carries the statement's LIMIT: the last of a UNION chain. */
function limitHolder(root: Node): Node {
  let node = root;
  while (isNode(node._next)) node = node._next;
  return node;
}

/** Adds a LIMIT of `max` when there is none, lowers one above `max`, keeps one within it. */
export function enforceLimit(sql: string, max: number): LimitResult {
  const root = rootOf(sql);
  const holder = limitHolder(root);
  const limit = (isNode(holder.limit) ? holder.limit : { seperator: '', value: [] }) as unknown as LimitNode;
  // `OFFSET n` alone parses as seperator 'offset' with one value: the offset, not a limit.
  const offsetOnly = limit.seperator === 'offset' && limit.value.length === 1;
  const current = offsetOnly ? undefined : limit.value[0];
  if (current && current.type === 'number' && Number(current.value) <= max) {
    return { sql, limit: Number(current.value), action: 'kept' };
  }
  const capped = { type: 'number', value: max };
  if (current) limit.value[0] = capped;
  else if (offsetOnly) limit.value = [capped, ...limit.value];
  else limit.value = [capped];
  holder.limit = limit;
  return {
    sql: parser.sqlify(root as unknown as Parameters<typeof parser.sqlify>[0], OPT),
    limit: max,
    action: current ? 'lowered' : 'added',
  };
}

/** Columns that, filtered in a WHERE, bound a query in event time (and so in partitions). */
export const TIME_COLUMNS = new Set(['ts', 'dt', 'hour', 'eventtime']);

function mentionsTime(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(mentionsTime);
  if (!isNode(node)) return false;
  if (node.type === 'column_ref') {
    const column = isNode(node.column) && isNode(node.column.expr) ? node.column.expr.value : node.column;
    if (typeof column === 'string' && TIME_COLUMNS.has(column.toLowerCase())) return true;
  }
  return Object.values(node).some(mentionsTime);
}

/** True when some WHERE (outer, CTE or subquery) filters on an event-time or partition column. */
export function hasTimeBound(sql: string): boolean {
  const visit = (node: unknown): boolean => {
    if (Array.isArray(node)) return node.some(visit);
    if (!isNode(node)) return false;
    if (node.type === 'select' && node.where && mentionsTime(node.where)) return true;
    return Object.entries(node).some(([k, v]) => k !== 'tableList' && k !== 'columnList' && visit(v));
  };
  return visit(rootOf(sql));
}

export interface TimeRange {
  /** Undefined: unbounded on that side. */
  from?: Date;
  to?: Date;
}

function literalTime(node: unknown, column: string, end: 'from' | 'to'): Date | undefined {
  if (!isNode(node) || typeof node.value !== 'string') return undefined;
  if (!['timestamp', 'single_quote_string', 'string', 'date'].includes(String(node.type))) return undefined;
  const text = node.value.trim();
  if (column === 'dt' && /^\d{4}-\d\d-\d\d$/.test(text)) {
    return new Date(`${text}T${end === 'from' ? '00:00:00.000' : '23:59:59.999'}Z`);
  }
  if (!/^\d{4}-\d\d-\d\d([ T]\d\d:\d\d(:\d\d(\.\d+)?)?)?Z?$/.test(text)) return undefined;
  const date = new Date(
    `${text.replace(' ', 'T').replace(/Z$/, '')}${text.length === 10 ? 'T00:00:00' : ''}Z`,
  );
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function columnOf(node: unknown): string | undefined {
  if (!isNode(node) || node.type !== 'column_ref') return undefined;
  const column = isNode(node.column) && isNode(node.column.expr) ? node.column.expr.value : node.column;
  return typeof column === 'string' && TIME_COLUMNS.has(column.toLowerCase())
    ? column.toLowerCase()
    : undefined;
}

/** Bounds stated by the AND-ed comparisons of one WHERE: `ts >= TIMESTAMP '…'`, `dt BETWEEN '…' AND '…'`. */
function conjunctRange(where: unknown, range: TimeRange): void {
  if (!isNode(where) || where.type !== 'binary_expr') return;
  const op = String(where.operator).toUpperCase();
  if (op === 'AND') {
    conjunctRange(where.left, range);
    conjunctRange(where.right, range);
    return;
  }
  const column = columnOf(where.left);
  if (!column) return;
  const tighten = (end: 'from' | 'to', value: Date | undefined) => {
    if (!value) return;
    const current = range[end];
    if (!current || (end === 'from' ? value > current : value < current)) range[end] = value;
  };
  if (op === 'BETWEEN' && isNode(where.right) && Array.isArray(where.right.value)) {
    tighten('from', literalTime(where.right.value[0], column, 'from'));
    tighten('to', literalTime(where.right.value[1], column, 'to'));
  } else if (op === '>=' || op === '>') tighten('from', literalTime(where.right, column, 'from'));
  else if (op === '<=' || op === '<') tighten('to', literalTime(where.right, column, 'to'));
  else if (op === '=') {
    tighten('from', literalTime(where.right, column, 'from'));
    tighten('to', literalTime(where.right, column, 'to'));
  }
}

/**
 * The event-time range a query reads from the lake's tables, from literal bounds only (relative
 * expressions such as `now() - INTERVAL …` count as unbounded): the union over every SELECT that
 * reads a lake table of the range its WHERE states. Used for the scan estimate, so when in doubt it
 * is wider, never narrower.
 */
export function timeRange(sql: string, tables: ReadonlySet<string>): TimeRange {
  const ranges: TimeRange[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (!isNode(node)) return;
    if (node.type === 'select' && Array.isArray(node.from)) {
      const readsLake = (node.from as Node[]).some(
        (f) => typeof f.table === 'string' && tables.has(f.table.toLowerCase()),
      );
      if (readsLake) {
        const range: TimeRange = {};
        conjunctRange(node.where, range);
        ranges.push(range);
      }
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'tableList' && k !== 'columnList') visit(v);
  };
  visit(rootOf(sql));
  if (ranges.length === 0) return {};
  const out: TimeRange = {};
  if (ranges.every((r) => r.from))
    out.from = new Date(Math.min(...ranges.map((r) => r.from?.getTime() ?? 0)));
  if (ranges.every((r) => r.to)) out.to = new Date(Math.max(...ranges.map((r) => r.to?.getTime() ?? 0)));
  return out;
}

/** Names (columns or struct roots) the query mentions; undefined when it selects `*`. */
export function referencedNames(sql: string): Set<string> | undefined {
  const names = new Set<string>();
  for (const entry of parser.columnList(sql, OPT)) {
    const [, table, column] = entry.split('::');
    if (column === '(.*)') return undefined;
    if (column) names.add(column.toLowerCase());
    // `useridentity.arn` parses as column arn of "table" useridentity: the struct is the column read.
    if (table && table !== 'null') names.add(table.toLowerCase());
  }
  return names;
}
