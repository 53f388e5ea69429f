import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaQueryEngine } from '../../lambdas/adapters/aws/athena-query-engine.js';
import { DuckDbParquetEncoder } from '../../lambdas/adapters/duckdb/parquet-encoder.js';
import { DuckDbQueryEngine } from '../../lambdas/adapters/duckdb/query-engine.js';
import { FsObjectStore } from '../../lambdas/adapters/local/fs-object-store.js';
import { SqliteStateStore } from '../../lambdas/adapters/local/sqlite-state-store.js';
import { ingestObject } from '../../lambdas/core/lake/ingest.js';
import { fixedClock } from '../../lambdas/core/ports/clock.js';
import type { QueryEngine } from '../../lambdas/core/ports/query-engine.js';
import { TABLES } from '../../lambdas/core/schema/registry.js';
import { convertRule, DIALECTS } from '../../lambdas/core/sigma/index.js';
import { SOURCES } from '../../lambdas/core/sources/registry.js';
import { ctRecord } from '../fixtures/cloudtrail-records.js';
import { DuckDbAthena } from './athena-duckdb.js';

/** requestParameters of each test event: the `policy` key as an object, array, string, JSON null, absent. */
const PARAMS: Record<string, Record<string, unknown>> = {
  e1: { policy: { Effect: 'Allow' } },
  e2: { policy: [{ Effect: 'Allow' }] },
  e3: { policy: 'Allow' },
  e4: { policy: null },
  e5: { 'bucket name': 'logs' },
  e6: { policy: { Effect: 'Deny', Weight: 2 } },
};

/** resources of each test event: elements with NULL fields, no elements, no list at all. */
const RESOURCES: Record<string, unknown[] | undefined> = {
  e1: [{ ARN: 'arn:aws:s3:::logs', type: 'AWS::S3::Bucket' }],
  e2: [
    { ARN: null, type: 'AWS::S3::Bucket' },
    { ARN: 'arn:aws:iam::111122223333:role/ops', type: 'AWS::IAM::Role' },
  ],
  e3: [],
  e5: [{ ARN: null, type: null }],
  e6: [
    { ARN: 'arn:aws:s3:::other', type: 'AWS::S3::Bucket' },
    { ARN: 'arn:aws:kms:us-east-1:111122223333:key/k1', type: 'AWS::KMS::Key' },
  ],
};

const rule = (selection: string) =>
  `title: t\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  sel: ${selection}\n  condition: sel\n`;

function sigmaSql(text: string, dialect: 'duckdb' | 'athena'): string {
  const r = convertRule(text, { dialect });
  if (!('sql' in r)) throw new Error(r.error);
  return r.sql;
}

/**
 * The same CloudTrail events in one lake, queried by DuckDB (local) and by Athena (the DuckDB-answered
 * peer, whose Trino functions keep Trino's semantics): a Sigma rule's SQL for each engine must select
 * the same events and give the same result columns and rows.
 */
describe('Sigma SQL gives the same rows on DuckDB and on Athena', () => {
  let dir: string;
  let duckdb: DuckDbQueryEngine;
  let peer: DuckDbAthena;
  let athena: AthenaQueryEngine;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mantissa-athena-sigma-'));
    const store = new FsObjectStore(join(dir, 'lake'));
    const state = new SqliteStateStore(':memory:');
    const encoder = await DuckDbParquetEncoder.open();
    const records = Object.entries(PARAMS).map(([id, params]) =>
      ctRecord({
        eventID: id,
        eventName: 'PutBucketPolicy',
        requestParameters: params,
        ...(RESOURCES[id] ? { resources: RESOURCES[id] } : {}),
      }),
    );
    const report = await ingestObject(
      { store, state, encoder, clock: fixedClock(new Date('2026-11-20T12:00:00Z')), sources: SOURCES },
      {
        sourceObject: 'x.json',
        body: Buffer.from(JSON.stringify({ Records: records })),
        source: 'cloudtrail',
      },
    );
    expect(report.quarantined).toBe(0);
    await encoder.close();
    await state.close();
    duckdb = await DuckDbQueryEngine.open({ lakeRoot: store.root, tables: TABLES });
    peer = new DuckDbAthena({ lake: store, database: 'mantissa_log', workgroup: 'wg', tables: TABLES });
    athena = new AthenaQueryEngine({
      client: peer.client,
      workgroup: 'wg',
      database: 'mantissa_log',
      tables: TABLES,
      pollMs: { initial: 1, max: 5 },
    });
  });
  afterAll(async () => {
    await duckdb.close();
    peer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const both = async (sql: (d: 'duckdb' | 'athena') => string) => {
    const run = (engine: QueryEngine, d: 'duckdb' | 'athena') => engine.query(sql(d));
    return { duckdb: await run(duckdb, 'duckdb'), athena: await run(athena, 'athena') };
  };
  const selected = async (selection: string) => {
    const r = await both(
      (d) => `SELECT eventid FROM (${sigmaSql(rule(selection), d)}) AS q ORDER BY eventid`,
    );
    return { duckdb: r.duckdb.rows.map((x) => x.eventid), athena: r.athena.rows.map((x) => x.eventid) };
  };

  it('the peer answers as Trino: json_extract_scalar NULL for objects, arrays and JSON null; json_format', async () => {
    const r = await athena.query(
      `SELECT eventid, json_extract_scalar(requestparameters, '$.policy') AS s, json_format(json_extract(requestparameters, '$.policy')) AS f FROM cloudtrail ORDER BY eventid`,
    );
    expect(r.rows).toEqual([
      { eventid: 'e1', s: null, f: '{"Effect":"Allow"}' },
      { eventid: 'e2', s: null, f: '[{"Effect":"Allow"}]' },
      { eventid: 'e3', s: 'Allow', f: '"Allow"' },
      { eventid: 'e4', s: null, f: 'null' },
      { eventid: 'e5', s: null, f: null },
      { eventid: 'e6', s: null, f: '{"Effect":"Deny","Weight":2}' },
    ]);
  });

  it("a JSON field is a scalar's text, an object's or array's JSON text, NULL for JSON null, alike on both", async () => {
    const r = await both((d) => {
      const json = DIALECTS[d].json;
      return `SELECT eventid, ${json(['requestparameters'], ['policy'])} AS policy, ${json(['requestparameters'], ['bucket name'])} AS bucket FROM cloudtrail ORDER BY eventid`;
    });
    const expected = [
      { eventid: 'e1', policy: '{"Effect":"Allow"}', bucket: null },
      { eventid: 'e2', policy: '[{"Effect":"Allow"}]', bucket: null },
      { eventid: 'e3', policy: 'Allow', bucket: null },
      { eventid: 'e4', policy: null, bucket: null },
      { eventid: 'e5', policy: null, bucket: 'logs' },
      { eventid: 'e6', policy: '{"Effect":"Deny","Weight":2}', bucket: null },
    ];
    expect(r.duckdb.rows).toEqual(expected);
    expect(r.athena.rows).toEqual(expected);
  });

  it('a Sigma rule on a JSON field selects the same events on both', async () => {
    for (const [selection, events] of [
      ['{requestParameters.policy|contains: Allow}', ['e1', 'e2', 'e3']],
      [`{requestParameters.policy: '{"Effect":"Allow"}'}`, ['e1']],
      ['{requestParameters.policy: null}', ['e4', 'e5']],
      ['{requestParameters.policy|contains: Weight}', ['e6']],
    ] as const) {
      expect.soft(await selected(selection), selection).toEqual({ duckdb: events, athena: events });
    }
  });

  it('the peer answers any_match as Trino: NULL when no element passes but one gives NULL, or for a NULL array', async () => {
    const r = await athena.query(
      `SELECT eventid, any_match(resources, r -> r.arn LIKE 'arn:aws:iam%') AS m FROM cloudtrail ORDER BY eventid`,
    );
    expect(r.rows.map((x) => [x.eventid, x.m])).toEqual([
      ['e1', false],
      ['e2', true],
      ['e3', false],
      ['e4', null],
      ['e5', null],
      ['e6', false],
    ]);
  });

  it('a Sigma rule on a field inside a list selects the same events on both', async () => {
    const text = (detection: string) =>
      `title: t\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n${detection}\n`;
    for (const [detection, events] of [
      ["  sel: {resources.type: 'AWS::S3::Bucket'}\n  condition: sel", ['e1', 'e2', 'e6']],
      ["  sel: {resources.ARN|startswith: 'arn:aws:iam::'}\n  condition: sel", ['e2']],
      ['  sel: {resources.ARN: null}\n  condition: sel', ['e3', 'e4', 'e5']],
      // e2 and e5: any_match is NULL there (a NULL ARN, no S3 one); NOT of it must still be true.
      ["  sel: {resources.ARN|startswith: 'arn:aws:s3:::'}\n  condition: not sel", ['e2', 'e3', 'e4', 'e5']],
    ] as const) {
      const r = await both(
        (d) => `SELECT eventid FROM (${sigmaSql(text(detection), d)}) AS q ORDER BY eventid`,
      );
      const ids = {
        duckdb: r.duckdb.rows.map((x) => x.eventid),
        athena: r.athena.rows.map((x) => x.eventid),
      };
      expect.soft(ids, detection).toEqual({ duckdb: events, athena: events });
    }
  });

  it('a correlation names its group-by columns in lower case: same columns and rows on both', async () => {
    const text = `title: Burst
correlation: {type: event_count, rules: [puts], group-by: [sourceIPAddress, userIdentity.arn], timespan: 10m, condition: {gte: 5}}
---
title: Puts
name: puts
logsource: {product: aws, service: cloudtrail}
detection: {sel: {eventName: PutBucketPolicy}, condition: sel}
`;
    const r = await both((d) => sigmaSql(text, d));
    const columns = [
      'sourceipaddress',
      'useridentity.arn',
      'window_start',
      'first_seen',
      'last_seen',
      'event_count',
    ];
    expect(r.duckdb.columns.map((c) => c.name)).toEqual(columns);
    expect(r.athena.columns.map((c) => c.name)).toEqual(columns);
    const expected = [
      {
        sourceipaddress: '198.51.100.23',
        'useridentity.arn': 'arn:aws:iam::111122223333:user/alice',
        window_start: Date.parse('2026-11-20T10:10:00Z') / 1000,
        first_seen: '2026-11-20T10:15:00Z',
        last_seen: '2026-11-20T10:15:00Z',
        event_count: 6,
      },
    ];
    expect(r.duckdb.rows).toEqual(expected);
    expect(r.athena.rows).toEqual(expected);
  });
});
