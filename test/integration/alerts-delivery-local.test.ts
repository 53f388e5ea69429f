import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { outboxCommand } from '../../bin/commands/outbox.js';
import { LocalRuntime } from '../../lambdas/adapters/local/runtime.js';
import { LocalSecrets } from '../../lambdas/adapters/local/secrets.js';
import { startLocalServer } from '../../lambdas/adapters/local/server.js';
import { verifyWebhook } from '../../lambdas/core/alerts/destinations/webhook.js';
import { entityHistory } from '../../lambdas/core/alerts/enrichment/history.js';
import { ctRecord } from '../fixtures/cloudtrail-records.js';
import { type Peer, sampleAlert, startPeer } from './alerts-delivery-peer.js';

let home: string;
const peers: Peer[] = [];
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'mantissa-local-delivery-'));
});
afterEach(async () => {
  for (const p of peers.splice(0)) await p.close();
  rmSync(home, { recursive: true, force: true });
});

function secretsFile(values: Record<string, string>, mode = 0o600): string {
  const file = join(home, 'secrets.json');
  writeFileSync(file, JSON.stringify(values));
  chmodSync(file, mode);
  return file;
}

describe('local secrets', () => {
  it('reads the environment first, then a 0600 secrets.json', async () => {
    const secrets = new LocalSecrets(secretsFile({ 'hook-secret': 'from-file', other: 'file-only' }), {
      MANTISSA_SECRET_HOOK_SECRET: 'from-env',
    });
    expect(await secrets.get('hook-secret')).toBe('from-env');
    expect(await secrets.get('other')).toBe('file-only');
    expect(await secrets.get('absent')).toBeUndefined();
    expect(await new LocalSecrets(join(home, 'none.json'), {}).get('x')).toBeUndefined();
  });

  it('refuses a file others can read, and never quotes a broken file', async () => {
    const loose = new LocalSecrets(secretsFile({ a: 'b' }, 0o644), {});
    await expect(loose.get('a')).rejects.toThrow(/has mode 644; run chmod 600 on it/);
    const file = join(home, 'secrets.json');
    writeFileSync(file, '{"a": "sup3r-s3cret",');
    chmodSync(file, 0o600);
    const err = (await new LocalSecrets(file, {}).get('a').catch((e: Error) => e)) as Error;
    expect(err.message).toBe(`${file} is not valid JSON`);
  });
});

describe('delivery in the local runtime', () => {
  async function setup(reply: Parameters<typeof startPeer>[0]) {
    const peer = await startPeer(reply);
    peers.push(peer);
    writeFileSync(
      join(home, 'config.yaml'),
      `destinations:
  - name: soc
    type: webhook
    url: ${peer.url}/siem
    secret: hook-secret
routes:
  - match: { severity: { min: high } }
    to: [soc]
enrichment:
  history: false
`,
    );
    secretsFile({ 'hook-secret': 'whsec-local' });
    const runtime = new LocalRuntime(home);
    return { peer, runtime };
  }

  it('routes unrouted alerts, enriches, signs and delivers them on a tick', async () => {
    const { peer, runtime } = await setup(() => ({ status: 200 }));
    try {
      // Raised now about events of three days ago (late or replayed logs): routed all the same.
      const alert = sampleAlert({
        createdAt: new Date().toISOString(),
        firstSeen: new Date(Date.now() - 3 * 86_400_000).toISOString(),
        lastSeen: new Date(Date.now() - 3 * 86_400_000).toISOString(),
      });
      await runtime.alerts.create(alert);
      await runtime.alerts.create(
        sampleAlert({ id: 'low'.padEnd(24, '0'), severity: 'low', createdAt: new Date().toISOString() }),
      );
      const { routing, drain } = await runtime.delivery().tick();
      expect(routing).toEqual({ alerts: 2, enqueued: 1, errors: [], resolutions: 0 });
      expect(drain).toMatchObject({ delivered: 1, retried: 0, deadLettered: 0 });
      const r = peer.received[0];
      const body = JSON.parse(r?.body ?? '{}');
      expect(body.alert.id).toBe(alert.id);
      expect(body.enrichment.geo).toEqual({ '8.8.8.8': { country: 'US', name: 'United States' } });
      expect(body.enrichment.summary.source).toBe('template');
      expect(
        verifyWebhook(
          'whsec-local',
          {
            timestamp: r?.headers['x-mantissa-timestamp'] as string,
            signature: r?.headers['x-mantissa-signature'] as string,
          },
          r?.body ?? '',
          new Date(),
        ),
      ).toBe(true);
      // A second tick finds nothing new to route or deliver.
      expect(await runtime.delivery().tick()).toMatchObject({
        routing: { alerts: 0 },
        drain: { delivered: 0 },
      });
      // Resolving the alert tells the destination, once.
      await runtime.alerts.setStatus(alert.id, 'resolved', 'analyst', new Date());
      expect(await runtime.delivery().tick()).toMatchObject({
        routing: { resolutions: 1 },
        drain: { delivered: 1 },
      });
      expect(await runtime.delivery().tick()).toMatchObject({
        routing: { resolutions: 0 },
        drain: { delivered: 0 },
      });
      expect(peer.received.map((x) => JSON.parse(x.body).type)).toEqual(['alert.trigger', 'alert.resolve']);
    } finally {
      await runtime.close();
    }
  });

  it('mantissa outbox lists dead letters and retry --all redelivers them', async () => {
    let healthy = false;
    const { peer, runtime } = await setup(() => (healthy ? { status: 204 } : { status: 410, body: 'gone' }));
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await runtime.alerts.create(sampleAlert({ createdAt: new Date().toISOString() }));
      expect((await runtime.delivery().tick()).drain.deadLettered).toBe(1);
      out.mockClear();
      expect(await outboxCommand.run(runtime, ['list', '--state', 'dead', '--json'], { version: 't' })).toBe(
        0,
      );
      const listed = JSON.parse(String(out.mock.calls[0]?.[0]));
      expect(listed.items.map((i: { lastError: string }) => i.lastError)).toEqual(['HTTP 410: gone']);
      healthy = true;
      out.mockClear();
      expect(await outboxCommand.run(runtime, ['retry', '--all'], { version: 't' })).toBe(0);
      expect(out.mock.calls[0]?.[0]).toBe('1 dead letter queued for delivery again\n');
      expect(await outboxCommand.run(runtime, ['retry', '--id', 'nope'], { version: 't' })).toBe(1);
      await expect(outboxCommand.run(runtime, ['retry'], { version: 't' })).rejects.toThrow(
        'outbox retry takes --id ID or --all',
      );
      expect((await runtime.delivery().tick()).drain.delivered).toBe(1);
      expect(peer.received).toHaveLength(2);
    } finally {
      out.mockRestore();
      await runtime.close();
    }
  });

  it('the server delivers on its own schedule', async () => {
    const { peer, runtime } = await setup(() => ({ status: 200 }));
    const server = await startLocalServer(runtime, {
      port: 0,
      detectEveryMs: 0,
      deliverEveryMs: 50,
      version: 't',
    });
    try {
      await runtime.alerts.create(sampleAlert({ createdAt: new Date().toISOString() }));
      for (let i = 0; i < 100 && peer.received.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(peer.received).toHaveLength(1);
    } finally {
      await server.close();
      await runtime.close();
    }
  });
});

describe('entity history against the real lake', () => {
  it('runs its guarded SQL on DuckDB over ingested CloudTrail', async () => {
    const runtime = new LocalRuntime(home);
    try {
      const now = new Date();
      const at = (minutesAgo: number) =>
        new Date(now.getTime() - minutesAgo * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
      const file = join(home, 'in.json');
      writeFileSync(
        file,
        JSON.stringify({
          Records: [
            ctRecord({ eventTime: at(300) }),
            ctRecord({ eventTime: at(120) }),
            ctRecord({ eventTime: at(60), sourceIPAddress: '192.0.2.44' }),
          ],
        }),
      );
      await runtime.ingestFile(file, 'cloudtrail');
      const { history, notes } = await entityHistory(
        await runtime.query(),
        [
          { kind: 'ip', value: '198.51.100.23' },
          { kind: 'user', value: 'alice' },
          { kind: 'account', value: '111122223333' },
        ],
        runtime.tables,
        now,
      );
      expect(notes).toEqual([]);
      expect(history.map((h) => [h.entity.value, h.table, h.events])).toEqual([
        ['198.51.100.23', 'cloudtrail', 2],
        ['alice', 'cloudtrail', 3],
        ['111122223333', 'cloudtrail', 3],
      ]);
      expect(Date.parse(history[0]?.firstSeen ?? '')).toBe(Date.parse(at(300)));
      expect(Date.parse(history[0]?.lastSeen ?? '')).toBe(Date.parse(at(120)));
    } finally {
      await runtime.close();
    }
  });
});
