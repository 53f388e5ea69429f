import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Manifest } from '../../lambdas/core/lake/manifest.js';
import { ctRecord } from '../fixtures/cloudtrail-records.js';
import { type Lake, openLake } from '../fixtures/lake.js';

let lake: Lake;
beforeAll(async () => {
  lake = await openLake(new Date('2026-11-21T08:00:00Z'));
});
afterAll(async () => lake.close());

const ndjson = (records: Record<string, unknown>[]) =>
  Buffer.from(records.map((r) => JSON.stringify(r)).join('\n'));

describe('ingest: bounded parts, streaming input, checks on every record', () => {
  it('writes a large object in parts of bounded size, several per partition, and replaces them all on re-ingest', async () => {
    const records = Array.from({ length: 2_500 }, (_, i) =>
      ctRecord({
        eventID: `p-${i}`,
        eventTime: `2026-11-20T${i < 2_000 ? '10' : '11'}:00:${String(i % 60).padStart(2, '0')}Z`,
      }),
    );
    const file = join(mkdtempSync(join(tmpdir(), 'mantissa-big-')), 'big.ndjson.gz');
    writeFileSync(file, gzipSync(ndjson(records)));
    const deps = { ...lake.deps, limits: { records: 600 } };
    const { ingestObject } = await import('../../lambdas/core/lake/ingest.js');
    const key = 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/big.json.gz';
    const open = () => createReadStream(file, { highWaterMark: 64 * 1024 });
    const report = await ingestObject(deps, { sourceObject: key, open });
    expect(report).toMatchObject({
      records: 2_500,
      written: 2_500,
      quarantined: 0,
      tables: { cloudtrail: 2_500 },
    });
    const files = (await lake.deps.store.list('tables/cloudtrail/')).map((f) =>
      f.key.replace(/[0-9a-f]{24}/, 'B'),
    );
    // 600 rows a part: hour 10 gets parts 0-3 (2,000 rows), hour 11 the rest, split where the flushes fell.
    expect(files).toEqual([
      'tables/cloudtrail/dt=2026-11-20/hour=10/B-0.parquet',
      'tables/cloudtrail/dt=2026-11-20/hour=10/B-1.parquet',
      'tables/cloudtrail/dt=2026-11-20/hour=10/B-2.parquet',
      'tables/cloudtrail/dt=2026-11-20/hour=10/B-3.parquet',
      'tables/cloudtrail/dt=2026-11-20/hour=11/B-0.parquet',
      'tables/cloudtrail/dt=2026-11-20/hour=11/B-1.parquet',
    ]);
    expect(
      await lake.query(
        `SELECT hour, count(*) AS n, count(DISTINCT event_id) AS ids FROM cloudtrail GROUP BY hour ORDER BY hour`,
      ),
    ).toEqual([
      { hour: '10', n: 2_000, ids: 2_000 },
      { hour: '11', n: 500, ids: 500 },
    ]);
    // The raw copy is the object as delivered (already gzip), streamed through.
    const [entry] = await new Manifest(lake.deps.state).recent(1);
    const raw = await lake.deps.store.get(entry?.rawKey as string);
    expect(gunzipSync(raw as Uint8Array).toString()).toBe(ndjson(records).toString());

    // The same object again, now smaller: fewer parts, the old extra parts gone, no duplicates.
    writeFileSync(file, gzipSync(ndjson(records.slice(0, 700))));
    const again = await ingestObject(deps, { sourceObject: key, open });
    expect(again).toMatchObject({ records: 700, written: 700, tables: { cloudtrail: 700 } });
    expect(
      (await lake.deps.store.list('tables/cloudtrail/')).map((f) => f.key.replace(/[0-9a-f]{24}/, 'B')),
    ).toEqual([
      'tables/cloudtrail/dt=2026-11-20/hour=10/B-0.parquet',
      'tables/cloudtrail/dt=2026-11-20/hour=10/B-1.parquet',
    ]);
    expect(await lake.query(`SELECT count(*) AS n FROM cloudtrail`)).toEqual([{ n: 700 }]);
  });

  it('quarantines times over a day ahead (saying by how much), before 1990, missing, and arrays in place of records', async () => {
    const lines = [
      JSON.stringify(ctRecord({ eventID: 't-ok', eventTime: '2026-11-22T07:59:00Z' })),
      JSON.stringify(ctRecord({ eventID: 't-future', eventTime: '2026-11-24T11:30:00Z' })),
      JSON.stringify(ctRecord({ eventID: 't-old', eventTime: '1989-12-31T23:59:59Z' })),
      JSON.stringify(ctRecord({ eventID: 't-none', eventTime: undefined })),
      JSON.stringify([[ctRecord({ eventID: 't-nested' })]]),
      JSON.stringify(ctRecord({ eventID: 't-type', userIdentity: 'alice' })),
    ];
    const report = await lake.ingest({
      sourceObject: 'checks.ndjson',
      body: Buffer.from(lines.join('\n')),
      source: 'cloudtrail',
    });
    expect(report).toMatchObject({ records: 6, written: 1, quarantined: 5 });
    expect(await lake.quarantined(report)).toEqual([
      {
        source_object: 'checks.ndjson',
        position: 'line 2',
        reason:
          'event time 2026-11-24T11:30:00.000Z is 3d 3h 30m ahead of the ingest clock (2026-11-21T08:00:00.000Z); more than 1 day in the future',
        record: lines[1],
      },
      {
        source_object: 'checks.ndjson',
        position: 'line 3',
        reason: 'event time 1989-12-31T23:59:59.000Z is before 1990-01-01',
        record: lines[2],
      },
      {
        source_object: 'checks.ndjson',
        position: 'line 4',
        reason: 'missing or non-text required field eventTime',
        record: lines[3],
      },
      {
        source_object: 'checks.ndjson',
        position: 'line 5 element 0',
        reason: 'a JSON array where a record was expected',
        record: JSON.stringify([ctRecord({ eventID: 't-nested' })]).replace(
          /"eventID":"[^"]+"/,
          '"eventID":"t-nested"',
        ),
      },
      {
        source_object: 'checks.ndjson',
        position: 'line 6',
        reason: 'useridentity: expected an object, got "alice"',
        record: lines[5],
      },
    ]);
  });

  it('chooses the source by a configured key pattern instead of the source’s own, and rejects a bad override', async () => {
    const { ingestObject } = await import('../../lambdas/core/lake/ingest.js');
    const deps = { ...lake.deps, keyPatterns: { cloudtrail: ['^trails/'] } };
    const body = ndjson([ctRecord({ eventID: 'k-1' })]);
    expect(await ingestObject(deps, { sourceObject: 'trails/a.json', body })).toMatchObject({
      source: 'cloudtrail',
      detectedBy: 'key',
    });
    // The override replaces the default pattern: a CloudTrail S3 key now needs content detection.
    expect(
      await ingestObject(deps, { sourceObject: 'AWSLogs/111122223333/CloudTrail/x.json', body }),
    ).toMatchObject({
      source: 'cloudtrail',
      detectedBy: 'content',
    });
    await expect(
      ingestObject({ ...lake.deps, keyPatterns: { cloudtrial: ['x'] } }, { sourceObject: 'a', body }),
    ).rejects.toThrow('keyPatterns names unknown source "cloudtrial"; known: ');
    await expect(
      ingestObject({ ...lake.deps, keyPatterns: { cloudtrail: ['('] } }, { sourceObject: 'a', body }),
    ).rejects.toThrow('keyPatterns.cloudtrail: "(" is not a regular expression');
  });

  it('holds records until one says which source this is, quarantining as unknown what waited too long', async () => {
    const { ingestObject } = await import('../../lambdas/core/lake/ingest.js');
    const lines = [
      ...Array.from({ length: 4 }, (_, i) => JSON.stringify({ app: 'x', n: i })),
      JSON.stringify(ctRecord({ eventID: 'h-1' })),
      JSON.stringify({ app: 'x', n: 4 }),
    ];
    const report = await ingestObject(
      { ...lake.deps, limits: { records: 3 } },
      { sourceObject: 'mixed/app.ndjson', body: Buffer.from(lines.join('\n')) },
    );
    // Lines 1-3 waited past the limit: unknown. Line 4 was still held when line 5 named CloudTrail,
    // so it and line 6 were judged as CloudTrail records (and are not).
    expect(report).toMatchObject({
      source: 'cloudtrail',
      detectedBy: 'content',
      records: 6,
      written: 1,
      quarantined: 5,
    });
    expect(report.reasons.map((r) => [r.position, r.reason.slice(0, 40)])).toEqual([
      ['line 1', 'unknown source: neither the object name '],
      ['line 2', 'unknown source: neither the object name '],
      ['line 3', 'unknown source: neither the object name '],
      ['line 4', 'missing or non-text required field event'],
      ['line 6', 'missing or non-text required field event'],
    ]);
  });
});
