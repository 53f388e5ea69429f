import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface DataLakeProps {
  /** Key for every encrypted store of the deployment. @default - a new key with yearly rotation */
  readonly encryptionKey?: kms.IKey;
  /** Days to keep replayable raw copies under `raw/`. @default 365 */
  readonly rawRetentionDays?: number;
  /** Days to keep table Parquet under `tables/` (match the Glue projection range). @default 1095 */
  readonly tableRetentionDays?: number;
  /** Days to keep rejected records under `quarantine/`. @default 90 */
  readonly quarantineRetentionDays?: number;
  /** Days to keep objects delivered to the landing bucket (they are copied to `raw/`). @default 90 */
  readonly landingRetentionDays?: number;
  /** Days to keep Athena query results. @default 30 */
  readonly resultsRetentionDays?: number;
  /** Days to keep S3 and CloudFront access logs. @default 365 */
  readonly accessLogRetentionDays?: number;
  /** Days to keep overwritten or deleted object versions in versioned buckets. @default 30 */
  readonly noncurrentVersionRetentionDays?: number;
  /**
   * What happens to buckets and the key when the stack is deleted. Data is evidence, so it stays.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The stateful storage of the lake: the customer-managed key and the four buckets. Kept apart from
 * everything that can be replaced (catalog, functions, API) so that no update ever recreates data.
 *
 * Layout of the lake bucket: `tables/<table>/dt=/hour=/` (Parquet), `raw/<source>/` (replayable
 * copies), `quarantine/<source>/` (rejects with reasons).
 */
export class DataLake extends Construct {
  readonly key: kms.IKey;
  readonly lakeBucket: s3.Bucket;
  readonly landingBucket: s3.Bucket;
  readonly resultsBucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: DataLakeProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const noncurrent = Duration.days(props.noncurrentVersionRetentionDays ?? 30);

    this.key =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: 'Mantissa Log: lake, queues, state table and secrets',
        enableKeyRotation: true,
        removalPolicy,
      });

    // Server access logging cannot deliver to a KMS-encrypted bucket, hence SSE-S3 here.
    // BUCKET_OWNER_PREFERRED lets CloudFront's standard logging write with an ACL.
    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(props.accessLogRetentionDays ?? 365) }],
      removalPolicy,
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access-log destination of every other bucket; logging it into itself would log its own ' +
        'log deliveries in a loop.',
    });

    const common = {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      // One data key per bucket instead of a KMS call per object: far fewer KMS requests.
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      removalPolicy,
    } satisfies s3.BucketProps;

    this.lakeBucket = new s3.Bucket(this, 'Lake', {
      ...common,
      versioned: true,
      serverAccessLogsPrefix: 's3/lake/',
      lifecycleRules: [
        { id: 'raw', prefix: 'raw/', expiration: Duration.days(props.rawRetentionDays ?? 365) },
        { id: 'tables', prefix: 'tables/', expiration: Duration.days(props.tableRetentionDays ?? 1095) },
        {
          id: 'quarantine',
          prefix: 'quarantine/',
          expiration: Duration.days(props.quarantineRetentionDays ?? 90),
        },
        {
          id: 'noncurrent',
          noncurrentVersionExpiration: noncurrent,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
          expiredObjectDeleteMarker: true,
        },
      ],
    });

    this.landingBucket = new s3.Bucket(this, 'Landing', {
      ...common,
      versioned: true,
      serverAccessLogsPrefix: 's3/landing/',
      lifecycleRules: [
        {
          id: 'landing',
          expiration: Duration.days(props.landingRetentionDays ?? 90),
          noncurrentVersionExpiration: noncurrent,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    // Object-created events go to EventBridge natively (no notification custom resource, no
    // circular bucket <-> queue-policy dependency); see Ingestion.
    (this.landingBucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };

    this.resultsBucket = new s3.Bucket(this, 'AthenaResults', {
      ...common,
      serverAccessLogsPrefix: 's3/athena-results/',
      lifecycleRules: [
        {
          id: 'results',
          expiration: Duration.days(props.resultsRetentionDays ?? 30),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
  }
}
