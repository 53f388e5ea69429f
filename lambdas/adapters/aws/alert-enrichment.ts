import { createRequire } from 'node:module';
import { EnrichmentStore, enrichAlert } from '../../core/alerts/enrichment/enrich.js';
import type { GeoIp } from '../../core/alerts/enrichment/geo.js';
import { threatIntelProviders } from '../../core/alerts/enrichment/threat-intel.js';
import type { Alert } from '../../core/alerts/model.js';
import type { AlertStore } from '../../core/alerts/store.js';
import type { MantissaConfig } from '../../core/config/config.js';
import type { LlmClient } from '../../core/llm/types.js';
import type { Clock } from '../../core/ports/clock.js';
import { fetchHttpClient, type HttpClient } from '../../core/ports/http.js';
import type { QueryEngine, QueryOptions } from '../../core/ports/query-engine.js';
import type { Secrets } from '../../core/ports/secrets.js';
import type { StateStore } from '../../core/ports/state-store.js';
import { offlineGeoIp } from '../local/geo.js';

/**
 * Time an invocation keeps back from enrichment: routing the remaining alerts (enqueue, mark routed)
 * and logging the summary must still fit before Lambda's timeout, or the alerts would stay unrouted
 * until the next run and be enriched (and queried for) all over again.
 */
export const ENRICHMENT_RESERVE_MS = 60_000;

export class EnrichmentBudgetError extends Error {
  override readonly name = 'EnrichmentBudgetError';
}

/**
 * The query engine as enrichment may use it inside one invocation: every query is cut to the time
 * left before the reserve, and refused once none is left. The core already bounds each history
 * query (one row, 30 s, a 90-day partition-pruned scope, five entities per kind); this adds the
 * bound Lambda's timeout imposes, so slow Athena queries cost notes on the enrichment, not alerts.
 */
export function budgetedQueryEngine(
  engine: QueryEngine,
  remainingMs: () => number,
  reserveMs = ENRICHMENT_RESERVE_MS,
): QueryEngine {
  return {
    dialect: engine.dialect,
    async query(sql: string, opts: QueryOptions = {}) {
      const left = remainingMs() - reserveMs;
      if (left < 1_000) {
        throw new EnrichmentBudgetError('skipped: the detection run has no time left for lake queries');
      }
      return engine.query(sql, { ...opts, timeoutMs: Math.min(opts.timeoutMs ?? left, left) });
    },
    // The engine belongs to the handler, which keeps using it.
    close: async () => {},
  };
}

let geoChecked: GeoIp | null | undefined;

/**
 * The offline country database, where the function bundle carries it. geoip-country is CommonJS
 * that reads its data files from its own package folder, so esbuild cannot inline it; a bundle that
 * does not ship `node_modules/geoip-country` beside it has no geo, and says so in the notes. The
 * stack installs it beside the detection function's bundle (`geoip: true` in lib/detection.ts).
 */
export function bundledGeoIp(): GeoIp | undefined {
  if (geoChecked === undefined) {
    try {
      createRequire(import.meta.url).resolve('geoip-country');
      geoChecked = offlineGeoIp;
    } catch {
      geoChecked = null;
    }
  }
  return geoChecked ?? undefined;
}

export interface AwsEnrichmentDeps {
  state: StateStore;
  alerts: AlertStore;
  clock: Clock;
  /** Athena: entity history in the lake. */
  query: QueryEngine;
  tables: readonly string[];
  /** Absent when the bundle has no country database (see bundledGeoIp). */
  geo?: GeoIp;
  /** Milliseconds left in this invocation (the Lambda context's); unbounded when absent. */
  remainingMs?: () => number;
  /**
   * The enrichment-credentials secret (ENRICHMENT_SECRET_ARN): threat-intelligence API keys, by the
   * names `enrichment.abuseipdb.api_key_secret` and `virustotal.api_key_secret` give. Only the
   * detection function may read it; destination credentials stay the router's alone.
   */
  secrets?: Secrets;
  /** How threat-intelligence providers are called. @default fetchHttpClient */
  http?: HttpClient;
  /** Provider base URLs instead of the public APIs (tests). */
  threatIntelUrls?: { abuseipdb?: string; virustotal?: string };
  /**
   * The model the stack was deployed with (-c bedrockModelArn), writing summaries when
   * `enrichment.llm_summary` is on, as the configured LLM does locally; the template without one.
   */
  llm?: LlmClient;
}

/**
 * Enrichment as the local runtime does it when routing (lambdas/adapters/local/outbox-delivery.ts):
 * once per alert, stored beside it in the state table, where the router reads it at delivery.
 * Threat intelligence uses the keys in the enrichment-credentials secret; summaries the deployed
 * Bedrock model (the template without one, as locally without an LLM). Geo where the bundle lacks
 * the database is named in the notes rather than left out silently.
 */
export function awsEnricher(
  deps: AwsEnrichmentDeps,
): (alert: Alert, config: MantissaConfig) => Promise<void> {
  const store = new EnrichmentStore(deps.state);
  return async (alert, config) => {
    if (await store.get(alert.id)) return;
    const e = config.enrichment;
    const notes: string[] = [];
    let intel: Awaited<ReturnType<typeof threatIntelProviders>> = { notes: [] };
    if (e.abuseipdb || e.virustotal) {
      if (deps.secrets) intel = await threatIntelProviders(e, deps.secrets, deps.threatIntelUrls);
      else
        notes.push(
          'threat intelligence: no enrichment-credentials secret (ENRICHMENT_SECRET_ARN) to read keys from',
        );
    }
    if (e.geo && !deps.geo) notes.push('geo: the country database is not in this function bundle');
    const query = deps.remainingMs ? budgetedQueryEngine(deps.query, deps.remainingMs) : deps.query;
    const enrichment = await enrichAlert(alert, {
      state: deps.state,
      alerts: deps.alerts,
      now: deps.clock.now(),
      http: deps.http ?? fetchHttpClient,
      cacheTtlMs: e.cache_ttl,
      related: e.related,
      tables: deps.tables,
      ...(e.geo && deps.geo ? { geo: deps.geo } : {}),
      ...(intel.abuseipdb ? { abuseipdb: intel.abuseipdb } : {}),
      ...(intel.virustotal ? { virustotal: intel.virustotal } : {}),
      ...(e.history ? { query } : {}),
      ...(e.llm_summary && deps.llm ? { llm: deps.llm } : {}),
    });
    await store.put({ ...enrichment, notes: [...enrichment.notes, ...intel.notes, ...notes] });
  };
}
