import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRuntime } from '../../lambdas/adapters/local/runtime.js';
import { consoleLogin, ctRecord } from '../fixtures/cloudtrail-records.js';

const SQL_RULES = [
  'sql/cloudtrail/cloudtrail-logging-stopped',
  'sql/cloudtrail/console-brute-force-then-success',
  'sql/cloudtrail/iam-admin-policy-attached',
  'sql/cloudtrail/root-account-use',
];
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

// Scheduled-only (realtime: false), so every alert of this data is raised by the cycle under test.
const RULES: Record<string, string> = {
  'stop-logging.yml': `title: CloudTrail logging stopped
level: high
realtime: false
logsource: {product: aws, service: cloudtrail}
detection:
  selection:
    eventName: [StopLogging, DeleteTrail]
  condition: selection
`,
  'access-denied.yml': `title: Repeated access denied
level: low
realtime: false
threshold: 2
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
correlation:
  type: event_count
  rules: [failed_console_login]
  group-by: [sourceIPAddress]
  timespan: 1d
  condition: {gte: 5}
`,
};

function records(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < 20; i++) out.push(ctRecord({ eventTime: ago(300 - i * 5) }));
  for (const [i, user] of ['mallory', 'trent', 'eve'].entries()) {
    out.push(
      ctRecord({
        eventID: `stop-${user}`,
        eventTime: ago(100 - i),
        userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/${user}`, userName: user },
        eventSource: 'cloudtrail.amazonaws.com',
        eventName: i === 2 ? 'DeleteTrail' : 'StopLogging',
      }),
    );
  }
  for (let i = 0; i < 3; i++)
    out.push(
      ctRecord({
        eventID: `denied-${i}`,
        eventTime: ago(50 - i),
        eventName: 'GetObject',
        errorCode: 'AccessDenied',
      }),
    );
  for (let i = 0; i < 7; i++)
    out.push(consoleLogin({ user: 'bob', ip: '203.0.113.9', at: ago(40 - i), success: false }));
  out.push(consoleLogin({ user: 'bob', ip: '203.0.113.9', at: ago(30), success: true }));
  out.push(
    ctRecord({
      eventID: 'root-1',
      eventTime: ago(20),
      userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' },
      sourceIPAddress: '198.51.100.77',
    }),
  );
  return out;
}

/** What must hold of the alerts whichever way the cycle got there. */
async function snapshot(home: string) {
  const runtime = new LocalRuntime(home);
  try {
    const alerts = (await runtime.alerts.list()).map((a) => ({
      id: a.id,
      ruleId: a.ruleId,
      count: a.count,
      eventIds: a.eventIds,
      created: a.history.filter((h) => h.action === 'created').length,
    }));
    const lake = await (await runtime.query()).query(
      'SELECT count(*) AS rows, count(DISTINCT event_id) AS states, count(DISTINCT alert_id) AS alerts FROM alerts',
    );
    const pending = await runtime.state.query('manifest-pending');
    return {
      alerts: alerts.sort((a, b) => (a.id < b.id ? -1 : 1)),
      lake: lake.rows[0],
      pending: pending.length,
    };
  } finally {
    await runtime.close();
  }
}

describe('a detection cycle killed mid-way (SIGKILL in a child process) and restarted', () => {
  let dir: string;
  let template: string;
  let reference: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mantissa-crash-'));
    template = join(dir, 'template');
    mkdirSync(join(template, 'rules'), { recursive: true });
    for (const [file, text] of Object.entries(RULES)) writeFileSync(join(template, 'rules', file), text);
    const runtime = new LocalRuntime(template);
    const input = join(dir, 'batch.json');
    writeFileSync(input, JSON.stringify({ Records: records() }));
    await runtime.ingestFile(input, 'cloudtrail');
    await runtime.close();

    const clean = join(dir, 'clean');
    cpSync(template, clean, { recursive: true });
    const run = new LocalRuntime(clean);
    const report = await run.detect();
    await run.close();
    expect(
      report.errors.filter((e) => e.ruleId.startsWith('local/') || SQL_RULES.includes(e.ruleId)),
    ).toEqual([]);
    reference = await snapshot(clean);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the uninterrupted cycle raises each alert once and appends each to the alerts table', () => {
    // Rules shipped in rules/ load too (the reference includes their alerts); these are the ones written for this data.
    const ours = reference.alerts.filter(
      (a) => a.ruleId.startsWith('local/') || SQL_RULES.includes(a.ruleId),
    );
    expect(ours.map((a) => [a.ruleId, a.count, a.eventIds]).sort()).toEqual([
      ['local/access-denied', 3, ['denied-0', 'denied-1', 'denied-2']],
      ['local/brute#brute_force', 1, []],
      ['local/stop-logging', 1, ['stop-eve']],
      ['local/stop-logging', 1, ['stop-mallory']],
      ['local/stop-logging', 1, ['stop-trent']],
      ['sql/cloudtrail/cloudtrail-logging-stopped', 1, ['stop-eve']],
      ['sql/cloudtrail/cloudtrail-logging-stopped', 1, ['stop-mallory']],
      ['sql/cloudtrail/cloudtrail-logging-stopped', 1, ['stop-trent']],
      ['sql/cloudtrail/console-brute-force-then-success', 1, []],
      ['sql/cloudtrail/root-account-use', 1, []],
    ]);
    expect(reference.alerts.every((a) => a.created === 1)).toBe(true);
    const n = reference.alerts.length;
    expect(reference).toMatchObject({ lake: { rows: n, states: n, alerts: n }, pending: 0 });
  });

  it.each(['rule-done:1', 'rule-done:5', 'before-append:1', 'before-commit:1'])(
    'killed at %s, the restarted cycle leaves exactly the alerts of the uninterrupted one',
    async (fault) => {
      const home = join(dir, fault.replace(':', '-'));
      cpSync(template, home, { recursive: true });
      const child = spawnSync(process.execPath, ['bin/mantissa.js', 'detect', '--json'], {
        env: { ...process.env, MANTISSA_HOME: home, MANTISSA_FAULT: fault },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(child.signal).toBe('SIGKILL');
      expect((await snapshot(home)).pending).toBe(1); // Killed before its batch was marked consumed.

      const restarted = new LocalRuntime(home);
      const report = await restarted.detect();
      await restarted.close();
      expect(report.skipped).toBeUndefined();
      expect(report.batches).toBe(1);
      expect(await snapshot(home)).toEqual(reference);
    },
  );
});
