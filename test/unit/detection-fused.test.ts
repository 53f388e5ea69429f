import { describe, expect, it } from 'vitest';
import { MATCHED_COLUMN, renderFusedScan, runFusedScan } from '../../lambdas/core/detection/fused.js';
import type { QueryEngine, QueryOptions } from '../../lambdas/core/ports/query-engine.js';
import { compileSigmaRules } from '../../lambdas/core/rules/sigma-rule.js';

const rule = (id: string, selection: string) => ({
  file: `${id}.yml`,
  id,
  text: `title: ${id}\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s:\n${selection}\n  condition: s\n`,
});
const { events, errors } = compileSigmaRules(
  [
    rule('stop', '    eventName: StopLogging'),
    rule('root', '    userIdentity.type: Root\n    errorCode: null'),
  ],
  'duckdb',
);

describe('renderFusedScan', () => {
  it('compiled two rules', () => expect([errors, events.map((e) => e.id)]).toEqual([[], ['stop', 'root']]));

  it('renders one DuckDB query: every condition once in the WHERE and once in a tagging CASE', () => {
    expect(renderFusedScan('cloudtrail', events, 'duckdb').sql).toBe(
      [
        `SELECT *, list_value(CASE WHEN lower("eventname") = 'stoplogging' THEN 'r0' END, CASE WHEN lower("useridentity"."type") = 'root' AND "errorcode" IS NULL THEN 'r1' END) AS "matched_rules"`,
        'FROM "cloudtrail"',
        `WHERE (lower("eventname") = 'stoplogging')`,
        `   OR (lower("useridentity"."type") = 'root' AND "errorcode" IS NULL)`,
      ].join('\n'),
    );
  });

  it('renders the Athena form with an ARRAY constructor', () => {
    const sql = renderFusedScan('cloudtrail', events, 'athena').sql;
    expect(sql.split('\n')[0]).toBe(
      `SELECT *, ARRAY[CASE WHEN lower("eventname") = 'stoplogging' THEN 'r0' END, CASE WHEN lower("useridentity"."type") = 'root' AND "errorcode" IS NULL THEN 'r1' END] AS "matched_rules"`,
    );
  });

  it('refuses a dialect it has no array constructor for', () => {
    expect(() => renderFusedScan('cloudtrail', events, 'tsql')).toThrow('no fused scan for the tsql dialect');
  });
});

describe('runFusedScan', () => {
  it('sorts each row into the matches of every rule that tagged it, scoped to the new data', async () => {
    const seen: QueryOptions[] = [];
    const engine: QueryEngine = {
      dialect: 'duckdb',
      async query(_sql, opts = {}) {
        seen.push(opts);
        return {
          columns: [],
          truncated: false,
          rows: [
            { event_id: 'e1', ts: '2026-11-20T10:00:00Z', [MATCHED_COLUMN]: ['r0', null] },
            { event_id: 'e2', ts: '2026-11-20T10:05:00Z', [MATCHED_COLUMN]: ['r0', 'r1'] },
          ],
        };
      },
      async close() {},
    };
    const scope = {
      table: 'cloudtrail',
      from: new Date('2026-11-20T09:00:00Z'),
      to: new Date('2026-11-20T11:00:00Z'),
    };
    const { matches } = await runFusedScan(engine, renderFusedScan('cloudtrail', events, 'duckdb'), scope);
    expect(seen.map((o) => o.scopes)).toEqual([[scope]]);
    expect([...matches].map(([r, list]) => [r.id, list.map((m) => [m.row.event_id, m.firstSeen])])).toEqual([
      [
        'stop',
        [
          ['e1', '2026-11-20T10:00:00.000Z'],
          ['e2', '2026-11-20T10:05:00.000Z'],
        ],
      ],
      ['root', [['e2', '2026-11-20T10:05:00.000Z']]],
    ]);
    expect(matches.get(events[0] as (typeof events)[0])?.[0]?.row).toEqual({
      event_id: 'e1',
      ts: '2026-11-20T10:00:00Z',
    });
  });

  it('fails rather than lose matches when the result was cut', async () => {
    const engine: QueryEngine = {
      dialect: 'duckdb',
      query: async () => ({ columns: [], rows: [], truncated: true }),
      async close() {},
    };
    const scope = { table: 'cloudtrail', from: new Date(0), to: new Date(1) };
    await expect(
      runFusedScan(engine, renderFusedScan('cloudtrail', events, 'duckdb'), scope),
    ).rejects.toThrow('fused scan of cloudtrail matched more than');
  });
});
