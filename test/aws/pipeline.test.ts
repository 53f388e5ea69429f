import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createRemoteJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaQueryEngine } from '../../lambdas/adapters/aws/athena-query-engine.js';
import { cachedConfig } from '../../lambdas/adapters/aws/config-object.js';
import { DynamoDbStateStore } from '../../lambdas/adapters/aws/dynamodb-state-store.js';
import { S3ObjectStore } from '../../lambdas/adapters/aws/s3-object-store.js';
import { SqsOutbox } from '../../lambdas/adapters/aws/sqs-outbox.js';
import { DuckDbParquetEncoder } from '../../lambdas/adapters/duckdb/parquet-encoder.js';
import { DuckDbQueryEngine } from '../../lambdas/adapters/duckdb/query-engine.js';
import { FsObjectStore } from '../../lambdas/adapters/local/fs-object-store.js';
import { SqliteStateStore } from '../../lambdas/adapters/local/sqlite-state-store.js';
import { createJwtVerifier } from '../../lambdas/api/auth.js';
import type { Alert } from '../../lambdas/core/alerts/model.js';
import { AlertStore } from '../../lambdas/core/alerts/store.js';
import { runDetectionCycle } from '../../lambdas/core/detection/cycle.js';
import { ingestObject } from '../../lambdas/core/lake/ingest.js';
import { fixedClock } from '../../lambdas/core/ports/clock.js';
import { TABLES } from '../../lambdas/core/schema/registry.js';
import {
  cloudtrailSampleFiles,
  generateCloudTrailRecords,
} from '../../lambdas/core/sources/cloudtrail/sample.js';
import { SOURCES } from '../../lambdas/core/sources/registry.js';
import { createApiHandler } from '../../lambdas/handlers/api.js';
import { createDetectionHandler } from '../../lambdas/handlers/detection.js';
import { createIngestHandler } from '../../lambdas/handlers/ingest.js';
import { deployedRules } from '../../lambdas/handlers/rules.js';
import { DuckDbAthena } from './athena-duckdb.js';
import { CLIENT_ID, ISSUER, startCognitoKeys } from './cognito-peer.js';
import {
  lambdaContext,
  restApiEvent,
  s3ObjectCreated,
  scheduledEvent,
  sqsEvent,
  sqsRecord,
} from './events.js';
import { type DynamoPeer, type S3Peer, startDynamo, startS3 } from './peers.js';
import { SqsModel } from './sqs-model.js';

const END = new Date('2026-11-21T12:00:00Z');
const SAMPLE = { end: END, days: 1, seed: 11 };

/**
 * The issue's "done when": a CloudTrail delivery lands in the landing bucket and flows through the
 * AWS runtime (ingest handler -> S3 lake -> detection handler over Athena -> alerts in DynamoDB ->
 * API handler) with every AWS service played by a local peer: s3rver, dynalite, and Athena
 * answered by DuckDB over the Parquet files the ingest wrote.
 */
describe('AWS pipeline: landing object -> ingest -> detection -> alert over the API', () => {
  let s3: S3Peer;
  let dynamo: DynamoPeer;
  let athena: DuckDbAthena;
  let encoder: DuckDbParquetEncoder;
  let keys: Awaited<ReturnType<typeof startCognitoKeys>>;
  let state: DynamoDbStateStore;
  let query: AthenaQueryEngine;
  const clock = fixedClock(END);
  const tables = TABLES.map((t) => t.name);
  let customRules: string;

  beforeAll(async () => {
    customRules = writeCustomRules();
    [s3, dynamo, keys] = await Promise.all([startS3(['landing', 'lake']), startDynamo(), startCognitoKeys()]);
    await dynamo.createStateTable('state');
    encoder = await DuckDbParquetEncoder.open();
    state = new DynamoDbStateStore({ client: dynamo.client, table: 'state' });
    const lake = new S3ObjectStore({ client: s3.client, bucket: 'lake' });
    athena = new DuckDbAthena({ lake, database: 'mantissa_log', workgroup: 'mantissa-log', tables: TABLES });
    query = new AthenaQueryEngine({
      client: athena.client,
      workgroup: 'mantissa-log',
      database: 'mantissa_log',
      tables: TABLES,
      pollMs: { initial: 1, max: 10 },
    });
  });
  afterAll(async () => {
    athena?.close();
    await encoder?.close();
    await Promise.all([s3?.close(), dynamo?.close(), keys?.close()]);
  });

  it('raises the attacks in the sample as alerts that the API serves', async () => {
    const lake = new S3ObjectStore({ client: s3.client, bucket: 'lake' });
    // The shipped rules and a deployment's own (-c rulesDir), as the functions load them.
    const rules = () => deployedRules(tables, 'athena', customRules);
    // The delivery objects that hold the sample's attacks, plus a digest file CloudTrail writes beside them.
    const attackIds = new Set(generateCloudTrailRecords(SAMPLE).scenarios.flatMap((s) => s.eventIds));
    const files = cloudtrailSampleFiles(SAMPLE).filter(
      (f) => attackIds.size > 0 && containsAny(f.body, attackIds),
    );
    expect(files.length).toBeGreaterThan(0);
    expect(files.length).toBeLessThanOrEqual(9);
    const digest =
      'AWSLogs/739104582613/CloudTrail-Digest/us-east-1/2026/11/21/739104582613_CloudTrail-Digest_us-east-1_org_us-east-1_20261121T110000Z.json.gz';
    for (const f of files)
      await s3.client.send(new PutObjectCommand({ Bucket: 'landing', Key: f.path, Body: f.body }));
    const records = [
      ...files.map((f) => sqsRecord(JSON.stringify(s3ObjectCreated('landing', f.path, f.body.length)))),
    ];
    records.push(sqsRecord(JSON.stringify(s3ObjectCreated('landing', digest, 812))));

    const ingest = createIngestHandler({
      s3: s3.client,
      landingBucket: 'landing',
      lake,
      state,
      encoder: async () => encoder,
      // Off, so the detection cycle's fused scan over Athena is what matches single-event rules.
      realtimeRules: async () => [],
      clock,
    });
    const ingested = await ingest(sqsEvent(records));
    expect(ingested.batchItemFailures).toEqual([]);
    expect(ingested.outcomes.at(-1)).toEqual({
      messageId: records.at(-1)?.messageId,
      key: digest,
      skipped: 'CloudTrail digest file (no events)',
    });
    let rows = 0;
    for (const outcome of ingested.outcomes.slice(0, -1)) {
      if (!('ingested' in outcome)) throw new Error(`not ingested: ${JSON.stringify(outcome)}`);
      expect(outcome.ingested.source).toBe('cloudtrail');
      expect(outcome.ingested.quarantined).toBe(0);
      expect(outcome.ingested.written).toBe(outcome.ingested.records);
      rows += outcome.ingested.written;
    }
    expect((await lake.list('tables/cloudtrail/')).length).toBeGreaterThan(0);

    // No config/config.yaml in the lake: no routes, so alerts are marked routed and nothing is queued.
    const sqs = new SqsModel();
    const outbox = new SqsOutbox({ sqs: new SQSClient({ region: 'us-east-1' }), queueUrl: 'outbox', state });
    const detect = createDetectionHandler({
      state,
      query,
      lake,
      encoder: async () => encoder,
      rules,
      clock,
      outbox,
      config: cachedConfig(lake, clock),
    });
    const cycle = await detect(scheduledEvent(END));
    expect(cycle.errors).toEqual([]);
    expect(cycle.routing).toEqual({ alerts: cycle.raised.length, enqueued: 0, resolutions: 0, errors: [] });
    expect(sqs.queue).toEqual([]);
    expect(cycle.skipped).toBe(false);
    expect(cycle.batches).toBe(files.length);
    const alerts = await new AlertStore(state).list({});
    const sqlAlerts = alerts
      .filter((a) => a.ruleId.startsWith('sql/'))
      .map((a) => a.ruleId)
      .sort();
    expect(sqlAlerts).toEqual([
      'sql/cloudtrail/cloudtrail-logging-stopped',
      'sql/cloudtrail/console-brute-force-then-success',
      'sql/cloudtrail/iam-admin-policy-attached',
      'sql/cloudtrail/root-account-use',
    ]);
    // The deployment's own rules ran beside them: a SQL rule through Athena, a Sigma rule in the scan.
    const own = alerts.filter((a) => a.ruleId.startsWith('local/'));
    expect([...new Set(own.map((a) => a.ruleId))].sort()).toEqual([
      'local/team/root-by-ip',
      'local/team/root-sign-in',
    ]);
    const rootAlerts = alerts.filter((a) => a.ruleId === 'sql/cloudtrail/root-account-use');
    expect(
      own
        .filter((a) => a.ruleId === 'local/team/root-by-ip')
        .map((a) => a.entities.ip)
        .sort(),
    ).toEqual(rootAlerts.map((a) => a.entities.ip).sort());
    // Single-event Sigma rules ran in the fused scan (real-time is off here): whole rows as evidence,
    // their structs parsed back from Athena's text into objects.
    const fromScan = alerts.find((a) => a.ruleId === 'sigma/cloudtrail/aws_root_console_login');
    expect(fromScan?.evidence[0]?.useridentity).toMatchObject({
      type: 'Root',
      arn: expect.stringMatching(/:root$/),
    });
    // The twin: the local runtime (folder, SQLite, DuckDB) given the same objects raises the same alerts.
    expect(alerts.map(alertShape).sort()).toEqual(
      (await localAlerts(files, customRules)).map(alertShape).sort(),
    );
    // A second cycle has nothing new to read and raises nothing.
    expect(await detect(scheduledEvent(END))).toMatchObject({ batches: 0, raised: [], errors: [] });
    sqs.restore();

    const api = createApiHandler(
      {
        verifier: createJwtVerifier({
          keys: createRemoteJWKSet(keys.jwks),
          issuer: ISSUER,
          audience: CLIENT_ID,
        }),
        alerts: new AlertStore(state),
        query,
        clock,
        tables,
        rules: () => [],
        version: 'test',
      },
      'https://d111abcdef8.cloudfront.net',
    );
    const token = await keys.idToken(['analyst']);
    const auth = { Authorization: `Bearer ${token}`, Origin: 'https://d111abcdef8.cloudfront.net' };
    const listed = await api(
      restApiEvent({ method: 'GET', path: '/api/v1/alerts', headers: auth }),
      lambdaContext('api'),
    );
    expect(listed.statusCode).toBe(200);
    // The request came with multiValueHeaders (as REST APIs send them), so the response uses them too.
    expect(listed.multiValueHeaders?.['access-control-allow-origin']).toEqual([
      'https://d111abcdef8.cloudfront.net',
    ]);
    const body = JSON.parse(listed.body) as { alerts: { id: string; ruleId: string }[] };
    expect(body.alerts.map((a) => a.id).sort()).toEqual(alerts.map((a) => a.id).sort());

    const counted = await api(
      restApiEvent({
        method: 'POST',
        path: '/api/v1/sql',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ sql: 'SELECT count(*) AS n FROM cloudtrail' }),
      }),
      lambdaContext('api'),
    );
    expect(counted.statusCode).toBe(200);
    expect(JSON.parse(counted.body)).toMatchObject({ rows: [{ n: rows }], truncated: false, rowCount: 1 });
  });
});

/**
 * Everything an alert says about what happened, its id and dedup key included: the id hashes the
 * evidence rows, keys and all. Athena returns result column names in lower case, so this holds only
 * because the SQL the core renders names its columns in lower case (a correlation's
 * `sourceIPAddress` group-by is column `sourceipaddress` on both runtimes).
 */
function alertShape(a: Alert): string {
  return JSON.stringify([
    a.id,
    a.dedupKey,
    a.ruleId,
    a.title,
    a.severity,
    a.count,
    a.firstSeen,
    a.lastSeen,
    a.status,
    a.evidence,
  ]);
}

/** The same delivery objects through the local runtime's adapters and the same core. */
async function localAlerts(
  files: { path: string; body: Uint8Array }[],
  customRules: string,
): Promise<Alert[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mantissa-twin-'));
  const store = new FsObjectStore(join(dir, 'lake'));
  const state = new SqliteStateStore(join(dir, 'state.db'));
  const encoder = await DuckDbParquetEncoder.open();
  const clock = fixedClock(END);
  const tables = TABLES.map((t) => t.name);
  try {
    const rules = await deployedRules(tables, 'duckdb', customRules);
    for (const f of files) {
      await ingestObject(
        { store, state, encoder, clock, sources: SOURCES },
        { sourceObject: `s3://landing/${f.path}`, body: f.body },
      );
    }
    const engine = await DuckDbQueryEngine.open({ lakeRoot: store.root, tables: TABLES });
    try {
      const report = await runDetectionCycle({
        state,
        query: engine,
        clock,
        rules: rules.rules,
        sigma: rules.sigma,
        tables,
        lake: { store, encoder },
      });
      expect(report.errors).toEqual([]);
    } finally {
      await engine.close();
    }
    return await new AlertStore(state).list({});
  } finally {
    await encoder.close();
    await state.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function containsAny(gz: Uint8Array, ids: Set<string>): boolean {
  const text = gunzipSync(gz).toString('utf8');
  for (const id of ids) if (text.includes(id)) return true;
  return false;
}

/** A deployment's own rules folder (what -c rulesDir names): one SQL rule and one Sigma rule. */
function writeCustomRules(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mantissa-own-rules-'));
  mkdirSync(join(dir, 'team'));
  writeFileSync(
    join(dir, 'team', 'root-by-ip.yaml'),
    [
      'name: Root activity by address',
      'description: Every address root acted from.',
      'severity: medium',
      'category: access',
      'query: |',
      '  SELECT sourceipaddress AS ip, count(*) AS events, min(eventtime) AS first_seen, max(eventtime) AS last_seen',
      '  FROM cloudtrail',
      "  WHERE useridentity.type = 'Root' AND useridentity.invokedby IS NULL AND eventtype <> 'AwsServiceEvent'",
      '  GROUP BY 1',
      'dedup_fields: [ip]',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'team', 'root-sign-in.yml'),
    [
      'title: Root signed in (team rule)',
      'status: experimental',
      'logsource: {product: aws, service: cloudtrail}',
      'detection:',
      '  sel: {eventName: ConsoleLogin, userIdentity.type: Root}',
      '  condition: sel',
      'level: high',
      '',
    ].join('\n'),
  );
  return dir;
}
