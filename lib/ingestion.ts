import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MantissaFunction } from './functions.js';
import { acknowledgeKeyGlobs, grantKey, grantObjects } from './grants.js';
import { encryptedQueue } from './queues.js';

export interface IngestionProps {
  readonly entry: string;
  readonly landingBucket: s3.IBucket;
  readonly lakeBucket: s3.IBucket;
  readonly key: kms.IKey;
  /** Environment shared by every function (state table, outbox, ...). */
  readonly environment: Record<string, string>;
  /** Upper bound of concurrent ingest invocations (SQS maxConcurrency, 2-1000). @default 10 */
  readonly maxConcurrency?: number;
  /** @default Duration.minutes(5) */
  readonly timeout?: Duration;
  /** @default 2048 */
  readonly memorySize?: number;
  /** Messages per invocation. @default 10 */
  readonly batchSize?: number;
  /**
   * When set (e.g. `o-a1b2c3d4e5`), create an organisation trail (management events, all regions)
   * delivering into the landing bucket. Deploy in the organisation's management account or a
   * delegated administrator account.
   * @default - no trail
   */
  readonly organizationId?: string;
  readonly logRetention?: logs.RetentionDays;
  /** The deployment's own rules folder (checked at synth), copied beside the function's bundle. */
  readonly customRules?: string;
}

/**
 * Landing bucket -> EventBridge "Object Created" -> SQS (KMS, TLS-only, DLQ after 5 receives)
 * -> ingest function (partial batch failures reported). Optionally the organisation's CloudTrail
 * delivers into the landing bucket so it flows through the same path.
 */
export class Ingestion extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly function: MantissaFunction;
  readonly trail?: cloudtrail.Trail;

  constructor(scope: Construct, id: string, props: IngestionProps) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.minutes(5);

    const { queue, deadLetterQueue } = encryptedQueue(this, 'Queue', {
      key: props.key,
      // AWS guidance: at least six times the function timeout, so a retried batch is not redelivered
      // while a slow invocation still works on it.
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      maxReceiveCount: 5,
    });
    this.queue = queue;
    this.deadLetterQueue = deadLetterQueue;

    // EventBridge instead of a bucket notification: S3 emits natively (see DataLake), no custom
    // resource is needed, and the queue policy can name the rule without a circular dependency.
    new events.Rule(this, 'ObjectCreated', {
      description: 'New objects in the landing bucket, to the ingest queue',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [props.landingBucket.bucketName] } },
      },
      targets: [new targets.SqsQueue(queue, { deadLetterQueue })],
    });

    this.function = new MantissaFunction(this, 'Ingest', {
      entry: props.entry,
      description: 'Mantissa Log ingest: parse landed objects into lake tables',
      timeout,
      memorySize: props.memorySize ?? 2048,
      duckdb: true,
      logRetention: props.logRetention,
      ...(props.customRules ? { customRules: props.customRules } : {}),
      environment: {
        ...props.environment,
        LANDING_BUCKET: props.landingBucket.bucketName,
        INGEST_QUEUE_URL: queue.queueUrl,
      },
    });
    const fn = this.function.fn;
    const role = this.function.role;
    grantObjects(role, props.landingBucket, { read: true });
    // Writes tables/, raw/ and quarantine/; never deletes.
    grantObjects(role, props.lakeBucket, { read: true, write: true });
    grantKey(role, props.key, 'encrypt-decrypt');
    acknowledgeKeyGlobs(role);
    fn.addEventSource(
      new SqsEventSource(queue, {
        batchSize: props.batchSize ?? 10,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency ?? 10,
      }),
    );

    if (props.organizationId) this.trail = this.organizationTrail(props, props.organizationId);
  }

  private organizationTrail(props: IngestionProps, orgId: string): cloudtrail.Trail {
    const stack = Stack.of(this);
    const trailName = `${stack.stackName}-org-trail`;
    const trailArn = stack.formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: trailName });
    // CloudTrail encrypts log files with the deployment key; it may only do so for this trail.
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailEncryptLogs',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceArn': trailArn },
          StringLike: {
            'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${stack.partition}:cloudtrail:*:*:trail/*`,
          },
        },
      }),
    );
    return new cloudtrail.Trail(this, 'OrganizationTrail', {
      trailName,
      bucket: props.landingBucket,
      encryptionKey: props.key,
      isOrganizationTrail: true,
      orgId,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      managementEvents: cloudtrail.ReadWriteType.ALL,
    });
  }
}
