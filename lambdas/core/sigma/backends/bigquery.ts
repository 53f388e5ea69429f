import { DECIMAL_RE, type Dialect, escapeLikeBackslash, formatNumber, jsonPath } from './dialect.js';

const quoteIdent = (name: string) => `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``;

/** BigQuery string literals use backslash escapes; every control character is written as one. */
function str(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must be escaped
  const body = s.replace(/[\\'\u0000-\u001f\u007f]/g, (c) => {
    if (c === '\\') return '\\\\';
    if (c === "'") return "\\'";
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return `'${body}'`;
}

const json = (e: string, keys: string[]) =>
  `JSON_VALUE(${e}, ${str(jsonPath(keys, (k) => `."${k.replaceAll('"', '\\"')}"`))})`;

const hex = (bytes: number[]) => bytes.map((b) => b.toString(16).padStart(2, '0')).join('');

/** BigQuery: native NET functions for networks, RE2 regular expressions. */
export const bigquery: Dialect = {
  name: 'bigquery',
  quoteIdent,
  str,
  num: formatNumber,
  lower: (e) => `LOWER(${e})`,
  text: (e) => `CAST(${e} AS STRING)`,
  column: (path) => path.map(quoteIdent).join('.'),
  json: (path, keys) => json(path.map(quoteIdent).join('.'), keys),
  // The variable is unquoted (`_x1`): an alias that no column name can be, as lake columns start with a letter.
  elementColumn: (v, path) => [v, ...path.map(quoteIdent)].join('.'),
  elementJson: (v, path, keys) => json([v, ...path.map(quoteIdent)].join('.'), keys),
  // EXISTS is never NULL: a NULL or empty array unnests to no rows.
  anyElement: (list, v, pred) => {
    const at = [...(list.outer === undefined ? [] : [list.outer]), ...list.path.map(quoteIdent)].join('.');
    return `EXISTS(SELECT 1 FROM UNNEST(${at}) AS ${v} WHERE ${pred})`;
  },
  trueExpr: 'TRUE',
  falseExpr: 'FALSE',
  // BigQuery's LIKE escapes with backslash and has no ESCAPE clause.
  like: (e, p) => `${e} LIKE ${p}`,
  escapeLike: (s) => escapeLikeBackslash(s),
  regex: (e, source) => `REGEXP_CONTAINS(${e}, ${str(source)})`,
  regexFlags: (flags) => (flags ? `(?${flags})` : ''),
  tryDouble: (e) => `SAFE_CAST(${e} AS FLOAT64)`,
  isDecimal: (e) => `REGEXP_CONTAINS(${e}, ${str(DECIMAL_RE)})`,
  contains: (e, p) => `STRPOS(${e}, ${p}) > 0`,
  startsWith: (e, p) => `STARTS_WITH(${e}, ${p})`,
  endsWith: (e, p) => `ENDS_WITH(${e}, ${p})`,
  cidr: (e, net) => {
    const ip = `NET.SAFE_IP_FROM_STRING(${e})`;
    // IP_TRUNC raises when the prefix is longer than the address, hence the length test first.
    return `(CASE WHEN BYTE_LENGTH(${ip}) = ${net.bytes.length} THEN NET.IP_TRUNC(${ip}, ${net.prefix}) END = FROM_HEX('${hex(net.bytes)}'))`;
  },
  wrapFalse: (e) => `COALESCE(${e}, FALSE)`,
  epochSeconds: (ts) => `UNIX_SECONDS(${ts})`,
  orderedCodes: (code, ts) => `STRING_AGG(${code}, '' ORDER BY ${ts})`,
};
