import { Aws, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { AlertOutbox, AlertRouting } from './alerting.js';
import { Api } from './api.js';
import { Auth } from './auth.js';
import { Console } from './console.js';
import { CustomRulesError, checkRulesDir, type DeployedRulesDir, RULES_DIR_CONTEXT } from './custom-rules.js';
import { DataLake, type DataLakeProps } from './data-lake.js';
import { Detection } from './detection.js';
import { Ingestion } from './ingestion.js';
import { LakeCatalog } from './lake-catalog.js';
import { Monitoring } from './monitoring.js';
import { StateStore } from './state.js';

/** Entry files of the four Lambda handlers; each exports `handler`. */
export interface HandlerEntries {
  readonly ingest: string;
  readonly detection: string;
  readonly alertRouter: string;
  readonly api: string;
}

export const DEFAULT_HANDLERS: HandlerEntries = {
  ingest: 'lambdas/handlers/ingest.ts',
  detection: 'lambdas/handlers/detection.ts',
  alertRouter: 'lambdas/handlers/alert-router.ts',
  api: 'lambdas/handlers/api.ts',
};

/**
 * Optional modules. The SIEM core (lake, ingestion, detection, alerting, API, console) is always on.
 * These flags are read from context (`-c apm=true`) and carried here so modules can hang off them,
 * but no APM, SOAR or identity (ITDR) module exists in the stack yet: today they gate nothing.
 */
export interface FeatureFlags {
  /** @default false */
  readonly apm?: boolean;
  /** @default false */
  readonly soar?: boolean;
  /** @default false */
  readonly identity?: boolean;
}

export interface MantissaStackProps extends StackProps {
  /** @default DEFAULT_HANDLERS (paths relative to the repository root) */
  readonly handlers?: HandlerEntries;
  /** @default {} (all off) */
  readonly features?: FeatureFlags;
  /** Retention of buckets' prefixes and key/bucket removal policy. @default DataLake's defaults */
  readonly lake?: DataLakeProps;
  /** Athena per-query scan limit in bytes. @default 10 GiB */
  readonly bytesScannedCutoffPerQuery?: number;
  /** @default 'mantissa_log' */
  readonly databaseName?: string;
  /** @default 'mantissa-log' */
  readonly workgroupName?: string;
  /** @default rate(5 minutes) */
  readonly detectionSchedule?: events.Schedule;
  /** @default 10 */
  readonly ingestMaxConcurrency?: number;
  /** Organisation id for an organisation CloudTrail into the landing bucket. @default - no trail */
  readonly organizationId?: string;
  /** @default cognito.Mfa.REQUIRED */
  readonly mfa?: cognito.Mfa;
  /** @default `mantissa-<account id>` */
  readonly authDomainPrefix?: string;
  /** Log group retention of every function and the API access log. @default ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** Bedrock model / inference-profile ARN for natural-language questions. @default - none */
  readonly bedrockModelArn?: string;
  /** SES identity ARNs alert email may be sent from (context `emailIdentityArns`, comma-separated). @default none */
  readonly emailIdentityArns?: string[];
  /** E-mail address subscribed to the alarm topic (context `alarmEmail`). @default - no subscription */
  readonly alarmEmail?: string;
  /** Manage API Gateway's region-wide CloudWatch role. @default true */
  readonly manageApiGatewayCloudWatchRole?: boolean;
}

/**
 * Mantissa Log on AWS. Stateful constructs (key, buckets, state table, outbox) come first and are
 * referenced by the stateless ones (catalog, functions, API, console), never the other way round.
 */
export class MantissaStack extends Stack {
  readonly features: Required<FeatureFlags>;
  /** The deployment's own rules (`-c rulesDir`), as checked at synth; undefined without the option. */
  readonly customRules?: DeployedRulesDir;

  constructor(scope: Construct, id: string, props: MantissaStackProps = {}) {
    super(scope, id, props);
    const handlers = props.handlers ?? DEFAULT_HANDLERS;
    this.features = {
      apm: props.features?.apm ?? false,
      soar: props.features?.soar ?? false,
      identity: props.features?.identity ?? false,
    };
    const logRetention = props.logRetention;

    // Stateful.
    const lake = new DataLake(this, 'DataLake', props.lake);
    const state = new StateStore(this, 'State', { key: lake.key, removalPolicy: props.lake?.removalPolicy });
    const outbox = new AlertOutbox(this, 'Outbox', { key: lake.key });

    // Stateless.
    const catalog = new LakeCatalog(this, 'Catalog', {
      lakeBucket: lake.lakeBucket,
      resultsBucket: lake.resultsBucket,
      key: lake.key,
      databaseName: props.databaseName,
      workgroupName: props.workgroupName,
      bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
      // Custom JSON sources (`-c sourcesFile=./sources.yaml`): a Glue table each, validated at synth.
      sourcesFile: this.node.tryGetContext('sourcesFile'),
    });

    // The deployment's own rules (`-c rulesDir=./rules`): checked against the deployed tables now,
    // copied beside the functions that run rules (ingest, detection, API) when they are bundled.
    const rulesDir = this.node.tryGetContext(RULES_DIR_CONTEXT);
    if (rulesDir !== undefined && typeof rulesDir !== 'string') {
      throw new CustomRulesError(
        `-c ${RULES_DIR_CONTEXT} must be a folder path, got ${JSON.stringify(rulesDir)}`,
      );
    }
    this.customRules = rulesDir?.trim() ? checkRulesDir(rulesDir.trim(), catalog.tableNames) : undefined;
    const customRules = this.customRules ? { customRules: this.customRules.dir } : {};

    const environment: Record<string, string> = {
      LAKE_BUCKET: lake.lakeBucket.bucketName,
      STATE_TABLE: state.table.tableName,
      OUTBOX_QUEUE_URL: outbox.queue.queueUrl,
      GLUE_DATABASE: catalog.databaseName,
      ATHENA_WORKGROUP: catalog.workgroupName,
      // The custom sources' declarations, the same value their Glue tables were built from.
      ...catalog.environment,
    };

    const ingestion = new Ingestion(this, 'Ingestion', {
      entry: handlers.ingest,
      landingBucket: lake.landingBucket,
      lakeBucket: lake.lakeBucket,
      key: lake.key,
      environment,
      maxConcurrency: props.ingestMaxConcurrency,
      organizationId: props.organizationId,
      logRetention,
      ...customRules,
    });
    // Single-event rules evaluated at ingest raise alerts straight away.
    state.table.grantReadWriteData(ingestion.function.fn);
    outbox.queue.grantSendMessages(ingestion.function.fn);

    const detection = new Detection(this, 'Detection', {
      entry: handlers.detection,
      lakeBucket: lake.lakeBucket,
      stateTable: state.table,
      outboxQueue: outbox.queue,
      catalog,
      key: lake.key,
      environment,
      schedule: props.detectionSchedule,
      logRetention,
      ...customRules,
      ...(props.bedrockModelArn ? { bedrockModelArn: props.bedrockModelArn } : {}),
    });

    const alerting = new AlertRouting(this, 'Alerting', {
      entry: handlers.alertRouter,
      outbox,
      stateTable: state.table,
      lakeBucket: lake.lakeBucket,
      key: lake.key,
      environment,
      logRetention,
      ...(props.emailIdentityArns ? { emailIdentityArns: props.emailIdentityArns } : {}),
    });

    const web = new Console(this, 'Console', { accessLogsBucket: lake.accessLogsBucket });
    const auth = new Auth(this, 'Auth', {
      consoleOrigin: web.origin,
      mfa: props.mfa,
      domainPrefix: props.authDomainPrefix ?? `mantissa-${Aws.ACCOUNT_ID}`,
    });
    const api = new Api(this, 'Api', {
      entry: handlers.api,
      userPool: auth.userPool,
      consoleOrigin: web.origin,
      catalog,
      lakeBucket: lake.lakeBucket,
      stateTable: state.table,
      outboxQueue: outbox.queue,
      key: lake.key,
      environment: {
        ...environment,
        USER_POOL_ID: auth.userPool.userPoolId,
        USER_POOL_CLIENT_ID: auth.client.userPoolClientId,
        ...(props.bedrockModelArn ? { BEDROCK_MODEL_ARN: props.bedrockModelArn } : {}),
      },
      bedrockModelArn: props.bedrockModelArn,
      manageCloudWatchRole: props.manageApiGatewayCloudWatchRole,
      logRetention,
      ...customRules,
    });

    // What the console reads at start (web/console.js) to find the API and sign in through Cognito.
    web.upload({
      config: {
        apiUrl: api.url,
        region: Aws.REGION,
        userPoolId: auth.userPool.userPoolId,
        clientId: auth.client.userPoolClientId,
        authDomain: auth.domain.baseUrl(),
      },
      logRetention,
    });

    const monitoring = new Monitoring(this, 'Monitoring', {
      key: lake.key,
      deadLetterQueues: {
        'ingest-dlq': ingestion.deadLetterQueue,
        'outbox-dlq': outbox.deadLetterQueue,
        'detection-dlq': detection.deadLetterQueue,
      },
      functions: {
        ingest: ingestion.function.fn,
        detection: detection.function.fn,
        router: alerting.function.fn,
        api: api.function.fn,
      },
      ingestQueue: ingestion.queue,
      stateTable: state.table,
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
    });

    const outputs: Record<string, { value: string; description: string }> = {
      LakeBucket: {
        value: lake.lakeBucket.bucketName,
        description: 'Lake bucket (tables/, raw/, quarantine/)',
      },
      LandingBucket: {
        value: lake.landingBucket.bucketName,
        description: 'Drop log objects here to ingest them',
      },
      AthenaResultsBucket: { value: lake.resultsBucket.bucketName, description: 'Athena query results' },
      ApiUrl: { value: api.url, description: 'HTTP API base URL (routes start with api/v1/)' },
      UserPoolId: { value: auth.userPool.userPoolId, description: 'Cognito user pool' },
      UserPoolClientId: {
        value: auth.client.userPoolClientId,
        description: 'Console app client (public, PKCE)',
      },
      AuthDomain: { value: auth.domain.baseUrl(), description: 'Cognito hosted sign-in' },
      ConsoleUrl: { value: web.origin, description: 'Web console' },
      ConsoleBucket: {
        value: web.bucket.bucketName,
        description: 'Console files (web/), uploaded by each deploy',
      },
      AthenaWorkgroup: { value: catalog.workgroupName, description: 'Athena workgroup' },
      GlueDatabase: { value: catalog.databaseName, description: 'Glue database of the lake tables' },
      StateTable: { value: state.table.tableName, description: 'DynamoDB state table' },
      OutboxQueueUrl: { value: outbox.queue.queueUrl, description: 'Alert outbox queue' },
      IngestQueueUrl: { value: ingestion.queue.queueUrl, description: 'Ingest work queue' },
      IngestDeadLetterQueueUrl: { value: ingestion.deadLetterQueue.queueUrl, description: 'Failed ingests' },
      AlarmTopicArn: { value: monitoring.topic.topicArn, description: 'SNS topic the alarms notify' },
      DestinationSecretArn: {
        value: alerting.secret.secretArn,
        description:
          'Alert destination credentials (JSON keyed by the names config.yaml gives); the router reads it',
      },
      EnrichmentSecretArn: {
        value: detection.enrichmentSecret.secretArn,
        description: 'Threat-intelligence API keys (JSON keyed by api_key_secret names); detection reads it',
      },
    };
    for (const [name, output] of Object.entries(outputs)) new CfnOutput(this, name, output);
  }
}
