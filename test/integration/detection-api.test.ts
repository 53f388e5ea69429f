import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRuntime } from '../../lambdas/adapters/local/runtime.js';
import { type LocalServer, startLocalServer } from '../../lambdas/adapters/local/server.js';
import { ctRecord } from '../fixtures/cloudtrail-records.js';

const RULE = `title: Bucket policy changed
level: medium
realtime: false
logsource: {product: aws, service: cloudtrail}
detection:
  selection:
    eventName: PutBucketPolicy
  condition: selection
`;

type Json = Record<string, unknown>;

describe('alert triage over the HTTP API', () => {
  let home: string;
  let runtime: LocalRuntime;
  let server: LocalServer;
  let tokens: Record<'analyst' | 'viewer', string>;
  const call = async (path: string, token: string, method = 'GET', body?: unknown) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const put = (user: string, minutesAgo: number, id: string) =>
    ctRecord({
      eventID: id,
      eventTime: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
      eventName: 'PutBucketPolicy',
      userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/${user}`, userName: user },
    });
  const ingest = async (name: string, records: Json[]) => {
    const file = join(home, name);
    writeFileSync(file, JSON.stringify({ Records: records }));
    await runtime.ingestFile(file, 'cloudtrail');
    return runtime.detect();
  };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'mantissa-triage-'));
    mkdirSync(join(home, 'rules'));
    writeFileSync(join(home, 'rules', 'bucket-policy.yml'), RULE);
    runtime = new LocalRuntime(home);
    await ingest('a.json', [put('alice', 50, 'p1'), put('bob', 40, 'p2'), put('carol', 30, 'p3')]);
    server = await startLocalServer(runtime, { port: 0, detectEveryMs: 0, version: 'test' });
    const key = await runtime.signingKey();
    tokens = { analyst: await key.issue({ role: 'analyst' }), viewer: await key.issue({ role: 'viewer' }) };
  });
  afterAll(async () => {
    await server.close();
    await runtime.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('pages through alerts with a cursor and filters by entity', async () => {
    const first = await call('/api/v1/alerts?rule=local/bucket-policy&limit=2', tokens.viewer);
    expect(first.status).toBe(200);
    expect((first.body.alerts as Json[]).map((a) => (a.entities as Json).user)).toEqual([['carol'], ['bob']]);
    const second = await call(
      `/api/v1/alerts?rule=local/bucket-policy&limit=2&cursor=${first.body.nextCursor}`,
      tokens.viewer,
    );
    expect((second.body.alerts as Json[]).map((a) => (a.entities as Json).user)).toEqual([['alice']]);
    expect(second.body.nextCursor).toBeUndefined();
    const bob = await call('/api/v1/alerts?rule=local/bucket-policy&entity=bob', tokens.viewer);
    expect((bob.body.alerts as Json[]).map((a) => a.eventIds)).toEqual([['p2']]);
    expect((await call('/api/v1/alerts?cursor=zzz', tokens.viewer)).status).toBe(400);
  });

  it('assigns and comments (analysts only), and shows both on the alert', async () => {
    const [alert] = (await call('/api/v1/alerts?rule=local/bucket-policy&entity=alice', tokens.viewer)).body
      .alerts as Json[];
    const path = `/api/v1/alerts/${alert?.id}`;
    expect((await call(path, tokens.viewer, 'PATCH', { assignee: 'x' })).status).toBe(403);
    expect((await call(`${path}/notes`, tokens.viewer, 'POST', { text: 'x' })).status).toBe(403);
    expect((await call(path, tokens.analyst, 'PATCH', {})).body).toEqual({
      error: { code: 'bad_request', message: 'body: give status or assignee' },
    });
    expect(
      (await call(path, tokens.analyst, 'PATCH', { assignee: 'dana@example.com', status: 'acknowledged' }))
        .body,
    ).toMatchObject({
      status: 'acknowledged',
      assignee: 'dana@example.com',
    });
    const noted = await call(`${path}/notes`, tokens.analyst, 'POST', { text: 'change ticket CHG-7' });
    expect(noted.body.notes).toEqual([
      { at: expect.any(String), by: 'local-analyst', text: 'change ticket CHG-7' },
    ]);
    const got = await call(path, tokens.viewer);
    expect((got.body.history as Json[]).map((h) => h.action)).toEqual([
      'created',
      'status',
      'assigned',
      'note',
    ]);
    expect(got.body.evidence).toEqual([
      expect.objectContaining({ event_id: 'p1', eventname: 'PutBucketPolicy' }),
    ]);
    expect(
      (await call('/api/v1/alerts?rule=local/bucket-policy&assignee=dana@example.com', tokens.viewer)).body
        .count,
    ).toBe(1);
  });

  it('marks a false positive, which suppresses the rule for that user until it expires', async () => {
    const [alert] = (await call('/api/v1/alerts?rule=local/bucket-policy&entity=bob', tokens.viewer)).body
      .alerts as Json[];
    const fp = await call(`/api/v1/alerts/${alert?.id}/false-positive`, tokens.analyst, 'POST', {
      scope: ['user'],
      expiresIn: '2d',
      reason: 'bob deploys bucket policies',
    });
    expect(fp.status).toBe(200);
    expect(fp.body.alert).toMatchObject({ status: 'false-positive' });
    expect(fp.body.suppression).toMatchObject({
      ruleId: 'local/bucket-policy',
      entities: { user: 'bob' },
      suppressed: 0,
    });
    expect(
      (await call(`/api/v1/alerts/${alert?.id}/false-positive`, tokens.analyst, 'POST', { expiresIn: '1y' }))
        .status,
    ).toBe(400);

    const report = await ingest('b.json', [put('bob', 10, 'p4'), put('erin', 9, 'p5')]);
    const ours = report.raised.filter((a) => a.ruleId === 'local/bucket-policy');
    expect([report.suppressed, ours.map((a) => a.entities.user)]).toEqual([1, [['erin']]]);
    const listed = await call('/api/v1/suppressions?rule=local/bucket-policy', tokens.viewer);
    expect(listed.body.suppressions).toEqual([
      expect.objectContaining({
        reason: 'bob deploys bucket policies',
        suppressed: 1,
        createdBy: 'local-analyst',
      }),
    ]);
  });
});
