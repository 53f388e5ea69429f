import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../../lib/functions.js';
import { type CfnResourceJson, resourcesOf, type Synthesised, synthesise } from './synth.js';

let synthesised: Synthesised;
let template: Template;
let upload: CfnResourceJson;
let outputs: Record<string, { Value: unknown }>;

beforeAll(() => {
  synthesised = synthesise();
  template = synthesised.template;
  const uploads = resourcesOf(template, 'Custom::CDKBucketDeployment');
  expect(uploads).toHaveLength(1);
  upload = uploads[0]?.[1] as CfnResourceJson;
  outputs = template.toJSON().Outputs;
});

const idOf = (type: string, prefix: string) =>
  resourcesOf(template, type).find(([id]) => id.startsWith(prefix))?.[0] as string;

/** The staged folder of the upload's n-th source (what the zip in the asset bucket will hold). */
const sourceDir = (n: number) =>
  join(
    synthesised.app.outdir,
    `asset.${String(upload.Properties.SourceObjectKeys[n]).replace(/\.zip$/, '')}`,
  );

describe('console upload', () => {
  test('deploys into the console bucket, prunes old files and invalidates the whole distribution', () => {
    expect(upload.Properties).toMatchObject({
      DestinationBucketName: { Ref: idOf('AWS::S3::Bucket', 'ConsoleBucket') },
      DistributionId: { Ref: idOf('AWS::CloudFront::Distribution', 'ConsoleDistribution') },
      DistributionPaths: ['/*'],
      WaitForDistributionInvalidation: true,
      Prune: true,
      SystemMetadata: { 'cache-control': 'no-cache' },
    });
    expect(upload.Properties.SourceObjectKeys).toHaveLength(2);
  });

  test('the first source is exactly the files of web/', () => {
    expect(readdirSync(sourceDir(0)).sort()).toEqual(readdirSync(join(PROJECT_ROOT, 'web')).sort());
    expect(readdirSync(sourceDir(0))).toContain('index.html');
  });

  test('config.json carries the API URL, the user pool, the app client and the hosted UI domain', () => {
    expect(readdirSync(sourceDir(1))).toEqual(['config.json']);
    const text = readFileSync(join(sourceDir(1), 'config.json'), 'utf8');
    // Deploy-time values are markers in the file, substituted by the upload function from SourceMarkers.
    const markers = upload.Properties.SourceMarkers[1] as Record<string, unknown>;
    const config = JSON.parse(text) as Record<string, string>;
    const resolved = Object.fromEntries(
      Object.entries(config).map(([k, v]) => [
        k,
        v
          .split(/(<<marker:0xbaba:\d+>>)/)
          .map((part) => (part in markers ? render(markers[part]) : part))
          .join(''),
      ]),
    );
    expect(resolved).toEqual({
      apiUrl: render(outputs.ApiUrl?.Value),
      region: `\${AWS::Region}`,
      userPoolId: `\${${idOf('AWS::Cognito::UserPool', 'AuthUserPool')}}`,
      clientId: `\${${idOf('AWS::Cognito::UserPoolClient', 'AuthUserPoolConsoleClient')}}`,
      authDomain: render(outputs.AuthDomain?.Value),
    });
    expect(resolved.apiUrl).toMatch(
      /^https:\/\/\$\{ApiRestApi\w+\}\.execute-api\..+\/\$\{ApiRestApiDeploymentStageprod\w+\}\/$/,
    );
  });

  test('its role reads the two source zips, writes the console bucket, invalidates this distribution', () => {
    const [[roleId]] = resourcesOf(template, 'AWS::IAM::Role').filter(([id]) =>
      id.startsWith('ConsoleUploadRole'),
    ) as [[string, CfnResourceJson]];
    const fn = resourcesOf(template, 'AWS::Lambda::Function').find(([id]) =>
      id.startsWith('CustomCDKBucketDeployment'),
    )?.[1];
    expect(fn?.Properties.Role).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    const policies = resourcesOf(template, 'AWS::IAM::Policy').filter(([, p]) =>
      (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId),
    );
    expect(policies).toHaveLength(1);
    const statements = policies[0]?.[1].Properties.PolicyDocument.Statement as {
      Action: string | string[];
      Resource: unknown;
    }[];
    const bucketArn = { 'Fn::GetAtt': [idOf('AWS::S3::Bucket', 'ConsoleBucket'), 'Arn'] };
    const byAction = Object.fromEntries(statements.map((s) => [[s.Action].flat().join(','), s.Resource]));
    expect(Object.keys(byAction).sort()).toEqual([
      'cloudfront:CreateInvalidation,cloudfront:GetInvalidation',
      'logs:CreateLogStream,logs:PutLogEvents',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject,s3:DeleteObject',
    ]);
    const zips = (byAction['s3:GetObject'] as unknown[]).map((r) => render(r));
    expect(zips).toEqual(
      (upload.Properties.SourceObjectKeys as string[]).map((key) =>
        expect.stringMatching(new RegExp(`^arn:\\$\\{AWS::Partition\\}:s3:::.+/${key}$`)),
      ),
    );
    expect(byAction['s3:ListBucket']).toEqual(bucketArn);
    expect(byAction['s3:PutObject,s3:DeleteObject']).toEqual({ 'Fn::Join': ['', [bucketArn, '/*']] });
    expect(render(byAction['cloudfront:CreateInvalidation,cloudfront:GetInvalidation'])).toBe(
      `arn:\${AWS::Partition}:cloudfront::\${AWS::AccountId}:distribution/\${${idOf('AWS::CloudFront::Distribution', 'ConsoleDistribution')}}`,
    );
  });
});

/** Renders a CloudFormation string expression as text (`${Logical.Attr}` for references). */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as {
    'Fn::Join'?: [string, unknown[]];
    'Fn::GetAtt'?: [string, string];
    'Fn::Sub'?: string;
    Ref?: string;
  };
  if (v['Fn::Join']) return v['Fn::Join'][1].map(render).join(v['Fn::Join'][0]);
  if (v['Fn::GetAtt']) return `\${${v['Fn::GetAtt'].join('.')}}`;
  if (v['Fn::Sub']) return v['Fn::Sub'];
  if (v.Ref) return `\${${v.Ref}}`;
  return JSON.stringify(value);
}
