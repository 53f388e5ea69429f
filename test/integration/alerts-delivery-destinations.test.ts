import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../lambdas/core/alerts/destinations/errors.js';
import type { DeliveryContext } from '../../lambdas/core/alerts/destinations/types.js';
import { verifyWebhook } from '../../lambdas/core/alerts/destinations/webhook.js';
import type { Alert } from '../../lambdas/core/alerts/model.js';
import { validateConfig } from '../../lambdas/core/config/config.js';
import { fetchHttpClient } from '../../lambdas/core/ports/http.js';
import { type Peer, type Received, type Reply, sampleAlert, startPeer } from './alerts-delivery-peer.js';

const NOW = new Date('2026-11-21T10:30:00.000Z');
const SECRETS: Record<string, string> = {
  'pd-key': 'R0UTINGKEY0123456789abcdef012345',
  'jira-token': 'jira-api-token-xyz',
  'snow-password': 'sn0w-pa55',
  'slack-token': 'xoxb-1111-2222-abcdefghijkl',
  'hook-secret': 'whsec-0123456789',
};
const ALERT = sampleAlert();
const HEADLINE = '[HIGH] Console brute force then success: user_name=bob ip=198.51.100.7';
/** The facts every destination shows, written out here so the tests do not trust format.ts. */
const FACTS: [string, string][] = [
  ['Severity', 'high'],
  ['Rule', 'Console brute force then success (sql/cloudtrail/console-brute-force-then-success)'],
  ['Status', 'open'],
  ['First seen', '2026-11-21T10:00:00.000Z'],
  ['Last seen', '2026-11-21T10:20:00.000Z'],
  ['Matches', '1'],
  ['MITRE ATT&CK', 'T1110'],
  ['Tags', 'brute-force'],
  ['Alert id', 'a1b2c3d4e5f6a1b2c3d4e5f6'],
];
const EVIDENCE_JSON = JSON.stringify(ALERT.evidence, null, 2);
const { evidenceHashes: _h, ...PUBLIC_ALERT } = ALERT;

let peer: Peer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

/** Builds one destination from a config.yaml-shaped entry, as the runtime would. */
function destination(entry: Record<string, unknown>) {
  const config = validateConfig('config.yaml', { destinations: [{ name: 'd', ...entry }] });
  const d = config.destinations.get('d');
  if (!d) throw new Error('no destination');
  return {
    deliver: (over: Partial<DeliveryContext> = {}) =>
      d.kind.deliver(d.settings, {
        alert: ALERT,
        enrichment: undefined,
        event: 'trigger',
        eventId: `${ALERT.id}:d:trigger`,
        destination: 'd',
        now: NOW,
        http: fetchHttpClient,
        mailer: undefined,
        timeoutMs: 10_000,
        async secret(name) {
          const v = SECRETS[name];
          if (!v) throw new DeliveryError(`secret ${name} is not set`, false);
          return v;
        },
        ...over,
      }),
  };
}

async function peerWith(reply: (r: Received, n: number) => Reply): Promise<Peer> {
  peer = await startPeer(reply);
  return peer;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

describe('PagerDuty Events API v2', () => {
  /** Checks what PagerDuty checks: JSON, a routing key, a known action, and for triggers the required payload fields. */
  const pagerDuty = (r: Received): Reply => {
    if (r.method !== 'POST' || r.url !== '/v2/enqueue') return json(404, {});
    if (r.headers['content-type'] !== 'application/json') return json(400, { status: 'invalid event' });
    const e = JSON.parse(r.body) as Record<string, unknown> & { payload?: Record<string, unknown> };
    const bad =
      typeof e.routing_key !== 'string' ||
      !['trigger', 'acknowledge', 'resolve'].includes(String(e.event_action)) ||
      (e.event_action === 'trigger' &&
        (!e.payload?.summary ||
          !e.payload.source ||
          !['critical', 'error', 'warning', 'info'].includes(String(e.payload.severity))));
    if (bad) return json(400, { status: 'invalid event', message: 'Event object is invalid' });
    return json(202, { status: 'success', message: 'Event processed', dedup_key: e.dedup_key });
  };

  it('triggers with the alert id as dedup key and the documented payload', async () => {
    const p = await peerWith(pagerDuty);
    const d = destination({
      type: 'pagerduty',
      routing_key_secret: 'pd-key',
      events_url: `${p.url}/v2/enqueue`,
    });
    expect(await d.deliver()).toEqual({ reference: 'mantissa-a1b2c3d4e5f6a1b2c3d4e5f6' });
    expect(p.received).toHaveLength(1);
    expect(JSON.parse(p.received[0]?.body ?? '')).toEqual({
      routing_key: 'R0UTINGKEY0123456789abcdef012345',
      event_action: 'trigger',
      dedup_key: 'mantissa-a1b2c3d4e5f6a1b2c3d4e5f6',
      payload: {
        summary: HEADLINE,
        source: 'mantissa-log',
        severity: 'error',
        timestamp: '2026-11-21T10:00:00.000Z',
        component: 'sql/cloudtrail/console-brute-force-then-success',
        group: 'access',
        class: 'Console brute force then success',
        custom_details: { ...PUBLIC_ALERT, evidence: EVIDENCE_JSON, escalated: false },
      },
      client: 'Mantissa Log',
    });
  });

  it('resolves with only the routing key, action and dedup key', async () => {
    const p = await peerWith(pagerDuty);
    const d = destination({
      type: 'pagerduty',
      routing_key_secret: 'pd-key',
      events_url: `${p.url}/v2/enqueue`,
    });
    await d.deliver({ event: 'resolve' });
    expect(JSON.parse(p.received[0]?.body ?? '')).toEqual({
      routing_key: 'R0UTINGKEY0123456789abcdef012345',
      event_action: 'resolve',
      dedup_key: 'mantissa-a1b2c3d4e5f6a1b2c3d4e5f6',
    });
  });

  it('maps every severity onto the four PagerDuty knows', async () => {
    const p = await peerWith(pagerDuty);
    const d = destination({
      type: 'pagerduty',
      routing_key_secret: 'pd-key',
      events_url: `${p.url}/v2/enqueue`,
    });
    for (const severity of ['critical', 'high', 'medium', 'low', 'info'] as const) {
      await d.deliver({ alert: sampleAlert({ severity }) });
    }
    expect(p.received.map((r) => JSON.parse(r.body).payload.severity)).toEqual([
      'critical',
      'error',
      'warning',
      'info',
      'info',
    ]);
  });

  it('treats 400 as permanent and 429 as retryable with its Retry-After', async () => {
    const p = await peerWith((_r, n) =>
      n === 1 ? json(400, { status: 'invalid event' }) : json(429, {}, { 'retry-after': '7' }),
    );
    const d = destination({
      type: 'pagerduty',
      routing_key_secret: 'pd-key',
      events_url: `${p.url}/v2/enqueue`,
    });
    const first = await d.deliver().catch((e: DeliveryError) => e);
    expect(first).toMatchObject({ retryable: false, message: 'HTTP 400: {"status":"invalid event"}' });
    const second = await d.deliver().catch((e: DeliveryError) => e);
    expect(second).toMatchObject({ retryable: true, opts: { retryAfterMs: 7_000 } });
  });
});

describe('Slack', () => {
  const blocks = (alert: Alert, title = HEADLINE) => [
    { type: 'header', text: { type: 'plain_text', text: title, emoji: false } },
    { type: 'section', fields: FACTS.map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n${v}` })) },
    { type: 'section', text: { type: 'mrkdwn', text: alert.description } },
    { type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${EVIDENCE_JSON}\`\`\`` } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `Mantissa Log alert ${alert.id}` }] },
  ];

  it('posts Block Kit to an incoming webhook', async () => {
    const p = await peerWith(() => ({ status: 200, headers: { 'content-type': 'text/html' }, body: 'ok' }));
    SECRETS['slack-hook'] = `${p.url}/services/T000/B000/XXXX`;
    const d = destination({ type: 'slack', webhook_url_secret: 'slack-hook' });
    expect(await d.deliver()).toEqual({});
    const r = p.received[0] as Received;
    expect([r.method, r.url, r.headers['content-type']]).toEqual([
      'POST',
      '/services/T000/B000/XXXX',
      'application/json',
    ]);
    expect(JSON.parse(r.body)).toEqual({ text: HEADLINE, blocks: blocks(ALERT) });
  });

  it('posts with chat.postMessage and a bot token, and reads {ok, error} from a 200', async () => {
    const p = await peerWith((r, n) => {
      if (
        r.url !== '/api/chat.postMessage' ||
        r.headers.authorization !== `Bearer ${SECRETS['slack-token']}`
      ) {
        return json(200, { ok: false, error: 'invalid_auth' });
      }
      if (n === 2) return json(200, { ok: false, error: 'channel_not_found' });
      if (n === 3) return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '30' });
      return json(200, { ok: true, channel: 'C123', ts: '1795257000.000100' });
    });
    const d = destination({
      type: 'slack',
      token_secret: 'slack-token',
      channel: '#soc',
      api_url: `${p.url}/api`,
    });
    expect(await d.deliver()).toEqual({ reference: '1795257000.000100' });
    expect(p.received[0]?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(p.received[0]?.body ?? '')).toEqual({
      channel: '#soc',
      text: HEADLINE,
      blocks: blocks(ALERT),
    });
    await expect(d.deliver()).rejects.toMatchObject({
      message: 'chat.postMessage: channel_not_found',
      retryable: false,
    });
    await expect(d.deliver()).rejects.toMatchObject({ retryable: true, opts: { retryAfterMs: 30_000 } });
  });

  it('adds the enrichment summary and recommended actions as their own sections', async () => {
    const p = await peerWith(() => ({ status: 200, body: 'ok' }));
    SECRETS['slack-hook'] = `${p.url}/hook`;
    const enrichment = {
      alertId: ALERT.id,
      computedAt: NOW.toISOString(),
      entities: [],
      geo: { '8.8.8.8': { country: 'US', name: 'United States' } },
      threatIntel: {},
      related: [],
      history: [],
      notes: [],
      summary: {
        who: 'bob',
        what: 'brute force',
        when: 'today',
        where: '8.8.8.8',
        why: 'rule',
        how: 'T1110',
        actions: ['Reset <bob>'],
        source: 'template' as const,
      },
    };
    await destination({ type: 'slack', webhook_url_secret: 'slack-hook' }).deliver({
      alert: sampleAlert({ evidence: [] }),
      enrichment,
    });
    const sent = JSON.parse(p.received[0]?.body ?? '');
    expect(sent.blocks.slice(3, 5)).toEqual([
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: 'Who: bob\nWhat: brute force\nWhen: today\nWhere: 8.8.8.8\nWhy: rule\nHow: T1110\n8.8.8.8: United States',
        },
      },
      { type: 'section', text: { type: 'mrkdwn', text: '*Recommended actions*\n• Reset &lt;bob&gt;' } },
    ]);
  });

  it('escapes mrkdwn so log content cannot mention @channel or plant links', async () => {
    const p = await peerWith(() => ({ status: 200, body: 'ok' }));
    SECRETS['slack-hook'] = `${p.url}/hook`;
    const d = destination({ type: 'slack', webhook_url_secret: 'slack-hook', redact: [] });
    const alert = sampleAlert({ title: '<!channel> <http://evil.example|click> & co', evidence: [] });
    await d.deliver({ alert });
    const sent = JSON.parse(p.received[0]?.body ?? '');
    expect(sent.text).toBe('[HIGH] &lt;!channel&gt; &lt;http://evil.example|click&gt; &amp; co');
    expect(sent.blocks[0].text.text).toBe('[HIGH] <!channel> <http://evil.example|click> & co');
  });
});

describe('Jira Cloud REST v3', () => {
  it('creates an issue with an ADF description, mapped priority and basic auth', async () => {
    const p = await peerWith((r) =>
      r.method === 'POST' && r.url === '/rest/api/3/issue'
        ? json(201, { id: '10001', key: 'SEC-1', self: 'https://acme.atlassian.net/rest/api/3/issue/10001' })
        : json(404, {}),
    );
    const d = destination({
      type: 'jira',
      url: p.url,
      email: 'soc@example.com',
      api_token_secret: 'jira-token',
      project: 'SEC',
    });
    expect(await d.deliver()).toEqual({ reference: 'SEC-1' });
    const r = p.received[0] as Received;
    expect(r.headers.authorization).toBe(
      `Basic ${Buffer.from('soc@example.com:jira-api-token-xyz').toString('base64')}`,
    );
    expect(r.headers.accept).toBe('application/json');
    expect(r.headers['content-type']).toBe('application/json');
    const text = (t: string) => ({ type: 'text', text: t });
    expect(JSON.parse(r.body)).toEqual({
      fields: {
        project: { key: 'SEC' },
        issuetype: { name: 'Task' },
        summary: HEADLINE,
        description: {
          type: 'doc',
          version: 1,
          content: [
            { type: 'paragraph', content: [text(ALERT.description)] },
            {
              type: 'bulletList',
              content: FACTS.map(([k, v]) => ({
                type: 'listItem',
                content: [
                  {
                    type: 'paragraph',
                    content: [{ ...text(`${k}: `), marks: [{ type: 'strong' }] }, text(v)],
                  },
                ],
              })),
            },
            { type: 'heading', attrs: { level: 3 }, content: [text('Evidence')] },
            { type: 'codeBlock', attrs: { language: 'json' }, content: [text(EVIDENCE_JSON)] },
          ],
        },
        priority: { name: 'High' },
        labels: ['mantissa-log', 'mantissa-a1b2c3d4e5f6a1b2c3d4e5f6'],
      },
    });
  });

  it('uses configured priority names and refuses a resolve (Jira issues are closed by people)', async () => {
    const p = await peerWith(() => json(201, { key: 'SEC-2' }));
    const config = {
      type: 'jira',
      url: p.url,
      email: 'soc@example.com',
      api_token_secret: 'jira-token',
      project: 'SEC',
      priorities: { critical: 'P1' },
    };
    await destination(config).deliver({ alert: sampleAlert({ severity: 'critical' }) });
    expect(JSON.parse(p.received[0]?.body ?? '').fields.priority).toEqual({ name: 'P1' });
    const d = validateConfig('c', { destinations: [{ name: 'j', ...config }] }).destinations.get('j');
    expect(d?.kind.events).toEqual(['trigger', 'escalate']);
  });
  it('counts a 201 as delivered even when its body is not JSON (a retry would open a duplicate)', async () => {
    const p = await peerWith(() => ({
      status: 201,
      headers: { 'content-type': 'text/html' },
      body: '<html>ok</html>',
    }));
    const d = destination({
      type: 'jira',
      url: p.url,
      email: 'soc@example.com',
      api_token_secret: 'jira-token',
      project: 'SEC',
    });
    expect(await d.deliver()).toEqual({});
  });
});

describe('ServiceNow Table API', () => {
  it('creates an incident with urgency, impact and the alert id as correlation id', async () => {
    const p = await peerWith((r) =>
      r.method === 'POST' && r.url === '/api/now/table/incident'
        ? json(201, { result: { sys_id: '9d385017c611228701d22104cc95c371', number: 'INC0010001' } })
        : json(404, {}),
    );
    const d = destination({
      type: 'servicenow',
      instance_url: p.url,
      username: 'mantissa',
      password_secret: 'snow-password',
      assignment_group: 'Security Operations',
    });
    expect(await d.deliver()).toEqual({ reference: 'INC0010001' });
    const r = p.received[0] as Received;
    expect(r.headers.authorization).toBe(`Basic ${Buffer.from('mantissa:sn0w-pa55').toString('base64')}`);
    expect(r.headers.accept).toBe('application/json');
    expect(JSON.parse(r.body)).toEqual({
      short_description: HEADLINE,
      description: [
        ALERT.description,
        '',
        ...FACTS.map(([k, v]) => `${k}: ${v}`),
        '',
        'Evidence:',
        EVIDENCE_JSON,
      ].join('\n'),
      urgency: '1',
      impact: '2',
      correlation_id: ALERT.id,
      correlation_display: 'Mantissa Log',
      assignment_group: 'Security Operations',
    });
  });

  it('reports a 401 as permanent without the password', async () => {
    const p = await peerWith(() => json(401, { error: { message: 'User Not Authenticated' } }));
    const d = destination({
      type: 'servicenow',
      instance_url: p.url,
      username: 'u',
      password_secret: 'snow-password',
    });
    const err = (await d.deliver().catch((e) => e)) as DeliveryError;
    expect(err.retryable).toBe(false);
    expect(err.message).toBe('HTTP 401: {"error":{"message":"User Not Authenticated"}}');
  });
});

describe('Microsoft Teams', () => {
  it('posts an Adaptive Card message to a Workflows webhook', async () => {
    const p = await peerWith(() => ({ status: 202, body: '' }));
    SECRETS['teams-hook'] = `${p.url}/workflows/abc/triggers/manual/paths/invoke?sig=s3cr3t`;
    const d = destination({ type: 'teams', webhook_url_secret: 'teams-hook' });
    await d.deliver();
    const r = p.received[0] as Received;
    expect(r.url).toBe('/workflows/abc/triggers/manual/paths/invoke?sig=s3cr3t');
    expect(JSON.parse(r.body)).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              {
                type: 'TextBlock',
                text: HEADLINE,
                size: 'Large',
                weight: 'Bolder',
                color: 'Attention',
                wrap: true,
              },
              { type: 'TextBlock', text: ALERT.description, wrap: true },
              { type: 'FactSet', facts: FACTS.map(([title, value]) => ({ title, value })) },
            ],
            msteams: { width: 'Full' },
          },
        },
      ],
    });
  });
});

describe('generic webhook', () => {
  it('signs timestamp and body with HMAC-SHA256 and sends a stable event id', async () => {
    const p = await peerWith(() => ({ status: 204 }));
    const d = destination({
      type: 'webhook',
      url: `${p.url}/hooks/siem`,
      secret: 'hook-secret',
      headers: { 'X-Team': 'soc' },
    });
    expect(await d.deliver()).toEqual({ reference: `${ALERT.id}:d:trigger` });
    const r = p.received[0] as Received;
    const timestamp = String(NOW.getTime() / 1000);
    expect(r.headers['x-mantissa-event-id']).toBe(`${ALERT.id}:d:trigger`);
    expect(r.headers['x-mantissa-timestamp']).toBe(timestamp);
    expect(r.headers['x-team']).toBe('soc');
    const expected = `v1=${createHmac('sha256', 'whsec-0123456789').update(`${timestamp}.${r.body}`).digest('hex')}`;
    expect(r.headers['x-mantissa-signature']).toBe(expected);
    expect(JSON.parse(r.body)).toEqual({
      id: `${ALERT.id}:d:trigger`,
      type: 'alert.trigger',
      sent_at: NOW.toISOString(),
      alert: PUBLIC_ALERT,
      enrichment: null,
    });
  });

  it('lets a receiver refuse a forged body, a wrong secret and a replayed timestamp', async () => {
    const p = await peerWith(() => ({ status: 200 }));
    await destination({ type: 'webhook', url: p.url, secret: 'hook-secret' }).deliver();
    const r = p.received[0] as Received;
    const headers = {
      timestamp: r.headers['x-mantissa-timestamp'] as string,
      signature: r.headers['x-mantissa-signature'] as string,
    };
    expect(verifyWebhook('whsec-0123456789', headers, r.body, NOW)).toBe(true);
    expect(verifyWebhook('whsec-0123456789', headers, r.body.replace('bob', 'eve'), NOW)).toBe(false);
    expect(verifyWebhook('other-secret', headers, r.body, NOW)).toBe(false);
    expect(verifyWebhook('whsec-0123456789', headers, r.body, new Date(NOW.getTime() + 301_000))).toBe(false);
  });
});
