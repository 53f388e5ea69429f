import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDbQueryEngine } from '../../lambdas/adapters/duckdb/query-engine.js';
import { type IngestDeps, ingestObject } from '../../lambdas/core/lake/ingest.js';
import { Manifest } from '../../lambdas/core/lake/manifest.js';
import type { fixedClock } from '../../lambdas/core/ports/clock.js';
import { ctRecord } from '../fixtures/cloudtrail-records.js';
import { type Lake, openLake } from '../fixtures/lake.js';

describe('ingest into the lake (real DuckDB, real files)', () => {
  let lake: Lake;
  let deps: IngestDeps;
  let engine: DuckDbQueryEngine;

  beforeAll(async () => {
    lake = await openLake();
    deps = lake.deps;
    engine = lake.engine;
  });
  afterAll(() => lake.close());

  it('writes a gzip {"Records": [...]} object as Parquet partitioned by event hour, with the common columns', async () => {
    const records = [
      ctRecord({ eventID: 'e-1', eventTime: '2026-11-20T10:15:00Z' }),
      ctRecord({
        eventID: 'e-2',
        eventTime: '2026-11-20T10:59:59Z',
        errorCode: 'AccessDenied',
        errorMessage: 'denied',
      }),
      ctRecord({
        eventID: 'e-3',
        eventTime: '2026-11-20T11:00:00Z',
        userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root' },
      }),
    ];
    const key =
      'AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/111122223333_CloudTrail_us-east-1_20261120T1015Z_abc.json.gz';
    const report = await ingestObject(deps, {
      sourceObject: key,
      body: gzipSync(JSON.stringify({ Records: records })),
    });
    expect(report).toMatchObject({
      source: 'cloudtrail',
      detectedBy: 'key',
      records: 3,
      written: 3,
      quarantined: 0,
      tables: { cloudtrail: 3 },
    });

    const files = (await deps.store.list('tables/cloudtrail/')).map((f) =>
      f.key.replace(/[0-9a-f]{24}/, 'BATCH'),
    );
    expect(files).toEqual([
      'tables/cloudtrail/dt=2026-11-20/hour=10/BATCH-0.parquet',
      'tables/cloudtrail/dt=2026-11-20/hour=11/BATCH-0.parquet',
    ]);
    const result = await engine.query(
      `SELECT event_id, ts, eventtime, dt, hour, errorcode, useridentity.type AS identity_type, useridentity.username AS user_name,
              json_extract_string(requestparameters, '$.Host') AS host, ingest_ts, source_object
       FROM cloudtrail ORDER BY ts`,
    );
    expect(result.rows).toEqual([
      {
        event_id: 'e-1',
        ts: '2026-11-20T10:15:00Z',
        eventtime: '2026-11-20T10:15:00Z',
        dt: '2026-11-20',
        hour: '10',
        errorcode: null,
        identity_type: 'IAMUser',
        user_name: 'alice',
        host: 's3.us-east-1.amazonaws.com',
        ingest_ts: '2026-11-21T08:00:00Z',
        source_object: key,
      },
      {
        event_id: 'e-2',
        ts: '2026-11-20T10:59:59Z',
        eventtime: '2026-11-20T10:59:59Z',
        dt: '2026-11-20',
        hour: '10',
        errorcode: 'AccessDenied',
        identity_type: 'IAMUser',
        user_name: 'alice',
        host: 's3.us-east-1.amazonaws.com',
        ingest_ts: '2026-11-21T08:00:00Z',
        source_object: key,
      },
      {
        event_id: 'e-3',
        ts: '2026-11-20T11:00:00Z',
        eventtime: '2026-11-20T11:00:00Z',
        dt: '2026-11-20',
        hour: '11',
        errorcode: null,
        identity_type: 'Root',
        user_name: null,
        host: 's3.us-east-1.amazonaws.com',
        ingest_ts: '2026-11-21T08:00:00Z',
        source_object: key,
      },
    ]);
    expect(result.columns.find((c) => c.name === 'ts')?.type).toBe('TIMESTAMP');
  });

  it('quarantines each broken line of an NDJSON file with its position and reason, and keeps the rest', async () => {
    const lines = [
      JSON.stringify(ctRecord({ eventID: 'n-1' })),
      '{"eventVersion": "1.09", "eventName": broken',
      JSON.stringify(ctRecord({ eventID: 'n-2', eventTime: 'yesterday' })),
      '',
      JSON.stringify(ctRecord({ eventID: 'n-3' })),
      JSON.stringify(ctRecord({ eventID: undefined })),
      JSON.stringify(ctRecord({ eventID: 'n-4', readOnly: 'maybe' })),
    ];
    const report = await ingestObject(deps, {
      sourceObject: '/data/cloudtrail-export.ndjson',
      body: Buffer.from(lines.join('\n')),
      source: 'cloudtrail',
    });
    expect(report).toMatchObject({
      detectedBy: 'flag',
      records: 6,
      written: 2,
      quarantined: 4,
      tables: { cloudtrail: 2 },
    });
    const body = await deps.store.get(report.quarantineKey as string);
    const quarantined = gunzipSync(body as Uint8Array)
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(quarantined.map((q) => [q.position, q.reason])).toEqual([
      ['line 2', expect.stringMatching(/^invalid JSON: /)],
      ['line 3', 'eventTime: expected a timestamp, got "yesterday"'],
      ['line 6', 'missing or non-text required field eventID'],
      ['line 7', 'readonly: expected a boolean, got "maybe"'],
    ]);
    expect(quarantined[0].record).toBe(lines[1]);
    expect(quarantined.every((q) => q.source_object === '/data/cloudtrail-export.ndjson')).toBe(true);
  });

  it('replaces, not duplicates, the output of an object ingested again, and records each batch in the manifest', async () => {
    const key = 'AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/19/replay.json';
    const first = [
      ctRecord({ eventID: 'r-1', eventTime: '2026-11-19T01:00:00Z' }),
      ctRecord({ eventID: 'r-2', eventTime: '2026-11-19T02:00:00Z' }),
    ];
    const clock = deps.clock as ReturnType<typeof fixedClock>;
    await ingestObject(deps, { sourceObject: key, body: Buffer.from(JSON.stringify({ Records: first })) });
    clock.set(new Date('2026-11-21T08:01:00Z'));
    await ingestObject(deps, { sourceObject: key, body: Buffer.from(JSON.stringify({ Records: first })) });
    const count = async () =>
      (await engine.query(`SELECT count(*) AS n FROM cloudtrail WHERE event_id LIKE 'r-%'`)).rows[0]?.n;
    expect(await count()).toBe(2);
    // The same object, corrected upstream: one event left, in another hour. The old hour-02 file must go.
    clock.set(new Date('2026-11-21T08:02:00Z'));
    await ingestObject(deps, {
      sourceObject: key,
      body: Buffer.from(JSON.stringify({ Records: [first[0]] })),
    });
    expect(await count()).toBe(1);
    const entries = (await new Manifest(deps.state).recent()).filter((e) => e.sourceObject === key);
    expect(entries).toHaveLength(3);
    expect(entries[0]?.tables.cloudtrail).toMatchObject({
      rows: 1,
      minTs: '2026-11-19T01:00:00.000Z',
      maxTs: '2026-11-19T01:00:00.000Z',
    });
  });

  it('quarantines a whole object it cannot read: corrupt gzip, empty file, unknown source', async () => {
    const corrupt = await ingestObject(deps, {
      sourceObject: 'x/CloudTrail/bad.json.gz',
      body: gzipSync('{"Records": []}').subarray(0, 12),
    });
    expect(corrupt).toMatchObject({
      records: 1,
      written: 0,
      quarantined: 1,
      reasons: [
        {
          position: 'line 1 (decompressed byte offset 0) to the end',
          reason: expect.stringMatching(
            /^corrupt gzip at compressed byte offset 12 of 12 read: unexpected end of file/,
          ),
        },
      ],
    });
    const empty = await ingestObject(deps, {
      sourceObject: 'x/CloudTrail/empty.json',
      body: new Uint8Array(),
    });
    expect(empty).toMatchObject({
      records: 1,
      written: 0,
      quarantined: 1,
      reasons: [{ position: 'object', reason: 'empty object' }],
    });
    const unknown = await ingestObject(deps, {
      sourceObject: 'app/events.ndjson',
      body: Buffer.from('{"level":"info","msg":"hi"}\n{"level":"warn"}\n'),
    });
    expect(unknown).toMatchObject({
      source: null,
      detectedBy: 'none',
      records: 2,
      written: 0,
      quarantined: 2,
    });
    expect(unknown.reasons[0]?.reason).toMatch(
      /^unknown source: neither the object name "app\/events.ndjson" nor/,
    );
  });

  it('detects CloudTrail by content when the object name says nothing', async () => {
    const report = await ingestObject(deps, {
      sourceObject: 'uploads/export.json',
      body: Buffer.from(JSON.stringify([ctRecord({ eventID: 'c-1' })])),
    });
    expect(report).toMatchObject({ source: 'cloudtrail', detectedBy: 'content', written: 1 });
  });
});
