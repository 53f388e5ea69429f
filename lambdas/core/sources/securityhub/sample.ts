/**
 * Security Hub sample: findings as an EventBridge rule forwards them ("Security Hub Findings -
 * Imported") through Firehose to S3 (JSON lines, gzip, one object per hour with findings).
 * Routine control checks (passing and failing CSPM controls, an Inspector CVE) with the attack
 * story mixed in: the public bucket and root-without-MFA controls failing, and GuardDuty's
 * crypto-mining and Tor findings imported.
 */
import { gzipSync } from 'node:zlib';
import { ACCOUNTS } from '../cloudtrail/sample/accounts.js';
import { compactTime, datePath, SampleRandom } from '../sample-random.js';
import type { SampleFile, SampleOptions } from '../types.js';

const HOUR = 3_600_000;

interface Spec {
  product: 'Security Hub' | 'GuardDuty' | 'Inspector';
  generator: string;
  title: string;
  label: 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
  type: string;
  resource: { Type: string; Id: string };
  compliance?: 'PASSED' | 'FAILED';
  account: string;
}

const NORMALIZED = { INFORMATIONAL: 0, LOW: 30, MEDIUM: 50, HIGH: 70, CRITICAL: 90 } as const;

const ROUTINE: Spec[] = [
  {
    product: 'Security Hub',
    generator: 'security-control/CloudTrail.1',
    title: 'CloudTrail should be enabled and configured with at least one multi-Region trail',
    label: 'INFORMATIONAL',
    type: 'Software and Configuration Checks/Industry and Regulatory Standards',
    resource: { Type: 'AwsAccount', Id: `AWS::::Account:${ACCOUNTS.management.id}` },
    compliance: 'PASSED',
    account: ACCOUNTS.management.id,
  },
  {
    product: 'Security Hub',
    generator: 'security-control/EC2.2',
    title: 'VPC default security groups should not allow inbound or outbound traffic',
    label: 'HIGH',
    type: 'Software and Configuration Checks/Industry and Regulatory Standards',
    resource: {
      Type: 'AwsEc2SecurityGroup',
      Id: `arn:aws:ec2:us-east-1:${ACCOUNTS.dev.id}:security-group/sg-0e4d1c2b3a5f6e7d8`,
    },
    compliance: 'FAILED',
    account: ACCOUNTS.dev.id,
  },
  {
    product: 'Inspector',
    generator: 'AWSInspectorV2',
    title: 'CVE-2024-6387 - openssh',
    label: 'HIGH',
    type: 'Software and Configuration Checks/Vulnerabilities/CVE',
    resource: {
      Type: 'AwsEc2Instance',
      Id: `arn:aws:ec2:us-east-1:${ACCOUNTS.prod.id}:instance/i-0f1e2d3c4b5a69781`,
    },
    account: ACCOUNTS.prod.id,
  },
];

const STORY: { hoursBeforeEnd: number; spec: Spec }[] = [
  {
    hoursBeforeEnd: 26,
    spec: {
      product: 'Security Hub',
      generator: 'security-control/S3.8',
      title: 'S3 general purpose buckets should block public access',
      label: 'HIGH',
      type: 'Effects/Data Exposure',
      resource: { Type: 'AwsS3Bucket', Id: 'arn:aws:s3:::prod-customer-exports' },
      compliance: 'FAILED',
      account: ACCOUNTS.prod.id,
    },
  },
  {
    hoursBeforeEnd: 12,
    spec: {
      product: 'Security Hub',
      generator: 'security-control/IAM.6',
      title: 'Hardware MFA should be enabled for the root user',
      label: 'CRITICAL',
      type: 'Software and Configuration Checks/Industry and Regulatory Standards',
      resource: { Type: 'AwsAccount', Id: `AWS::::Account:${ACCOUNTS.management.id}` },
      compliance: 'FAILED',
      account: ACCOUNTS.management.id,
    },
  },
  {
    hoursBeforeEnd: 10,
    spec: {
      product: 'GuardDuty',
      generator: 'arn:aws:guardduty:us-east-1:739104582613:detector/6ac4c1f2b0e9d8a7f6e5d4c3b2a19087',
      title: 'EC2 instance i-0f1e2d3c4b5a69784 is communicating with Tor entry nodes.',
      label: 'HIGH',
      type: 'TTPs/Command and Control/UnauthorizedAccess:EC2-TorClient',
      resource: {
        Type: 'AwsEc2Instance',
        Id: `arn:aws:ec2:us-east-1:${ACCOUNTS.prod.id}:instance/i-0f1e2d3c4b5a69784`,
      },
      account: ACCOUNTS.prod.id,
    },
  },
  {
    hoursBeforeEnd: 6,
    spec: {
      product: 'GuardDuty',
      generator: 'arn:aws:guardduty:eu-west-1:205873619440:detector/6ac4c1f2b0e9d8a7f6e5d4c3b2a19087',
      title: 'EC2 instance i-0a2b3c4d5e6f70811 is communicating with a cryptocurrency mining pool.',
      label: 'HIGH',
      type: 'TTPs/Impact/CryptoCurrency:EC2-BitcoinTool.B',
      resource: {
        Type: 'AwsEc2Instance',
        Id: `arn:aws:ec2:eu-west-1:${ACCOUNTS.dev.id}:instance/i-0a2b3c4d5e6f70811`,
      },
      account: ACCOUNTS.dev.id,
    },
  },
];

function finding(rng: SampleRandom, spec: Spec, at: number): Record<string, unknown> {
  const time = new Date(at).toISOString();
  const region = spec.resource.Id.split(':')[3] || 'us-east-1';
  const productArn =
    spec.product === 'Security Hub'
      ? `arn:aws:securityhub:${region}::product/aws/securityhub`
      : `arn:aws:securityhub:${region}::product/aws/${spec.product.toLowerCase()}`;
  const out: Record<string, unknown> = {
    SchemaVersion: '2018-10-08',
    Id:
      spec.product === 'Security Hub'
        ? `arn:aws:securityhub:${region}:${spec.account}:security-control/${spec.generator.split('/')[1]}/finding/${rng.uuid()}`
        : `${spec.generator}/finding/${rng.hex(32)}`,
    ProductArn: productArn,
    ProductName: spec.product,
    CompanyName: 'AWS',
    Region: region,
    GeneratorId: spec.generator,
    AwsAccountId: spec.account,
    Types: [spec.type],
    FirstObservedAt: new Date(at - 600_000).toISOString(),
    LastObservedAt: time,
    CreatedAt: time,
    UpdatedAt: time,
    Severity: { Label: spec.label, Normalized: NORMALIZED[spec.label], Original: spec.label },
    Title: spec.title,
    Description: spec.title,
    ProductFields: { 'aws/securityhub/ProductName': spec.product, 'aws/securityhub/CompanyName': 'AWS' },
    Resources: [{ ...spec.resource, Partition: 'aws', Region: region }],
    Workflow: { Status: 'NEW' },
    WorkflowState: 'NEW',
    RecordState: 'ACTIVE',
  };
  if (spec.compliance) out.Compliance = { Status: spec.compliance };
  return out;
}

export function securityhubSampleFiles(opts: SampleOptions): SampleFile[] {
  const rng = new SampleRandom(opts.seed, 'securityhub');
  const endHour = Math.floor(opts.end.getTime() / HOUR) * HOUR;
  const files: SampleFile[] = [];
  for (let h = opts.days * 24; h >= 1; h--) {
    const hourStart = endHour - h * HOUR;
    const specs = [
      ...(h % 12 === 0 ? ROUTINE : []),
      ...STORY.filter((s) => s.hoursBeforeEnd === h).map((s) => s.spec),
    ];
    if (specs.length === 0) continue;
    const events = specs.map((spec) => {
      const at = hourStart + rng.int(0, HOUR - 1);
      return {
        version: '0',
        id: rng.uuid(),
        'detail-type': 'Security Hub Findings - Imported',
        source: 'aws.securityhub',
        account: spec.account,
        time: new Date(at).toISOString(),
        region: 'us-east-1',
        resources: [],
        detail: { findings: [finding(rng, spec, at)] },
      };
    });
    const closes = new Date(hourStart + HOUR - 1000);
    files.push({
      path: `${datePath(closes)}/${closes.toISOString().slice(11, 13)}/securityhub-findings-${compactTime(closes)}-${rng.uuid()}.gz`,
      body: gzipSync(`${events.map((e) => JSON.stringify(e)).join('\n')}\n`),
    });
  }
  return files;
}
