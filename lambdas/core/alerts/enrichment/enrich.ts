import type { LlmClient } from '../../llm/types.js';
import type { HttpClient } from '../../ports/http.js';
import type { QueryEngine } from '../../ports/query-engine.js';
import type { StateStore } from '../../ports/state-store.js';
import { type Alert, ENTITY_KINDS } from '../model.js';
import type { AlertStore } from '../store.js';
import { type GeoIp, geolocate } from './geo.js';
import { entityHistory } from './history.js';
import { isPublicIp } from './ip.js';
import { relatedAlerts } from './related.js';
import { summarise } from './summary.js';
import { lookupThreatIntel, type ProviderSettings } from './threat-intel.js';
import type { Enrichment, Entity } from './types.js';

export interface EnrichmentDeps {
  state: StateStore;
  alerts: AlertStore;
  now: Date;
  /** Each part runs only when its dependency is given (and the configuration enables it). */
  geo?: GeoIp;
  http?: HttpClient;
  abuseipdb?: ProviderSettings & { baseUrl?: string };
  virustotal?: ProviderSettings & { baseUrl?: string };
  cacheTtlMs?: number;
  query?: QueryEngine;
  tables?: readonly string[];
  related?: boolean;
  llm?: LlmClient;
}

/** Lookups per alert are bounded, so one alert with hundreds of addresses cannot drain a quota. */
const MAX_PER_KIND = 5;

export function alertEntities(alert: Alert): Entity[] {
  return ENTITY_KINDS.flatMap((kind) =>
    (alert.entities[kind] ?? []).slice(0, MAX_PER_KIND).map((value) => ({ kind, value })),
  );
}

/**
 * Everything known about an alert beyond its evidence. Each part is independent: one that fails
 * (a provider down, a query refused) leaves a note and the others still run.
 */
export async function enrichAlert(alert: Alert, deps: EnrichmentDeps): Promise<Enrichment> {
  const entities = alertEntities(alert);
  const ips = entities.filter((e) => e.kind === 'ip').map((e) => e.value);
  const notes: string[] = [];
  const geo = deps.geo ? geolocate(ips, deps.geo) : {};
  let threatIntel: Enrichment['threatIntel'] = {};
  if (deps.http && (deps.abuseipdb || deps.virustotal)) {
    const found = await lookupThreatIntel(
      {
        http: deps.http,
        state: deps.state,
        now: deps.now,
        cacheTtlMs: deps.cacheTtlMs ?? 86_400_000,
        timeoutMs: 10_000,
        ...(deps.abuseipdb ? { abuseipdb: deps.abuseipdb } : {}),
        ...(deps.virustotal ? { virustotal: deps.virustotal } : {}),
      },
      ips.filter(isPublicIp),
    );
    threatIntel = found.intel;
    notes.push(...found.notes);
  }
  const related = deps.related === false ? [] : await relatedAlerts(deps.alerts, alert, entities);
  let history: Enrichment['history'] = [];
  if (deps.query) {
    const found = await entityHistory(deps.query, entities, deps.tables ?? [], deps.now);
    history = found.history;
    notes.push(...found.notes);
  }
  const context = {
    alertId: alert.id,
    computedAt: deps.now.toISOString(),
    entities,
    geo,
    threatIntel,
    related,
    history,
    notes,
  };
  const { summary, note } = await summarise(alert, context, deps.llm);
  if (note) notes.push(note);
  return { ...context, summary };
}

const PK = 'alert-enrichment';

/** Enrichment is stored beside the alert (same id), never inside it: the alert stays as raised. */
export class EnrichmentStore {
  constructor(private readonly state: StateStore) {}

  async get(alertId: string): Promise<Enrichment | undefined> {
    return (await this.state.get<Enrichment>(PK, alertId))?.value;
  }

  async put(enrichment: Enrichment): Promise<void> {
    await this.state.put(PK, enrichment.alertId, enrichment);
  }
}
