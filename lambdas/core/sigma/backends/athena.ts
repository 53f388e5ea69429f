import { IPV4_RE, IPV6_RE, type Network } from '../cidr.js';
import {
  DECIMAL_RE,
  type Dialect,
  escapeLikeBackslash,
  formatNumber,
  jsonPath,
  sqlString,
} from './dialect.js';
import { ipv4Range, ipv6Prefixes } from './net.js';

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
const str = (s: string) => sqlString(s, (c) => `chr(${c})`);
const jsonKey = (k: string) => `["${k.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"]`;

/**
 * Athena (Trino), the production engine. TRY_CAST everywhere a cast could fail: Trino raises on a
 * failed CAST where DuckDB would too, and a detection query must never fail on one odd row.
 */
export const athena: Dialect = {
  name: 'athena',
  quoteIdent,
  str,
  num: formatNumber,
  lower: (e) => `lower(${e})`,
  text: (e) => `CAST(${e} AS VARCHAR)`,
  column: (path) => path.map(quoteIdent).join('.'),
  // json_extract_scalar returns NULL for objects and arrays (DuckDB returns their JSON text).
  json: (path, keys) =>
    `json_extract_scalar(${path.map(quoteIdent).join('.')}, ${str(jsonPath(keys, jsonKey))})`,
  trueExpr: 'TRUE',
  falseExpr: 'FALSE',
  like: (e, p) => `${e} LIKE ${p} ESCAPE '\\'`,
  escapeLike: (s) => escapeLikeBackslash(s),
  regex: (e, source) => `regexp_like(${e}, ${str(source)})`,
  regexFlags: (flags) => (flags ? `(?${flags})` : ''),
  tryDouble: (e) => `TRY_CAST(${e} AS DOUBLE)`,
  isDecimal: (e) => `regexp_like(${e}, ${str(DECIMAL_RE)})`,
  contains: (e, p) => `strpos(${e}, ${p}) > 0`,
  startsWith: (e, p) => `starts_with(${e}, ${p})`,
  endsWith: (e, p) =>
    `(length(${p}) <= length(${e}) AND substr(${e}, length(${e}) - length(${p}) + 1) = ${p})`,
  cidr: (e, net) => cidr(e, net),
  wrapFalse: (e) => `COALESCE(${e}, FALSE)`,
  epochSeconds: (ts) => `to_unixtime(${ts})`,
  orderedCodes: (code, ts) => `array_join(array_agg(${code} ORDER BY ${ts}), '')`,
};

function cidr(e: string, net: Network): string {
  if (net.family === 4) {
    const [lo, hi] = ipv4Range(net);
    const octet = (i: number) => `TRY_CAST(split_part(${e}, '.', ${i}) AS BIGINT)`;
    const num = `${octet(1)} * 16777216 + ${octet(2)} * 65536 + ${octet(3)} * 256 + ${octet(4)}`;
    return `(regexp_like(${e}, ${str(IPV4_RE)}) AND ${num} BETWEEN ${lo} AND ${hi})`;
  }
  const l = `lower(${e})`;
  const missing = `greatest(0, 8 - cardinality(regexp_extract_all(${l}, '[0-9a-f]+')))`;
  const zeros = `':' || array_join(repeat('0', ${missing}), ':') || ':'`;
  const expanded = `regexp_replace(replace(${l}, '::', ${zeros}), '^:|:$', '')`;
  const hex = `array_join(transform(split(${expanded}, ':'), g -> lpad(g, 4, '0')), '')`;
  const { length, prefixes } = ipv6Prefixes(net);
  const test = length === 0 ? 'TRUE' : `substr(${hex}, 1, ${length}) IN (${prefixes.map(str).join(', ')})`;
  return `(regexp_like(${l}, ${str(IPV6_RE)}) AND ${test})`;
}
