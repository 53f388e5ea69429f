import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Every alarm is evaluated over one period of this length. */
export const ALARM_PERIOD = Duration.minutes(5);

export interface MonitoringProps {
  /**
   * Key the alarm topic is encrypted with (the deployment key). CloudWatch is allowed to use it for
   * this stack's alarms only; an imported key, whose policy CDK cannot change, is replaced by a
   * dedicated key for the topic.
   */
  readonly key: kms.IKey;
  /** Dead-letter queues by short name (`ingest-dlq`, ...): any message in one is a failure. */
  readonly deadLetterQueues: Record<string, sqs.IQueue>;
  /** Functions by short name (`ingest`, ...): one Errors and one Throttles alarm each. */
  readonly functions: Record<string, lambda.IFunction>;
  /** The ingest work queue, watched for age of its oldest message. */
  readonly ingestQueue: sqs.IQueue;
  /**
   * Age of the oldest ingest message that raises the lag alarm. Above one visibility timeout of the
   * ingest queue (30 min), so one retried object does not page; a poison object reaches the DLQ
   * (and its alarm) after five receives.
   * @default Duration.hours(1)
   */
  readonly ingestMaxAge?: Duration;
  readonly stateTable: dynamodb.ITable;
  /** Address subscribed to the topic (confirmation e-mail first). @default - no subscription */
  readonly alarmEmail?: string;
}

/**
 * Alarms that say the pipeline is losing or delaying data, and the SNS topic they notify
 * (KMS-encrypted, TLS-only). Standard resolution, one five-minute period, missing data is not a
 * breach (idle queues and functions publish nothing). Alarm names start with the stack name.
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly prefix: string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.prefix = stack.stackName;
    // Confused-deputy guard: CloudWatch may publish and use the key only for this stack's alarms.
    const fromOurAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: `${this.prefix}-*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };

    // CloudWatch cannot publish to a CMK-encrypted topic unless the key policy lets it.
    const keyStatement = new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: fromOurAlarms,
    });
    let key = props.key;
    if (!key.addToResourcePolicy(keyStatement).statementAdded) {
      key = new kms.Key(this, 'TopicKey', {
        description: 'Mantissa Log: alarm notifications',
        enableKeyRotation: true,
      });
      key.addToResourcePolicy(keyStatement);
    }

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Mantissa Log alarms',
      masterKey: key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromOurAlarms,
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    const max = { statistic: cloudwatch.Stats.MAXIMUM, period: ALARM_PERIOD };
    const sum = { statistic: cloudwatch.Stats.SUM, period: ALARM_PERIOD };

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.alarm(`${name}-depth`, queue.metricApproximateNumberOfMessagesVisible(max), 0, {
        description: `Messages in the ${name} dead-letter queue: work that failed for good. See "Monitoring" in docs/deploy.md.`,
      });
    }

    const maxAge = props.ingestMaxAge ?? Duration.hours(1);
    this.alarm('ingest-lag', props.ingestQueue.metricApproximateAgeOfOldestMessage(max), maxAge.toSeconds(), {
      description: `An object has waited over ${maxAge.toHumanString()} to be ingested: ingest is behind or failing.`,
    });

    for (const [name, fn] of Object.entries(props.functions)) {
      this.alarm(`${name}-errors`, fn.metricErrors(sum), 0, {
        description: `The ${name} function failed (threw or timed out). Read its log group.`,
      });
      this.alarm(`${name}-throttles`, fn.metricThrottles(sum), 0, {
        description: `Lambda refused to run the ${name} function: the account's concurrency is used up.`,
      });
    }

    // One alarm on both metrics (two alarm metrics, $0.20 a month) rather than ThrottledRequests,
    // which is published per operation and would need one metric per API call the code makes.
    const throttles = new cloudwatch.MathExpression({
      expression: 'reads + writes',
      label: 'State table throttle events',
      period: ALARM_PERIOD,
      usingMetrics: {
        reads: props.stateTable.metric('ReadThrottleEvents', sum),
        writes: props.stateTable.metric('WriteThrottleEvents', sum),
      },
    });
    this.alarm('state-table-throttles', throttles, 0, {
      description:
        'DynamoDB throttled requests to the state table; callers retry, persistent throttling delays ingest and detection.',
    });
  }

  private alarm(name: string, metric: cloudwatch.IMetric, threshold: number, opts: { description: string }) {
    const alarm = new cloudwatch.Alarm(this, name, {
      alarmName: `${this.prefix}-${name}`,
      alarmDescription: opts.description,
      metric,
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // OK too, so whoever was paged learns that the condition cleared.
    const action = new actions.SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    return alarm;
  }
}
