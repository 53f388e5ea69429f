import { describe, expect, it } from 'vitest';
import { convertFolder, convertRule } from '../../lambdas/core/sigma/index.js';

const RULE = `title: Test
id: 11111111-2222-3333-4444-555555555555
logsource: {product: aws, service: cloudtrail}
detection:
  sel:
    eventSource: iam.amazonaws.com
    eventName|startswith: [Create, 'Put*Policy']
    requestParameters.userName|contains: "o'brien"
  filter:
    userIdentity.sessionContext.sessionIssuer.type: Role
    errorCode: null
  condition: sel and not filter
`;

const sql = (dialect: 'duckdb' | 'athena' | 'bigquery' | 'tsql', text = RULE, extra = {}) => {
  const r = convertRule(text, { dialect, ...extra });
  if (!('sql' in r)) throw new Error(r.error);
  return r.sql;
};

describe('convertRule with the CloudTrail pipeline', () => {
  it('renders DuckDB: struct access, JSON paths, LIKE with ESCAPE, COALESCE only under NOT', () => {
    expect(sql('duckdb')).toBe(
      `SELECT * FROM cloudtrail WHERE lower("eventsource") = 'iam.amazonaws.com' AND (lower("eventname") LIKE 'create%' ESCAPE '\\' OR lower("eventname") LIKE 'put%policy%' ESCAPE '\\') AND lower(json_extract_string("requestparameters", '$.userName')) LIKE '%o''brien%' ESCAPE '\\' AND NOT (COALESCE(lower("useridentity"."sessioncontext"."sessionissuer"."type") = 'role', FALSE) AND "errorcode" IS NULL)`,
    );
  });
  it('renders Athena JSON fields as json_extract_scalar, else the JSON text of an object or array', () => {
    expect(sql('athena')).toBe(
      `SELECT * FROM cloudtrail WHERE lower("eventsource") = 'iam.amazonaws.com' AND (lower("eventname") LIKE 'create%' ESCAPE '\\' OR lower("eventname") LIKE 'put%policy%' ESCAPE '\\') AND lower(COALESCE(json_extract_scalar("requestparameters", '$.userName'), NULLIF(json_format(json_extract("requestparameters", '$.userName')), 'null'))) LIKE '%o''brien%' ESCAPE '\\' AND NOT (COALESCE(lower("useridentity"."sessioncontext"."sessionissuer"."type") = 'role', FALSE) AND "errorcode" IS NULL)`,
    );
  });
  it('renders BigQuery with backslash-escaped literals', () => {
    expect(sql('bigquery')).toBe(
      "SELECT * FROM cloudtrail WHERE LOWER(`eventsource`) = 'iam.amazonaws.com' AND (LOWER(`eventname`) LIKE 'create%' OR LOWER(`eventname`) LIKE 'put%policy%') AND LOWER(JSON_VALUE(`requestparameters`, '$.userName')) LIKE '%o\\'brien%' AND NOT (COALESCE(LOWER(`useridentity`.`sessioncontext`.`sessionissuer`.`type`) = 'role', FALSE) AND `errorcode` IS NULL)",
    );
  });
  it('renders T-SQL with JSON_VALUE for nested fields and CASE for NULL-safe negation', () => {
    expect(sql('tsql')).toBe(
      "SELECT * FROM cloudtrail WHERE LOWER([eventsource]) = N'iam.amazonaws.com' AND (LOWER([eventname]) LIKE N'create%' ESCAPE '\\' OR LOWER([eventname]) LIKE N'put%policy%' ESCAPE '\\') AND LOWER(JSON_VALUE([requestparameters], N'$.userName')) LIKE N'%o''brien%' ESCAPE '\\' AND NOT ((CASE WHEN LOWER(JSON_VALUE([useridentity], N'$.sessioncontext.sessionissuer.type')) = N'role' THEN 1 ELSE 0 END) = 1 AND [errorcode] IS NULL)",
    );
  });
  it('refuses a field the table does not have, naming file, line and field', () => {
    const r = convertRule(RULE.replace('eventSource:', 'status:'), { dialect: 'duckdb', file: 'r.yml' });
    expect(r).toEqual({
      id: '11111111-2222-3333-4444-555555555555',
      error: "r.yml:6 status: field 'status' is not a column of table cloudtrail",
    });
  });
  it('refuses a logsource without a pipeline unless told to use none', () => {
    const text = RULE.replace('{product: aws, service: cloudtrail}', '{product: okta, service: okta}');
    expect('error' in convertRule(text, { dialect: 'duckdb' })).toBe(true);
    expect(sql('duckdb', text, { pipeline: false, table: 'okta' })).toContain(
      'FROM okta WHERE lower(CAST("eventSource" AS VARCHAR))',
    );
  });
});

describe('no-pipeline mode and escaping', () => {
  const rule = (value: string) => `title: Esc
logsource: {product: x}
detection:
  sel:
    a.b|contains: ${JSON.stringify(value)}
  condition: sel
`;
  it('keeps every awkward value inside its literal', () => {
    expect(sql('duckdb', rule("it's \\\\ 100%_done\n"), { pipeline: false, table: 'events' })).toBe(
      `SELECT * FROM events WHERE lower(CAST("a"."b" AS VARCHAR)) LIKE '%it''s \\\\ 100\\%\\_done\n%' ESCAPE '\\'`,
    );
    expect(sql('duckdb', rule('nul\u0000here'), { pipeline: false, table: 'events' })).toBe(
      `SELECT * FROM events WHERE lower(CAST("a"."b" AS VARCHAR)) LIKE ('%nul' || chr(0) || 'here%') ESCAPE '\\'`,
    );
    expect(sql('bigquery', rule("q'\\\\\n\u0000"), { pipeline: false, table: 'events' })).toBe(
      "SELECT * FROM events WHERE LOWER(CAST(`a`.`b` AS STRING)) LIKE '%q\\'\\\\\\\\\\n\\x00%'",
    );
    expect(sql('tsql', rule('[x]'), { pipeline: false, table: 'events' })).toBe(
      "SELECT * FROM events WHERE LOWER(CAST(JSON_VALUE([a], N'$.b') AS NVARCHAR(MAX))) LIKE N'%\\[x]%' ESCAPE '\\'",
    );
  });
  it('folds case code point by code point (İ -> i, as SQL lower() does)', () => {
    expect(sql('duckdb', rule('İSTANBUL'), { pipeline: false, table: 'events' })).toContain(
      "LIKE '%istanbul%'",
    );
  });
});

describe('correlations', () => {
  const text = `title: Many failed logins
id: c1
correlation:
  type: event_count
  rules: [failed]
  group-by: [userIdentity.arn]
  timespan: 10m
  condition: {gte: 10}
---
title: Failed login
name: failed
logsource: {product: aws, service: cloudtrail}
detection:
  sel: {eventName: ConsoleLogin}
  condition: sel
`;
  it('renders event_count as GROUP BY over tumbling windows', () => {
    expect(sql('duckdb', text)).toBe(
      [
        'WITH "matches" AS (',
        `  SELECT 'a' AS "sigma_rule", "ts" AS "event_time", "useridentity"."arn" AS "useridentity.arn"`,
        '  FROM "cloudtrail"',
        `  WHERE lower("eventname") = 'consolelogin'`,
        ')',
        'SELECT "useridentity.arn", FLOOR(epoch("event_time") / 600) * 600 AS "window_start", MIN("event_time") AS "first_seen", MAX("event_time") AS "last_seen", COUNT(*) AS "event_count"',
        'FROM "matches"',
        'GROUP BY "useridentity.arn", FLOOR(epoch("event_time") / 600) * 600',
        'HAVING COUNT(*) >= 10',
      ].join('\n'),
    );
  });
  it('renders temporal_ordered as an ordered subsequence of rule codes', () => {
    const ordered = text
      .replace('type: event_count', 'type: temporal_ordered')
      .replace('rules: [failed]', 'rules: [failed, ok]')
      .replace('  condition: {gte: 10}\n', '')
      .concat(
        '---\ntitle: ok\nname: ok\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s: {eventName: X}\n  condition: s\n',
      );
    expect(sql('athena', ordered)).toContain(
      `HAVING COUNT(DISTINCT "sigma_rule") = 2 AND array_join(array_agg("sigma_rule" ORDER BY "event_time"), '') LIKE '%a%b%'`,
    );
  });
  it('names group-by columns in lower case in every dialect (Athena returns them so)', () => {
    for (const dialect of ['duckdb', 'athena', 'bigquery', 'tsql'] as const) {
      const out = sql(dialect, text.replace('[userIdentity.arn]', '[userIdentity.arn, sourceIPAddress]'));
      const aliases = [...out.matchAll(/ AS ["`[]([^"`\]]+)["`\]]/g)].map((m) => m[1]);
      expect.soft(aliases, dialect).toEqual(aliases.map((a) => a?.toLowerCase()));
      expect.soft(aliases, dialect).toContain('sourceipaddress');
      expect.soft(out, dialect).toMatch(/GROUP BY .useridentity\.arn., .sourceipaddress., FLOOR/);
    }
  });
  it('refuses group-by fields that would give one column twice, or a column of its own', () => {
    const error = (groupBy: string) => {
      const r = convertRule(text.replace('[userIdentity.arn]', groupBy), {
        dialect: 'duckdb',
        file: 'c.yml',
      });
      return 'error' in r ? r.error : r.sql;
    };
    expect(error('[sourceIPAddress, sourceipaddress]')).toBe(
      'c.yml:1 correlation.group-by: group-by fields sourceIPAddress and sourceipaddress would both be result column sourceipaddress (result columns are lower case)',
    );
    expect(error('[event_count]')).toMatch(
      /^c\.yml:1 correlation\.group-by: group-by field event_count clashes with the query's own column event_count$/,
    );
  });
  it('refuses a correlation over a rule it cannot find', () => {
    const r = convertRule(text.split('---')[0] as string, { dialect: 'duckdb', file: 'c.yml' });
    expect(r).toEqual({
      id: 'c1',
      error:
        "c.yml:1 correlation.rules: correlation refers to rule 'failed', which is not among the rules given",
    });
  });
});

describe('convertFolder', () => {
  it('applies filters across files and keys results by rule id', () => {
    const out = convertFolder(
      [
        { path: 'a.yml', text: RULE },
        {
          path: 'f.yml',
          text: `title: F\nlogsource: {product: aws, service: cloudtrail}\nfilter:\n  rules: [11111111-2222-3333-4444-555555555555]\n  sel: {awsRegion: eu-west-1}\n  condition: not sel\n`,
        },
        { path: 'bad.yml', text: 'title: [' },
      ],
      { dialect: 'duckdb' },
    );
    const a = out['11111111-2222-3333-4444-555555555555'];
    expect(
      a && 'sql' in a && a.sql.endsWith(`AND NOT (COALESCE(lower("awsregion") = 'eu-west-1', FALSE))`),
    ).toBe(true);
    expect(out['bad.yml']).toEqual({
      error: 'bad.yml:1: invalid YAML: unexpected end of the stream within a flow collection',
    });
    expect(Object.keys(out)).toHaveLength(2);
  });
});
