import { IPV4_RE, IPV6_RE, type Network } from '../cidr.js';
import { type Dialect, escapeLikeBackslash, formatNumber, type ListAt, sqlString } from './dialect.js';
import { ipv4Range, ipv6Prefixes } from './net.js';

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** A string literal in DuckDB and Trino: quotes doubled, control characters through chr(). */
export const standardStr = (s: string) => sqlString(s, (c) => `chr(${c})`);

/**
 * The tokens DuckDB and Athena (Trino) spell alike; each of those dialects spreads this and adds
 * what differs (function names for regex, JSON, substrings, epoch and ordered aggregation).
 */
export const standardSql = {
  quoteIdent,
  str: standardStr,
  num: formatNumber,
  lower: (e: string) => `lower(${e})`,
  text: (e: string) => `CAST(${e} AS VARCHAR)`,
  column: (path: string[]) => path.map(quoteIdent).join('.'),
  // The variable stays unquoted: the compiler names it `_x<depth>`, which no lake column is (they
  // start with a letter), so it cannot be mistaken for a column: DuckDB binds a lambda parameter
  // that shares a column's name to the column.
  elementColumn: (v: string, path: string[]) => [v, ...path.map(quoteIdent)].join('.'),
  trueExpr: 'TRUE',
  falseExpr: 'FALSE',
  like: (e: string, p: string) => `${e} LIKE ${p} ESCAPE '\\'`,
  escapeLike: (s: string) => escapeLikeBackslash(s),
  regexFlags: (flags: string) => (flags ? `(?${flags})` : ''),
  tryDouble: (e: string) => `TRY_CAST(${e} AS DOUBLE)`,
  startsWith: (e: string, p: string) => `starts_with(${e}, ${p})`,
  wrapFalse: (e: string) => `COALESCE(${e}, FALSE)`,
} satisfies Partial<Dialect>;

/** The list expression: a column path, or fields of an outer element. */
export function standardList(list: ListAt): string {
  return list.outer === undefined
    ? standardSql.column(list.path)
    : standardSql.elementColumn(list.outer, list.path);
}

/** IPv4 membership by arithmetic on the octets, after a shape check with the dialect's regex function. */
export function ipv4InNetwork(e: string, net: Network, regex: NonNullable<Dialect['regex']>): string {
  const [lo, hi] = ipv4Range(net);
  const octet = (i: number) => `TRY_CAST(split_part(${e}, '.', ${i}) AS BIGINT)`;
  const num = `${octet(1)} * 16777216 + ${octet(2)} * 65536 + ${octet(3)} * 256 + ${octet(4)}`;
  return `(${regex(e, IPV4_RE)} AND ${num} BETWEEN ${lo} AND ${hi})`;
}

/**
 * IPv6 membership: `hex` is the dialect's expression for the address as 32 lower-case hex digits;
 * the network's prefixes are compared against its start.
 */
export function ipv6InNetwork(
  lowered: string,
  hex: string,
  net: Network,
  regex: NonNullable<Dialect['regex']>,
): string {
  const { length, prefixes } = ipv6Prefixes(net);
  const test =
    length === 0 ? 'TRUE' : `substr(${hex}, 1, ${length}) IN (${prefixes.map(standardStr).join(', ')})`;
  return `(${regex(lowered, IPV6_RE)} AND ${test})`;
}
