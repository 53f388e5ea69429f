import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbParquetEncoder } from '../../lambdas/adapters/duckdb/parquet-encoder.js';
import { DuckDbQueryEngine } from '../../lambdas/adapters/duckdb/query-engine.js';
import { FsObjectStore } from '../../lambdas/adapters/local/fs-object-store.js';
import { loadSqlRules } from '../../lambdas/adapters/local/rule-files.js';
import { SqliteStateStore } from '../../lambdas/adapters/local/sqlite-state-store.js';
import { AlertStore } from '../../lambdas/core/alerts/store.js';
import { type DetectionDeps, runDetectionCycle } from '../../lambdas/core/detection/cycle.js';
import { ingestObject } from '../../lambdas/core/lake/ingest.js';
import { fixedClock } from '../../lambdas/core/ports/clock.js';
import type { StateStore } from '../../lambdas/core/ports/state-store.js';
import { parseSqlRule, type SqlRule } from '../../lambdas/core/rules/sql-rule.js';
import { TABLES } from '../../lambdas/core/schema/registry.js';
import { SOURCES } from '../../lambdas/core/sources/registry.js';
import { consoleLogin, ctRecord } from '../fixtures/cloudtrail-records.js';

const NOW = new Date();
const ago = (minutes: number) =>
  new Date(NOW.getTime() - minutes * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');

/** Benign noise plus the four attacks the shipped SQL rules are written for. */
function attackRecords(): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  for (let i = 0; i < 30; i++) records.push(ctRecord({ eventTime: ago(200 - i * 5) }));
  records.push(consoleLogin({ user: 'carol', ip: '192.0.2.10', at: ago(90), success: false }));
  records.push(consoleLogin({ user: 'carol', ip: '192.0.2.10', at: ago(89), success: true }));
  for (let i = 0; i < 7; i++)
    records.push(consoleLogin({ user: 'bob', ip: '203.0.113.9', at: ago(40 - i), success: false }));
  records.push(consoleLogin({ user: 'bob', ip: '203.0.113.9', at: ago(30), success: true }));
  records.push(
    ctRecord({
      eventID: 'root-1',
      eventTime: ago(120),
      userIdentity: {
        type: 'Root',
        principalId: '111122223333',
        arn: 'arn:aws:iam::111122223333:root',
        accountId: '111122223333',
      },
      eventName: 'CreateAccessKey',
      eventSource: 'iam.amazonaws.com',
      sourceIPAddress: '198.51.100.77',
    }),
  );
  records.push(
    ctRecord({
      eventID: 'stop-1',
      eventTime: ago(60),
      userIdentity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/ops/mallory',
        accountId: '111122223333',
      },
      eventSource: 'cloudtrail.amazonaws.com',
      eventName: 'StopLogging',
      requestParameters: { name: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail' },
    }),
  );
  records.push(
    ctRecord({
      eventID: 'admin-1',
      eventTime: ago(70),
      eventSource: 'iam.amazonaws.com',
      eventName: 'AttachUserPolicy',
      requestParameters: { userName: 'backdoor', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    }),
  );
  return records;
}

describe('detection cycle (real DuckDB over ingested Parquet)', () => {
  let dir: string;
  let encoder: DuckDbParquetEncoder;
  let engine: DuckDbQueryEngine;
  let state: SqliteStateStore;
  let store: FsObjectStore;
  let rules: SqlRule[];
  const clock = fixedClock(NOW);
  const tables = TABLES.map((t) => t.name);
  const deps = (overrides: Partial<DetectionDeps> = {}): DetectionDeps => ({
    state,
    query: engine,
    clock,
    rules,
    tables,
    ...overrides,
  });
  const ingest = (name: string, records: Record<string, unknown>[]) =>
    ingestObject(
      { store, state, encoder, clock, sources: SOURCES },
      { sourceObject: name, body: Buffer.from(JSON.stringify({ Records: records })), source: 'cloudtrail' },
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mantissa-detect-'));
    encoder = await DuckDbParquetEncoder.open();
    state = new SqliteStateStore(join(dir, 'state.db'));
    store = new FsObjectStore(join(dir, 'lake'));
    engine = await DuckDbQueryEngine.open({ lakeRoot: store.root, tables: TABLES });
    const loaded = await loadSqlRules(
      [{ dir: 'rules/sql', idPrefix: 'sql/', displayPrefix: 'rules/sql/' }],
      tables,
    );
    expect(loaded.errors).toEqual([]);
    rules = loaded.rules;
  });
  afterAll(async () => {
    await engine.close();
    await encoder.close();
    await state.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('raises one alert per attack from the shipped rules, with evidence, and consumes the batch', async () => {
    await ingest('batch-1.json', attackRecords());
    const report = await runDetectionCycle(deps());
    expect(report.errors).toEqual([]);
    expect(report.batches).toBe(1);
    const titles = report.raised.map((a) => a.title).sort();
    expect(titles).toEqual([
      'AdministratorAccess attached to an IAM identity: actor=arn:aws:iam::111122223333:user/alice account_id=111122223333',
      'CloudTrail logging stopped or trail deleted: actor=arn:aws:sts::111122223333:assumed-role/ops/mallory account_id=111122223333',
      'Console brute force followed by success: user_name=bob ip=203.0.113.9 account_id=111122223333',
      'Root account used: account_id=111122223333 ip=198.51.100.77',
    ]);
    const brute = report.raised.find((a) => a.ruleId === 'sql/cloudtrail/console-brute-force-then-success');
    expect(brute).toMatchObject({
      severity: 'high',
      status: 'open',
      count: 1,
      firstSeen: new Date(ago(40)).toISOString(),
      lastSeen: new Date(ago(30)).toISOString(),
      mitreAttack: ['T1110.001', 'T1078.004'],
      evidence: [{ user_name: 'bob', ip: '203.0.113.9', account_id: '111122223333', failures: 7 }],
    });
    const stop = report.raised.find((a) => a.ruleId === 'sql/cloudtrail/cloudtrail-logging-stopped');
    expect(stop?.evidence).toEqual([
      expect.objectContaining({ event_id: 'stop-1', eventname: 'StopLogging' }),
    ]);
    expect(await runDetectionCycle(deps())).toMatchObject({ batches: 0, rulesRun: 0, raised: [] });
  });

  it('raises nothing twice when the same events arrive again', async () => {
    await ingest(
      'batch-1-redelivered.json',
      attackRecords().map((r) => ({ ...r, eventID: `x-${String(r.eventID)}` })),
    );
    const report = await runDetectionCycle(deps());
    // Every rule matches again (the aggregates now count both copies), and each match merges into the
    // open alert with its dedup key instead of raising a new one.
    expect(report.raised).toEqual([]);
    expect(report.updated.map((a) => a.ruleId).sort()).toEqual([
      'sql/cloudtrail/cloudtrail-logging-stopped',
      'sql/cloudtrail/console-brute-force-then-success',
      'sql/cloudtrail/iam-admin-policy-attached',
      'sql/cloudtrail/root-account-use',
    ]);
    expect(await new AlertStore(state).list()).toHaveLength(4);
  });

  it('re-runs a cycle that crashed before committing without raising or counting anything twice', async () => {
    const late = [
      ctRecord({
        eventID: 'stop-2',
        eventTime: ago(10),
        userIdentity: {
          type: 'IAMUser',
          arn: 'arn:aws:iam::444455556666:user/eve',
          accountId: '444455556666',
        },
        recipientAccountId: '444455556666',
        eventSource: 'cloudtrail.amazonaws.com',
        eventName: 'DeleteTrail',
      }),
    ];
    await ingest('batch-2.json', late);
    const crashing: StateStore = Object.create(state, {
      delete: {
        value: async (pk: string, sk: string) => {
          if (pk === 'manifest-pending') throw new Error('killed before commit');
          return state.delete(pk, sk);
        },
      },
    });
    await expect(runDetectionCycle(deps({ state: crashing }))).rejects.toThrow('killed before commit');
    await state.delete('lock', 'detection');
    const rerun = await runDetectionCycle(deps());
    expect(rerun.batches).toBe(1);
    expect(rerun.raised).toEqual([]);
    const alerts = await new AlertStore(state).list({ ruleId: 'sql/cloudtrail/cloudtrail-logging-stopped' });
    expect(alerts.map((a) => [a.title, a.count])).toEqual([
      [
        'CloudTrail logging stopped or trail deleted: actor=arn:aws:iam::444455556666:user/eve account_id=444455556666',
        1,
      ],
      [
        'CloudTrail logging stopped or trail deleted: actor=arn:aws:sts::111122223333:assumed-role/ops/mallory account_id=111122223333',
        2,
      ],
    ]);
  });

  it('runs the getting-started guide’s rule as written; it finds nothing because CloudTrail sets no errorCode on failed sign-ins', async () => {
    const guide = parseSqlRule(
      'suspicious-logins.yaml',
      'custom/suspicious-logins',
      readFileSync('test/fixtures/rules/suspicious-login-pattern.yaml', 'utf8'),
    );
    const result = await engine.query(guide.query);
    expect(result.columns.map((c) => c.name)).toEqual(['user', 'ip', 'failures', 'reason']);
    expect(result.rows).toEqual([]);
    const failures = await engine.query(
      "SELECT count(*) AS n, count(errorcode) AS with_code FROM cloudtrail WHERE eventname = 'ConsoleLogin' AND errormessage = 'Failed authentication'",
    );
    expect(failures.rows).toEqual([{ n: 16, with_code: 0 }]);
  });
});
