import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbParquetEncoder } from '../../lambdas/adapters/duckdb/parquet-encoder.js';
import { DuckDbQueryEngine } from '../../lambdas/adapters/duckdb/query-engine.js';
import { FsObjectStore } from '../../lambdas/adapters/local/fs-object-store.js';
import { type LoadedRules, loadRules } from '../../lambdas/adapters/local/rule-files.js';
import { SqliteStateStore } from '../../lambdas/adapters/local/sqlite-state-store.js';
import { AlertStore } from '../../lambdas/core/alerts/store.js';
import { runDetectionCycle } from '../../lambdas/core/detection/cycle.js';
import type { RaiseOutcome } from '../../lambdas/core/detection/raise.js';
import { RealtimeBatch } from '../../lambdas/core/detection/realtime.js';
import { ingestObject } from '../../lambdas/core/lake/ingest.js';
import { type Clock, fixedClock } from '../../lambdas/core/ports/clock.js';
import { TABLES } from '../../lambdas/core/schema/registry.js';
import { SOURCES } from '../../lambdas/core/sources/registry.js';
import { consoleLogin, ctRecord } from '../fixtures/cloudtrail-records.js';

// Fixed, so correlation windows (aligned to the hour) fall the same way every run.
const NOW = new Date('2026-11-20T12:30:00Z');
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();

const RULES: Record<string, string> = {
  'stop-logging.yml': `title: CloudTrail logging stopped
id: 5f0b6e1c-0c0a-4c4e-9a57-3d1f9c2b7a01
level: high
tags: [attack.defense_evasion, attack.t1562.008]
logsource: {product: aws, service: cloudtrail}
detection:
  selection:
    eventSource: cloudtrail.amazonaws.com
    eventName: [StopLogging, DeleteTrail]
  condition: selection
`,
  'root-use.yml': `title: Root account API call
level: high
tags: [attack.privilege_escalation, attack.t1078.004]
realtime: false
logsource: {product: aws, service: cloudtrail}
detection:
  selection:
    userIdentity.type: Root
  condition: selection
`,
  'access-denied.yml': `title: Repeated access denied
level: low
threshold: 3
deduplication_window: 600
logsource: {product: aws, service: cloudtrail}
detection:
  selection:
    errorCode: AccessDenied
  condition: selection
`,
  'brute.yml': `title: Failed console sign-in
name: failed_console_login
logsource: {product: aws, service: cloudtrail}
detection:
  selection:
    eventName: ConsoleLogin
    errorMessage: Failed authentication
  condition: selection
---
title: Console sign-in failures from one address
name: brute_force
level: medium
correlation:
  type: event_count
  rules: [failed_console_login]
  group-by: [sourceIPAddress]
  timespan: 1h
  condition: {gte: 5}
`,
  'trail-stopped.yaml': `name: Trail stopped (SQL)
severity: medium
query: SELECT eventname, count(*) AS n FROM cloudtrail WHERE eventname = 'StopLogging' GROUP BY 1
`,
  'broken.yml': `title: Uses a field CloudTrail does not have
logsource: {product: aws, service: cloudtrail}
detection:
  selection:
    NoSuchField: x
  condition: selection
`,
};

const root = (eventID: string, at: string, account = '111122223333') =>
  ctRecord({
    eventID,
    eventTime: at,
    userIdentity: { type: 'Root', arn: `arn:aws:iam::${account}:root`, accountId: account },
    recipientAccountId: account,
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateAccessKey',
    sourceIPAddress: '198.51.100.77',
  });
const denied = (eventID: string, at: string) =>
  ctRecord({ eventID, eventTime: at, eventName: 'GetObject', errorCode: 'AccessDenied' });

/** Ingests CloudTrail records with the real-time matcher on, collecting what it raised. */
function ingestWithRealtime(
  deps: { store: FsObjectStore; state: SqliteStateStore; encoder: DuckDbParquetEncoder; clock: Clock },
  rules: LoadedRules['sigma']['events'],
  raised: RaiseOutcome[],
  sourceObject: string,
  records: Record<string, unknown>[],
) {
  return ingestObject(
    {
      ...deps,
      sources: SOURCES,
      realtime: new RealtimeBatch({
        state: deps.state,
        clock: deps.clock,
        rules,
        onBatch: (_entry, outcome) => {
          if (outcome instanceof Error) throw outcome;
          raised.push(outcome);
        },
      }),
    },
    { sourceObject, body: Buffer.from(JSON.stringify({ Records: records })), source: 'cloudtrail' },
  );
}

describe('Sigma detection: real-time matcher, fused scan, thresholds, correlations, suppressions', () => {
  let lake: RuleLake;
  let encoder: DuckDbParquetEncoder;
  let engine: DuckDbQueryEngine;
  let state: SqliteStateStore;
  let store: FsObjectStore;
  let loaded: LoadedRules;
  let alerts: AlertStore;
  const clock = fixedClock(NOW);
  const tables = TABLES.map((t) => t.name);
  const realtime: RaiseOutcome[] = [];

  const ingest = (name: string, records: Record<string, unknown>[]) =>
    ingestWithRealtime({ store, state, encoder, clock }, loaded.sigma.events, realtime, name, records);
  const detect = () =>
    runDetectionCycle({
      state,
      query: engine,
      clock,
      rules: loaded.rules,
      sigma: loaded.sigma,
      tables,
      lake: { store, encoder },
    });

  beforeAll(async () => {
    lake = await openRuleLake('sigma-detect', RULES);
    ({ encoder, state, store, engine, loaded } = lake);
    alerts = new AlertStore(state);
  });
  afterAll(() => lake.close());

  it('loads Sigma and SQL rules from one folder, reporting the rule that does not compile', () => {
    expect(loaded.rules.map((r) => r.id)).toEqual(['local/aws/trail-stopped']);
    expect(loaded.sigma.events.map((r) => [r.id, r.realtime, r.threshold, r.dedupWindowMs])).toEqual([
      ['local/aws/access-denied', true, 3, 600_000],
      ['local/aws/root-use', false, 1, 3_600_000],
      ['local/aws/stop-logging', true, 1, 3_600_000],
    ]);
    expect(loaded.sigma.queries.map((r) => [r.id, r.tables, r.lookbackMs, r.dedupFields])).toEqual([
      ['local/aws/brute#brute_force', ['cloudtrail'], 3_600_000, ['sourceIPAddress']],
    ]);
    expect(loaded.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^rules\/aws\/broken\.yml: .*'NoSuchField' is not a column of table cloudtrail/),
    ]);
  });

  it('raises a single-event alert at ingest, and the scheduled scan does not raise it again', async () => {
    const records = [
      ...Array.from({ length: 10 }, (_, i) => ctRecord({ eventTime: ago(200 - i * 5) })),
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
      }),
      root('root-1', ago(120)),
      denied('denied-1', ago(30)),
      denied('denied-2', ago(29)),
      ...Array.from({ length: 7 }, (_, i) =>
        consoleLogin({ user: 'bob', ip: '203.0.113.9', at: ago(40 - i), success: false }),
      ),
    ];
    await ingest('batch-1.json', records);
    expect(realtime.map((o) => [o.raised.map((a) => a.title), o.held])).toEqual([
      [
        [
          'CloudTrail logging stopped: user=arn:aws:sts::111122223333:assumed-role/ops/mallory ip=198.51.100.23 account=111122223333',
        ],
        2,
      ],
    ]);
    const stop = realtime[0]?.raised[0];
    expect(stop).toMatchObject({
      ruleId: 'local/aws/stop-logging',
      severity: 'high',
      category: 'defense-evasion',
      mitreAttack: ['T1562.008'],
      count: 1,
      firstSeen: ago(60),
      lastSeen: ago(60),
      eventIds: ['stop-1'],
      entities: {
        user: ['arn:aws:sts::111122223333:assumed-role/ops/mallory'],
        ip: ['198.51.100.23'],
        account: ['111122223333'],
      },
    });

    const report = await detect();
    expect(report).toMatchObject({ batches: 1, queries: 3, rulesRun: 5, errors: [], updated: [], held: 2 });
    expect(report.raised.map((a) => [a.ruleId, a.title, a.count]).sort()).toEqual([
      [
        'local/aws/brute#brute_force',
        'Console sign-in failures from one address: sourceIPAddress=203.0.113.9',
        1,
      ],
      [
        'local/aws/root-use',
        'Root account API call: user=arn:aws:iam::111122223333:root ip=198.51.100.77 account=111122223333',
        1,
      ],
      ['local/aws/trail-stopped', 'Trail stopped (SQL): eventname=StopLogging', 1],
    ]);
    const brute = report.raised.find((a) => a.ruleId === 'local/aws/brute#brute_force');
    // Group-by columns in lower case, as Athena returns them: the evidence is the same on AWS.
    expect(brute?.evidence).toEqual([
      {
        sourceipaddress: '203.0.113.9',
        window_start: Date.parse('2026-11-20T11:00:00Z') / 1000,
        first_seen: '2026-11-20T11:50:00Z',
        last_seen: '2026-11-20T11:56:00Z',
        event_count: 7,
      },
    ]);
    expect(brute?.entities).toEqual({ ip: ['203.0.113.9'] });
    expect((await alerts.get(stop?.id as string))?.count).toBe(1);
  });

  it('holds matches below the threshold across batches and raises once the window holds enough', async () => {
    await ingest('batch-2.json', [denied('denied-3', ago(20))]);
    const atIngest = realtime.at(-1);
    expect(atIngest?.raised.map((a) => [a.ruleId, a.count, a.eventIds])).toEqual([
      ['local/aws/access-denied', 3, ['denied-1', 'denied-2', 'denied-3']],
    ]);
    const report = await detect();
    expect(report).toMatchObject({ batches: 1, raised: [], updated: [], held: 0, errors: [] });
    expect(await alerts.list({ ruleId: 'local/aws/access-denied' })).toHaveLength(1);
  });

  it('suppresses matches of a rule for the entities of an alert marked a false positive, counting each once', async () => {
    const [rootAlert] = await alerts.list({ ruleId: 'local/aws/root-use' });
    const { suppression } = await alerts.markFalsePositive(rootAlert?.id as string, {
      by: 'analyst@example.com',
      now: NOW,
      // Expiry is judged by the state store's own (wall) clock: far enough ahead of the fixed test clock.
      ttlMs: 30 * 86_400_000,
      scope: ['user'],
    });
    expect(suppression).toMatchObject({
      ruleId: 'local/aws/root-use',
      entities: { user: 'arn:aws:iam::111122223333:root' },
      expiresAt: '2026-12-20T12:30:00.000Z',
    });
    const batch = [root('root-2', ago(10)), root('root-3', ago(9), '444455556666')];
    await ingest('batch-3.json', batch);
    const first = await detect();
    expect(first.suppressed).toBe(1);
    expect(first.raised.map((a) => [a.ruleId, a.entities.user])).toEqual([
      ['local/aws/root-use', ['arn:aws:iam::444455556666:root']],
    ]);
    await ingest('batch-3.json', batch); // Delivered again: the same events.
    const again = await detect();
    expect(again).toMatchObject({ suppressed: 1, raised: [], updated: [] });
    expect((await alerts.suppressions.list('local/aws/root-use')).map((s) => s.suppressed)).toEqual([1]);
    expect((await alerts.get(rootAlert?.id as string))?.status).toBe('false-positive');
  });

  it('appends every stored state of every alert to the alerts table, once', async () => {
    const all = await alerts.list();
    const rows = await engine.query(
      'SELECT alert_id, status, match_count FROM alerts ORDER BY alert_id, match_count, status',
    );
    const [rootAlert] = await alerts.list({ ruleId: 'local/aws/root-use', status: 'false-positive' });
    expect(rows.rows.filter((r) => r.alert_id === rootAlert?.id)).toEqual([
      { alert_id: rootAlert?.id, status: 'false-positive', match_count: 1 },
      { alert_id: rootAlert?.id, status: 'open', match_count: 1 },
    ]);
    const current = await engine.query(
      'SELECT count(DISTINCT alert_id) AS alerts, count(*) AS rows, count(DISTINCT event_id) AS states FROM alerts',
    );
    expect(current.rows).toEqual([{ alerts: all.length, rows: all.length + 1, states: all.length + 1 }]);
  });
});

const LIST_RULES: Record<string, string> = {
  'kms-deletion.yml': `title: KMS key scheduled for deletion
level: high
logsource: {product: aws, service: cloudtrail}
detection:
  selection:
    eventName: ScheduleKeyDeletion
    resources.type: 'AWS::KMS::Key'
  condition: selection
`,
  'unapproved-bucket-policy.yml': `title: Policy on a bucket outside the approved ones
level: medium
realtime: false
logsource: {product: aws, service: cloudtrail}
detection:
  selection:
    eventName: PutBucketPolicy
  approved:
    resources.ARN|startswith: 'arn:aws:s3:::approved-'
  condition: selection and not approved
`,
};

describe('Sigma detection on fields inside lists: the matcher at ingest, the fused scan after', () => {
  let lake: RuleLake;
  let encoder: DuckDbParquetEncoder;
  let engine: DuckDbQueryEngine;
  let state: SqliteStateStore;
  let store: FsObjectStore;
  let loaded: LoadedRules;
  const clock = fixedClock(NOW);
  const tables = TABLES.map((t) => t.name);
  const realtime: RaiseOutcome[] = [];

  beforeAll(async () => {
    lake = await openRuleLake('sigma-lists', LIST_RULES);
    ({ encoder, state, store, engine, loaded } = lake);
  });
  afterAll(() => lake.close());

  it('raises the list rule at ingest and the scan finds the rest, each event once', async () => {
    expect(loaded.errors).toEqual([]);
    const kms = (eventID: string, resources: unknown[]) =>
      ctRecord({
        eventID,
        eventTime: ago(30),
        eventSource: 'kms.amazonaws.com',
        eventName: 'ScheduleKeyDeletion',
        resources,
      });
    const policy = (eventID: string, resources?: unknown[]) =>
      ctRecord({
        eventID,
        eventTime: ago(20),
        eventName: 'PutBucketPolicy',
        ...(resources ? { resources } : {}),
      });
    const records = [
      kms('k1', [{ ARN: 'arn:aws:kms:us-east-1:111122223333:key/k1', type: 'AWS::KMS::Key' }]),
      kms('k2', []),
      policy('p1', [{ ARN: 'arn:aws:s3:::approved-logs', type: 'AWS::S3::Bucket' }]),
      policy('p2', [
        { ARN: null, type: 'AWS::S3::Bucket' },
        { ARN: 'arn:aws:s3:::data', type: 'AWS::S3::Bucket' },
      ]),
      policy('p3'),
    ];
    await ingestWithRealtime(
      { store, state, encoder, clock },
      loaded.sigma.events,
      realtime,
      'lists.json',
      records,
    );
    expect(realtime.flatMap((o) => o.raised.map((a) => [a.ruleId, a.eventIds]))).toEqual([
      ['local/aws/kms-deletion', ['k1']],
    ]);
    const report = await runDetectionCycle({
      state,
      query: engine,
      clock,
      rules: loaded.rules,
      sigma: loaded.sigma,
      tables,
      lake: { store, encoder },
    });
    expect(report.errors).toEqual([]);
    // k1 was raised at ingest: the scan finds it already merged and raises nothing new for it.
    expect(report.updated).toEqual([]);
    expect(report.raised.flatMap((a) => a.eventIds.map((e) => [a.ruleId, e])).sort()).toEqual([
      ['local/aws/unapproved-bucket-policy', 'p2'],
      ['local/aws/unapproved-bucket-policy', 'p3'],
    ]);
  });
});

type RuleLake = Awaited<ReturnType<typeof openRuleLake>>;

/** A lake, state store and DuckDB in a temporary folder, with `rules` loaded from its rules/aws/. */
async function openRuleLake(name: string, rules: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), `mantissa-${name}-`));
  mkdirSync(join(dir, 'rules', 'aws'), { recursive: true });
  for (const [file, text] of Object.entries(rules)) writeFileSync(join(dir, 'rules', 'aws', file), text);
  const encoder = await DuckDbParquetEncoder.open();
  const state = new SqliteStateStore(join(dir, 'state.db'));
  const store = new FsObjectStore(join(dir, 'lake'));
  const engine = await DuckDbQueryEngine.open({ lakeRoot: store.root, tables: TABLES });
  const loaded = await loadRules(
    [{ dir: join(dir, 'rules'), idPrefix: 'local/', displayPrefix: 'rules/', kind: 'mixed' }],
    TABLES.map((t) => t.name),
    'duckdb',
  );
  return {
    encoder,
    state,
    store,
    engine,
    loaded,
    close: async () => {
      await engine.close();
      await encoder.close();
      await state.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
