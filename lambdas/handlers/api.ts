import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { Hono } from 'hono';
import { type APIGatewayProxyResult, handle, type LambdaEvent } from 'hono/aws-lambda';
import { cors } from 'hono/cors';
import { createRemoteJWKSet } from 'jose';
import pkg from '../../package.json' with { type: 'json' };
import { lakeTables } from '../adapters/aws/deployed-sources.js';
import { AwsEnvironment, requireEnv } from '../adapters/aws/environment.js';
import { naturalLanguageOnAws } from '../adapters/aws/natural-language.js';
import { SqsOutbox } from '../adapters/aws/sqs-outbox.js';
import { createApi } from '../api/app.js';
import { createJwtVerifier } from '../api/auth.js';
import type { ApiDeps } from '../api/types.js';
import { AlertStore } from '../core/alerts/store.js';
import { systemClock } from '../core/ports/clock.js';
import { deployedRules } from './rules.js';

/** Where a Cognito user pool publishes its signing keys, and the issuer its tokens carry. */
export function cognitoIssuer(region: string, userPoolId: string): { issuer: string; jwks: URL } {
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region))
    throw new Error(`invalid AWS region ${JSON.stringify(region)}`);
  if (!/^[\w-]+_[0-9a-zA-Z]+$/.test(userPoolId))
    throw new Error(`invalid Cognito user pool id ${JSON.stringify(userPoolId)}`);
  const issuer = `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  return { issuer, jwks: new URL(`${issuer}/.well-known/jwks.json`) };
}

/**
 * API Gateway (REST, proxy integration, payload 1.0) -> the one Hono app the local server also
 * runs. API Gateway's Cognito authorizer has checked the token already; the app verifies it again
 * (signature against the pool's JWKS, expiry, issuer, audience = the console's client id, roles
 * from cognito:groups), so the function is safe even if invoked some other way. CORS allows the
 * console origin only, on the app's responses as on API Gateway's own.
 */
export function createApiHandler(deps: ApiDeps, corsOrigin: string) {
  const app = new Hono();
  app.use(
    '*',
    cors({
      origin: corsOrigin,
      allowMethods: ['GET', 'POST', 'PATCH', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type'],
      maxAge: 3600,
    }),
  );
  app.route('/', createApi(deps));
  const lambda = handle(app);
  // hono's type for REST proxy events also demands `version`, which REST APIs do not send (hono
  // tells the event formats apart by shape, not by that field).
  return (event: APIGatewayProxyEvent, context?: Context): Promise<APIGatewayProxyResult> =>
    lambda(event as unknown as LambdaEvent, context);
}

/** How long an Athena query may run behind the API (API Gateway's integration limit is 29 s). */
export const API_QUERY_TIMEOUT_MS = 25_000;

let fromEnv: ReturnType<typeof createApiHandler> | undefined;

/** The Lambda entry: API Gateway's REST proxy event (payload 1.0). */
export const handler = async (
  event: APIGatewayProxyEvent,
  context: Context,
): Promise<APIGatewayProxyResult> => {
  if (!fromEnv) {
    // API Gateway gives up after 29 s: cancel Athena queries before that instead of leaving them running.
    const aws = new AwsEnvironment(process.env, { queryTimeoutCapMs: API_QUERY_TIMEOUT_MS });
    const tables = lakeTables().map((t) => t.name);
    const { issuer, jwks } = cognitoIssuer(requireEnv('AWS_REGION'), requireEnv('USER_POOL_ID'));
    const { rules, sigma } = await deployedRules(tables, 'athena');
    const state = aws.state();
    fromEnv = createApiHandler(
      {
        verifier: createJwtVerifier({
          keys: createRemoteJWKSet(jwks),
          issuer,
          audience: requireEnv('USER_POOL_CLIENT_ID'),
        }),
        alerts: new AlertStore(state),
        query: aws.query(),
        clock: systemClock,
        tables,
        rules: () => rules,
        sigmaRules: async () => [...sigma.events, ...sigma.queries],
        // Rule overrides live in the state table, where the detection function reads them.
        state,
        // Dead letters are records in the state table; redelivering sends a fresh message to the
        // outbox queue, which the alert router consumes (the function may only send to it).
        outbox: new SqsOutbox({
          sqs: new SQSClient({}),
          queueUrl: requireEnv('OUTBOX_QUEUE_URL', aws.env),
          state,
        }),
        // Questions: Bedrock when deployed with -c bedrockModelArn, the offline translator after it
        // (and alone without it); sessions and cache in the state table; estimates from S3 footers.
        nl: naturalLanguageOnAws(aws, systemClock, tables),
        version: pkg.version,
      },
      requireEnv('CORS_ALLOWED_ORIGIN'),
    );
  }
  return fromEnv(event, context);
};
