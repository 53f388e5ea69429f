import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Alert } from '../../lambdas/core/alerts/model.js';

/** One request as the peer saw it. */
export interface Received {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

export interface Peer {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 standing in for a service: it records every request and answers
 * as `reply` says. 'hang' holds the request open (the client times out); the peer still records
 * it, as a real service that acted but answered too late would.
 */
export async function startPeer(reply: (req: Received, n: number) => Reply | Promise<Reply>): Promise<Peer> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const r: Received = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(r);
      const answer = await reply(r, received.length);
      if (answer === 'hang') return;
      res.writeHead(answer.status, answer.headers ?? { 'content-type': 'application/json' });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

export function sampleAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'a1b2c3d4e5f6a1b2c3d4e5f6',
    ruleId: 'sql/cloudtrail/console-brute-force-then-success',
    ruleName: 'Console brute force then success',
    severity: 'high',
    title: 'Console brute force then success: user_name=bob ip=198.51.100.7',
    description: 'Several failed console sign-ins followed by a successful one.',
    category: 'access',
    mitreAttack: ['T1110'],
    tags: ['brute-force'],
    status: 'open',
    dedupKey: 'sql/cloudtrail/console-brute-force-then-success#abc',
    firstSeen: '2026-11-21T10:00:00.000Z',
    lastSeen: '2026-11-21T10:20:00.000Z',
    count: 1,
    entities: { user: ['bob'], ip: ['8.8.8.8'], account: ['123456789012'] },
    evidence: [{ user_name: 'bob', ip: '8.8.8.8', failures: 6, contact: 'bob@example.com' }],
    eventIds: [],
    evidenceHashes: ['h1'],
    notes: [],
    createdAt: '2026-11-21T10:21:00.000Z',
    updatedAt: '2026-11-21T10:21:00.000Z',
    history: [{ at: '2026-11-21T10:21:00.000Z', action: 'created' }],
    ...overrides,
  };
}
