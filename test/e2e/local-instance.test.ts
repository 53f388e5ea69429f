import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleLogin, ctRecord } from '../fixtures/cloudtrail-records.js';

const execFileAsync = promisify(execFile);
const BIN = join(process.cwd(), 'bin', 'mantissa.js');

/** `npm start` as a user runs it, in a fresh data folder, and the CLI in "another terminal". */
describe('the local instance, end to end through the CLI', () => {
  let home: string;
  let server: ChildProcess;
  let url: string;
  let startLog = '';
  let alertsAfterStart = 0;
  let alertsBeforeRestart = 0;
  const env = () => ({ ...process.env, MANTISSA_HOME: home });
  const cli = async (...args: string[]) => {
    const { stdout } = await execFileAsync(process.execPath, [BIN, ...args], {
      env: env(),
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  };
  const startServer = () =>
    new Promise<{ proc: ChildProcess; url: string }>((resolve, reject) => {
      const proc = spawn(process.execPath, [BIN, 'start', '--port', '0', '--interval', '1'], { env: env() });
      let out = '';
      proc.stderr?.on('data', (d) => {
        startLog += String(d);
      });
      proc.stdout?.on('data', (d) => {
        out += String(d);
        const match = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (match?.[1]) resolve({ proc, url: match[1] });
      });
      proc.once('exit', (code) => reject(new Error(`start exited with ${code}: ${startLog}`)));
    });
  const stop = (proc: ChildProcess) =>
    new Promise<number | null>((resolve) => {
      proc.removeAllListeners('exit');
      proc.once('exit', (code) => resolve(code));
      proc.kill('SIGINT');
    });
  const api = async (path: string, token?: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    if (init.body) headers.set('content-type', 'application/json');
    return fetch(`${url}${path}`, { ...init, headers });
  };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'mantissa-e2e-'));
    ({ proc: server, url } = await startServer());
    // The first start writes and ingests three days of sample logs: give a loaded CI machine time.
  }, 240_000);
  afterAll(async () => {
    if (server && server.exitCode === null) await stop(server);
    rmSync(home, { recursive: true, force: true });
  });

  it('starts on a fresh folder: writes and ingests the sample, raises one alert per scenario, serves health', async () => {
    expect(startLog).toMatch(/wrote sample logs: \d+ files/);
    const counts = /ingested (\d+) records: (\d+) written, 0 quarantined, (\d+) skipped/.exec(startLog);
    expect(counts).not.toBeNull();
    const [records = -1, written = 0, skipped = 0] = (counts ?? []).slice(1).map(Number);
    expect(written + skipped).toBe(records);
    expect((await api('/api/v1/health')).status).toBe(200);
    const token = (await cli('token', '--role', 'viewer')).trim();
    const { alerts } = (await (await api('/api/v1/alerts?limit=1000', token)).json()) as {
      alerts: { ruleId: string }[];
    };
    // One per CloudTrail scenario from the SQL rules; the Sigma pack adds its own across the sources.
    expect(alerts.map((a) => a.ruleId)).toEqual(
      expect.arrayContaining([
        'sql/cloudtrail/cloudtrail-logging-stopped',
        'sql/cloudtrail/console-brute-force-then-success',
        'sql/cloudtrail/iam-admin-policy-attached',
        'sql/cloudtrail/root-account-use',
      ]),
    );
    alertsAfterStart = alerts.length;
  });

  it('refuses requests without a token (401), PATCH by a viewer (403) and SQL that is not one SELECT (400)', async () => {
    expect((await api('/api/v1/alerts')).status).toBe(401);
    const viewer = (await cli('token', '--role', 'viewer')).trim();
    const { alerts } = (await (await api('/api/v1/alerts', viewer)).json()) as { alerts: { id: string }[] };
    const patch = await api(`/api/v1/alerts/${alerts[0]?.id}`, viewer, {
      method: 'PATCH',
      body: JSON.stringify({ status: 'resolved' }),
    });
    expect(patch.status).toBe(403);
    for (const sql of ['DROP TABLE x', 'SELECT 1; SELECT 2']) {
      expect(
        (await api('/api/v1/sql', viewer, { method: 'POST', body: JSON.stringify({ sql }) })).status,
      ).toBe(400);
    }
  });

  it('counts in SQL exactly the records the sample wrote', async () => {
    const sampleDir = join(home, 'sample', 'cloudtrail');
    let records = 0;
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else
          records += (JSON.parse(gunzipSync(readFileSync(path)).toString()) as { Records: unknown[] }).Records
            .length;
      }
    };
    walk(sampleDir);
    const result = JSON.parse(await cli('sql', 'SELECT count(*) AS n FROM cloudtrail', '--json')) as {
      rows: { n: number }[];
    };
    expect(result.rows).toEqual([{ n: records }]);
  });

  it('ingests from another terminal while running: broken lines quarantined with reasons, and the next cycle sees the rest', async () => {
    const at = new Date(Date.now() - 5 * 60_000).toISOString();
    const lines = [
      JSON.stringify(
        ctRecord({
          eventTime: at,
          eventID: 'e2e-root',
          userIdentity: {
            type: 'Root',
            principalId: '999988887777',
            arn: 'arn:aws:iam::999988887777:root',
            accountId: '999988887777',
          },
          recipientAccountId: '999988887777',
          sourceIPAddress: '192.0.2.200',
        }),
      ),
      '{"eventVersion": "1.09", truncated',
      JSON.stringify(consoleLogin({ user: 'zed', ip: '192.0.2.5', at, success: true })),
      'not json at all',
    ];
    const file = join(home, 'extra.ndjson');
    writeFileSync(file, lines.join('\n'));
    const report = JSON.parse(await cli('ingest', file, '--source', 'cloudtrail', '--json')) as {
      records: number;
      written: number;
      quarantined: number;
      objects: { quarantineKey: string }[];
    };
    expect(report).toMatchObject({ records: 4, written: 2, quarantined: 2 });
    const quarantine = gunzipSync(
      readFileSync(join(home, 'lake', report.objects[0]?.quarantineKey as string)),
    )
      .toString()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { position: string; reason: string; record: string });
    expect(quarantine.map((q) => [q.position, q.record])).toEqual([
      ['line 2', lines[1]],
      ['line 4', lines[3]],
    ]);
    expect(quarantine.every((q) => q.reason.startsWith('invalid JSON: '))).toBe(true);

    const viewer = (await cli('token', '--role', 'viewer')).trim();
    let titles: string[] = [];
    for (let i = 0; i < 40 && !titles.some((t) => t.includes('999988887777')); i++) {
      await new Promise((r) => setTimeout(r, 500));
      const body = (await (await api('/api/v1/alerts?limit=1000', viewer)).json()) as {
        alerts: { title: string }[];
      };
      titles = body.alerts.map((a) => a.title);
    }
    expect(titles).toContain('Root account used: account_id=999988887777 ip=192.0.2.200');
    alertsBeforeRestart = JSON.parse(await cli('alerts', '--json')).count;
    expect(alertsBeforeRestart).toBeGreaterThan(alertsAfterStart);
  });

  it('stops cleanly on Ctrl-C, and a second start reuses the data and raises nothing again', {
    timeout: 120_000,
  }, async () => {
    expect(await stop(server)).toBe(0);
    startLog = '';
    ({ proc: server, url } = await startServer());
    expect(startLog).not.toMatch(/wrote sample logs/);
    expect(startLog).toMatch(/detection: 0 new batches, 0 rules run, 0 alerts raised/);
    expect(JSON.parse(await cli('alerts', '--json')).count).toBe(alertsBeforeRestart);
  });
});
