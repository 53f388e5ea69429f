import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { createRemoteJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AthenaQueryEngine } from '../../lambdas/adapters/aws/athena-query-engine.js';
import { DynamoDbStateStore } from '../../lambdas/adapters/aws/dynamodb-state-store.js';
import { bedrockFromEnv } from '../../lambdas/adapters/aws/natural-language.js';
import { S3ObjectStore } from '../../lambdas/adapters/aws/s3-object-store.js';
import { DuckDbParquetEncoder } from '../../lambdas/adapters/duckdb/parquet-encoder.js';
import { DuckDbScanEstimator } from '../../lambdas/adapters/duckdb/scan-estimator.js';
import { createJwtVerifier } from '../../lambdas/api/auth.js';
import { AlertStore } from '../../lambdas/core/alerts/store.js';
import { ingestObject } from '../../lambdas/core/lake/ingest.js';
import { SQL_ANSWER_SCHEMA, systemPrompt } from '../../lambdas/core/llm/prompt.js';
import { fixedClock } from '../../lambdas/core/ports/clock.js';
import type { QueryEngine } from '../../lambdas/core/ports/query-engine.js';
import { CatalogSource } from '../../lambdas/core/query/catalog.js';
import { TABLES } from '../../lambdas/core/schema/registry.js';
import { SOURCES } from '../../lambdas/core/sources/registry.js';
import { cognitoIssuer, createApiHandler, handler } from '../../lambdas/handlers/api.js';
import { ctRecord } from '../fixtures/cloudtrail-records.js';
import { DuckDbAthena } from './athena-duckdb.js';
import { CLIENT_ID, ISSUER, POOL_ID, startCognitoKeys } from './cognito-peer.js';
import { lambdaContext, restApiEvent } from './events.js';
import { type DynamoPeer, type S3Peer, startDynamo, startS3 } from './peers.js';

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
      OUTBOX_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111122223333/mantissa-outbox',
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

describe('POST /api/v1/query on the Lambda entry: Bedrock, Athena, footers on S3, sessions in DynamoDB', () => {
  // Date is frozen for exact timestamps, at the real minute: the SDK corrects its clock from the
  // peers' Date headers (real time), and s3rver refuses requests signed 15 minutes off its clock.
  const NOW = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
  const literal = (at: Date) => at.toISOString().slice(0, 19).replace('T', ' ');
  const PROFILE =
    'arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0';
  const QUESTION = 'Which API calls failed in the last 2 hours?';
  const SQL = `SELECT eventname, errorcode, count(*) AS calls FROM cloudtrail WHERE ts >= TIMESTAMP '${literal(ago(120))}' AND errorcode IS NOT NULL GROUP BY eventname, errorcode ORDER BY calls DESC`;
  // As the API answers it: validated, re-rendered from its AST, the row limit added.
  const ANSWERED = `SELECT eventname, errorcode, COUNT(*) AS "calls" FROM "cloudtrail" WHERE ts >= TIMESTAMP '${literal(ago(120))}' AND errorcode IS NOT NULL GROUP BY eventname, errorcode ORDER BY calls DESC LIMIT 10000`;
  let s3: S3Peer;
  let dynamo: DynamoPeer;
  let keys: Awaited<ReturnType<typeof startCognitoKeys>>;
  let athena: DuckDbAthena;
  let athenaMock: AwsClientStub<AthenaClient>;
  let bedrock: AwsClientStub<BedrockRuntimeClient>;
  let dir: string;
  const saved = { ...process.env };

  /** A fresh module, so the handler builds itself from the environment as a new container would. */
  async function entry(env: Record<string, string | undefined>) {
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    vi.resetModules();
    const fresh = (await import('../../lambdas/handlers/api.js')).handler;
    return async (body: unknown) => {
      const event = restApiEvent({
        method: 'POST',
        path: '/api/v1/query',
        headers: {
          Authorization: `Bearer ${await keys.idToken(['analyst'])}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(body),
      });
      const result = await fresh(event, lambdaContext('api'));
      return { status: result.statusCode, body: JSON.parse(result.body) as Record<string, unknown> };
    };
  }

  beforeAll(async () => {
    // Only Date is frozen (exact timestamps in SQL and prompts); timers and I/O run for real.
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    [s3, dynamo, keys] = await Promise.all([startS3(['lake']), startDynamo(), startCognitoKeys()]);
    await dynamo.createStateTable('state');
    const lake = new S3ObjectStore({ client: s3.client, bucket: 'lake' });
    const encoder = await DuckDbParquetEncoder.open();
    const records = [
      ...['ListBuckets', 'ListBuckets', 'ListBuckets'].map((eventName) =>
        ctRecord({ eventTime: ago(40).toISOString(), eventName }),
      ),
      ...[1, 2].map(() =>
        ctRecord({ eventTime: ago(40).toISOString(), eventName: 'DeleteTrail', errorCode: 'AccessDenied' }),
      ),
      // Failed too, but before the question's two hours: the estimate and the answer leave it out.
      ...[1, 2, 3, 4].map(() =>
        ctRecord({ eventTime: ago(240).toISOString(), eventName: 'StopLogging', errorCode: 'AccessDenied' }),
      ),
    ];
    await ingestObject(
      {
        store: lake,
        state: new DynamoDbStateStore({ client: dynamo.client, table: 'state' }),
        encoder,
        clock: fixedClock(NOW),
        sources: SOURCES,
      },
      { sourceObject: 's3://landing/ct/1.json', body: Buffer.from(JSON.stringify({ Records: records })) },
    );
    await encoder.close();
    // A copy of the lake for the DuckDB estimator, the reference the S3 one must agree with.
    dir = mkdtempSync(join(tmpdir(), 'mantissa-api-nl-'));
    for (const object of await lake.list('tables/')) {
      const path = join(dir, ...object.key.split('/'));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, (await lake.get(object.key)) as Uint8Array);
    }

    // The function's own clients (created inside the handler) reach the peers: DynamoDB and S3 by
    // endpoint, Athena and Bedrock by class-level mocks, Cognito's JWKS by address.
    athena = new DuckDbAthena({ lake, database: 'mantissa_log', workgroup: 'mantissa-log', tables: TABLES });
    athenaMock = mockClient(AthenaClient);
    // Athena runs the catalog's queries at once; the DuckDB peer rebuilds its views for each query
    // it starts, so it is handed them one at a time.
    let started: Promise<unknown> = Promise.resolve();
    athenaMock.on(StartQueryExecutionCommand).callsFake((i) => {
      const next = started.then(() => athena.client.send(new StartQueryExecutionCommand(i)));
      started = next.catch(() => undefined);
      return next;
    });
    athenaMock
      .on(GetQueryExecutionCommand)
      .callsFake((i) => athena.client.send(new GetQueryExecutionCommand(i)));
    athenaMock.on(GetQueryResultsCommand).callsFake((i) => athena.client.send(new GetQueryResultsCommand(i)));
    athenaMock
      .on(StopQueryExecutionCommand)
      .callsFake((i) => athena.client.send(new StopQueryExecutionCommand(i)));
    bedrock = mockClient(BedrockRuntimeClient);
    bedrock.on(ConverseCommand).resolves({
      output: {
        message: {
          role: 'assistant',
          content: [
            {
              toolUse: {
                toolUseId: 'tooluse_1',
                name: 'sql_answer',
                input: {
                  sql: SQL,
                  explanation: 'Failed API calls by name and error code, the last 2 hours.',
                  assumptions: ['"failed" means errorcode is set'],
                },
              },
            },
          ],
        },
      },
      stopReason: 'tool_use',
      usage: { inputTokens: 1200, outputTokens: 80, totalTokens: 1280 },
      metrics: { latencyMs: 900 },
      $metadata: { attempts: 1 },
    });
    const cognito = `${ISSUER}/.well-known/jwks.json`;
    const realFetch = globalThis.fetch;
    vi.stubGlobal('fetch', (input: string | URL | Request, init?: RequestInit) =>
      realFetch(String(input) === cognito ? keys.jwks : input, init),
    );
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      // s3rver predates S3's default CRC checksums (as in peers.ts).
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      USER_POOL_ID: POOL_ID,
      USER_POOL_CLIENT_ID: CLIENT_ID,
      CORS_ALLOWED_ORIGIN: ORIGIN,
      LAKE_BUCKET: 'lake',
      STATE_TABLE: 'state',
      ATHENA_WORKGROUP: 'mantissa-log',
      GLUE_DATABASE: 'mantissa_log',
      OUTBOX_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111122223333/mantissa-outbox',
    });
  });
  afterAll(async () => {
    process.env = saved;
    vi.unstubAllGlobals();
    vi.useRealTimers();
    athenaMock?.restore();
    bedrock?.restore();
    athena?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await Promise.all([s3?.close(), dynamo?.close(), keys?.close()]);
  });

  it('with -c bedrockModelArn: the model writes the SQL, Athena answers, the estimate reads S3 footers', async () => {
    const ask = await entry({ BEDROCK_MODEL_ARN: PROFILE });
    const first = await ask({ question: QUESTION });

    // The one request Bedrock received: Converse on the deployed ARN, the Athena catalog prompt
    // (frequent values from the last 24 hours only), the question, the forced sql_answer tool.
    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(1);
    const request = bedrock.commandCalls(ConverseCommand)[0]?.args[0].input;
    const catalog = await new CatalogSource({
      tables: TABLES,
      query: new AthenaQueryEngine({
        client: athena.client,
        workgroup: 'mantissa-log',
        database: 'mantissa_log',
      }),
      clock: fixedClock(NOW),
      valuesWindowMs: 24 * 3600_000,
    }).get();
    expect(request).toEqual({
      modelId: PROFILE,
      system: [{ text: systemPrompt(catalog, NOW, 10_000) }],
      messages: [{ role: 'user', content: [{ text: `Question: ${QUESTION}` }] }],
      inferenceConfig: { maxTokens: 2048, temperature: 0 },
      toolConfig: {
        tools: [
          {
            toolSpec: {
              name: 'sql_answer',
              description: SQL_ANSWER_SCHEMA.description,
              inputSchema: { json: SQL_ANSWER_SCHEMA.jsonSchema },
            },
          },
        ],
        toolChoice: { tool: { name: 'sql_answer' } },
      },
    });
    const prompt = String(request?.system?.[0]?.text);
    expect(prompt).toContain('Dialect: Amazon Athena (Trino).');
    expect(prompt).toContain('  - eventname: "StopLogging", "ListBuckets", "DeleteTrail"');
    // Frequent values were read from the last day only: partition-pruned, as Athena bills.
    const valueQueries = [...athena.executions.values()].filter((e) => e.sql.includes('count(*) AS n FROM'));
    expect(valueQueries.length).toBeGreaterThan(0);
    const window = `"dt" BETWEEN '${ago(24 * 60)
      .toISOString()
      .slice(0, 10)}' AND '${NOW.toISOString().slice(0, 10)}'`;
    for (const e of valueQueries) expect(e.sql).toContain(window);

    const reference = await DuckDbScanEstimator.open(dir);
    const expected = await reference.estimate({
      table: 'cloudtrail',
      columns: ['errorcode', 'eventname', 'ts'],
      from: ago(120),
      to: NOW,
    });
    await reference.close();
    expect(expected.bytes).toBeGreaterThan(0);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      question: QUESTION,
      sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      translator: `bedrock:${PROFILE}`,
      sql: ANSWERED,
      explanation: 'Failed API calls by name and error code, the last 2 hours.',
      assumptions: ['"failed" means errorcode is set'],
      limit: { value: 10_000, action: 'added' },
      timeBound: null,
      estimate: {
        bytes: expected.bytes,
        usd: (10 * 1024 * 1024 * 5) / 2 ** 40,
        files: 1,
        basis:
          'Parquet column chunks of 1 partition files for the columns read; Athena at $5/TB, 10 MB minimum',
      },
      needsConfirmation: false,
      executed: true,
      columns: [
        { name: 'eventname', type: 'varchar' },
        { name: 'errorcode', type: 'varchar' },
        { name: 'calls', type: 'bigint' },
      ],
      rows: [{ eventname: 'DeleteTrail', errorcode: 'AccessDenied', calls: 2 }],
      rowCount: 1,
      truncated: false,
      repairs: [],
      llm: { inputTokens: 1200, outputTokens: 80, costUsd: (1200 * 3 + 80 * 15) / 1_000_000, attempts: 1 },
      fallback: null,
      cached: false,
    });

    // The session is in the state table, owned by the token's subject; the same question within
    // the minute comes from the translation cache there, without asking the model again.
    const state = new DynamoDbStateStore({ client: dynamo.client, table: 'state' });
    const session = await state.get<{ owner: string; turns: { sql: string }[] }>(
      `nl-session#${first.body.sessionId}`,
      'session',
    );
    expect(session?.value.owner).toBe('8f6b1c2e-1111-4a2b-9c3d-0123456789ab');
    expect(session?.value.turns.map((t) => t.sql)).toEqual([ANSWERED]);
    const again = await ask({ question: QUESTION });
    expect(again.body).toMatchObject({ cached: true, llm: null, rows: first.body.rows });
    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(1);
  });

  it('calls Bedrock in the region of the ARN it was deployed with, and names a malformed one', async () => {
    const client = bedrockFromEnv({
      BEDROCK_MODEL_ARN: PROFILE.replace('us-east-1', 'eu-west-1'),
      AWS_REGION: 'us-east-1',
    });
    expect(client?.model).toBe(PROFILE.replace('us-east-1', 'eu-west-1'));
    expect(await (client as unknown as { client: BedrockRuntimeClient }).client.config.region()).toBe(
      'eu-west-1',
    );
    expect(bedrockFromEnv({ BEDROCK_MODEL_ARN: ' ' })).toBeUndefined();
    expect(() =>
      bedrockFromEnv({ BEDROCK_MODEL_ARN: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' }),
    ).toThrow(
      'BEDROCK_MODEL_ARN "us.anthropic.claude-sonnet-4-5-20250929-v1:0" is not a Bedrock model or inference profile ARN',
    );
  });

  it('without it: the offline translator answers, and refuses the rest naming -c bedrockModelArn', async () => {
    bedrock.resetHistory();
    const ask = await entry({ BEDROCK_MODEL_ARN: undefined });
    const counted = await ask({ question: 'how many events in the last 2 hours', execute: false });
    expect(counted.status).toBe(200);
    expect(counted.body).toMatchObject({ translator: 'offline', executed: false, llm: null });
    expect(await ask({ question: 'Summarise what the attacker wanted' })).toEqual({
      status: 400,
      body: {
        error: {
          code: 'bad_request',
          message:
            'This question is beyond the offline translator: it found no time range, known field, count, top-N or grouping in it. ' +
            'The offline translator understands time ranges (last N hours/days, today, yesterday, this week, recently), ' +
            'filters on known CloudTrail fields (sign-ins, failures, error codes, root/IAM users/roles, services, API actions, ' +
            'regions, accounts, IP addresses, user names, MFA, countries), counts, top-N and group-by. ' +
            'Deploy with -c bedrockModelArn=<Bedrock model or inference profile ARN> for other questions.',
        },
      },
    });
    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(0);
  });
});
