import { type Dialect, escapeLikeBackslash, formatNumber, jsonPath } from './dialect.js';
import { ipv4Range } from './net.js';

const quoteIdent = (name: string) => `[${name.replaceAll(']', ']]')}]`;

function str(s: string): string {
  if (!s.includes('\0')) return `N'${s.replaceAll("'", "''")}'`;
  return `(${s
    .split('\0')
    .map((p) => `N'${p.replaceAll("'", "''")}'`)
    .join(' + NCHAR(0) + ')})`;
}

const jsonKey = (k: string) => `."${k.replaceAll('"', '\\"')}"`;

/**
 * Synapse T-SQL. Synapse has no struct type, so nested fields are JSON text read with JSON_VALUE
 * and lists JSON arrays read with OPENJSON, no regular-expression predicate (the 're' modifier is
 * refused), and no IPv6 arithmetic.
 */
export const tsql: Dialect = {
  name: 'tsql',
  quoteIdent,
  str,
  num: formatNumber,
  lower: (e) => `LOWER(${e})`,
  text: (e) => `CAST(${e} AS NVARCHAR(MAX))`,
  column: (path) =>
    path.length === 1
      ? quoteIdent(path[0] as string)
      : `JSON_VALUE(${quoteIdent(path[0] as string)}, ${str(jsonPath(path.slice(1), jsonKey))})`,
  json: (path, keys) =>
    `JSON_VALUE(${quoteIdent(path[0] as string)}, ${str(jsonPath([...path.slice(1), ...keys], jsonKey))})`,
  // A list is a JSON array in the same text; OPENJSON gives a row per element, [value] holding a
  // scalar's text or an object's JSON text. EXISTS is never NULL (a NULL document gives no rows).
  elementColumn: (v, path) =>
    path.length === 0
      ? `${quoteIdent(v)}.[value]`
      : `JSON_VALUE(${quoteIdent(v)}.[value], ${str(jsonPath(path, jsonKey))})`,
  elementJson: (v, path, keys) =>
    `JSON_VALUE(${quoteIdent(v)}.[value], ${str(jsonPath([...path, ...keys], jsonKey))})`,
  anyElement: (list, v, pred) => {
    const [doc, rest] =
      list.outer === undefined
        ? [quoteIdent(list.path[0] as string), list.path.slice(1)]
        : [`${quoteIdent(list.outer)}.[value]`, list.path];
    const items =
      rest.length === 0 ? `OPENJSON(${doc})` : `OPENJSON(${doc}, ${str(jsonPath(rest, jsonKey))})`;
    return `EXISTS (SELECT 1 FROM ${items} AS ${quoteIdent(v)} WHERE ${pred})`;
  },
  trueExpr: '1 = 1',
  falseExpr: '1 = 0',
  like: (e, p) => `${e} LIKE ${p} ESCAPE '\\'`,
  // `[` opens a character class in T-SQL LIKE patterns.
  escapeLike: (s) => escapeLikeBackslash(s, '\\['),
  regexFlags: () => '',
  tryDouble: (e) => `TRY_CAST(${e} AS FLOAT)`,
  isDecimal: (e) => `(${e} NOT LIKE N'%[^0-9.eE+-]%' AND ${e} LIKE N'%[0-9]%')`,
  contains: (e, p) => `CHARINDEX(${p}, ${e}) > 0`,
  startsWith: (e, p) => `LEFT(${e}, LEN(${p})) = ${p}`,
  endsWith: (e, p) => `RIGHT(${e}, LEN(${p})) = ${p}`,
  cidr: (e, net) => {
    if (net.family === 6) return undefined;
    const [lo, hi] = ipv4Range(net);
    const octet = (i: number) => `TRY_CAST(PARSENAME(${e}, ${5 - i}) AS BIGINT)`;
    const num = `${octet(1)} * 16777216 + ${octet(2)} * 65536 + ${octet(3)} * 256 + ${octet(4)}`;
    return `(${e} NOT LIKE N'%[^0-9.]%' AND ${num} BETWEEN ${lo} AND ${hi})`;
  },
  wrapFalse: (e) => `(CASE WHEN ${e} THEN 1 ELSE 0 END) = 1`,
  epochSeconds: (ts) => `DATEDIFF_BIG(SECOND, '1970-01-01', ${ts})`,
  orderedCodes: (code, ts) => `STRING_AGG(${code}, '') WITHIN GROUP (ORDER BY ${ts})`,
};
