import type { Network } from '../cidr.js';
import { DECIMAL_RE, type Dialect, jsonPath } from './dialect.js';
import { ipv4InNetwork, ipv6InNetwork, standardList, standardSql, standardStr } from './standard.js';

const str = standardStr;
const regexLike = (e: string, source: string) => `regexp_like(${e}, ${str(source)})`;
const jsonKey = (k: string) => `["${k.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"]`;

/**
 * Athena (Trino), the production engine. TRY_CAST everywhere a cast could fail: Trino raises on a
 * failed CAST where DuckDB would too, and a detection query must never fail on one odd row.
 */
export const athena: Dialect = {
  ...standardSql,
  name: 'athena',
  json: (path, keys) => json(standardSql.column(path), str(jsonPath(keys, jsonKey))),
  elementJson: (v, path, keys) => json(standardSql.elementColumn(v, path), str(jsonPath(keys, jsonKey))),
  // any_match is NULL for a NULL list, and when no element passes but one gives NULL: COALESCE.
  anyElement: (list, v, pred) => `COALESCE(any_match(${standardList(list)}, ${v} -> ${pred}), FALSE)`,
  regex: regexLike,
  isDecimal: (e) => `regexp_like(${e}, ${str(DECIMAL_RE)})`,
  contains: (e, p) => `strpos(${e}, ${p}) > 0`,
  endsWith: (e, p) =>
    `(length(${p}) <= length(${e}) AND substr(${e}, length(${e}) - length(${p}) + 1) = ${p})`,
  cidr: (e, net) => cidr(e, net),
  epochSeconds: (ts) => `to_unixtime(${ts})`,
  orderedCodes: (code, ts) => `array_join(array_agg(${code} ORDER BY ${ts}), '')`,
};

/**
 * DuckDB's json_extract_string gives a scalar's text and an object's or array's compact JSON text.
 * Trino's json_extract_scalar gives NULL for objects and arrays, so their text comes from
 * json_format(json_extract(...)), which is compact JSON too. json_extract gives JSON `null` (not SQL
 * NULL) for a JSON null, whose json_format is 'null': NULLIF keeps it NULL, as DuckDB has it.
 */
function json(column: string, path: string): string {
  return `COALESCE(json_extract_scalar(${column}, ${path}), NULLIF(json_format(json_extract(${column}, ${path})), 'null'))`;
}

function cidr(e: string, net: Network): string {
  if (net.family === 4) return ipv4InNetwork(e, net, regexLike);
  const l = `lower(${e})`;
  const missing = `greatest(0, 8 - cardinality(regexp_extract_all(${l}, '[0-9a-f]+')))`;
  const zeros = `':' || array_join(repeat('0', ${missing}), ':') || ':'`;
  const expanded = `regexp_replace(replace(${l}, '::', ${zeros}), '^:|:$', '')`;
  const hex = `array_join(transform(split(${expanded}, ':'), g -> lpad(g, 4, '0')), '')`;
  return ipv6InNetwork(l, hex, net, regexLike);
}
