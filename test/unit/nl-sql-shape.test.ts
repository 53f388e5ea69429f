import { describe, expect, it } from 'vitest';
import { toCsv } from '../../lambdas/core/query/csv.js';
import { ATHENA_MIN_BYTES, athenaCostUsd } from '../../lambdas/core/query/estimate.js';
import { prepareSql } from '../../lambdas/core/query/prepare.js';
import {
  enforceLimit,
  hasTimeBound,
  referencedNames,
  timeRange,
} from '../../lambdas/core/query/sql-shape.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const OPTS = { tables: ['cloudtrail'], maxRows: 10_000, now: NOW };
const LAKE = new Set(['cloudtrail']);

describe('the outer LIMIT', () => {
  it('is added when missing, kept when within the cap, and the printed SQL runs the same query', () => {
    expect(enforceLimit('SELECT eventname FROM cloudtrail ORDER BY ts DESC', 100)).toEqual({
      sql: 'SELECT eventname FROM "cloudtrail" ORDER BY ts DESC LIMIT 100',
      limit: 100,
      action: 'added',
    });
    const kept = 'SELECT eventname FROM cloudtrail LIMIT 5';
    expect(enforceLimit(kept, 100)).toEqual({ sql: kept, limit: 5, action: 'kept' });
    expect(enforceLimit('SELECT eventname FROM cloudtrail OFFSET 5', 100).sql).toBe(
      'SELECT eventname FROM "cloudtrail" LIMIT 100 OFFSET 5',
    );
  });

  it('keeps struct access, JSON functions, intervals and casts through the round trip', () => {
    const sql =
      "SELECT useridentity.arn, json_extract_string(requestparameters, '$.userName') AS u, CAST(ts AS DATE) AS d " +
      "FROM cloudtrail WHERE ts >= now() - INTERVAL 1 DAY AND useridentity.type = 'Root'";
    expect(enforceLimit(sql, 10).sql).toBe(
      'SELECT "useridentity".arn, json_extract_string(requestparameters, \'$.userName\') AS "u", CAST(ts AS DATE) AS "d" ' +
        'FROM "cloudtrail" WHERE ts >= now() - INTERVAL 1 DAY AND "useridentity".type = \'Root\' LIMIT 10',
    );
  });
});

describe('time bounds', () => {
  it('finds a bound on ts, dt, hour or eventtime in any WHERE, and none elsewhere', () => {
    expect(hasTimeBound("SELECT 1 FROM cloudtrail WHERE dt = '2026-11-20'")).toBe(true);
    expect(
      hasTimeBound(
        "WITH x AS (SELECT * FROM cloudtrail WHERE eventtime > TIMESTAMP '2026-11-20 00:00:00') SELECT * FROM x",
      ),
    ).toBe(true);
    expect(hasTimeBound('SELECT max(ts) FROM cloudtrail')).toBe(false);
    expect(hasTimeBound("SELECT ts FROM cloudtrail WHERE eventname = 'x'")).toBe(false);
  });

  it('adds the last 24 hours as table scopes when the SQL has none, and says so', () => {
    const prepared = prepareSql("SELECT count(*) FROM cloudtrail WHERE eventname = 'StopLogging'", OPTS);
    expect(prepared.timeBound).toEqual({
      from: '2026-11-19T12:00:00.000Z',
      to: '2026-11-20T12:00:00.000Z',
      reason:
        'the query named no time range, so it reads only the last 24 hours (2026-11-19T12:00:00.000Z to 2026-11-20T12:00:00.000Z); ask for a range to widen it',
    });
    expect(prepared.scopes).toEqual([
      { table: 'cloudtrail', from: new Date('2026-11-19T12:00:00Z'), to: new Date('2026-11-20T12:00:00Z') },
    ]);
    expect(
      prepareSql("SELECT count(*) FROM cloudtrail WHERE dt >= '2026-11-01'", OPTS).timeBound,
    ).toBeUndefined();
  });

  it('reads the literal range for the estimate, widest over the SELECTs that read the lake', () => {
    expect(
      timeRange(
        "SELECT * FROM cloudtrail WHERE ts >= TIMESTAMP '2026-11-19 06:00:00' AND dt <= '2026-11-19' AND eventname = 'x'",
        LAKE,
      ),
    ).toEqual({ from: new Date('2026-11-19T06:00:00Z'), to: new Date('2026-11-19T23:59:59.999Z') });
    expect(timeRange('SELECT * FROM cloudtrail WHERE ts >= now() - INTERVAL 1 DAY', LAKE)).toEqual({});
    expect(
      timeRange(
        "SELECT a FROM cloudtrail WHERE dt = '2026-11-18' UNION ALL SELECT a FROM cloudtrail WHERE dt = '2026-11-19'",
        LAKE,
      ),
    ).toEqual({ from: new Date('2026-11-18T00:00:00Z'), to: new Date('2026-11-19T23:59:59.999Z') });
  });

  it('lists the columns a query reads (struct roots included), or none for SELECT *', () => {
    expect(
      [...(referencedNames("SELECT useridentity.arn FROM cloudtrail WHERE eventname = 'x'") ?? [])].sort(),
    ).toEqual(['arn', 'eventname', 'useridentity']);
    expect(referencedNames('SELECT * FROM cloudtrail')).toBeUndefined();
  });
});

describe('Athena pricing and CSV export', () => {
  it('charges $5 per TB with a 10 MB minimum', () => {
    expect(athenaCostUsd(0)).toBe((ATHENA_MIN_BYTES / 2 ** 40) * 5);
    expect(athenaCostUsd(2 ** 40)).toBe(5);
  });

  it('writes RFC 4180 CSV and defuses cells a spreadsheet would run as formulas', () => {
    const csv = toCsv(
      [
        { name: 'user', type: 'VARCHAR' },
        { name: 'n', type: 'BIGINT' },
      ],
      [
        { user: '=HYPERLINK("http://evil")', n: -3 },
        { user: 'a,b "c"', n: null },
      ],
    );
    expect(csv).toBe('user,n\r\n"\'=HYPERLINK(""http://evil"")",-3\r\n"a,b ""c""",\r\n');
  });
});
