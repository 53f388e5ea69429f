import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileMatchers, convertRule, parseRules } from '../../lambdas/core/sigma/index.js';
import { SOURCES } from '../../lambdas/core/sources/registry.js';
import { ctRecord } from '../fixtures/cloudtrail-records.js';
import { ndjsonBody } from '../fixtures/datasets.js';
import { type Lake, openLake } from '../fixtures/lake.js';

const entity = (id: string, type: string, alternateId: string | null, displayName: string) => ({
  id,
  type,
  alternateId,
  displayName,
});

/** Okta events by uuid, each with its own `target` list: several elements, none, empty, nulls. */
const TARGETS: Record<string, unknown[] | undefined> = {
  o1: [
    entity('u1', 'User', 'alice@corp.example', 'Alice'),
    entity('a1', 'AppInstance', 'okta-admin', 'Okta Admin Console'),
  ],
  o2: [entity('u2', 'User', 'bob@corp.example', 'Bob')],
  o3: [],
  o4: undefined,
  o5: [entity('u5', 'User', null, 'No login'), entity('g5', 'UserGroup', null, 'Admins')],
};

const oktaRecord = (uuid: string) => ({
  uuid,
  published: '2026-11-21T07:00:00.000Z',
  eventType: 'group.user_membership.add',
  severity: 'INFO',
  actor: { id: 'adm', type: 'User', alternateId: 'admin@corp.example', displayName: 'Admin' },
  ...(TARGETS[uuid] === undefined ? {} : { target: TARGETS[uuid] }),
});

/** CloudTrail events by eventID, each with its own `resources` list. */
const RESOURCES: Record<string, unknown[] | undefined> = {
  c1: [
    { ARN: 'arn:aws:s3:::logs', type: 'AWS::S3::Bucket', accountId: '111122223333' },
    { ARN: 'arn:aws:s3:::logs/2026/a.gz', type: 'AWS::S3::Object' },
  ],
  c2: [
    { ARN: null, type: 'AWS::S3::Bucket' },
    { ARN: 'arn:aws:iam::111122223333:role/ops', type: 'AWS::IAM::Role' },
  ],
  c3: [],
  c4: undefined,
  c5: [{ ARN: null, type: null }],
};

const ctRecords = Object.entries(RESOURCES).map(([eventID, resources]) =>
  ctRecord({ eventID, eventTime: '2026-11-21T07:00:00Z', ...(resources ? { resources } : {}) }),
);

/**
 * Sigma fields inside list columns on the real tables: records ingested by their sources into
 * Parquet, each rule's DuckDB SQL run over the table, and the in-memory matcher run over the rows the
 * source normalised. Both must select exactly the expected events.
 */
describe('Sigma fields inside lists: DuckDB over the lake and the matcher, exact events', () => {
  let lake: Lake;
  const rows = new Map<string, Record<string, unknown>[]>();

  beforeAll(async () => {
    lake = await openLake();
    const okta = await lake.ingestBody(
      'okta/lists.ndjson',
      ndjsonBody(Object.keys(TARGETS).map(oktaRecord)),
      'okta',
    );
    const ct = await lake.ingestBody(
      'ct/lists.json',
      Buffer.from(JSON.stringify({ Records: ctRecords })),
      'cloudtrail',
    );
    expect([okta.quarantined, ct.quarantined]).toEqual([0, 0]);
    const ctx = { sourceObject: 'x', ingestTs: new Date('2026-11-21T08:00:00Z') };
    for (const [source, records] of [
      ['okta', Object.keys(TARGETS).map(oktaRecord)],
      ['cloudtrail', ctRecords],
    ] as const) {
      const module = SOURCES.find((s) => s.name === source);
      for (const r of records)
        for (const { table, row } of module?.normalise(r, ctx) ?? [])
          rows.set(table, [...(rows.get(table) ?? []), row]);
    }
  });
  afterAll(() => lake.close());

  /** The events a selection picks, by DuckDB and by the matcher. */
  async function selected(logsource: string, detection: string, id: 'uuid' | 'eventid') {
    const text = `title: t\nlogsource: ${logsource}\ndetection:\n${detection}\n`;
    const r = convertRule(text, { dialect: 'duckdb' });
    if (!('sql' in r)) throw new Error(r.error);
    const sql = (await lake.query(`SELECT ${id} FROM (${r.sql}) AS q ORDER BY 1`)).map((x) => x[id]);
    const [m] = compileMatchers(parseRules(text), {});
    if (!m || !('match' in m)) throw new Error('no matcher');
    const matcher = (rows.get(m.table) ?? []).filter((row) => m.match(row)).map((row) => row[id]);
    return { sql, matcher: matcher.sort() };
  }

  const OKTA = '{product: okta, service: okta}';
  it.each([
    [
      'any element: the second target is the console',
      "  sel: {target.displayName: 'Okta Admin Console'}\n  condition: sel",
      ['o1'],
    ],
    [
      'two tests may be met by different targets',
      "  sel: {target.type: AppInstance, target.alternateId|endswith: '@corp.example'}\n  condition: sel",
      ['o1'],
    ],
    [
      'some target is a user with a login',
      "  sel: {target.alternateId|endswith: '@corp.example'}\n  condition: sel",
      ['o1', 'o2'],
    ],
    [
      'null: no target has a login (none, empty, all null)',
      '  sel: {target.alternateId: null}\n  condition: sel',
      ['o3', 'o4', 'o5'],
    ],
    [
      'exists: some target has a login',
      '  sel: {target.alternateId|exists: true}\n  condition: sel',
      ['o1', 'o2'],
    ],
    [
      'not: no target is a group',
      '  sel: {target.type: UserGroup}\n  condition: not sel',
      ['o1', 'o2', 'o3', 'o4'],
    ],
    [
      'not over a wildcard: no target login ends with bob@...',
      "  sel: {target.alternateId: 'bob@*'}\n  condition: not sel",
      ['o1', 'o3', 'o4', 'o5'],
    ],
  ])('okta target: %s', async (_name, detection, want) => {
    expect(await selected(OKTA, detection, 'uuid')).toEqual({ sql: want, matcher: want });
  });

  const CT = '{product: aws, service: cloudtrail}';
  it.each([
    [
      'any element: an S3 object among the resources',
      "  sel: {resources.type: 'AWS::S3::Object'}\n  condition: sel",
      ['c1'],
    ],
    [
      'an element whose ARN is NULL does not hide the next',
      "  sel: {resources.ARN|startswith: 'arn:aws:iam::'}\n  condition: sel",
      ['c2'],
    ],
    ['none: no resource has an ARN', '  sel: {resources.ARN: null}\n  condition: sel', ['c3', 'c4', 'c5']],
    [
      'not: no resource ARN is in S3 (NULL ARNs are not S3)',
      "  sel: {resources.ARN|startswith: 'arn:aws:s3:::'}\n  condition: not sel",
      ['c2', 'c3', 'c4', 'c5'],
    ],
    [
      'and with a scalar column',
      '  sel: {eventName: ListBuckets, resources.type|contains: s3}\n  condition: sel',
      ['c1', 'c2'],
    ],
  ])('cloudtrail resources: %s', async (_name, detection, want) => {
    expect(await selected(CT, detection, 'eventid')).toEqual({ sql: want, matcher: want });
  });

  it.each([
    [
      'a list of objects named whole searches every field of every element',
      "  sel: {resources|contains: 'AWS::IAM'}\n  condition: sel",
      ['c2'],
    ],
    [
      'the match may be in any field (account id, or inside an ARN)',
      "  sel: {resources|contains: '111122223333'}\n  condition: sel",
      ['c1', 'c2'],
    ],
    [
      'not: no field of any resource names S3',
      "  sel: {resources|contains: 's3'}\n  condition: not sel",
      ['c3', 'c4', 'c5'],
    ],
    [
      'null is about the objects themselves: c5 has one, its fields empty',
      '  sel: {resources: null}\n  condition: sel',
      ['c3', 'c4'],
    ],
  ])('cloudtrail resources as objects: %s', async (_name, detection, want) => {
    expect(await selected(CT, detection, 'eventid')).toEqual({ sql: want, matcher: want });
  });

  it.each([
    [OKTA, "'Okta Admin Console'", 'uuid', ['o1']],
    [OKTA, "'bob@corp'", 'uuid', ['o2']],
    [CT, "'role/ops'", 'eventid', ['c2']],
    [CT, "'AWS::S3::Object'", 'eventid', ['c1']],
  ] as const)('a keyword is found inside list elements: %s %s', async (logsource, keyword, id, want) => {
    const detection = `  keywords: [${keyword}]\n  condition: keywords`;
    expect(await selected(logsource, detection, id)).toEqual({ sql: want, matcher: want });
  });

  it('an object named whole is searched field by field, in every dialect (Athena cannot cast a row to text)', () => {
    const text =
      "title: t\nlogsource: {product: okta, service: okta}\ndetection:\n  sel: {actor|contains: 'admin'}\n  condition: sel\n";
    for (const dialect of ['duckdb', 'athena', 'bigquery'] as const) {
      const r = convertRule(text, { dialect });
      if (!('sql' in r)) throw new Error(r.error);
      expect(r.sql, dialect).not.toMatch(/CAST\("?actor"? AS/i);
      expect(r.sql, dialect).toMatch(/alternateid/);
      expect(r.sql, dialect).toMatch(/displayname/);
    }
  });
});
