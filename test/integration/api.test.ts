import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRuntime } from '../../lambdas/adapters/local/runtime.js';
import { type LocalServer, startLocalServer } from '../../lambdas/adapters/local/server.js';
import { consoleLogin, ctRecord } from '../fixtures/cloudtrail-records.js';

describe('HTTP API on a real local server', () => {
  let home: string;
  let runtime: LocalRuntime;
  let server: LocalServer;
  let tokens: Record<'admin' | 'analyst' | 'viewer', string>;
  let alertId: string;

  const call = (path: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    if (init.body) headers.set('content-type', 'application/json');
    return fetch(`${server.url}${path}`, { ...init, headers });
  };
  const sql = (body: unknown, token = tokens.viewer) =>
    call('/api/v1/sql', { method: 'POST', token, body: JSON.stringify(body) });

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'mantissa-api-'));
    runtime = new LocalRuntime(home);
    const records = [
      ctRecord({ eventID: 'a-1' }),
      ctRecord({ eventID: 'a-2', eventName: 'GetObject', errorCode: 'AccessDenied' }),
      ...Array.from({ length: 6 }, (_, i) =>
        consoleLogin({
          user: 'bob',
          ip: '203.0.113.9',
          at: new Date(Date.now() - (20 - i) * 60_000).toISOString(),
          success: false,
        }),
      ),
      consoleLogin({
        user: 'bob',
        ip: '203.0.113.9',
        at: new Date(Date.now() - 10 * 60_000).toISOString(),
        success: true,
      }),
    ];
    const file = join(home, 'in.json');
    writeFileSync(file, JSON.stringify({ Records: records }));
    await runtime.ingestFile(file, 'cloudtrail');
    const report = await runtime.detect();
    alertId = report.raised[0]?.id as string;
    server = await startLocalServer(runtime, { port: 0, detectEveryMs: 0, version: 'test' });
    const key = await runtime.signingKey();
    tokens = {
      admin: await key.issue({ role: 'admin' }),
      analyst: await key.issue({ role: 'analyst' }),
      viewer: await key.issue({ role: 'viewer' }),
    };
  });
  afterAll(async () => {
    await server.close();
    await runtime.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('serves health without a token, and nothing else', async () => {
    const health = await call('/api/v1/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', version: 'test' });
    for (const path of ['/api/v1/alerts', '/api/openapi.json', '/api/v1/rules', '/api/v1/nope']) {
      const res = await call(path);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: { code: 'unauthorized', message: 'missing bearer token (Authorization: Bearer <JWT>)' },
      });
    }
  });

  it('rejects tokens with a bad signature, another issuer or audience, or past expiry', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ 'cognito:groups': ['admin'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('x')
      .setIssuer('mantissa-local')
      .setAudience('mantissa-api')
      .setExpirationTime('1h')
      .sign(privateKey);
    const key = await runtime.signingKey();
    const expired = await key.issue({ role: 'admin', ttlSeconds: -10 });
    for (const [token, message] of [
      [forged, 'invalid token'],
      [expired, 'token expired'],
      [`${tokens.admin.slice(0, -4)}AAAA`, 'invalid token'],
      ['not-a-jwt', 'invalid token'],
    ]) {
      const res = await call('/api/v1/alerts', { token });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { message: string } }).error.message).toBe(message);
    }
  });

  it('keeps the signing key private to its owner', () => {
    expect(statSync(join(home, 'keys', 'signing-key.json')).mode & 0o777).toBe(0o600);
  });

  it('lists and gets alerts, without the dedup bookkeeping', async () => {
    // Filtered to the SQL rule this data was written for: the Sigma rules shipped in rules/sigma/ may
    // find the same brute force, and their alerts are not what this test is about.
    const res = await call('/api/v1/alerts?rule=sql/cloudtrail/console-brute-force-then-success', {
      token: tokens.viewer,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { alerts: Record<string, unknown>[]; count: number };
    expect(body.count).toBe(1);
    expect(body.alerts[0]).toMatchObject({
      id: alertId,
      ruleId: 'sql/cloudtrail/console-brute-force-then-success',
      status: 'open',
    });
    expect(body.alerts[0]).not.toHaveProperty('evidenceHashes');
    const one = await call(`/api/v1/alerts/${alertId}`, { token: tokens.viewer });
    expect(await one.json()).toMatchObject({ id: alertId, evidence: [{ user_name: 'bob', failures: 6 }] });
    expect((await call('/api/v1/alerts/none', { token: tokens.viewer })).status).toBe(404);
    expect((await call('/api/v1/alerts?status=closed', { token: tokens.viewer })).status).toBe(400);
  });

  it('lets analysts change status, records who did, and refuses viewers with 403', async () => {
    const patch = (token: string, body: unknown) =>
      call(`/api/v1/alerts/${alertId}`, { method: 'PATCH', token, body: JSON.stringify(body) });
    const denied = await patch(tokens.viewer, { status: 'acknowledged' });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({
      error: { code: 'forbidden', message: 'changing an alert needs the analyst or admin role' },
    });
    const ok = await patch(tokens.analyst, { status: 'acknowledged' });
    expect(ok.status).toBe(200);
    const alert = (await ok.json()) as { status: string; history: unknown[] };
    expect(alert.status).toBe('acknowledged');
    expect(alert.history.at(-1)).toMatchObject({
      action: 'status',
      by: 'local-analyst',
      from: 'open',
      to: 'acknowledged',
    });
    expect((await patch(tokens.analyst, { status: 'closed' })).status).toBe(400);
    expect(
      (await call('/api/v1/alerts?status=acknowledged', { token: tokens.viewer }).then((r) => r.json())) as {
        count: number;
      },
    ).toMatchObject({ count: 1 });
  });

  it('runs read-only SQL with columns, types and a row cap', async () => {
    const res = await sql({ sql: 'SELECT eventname, count(*) AS n FROM cloudtrail GROUP BY 1 ORDER BY 1' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      columns: [
        { name: 'eventname', type: 'VARCHAR' },
        { name: 'n', type: 'BIGINT' },
      ],
      rows: [
        { eventname: 'ConsoleLogin', n: 7 },
        { eventname: 'GetObject', n: 1 },
        { eventname: 'ListBuckets', n: 1 },
      ],
      truncated: false,
      rowCount: 3,
    });
    const capped = (await (await sql({ sql: 'SELECT event_id FROM cloudtrail', maxRows: 2 })).json()) as {
      rowCount: number;
      truncated: boolean;
    };
    expect(capped).toMatchObject({ rowCount: 2, truncated: true });
  });

  it.each([
    ['DROP TABLE x', 'only SELECT queries are allowed; found DROP'],
    ['SELECT 1; SELECT 2', 'exactly one statement is allowed; found 2'],
    ["SELECT * FROM read_csv('/etc/passwd')", 'table functions are not allowed in FROM (read_csv)'],
    ['SELECT nope FROM cloudtrail', expect.stringContaining('query failed: Binder Error')],
  ])('refuses %j with 400', async (text, message) => {
    const res = await sql({ sql: text });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'bad_request', message } });
  });

  it('answers 413 for bodies over 1 MiB and 400 for bodies that are not the expected JSON', async () => {
    expect((await sql({ sql: `SELECT '${'x'.repeat(1_100_000)}'` })).status).toBe(413);
    const bad = await sql({ query: 'SELECT 1' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: {
        code: 'bad_request',
        message: 'body: sql: Invalid input: expected string, received undefined',
      },
    });
  });

  it('serves its OpenAPI document and the rules to any role', async () => {
    const doc = (await (await call('/api/openapi.json', { token: tokens.viewer })).json()) as {
      openapi: string;
      paths: object;
    };
    expect(doc.openapi).toBe('3.1.0');
    // Route modules from several areas add paths; these are the ones every deployment serves.
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/health',
        '/api/v1/alerts',
        '/api/v1/alerts/{id}',
        '/api/v1/alerts/{id}/false-positive',
        '/api/v1/alerts/{id}/notes',
        '/api/v1/suppressions',
        '/api/v1/sql',
        '/api/v1/rules',
        '/api/openapi.json',
      ]),
    );
    const rules = (await (await call('/api/v1/rules', { token: tokens.viewer })).json()) as {
      rules: { id: string }[];
    };
    expect(rules.rules.map((r) => r.id)).toContain('sql/cloudtrail/root-account-use');
  });
});
