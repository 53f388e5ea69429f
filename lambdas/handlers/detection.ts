import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { awsEnricher, bundledGeoIp } from '../adapters/aws/alert-enrichment.js';
import { cachedConfig } from '../adapters/aws/config-object.js';
import { lakeTables } from '../adapters/aws/deployed-sources.js';
import { AwsEnvironment, requireEnv } from '../adapters/aws/environment.js';
import { openLambdaEncoder } from '../adapters/aws/lambda-encoder.js';
import { bedrockFromEnv } from '../adapters/aws/natural-language.js';
import { SqsOutbox } from '../adapters/aws/sqs-outbox.js';
import type { LoadedRules } from '../adapters/local/rule-files.js';
import type { GeoIp } from '../core/alerts/enrichment/geo.js';
import {
  type RoutingReport,
  routeAlerts,
  routeResolutions,
  unroutedAlerts,
} from '../core/alerts/routing/route.js';
import { AlertStore } from '../core/alerts/store.js';
import type { MantissaConfig } from '../core/config/config.js';
import { type CycleReport, runDetectionCycle } from '../core/detection/cycle.js';
import type { LlmClient } from '../core/llm/types.js';
import { type Clock, systemClock } from '../core/ports/clock.js';
import type { HttpClient } from '../core/ports/http.js';
import type { ObjectStore } from '../core/ports/object-store.js';
import type { Outbox } from '../core/ports/outbox.js';
import type { ParquetEncoder } from '../core/ports/parquet-encoder.js';
import type { QueryEngine } from '../core/ports/query-engine.js';
import type { Secrets } from '../core/ports/secrets.js';
import type { StateStore } from '../core/ports/state-store.js';
import { RuleOverrides } from '../core/rulepack/index.js';
import { deployedRules } from './rules.js';

export interface DetectionHandlerDeps {
  state: StateStore;
  query: QueryEngine;
  lake: ObjectStore;
  encoder: () => Promise<ParquetEncoder>;
  rules: () => Promise<LoadedRules>;
  clock: Clock;
  /** Where alert notifications go (the SQS outbox on AWS), and the routes that say which. */
  outbox: Outbox;
  config: () => Promise<MantissaConfig>;
  /** The offline country database for enrichment, where the bundle has it (see bundledGeoIp). */
  geo?: GeoIp;
  /** Threat-intelligence API keys for enrichment: the enrichment-credentials secret. */
  enrichmentSecrets?: Secrets;
  /** How enrichment calls threat-intelligence providers, and where (tests). */
  http?: HttpClient;
  threatIntelUrls?: { abuseipdb?: string; virustotal?: string };
  /** The deployed Bedrock model (BEDROCK_MODEL_ARN): alert summaries; the template without one. */
  llm?: LlmClient;
  /** Milliseconds left in this invocation: enrichment's lake queries stop in time (alert-enrichment.ts). */
  remainingMs?: () => number;
}

/** What one invocation reports (and logs): counts and alert ids, never evidence rows. */
export interface DetectionSummary {
  skipped: boolean;
  batches: number;
  rulesRun: number;
  queries: number;
  raised: string[];
  updated: string[];
  errors: CycleReport['errors'];
  /** Alerts routed into the outbox this run (new ones, and any an earlier run failed to route). */
  routing: { alerts: number; enqueued: number; resolutions: number; errors: RoutingReport['errors'] };
}

const DAY_MS = 86_400_000;

/**
 * Routes what the cycle raised into the outbox, the core step the local delivery tick runs: alerts
 * of the last 24 hours never marked routed (so an alert whose routing failed, say on an unreadable
 * configuration, is routed by the next run), then resolve messages for alerts closed since.
 * Enrichment runs here as it does locally, between planning and enqueuing, for alerts some route
 * sends somewhere: stored beside the alert, read by the router at delivery. An enrichment that
 * throws is reported as a routing error and the alert is enqueued without it (routeAlerts).
 */
async function route(deps: DetectionHandlerDeps): Promise<DetectionSummary['routing']> {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - DAY_MS);
  const alerts = new AlertStore(deps.state);
  const enrich = awsEnricher({
    state: deps.state,
    alerts,
    clock: deps.clock,
    query: deps.query,
    tables: lakeTables().map((t) => t.name),
    ...(deps.geo ? { geo: deps.geo } : {}),
    ...(deps.remainingMs ? { remainingMs: deps.remainingMs } : {}),
    ...(deps.enrichmentSecrets ? { secrets: deps.enrichmentSecrets } : {}),
    ...(deps.http ? { http: deps.http } : {}),
    ...(deps.threatIntelUrls ? { threatIntelUrls: deps.threatIntelUrls } : {}),
    ...(deps.llm ? { llm: deps.llm } : {}),
  });
  try {
    const config = await deps.config();
    const routed = await routeAlerts(
      { config, outbox: deps.outbox, state: deps.state, now, enrich: (alert) => enrich(alert, config) },
      await unroutedAlerts(alerts, deps.state, since),
    );
    const closed = (await alerts.all()).filter((a) => a.updatedAt >= since.toISOString());
    const resolutions = await routeResolutions({ config, outbox: deps.outbox, now }, closed);
    return { ...routed, resolutions };
  } catch (err) {
    return {
      alerts: 0,
      enqueued: 0,
      resolutions: 0,
      errors: [{ alertId: '*', error: (err as Error).message }],
    };
  }
}

/**
 * EventBridge schedule -> one detection cycle over Athena, with state and alerts in DynamoDB and
 * the alerts table appended in the lake. A rule that fails is logged as an error and the cycle
 * goes on (it consumes its batches either way, so throwing would only make EventBridge retry a
 * cycle that has nothing left to do); a failure of the cycle itself throws, so the retry and the
 * dead-letter queue of the schedule target see it.
 */
export function createDetectionHandler(deps: DetectionHandlerDeps) {
  return async (_event: ScheduledEvent): Promise<DetectionSummary> => {
    const loaded = await deps.rules();
    // Rules an admin enabled or disabled through the API (PATCH /api/v1/rules/{id}) run as set there.
    const overrides = await new RuleOverrides(deps.state, deps.clock).all();
    const apply = <R extends { id: string; enabled: boolean }>(rule: R): R => ({
      ...rule,
      enabled: RuleOverrides.effective(rule.id, rule.enabled, overrides),
    });
    const report = await runDetectionCycle({
      state: deps.state,
      query: deps.query,
      clock: deps.clock,
      rules: loaded.rules.map(apply),
      sigma: { events: loaded.sigma.events.map(apply), queries: loaded.sigma.queries.map(apply) },
      tables: lakeTables().map((t) => t.name),
      lake: { store: deps.lake, encoder: await deps.encoder() },
    });
    const summary: DetectionSummary = {
      skipped: report.skipped ?? false,
      batches: report.batches,
      rulesRun: report.rulesRun,
      queries: report.queries,
      raised: report.raised.map((a) => a.id),
      updated: report.updated.map((a) => a.id),
      errors: report.errors,
      routing: await route(deps),
    };
    console.log(
      JSON.stringify({
        message: 'detection cycle',
        ...summary,
        errors: summary.errors.length,
        routing: { ...summary.routing, errors: summary.routing.errors.length },
      }),
    );
    for (const error of report.errors) {
      console.error(JSON.stringify({ message: 'rule failed', ruleId: error.ruleId, error: error.error }));
    }
    for (const error of summary.routing.errors) {
      console.error(
        JSON.stringify({ message: 'routing failed', alertId: error.alertId, error: error.error }),
      );
    }
    return summary;
  };
}

let fromEnv: ReturnType<typeof createDetectionHandler> | undefined;
let invocation: Context | undefined;

export const handler = async (event: ScheduledEvent, context?: Context): Promise<DetectionSummary> => {
  invocation = context;
  if (!fromEnv) {
    const aws = new AwsEnvironment();
    const geo = bundledGeoIp();
    const llm = bedrockFromEnv(aws.env);
    let encoder: Promise<ParquetEncoder> | undefined;
    fromEnv = createDetectionHandler({
      state: aws.state(),
      query: aws.query(),
      lake: aws.lake(),
      encoder: () => {
        encoder ??= openLambdaEncoder().catch((err: unknown) => {
          encoder = undefined;
          throw err;
        });
        return encoder;
      },
      rules: () =>
        deployedRules(
          lakeTables().map((t) => t.name),
          'athena',
        ),
      clock: systemClock,
      outbox: new SqsOutbox({
        sqs: new SQSClient({}),
        queueUrl: requireEnv('OUTBOX_QUEUE_URL', aws.env),
        state: aws.state(),
      }),
      config: cachedConfig(
        aws.lake(),
        systemClock,
        60_000,
        `s3://${requireEnv('LAKE_BUCKET', aws.env)}/config/config.yaml`,
      ),
      ...(geo ? { geo } : {}),
      enrichmentSecrets: aws.enrichmentSecrets(),
      ...(llm ? { llm } : {}),
      remainingMs: () => invocation?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY,
    });
  }
  return fromEnv(event);
};
