import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, Context, ScheduledEvent, SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * Lambda event payloads as AWS delivers them (shapes from the AWS documentation: "Using Lambda with
 * Amazon SQS", "EventBridge event message structure" for S3, "Input format of a Lambda function
 * for proxy integration" for REST APIs, and EventBridge scheduled events).
 */
const ACCOUNT = '111122223333';
const REGION = 'us-east-1';

/** The EventBridge event S3 emits for a new object; EventBridge does not URL-encode the key. */
export function s3ObjectCreated(
  bucket: string,
  key: string,
  size: number,
  versionId?: string,
): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: ACCOUNT,
    time: '2026-11-21T12:00:00Z',
    region: REGION,
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: '0',
      bucket: { name: bucket },
      object: {
        key,
        size,
        etag: 'b1946ac92492d2347c6235b4d2611184',
        ...(versionId ? { 'version-id': versionId } : {}),
        sequencer: '00617F08299329D189',
      },
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: ACCOUNT,
      'source-ip-address': '198.51.100.4',
      reason: 'PutObject',
    },
  };
}

/** An SQS message as the event source mapping hands it to Lambda. */
export function sqsRecord(body: string, queue = 'mantissa-ingest'): SQSRecord {
  return {
    messageId: randomUUID(),
    receiptHandle: `AQEB${randomUUID().replaceAll('-', '')}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1763726400000',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1763726400100',
    },
    messageAttributes: {},
    md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:${queue}`,
    awsRegion: REGION,
  };
}

export function sqsEvent(records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

export function scheduledEvent(time: Date): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT,
    time: time.toISOString().replace(/\.\d+Z$/, 'Z'),
    region: REGION,
    resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/MantissaLog-DetectionSchedule`],
    detail: {},
  };
}

/** A REST API proxy event (payload 1.0) for a route under /api/{proxy+}, stage prod. */
export function restApiEvent(opts: {
  method: string;
  path: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  body?: string;
  claims?: Record<string, string>;
}): APIGatewayProxyEvent {
  const headers = {
    Accept: 'application/json',
    Host: 'abc123defg.execute-api.us-east-1.amazonaws.com',
    'User-Agent': 'curl/8.5.0',
    'X-Forwarded-For': '198.51.100.7',
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
    ...opts.headers,
  };
  const query = opts.query ?? null;
  const health = opts.path === '/api/v1/health';
  return {
    resource: health ? '/api/v1/health' : '/api/{proxy+}',
    path: opts.path,
    httpMethod: opts.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: query,
    multiValueQueryStringParameters:
      query && Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])),
    pathParameters: health ? null : { proxy: opts.path.replace(/^\/api\//, '') },
    stageVariables: null,
    requestContext: {
      accountId: ACCOUNT,
      apiId: 'abc123defg',
      authorizer: opts.claims ? { claims: opts.claims } : null,
      domainName: 'abc123defg.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123defg',
      extendedRequestId: 'Xy9ZcE1ToAMF3Lw=',
      httpMethod: opts.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '198.51.100.7',
        user: null,
        userAgent: 'curl/8.5.0',
        userArn: null,
      },
      path: `/prod${opts.path}`,
      protocol: 'HTTP/1.1',
      requestId: randomUUID(),
      requestTime: '21/Nov/2026:12:00:00 +0000',
      requestTimeEpoch: 1763726400000,
      resourceId: 'a1b2c3',
      resourcePath: health ? '/api/v1/health' : '/api/{proxy+}',
      stage: 'prod',
    },
    body: opts.body ?? null,
    isBase64Encoded: false,
  };
}

export function lambdaContext(name: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: '2026/11/21/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => 29_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
