import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaQueryEngine, AthenaQueryError } from '../../lambdas/adapters/aws/athena-query-engine.js';
import { scopedSql } from '../../lambdas/adapters/aws/athena-scope.js';
import { athenaCostUsd, convertValue, isoTimestamp } from '../../lambdas/adapters/aws/athena-values.js';
import { S3ObjectStore } from '../../lambdas/adapters/aws/s3-object-store.js';
import { DuckDbParquetEncoder } from '../../lambdas/adapters/duckdb/parquet-encoder.js';
import { QueryTimeoutError } from '../../lambdas/core/ports/query-engine.js';
import type { TableSchema } from '../../lambdas/core/schema/types.js';
import { DuckDbAthena } from './athena-duckdb.js';
import { type S3Peer, startS3 } from './peers.js';

const events: TableSchema = {
  name: 'events',
  description: 'test table',
  timeColumn: 'ts',
  columns: [
    { name: 'ts', type: 'timestamp', description: '' },
    { name: 'n', type: 'bigint', description: '' },
    { name: 'ok', type: 'boolean', description: '' },
    { name: 'who', type: { struct: { name: 'string', id: 'bigint' } }, description: '' },
  ],
};

const TEN_MB_COST = ((10 * 1024 ** 2) / 1024 ** 4) * 5;

describe('AthenaQueryEngine against a DuckDB-answered Athena', () => {
  let s3: S3Peer;
  let athena: DuckDbAthena;
  let engine: AthenaQueryEngine;

  beforeAll(async () => {
    s3 = await startS3(['lake']);
    const lake = new S3ObjectStore({ client: s3.client, bucket: 'lake' });
    const encoder = await DuckDbParquetEncoder.open();
    // 2,500 rows over three hours: 10:xx (n 1-1000), 11:xx (1001-2000), 12:xx (2001-2500).
    for (const [hour, from, to] of [
      ['10', 1, 1000],
      ['11', 1001, 2000],
      ['12', 2001, 2500],
    ] as const) {
      const rows = [];
      for (let n = from; n <= to; n++) {
        const ts = new Date(
          Date.UTC(2026, 10, 20, Number(hour), 0, 0, n % 1000 === 1 ? 500 : 0) + (n % 60) * 1000,
        );
        rows.push({ ts, n, ok: n % 2 === 1, who: { name: n === 1 ? 'alice' : 'bob', id: n } });
      }
      await lake.put(
        `tables/events/dt=2026-11-20/hour=${hour}/b.parquet`,
        await encoder.encode(events, rows),
      );
    }
    await encoder.close();
    athena = new DuckDbAthena({
      lake,
      database: 'mantissa_log',
      workgroup: 'mantissa-log',
      tables: [events],
    });
    engine = new AthenaQueryEngine({
      client: athena.client,
      workgroup: 'mantissa-log',
      database: 'mantissa_log',
      tables: [events],
      pollMs: { initial: 1, max: 5 },
    });
  });
  afterAll(async () => {
    athena.close();
    await s3.close();
  });

  it('maps Athena text to the JSON-safe values the DuckDB engine gives, with scan bytes and cost', async () => {
    const result = await engine.query(
      'SELECT n, ok, ts, who.name AS name, who, CAST(n AS DOUBLE) / 4 AS quarter, dt FROM events WHERE n <= 2 ORDER BY n',
    );
    expect(result.columns).toEqual([
      { name: 'n', type: 'bigint' },
      { name: 'ok', type: 'boolean' },
      { name: 'ts', type: 'timestamp' },
      { name: 'name', type: 'varchar' },
      { name: 'who', type: 'row' },
      { name: 'quarter', type: 'double' },
      { name: 'dt', type: 'varchar' },
    ]);
    expect(result.rows).toEqual([
      {
        n: 1,
        ok: true,
        ts: '2026-11-20T10:00:01.5Z',
        name: 'alice',
        // Nested values as DuckDB's JSON has them: BIGINT as digits in a string.
        who: { name: 'alice', id: '1' },
        quarter: 0.25,
        dt: '2026-11-20',
      },
      {
        n: 2,
        ok: false,
        ts: '2026-11-20T10:00:02Z',
        name: 'bob',
        who: { name: 'bob', id: '2' },
        quarter: 0.5,
        dt: '2026-11-20',
      },
    ]);
    expect(result.truncated).toBe(false);
    expect(result.bytesScanned).toBeGreaterThan(1000);
    expect(result.costUsd).toBe(TEN_MB_COST);
  });

  it('reads every 1,000-row page and cuts at maxRows, saying so', async () => {
    const cut = await engine.query('SELECT n FROM events ORDER BY n', { maxRows: 2100 });
    expect(cut.rows).toHaveLength(2100);
    expect(cut.rows.at(-1)).toEqual({ n: 2100 });
    expect(cut.truncated).toBe(true);
    const whole = await engine.query('SELECT n FROM events ORDER BY n', { maxRows: 2500 });
    expect(whole.rows).toHaveLength(2500);
    expect(whole.rows.at(-1)).toEqual({ n: 2500 });
    expect(whole.truncated).toBe(false);
  });

  it('scopes tables by partition and ts, also inside the query own CTEs, leaving the query text intact', async () => {
    const sql = `WITH odd AS (SELECT n FROM events WHERE ok)
SELECT count(*) AS c, min(e.n) AS lo, max(e.n) AS hi FROM odd JOIN events e ON e.n = odd.n`;
    const scopes = [
      { table: 'events', from: new Date('2026-11-20T11:00:00Z'), to: new Date('2026-11-20T11:00:59.999Z') },
    ];
    const result = await engine.query(sql, { scopes });
    expect(result.rows).toEqual([{ c: 500, lo: 1001, hi: 1999 }]);
    const sent = [...athena.executions.values()].at(-1)?.sql;
    expect(sent).toBe(
      `WITH "events" AS (SELECT * FROM "mantissa_log"."events" WHERE "dt" BETWEEN '2026-11-20' AND '2026-11-20' AND ("dt" > '2026-11-20' OR ("dt" = '2026-11-20' AND "hour" >= '11')) AND ("dt" < '2026-11-20' OR ("dt" = '2026-11-20' AND "hour" <= '11')) AND "ts" BETWEEN TIMESTAMP '2026-11-20 11:00:00.000' AND TIMESTAMP '2026-11-20 11:00:59.999')\nSELECT * FROM (\n${sql}\n) AS "scoped"`,
    );
  });

  it('reports a failed query with Athena reason and execution id', async () => {
    await expect(engine.query('SELECT no_such_column FROM events')).rejects.toThrow(AthenaQueryError);
    await expect(engine.query('SELECT no_such_column FROM events')).rejects.toThrow(
      /^Athena query [0-9a-f-]{36} failed: .*no_such_column/,
    );
  });

  it('cancels a query that outlives its timeout', async () => {
    athena.hang = true;
    try {
      const error = await engine.query('SELECT n FROM events', { timeoutMs: 30 }).catch((e: Error) => e);
      expect(error).toBeInstanceOf(QueryTimeoutError);
      expect((error as Error).message).toMatch(
        /^query ran longer than 30 ms and was cancelled \(Athena [0-9a-f-]{36}\)$/,
      );
      expect(athena.stopped).toHaveLength(1);
      expect(athena.executions.get(athena.stopped[0] ?? '')?.state).toBe('CANCELLED');
      // A cap (the API's, below API Gateway's 29 s) wins over a longer timeout a caller asks for.
      const capped = new AthenaQueryEngine({
        client: athena.client,
        workgroup: 'mantissa-log',
        database: 'mantissa_log',
        timeoutCapMs: 20,
        pollMs: { initial: 1, max: 5 },
      });
      await expect(capped.query('SELECT n FROM events', { timeoutMs: 120_000 })).rejects.toThrow(
        /^query ran longer than 20 ms and was cancelled/,
      );
      expect(athena.stopped).toHaveLength(2);
    } finally {
      athena.hang = false;
    }
  });
});

describe('scoped SQL', () => {
  const at = (iso: string) => new Date(iso);
  it('spans partitions across days, drops a trailing semicolon, and refuses bad scopes', () => {
    const sql = scopedSql(
      'SELECT 1 FROM cloudtrail;\n',
      [{ table: 'cloudtrail', from: at('2026-11-20T23:30:00Z'), to: at('2026-11-21T00:10:00Z') }],
      'mantissa_log',
    );
    expect(sql).toBe(
      `WITH "cloudtrail" AS (SELECT * FROM "mantissa_log"."cloudtrail" WHERE "dt" BETWEEN '2026-11-20' AND '2026-11-21' AND ("dt" > '2026-11-20' OR ("dt" = '2026-11-20' AND "hour" >= '23')) AND ("dt" < '2026-11-21' OR ("dt" = '2026-11-21' AND "hour" <= '00')) AND "ts" BETWEEN TIMESTAMP '2026-11-20 23:30:00.000' AND TIMESTAMP '2026-11-21 00:10:00.000')\nSELECT * FROM (\nSELECT 1 FROM cloudtrail\n) AS "scoped"`,
    );
    expect(scopedSql('SELECT 1', [], 'db')).toBe('SELECT 1');
    const range = { from: at('2026-11-21T00:00:00Z'), to: at('2026-11-21T01:00:00Z') };
    expect(() => scopedSql('SELECT 1', [{ table: 'x"; DROP', ...range }], 'db')).toThrow(
      'invalid table name in scope: x"; DROP',
    );
    expect(() => scopedSql('SELECT 1', [{ table: 't', from: range.to, to: range.from }], 'db')).toThrow(
      'scope of t ends before it starts (2026-11-21T01:00:00.000Z > 2026-11-21T00:00:00.000Z)',
    );
    expect(() =>
      scopedSql(
        'SELECT 1',
        [
          { table: 't', ...range },
          { table: 't', ...range },
        ],
        'db',
      ),
    ).toThrow('table t is scoped twice');
  });
});

describe('Athena result values and cost', () => {
  it('converts text by Athena type', () => {
    expect(convertValue('bigint', '9007199254740993')).toBe('9007199254740993');
    expect(convertValue('bigint', '-42')).toBe(-42);
    expect(convertValue('integer', '7')).toBe(7);
    expect(convertValue('double', 'NaN')).toBe('NaN');
    expect(convertValue('double', '-Infinity')).toBe('-Infinity');
    expect(convertValue('decimal(10,2)', '1.25')).toBe(1.25);
    expect(convertValue('boolean', 'false')).toBe(false);
    expect(convertValue('varchar', '')).toBe('');
    expect(convertValue('varchar', undefined)).toBe(null);
    expect(convertValue('date', '2026-11-20')).toBe('2026-11-20');
    expect(convertValue('array', '[1, 2]')).toEqual(['1', '2']);
  });

  it('writes timestamps as DuckDB does: ISO 8601 UTC, trailing zeros of the fraction dropped', () => {
    expect(isoTimestamp('2026-11-20 10:15:00.000')).toBe('2026-11-20T10:15:00Z');
    expect(isoTimestamp('2026-11-20 10:15:00.120')).toBe('2026-11-20T10:15:00.12Z');
    expect(isoTimestamp('2026-11-20 10:15:00.123456 UTC')).toBe('2026-11-20T10:15:00.123456Z');
    expect(isoTimestamp('2026-11-20 10:15:00.000 Europe/Paris')).toBe('2026-11-20 10:15:00.000 Europe/Paris');
  });

  it('bills $5 per TB, rounded up to the MB, at least 10 MB', () => {
    expect(athenaCostUsd(0)).toBe(TEN_MB_COST);
    expect(athenaCostUsd(10 * 1024 ** 2 + 1)).toBe(((11 * 1024 ** 2) / 1024 ** 4) * 5);
    expect(athenaCostUsd(1024 ** 4)).toBe(5);
  });
});
