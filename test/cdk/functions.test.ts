import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, test } from 'vitest';
import { OUTBOX_MAX_RECEIVES } from '../../lib/alerting.js';
import { duckdbInstallCommand, PROJECT_ROOT } from '../../lib/functions.js';
import { type CfnResourceJson, resourcesOf, type Synthesised, synthesise } from './synth.js';

let synthesised: Synthesised;
let template: Template;
let functions: [string, CfnResourceJson][];
/** The four Mantissa Log functions, without the console upload's custom-resource handler. */
let mantissaFunctions: [string, CfnResourceJson][];

/** BucketDeployment's singleton handler (lib/console.ts): Python, chosen by aws-cdk-lib. */
const isConsoleUpload = (id: string) => id.startsWith('CustomCDKBucketDeployment');

beforeAll(() => {
  synthesised = synthesise();
  template = synthesised.template;
  functions = resourcesOf(template, 'AWS::Lambda::Function');
  mantissaFunctions = functions.filter(([id]) => !isConsoleUpload(id));
});

describe('Lambda functions', () => {
  test('there are four (ingest, detection, alert router, API) plus the console upload, no other CDK helper', () => {
    expect(mantissaFunctions.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'AlertingRouterFunction',
      'ApiHandlerFunction',
      'DetectionDetectFunction',
      'IngestionIngestFunction',
    ]);
    expect(functions.filter(([id]) => isConsoleUpload(id))).toHaveLength(1);
  });

  test('every Mantissa Log function runs nodejs22.x on arm64 with active tracing and JSON logs', () => {
    for (const [id, fn] of mantissaFunctions) {
      expect(fn.Properties.Runtime, id).toBe('nodejs22.x');
      expect(fn.Properties.Architectures, id).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
      expect(fn.Properties.Handler, id).toBe('index.handler');
      expect(fn.Properties.LoggingConfig.LogFormat, id).toBe('JSON');
    }
  });

  test('every function logs to its own log group, which has a retention', () => {
    const groups = Object.fromEntries(resourcesOf(template, 'AWS::Logs::LogGroup'));
    const used = new Set<string>();
    for (const [id, fn] of functions) {
      const ref = fn.Properties.LoggingConfig.LogGroup?.Ref as string;
      expect(groups[ref], id).toBeDefined();
      expect(groups[ref]?.Properties.RetentionInDays, id).toBe(365);
      used.add(ref);
    }
    expect(used.size).toBe(functions.length);
  });

  test('no role uses an AWS managed policy', () => {
    for (const [id, role] of resourcesOf(template, 'AWS::IAM::Role')) {
      expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
    }
  });

  test('no IAM statement grants data-plane actions (s3, dynamodb, sqs, kms:Decrypt) on "*"', () => {
    const dataPlane = /^(s3:|dynamodb:|sqs:|kms:Decrypt|kms:GenerateDataKey|kms:Encrypt)/;
    for (const [id, policy] of resourcesOf(template, 'AWS::IAM::Policy')) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        const actions = [statement.Action].flat() as string[];
        const resources = [statement.Resource].flat();
        if (actions.some((a) => dataPlane.test(a) || a === '*')) {
          expect(resources, `${id}: ${actions.join(',')}`).not.toContain('*');
        }
      }
    }
  });

  test('no S3 grant can erase object versions', () => {
    for (const [id, policy] of resourcesOf(template, 'AWS::IAM::Policy')) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        const actions = [statement.Action].flat() as string[];
        expect(actions, id).not.toContain('s3:DeleteObjectVersion');
        expect(actions, id).not.toContain('s3:DeleteObject*');
        expect(actions, id).not.toContain('s3:*');
      }
    }
  });

  test('the handler contract: env vars each function receives', () => {
    const env = (prefix: string) =>
      Object.keys(
        functions.find(([id]) => id.startsWith(prefix))?.[1].Properties.Environment.Variables ?? {},
      );
    const common = [
      'MANTISSA_RUNTIME',
      'LAKE_BUCKET',
      'STATE_TABLE',
      'OUTBOX_QUEUE_URL',
      'GLUE_DATABASE',
      'ATHENA_WORKGROUP',
    ];
    expect(env('IngestionIngest')).toEqual(
      expect.arrayContaining([...common, 'LANDING_BUCKET', 'INGEST_QUEUE_URL']),
    );
    expect(env('DetectionDetect')).toEqual(expect.arrayContaining(common));
    expect(env('AlertingRouter')).toEqual(expect.arrayContaining([...common, 'SECRET_ARN']));
    expect(env('ApiHandler')).toEqual(
      expect.arrayContaining([...common, 'USER_POOL_ID', 'USER_POOL_CLIENT_ID', 'CORS_ALLOWED_ORIGIN']),
    );
  });

  test('the router is told the outbox redrive limit from the constant the queue is built with', () => {
    const router = functions.find(([id]) => id.startsWith('AlertingRouter'))?.[1];
    const outbox = resourcesOf(template, 'AWS::SQS::Queue').find(
      ([id]) => id.startsWith('OutboxQueue') && !id.includes('Dlq'),
    )?.[1];
    expect(OUTBOX_MAX_RECEIVES).toBe(5);
    expect(router?.Properties.Environment.Variables.OUTBOX_MAX_RECEIVES).toBe(String(OUTBOX_MAX_RECEIVES));
    expect(outbox?.Properties.RedrivePolicy.maxReceiveCount).toBe(OUTBOX_MAX_RECEIVES);
  });

  test('each secret has exactly one reader: destination credentials the router, enrichment keys detection', () => {
    type Statement = { Action: string | string[]; Resource: unknown };
    const readers = resourcesOf(template, 'AWS::IAM::Policy').flatMap(([id, policy]) =>
      (policy.Properties.PolicyDocument.Statement as Statement[])
        .filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'))
        .map((s) => [id.replace(/Role.*$/, ''), JSON.stringify(s.Resource)]),
    );
    expect(readers).toEqual([
      ['DetectionDetect', expect.stringMatching(/^\{"Ref":"DetectionEnrichmentCredentials[0-9A-F]{8}"\}$/)],
      ['AlertingRouter', expect.stringMatching(/^\{"Ref":"AlertingDestinationCredentials[0-9A-F]{8}"\}$/)],
    ]);
    const detection = functions.find(([id]) => id.startsWith('DetectionDetect'))?.[1];
    expect(detection?.Properties.Environment.Variables.ENRICHMENT_SECRET_ARN).toEqual({
      Ref: expect.stringMatching(/^DetectionEnrichmentCredentials[0-9A-F]{8}$/),
    });
  });

  test('the router reads exactly config/config.yaml of the lake, nothing else of it', () => {
    type Statement = { Action: string | string[]; Resource: unknown };
    const router = resourcesOf(template, 'AWS::IAM::Policy').filter(([id]) =>
      id.startsWith('AlertingRouterRole'),
    );
    const statements = router.flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
    const gets = statements.filter((s) => [s.Action].flat().includes('s3:GetObject'));
    expect(gets).toHaveLength(1);
    expect(JSON.stringify(gets[0]?.Resource)).toMatch(/"\/config\/config\.yaml"\]/);
  });
});

describe('bundling', () => {
  test('is skipped when the stack is not in aws:cdk:bundling-stacks (assets point at the source tree)', () => {
    const manifest = JSON.parse(
      readFileSync(join(synthesised.app.outdir, 'MantissaLog.assets.json'), 'utf8'),
    ) as { files: Record<string, { source: { path: string } }> };
    // The functions' code assets only (the console files and CDK's own handlers are plain folders).
    const sources = mantissaFunctions.map(([, fn]) => {
      const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
      return manifest.files[hash]?.source.path ?? `no asset ${hash}`;
    });
    // A bundled asset would be an asset.<hash> folder holding index.mjs; a skipped one is the project root.
    expect(sources.length).toBe(4);
    for (const source of sources) expect(source.replace(/\/$/, '')).toBe(PROJECT_ROOT.replace(/\/$/, ''));
  });

  test('DuckDB is installed for linux/arm64 into the bundle folder only, with one self-contained command', () => {
    const command = duckdbInstallCommand('/tmp/bundle', '1.2.3');
    expect(command).toContain('--os=linux --cpu=arm64 --libc=glibc @duckdb/node-api@1.2.3');
    expect(command).toContain('--prefix "/tmp/bundle"');
    expect(command).toContain('node-bindings-linux-arm64/package.json');
    // CDK runs each hook command in a fresh shell at the project root: no bare `cd`.
    expect(command).not.toMatch(/(^|&& )cd /);
  });
});

describe('alert email', () => {
  const statementsWith = (t: Template, action: string) =>
    resourcesOf(t, 'AWS::IAM::Policy').flatMap(([, policy]) =>
      (
        policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]
      ).filter((s) => [s.Action].flat().includes(action)),
    );

  test('no function may send email unless SES identities are given', () => {
    expect(statementsWith(template, 'ses:SendEmail')).toEqual([]);
  });

  test('with identities, only the router may send, and only as those identities', () => {
    const arn = 'arn:aws:ses:eu-west-1:111122223333:identity/alerts.example.com';
    const withEmail = synthesise({ emailIdentityArns: [arn] }).template;
    expect(statementsWith(withEmail, 'ses:SendEmail')).toEqual([
      expect.objectContaining({ Action: 'ses:SendEmail', Effect: 'Allow', Resource: arn }),
    ]);
  });
});
