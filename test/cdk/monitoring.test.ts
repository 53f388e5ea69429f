import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, test } from 'vitest';
import { Monitoring } from '../../lib/monitoring.js';
import { type CfnResourceJson, resourcesOf, synthesise } from './synth.js';

let template: Template;
let topicId: string;
let alarms: Record<string, Record<string, unknown>>;

beforeAll(() => {
  template = synthesise().template;
  topicId = resourcesOf(template, 'AWS::SNS::Topic')[0]?.[0] ?? '';
  alarms = Object.fromEntries(
    resourcesOf(template, 'AWS::CloudWatch::Alarm').map(([, a]) => [a.Properties.AlarmName, a.Properties]),
  );
});

/** A logical id CDK derived from a construct path: the prefix plus an 8-digit hash. */
const logicalId = (prefix: string) => expect.stringMatching(new RegExp(`^${prefix}[0-9A-F]{8}$`));

/** What every alarm shares: one 5-minute period, `> threshold`, idle is fine, topic on ALARM and OK. */
function alarm(metric: Record<string, unknown>, threshold: number) {
  return {
    AlarmName: expect.any(String),
    AlarmDescription: expect.any(String),
    ...metric,
    Threshold: threshold,
    ComparisonOperator: 'GreaterThanThreshold',
    EvaluationPeriods: 1,
    DatapointsToAlarm: 1,
    TreatMissingData: 'notBreaching',
    AlarmActions: [{ Ref: topicId }],
    OKActions: [{ Ref: topicId }],
  };
}

const queueMetric = (name: string, queue: string) => ({
  Namespace: 'AWS/SQS',
  MetricName: name,
  Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(queue), 'QueueName'] } }],
  Statistic: 'Maximum',
  Period: 300,
});

const functionMetric = (name: 'Errors' | 'Throttles', fn: string) => ({
  Namespace: 'AWS/Lambda',
  MetricName: name,
  Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(fn) } }],
  Statistic: 'Sum',
  Period: 300,
});

const tableMetric = (id: string, name: string) => ({
  Id: id,
  MetricStat: {
    Metric: {
      Namespace: 'AWS/DynamoDB',
      MetricName: name,
      Dimensions: [{ Name: 'TableName', Value: { Ref: logicalId('StateTable') } }],
    },
    Period: 300,
    Stat: 'Sum',
  },
  ReturnData: false,
});

const FUNCTIONS = {
  ingest: 'IngestionIngestFunction',
  detection: 'DetectionDetectFunction',
  router: 'AlertingRouterFunction',
  api: 'ApiHandlerFunction',
};

describe('alarms', () => {
  test('exactly these alarms exist', () => {
    expect(Object.keys(alarms).sort()).toEqual(
      [
        'ingest-dlq-depth',
        'outbox-dlq-depth',
        'detection-dlq-depth',
        'ingest-lag',
        ...Object.keys(FUNCTIONS).flatMap((f) => [`${f}-errors`, `${f}-throttles`]),
        'state-table-throttles',
      ]
        .map((name) => `MantissaLog-${name}`)
        .sort(),
    );
  });

  test.each([
    ['ingest-dlq-depth', 'IngestionQueueDlq'],
    ['outbox-dlq-depth', 'OutboxQueueDlq'],
    ['detection-dlq-depth', 'DetectionInvokeFailures'],
  ])('%s: any visible message in the dead-letter queue', (name, queue) => {
    expect(alarms[`MantissaLog-${name}`]).toEqual(
      alarm(queueMetric('ApproximateNumberOfMessagesVisible', queue), 0),
    );
  });

  test('ingest-lag: the oldest ingest message is over an hour old', () => {
    expect(alarms['MantissaLog-ingest-lag']).toEqual(
      alarm(queueMetric('ApproximateAgeOfOldestMessage', 'IngestionQueue'), 3600),
    );
  });

  test.each(Object.entries(FUNCTIONS))('%s function: any error, any throttle', (name, fn) => {
    expect(alarms[`MantissaLog-${name}-errors`]).toEqual(alarm(functionMetric('Errors', fn), 0));
    expect(alarms[`MantissaLog-${name}-throttles`]).toEqual(alarm(functionMetric('Throttles', fn), 0));
  });

  test('state-table-throttles: any read or write throttle event on the state table', () => {
    expect(alarms['MantissaLog-state-table-throttles']).toEqual(
      alarm(
        {
          Metrics: [
            {
              Id: 'expr_1',
              Expression: 'reads + writes',
              Label: 'State table throttle events',
              ReturnData: true,
            },
            tableMetric('reads', 'ReadThrottleEvents'),
            tableMetric('writes', 'WriteThrottleEvents'),
          ],
        },
        0,
      ),
    );
  });

  test('every alarm tells the reader what it means', () => {
    for (const [name, props] of Object.entries(alarms)) {
      expect(String(props.AlarmDescription).length, name).toBeGreaterThan(30);
    }
  });
});

describe('alarm topic', () => {
  const fromOurAlarms = {
    StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
    ArnLike: {
      'aws:SourceArn': {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':cloudwatch:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':alarm:MantissaLog-*',
          ],
        ],
      },
    },
  };

  test('is encrypted with the deployment key, which lets CloudWatch use it for these alarms only', () => {
    const [[, topic]] = resourcesOf(template, 'AWS::SNS::Topic') as [[string, CfnResourceJson]];
    expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [logicalId('DataLakeKey'), 'Arn'] });
    const [[, key]] = resourcesOf(template, 'AWS::KMS::Key') as [[string, CfnResourceJson]];
    expect(key.Properties.KeyPolicy.Statement).toContainEqual({
      Sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: fromOurAlarms,
    });
  });

  test('refuses publishing without TLS and lets CloudWatch publish for these alarms only', () => {
    const [[, policy]] = resourcesOf(template, 'AWS::SNS::TopicPolicy') as [[string, CfnResourceJson]];
    expect(policy.Properties.Topics).toEqual([{ Ref: topicId }]);
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Sid: 'AllowPublishThroughSSLOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sns:Publish',
        Resource: { Ref: topicId },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'CloudWatchAlarmsPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: topicId },
        Condition: fromOurAlarms,
      },
    ]);
  });

  test('is a stack output; nobody is subscribed unless alarmEmail is given', () => {
    expect(template.toJSON().Outputs.AlarmTopicArn.Value).toEqual({ Ref: topicId });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  test('alarmEmail subscribes that address', () => {
    const withEmail = synthesise({ alarmEmail: 'ops@example.com' }).template;
    const subscriptions = resourcesOf(withEmail, 'AWS::SNS::Subscription');
    expect(subscriptions.map(([, s]) => s.Properties)).toEqual([
      { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: topicId } },
    ]);
  });
});

test('an imported key, whose policy CDK cannot change, is replaced by a dedicated topic key', () => {
  const stack = new Stack(new App(), 'Imported');
  const queue = new sqs.Queue(stack, 'Queue');
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
  });
  const table = new dynamodb.TableV2(stack, 'Table', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
  });
  new Monitoring(stack, 'Monitoring', {
    key: kms.Key.fromKeyArn(
      stack,
      'Key',
      'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    ),
    deadLetterQueues: { dlq: queue },
    functions: { fn },
    ingestQueue: queue,
    stateTable: table,
  });
  const t = Template.fromStack(stack);
  const [[keyId, key]] = resourcesOf(t, 'AWS::KMS::Key') as [[string, CfnResourceJson]];
  expect(key.Properties.EnableKeyRotation).toBe(true);
  expect(key.Properties.KeyPolicy.Statement).toContainEqual(
    expect.objectContaining({ Sid: 'CloudWatchAlarmsPublishToEncryptedTopic' }),
  );
  t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
});
