import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { offlineGeoIp } from '../../lambdas/adapters/local/geo.js';
import { SqliteStateStore } from '../../lambdas/adapters/local/sqlite-state-store.js';
import { alertEntities, enrichAlert } from '../../lambdas/core/alerts/enrichment/enrich.js';
import { geolocate } from '../../lambdas/core/alerts/enrichment/geo.js';
import { entityHistory } from '../../lambdas/core/alerts/enrichment/history.js';
import { isPublicIp } from '../../lambdas/core/alerts/enrichment/ip.js';
import { summarise, templateSummary } from '../../lambdas/core/alerts/enrichment/summary.js';
import { lookupThreatIntel } from '../../lambdas/core/alerts/enrichment/threat-intel.js';
import { AlertStore } from '../../lambdas/core/alerts/store.js';
import type { LlmClient, LlmRequest } from '../../lambdas/core/llm/types.js';
import { fetchHttpClient } from '../../lambdas/core/ports/http.js';
import type { QueryEngine, QueryOptions } from '../../lambdas/core/ports/query-engine.js';
import { type Peer, type Received, sampleAlert, startPeer } from '../integration/alerts-delivery-peer.js';

const NOW = new Date('2026-11-21T10:30:00.000Z');
let nowMs = NOW.getTime();
let state: SqliteStateStore;
const peers: Peer[] = [];

beforeEach(() => {
  nowMs = NOW.getTime();
  state = new SqliteStateStore(':memory:', () => Math.floor(nowMs / 1000));
});
afterEach(async () => {
  for (const p of peers.splice(0)) await p.close();
  await state.close();
});

describe('IP geolocation (offline database)', () => {
  it('tells public from private and reserved addresses', () => {
    for (const ip of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111']) expect(isPublicIp(ip)).toBe(true);
    for (const ip of [
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '127.0.0.1',
      '100.64.0.1',
      '169.254.1.1',
      '203.0.113.9',
      '::1',
      'fe80::1',
      'fd00::1',
      'cloudtrail.amazonaws.com',
    ]) {
      expect(isPublicIp(ip)).toBe(false);
    }
  });

  it('finds countries of public addresses only', () => {
    expect(geolocate(['8.8.8.8', '10.0.0.1', '2001:4860:4860::8888'], offlineGeoIp)).toEqual({
      '8.8.8.8': { country: 'US', name: 'United States' },
      '2001:4860:4860::8888': { country: 'US', name: 'United States' },
    });
  });
});

describe('threat intelligence', () => {
  /** AbuseIPDB and VirusTotal as their docs describe them, refusing requests without the key header. */
  async function providers() {
    const abuse = await startPeer((r: Received) => {
      const url = new URL(r.url, 'http://x');
      if (
        url.pathname !== '/api/v2/check' ||
        r.headers.key !== 'abuse-key' ||
        r.headers.accept !== 'application/json'
      ) {
        return { status: 401, body: '{"errors":[{"detail":"Authentication failed"}]}' };
      }
      if (url.searchParams.get('maxAgeInDays') !== '90') return { status: 422, body: '{}' };
      const ip = url.searchParams.get('ipAddress');
      return {
        status: 200,
        body: JSON.stringify({
          data: {
            ipAddress: ip,
            isPublic: true,
            abuseConfidenceScore: 87,
            countryCode: 'NL',
            usageType: 'Data Center/Web Hosting/Transit',
            isp: 'Example Hosting',
            domain: 'example.net',
            totalReports: 42,
            lastReportedAt: '2026-11-20T08:00:00+00:00',
          },
        }),
      };
    });
    const vt = await startPeer((r: Received) => {
      if (!r.url.startsWith('/api/v3/ip_addresses/') || r.headers['x-apikey'] !== 'vt-key') {
        return { status: 401, body: '{"error":{"code":"WrongCredentialsError"}}' };
      }
      return {
        status: 200,
        body: JSON.stringify({
          data: {
            id: decodeURIComponent(r.url.split('/').at(-1) ?? ''),
            type: 'ip_address',
            attributes: {
              last_analysis_stats: { harmless: 60, malicious: 3, suspicious: 1, undetected: 30, timeout: 0 },
              reputation: -12,
              as_owner: 'Example AS',
            },
          },
        }),
      };
    });
    peers.push(abuse, vt);
    return { abuse, vt };
  }

  const deps = (abuse: Peer, vt: Peer, limits: { perMinute?: number; perDay?: number } = {}) => ({
    http: fetchHttpClient,
    state,
    now: new Date(nowMs),
    cacheTtlMs: 3_600_000,
    timeoutMs: 2_000,
    abuseipdb: { apiKey: 'abuse-key', baseUrl: abuse.url, ...limits },
    virustotal: { apiKey: 'vt-key', baseUrl: vt.url, ...limits },
  });

  it('asks both providers with their documented requests and keeps what matters', async () => {
    const { abuse, vt } = await providers();
    const { intel, notes } = await lookupThreatIntel(deps(abuse, vt), ['45.9.0.1']);
    expect(notes).toEqual([]);
    expect(abuse.received[0]?.url).toBe('/api/v2/check?ipAddress=45.9.0.1&maxAgeInDays=90');
    expect(vt.received[0]?.url).toBe('/api/v3/ip_addresses/45.9.0.1');
    expect(intel).toEqual({
      '45.9.0.1': {
        abuseipdb: {
          abuseConfidenceScore: 87,
          totalReports: 42,
          countryCode: 'NL',
          isp: 'Example Hosting',
          usageType: 'Data Center/Web Hosting/Transit',
          lastReportedAt: '2026-11-20T08:00:00+00:00',
        },
        virustotal: {
          malicious: 3,
          suspicious: 1,
          harmless: 60,
          undetected: 30,
          reputation: -12,
          asOwner: 'Example AS',
        },
      },
    });
  });

  it('answers from the cache until the TTL passes', async () => {
    const { abuse, vt } = await providers();
    await lookupThreatIntel(deps(abuse, vt), ['45.9.0.1']);
    nowMs += 3_599_000;
    await lookupThreatIntel(deps(abuse, vt), ['45.9.0.1']);
    expect([abuse.received.length, vt.received.length]).toEqual([1, 1]);
    nowMs += 2_000;
    await lookupThreatIntel(deps(abuse, vt), ['45.9.0.1']);
    expect([abuse.received.length, vt.received.length]).toEqual([2, 2]);
  });

  it('stays within the per-minute budget and says what it skipped', async () => {
    const { abuse, vt } = await providers();
    const { intel, notes } = await lookupThreatIntel(deps(abuse, vt, { perMinute: 2 }), [
      '45.9.0.1',
      '45.9.0.2',
      '45.9.0.3',
    ]);
    expect(Object.keys(intel)).toEqual(['45.9.0.1', '45.9.0.2']);
    expect(notes).toEqual([
      'abuseipdb: rate limit reached, 45.9.0.3 not checked',
      'virustotal: rate limit reached, 45.9.0.3 not checked',
    ]);
    nowMs += 60_000;
    expect(
      Object.keys((await lookupThreatIntel(deps(abuse, vt, { perMinute: 2 }), ['45.9.0.3'])).intel),
    ).toEqual(['45.9.0.3']);
  });

  it('turns a provider failure into a note without the key', async () => {
    const { abuse, vt } = await providers();
    const d = { ...deps(abuse, vt), abuseipdb: { apiKey: 'wrong', baseUrl: abuse.url } };
    const { intel, notes } = await lookupThreatIntel(d, ['45.9.0.1']);
    expect(notes).toEqual(['abuseipdb: 45.9.0.1 not checked: HTTP 401']);
    expect(Object.keys(intel['45.9.0.1'] ?? {})).toEqual(['virustotal']);
  });
});

describe('related alerts and entity history', () => {
  it('finds alerts about the same entity within 24 hours, not others', async () => {
    const store = new AlertStore(state);
    const alert = sampleAlert({ id: 'a'.repeat(24) });
    await store.create(alert);
    await store.create(
      sampleAlert({
        id: 'b'.repeat(24),
        title: 'same user',
        entities: { user: ['bob'] },
        lastSeen: '2026-11-20T12:00:00.000Z',
      }),
    );
    await store.create(
      sampleAlert({
        id: 'c'.repeat(24),
        entities: { ip: ['8.8.8.8'] },
        lastSeen: '2026-11-19T09:00:00.000Z',
      }),
    );
    await store.create(sampleAlert({ id: 'd'.repeat(24), entities: { user: ['alice'] } }));
    const e = await enrichAlert(alert, { state, alerts: store, now: NOW });
    expect(e.related).toEqual([
      {
        id: 'b'.repeat(24),
        title: 'same user',
        severity: 'high',
        status: 'open',
        lastSeen: '2026-11-20T12:00:00.000Z',
        via: { kind: 'user', value: 'bob' },
      },
    ]);
  });

  it('queries first and last sighting per entity through the SQL guard, over 90 days', async () => {
    const calls: { sql: string; opts: QueryOptions | undefined }[] = [];
    const engine: QueryEngine = {
      dialect: 'duckdb',
      async query(sql, opts) {
        calls.push({ sql, opts });
        return {
          columns: [],
          rows: [{ first_seen: '2026-09-01T00:00:00Z', last_seen: '2026-11-21T10:20:00Z', events: 1234 }],
          truncated: false,
        };
      },
      async close() {},
    };
    const entities = [
      { kind: 'ip' as const, value: '8.8.8.8' },
      { kind: 'user' as const, value: "bob' OR 1=1 --" },
      { kind: 'account' as const, value: '123456789012' },
    ];
    const { history, notes } = await entityHistory(engine, entities, ['cloudtrail', 'identity_events'], NOW);
    expect(notes).toEqual([]);
    expect(calls.map((c) => c.sql)).toEqual([
      "SELECT min(ts) AS first_seen, max(ts) AS last_seen, count(*) AS events FROM cloudtrail WHERE sourceipaddress = '8.8.8.8'",
      "SELECT min(ts) AS first_seen, max(ts) AS last_seen, count(*) AS events FROM identity_events WHERE source_ip = '8.8.8.8'",
      "SELECT min(ts) AS first_seen, max(ts) AS last_seen, count(*) AS events FROM cloudtrail WHERE recipientaccountid = '123456789012'",
    ]);
    expect(calls[0]?.opts?.scopes).toEqual([
      { table: 'cloudtrail', from: new Date('2026-08-23T10:30:00.000Z'), to: NOW },
    ]);
    expect(history[0]).toEqual({
      entity: entities[0],
      table: 'cloudtrail',
      firstSeen: '2026-09-01T00:00:00Z',
      lastSeen: '2026-11-21T10:20:00Z',
      events: 1234,
    });
  });
});

describe('the 5W1H summary', () => {
  const alert = sampleAlert({ evidence: [{ key: 'AKIAIOSFODNN7EXAMPLE', user_name: 'bob' }] });
  const context = {
    alertId: alert.id,
    computedAt: NOW.toISOString(),
    entities: alertEntities(alert),
    geo: { '8.8.8.8': { country: 'US', name: 'United States' } },
    threatIntel: {
      '8.8.8.8': {
        abuseipdb: {
          abuseConfidenceScore: 90,
          totalReports: 5,
          countryCode: 'US',
          isp: null,
          usageType: null,
          lastReportedAt: null,
        },
      },
    },
    related: [],
    history: [],
    notes: [],
  };

  it('is built from the facts when no model is configured', () => {
    expect(templateSummary(alert, context)).toEqual({
      who: 'user bob, account 123456789012',
      what: 'Console brute force then success: 1 match(es)',
      when: '2026-11-21T10:00:00.000Z to 2026-11-21T10:20:00.000Z',
      where: 'IP 8.8.8.8 (United States)',
      why: 'Several failed console sign-ins followed by a successful one.',
      how: 'MITRE ATT&CK T1110',
      actions: [
        'Block 8.8.8.8: threat intelligence reports abuse',
        'Confirm with bob that the activity was theirs; if not, disable the credentials and revoke sessions',
        'Review everything the same principal did in the surrounding hours for follow-on activity',
        `Acknowledge alert ${alert.id} once someone owns it`,
      ],
      source: 'template',
    });
  });

  const llm = (output: unknown, seen: LlmRequest[]): LlmClient => ({
    provider: 'recorded',
    model: 'test',
    async complete(req) {
      seen.push(req);
      return {
        output,
        usage: { inputTokens: 1, outputTokens: 1 },
        costUsd: 0,
        provider: 'recorded',
        model: 'test',
        attempts: 1,
      };
    },
  });

  it('comes from the model when it answers in shape, which never sees credentials', async () => {
    const seen: LlmRequest[] = [];
    const answer = {
      who: 'bob',
      what: 'brute force',
      when: 'today',
      where: 'US',
      why: 'rule',
      how: 'T1110',
      actions: ['Reset bob'],
    };
    expect(await summarise(alert, context, llm(answer, seen))).toEqual({
      summary: { ...answer, source: 'llm' },
    });
    expect(seen[0]?.schema.name).toBe('alert_summary');
    expect(seen[0]?.messages[0]?.content).toContain('[REDACTED:aws_access_key]');
    expect(seen[0]?.messages[0]?.content).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });

  it('falls back to the template when the model answers out of shape', async () => {
    const result = await summarise(alert, context, llm({ who: 'bob' }, []));
    expect(result.summary.source).toBe('template');
    expect(result.note).toBe('llm summary did not fit the expected shape');
  });
});
