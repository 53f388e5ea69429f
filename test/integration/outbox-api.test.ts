import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { outboxCommand, TOKEN_ENV } from '../../bin/commands/outbox.js';
import { LocalRuntime } from '../../lambdas/adapters/local/runtime.js';
import { type LocalServer, startLocalServer } from '../../lambdas/adapters/local/server.js';
import { SqliteStateStore } from '../../lambdas/adapters/local/sqlite-state-store.js';
import { createApi } from '../../lambdas/api/app.js';
import { AlertStore } from '../../lambdas/core/alerts/store.js';
import { fixedClock } from '../../lambdas/core/ports/clock.js';
import type { QueryEngine } from '../../lambdas/core/ports/query-engine.js';
import { type Peer, sampleAlert, startPeer } from './alerts-delivery-peer.js';

const NOW = new Date('2026-11-21T10:30:00.000Z');
const SECRET = 'whsec-outbox-api-0123456789';
const FORBIDDEN = {
  error: { code: 'forbidden', message: 'redelivering notifications needs the admin role' },
};

describe('outbox routes on a real local server', () => {
  let home: string;
  let runtime: LocalRuntime;
  let server: LocalServer;
  let peer: Peer;
  let healthy = false;
  let tokens: Record<'admin' | 'analyst' | 'viewer', string>;
  const alertA = sampleAlert({ id: 'aaaaaaaaaaaaaaaaaaaaaaaa', createdAt: '2026-11-21T10:00:00.000Z' });
  const alertB = sampleAlert({ id: 'bbbbbbbbbbbbbbbbbbbbbbbb', createdAt: '2026-11-21T10:01:00.000Z' });
  const idA = `${alertA.id}:soc:trigger`;
  const idB = `${alertB.id}:soc:trigger`;

  const call = (path: string, token: string, method = 'GET') =>
    fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as unknown });
  /**
   * A dead trigger as GET /api/v1/outbox shows it: enqueued at NOW, due when its alert was raised,
   * dead-lettered at NOW after the destination's 410.
   */
  const item = (alert: { id: string; createdAt: string }, over: Record<string, unknown> = {}) => ({
    id: `${alert.id}:soc:trigger`,
    destination: 'soc',
    alertId: alert.id,
    event: 'trigger',
    state: 'dead',
    attempts: 1,
    lastError: 'HTTP 410: gone',
    availableAt: alert.createdAt,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    ...over,
  });

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'mantissa-outbox-api-'));
    peer = await startPeer(() => (healthy ? { status: 204 } : { status: 410, body: 'gone' }));
    writeFileSync(
      join(home, 'config.yaml'),
      `destinations:\n  - { name: soc, type: webhook, url: '${peer.url}/siem', secret: hook-secret }\n` +
        'routes:\n  - { match: { severity: { min: high } }, to: [soc] }\n' +
        'enrichment: { history: false, geo: false }\n',
    );
    writeFileSync(join(home, 'secrets.json'), JSON.stringify({ 'hook-secret': SECRET }));
    chmodSync(join(home, 'secrets.json'), 0o600);
    runtime = new LocalRuntime(home, fixedClock(NOW));
    await runtime.alerts.create(alertA);
    await runtime.alerts.create(alertB);
    // The destination answers 410: both notifications are dead-lettered at once.
    expect((await runtime.delivery().tick()).drain.deadLettered).toBe(2);
    server = await startLocalServer(runtime, { port: 0, detectEveryMs: 0, version: 'test' });
    const key = await runtime.signingKey();
    tokens = {
      admin: await key.issue({ role: 'admin', subject: 'ada' }),
      analyst: await key.issue({ role: 'analyst' }),
      viewer: await key.issue({ role: 'viewer' }),
    };
  });
  afterAll(async () => {
    await server?.close();
    await runtime?.close();
    await peer?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('lists dead letters to analysts: destination, alert, attempts and last error, never a secret', async () => {
    const res = await call('/api/v1/outbox?state=dead', tokens.analyst);
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(JSON.parse(text)).toEqual({ items: [item(alertA), item(alertB)], count: 2 });
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(peer.url);
    expect(await json(await call('/api/v1/outbox?state=dead&limit=1', tokens.admin))).toEqual({
      status: 200,
      body: { items: [item(alertA)], count: 1 },
    });
    expect(await json(await call('/api/v1/outbox?state=lost', tokens.analyst))).toEqual({
      status: 400,
      body: { error: { code: 'bad_request', message: 'state must be one of pending, delivered, dead' } },
    });
    expect(await json(await call('/api/v1/outbox?limit=0', tokens.analyst))).toEqual({
      status: 400,
      body: { error: { code: 'bad_request', message: 'limit must be an integer from 1 to 1000' } },
    });
    expect(await json(await call('/api/v1/outbox', tokens.viewer))).toEqual({
      status: 403,
      body: { error: { code: 'forbidden', message: 'the outbox needs the analyst or admin role' } },
    });
  });

  it('refuses redelivery to viewers and analysts with 403, and leaves the dead letters dead', async () => {
    for (const token of [tokens.viewer, tokens.analyst]) {
      expect(await json(await call(`/api/v1/outbox/${idA}/redeliver`, token, 'POST'))).toEqual({
        status: 403,
        body: FORBIDDEN,
      });
      expect(await json(await call('/api/v1/outbox/redeliver', token, 'POST'))).toEqual({
        status: 403,
        body: FORBIDDEN,
      });
    }
    expect((await runtime.delivery().outbox.list({ state: 'dead' })).map((i) => i.message.id)).toEqual([
      idA,
      idB,
    ]);
  });

  it('lets an admin redeliver one dead letter, then all; the delivery loop sends them again', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(await json(await call(`/api/v1/outbox/${idA}/redeliver`, tokens.admin, 'POST'))).toEqual({
        status: 200,
        body: {
          redelivered: 1,
          item: item(alertA, { state: 'pending', attempts: 0, availableAt: NOW.toISOString() }),
        },
      });
      // Only dead letters go again: a pending one would be sent twice.
      expect(await json(await call(`/api/v1/outbox/${idA}/redeliver`, tokens.admin, 'POST'))).toEqual({
        status: 409,
        body: {
          error: {
            code: 'conflict',
            message: `${idA} is pending, not dead: only dead letters are redelivered`,
          },
        },
      });
      expect(
        await json(await call('/api/v1/outbox/nope:soc:trigger/redeliver', tokens.admin, 'POST')),
      ).toEqual({
        status: 404,
        body: { error: { code: 'not_found', message: 'no outbox item with id nope:soc:trigger' } },
      });
      healthy = true;
      expect((await runtime.delivery().tick()).drain.delivered).toBe(1);
      expect(await json(await call('/api/v1/outbox/redeliver', tokens.admin, 'POST'))).toEqual({
        status: 200,
        body: { redelivered: 1 },
      });
      expect((await runtime.delivery().tick()).drain.delivered).toBe(1);
      expect(await json(await call('/api/v1/outbox?state=dead', tokens.analyst))).toEqual({
        status: 200,
        body: { items: [], count: 0 },
      });
      // Each redelivery is an audit line naming the admin.
      expect(log.mock.calls.map(([line]) => JSON.parse(String(line)))).toEqual([
        { message: 'outbox redeliver', by: 'ada', target: idA, redelivered: 1 },
        { message: 'outbox redeliver', by: 'ada', target: '*', redelivered: 1 },
      ]);
    } finally {
      log.mockRestore();
    }
    // 410, 410, then one delivery each.
    expect(peer.received.map((r) => JSON.parse(r.body).alert.id)).toEqual([
      alertA.id,
      alertB.id,
      alertA.id,
      alertB.id,
    ]);
  });

  it('mantissa outbox --api lists and retries through the API, with the API deciding roles', async () => {
    healthy = false;
    const alertC = sampleAlert({ id: 'cccccccccccccccccccccccc', createdAt: '2026-11-21T10:02:00.000Z' });
    const idC = `${alertC.id}:soc:trigger`;
    await runtime.alerts.create(alertC);
    expect((await runtime.delivery().tick()).drain.deadLettered).toBe(1);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const saved = process.env[TOKEN_ENV];
    const run = (...args: string[]) =>
      outboxCommand.run(runtime, [...args, '--api', server.url], { version: 't' });
    try {
      process.env[TOKEN_ENV] = tokens.analyst;
      expect(await run('list', '--state', 'dead', '--json')).toBe(0);
      expect(JSON.parse(String(out.mock.calls[0]?.[0]))).toEqual({ items: [item(alertC)], count: 1 });
      await expect(run('retry', '--all')).rejects.toThrow(
        'POST api/v1/outbox/redeliver: HTTP 403: redelivering notifications needs the admin role',
      );
      await expect(run('deliver')).rejects.toThrow('outbox deliver acts on the local outbox only');
      process.env[TOKEN_ENV] = tokens.admin;
      out.mockClear();
      expect(await run('retry', '--id', idC)).toBe(0);
      expect(out.mock.calls.map(([text]) => text)).toEqual(['1 dead letter queued for delivery again\n']);
      expect(await run('retry', '--id', idC)).toBe(1);
      delete process.env[TOKEN_ENV];
      await expect(run('list')).rejects.toThrow(`--api needs a bearer token in ${TOKEN_ENV}`);
    } finally {
      if (saved === undefined) delete process.env[TOKEN_ENV];
      else process.env[TOKEN_ENV] = saved;
      out.mockRestore();
      err.mockRestore();
      log.mockRestore();
    }
    expect((await runtime.delivery().outbox.get(idC))?.state).toBe('pending');
  });

  it('describes the routes in the OpenAPI document', async () => {
    const doc = (await (await call('/api/openapi.json', tokens.viewer)).json()) as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(Object.keys(doc.paths['/api/v1/outbox'] ?? {})).toEqual(['get']);
    expect(Object.keys(doc.paths['/api/v1/outbox/redeliver'] ?? {})).toEqual(['post']);
    expect(Object.keys(doc.paths['/api/v1/outbox/{id}/redeliver'] ?? {})).toEqual(['post']);
    expect(doc.components.schemas.OutboxItem).toMatchObject({ type: 'object' });
  });
});

describe('outbox routes of a deployment that keeps no outbox', () => {
  it('answer 404 with the reason', async () => {
    const engine: QueryEngine = {
      dialect: 'duckdb',
      query: async () => ({ columns: [], rows: [], truncated: false }),
      close: async () => {},
    };
    const api = createApi({
      verifier: { verify: async () => ({ subject: 'ada', roles: ['admin'] }) },
      alerts: new AlertStore(new SqliteStateStore(':memory:')),
      query: engine,
      clock: fixedClock(NOW),
      tables: [],
      rules: () => [],
      version: 't',
    });
    const res = await api.request('/api/v1/outbox/redeliver', {
      method: 'POST',
      headers: { authorization: 'Bearer x' },
    });
    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'alert notifications are not kept by this deployment' } },
    });
  });
});
