import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MantissaFunction } from './functions.js';
import { acknowledgeKeyGlobs, grantKey } from './grants.js';
import { encryptedQueue } from './queues.js';

/**
 * Receives of an outbox message before SQS moves it to the DLQ. The router is told the same number
 * (`OUTBOX_MAX_RECEIVES`) so it dead-letters a failing delivery in the state table on the last
 * receive, before SQS takes it away.
 */
export const OUTBOX_MAX_RECEIVES = 5;

export interface AlertOutboxProps {
  readonly key: kms.IKey;
  /** @default Duration.minutes(1) (the router's timeout is derived from it) */
  readonly routerTimeout?: Duration;
}

/**
 * The outbox: alerts waiting to be delivered to destinations. Stateful (messages in flight), so it
 * is created before anything that sends to it.
 */
export class AlertOutbox extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly routerTimeout: Duration;

  constructor(scope: Construct, id: string, props: AlertOutboxProps) {
    super(scope, id);
    this.routerTimeout = props.routerTimeout ?? Duration.minutes(1);
    const { queue, deadLetterQueue } = encryptedQueue(this, 'Queue', {
      key: props.key,
      visibilityTimeout: Duration.seconds(this.routerTimeout.toSeconds() * 6),
      maxReceiveCount: OUTBOX_MAX_RECEIVES,
    });
    this.queue = queue;
    this.deadLetterQueue = deadLetterQueue;
  }
}

export interface AlertRoutingProps {
  readonly entry: string;
  readonly outbox: AlertOutbox;
  readonly stateTable: dynamodb.ITable;
  /** The lake bucket: the router reads the configuration document `config/config.yaml` from it. */
  readonly lakeBucket: s3.IBucket;
  readonly key: kms.IKey;
  readonly environment: Record<string, string>;
  /** Upper bound of concurrent deliveries (keeps destinations' rate limits). @default 5 */
  readonly maxConcurrency?: number;
  readonly logRetention?: logs.RetentionDays;
  /**
   * SES identities (verified domain or address ARNs) the router may send alert email from. Email
   * destinations dead-letter with SES's AccessDenied until one is given.
   * @default none
   */
  readonly emailIdentityArns?: string[];
}

/**
 * Delivers alerts: the router consumes the outbox (partial batch failures reported, DLQ after
 * OUTBOX_MAX_RECEIVES receives) and reads destination credentials from one secret that only it may read.
 */
export class AlertRouting extends Construct {
  readonly function: MantissaFunction;
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: AlertRoutingProps) {
    super(scope, id);

    // JSON object keyed by destination name (e.g. {"slack": {"webhookUrl": "..."}}), filled by the
    // operator after deployment; the stack never holds the values.
    this.secret = new secretsmanager.Secret(this, 'DestinationCredentials', {
      description: 'Mantissa Log alert destination credentials (JSON keyed by destination name)',
      encryptionKey: props.key,
      secretObjectValue: {},
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Holds third-party credentials (Slack/PagerDuty/Jira tokens, webhook URLs) that Secrets Manager ' +
        'cannot rotate itself: they are rotated at the provider and pasted in by the operator.',
    });

    this.function = new MantissaFunction(this, 'Router', {
      entry: props.entry,
      description: 'Mantissa Log alert router: outbox to destinations',
      timeout: props.outbox.routerTimeout,
      memorySize: 512,
      logRetention: props.logRetention,
      environment: {
        ...props.environment,
        SECRET_ARN: this.secret.secretArn,
        OUTBOX_MAX_RECEIVES: String(OUTBOX_MAX_RECEIVES),
      },
    });
    const fn = this.function.fn;
    this.secret.grantRead(fn);
    props.stateTable.grantReadWriteData(fn);
    // The configuration document and nothing else of the lake. ListBucket makes a missing document
    // read as absent (404) rather than AccessDenied; the object is encrypted with the deployment key.
    this.function.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.lakeBucket.bucketArn] }),
    );
    this.function.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [props.lakeBucket.arnForObjects('config/config.yaml')],
      }),
    );
    if (props.emailIdentityArns?.length) {
      // Exactly the identities the operator named: the router cannot send as anyone else.
      this.function.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['ses:SendEmail'], resources: props.emailIdentityArns }),
      );
    }
    grantKey(this.function.role, props.key, 'decrypt');
    acknowledgeKeyGlobs(this.function.role);
    fn.addEventSource(
      new SqsEventSource(props.outbox.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency ?? 5,
      }),
    );
  }
}
