import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MantissaFunction } from './functions.js';
import { acknowledgeKeyGlobs, grantBedrockInvoke, grantKey, grantObjects } from './grants.js';
import type { LakeCatalog } from './lake-catalog.js';
import { deliveryDeadLetterQueue } from './queues.js';

export interface DetectionProps {
  readonly entry: string;
  readonly lakeBucket: s3.IBucket;
  readonly stateTable: dynamodb.ITable;
  readonly outboxQueue: sqs.IQueue;
  readonly catalog: LakeCatalog;
  readonly key: kms.IKey;
  readonly environment: Record<string, string>;
  /** How often a detection cycle runs. @default events.Schedule.rate(Duration.minutes(5)) */
  readonly schedule?: events.Schedule;
  /** @default Duration.minutes(10) */
  readonly timeout?: Duration;
  /** @default 2048 */
  readonly memorySize?: number;
  /**
   * Reserve concurrency so cycles never overlap (1). Off by default because new accounts with a
   * concurrency quota of 10 cannot reserve any; the cycle guards its checkpoint with a conditional write.
   * @default - not reserved
   */
  readonly reservedConcurrency?: number;
  readonly logRetention?: logs.RetentionDays;
  /** The deployment's own rules folder (checked at synth), copied beside the function's bundle. */
  readonly customRules?: string;
  /** Bedrock model or inference-profile ARN that writes alert summaries. @default - the template */
  readonly bedrockModelArn?: string;
}

/**
 * The scheduled detection cycle: an EventBridge rule invokes the detection function, which reads
 * new lake data through Athena, keeps checkpoints and alerts in the state table and queues
 * notifications on the outbox. Failed invocations (after EventBridge's retries) land in a DLQ.
 */
export class Detection extends Construct {
  readonly function: MantissaFunction;
  readonly rule: events.Rule;
  readonly deadLetterQueue: sqs.Queue;
  /** Threat-intelligence API keys for enrichment (JSON keyed by the names config.yaml gives them). */
  readonly enrichmentSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: DetectionProps) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.minutes(10);

    // Enrichment's threat-intelligence keys, filled by the operator after deployment; apart from the
    // destination credentials, so detection never reads a Slack token and the router never an API key.
    this.enrichmentSecret = new secretsmanager.Secret(this, 'EnrichmentCredentials', {
      description:
        'Mantissa Log enrichment credentials (threat-intelligence API keys, JSON keyed by the names config.yaml gives)',
      encryptionKey: props.key,
      secretObjectValue: {},
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.enrichmentSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Holds third-party API keys (AbuseIPDB, VirusTotal) that Secrets Manager cannot rotate itself: ' +
        'they are rotated at the provider and pasted in by the operator.',
    });

    this.function = new MantissaFunction(this, 'Detect', {
      entry: props.entry,
      description: 'Mantissa Log detection cycle: scheduled rules over new lake data',
      timeout,
      memorySize: props.memorySize ?? 2048,
      duckdb: true,
      // Alert enrichment (run here, where alerts are routed) geolocates addresses offline.
      geoip: true,
      reservedConcurrentExecutions: props.reservedConcurrency,
      logRetention: props.logRetention,
      ...(props.customRules ? { customRules: props.customRules } : {}),
      environment: {
        ...props.environment,
        ENRICHMENT_SECRET_ARN: this.enrichmentSecret.secretArn,
        ...(props.bedrockModelArn ? { BEDROCK_MODEL_ARN: props.bedrockModelArn } : {}),
      },
    });
    this.enrichmentSecret.grantRead(this.function.fn);
    // Alert summaries (enrichment.llm_summary) by the model the API answers questions with.
    if (props.bedrockModelArn) grantBedrockInvoke(this.function.role, props.bedrockModelArn);
    const fn = this.function.fn;
    const role = this.function.role;
    props.catalog.grantQuery(role);
    // Alerts are also written as a lake table (tables/alerts/) and manifests are read from the lake.
    grantObjects(role, props.lakeBucket, { read: true, write: true });
    props.stateTable.grantReadWriteData(fn);
    props.outboxQueue.grantSendMessages(fn);
    grantKey(role, props.key, 'encrypt-decrypt');
    acknowledgeKeyGlobs(role);

    // Holds schedule events EventBridge could not deliver; the queue itself has no consumer.
    const deadLetterQueue = deliveryDeadLetterQueue(this, 'InvokeFailures', props.key);
    this.deadLetterQueue = deadLetterQueue;

    this.rule = new events.Rule(this, 'Schedule', {
      description: 'Runs one Mantissa Log detection cycle',
      schedule: props.schedule ?? events.Schedule.rate(Duration.minutes(5)),
      targets: [
        new targets.LambdaFunction(fn, {
          retryAttempts: 2,
          // A cycle older than the schedule period is superseded by the next one.
          maxEventAge: Duration.minutes(5),
          deadLetterQueue,
        }),
      ],
    });
  }
}
