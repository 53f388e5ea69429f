import type { Network } from '../cidr.js';
import { SigmaError } from '../errors.js';
import { DECIMAL_RE, type Dialect, jsonPath } from './dialect.js';
import { ipv4InNetwork, ipv6InNetwork, standardList, standardSql, standardStr } from './standard.js';

const str = standardStr;
const regexMatches = (e: string, source: string) => `regexp_matches(${e}, ${str(source)})`;

function jsonKey(k: string): string {
  if (k.includes('"'))
    throw new SigmaError(`JSON key ${k} contains a double quote, which DuckDB paths cannot express`);
  return `."${k}"`;
}

const json = (e: string, keys: string[]) => `json_extract_string(${e}, ${str(jsonPath(keys, jsonKey))})`;

/** DuckDB (the local engine): RE2 regular expressions, lambdas for the IPv6 arithmetic. */
export const duckdb: Dialect = {
  ...standardSql,
  name: 'duckdb',
  json: (path, keys) => json(standardSql.column(path), keys),
  elementJson: (v, path, keys) => json(standardSql.elementColumn(v, path), keys),
  // list_bool_or skips NULLs and is NULL for a NULL or empty list: COALESCE makes that FALSE.
  // Python-style lambdas: DuckDB 1.3 deprecated `x -> ...`, which 2.0 disables by default.
  anyElement: (list, v, pred) =>
    `COALESCE(list_bool_or(list_transform(${standardList(list)}, lambda ${v}: ${pred})), FALSE)`,
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
  const hex = `array_to_string(list_transform(string_split(${expanded}, ':'), lambda g: lpad(g, 4, '0')), '')`;
  return ipv6InNetwork(l, hex, net, regexMatches);
}
