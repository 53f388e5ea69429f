import { IPV4_RE, IPV6_RE, type Network } from '../cidr.js';
import { SigmaError } from '../errors.js';
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

function jsonKey(k: string): string {
  if (k.includes('"'))
    throw new SigmaError(`JSON key ${k} contains a double quote, which DuckDB paths cannot express`);
  return `."${k}"`;
}

/** DuckDB (the local engine): RE2 regular expressions, lambdas for the IPv6 arithmetic. */
export const duckdb: Dialect = {
  name: 'duckdb',
  quoteIdent,
  str,
  num: formatNumber,
  lower: (e) => `lower(${e})`,
  text: (e) => `CAST(${e} AS VARCHAR)`,
  column: (path) => path.map(quoteIdent).join('.'),
  json: (path, keys) =>
    `json_extract_string(${path.map(quoteIdent).join('.')}, ${str(jsonPath(keys, jsonKey))})`,
  trueExpr: 'TRUE',
  falseExpr: 'FALSE',
  like: (e, p) => `${e} LIKE ${p} ESCAPE '\\'`,
  escapeLike: (s) => escapeLikeBackslash(s),
  regex: (e, source) => `regexp_matches(${e}, ${str(source)})`,
  regexFlags: (flags) => (flags ? `(?${flags})` : ''),
  tryDouble: (e) => `TRY_CAST(${e} AS DOUBLE)`,
  isDecimal: (e) => `regexp_matches(${e}, ${str(DECIMAL_RE)})`,
  contains: (e, p) => `contains(${e}, ${p})`,
  startsWith: (e, p) => `starts_with(${e}, ${p})`,
  endsWith: (e, p) => `ends_with(${e}, ${p})`,
  cidr: (e, net) => cidr(e, net),
  wrapFalse: (e) => `COALESCE(${e}, FALSE)`,
  epochSeconds: (ts) => `epoch(${ts})`,
  orderedCodes: (code, ts) => `string_agg(${code}, '' ORDER BY ${ts})`,
};

function cidr(e: string, net: Network): string {
  if (net.family === 4) {
    const [lo, hi] = ipv4Range(net);
    const octet = (i: number) => `TRY_CAST(split_part(${e}, '.', ${i}) AS BIGINT)`;
    const num = `${octet(1)} * 16777216 + ${octet(2)} * 65536 + ${octet(3)} * 256 + ${octet(4)}`;
    return `(regexp_matches(${e}, ${str(IPV4_RE)}) AND ${num} BETWEEN ${lo} AND ${hi})`;
  }
  // The address as 32 lower-case hex digits: expand `::` to the missing zero groups, pad each group.
  const l = `lower(${e})`;
  const groups = `len(regexp_extract_all(${l}, '[0-9a-f]+'))`;
  const expanded = `regexp_replace(replace(${l}, '::', ':' || repeat('0:', greatest(0, 8 - ${groups}))), '^:|:$', '', 'g')`;
  const hex = `array_to_string(list_transform(string_split(${expanded}, ':'), g -> lpad(g, 4, '0')), '')`;
  const { length, prefixes } = ipv6Prefixes(net);
  const test = length === 0 ? 'TRUE' : `substr(${hex}, 1, ${length}) IN (${prefixes.map(str).join(', ')})`;
  return `(regexp_matches(${l}, ${str(IPV6_RE)}) AND ${test})`;
}
