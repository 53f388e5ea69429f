import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, test } from 'vitest';
import { type CfnResourceJson, resourcesOf, synthesise } from './synth.js';

let template: Template;
let buckets: [string, CfnResourceJson][];

beforeAll(() => {
  template = synthesise().template;
  buckets = resourcesOf(template, 'AWS::S3::Bucket');
});

const logicalIdStarting = (prefix: string) => buckets.find(([id]) => id.startsWith(prefix));

describe('S3 buckets', () => {
  test('there are five: lake, landing, athena results, access logs, console', () => {
    expect(buckets).toHaveLength(5);
  });

  test('every bucket is encrypted; data buckets with the customer-managed key', () => {
    for (const [id, bucket] of buckets) {
      const rule = bucket.Properties.BucketEncryption?.ServerSideEncryptionConfiguration?.[0];
      expect(rule, id).toBeDefined();
      const algorithm = rule.ServerSideEncryptionByDefault.SSEAlgorithm;
      expect(['aws:kms', 'AES256'], id).toContain(algorithm);
    }
    // The lake bucket's logical id is DataLake<hash> (CDK drops the repeated "Lake").
    for (const prefix of ['DataLakeC5', 'DataLakeLanding', 'DataLakeAthenaResults']) {
      const rule =
        logicalIdStarting(prefix)?.[1].Properties.BucketEncryption.ServerSideEncryptionConfiguration[0];
      expect(rule.ServerSideEncryptionByDefault.SSEAlgorithm, prefix).toBe('aws:kms');
      expect(rule.ServerSideEncryptionByDefault.KMSMasterKeyID, prefix).toBeDefined();
    }
  });

  test('every bucket blocks all public access', () => {
    for (const [id, bucket] of buckets) {
      expect(bucket.Properties.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
  });

  test('every bucket has a policy that denies requests without TLS', () => {
    const policies = resourcesOf(template, 'AWS::S3::BucketPolicy');
    for (const [id] of buckets) {
      const policy = policies.find(([, p]) => p.Properties.Bucket?.Ref === id);
      expect(policy, `policy of ${id}`).toBeDefined();
      const statements = policy?.[1].Properties.PolicyDocument.Statement as Record<string, unknown>[];
      expect(statements, id).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 's3:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  test('lake and landing buckets are versioned', () => {
    for (const prefix of ['DataLakeC5', 'DataLakeLanding']) {
      expect(logicalIdStarting(prefix)?.[1].Properties.VersioningConfiguration).toEqual({
        Status: 'Enabled',
      });
    }
  });

  test('every bucket except the log destination sends server access logs to it', () => {
    const logs = logicalIdStarting('DataLakeAccessLogs')?.[0];
    for (const [id, bucket] of buckets) {
      if (id === logs) continue;
      expect(bucket.Properties.LoggingConfiguration?.DestinationBucketName, id).toEqual({ Ref: logs });
    }
  });

  test('the lake expires raw/, tables/ and quarantine/ by prefix', () => {
    const rules = logicalIdStarting('DataLakeC5')?.[1].Properties.LifecycleConfiguration.Rules as {
      Prefix?: string;
      ExpirationInDays?: number;
    }[];
    const byPrefix = Object.fromEntries(
      rules.filter((r) => r.Prefix).map((r) => [r.Prefix, r.ExpirationInDays]),
    );
    expect(byPrefix).toEqual({ 'raw/': 365, 'tables/': 1095, 'quarantine/': 90 });
  });

  test('data is retained when the stack is deleted', () => {
    for (const [id, bucket] of buckets) expect(bucket.DeletionPolicy, id).toBe('Retain');
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });
});

describe('DynamoDB state table', () => {
  test('has pk/sk keys, on-demand billing, PITR, TTL on expiresAt and the customer-managed key', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
      }),
    });
  });
});

describe('SQS queues', () => {
  test('every queue is KMS-encrypted and denies requests without TLS', () => {
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    const policies = resourcesOf(template, 'AWS::SQS::QueuePolicy');
    for (const [id, queue] of queues) {
      expect(queue.Properties.KmsMasterKeyId, id).toBeDefined();
      const policy = policies.find(([, p]) =>
        (p.Properties.Queues as { Ref: string }[]).some((q) => q.Ref === id),
      );
      expect(policy?.[1].Properties.PolicyDocument.Statement, id).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  test('work queues (ingest, outbox) redrive to a DLQ after 5 receives', () => {
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    for (const prefix of ['IngestionQueue', 'OutboxQueue']) {
      const queue = queues.find(([id]) => id.startsWith(prefix) && !id.includes('Dlq'));
      expect(queue?.[1].Properties.RedrivePolicy, prefix).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringContaining('Dlq'), 'Arn'] },
        maxReceiveCount: 5,
      });
    }
  });
});
