import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { MantissaFunction } from './functions.js';
import { acknowledgeKeyGlobs, grantBedrockInvoke, grantKey } from './grants.js';
import type { LakeCatalog } from './lake-catalog.js';

export interface ApiProps {
  readonly entry: string;
  readonly userPool: cognito.IUserPool;
  /** The only origin allowed by CORS (the console), e.g. `https://d111.cloudfront.net`. */
  readonly consoleOrigin: string;
  readonly catalog: LakeCatalog;
  readonly lakeBucket: s3.IBucket;
  readonly stateTable: dynamodb.ITable;
  /** The alert outbox: redelivering a dead letter (POST /api/v1/outbox/…/redeliver) sends to it. */
  readonly outboxQueue: sqs.IQueue;
  readonly key: kms.IKey;
  readonly environment: Record<string, string>;
  /** Steady-state requests per second for the whole stage. @default 50 */
  readonly throttlingRateLimit?: number;
  /** @default 100 */
  readonly throttlingBurstLimit?: number;
  /** Attach a regional WAF web ACL (AWS common rules, known bad inputs, per-IP rate limit). @default true */
  readonly waf?: boolean;
  /** Requests per IP per 5 minutes before WAF blocks. @default 1000 */
  readonly wafRateLimit?: number;
  /**
   * Manage the region's API Gateway CloudWatch role (an account-level setting that execution
   * logging needs). Set false if another stack already manages it.
   * @default true
   */
  readonly manageCloudWatchRole?: boolean;
  /** Bedrock model or inference-profile ARN the API may invoke for natural-language questions. @default - none */
  readonly bedrockModelArn?: string;
  readonly logRetention?: logs.RetentionDays;
  /** The deployment's own rules folder (checked at synth), copied beside the function's bundle. */
  readonly customRules?: string;
}

/** The health route: the only one without a Cognito token. */
export const HEALTH_PATH = '/api/v1/health';

/**
 * The HTTP API: a REST API whose every method under `/api/{proxy+}` requires a Cognito user-pool
 * token, plus `GET /api/v1/health` open for probes; all routes proxy to one API function. Throttled,
 * access-logged (JSON) and traced; CORS allows the console origin only.
 */
export class Api extends Construct {
  readonly restApi: apigw.RestApi;
  readonly function: MantissaFunction;
  /** Invoke URL of the stage, ending in `/`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    this.function = new MantissaFunction(this, 'Handler', {
      entry: props.entry,
      description: 'Mantissa Log HTTP API',
      // API Gateway gives up after 29 s; the function should not outlive its caller.
      timeout: Duration.seconds(29),
      memorySize: 1024,
      // No DuckDB: queries run on Athena and estimates read Parquet footers from S3 (hyparquet).
      logRetention: props.logRetention,
      ...(props.customRules ? { customRules: props.customRules } : {}),
      environment: { ...props.environment, CORS_ALLOWED_ORIGIN: props.consoleOrigin },
    });
    const fn = this.function.fn;
    props.catalog.grantQuery(this.function.role);
    props.stateTable.grantReadWriteData(fn);
    grantKey(this.function.role, props.key, 'encrypt-decrypt');
    acknowledgeKeyGlobs(this.function.role);
    // Dead letters are records in the state table; sending one again is one SendMessage to the
    // outbox (encrypted with the key granted above). Not grantSendMessages: the API never needs the
    // queue's attributes or URL lookup, and never receives or deletes.
    this.function.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.outboxQueue.queueArn] }),
    );
    // Questions call Converse on the model (and, through an inference profile, on its model).
    if (props.bedrockModelArn) grantBedrockInvoke(this.function.role, props.bedrockModelArn);

    if (props.manageCloudWatchRole ?? true) this.accountLoggingRole();

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.restApi = new apigw.RestApi(this, 'RestApi', {
      description: 'Mantissa Log HTTP API',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // The account-level role is managed explicitly above, with a narrower policy than the default.
      cloudWatchRole: false,
      deployOptions: {
        stageName: 'prod',
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        // Request and response bodies carry log data and tokens: never into execution logs.
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        throttlingRateLimit: props.throttlingRateLimit ?? 50,
        throttlingBurstLimit: props.throttlingBurstLimit ?? 100,
      },
      defaultCorsPreflightOptions: {
        allowOrigins: [props.consoleOrigin],
        allowMethods: ['GET', 'POST', 'PATCH', 'OPTIONS'],
        allowHeaders: ['Authorization', 'Content-Type'],
        maxAge: Duration.hours(1),
      },
      disableExecuteApiEndpoint: false,
    });

    const integration = new apigw.LambdaIntegration(fn, { proxy: true });
    const validator = this.restApi.addRequestValidator('Validator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const authorizer = new apigw.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [props.userPool],
      // The console and CLI send the Cognito ID token (it carries cognito:groups).
      identitySource: apigw.IdentitySource.header('Authorization'),
      resultsCacheTtl: Duration.minutes(5),
    });

    const apiRoot = this.restApi.root.addResource('api');
    apiRoot.addProxy({ anyMethod: false }).addMethod('ANY', integration, {
      authorizer,
      authorizationType: apigw.AuthorizationType.COGNITO,
      requestValidator: validator,
    });
    const health = apiRoot.addResource('v1').addResource('health');
    const healthGet = health.addMethod('GET', integration, {
      authorizationType: apigw.AuthorizationType.NONE,
      requestValidator: validator,
    });
    for (const rule of ['AwsSolutions-APIG4', 'AwsSolutions-COG4']) {
      Validations.of(healthGet).acknowledge({
        id: rule,
        reason:
          'GET /api/v1/health is the one deliberately unauthenticated route (load balancer and uptime probes); ' +
          'it returns liveness only, no data. Every other method requires the Cognito authorizer.',
      });
    }

    // Errors produced by API Gateway itself (401 from the authorizer, 429 throttling) must carry the
    // CORS header too, or the browser reports a CORS failure instead of the status.
    for (const type of [apigw.ResponseType.DEFAULT_4XX, apigw.ResponseType.DEFAULT_5XX]) {
      this.restApi.addGatewayResponse(`Cors${type.responseType}`, {
        type,
        responseHeaders: { 'Access-Control-Allow-Origin': `'${props.consoleOrigin}'` },
      });
    }

    if (props.waf ?? true) this.webAcl(props.wafRateLimit ?? 1000);
    this.url = this.restApi.url;
  }

  /**
   * The region-wide role API Gateway uses to write execution logs. Replaces CDK's default (the
   * AWS-managed AmazonAPIGatewayPushToCloudWatchLogs policy) with one scoped to API Gateway's
   * execution-log groups.
   */
  private accountLoggingRole(): void {
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'CloudWatchRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: 'API Gateway execution logging (account setting for this region)',
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:DescribeLogGroups',
          'logs:DescribeLogStreams',
          'logs:PutLogEvents',
          'logs:GetLogEvents',
          'logs:FilterLogEvents',
        ],
        resources: [
          stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: 'API-Gateway-Execution-Logs_*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:API-Gateway-Execution-Logs_*]',
      reason:
        'API Gateway names execution-log groups API-Gateway-Execution-Logs_<api id>/<stage> and this role is ' +
        "the region's single account setting for every REST API, so it is scoped to that name prefix.",
    });
    const account = new apigw.CfnAccount(this, 'Account', { cloudWatchRoleArn: role.roleArn });
    account.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }

  private webAcl(rateLimit: number): void {
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const managed = (name: string, priority: number) => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: visibility(name),
    });
    const acl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('MantissaLogApi'),
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: rateLimit, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        managed('AWSManagedRulesCommonRuleSet', 1),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 2),
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.restApi.deploymentStage.stageArn,
      webAclArn: acl.attrArn,
    });
  }
}
