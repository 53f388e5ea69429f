import type { HttpClient } from '../../ports/http.js';
import type { StateStore } from '../../ports/state-store.js';
import type { ThreatIntel } from './types.js';

export interface ProviderSettings {
  apiKey: string;
  perMinute?: number;
  perDay?: number;
}

export interface ThreatIntelDeps {
  http: HttpClient;
  state: StateStore;
  now: Date;
  cacheTtlMs: number;
  timeoutMs: number;
  abuseipdb?: ProviderSettings & { baseUrl?: string };
  virustotal?: ProviderSettings & { baseUrl?: string };
}

/** Free-tier quotas where the configuration gives none (AbuseIPDB 1,000 checks a day; VirusTotal 4 a minute, 500 a day). */
const DEFAULT_LIMITS = {
  abuseipdb: { perMinute: 60, perDay: 1_000 },
  virustotal: { perMinute: 4, perDay: 500 },
};

type Provider = keyof typeof DEFAULT_LIMITS;

/**
 * Takes one request from a provider's minute and day budgets, shared by every process through the
 * state store (counters with optimistic concurrency that expire with their window). False when a
 * budget is spent: the lookup is skipped, not queued, because a late reputation is worth little.
 */
export async function takeBudget(
  state: StateStore,
  provider: string,
  now: Date,
  limits: { perMinute: number; perDay: number },
): Promise<boolean> {
  const minute = Math.floor(now.getTime() / 60_000);
  const day = Math.floor(now.getTime() / 86_400_000);
  const windows = [
    { sk: `${provider}#m#${minute}`, limit: limits.perMinute, expiresAt: (minute + 2) * 60 },
    { sk: `${provider}#d#${day}`, limit: limits.perDay, expiresAt: (day + 2) * 86_400 },
  ];
  for (const w of windows) {
    const used = (await state.get<number>('ti-rate', w.sk))?.value ?? 0;
    if (used >= w.limit) return false;
  }
  for (const w of windows) {
    for (let attempt = 0; attempt < 10; attempt++) {
      const item = await state.get<number>('ti-rate', w.sk);
      const used = item?.value ?? 0;
      if (used >= w.limit) return false;
      const opts = item
        ? { ifVersion: item.version, expiresAt: w.expiresAt }
        : { ifNotExists: true, expiresAt: w.expiresAt };
      if (await state.put('ti-rate', w.sk, used + 1, opts)) break;
    }
  }
  return true;
}

async function getJson(
  deps: ThreatIntelDeps,
  url: string,
  headers: Record<string, string>,
): Promise<unknown> {
  const res = await deps.http.send({ method: 'GET', url, headers, timeoutMs: deps.timeoutMs });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  return JSON.parse(res.body) as unknown;
}

/** AbuseIPDB APIv2 `GET /api/v2/check?ipAddress=&maxAgeInDays=90` with the key in the `Key` header. */
async function abuseIpDb(deps: ThreatIntelDeps, s: ProviderSettings & { baseUrl?: string }, ip: string) {
  const base = s.baseUrl ?? 'https://api.abuseipdb.com';
  const url = `${base}/api/v2/check?ipAddress=${encodeURIComponent(ip)}&maxAgeInDays=90`;
  const body = (await getJson(deps, url, { Key: s.apiKey, Accept: 'application/json' })) as {
    data?: Record<string, unknown>;
  };
  const d = body.data ?? {};
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    abuseConfidenceScore: Number(d.abuseConfidenceScore ?? 0),
    totalReports: Number(d.totalReports ?? 0),
    countryCode: text(d.countryCode),
    isp: text(d.isp),
    usageType: text(d.usageType),
    lastReportedAt: text(d.lastReportedAt),
  };
}

/** VirusTotal API v3 `GET /api/v3/ip_addresses/{ip}` with the key in `x-apikey`. */
async function virusTotal(deps: ThreatIntelDeps, s: ProviderSettings & { baseUrl?: string }, ip: string) {
  const base = s.baseUrl ?? 'https://www.virustotal.com';
  const body = (await getJson(deps, `${base}/api/v3/ip_addresses/${encodeURIComponent(ip)}`, {
    'x-apikey': s.apiKey,
    accept: 'application/json',
  })) as { data?: { attributes?: Record<string, unknown> } };
  const a = body.data?.attributes ?? {};
  const stats = (a.last_analysis_stats ?? {}) as Record<string, unknown>;
  return {
    malicious: Number(stats.malicious ?? 0),
    suspicious: Number(stats.suspicious ?? 0),
    harmless: Number(stats.harmless ?? 0),
    undetected: Number(stats.undetected ?? 0),
    reputation: Number(a.reputation ?? 0),
    asOwner: typeof a.as_owner === 'string' ? a.as_owner : null,
  };
}

/**
 * Reputation of public IPs from each configured provider: from the cache while fresh, else from
 * the provider within its rate budget. Failures and spent budgets become notes, never errors.
 */
export async function lookupThreatIntel(
  deps: ThreatIntelDeps,
  ips: readonly string[],
): Promise<{ intel: Record<string, ThreatIntel>; notes: string[] }> {
  const intel: Record<string, ThreatIntel> = {};
  const notes: string[] = [];
  const providers: [Provider, (ProviderSettings & { baseUrl?: string }) | undefined][] = [
    ['abuseipdb', deps.abuseipdb],
    ['virustotal', deps.virustotal],
  ];
  for (const ip of ips) {
    for (const [name, settings] of providers) {
      if (!settings) continue;
      const key = `${name}#${ip}`;
      const cached = await deps.state.get<NonNullable<ThreatIntel[Provider]>>('ti-cache', key);
      let answer = cached?.value;
      if (!answer) {
        const limits = {
          perMinute: settings.perMinute ?? DEFAULT_LIMITS[name].perMinute,
          perDay: settings.perDay ?? DEFAULT_LIMITS[name].perDay,
        };
        if (!(await takeBudget(deps.state, name, deps.now, limits))) {
          notes.push(`${name}: rate limit reached, ${ip} not checked`);
          continue;
        }
        try {
          answer =
            name === 'abuseipdb' ? await abuseIpDb(deps, settings, ip) : await virusTotal(deps, settings, ip);
        } catch (err) {
          notes.push(`${name}: ${ip} not checked: ${(err as Error).message}`);
          continue;
        }
        await deps.state.put('ti-cache', key, answer, {
          expiresAt: Math.floor((deps.now.getTime() + deps.cacheTtlMs) / 1000),
        });
      }
      intel[ip] = { ...intel[ip], [name]: answer };
    }
  }
  return { intel, notes };
}

/** A provider's settings as the configuration gives them (`enrichment.abuseipdb` / `virustotal`). */
export interface ConfiguredProvider {
  api_key_secret: string;
  per_minute?: number | undefined;
  per_day?: number | undefined;
}

/**
 * The configured providers whose API key resolves, ready for lookupThreatIntel, in both runtimes.
 * A configured provider whose key secret is not set is left out with a note naming the secret, so
 * a missing key shows on the alert instead of threat intelligence silently never appearing.
 */
export async function threatIntelProviders(
  configured: { abuseipdb?: ConfiguredProvider | undefined; virustotal?: ConfiguredProvider | undefined },
  secrets: { get(name: string): Promise<string | undefined> },
  baseUrls: { abuseipdb?: string | undefined; virustotal?: string | undefined } = {},
): Promise<Pick<ThreatIntelDeps, 'abuseipdb' | 'virustotal'> & { notes: string[] }> {
  const out: Pick<ThreatIntelDeps, 'abuseipdb' | 'virustotal'> & { notes: string[] } = { notes: [] };
  for (const name of ['abuseipdb', 'virustotal'] as const) {
    const s = configured[name];
    if (!s) continue;
    const apiKey = await secrets.get(s.api_key_secret);
    if (!apiKey) {
      out.notes.push(
        `${name}: not looked up: no API key (secret ${JSON.stringify(s.api_key_secret)} is not set)`,
      );
      continue;
    }
    const baseUrl = baseUrls[name];
    out[name] = {
      apiKey,
      ...(s.per_minute === undefined ? {} : { perMinute: s.per_minute }),
      ...(s.per_day === undefined ? {} : { perDay: s.per_day }),
      ...(baseUrl ? { baseUrl } : {}),
    };
  }
  return out;
}
