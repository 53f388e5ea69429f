import { join } from 'node:path';
import type { Mailer } from '../../core/alerts/destinations/mailer.js';
import { EnrichmentStore, enrichAlert } from '../../core/alerts/enrichment/enrich.js';
import type { GeoIp } from '../../core/alerts/enrichment/geo.js';
import { threatIntelProviders } from '../../core/alerts/enrichment/threat-intel.js';
import type { Alert } from '../../core/alerts/model.js';
import { type DrainReport, drainOutbox } from '../../core/alerts/outbox/deliver.js';
import {
  type RoutingReport,
  routeAlerts,
  routeResolutions,
  unroutedAlerts,
} from '../../core/alerts/routing/route.js';
import type { AlertStore } from '../../core/alerts/store.js';
import type { MantissaConfig } from '../../core/config/config.js';
import type { LlmClient } from '../../core/llm/types.js';
import type { Clock } from '../../core/ports/clock.js';
import { fetchHttpClient, type HttpClient } from '../../core/ports/http.js';
import type { QueryEngine } from '../../core/ports/query-engine.js';
import type { Secrets } from '../../core/ports/secrets.js';
import type { StateStore } from '../../core/ports/state-store.js';
import { loadConfigFile } from './config-file.js';
import { offlineGeoIp } from './geo.js';
import { SqliteOutbox } from './outbox-sqlite.js';
import { LocalSecrets } from './secrets.js';
import { smtpMailer } from './smtp-mailer.js';

/** What delivery needs of the local runtime (LocalRuntime has all of it). */
export interface DeliveryHost {
  home: string;
  state: StateStore;
  alerts: AlertStore;
  clock: Clock;
  tables: readonly string[];
  query(): Promise<QueryEngine>;
}

export interface LocalDeliveryOptions {
  http?: HttpClient;
  mailer?: Mailer;
  geo?: GeoIp;
  secrets?: Secrets;
  llm?: LlmClient;
  random?: () => number;
  /** Base URLs of the threat-intelligence services (tests point them at local peers). */
  threatIntelUrls?: { abuseipdb?: string; virustotal?: string };
}

export interface TickReport {
  /** `resolutions`: resolve messages queued for alerts closed since the last tick. */
  routing: RoutingReport & { resolutions: number };
  drain: DrainReport;
}

const SWEEP_MS = 86_400_000;

/**
 * Local alert delivery: config.yaml, secrets (environment, secrets.json), the SQLite outbox,
 * enrichment, routing and the drain, over one runtime. The configuration is read on every use,
 * so an edited config.yaml applies from the next cycle without a restart.
 */
export class LocalDelivery {
  readonly outbox: SqliteOutbox;
  readonly secrets: Secrets;
  private readonly enrichments: EnrichmentStore;
  private llm?: Promise<LlmClient | undefined>;

  constructor(
    private readonly host: DeliveryHost,
    private readonly opts: LocalDeliveryOptions = {},
  ) {
    this.outbox = new SqliteOutbox(join(host.home, 'state.db'));
    this.secrets = opts.secrets ?? new LocalSecrets(join(host.home, 'secrets.json'));
    this.enrichments = new EnrichmentStore(host.state);
  }

  config(): Promise<MantissaConfig> {
    return loadConfigFile(join(this.host.home, 'config.yaml'), join(this.host.home, 'config.yaml'));
  }

  private async enrich(alert: Alert, config: MantissaConfig): Promise<void> {
    if (await this.enrichments.get(alert.id)) return;
    const e = config.enrichment;
    const { abuseipdb, virustotal, notes } = await threatIntelProviders(
      e,
      this.secrets,
      this.opts.threatIntelUrls,
    );
    // The LLM configured for questions (MANTISSA_LLM_PROVIDER) also writes summaries; a bad
    // setting there falls back to the template rather than holding up delivery.
    this.llm ??= this.opts.llm
      ? Promise.resolve(this.opts.llm)
      : // Imported on first use: the providers' SDKs are not worth loading for every CLI command.
        import('../llm/config.js')
          .then(({ llmFromEnv }) => llmFromEnv(process.env, this.secrets))
          .catch(() => undefined);
    const llm = e.llm_summary ? await this.llm : undefined;
    const enrichment = await enrichAlert(alert, {
      state: this.host.state,
      alerts: this.host.alerts,
      now: this.host.clock.now(),
      http: this.opts.http ?? fetchHttpClient,
      cacheTtlMs: e.cache_ttl,
      related: e.related,
      tables: this.host.tables,
      ...(e.geo ? { geo: this.opts.geo ?? offlineGeoIp } : {}),
      ...(abuseipdb ? { abuseipdb } : {}),
      ...(virustotal ? { virustotal } : {}),
      ...(e.history ? { query: await this.host.query() } : {}),
      ...(e.llm_summary && llm ? { llm } : {}),
    });
    await this.enrichments.put({ ...enrichment, notes: [...enrichment.notes, ...notes] });
  }

  /** Enriches and enqueues alerts for every destination their routes name. */
  async route(alerts: readonly Alert[]): Promise<RoutingReport> {
    const config = await this.config();
    return routeAlerts(
      {
        config,
        outbox: this.outbox,
        state: this.host.state,
        now: this.host.clock.now(),
        enrich: (alert) => this.enrich(alert, config),
      },
      alerts,
    );
  }

  /** Delivers what is due now. */
  async drain(): Promise<DrainReport> {
    return drainOutbox({
      outbox: this.outbox,
      alerts: this.host.alerts,
      enrichments: this.enrichments,
      config: await this.config(),
      http: this.opts.http ?? fetchHttpClient,
      secrets: this.secrets,
      mailer: this.opts.mailer ?? smtpMailer(),
      clock: this.host.clock,
      ...(this.opts.random ? { random: this.opts.random } : {}),
    });
  }

  /**
   * One scheduler tick: route alerts of the last 24 hours that were never routed (raised by the
   * real-time path, by `mantissa detect` in another terminal, or interrupted), queue resolve
   * messages for alerts closed since, then drain.
   */
  async tick(): Promise<TickReport> {
    const now = this.host.clock.now();
    const since = new Date(now.getTime() - SWEEP_MS);
    const routed = await this.route(await unroutedAlerts(this.host.alerts, this.host.state, since));
    // Alerts closed in the last day whose destinations heard of them get a resolve message.
    const closed = (await this.host.alerts.all()).filter((a) => a.updatedAt >= since.toISOString());
    const resolutions = await routeResolutions(
      { config: await this.config(), outbox: this.outbox, now },
      closed,
    );
    const drain = await this.drain();
    // Delivered items only serve enqueue's idempotence; the port promises to keep them 7 days.
    await this.outbox.prune(new Date(now.getTime() - 7 * SWEEP_MS));
    return { routing: { ...routed, resolutions }, drain };
  }

  async close(): Promise<void> {
    await this.outbox.close();
  }
}

/**
 * The in-process delivery scheduler: a tick every `everyMs`, never two at once (the next is
 * scheduled when the previous ends). `kick` runs a tick soon, as after a detection cycle.
 */
export function startDeliveryLoop(
  delivery: LocalDelivery,
  opts: { everyMs: number; onTick?: (r: TickReport) => void; onError?: (err: Error) => void },
): { kick(): void; stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const run = () => {
    timer = undefined;
    running = (async () => {
      try {
        // Not `onTick?.(await tick())`: optional chaining would skip the tick itself without a listener.
        const report = await delivery.tick();
        opts.onTick?.(report);
      } catch (err) {
        opts.onError?.(err as Error);
      }
    })().finally(() => {
      running = undefined;
      schedule(opts.everyMs);
    });
  };
  const schedule = (ms: number) => {
    if (stopped || opts.everyMs <= 0 || running) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
  schedule(0);
  return {
    kick() {
      if (!stopped && !running) schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
