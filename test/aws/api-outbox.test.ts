import { SQSClient } from '@aws-sdk/client-sqs';
import { createRemoteJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoDbStateStore } from '../../lambdas/adapters/aws/dynamodb-state-store.js';
import { SqsOutbox } from '../../lambdas/adapters/aws/sqs-outbox.js';
import { createJwtVerifier } from '../../lambdas/api/auth.js';
import { routeAlerts } from '../../lambdas/core/alerts/routing/route.js';
import { AlertStore } from '../../lambdas/core/alerts/store.js';
import { parseConfig } from '../../lambdas/core/config/config.js';
import { fixedClock } from '../../lambdas/core/ports/clock.js';
import { fetchHttpClient } from '../../lambdas/core/ports/http.js';
import type { QueryEngine } from '../../lambdas/core/ports/query-engine.js';
import { createAlertRouter, outboxDelivery } from '../../lambdas/handlers/alert-router.js';
import { createApiHandler } from '../../lambdas/handlers/api.js';
import { type Peer, sampleAlert, startPeer } from '../integration/alerts-delivery-peer.js';
import { CLIENT_ID, ISSUER, startCognitoKeys } from './cognito-peer.js';
import { lambdaContext, restApiEvent } from './events.js';
import { type DynamoPeer, startDynamo } from './peers.js';
import { lambdaReceive, SqsModel } from './sqs-model.js';

const NOW = new Date('2026-11-21T10:30:00.000Z');
const ORIGIN = 'https://d111abcdef8.cloudfront.net';

describe('API handler: dead letters of the SQS outbox, listed and redelivered', () => {
  let dynamo: DynamoPeer;
  let keys: Awaited<ReturnType<typeof startCognitoKeys>>;
  let peer: Peer;

  beforeAll(async () => {
    [dynamo, keys] = await Promise.all([startDynamo(), startCognitoKeys()]);
    await dynamo.createStateTable('state');
    // The destination refuses the first delivery for good (400), then accepts.
    peer = await startPeer((_req, n) => (n === 1 ? { status: 400, body: 'bad payload' } : { status: 200 }));
  });
  afterAll(async () => {
    await Promise.all([dynamo?.close(), keys?.close(), peer?.close()]);
  });

  it('lists a dead letter, refuses an analyst with 403, and an admin sends it back through SQS to the router', async () => {
    const clock = fixedClock(NOW);
    const state = new DynamoDbStateStore({ client: dynamo.client, table: 'state' });
    const model = new SqsModel();
    model.now = NOW.getTime();
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const outbox = new SqsOutbox({
        sqs: new SQSClient({ region: 'us-east-1' }),
        queueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/mantissa-outbox',
        state,
      });
      const config = parseConfig(
        'config.yaml',
        `destinations:\n  - { name: soc, type: webhook, url: '${peer.url}/siem', secret: hook-secret }\n` +
          'routes:\n  - { match: { severity: { min: high } }, to: [soc] }\n',
      );
      const alert = sampleAlert();
      await new AlertStore(state).create(alert);
      await routeAlerts({ config, outbox, state, now: NOW }, [alert]);
      const router = createAlertRouter(
        outboxDelivery({
          outbox,
          state,
          config: async () => config,
          secrets: { get: async (name) => (name === 'hook-secret' ? 'whsec-api-outbox' : undefined) },
          http: fetchHttpClient,
          clock,
          maxReceives: 5,
          leaseMs: () => 60_000,
        }),
      );
      expect((await router(await lambdaReceive(360))).batchItemFailures).toEqual([]);
      expect(model.queue).toEqual([]);

      const refusing: QueryEngine = {
        dialect: 'athena',
        query: async () => {
          throw new Error('no query expected in this test');
        },
        close: async () => {},
      };
      const api = createApiHandler(
        {
          verifier: createJwtVerifier({
            keys: createRemoteJWKSet(keys.jwks),
            issuer: ISSUER,
            audience: CLIENT_ID,
          }),
          alerts: new AlertStore(state),
          query: refusing,
          clock,
          tables: ['cloudtrail'],
          rules: () => [],
          outbox,
          version: '9.9.9',
        },
        ORIGIN,
      );
      const call = async (method: string, path: string, groups: string[], query?: Record<string, string>) => {
        const headers = { Authorization: `Bearer ${await keys.idToken(groups)}` };
        const result = await api(
          restApiEvent({ method, path, headers, ...(query ? { query } : {}) }),
          lambdaContext('api'),
        );
        return { status: result.statusCode, body: JSON.parse(result.body) as unknown };
      };

      const id = `${alert.id}:soc:trigger`;
      const dead = {
        id,
        destination: 'soc',
        alertId: alert.id,
        event: 'trigger',
        state: 'dead',
        attempts: 1,
        lastError: 'HTTP 400: bad payload',
        availableAt: alert.createdAt,
        createdAt: NOW.toISOString(),
        updatedAt: NOW.toISOString(),
      };
      expect(await call('GET', '/api/v1/outbox', ['analyst'], { state: 'dead', limit: '10' })).toEqual({
        status: 200,
        body: { items: [dead], count: 1 },
      });
      const forbidden = {
        status: 403,
        body: { error: { code: 'forbidden', message: 'redelivering notifications needs the admin role' } },
      };
      expect(await call('POST', `/api/v1/outbox/${id}/redeliver`, ['analyst'])).toEqual(forbidden);
      expect(await call('POST', '/api/v1/outbox/redeliver', ['viewer'])).toEqual(forbidden);
      expect(model.queue).toEqual([]);

      // A minute later an admin sends it again: the record goes back to pending and a fresh
      // message carries it on the outbox queue.
      clock.set(new Date(NOW.getTime() + 60_000));
      model.now = clock.now().getTime();
      const later = clock.now().toISOString();
      expect(await call('POST', `/api/v1/outbox/${id}/redeliver`, ['admin'])).toEqual({
        status: 200,
        body: {
          redelivered: 1,
          item: { ...dead, state: 'pending', attempts: 0, availableAt: later, updatedAt: later },
        },
      });
      expect(model.queue.map((m) => JSON.parse(m.body))).toEqual([
        { id, destination: 'soc', alertId: alert.id, event: 'trigger' },
      ]);
      expect(await call('POST', '/api/v1/outbox/redeliver', ['admin'])).toEqual({
        status: 200,
        body: { redelivered: 0 },
      });

      // The router consumes the message as any other: delivered, taken off the queue.
      expect((await router(await lambdaReceive(360))).batchItemFailures).toEqual([]);
      expect(await outbox.get(id)).toMatchObject({ state: 'delivered', attempts: 1 });
      expect(model.queue).toEqual([]);
      expect(peer.received.map((r) => JSON.parse(r.body).id)).toEqual([id, id]);
    } finally {
      model.restore();
      log.mockRestore();
      error.mockRestore();
    }
  });
});
