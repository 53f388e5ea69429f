import type { Network } from '../cidr.js';
import { SigmaError } from '../errors.js';
import { DECIMAL_RE, type Dialect, jsonPath } from './dialect.js';
import { ipv4InNetwork, ipv6InNetwork, standardSql, standardStr } from './standard.js';

const str = standardStr;
const regexMatches = (e: string, source: string) => `regexp_matches(${e}, ${str(source)})`;

function jsonKey(k: string): string {
  if (k.includes('"'))
    throw new SigmaError(`JSON key ${k} contains a double quote, which DuckDB paths cannot express`);
  return `."${k}"`;
}

/** DuckDB (the local engine): RE2 regular expressions, lambdas for the IPv6 arithmetic. */
export const duckdb: Dialect = {
  ...standardSql,
  name: 'duckdb',
  json: (path, keys) => `json_extract_string(${standardSql.column(path)}, ${str(jsonPath(keys, jsonKey))})`,
  regex: regexMatches,
  isDecimal: (e) => `regexp_matches(${e}, ${str(DECIMAL_RE)})`,
  contains: (e, p) => `contains(${e}, ${p})`,
  endsWith: (e, p) => `ends_with(${e}, ${p})`,
  cidr: (e, net) => cidr(e, net),
  epochSeconds: (ts) => `epoch(${ts})`,
  orderedCodes: (code, ts) => `string_agg(${code}, '' ORDER BY ${ts})`,
};

function cidr(e: string, net: Network): string {
  if (net.family === 4) return ipv4InNetwork(e, net, regexMatches);
  // The address as 32 lower-case hex digits: expand `::` to the missing zero groups, pad each group.
  const l = `lower(${e})`;
  const groups = `len(regexp_extract_all(${l}, '[0-9a-f]+'))`;
  const expanded = `regexp_replace(replace(${l}, '::', ':' || repeat('0:', greatest(0, 8 - ${groups}))), '^:|:$', '', 'g')`;
  const hex = `array_to_string(list_transform(string_split(${expanded}, ':'), g -> lpad(g, 4, '0')), '')`;
  return ipv6InNetwork(l, hex, net, regexMatches);
}
