import { type CfnElement, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';

export interface ObjectAccess {
  /** Key prefix the grant covers, e.g. `tables/`. @default '' (the whole bucket) */
  readonly prefix?: string;
  /** s3:GetObject. @default true */
  readonly read?: boolean;
  /** s3:PutObject and s3:AbortMultipartUpload. @default false */
  readonly write?: boolean;
  /** s3:DeleteObject (a delete marker in versioned buckets; never s3:DeleteObjectVersion). @default false */
  readonly delete?: boolean;
}

/**
 * Grants object access in one bucket with exact actions, narrower than `bucket.grantReadWrite()`:
 * no `s3:DeleteObject*` (which includes DeleteObjectVersion and would let a function erase the
 * history that versioning keeps), no `s3:GetObject*`/`s3:List*`/`s3:GetBucket*` globs. The only
 * wildcard is the object-key pattern, which cdk-nag reports and this function acknowledges with the
 * one finding id it produces.
 */
export function grantObjects(role: iam.IRole, bucket: s3.IBucket, access: ObjectAccess = {}): void {
  const prefix = access.prefix ?? '';
  const actions = [
    ...((access.read ?? true) ? ['s3:GetObject'] : []),
    ...(access.write ? ['s3:PutObject', 's3:AbortMultipartUpload'] : []),
    ...(access.delete ? ['s3:DeleteObject'] : []),
  ];
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:ListBucket', 's3:GetBucketLocation'],
      resources: [bucket.bucketArn],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions, resources: [bucket.arnForObjects(`${prefix}*`)] }),
  );

  const logicalId = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnElement);
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/${prefix}*]`,
    reason:
      `Object keys under ${prefix || 'the bucket root'} are created at run time (partitions, batch ids), so ` +
      'the grant names the bucket and key prefix; actions are listed exactly, without DeleteObjectVersion.',
  });
}

/** What a function does with the deployment key. */
export type KeyUse = 'decrypt' | 'encrypt-decrypt';

/**
 * Grants use of the one deployment key with exact actions (S3 SSE-KMS and SQS need GenerateDataKey
 * to write and Decrypt to read). Used instead of `key.grantEncryptDecrypt()`, which adds the
 * `kms:ReEncrypt*` and `kms:GenerateDataKey*` globs.
 */
export function grantKey(role: iam.IRole, key: kms.IKey, use: KeyUse): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: use === 'decrypt' ? ['kms:Decrypt'] : ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
      resources: [key.keyArn],
    }),
  );
}

/**
 * CDK's DynamoDB and SQS grants on a customer-managed key add `kms:ReEncrypt*` and
 * `kms:GenerateDataKey*`. Both globs expand to a handful of fixed actions, and the statement is
 * scoped to the single deployment key; acknowledged with that evidence.
 */
export function acknowledgeKeyGlobs(role: iam.IRole): void {
  for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason:
        `${action} is added by CDK's table/queue grants for a customer-managed key; the glob expands to a ` +
        'fixed set of key operations (ReEncryptFrom/To, GenerateDataKey variants) and the resource is the ' +
        'one deployment key, never "*".',
    });
  }
}

const BEDROCK_ARN =
  /^arn:(aws[a-z-]*):bedrock:([a-z0-9-]+):(\d*):(foundation-model|inference-profile|application-inference-profile|provisioned-model|custom-model-deployment)\/(\S+)$/;

/**
 * Lets a role call Converse (IAM action bedrock:InvokeModel) on one model. A system-defined
 * inference profile (`…:inference-profile/us.anthropic.claude-…`) routes each request to its
 * foundation model in any of its regions, and Bedrock checks the role against that model too; the
 * second statement allows it in every region, but only through this profile
 * (bedrock:InferenceProfileArn), so the bare model cannot be called directly. Other ARNs are
 * granted alone (an application inference profile does not name its model: grant that yourself).
 */
export function grantBedrockInvoke(role: iam.IRole, arn: string): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: [arn] }));
  if (Token.isUnresolved(arn)) return;
  const m = BEDROCK_ARN.exec(arn);
  if (!m)
    throw new Error(
      `bedrockModelArn ${JSON.stringify(arn)} is not a Bedrock model or inference profile ARN ` +
        '(arn:aws:bedrock:REGION:ACCOUNT:inference-profile/ID or arn:aws:bedrock:REGION::foundation-model/ID)',
    );
  const [, partition, , , kind, id] = m;
  if (kind !== 'inference-profile') return;
  // A system profile's id is its geography (us., eu., apac., global., …) before the model id.
  const model = `arn:${partition}:bedrock:*::foundation-model/${String(id).replace(/^[a-z-]+\./, '')}`;
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['bedrock:InvokeModel'],
      resources: [model],
      conditions: { StringEquals: { 'bedrock:InferenceProfileArn': arn } },
    }),
  );
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${model}]`,
    reason:
      'A cross-region inference profile sends each request to its model in one of several regions, chosen per ' +
      'request; the statement names that one model and allows it only through this profile (bedrock:InferenceProfileArn).',
  });
}
