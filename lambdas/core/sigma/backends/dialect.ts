import type { Network } from '../cidr.js';

/**
 * What differs between SQL dialects, as a table of small renderers. The tree walk in sql.ts is
 * shared; adding a dialect means filling this in (pySigma's declarative backend idea).
 */
export interface Dialect {
  name: 'duckdb' | 'athena' | 'bigquery' | 'tsql';
  quoteIdent(name: string): string;
  /** A literal holding exactly `s`, whatever it contains. */
  str(s: string): string;
  /** A number literal. */
  num(n: number): string;
  lower(e: string): string;
  /** The text form of a value of unknown type. */
  text(e: string): string;
  /** A column, then fields of nested structs. */
  column(path: string[]): string;
  /** Text at `keys` inside the JSON text at `path`: scalars as text, objects as JSON text where possible. */
  json(path: string[], keys: string[]): string;
  /** Inside a list: fields of the element bound to variable `v` (no fields: the element itself). */
  elementColumn(v: string, path: string[]): string;
  /** Inside a list: text at `keys` inside the JSON text at field `path` of the element bound to `v`. */
  elementJson(v: string, path: string[], keys: string[]): string;
  /**
   * TRUE when `pred`, reading an element as variable `v`, is TRUE for some element of the list at
   * `list.path` (a column and its struct fields, or fields of the outer element `list.outer`), and
   * FALSE otherwise, a NULL or empty list included: never NULL, so NOT over it needs no guard.
   * Undefined when the dialect cannot iterate a list.
   */
  anyElement?(list: ListAt, v: string, pred: string): string;
  trueExpr: string;
  falseExpr: string;
  /** `e LIKE pattern`, the pattern already escaped with escapeLike. */
  like(e: string, pattern: string): string;
  escapeLike(s: string): string;
  /** Regular-expression search, or undefined when the dialect has none. */
  regex?(e: string, source: string): string;
  /** `(?i)` style inline flags the regex engine understands, in front of the pattern. */
  regexFlags(flags: string): string;
  /** A DOUBLE from text, NULL (not an error) when it does not parse. */
  tryDouble(e: string): string;
  /** Only text that is a plain decimal number counts as a number (engines' casts disagree on the rest). */
  isDecimal(e: string): string;
  contains(e: string, part: string): string;
  startsWith(e: string, part: string): string;
  endsWith(e: string, part: string): string;
  /** The field's text is an address in the network. */
  cidr(e: string, net: Network): string | undefined;
  wrapFalse(e: string): string;
  // Correlation.
  epochSeconds(ts: string): string;
  /** Rule codes ordered by time and concatenated, for temporal_ordered. */
  orderedCodes(code: string, ts: string): string;
}

/** Where a list is: `path` from the row, or from the element bound to variable `outer` (nested lists). */
export interface ListAt {
  path: string[];
  outer?: string;
}

/** `$.a.b`, quoting keys that are not plain identifiers in the dialect's style. */
export function jsonPath(keys: string[], quote: (k: string) => string): string {
  return `$${keys.map((k) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : quote(k))).join('')}`;
}

/** Standard SQL string literal: quotes doubled; NUL, which some engines refuse, as chr(0). */
export function sqlString(s: string, chr: (code: number) => string, prefix = ''): string {
  if (!s.includes('\0')) return `${prefix}'${s.replaceAll("'", "''")}'`;
  const parts = s.split('\0').map((p) => `${prefix}'${p.replaceAll("'", "''")}'`);
  return `(${parts.join(` || ${chr(0)} || `)})`;
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  return String(n);
}

/** LIKE escaping with backslash as the escape character. */
export function escapeLikeBackslash(s: string, extra = ''): string {
  const re = new RegExp(`[\\\\%_${extra}]`, 'g');
  return s.replace(re, (m) => `\\${m}`);
}

export const DECIMAL_RE = '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$';
