import { createRemoteJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbStateStore } from '../../lambdas/adapters/aws/dynamodb-state-store.js';
import { createJwtVerifier } from '../../lambdas/api/auth.js';
import { AlertStore } from '../../lambdas/core/alerts/store.js';
import { fixedClock } from '../../lambdas/core/ports/clock.js';
import type { QueryEngine } from '../../lambdas/core/ports/query-engine.js';
import { cognitoIssuer, createApiHandler, handler } from '../../lambdas/handlers/api.js';
import { CLIENT_ID, ISSUER, POOL_ID, startCognitoKeys } from './cognito-peer.js';
import { lambdaContext, restApiEvent } from './events.js';
import { type DynamoPeer, startDynamo } from './peers.js';

const ORIGIN = 'https://d111abcdef8.cloudfront.net';

/** Lambda proxy results carry headers in either map; REST APIs send (and get back) multiValueHeaders. */
function header(
  result: { headers?: Record<string, unknown>; multiValueHeaders?: Record<string, unknown[]> },
  name: string,
) {
  return result.multiValueHeaders?.[name]?.[0] ?? result.headers?.[name];
}

describe('API handler (REST proxy events, Cognito ID tokens)', () => {
  let dynamo: DynamoPeer;
  let keys: Awaited<ReturnType<typeof startCognitoKeys>>;
  let api: ReturnType<typeof createApiHandler>;
  const refusingEngine: QueryEngine = {
    dialect: 'athena',
    query: async () => {
      throw new Error('no query expected in this test');
    },
    close: async () => {},
  };

  beforeAll(async () => {
    [dynamo, keys] = await Promise.all([startDynamo(), startCognitoKeys()]);
    await dynamo.createStateTable('state');
    api = createApiHandler(
      {
        verifier: createJwtVerifier({
          keys: createRemoteJWKSet(keys.jwks),
          issuer: ISSUER,
          audience: CLIENT_ID,
        }),
        alerts: new AlertStore(new DynamoDbStateStore({ client: dynamo.client, table: 'state' })),
        query: refusingEngine,
        clock: fixedClock(new Date('2026-11-21T12:00:00Z')),
        tables: ['cloudtrail'],
        rules: () => [],
        version: '9.9.9',
      },
      ORIGIN,
    );
  });
  afterAll(async () => {
    await Promise.all([dynamo?.close(), keys?.close()]);
  });

  it('answers health without a token, with the console origin allowed', async () => {
    const result = await api(
      restApiEvent({ method: 'GET', path: '/api/v1/health', headers: { Origin: ORIGIN } }),
      lambdaContext('api'),
    );
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({
      status: 'ok',
      version: '9.9.9',
      time: '2026-11-21T12:00:00.000Z',
    });
    expect(header(result, 'access-control-allow-origin')).toBe(ORIGIN);
  });

  it('verifies the Cognito ID token itself: signature via the pool JWKS, audience and role', async () => {
    const call = async (token?: string) => {
      const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
      const result = await api(
        restApiEvent({ method: 'GET', path: '/api/v1/alerts', headers }),
        lambdaContext('api'),
      );
      return { status: result.statusCode, body: JSON.parse(result.body) as unknown };
    };
    expect(await call()).toEqual({
      status: 401,
      body: {
        error: { code: 'unauthorized', message: 'missing bearer token (Authorization: Bearer <JWT>)' },
      },
    });
    expect(await call(await keys.idToken(['viewer'], { audience: 'another-client' }))).toEqual({
      status: 401,
      body: { error: { code: 'unauthorized', message: 'token rejected: wrong audience' } },
    });
    expect(await call(await keys.idToken([]))).toEqual({
      status: 403,
      body: { error: { code: 'forbidden', message: 'token has no Mantissa Log role' } },
    });
    const ok = await call(await keys.idToken(['viewer']));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ alerts: [] });
    expect(keys.requests()).toBe(1);
  });

  it('answers a preflight for the console origin only', async () => {
    const preflight = (origin: string) =>
      api(
        restApiEvent({
          method: 'OPTIONS',
          path: '/api/v1/alerts',
          headers: {
            Origin: origin,
            'Access-Control-Request-Method': 'PATCH',
            'Access-Control-Request-Headers': 'authorization',
          },
        }),
        lambdaContext('api'),
      );
    const allowed = await preflight(ORIGIN);
    expect(allowed.statusCode).toBe(204);
    expect(header(allowed, 'access-control-allow-origin')).toBe(ORIGIN);
    expect(header(allowed, 'access-control-allow-methods')).toBe('GET,POST,PATCH,OPTIONS');
    const other = await preflight('https://evil.example');
    expect(header(other, 'access-control-allow-origin')).toBeUndefined();
  });

  it('builds the pool issuer and JWKS address, and refuses malformed settings', () => {
    expect(cognitoIssuer('eu-west-1', POOL_ID.replace('us-east-1', 'eu-west-1'))).toEqual({
      issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12Cd34E',
      jwks: new URL('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12Cd34E/.well-known/jwks.json'),
    });
    expect(() => cognitoIssuer('evil.example/x', POOL_ID)).toThrow('invalid AWS region "evil.example/x"');
    expect(() => cognitoIssuer('us-east-1', '../pool')).toThrow('invalid Cognito user pool id "../pool"');
  });

  it('refuses to start without the environment the stack sets, naming the variable', async () => {
    const saved = { ...process.env };
    process.env.AWS_REGION = 'us-east-1';
    delete process.env.USER_POOL_ID;
    try {
      await expect(
        handler(restApiEvent({ method: 'GET', path: '/api/v1/health' }), lambdaContext('api')),
      ).rejects.toThrow('environment variable USER_POOL_ID is not set');
    } finally {
      process.env = saved;
    }
  });

  it('builds itself from the environment the stack sets and answers health', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      USER_POOL_ID: POOL_ID,
      USER_POOL_CLIENT_ID: CLIENT_ID,
      CORS_ALLOWED_ORIGIN: ORIGIN,
      STATE_TABLE: 'state',
      ATHENA_WORKGROUP: 'mantissa-log',
      GLUE_DATABASE: 'mantissa_log',
    });
    try {
      const event = restApiEvent({ method: 'GET', path: '/api/v1/health', headers: { Origin: ORIGIN } });
      const result = await handler(event, lambdaContext('api'));
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body)).toMatchObject({ status: 'ok' });
      expect(header(result, 'access-control-allow-origin')).toBe(ORIGIN);
    } finally {
      process.env = saved;
    }
  });
});
