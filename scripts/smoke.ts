/**
 * Smoke test of a deployed Mantissa Log stack, end to end, from its CloudFormation outputs:
 *
 *   1. uploads the sample's CloudTrail delivery objects that hold its attacks to the landing bucket;
 *   2. waits until Athena sees their rows in the cloudtrail table (ingest ran);
 *   3. signs in to Cognito with admin-initiated auth (answering the TOTP challenge when MFA is on)
 *      and runs a SQL query through the API;
 *   4. waits for the scheduled detection cycle to raise the sample's alerts, seen through the API.
 *
 *   npx cdk deploy --outputs-file cdk-outputs.json
 *   MANTISSA_SMOKE_USER=... MANTISSA_SMOKE_PASSWORD=... [MANTISSA_SMOKE_TOTP_SECRET=...] \
 *     npx tsx scripts/smoke.ts [cdk-outputs.json]
 *
 * AWS credentials come from the default chain (environment, profile, SSO). They need s3:PutObject
 * on the landing bucket, Athena and Glue read in the stack's workgroup (plus the lake and results
 * buckets and the key), and cognito-idp:AdminInitiateAuth / AdminRespondToAuthChallenge on the pool.
 * Exit code 0 when every step passed, 1 otherwise. Nothing secret is printed.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { AthenaClient } from '@aws-sdk/client-athena';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AthenaQueryEngine } from '../lambdas/adapters/aws/athena-query-engine.js';
import {
  cloudtrailSampleFiles,
  generateCloudTrailRecords,
} from '../lambdas/core/sources/cloudtrail/sample.js';

const STACK = 'MantissaLog';
const EXPECTED_RULES = ['sql/cloudtrail/root-account-use', 'sql/cloudtrail/cloudtrail-logging-stopped'];

interface Outputs {
  LandingBucket: string;
  ApiUrl: string;
  UserPoolId: string;
  UserPoolClientId: string;
  AthenaWorkgroup: string;
  GlueDatabase: string;
}

function readOutputs(file: string): Outputs {
  const all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Partial<Outputs>>;
  const outputs = all[STACK];
  const names: (keyof Outputs)[] = [
    'LandingBucket',
    'ApiUrl',
    'UserPoolId',
    'UserPoolClientId',
    'AthenaWorkgroup',
    'GlueDatabase',
  ];
  const missing = names.filter((n) => !outputs?.[n]);
  if (!outputs || missing.length)
    throw new Error(`${file}: stack ${STACK} lacks outputs ${missing.join(', ')}`);
  return outputs as Outputs;
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
}

const step = (text: string) => console.error(`- ${text}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting ${timeoutMs / 60_000} min for ${what}`);
    await sleep(15_000);
  }
}

/** RFC 6238 TOTP (SHA-1, 30 s, 6 digits) from the base32 secret shown when MFA was enrolled. */
export function totp(secret: string, at = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error('MANTISSA_SMOKE_TOTP_SECRET is not base32');
    bits += v.toString(2).padStart(5, '0');
  }
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => Number.parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The headers of an AWS JSON 1.1 POST to `https://<host>/`, signed with SigV4. */
export function signedJsonHeaders(req: {
  host: string;
  region: string;
  service: string;
  target: string;
  body: string;
  credentials: Credentials;
  now: Date;
}): Record<string, string> {
  const amzDate = req.now.toISOString().replace(/[-:]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.1',
    host: req.host,
    'x-amz-date': amzDate,
    'x-amz-target': req.target,
    ...(req.credentials.sessionToken ? { 'x-amz-security-token': req.credentials.sessionToken } : {}),
  };
  const names = Object.keys(headers).sort();
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const canonical = [
    'POST',
    '/',
    '',
    ...names.map((n) => `${n}:${headers[n]}`),
    '',
    names.join(';'),
    sha256(req.body),
  ];
  const scope = `${day}/${req.region}/${req.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical.join('\n'))].join('\n');
  let key: Buffer = createHmac('sha256', `AWS4${req.credentials.secretAccessKey}`).update(day).digest();
  for (const part of [req.region, req.service, 'aws4_request'])
    key = createHmac('sha256', key).update(part).digest();
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${req.credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return headers;
}

/** One Cognito API call: the admin actions need IAM credentials (the default chain's). */
async function cognito(region: string, action: string, body: unknown): Promise<Record<string, unknown>> {
  const host = `cognito-idp.${region}.amazonaws.com`;
  const payload = JSON.stringify(body);
  const headers = signedJsonHeaders({
    host,
    region,
    service: 'cognito-idp',
    target: `AWSCognitoIdentityProviderService.${action}`,
    body: payload,
    credentials: await new S3Client({ region }).config.credentials(),
    now: new Date(),
  });
  const response = await fetch(`https://${host}/`, { method: 'POST', headers, body: payload });
  const doc = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`Cognito ${action}: ${String(doc.__type)}: ${String(doc.message)}`);
  return doc;
}

/** An ID token for the smoke user: ADMIN_USER_PASSWORD_AUTH, then the TOTP challenge if MFA is on. */
async function idToken(out: Outputs): Promise<string> {
  const region = out.UserPoolId.split('_')[0] ?? '';
  const base = { UserPoolId: out.UserPoolId, ClientId: out.UserPoolClientId };
  const username = env('MANTISSA_SMOKE_USER');
  let result = await cognito(region, 'AdminInitiateAuth', {
    ...base,
    AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: username, PASSWORD: env('MANTISSA_SMOKE_PASSWORD') },
  });
  if (result.ChallengeName === 'SOFTWARE_TOKEN_MFA') {
    result = await cognito(region, 'AdminRespondToAuthChallenge', {
      ...base,
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      Session: result.Session,
      ChallengeResponses: {
        USERNAME: username,
        SOFTWARE_TOKEN_MFA_CODE: totp(env('MANTISSA_SMOKE_TOTP_SECRET')),
      },
    });
  }
  const token = (result.AuthenticationResult as { IdToken?: string } | undefined)?.IdToken;
  if (!token) throw new Error(`Cognito sign-in did not finish (challenge ${String(result.ChallengeName)})`);
  return token;
}

async function api(
  out: Outputs,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(new URL(path, out.ApiUrl), {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const doc = (await response.json()) as unknown;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(doc)}`);
  return doc;
}

async function main(): Promise<void> {
  const out = readOutputs(process.argv[2] ?? 'cdk-outputs.json');
  const region = out.UserPoolId.split('_')[0] ?? '';
  const started = new Date();
  const sample = { end: started, days: 1, seed: started.getTime() % 1_000_000 };
  const attackIds = new Set(generateCloudTrailRecords(sample).scenarios.flatMap((s) => s.eventIds));
  const files = cloudtrailSampleFiles(sample).filter((f) => {
    const text = gunzipSync(f.body).toString('utf8');
    return [...attackIds].some((id) => text.includes(id));
  });
  const records = files.reduce(
    (n, f) => n + (JSON.parse(gunzipSync(f.body).toString('utf8')) as { Records: unknown[] }).Records.length,
    0,
  );

  step(`uploading ${files.length} CloudTrail objects (${records} records) to s3://${out.LandingBucket}/`);
  const s3 = new S3Client({ region });
  for (const f of files)
    await s3.send(new PutObjectCommand({ Bucket: out.LandingBucket, Key: f.path, Body: f.body }));

  step('waiting for ingest: rows visible to Athena');
  const athena = new AthenaQueryEngine({
    client: new AthenaClient({ region }),
    workgroup: out.AthenaWorkgroup,
    database: out.GlueDatabase,
  });
  const objects = files.map((f) => `'s3://${out.LandingBucket}/${f.path}'`).join(', ');
  await waitFor('ingested rows', 10 * 60_000, async () => {
    const result = await athena.query(
      `SELECT count(*) AS n FROM cloudtrail WHERE source_object IN (${objects})`,
    );
    step(`  ${String(result.rows[0]?.n)} of ${records} rows (${result.bytesScanned ?? 0} bytes scanned)`);
    return result.rows[0]?.n === records ? true : undefined;
  });

  step('signing in to Cognito and querying through the API');
  const token = await idToken(out);
  const sql = (await api(out, token, 'POST', 'api/v1/sql', {
    sql: 'SELECT eventname, count(*) AS n FROM cloudtrail GROUP BY 1 ORDER BY 2 DESC LIMIT 5',
  })) as { rows: unknown[] };
  step(`  top event names: ${JSON.stringify(sql.rows)}`);

  step(`waiting for the detection cycle to raise ${EXPECTED_RULES.join(', ')}`);
  const found = await waitFor('alerts', 20 * 60_000, async () => {
    const { alerts } = (await api(out, token, 'GET', 'api/v1/alerts?limit=500')) as {
      alerts: { id: string; ruleId: string; updatedAt: string }[];
    };
    const fresh = alerts.filter(
      (a) => EXPECTED_RULES.includes(a.ruleId) && a.updatedAt >= started.toISOString(),
    );
    return EXPECTED_RULES.every((r) => fresh.some((a) => a.ruleId === r)) ? fresh : undefined;
  });
  step(`  alerts: ${found.map((a) => `${a.ruleId} (${a.id})`).join(', ')}`);
  console.log(JSON.stringify({ ok: true, objects: files.length, records, alerts: found.map((a) => a.id) }));
}

// Run only as a script, so tests can import the helpers above.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`smoke test failed: ${(err as Error).message}`);
    process.exitCode = 1;
  });
}
