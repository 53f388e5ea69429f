import { describe, expect, it } from 'vitest';
import {
  compileMatchers,
  convertRule,
  type Pipeline,
  parseRules,
  type Row,
  schemaPipeline,
} from '../../lambdas/core/sigma/index.js';

type Dialect = 'duckdb' | 'athena' | 'bigquery' | 'tsql';

/** A table with a list inside a list (no source has one yet): groups[].members[]. */
const nested = schemaPipeline({
  name: 'nested',
  schema: {
    name: 'nested',
    description: 'test table',
    timeColumn: 'ts',
    columns: [
      {
        name: 'groups',
        type: { list: { struct: { name: 'string', members: { list: 'string' } } } },
        description: '',
      },
      { name: 'tags', type: { list: 'string' }, description: '' },
      { name: 'matrix', type: { list: { list: 'string' } }, description: '' },
    ],
  },
  logsource: { product: 'nested' },
});

const rule = (logsource: string, detection: string) =>
  `title: t\nlogsource: ${logsource}\ndetection:\n${detection}\n`;
const OKTA = '{product: okta, service: okta}';

function convert(text: string, dialect: Dialect, pipeline: Pipeline | 'auto' = 'auto') {
  const r = convertRule(text, { dialect, pipeline, file: 'r.yml' });
  return 'sql' in r ? r.sql : `error: ${r.error}`;
}

describe('fields inside lists: SQL per dialect', () => {
  // Two tests on one list may be met by different elements (as on Elastic's multi-valued fields);
  // `null` holds when no element has a value.
  const text = rule(
    OKTA,
    "  sel: {target.alternateId|endswith: '@corp.example', target.type: User}\n  f: {target.alternateId: null}\n  condition: sel and not f",
  );
  it('DuckDB: list_bool_or over list_transform with a Python-style lambda, NULL made FALSE', () => {
    expect(convert(text, 'duckdb')).toBe(
      `SELECT * FROM okta WHERE COALESCE(list_bool_or(list_transform("target", lambda _x1: lower(_x1."alternateid") LIKE '%@corp.example' ESCAPE '\\')), FALSE) AND COALESCE(list_bool_or(list_transform("target", lambda _x1: lower(_x1."type") = 'user')), FALSE) AND NOT (NOT (COALESCE(list_bool_or(list_transform("target", lambda _x1: _x1."alternateid" IS NOT NULL)), FALSE)))`,
    );
  });
  it('Athena: any_match, its NULL (no element TRUE, one NULL) made FALSE', () => {
    expect(convert(text, 'athena')).toBe(
      `SELECT * FROM okta WHERE COALESCE(any_match("target", _x1 -> lower(_x1."alternateid") LIKE '%@corp.example' ESCAPE '\\'), FALSE) AND COALESCE(any_match("target", _x1 -> lower(_x1."type") = 'user'), FALSE) AND NOT (NOT (COALESCE(any_match("target", _x1 -> _x1."alternateid" IS NOT NULL), FALSE)))`,
    );
  });
  it('BigQuery: EXISTS over UNNEST', () => {
    expect(convert(text, 'bigquery')).toBe(
      "SELECT * FROM okta WHERE EXISTS(SELECT 1 FROM UNNEST(`target`) AS _x1 WHERE LOWER(_x1.`alternateid`) LIKE '%@corp.example') AND EXISTS(SELECT 1 FROM UNNEST(`target`) AS _x1 WHERE LOWER(_x1.`type`) = 'user') AND NOT (NOT (EXISTS(SELECT 1 FROM UNNEST(`target`) AS _x1 WHERE _x1.`alternateid` IS NOT NULL)))",
    );
  });
  it('T-SQL: EXISTS over OPENJSON of the JSON array, fields read with JSON_VALUE', () => {
    expect(convert(text, 'tsql')).toBe(
      "SELECT * FROM okta WHERE EXISTS (SELECT 1 FROM OPENJSON([target]) AS [_x1] WHERE LOWER(JSON_VALUE([_x1].[value], N'$.alternateid')) LIKE N'%@corp.example' ESCAPE '\\') AND EXISTS (SELECT 1 FROM OPENJSON([target]) AS [_x1] WHERE LOWER(JSON_VALUE([_x1].[value], N'$.type')) = N'user') AND NOT (NOT (EXISTS (SELECT 1 FROM OPENJSON([target]) AS [_x1] WHERE JSON_VALUE([_x1].[value], N'$.alternateid') IS NOT NULL)))",
    );
  });
  it('a list inside a struct, a JSON field inside elements, a list of scalars', () => {
    const ct = '{product: aws, service: cloudtrail}';
    expect(
      convert(
        rule(OKTA, '  sel: {request.ipChain.geographicalContext.country: RU}\n  condition: sel'),
        'athena',
      ),
    ).toBe(
      `SELECT * FROM okta WHERE COALESCE(any_match("request"."ipchain", _x1 -> lower(_x1."geographicalcontext"."country") = 'ru'), FALSE)`,
    );
    expect(
      convert(rule(OKTA, '  sel: {target.detailEntry.methodTypeUsed: push}\n  condition: sel'), 'duckdb'),
    ).toBe(
      `SELECT * FROM okta WHERE COALESCE(list_bool_or(list_transform("target", lambda _x1: lower(json_extract_string(_x1."detailentry", '$.methodTypeUsed')) = 'push')), FALSE)`,
    );
    expect(
      convert(rule(ct, "  sel: {resources.ARN|startswith: 'arn:aws:s3:::'}\n  condition: not sel"), 'duckdb'),
    ).toBe(
      `SELECT * FROM cloudtrail WHERE NOT (COALESCE(list_bool_or(list_transform("resources", lambda _x1: lower(_x1."arn") LIKE 'arn:aws:s3:::%' ESCAPE '\\')), FALSE))`,
    );
    expect(
      convert(rule('{product: nested}', '  sel: {tags: prod}\n  condition: not sel'), 'duckdb', nested),
    ).toBe(
      `SELECT * FROM nested WHERE NOT (COALESCE(list_bool_or(list_transform("tags", lambda _x1: lower(_x1) = 'prod')), FALSE))`,
    );
  });
  it('a list inside a list: any element of any element, one variable per depth', () => {
    const text = rule(
      '{product: nested}',
      '  sel: {groups.members: admin}\n  none: {groups.members|exists: false}\n  condition: sel or none',
    );
    expect(convert(text, 'duckdb', nested)).toBe(
      `SELECT * FROM nested WHERE COALESCE(list_bool_or(list_transform("groups", lambda _x1: COALESCE(list_bool_or(list_transform(_x1."members", lambda _x2: lower(_x2) = 'admin')), FALSE))), FALSE) OR NOT (COALESCE(list_bool_or(list_transform("groups", lambda _x1: COALESCE(list_bool_or(list_transform(_x1."members", lambda _x2: _x2 IS NOT NULL)), FALSE))), FALSE))`,
    );
    expect(convert(text, 'athena', nested)).toBe(
      `SELECT * FROM nested WHERE COALESCE(any_match("groups", _x1 -> COALESCE(any_match(_x1."members", _x2 -> lower(_x2) = 'admin'), FALSE)), FALSE) OR NOT (COALESCE(any_match("groups", _x1 -> COALESCE(any_match(_x1."members", _x2 -> _x2 IS NOT NULL), FALSE)), FALSE))`,
    );
    expect(convert(text, 'bigquery', nested)).toBe(
      "SELECT * FROM nested WHERE EXISTS(SELECT 1 FROM UNNEST(`groups`) AS _x1 WHERE EXISTS(SELECT 1 FROM UNNEST(_x1.`members`) AS _x2 WHERE LOWER(_x2) = 'admin')) OR NOT (EXISTS(SELECT 1 FROM UNNEST(`groups`) AS _x1 WHERE EXISTS(SELECT 1 FROM UNNEST(_x1.`members`) AS _x2 WHERE _x2 IS NOT NULL)))",
    );
    expect(convert(text, 'tsql', nested)).toBe(
      "SELECT * FROM nested WHERE EXISTS (SELECT 1 FROM OPENJSON([groups]) AS [_x1] WHERE EXISTS (SELECT 1 FROM OPENJSON([_x1].[value], N'$.members') AS [_x2] WHERE LOWER([_x2].[value]) = N'admin')) OR NOT (EXISTS (SELECT 1 FROM OPENJSON([groups]) AS [_x1] WHERE EXISTS (SELECT 1 FROM OPENJSON([_x1].[value], N'$.members') AS [_x2] WHERE [_x2].[value] IS NOT NULL)))",
    );
  });
});

describe('a list of lists', () => {
  it('the inner list is the element itself', () => {
    const text = rule('{product: nested}', '  sel: {matrix: b}\n  condition: sel');
    expect(convert(text, 'duckdb', nested)).toBe(
      `SELECT * FROM nested WHERE COALESCE(list_bool_or(list_transform("matrix", lambda _x1: COALESCE(list_bool_or(list_transform(_x1, lambda _x2: lower(_x2) = 'b')), FALSE))), FALSE)`,
    );
    expect(convert(text, 'tsql', nested)).toBe(
      "SELECT * FROM nested WHERE EXISTS (SELECT 1 FROM OPENJSON([matrix]) AS [_x1] WHERE EXISTS (SELECT 1 FROM OPENJSON([_x1].[value]) AS [_x2] WHERE LOWER([_x2].[value]) = N'b'))",
    );
  });
});

describe('fields inside lists: what is refused, and how it is named', () => {
  it('a field reference to or from a list field (which elements would pair up?)', () => {
    for (const sel of [
      '{target.alternateId|fieldref: actor.alternateId}',
      '{actor.alternateId|fieldref: target.alternateId}',
    ]) {
      expect(convert(rule(OKTA, `  sel: ${sel}\n  condition: sel`), 'duckdb')).toBe(
        "error: r.yml:4 target.alternateId: field 'target.alternateId' is inside the list target (one value per element, not one per event): a field reference (fieldref) cannot use it",
      );
    }
  });
  it('a correlation grouping by, or counting, a list field', () => {
    const corr = (correlation: string) =>
      `title: c\ncorrelation: ${correlation}\n---\ntitle: m\nname: m\nlogsource: ${OKTA}\ndetection: {sel: {eventType: user.session.start}, condition: sel}\n`;
    expect(
      convert(
        corr(
          '{type: event_count, rules: [m], group-by: [target.alternateId], timespan: 1h, condition: {gte: 2}}',
        ),
        'athena',
      ),
    ).toBe(
      "error: r.yml:1 correlation.group-by: field 'target.alternateId' is inside the list target (one value per element, not one per event): a correlation cannot group by it",
    );
    expect(
      convert(
        corr(
          '{type: value_count, rules: [m], group-by: [actor.alternateId], timespan: 1h, condition: {gte: 2, field: target.id}}',
        ),
        'duckdb',
      ),
    ).toBe(
      "error: r.yml:1 correlation.condition.field: field 'target.id' is inside the list target (one value per element, not one per event): a value_count correlation cannot take its value from it",
    );
  });
  it('paths that go nowhere inside elements name the element', () => {
    expect(convert(rule(OKTA, '  sel: {target.nope: x}\n  condition: sel'), 'duckdb')).toBe(
      "error: r.yml:4 target.nope: field 'target.nope': target[] has no field 'nope'",
    );
    expect(
      convert(
        rule('{product: kubernetes, service: audit}', '  sel: {sourceIPs.x: y}\n  condition: sel'),
        'duckdb',
      ),
    ).toBe(
      "error: r.yml:4 sourceIPs.x: field 'sourceIPs.x' cannot be reached in table k8s_audit: sourceips[] is a string",
    );
  });
});

/** A matcher over rows in the table's shape (lower-case columns, lists as arrays). */
function matcher(detection: string, logsource = OKTA, pipeline: Pipeline | 'auto' = 'auto') {
  const [m] = compileMatchers(parseRules(rule(logsource, detection)), { pipeline });
  if (!m || !('match' in m)) throw new Error(m && 'error' in m ? m.error : 'no matcher');
  return m.match;
}

const table = (match: (row: Row) => boolean, cases: [Row, boolean][]) => {
  for (const [row, want] of cases) expect([row, match(row)]).toEqual([row, want]);
};

describe('fields inside lists: the matcher', () => {
  const user = (alternateid: string | null, type = 'User') => ({ type, alternateid });
  it('any element passes; two tests may be met by different elements', () => {
    table(
      matcher("  sel: {target.alternateId|endswith: '@corp.example', target.type: User}\n  condition: sel"),
      [
        [{ target: [user('a@corp.example')] }, true],
        [{ target: [{ type: 'App', alternateid: 'x' }, user('a@CORP.example')] }, true],
        [{ target: [user('a@corp.example', 'App'), user('b@other.example')] }, true],
        [{ target: [user('a@other.example')] }, false],
        [{ target: [null, user(null)] }, false],
        [{ target: [] }, false],
        [{ target: null }, false],
        [{}, false],
      ],
    );
  });
  it('null and exists: no element has a value (a missing or empty list neither)', () => {
    const none = matcher('  sel: {target.alternateId: null}\n  condition: sel');
    const some = matcher('  sel: {target.alternateId|exists: true}\n  condition: sel');
    for (const [row, isNone] of [
      [{ target: [user(null), user('a')] }, false],
      [{ target: [user(null), null] }, true],
      [{ target: [] }, true],
      [{ target: null }, true],
      [{}, true],
    ] as [Row, boolean][]) {
      expect([row, none(row), some(row)]).toEqual([row, isNone, !isNone]);
    }
  });
  it('not negates the whole any-match: true when no element passes', () => {
    table(matcher('  sel: {target.type: User}\n  condition: not sel'), [
      [{ target: [{ type: 'App' }, user('a')] }, false],
      [{ target: [{ type: 'App' }, { type: null }] }, true],
      [{ target: [] }, true],
      [{}, true],
    ]);
  });
  it('lists of scalars and lists inside lists', () => {
    table(
      matcher(
        '  sel: {sourceIPs|cidr: 10.0.0.0/8}\n  condition: sel',
        '{product: kubernetes, service: audit}',
      ),
      [
        [{ sourceips: ['192.0.2.1', '10.1.2.3'] }, true],
        [{ sourceips: ['192.0.2.1', null] }, false],
      ],
    );
    table(matcher('  sel: {groups.members: admin}\n  condition: sel', '{product: nested}', nested), [
      [
        {
          groups: [
            { name: 'a', members: ['x'] },
            { name: 'b', members: ['y', 'ADMIN'] },
          ],
        },
        true,
      ],
      [
        {
          groups: [
            { name: 'a', members: ['x'] },
            { name: 'b', members: null },
          ],
        },
        false,
      ],
    ]);
    table(matcher('  sel: {matrix: b}\n  condition: sel', '{product: nested}', nested), [
      [{ matrix: [['a'], null, [null, 'B']] }, true],
      [{ matrix: [['a'], []] }, false],
    ]);
    table(matcher('  sel: {groups.members: null}\n  condition: sel', '{product: nested}', nested), [
      [
        {
          groups: [
            { name: 'a', members: [] },
            { name: 'b', members: [null] },
          ],
        },
        true,
      ],
      [
        {
          groups: [
            { name: 'a', members: [] },
            { name: 'b', members: ['x'] },
          ],
        },
        false,
      ],
    ]);
  });
});
