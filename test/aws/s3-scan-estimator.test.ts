import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  GetObjectCommand,
  ListObjectsCommand,
  type ListObjectsCommandInput,
  type ListObjectsCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../lambdas/adapters/aws/s3-object-store.js';
import { S3ScanEstimator } from '../../lambdas/adapters/aws/s3-scan-estimator.js';
import { DuckDbParquetEncoder } from '../../lambdas/adapters/duckdb/parquet-encoder.js';
import { DuckDbScanEstimator } from '../../lambdas/adapters/duckdb/scan-estimator.js';
import { SqliteStateStore } from '../../lambdas/adapters/local/sqlite-state-store.js';
import { ingestObject } from '../../lambdas/core/lake/ingest.js';
import { fixedClock } from '../../lambdas/core/ports/clock.js';
import type { ScanRequest } from '../../lambdas/core/query/estimate.js';
import { SOURCES } from '../../lambdas/core/sources/registry.js';
import { ctRecord } from '../fixtures/cloudtrail-records.js';
import { type S3Peer, s3Client, startS3 } from './peers.js';

const NOW = new Date('2026-11-21T12:00:00Z');
const at = (iso: string) => new Date(iso);

/**
 * The S3 estimator against the DuckDB one over the same Parquet files: DuckDB writes them (the
 * ingest encoder, and a COPY with small row groups and nested columns), s3rver holds them, and a
 * folder holds a copy for DuckDB. Every answer must be the same number of bytes and files.
 */
describe('S3 scan estimator (s3rver, Parquet footers by Range GET)', () => {
  let s3: S3Peer;
  let dir: string;
  let duck: DuckDbScanEstimator;
  const requests: { command: string; range?: string }[] = [];

  beforeAll(async () => {
    s3 = await startS3(['lake']);
    dir = mkdtempSync(join(tmpdir(), 'mantissa-estimate-'));
    s3.client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Range?: string };
        requests.push({
          command: String(context.commandName),
          ...(input.Range ? { range: input.Range } : {}),
        });
        return next(args);
      },
      { step: 'initialize', name: 'recordRequests' },
    );
    s3DelimitedListings(s3.client);
    const lake = new S3ObjectStore({ client: s3.client, bucket: 'lake' });
    const state = new SqliteStateStore(join(dir, 'state.db'));
    const encoder = await DuckDbParquetEncoder.open();
    try {
      // Four hours over two days, written by the ingest path the lake really uses.
      const hours = [
        '2026-11-20T23:10:00Z',
        '2026-11-21T09:05:00Z',
        '2026-11-21T10:20:00Z',
        '2026-11-21T11:40:00Z',
      ];
      for (const [i, hour] of hours.entries()) {
        const records = Array.from({ length: 20 + i * 15 }, (_, n) =>
          ctRecord({
            eventTime: hour,
            eventName: n % 3 ? 'ListBuckets' : 'ConsoleLogin',
            requestID: `R${i}-${n}`,
          }),
        );
        await ingestObject(
          { store: lake, state, encoder, clock: fixedClock(NOW), sources: SOURCES },
          {
            sourceObject: `s3://landing/ct/${i}.json`,
            body: Buffer.from(JSON.stringify({ Records: records })),
          },
        );
      }
    } finally {
      await encoder.close();
      await state.close();
    }
    // Several row groups, a struct and a list: the sum runs over every group and nested leaf.
    const copied = join(dir, 'copy.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    await conn.run(
      `COPY (SELECT range AS eventname, {'type': 'IAMUser', 'arn': 'arn:' || range} AS useridentity, [range, range + 1] AS resources FROM range(5000)) TO '${copied}' (FORMAT parquet, ROW_GROUP_SIZE 1024)`,
    );
    conn.closeSync();
    instance.closeSync();
    await lake.put('tables/cloudtrail/dt=2026-11-21/hour=08/copy.parquet', readFileSync(copied));
    // Keys neither estimator may read: wrong depth, not Parquet, not a partition, another table.
    const garbage = new TextEncoder().encode('not parquet at all');
    for (const key of [
      'tables/cloudtrail/dt=2026-11-21/stray.parquet',
      'tables/cloudtrail/dt=2026-11-21/hour=10/readme.txt',
      'tables/cloudtrail/dt=2026-11-21/hour=10/deeper/x.parquet',
      'tables/cloudtrail/notes/hour=10/x.parquet',
      'tables/cloudtrail_old/dt=2026-11-21/hour=10/x.parquet',
    ])
      await lake.put(key, garbage);
    // The same objects as files, for DuckDB.
    for (const object of await lake.list('tables/')) {
      const path = join(dir, 'lake', ...object.key.split('/'));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, (await lake.get(object.key)) as Uint8Array);
    }
    duck = await DuckDbScanEstimator.open(join(dir, 'lake'));
  });
  afterAll(async () => {
    await duck?.close();
    await s3?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cases: [string, ScanRequest][] = [
    ['all columns, all time', { table: 'cloudtrail', columns: undefined, from: new Date(0), to: NOW }],
    ['one column', { table: 'cloudtrail', columns: ['eventname'], from: new Date(0), to: NOW }],
    [
      'nested columns by their top-level name, any case',
      { table: 'cloudtrail', columns: ['UserIdentity', 'resources', 'ts'], from: new Date(0), to: NOW },
    ],
    [
      'hours 08-10 of one day (pruned by hour, not by day)',
      {
        table: 'cloudtrail',
        columns: undefined,
        from: at('2026-11-21T08:59:59Z'),
        to: at('2026-11-21T10:00:00Z'),
      },
    ],
    [
      'across midnight',
      {
        table: 'cloudtrail',
        columns: ['eventname'],
        from: at('2026-11-20T23:30:00Z'),
        to: at('2026-11-21T09:00:00Z'),
      },
    ],
    [
      'a long range (days discovered by a delimited listing)',
      { table: 'cloudtrail', columns: ['eventname', 'ts'], from: at('2026-01-01T00:00:00Z'), to: NOW },
    ],
    [
      'no partition in range',
      { table: 'cloudtrail', columns: undefined, from: at('2020-01-01'), to: at('2020-01-02') },
    ],
    ['a column no file has', { table: 'cloudtrail', columns: ['nope'], from: new Date(0), to: NOW }],
    ['a table with no files', { table: 'okta', columns: undefined, from: new Date(0), to: NOW }],
  ];

  it.each(cases)('%s: the same bytes and files as DuckDB', async (_name, req) => {
    const expected = await duck.estimate(req);
    expect(await new S3ScanEstimator({ client: s3.client, bucket: 'lake' }).estimate(req)).toEqual(expected);
    // Two-key pages and one footer at a time walk every listing page and read serially.
    const paged = new S3ScanEstimator({ client: s3.client, bucket: 'lake', pageSize: 2, concurrency: 1 });
    expect(await paged.estimate(req)).toEqual(expected);
  });

  it('counts what the cases above rely on: real bytes, fewer for fewer columns, per hour', async () => {
    const estimate = (req: ScanRequest) => duck.estimate(req);
    const all = await estimate(cases[0]?.[1] as ScanRequest);
    const one = await estimate(cases[1]?.[1] as ScanRequest);
    const hours = await estimate(cases[3]?.[1] as ScanRequest);
    expect(all.files).toBe(5);
    expect(one.bytes).toBeGreaterThan(0);
    expect(one.bytes).toBeLessThan(all.bytes);
    expect(hours.files).toBe(3); // 08 (the COPY), 09 and 10
    expect(await estimate(cases[6]?.[1] as ScanRequest)).toEqual({ bytes: 0, files: 0 });
  });

  it('reads two ranges per file (the 8-byte tail, then the footer) and never a whole object', async () => {
    requests.length = 0;
    const req: ScanRequest = {
      table: 'cloudtrail',
      columns: ['eventname'],
      from: at('2026-11-20T00:00:00Z'),
      to: NOW,
    };
    await new S3ScanEstimator({ client: s3.client, bucket: 'lake' }).estimate(req);
    const gets = requests.filter((r) => r.command === GetObjectCommand.name);
    expect(gets).toHaveLength(10);
    for (const get of gets) expect(get.range).toMatch(/^bytes=\d+-\d+$/);
    const tails = gets.filter((g) => {
      const [a, b] = (g.range as string).slice(6).split('-').map(Number);
      return (b as number) - (a as number) + 1 === 8;
    });
    expect(tails).toHaveLength(5);
    // A two-day range names its days: one listing each, no discovery.
    expect(requests.filter((r) => r.command === ListObjectsCommand.name)).toHaveLength(2);
  });

  it('counts nothing for a file deleted between the listing and its footer (a re-ingest removed it)', async () => {
    const lake = new S3ObjectStore({ client: s3.client, bucket: 'lake' });
    const good = readFileSync(join(dir, 'lake', 'tables/cloudtrail/dt=2026-11-21/hour=08/copy.parquet'));
    const gone = 'tables/gone/dt=2026-11-21/hour=10/a.parquet';
    await lake.put(gone, good);
    await lake.put('tables/gone/dt=2026-11-21/hour=11/b.parquet', good);
    const client = s3Client(s3.endpoint);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName === ListObjectsCommand.name) await lake.delete(gone);
        return out;
      },
      { step: 'initialize', name: 'deleteAfterListing' },
    );
    const req: ScanRequest = { table: 'gone', columns: undefined, from: at('2026-11-21T00:00:00Z'), to: NOW };
    const racing = await new S3ScanEstimator({ client, bucket: 'lake' }).estimate(req);
    const after = await new S3ScanEstimator({ client: s3.client, bucket: 'lake' }).estimate(req);
    expect(after.files).toBe(1);
    expect(after.bytes).toBeGreaterThan(0);
    expect(racing).toEqual({ bytes: after.bytes, files: 2 });
    client.destroy();
  });

  it('refuses a file whose end is not a Parquet footer, naming it and what is wrong', async () => {
    const lake = new S3ObjectStore({ client: s3.client, bucket: 'lake' });
    const estimator = new S3ScanEstimator({ client: s3.client, bucket: 'lake' });
    const file = (table: string) => `tables/${table}/dt=2026-11-21/hour=10/part-0.parquet`;
    const req = (table: string): ScanRequest => ({ table, columns: undefined, from: new Date(0), to: NOW });
    const good = readFileSync(join(dir, 'lake', 'tables/cloudtrail/dt=2026-11-21/hour=08/copy.parquet'));

    // A valid file whose last byte was lost in transit: the magic is gone.
    await lake.put(file('bad_magic'), good.subarray(0, good.length - 1));
    await expect(estimator.estimate(req('bad_magic'))).rejects.toThrow(
      `s3://lake/${file('bad_magic')} is not a Parquet file: it does not end in PAR1`,
    );

    // The footer length says more than the file holds.
    const long = Buffer.from(good);
    long.writeUInt32LE(good.length, good.length - 8);
    await lake.put(file('bad_length'), long);
    await expect(estimator.estimate(req('bad_length'))).rejects.toThrow(
      `s3://lake/${file('bad_length')} is not a Parquet file: its footer length ${good.length} does not fit in its ${good.length} bytes`,
    );

    // Length and magic intact, the Thrift inside overwritten: hyparquet's reason, named by file.
    const scrambled = Buffer.from(good);
    const length = good.readUInt32LE(good.length - 8);
    scrambled.fill(0xff, good.length - 8 - length, good.length - 8);
    await lake.put(file('bad_thrift'), scrambled);
    await expect(estimator.estimate(req('bad_thrift'))).rejects.toThrow(
      new RegExp(`^Parquet footer of s3://lake/${file('bad_thrift')} is corrupt: .+`),
    );

    await lake.put(file('too_short'), new TextEncoder().encode('PAR1PAR1'));
    await expect(estimator.estimate(req('too_short'))).rejects.toThrow(
      `s3://lake/${file('too_short')} is not a Parquet file: 8 bytes, fewer than the 12 of any`,
    );
    await expect(estimator.estimate(req('../x'))).rejects.toThrow('bad table name ../x');
  });
});

/**
 * s3rver reports a common prefix only for keys one level below the listed prefix (its folder walk
 * stops at the delimiter), where S3 reports one for every key beneath it. Delimited ListObjects
 * calls are answered here from s3rver's full listing, with S3's paging (Marker, MaxKeys, NextMarker).
 */
function s3DelimitedListings(client: S3Client): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as ListObjectsCommandInput;
      if (context.commandName !== ListObjectsCommand.name || !input.Delimiter) return next(args);
      const prefix = input.Prefix ?? '';
      const full = await next({ ...args, input: { Bucket: input.Bucket, Prefix: prefix } });
      const output = full.output as ListObjectsCommandOutput;
      const entries: { name: string; object?: { Key?: string; Size?: number } }[] = [];
      for (const object of output.Contents ?? []) {
        const rest = (object.Key ?? '').slice(prefix.length);
        const cut = rest.indexOf(input.Delimiter);
        const name = cut === -1 ? (object.Key ?? '') : prefix + rest.slice(0, cut + 1);
        if (cut === -1) entries.push({ name, object });
        else if (entries.at(-1)?.name !== name) entries.push({ name });
      }
      const after = entries.filter((e) => e.name > (input.Marker ?? ''));
      const page = after.slice(0, input.MaxKeys ?? 1000);
      const truncated = page.length < after.length;
      return {
        ...full,
        output: {
          ...output,
          Contents: page.flatMap((e) => (e.object ? [e.object] : [])),
          CommonPrefixes: page.flatMap((e) => (e.object ? [] : [{ Prefix: e.name }])),
          IsTruncated: truncated,
          NextMarker: truncated ? page.at(-1)?.name : undefined,
        },
      };
    },
    { step: 'initialize', name: 's3DelimitedListings' },
  );
}
