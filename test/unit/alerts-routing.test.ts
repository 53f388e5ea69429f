import { describe, expect, it } from 'vitest';
import { globToRegExp, type Match, matches } from '../../lambdas/core/alerts/routing/match.js';
import { planRouting } from '../../lambdas/core/alerts/routing/route.js';
import { ConfigError, parseConfig, validateConfig } from '../../lambdas/core/config/config.js';
import { sampleAlert } from '../integration/alerts-delivery-peer.js';

const high = sampleAlert(); // severity high, rule sql/cloudtrail/console-brute-force-then-success, tag brute-force

describe('route matching', () => {
  const cases: [string, Match, boolean][] = [
    ['{} matches everything', {}, true],
    ['severity list, in', { severity: ['high', 'critical'] }, true],
    ['severity list, out', { severity: ['critical'] }, false],
    ['severity minimum met', { severity: { min: 'medium' } }, true],
    ['severity minimum exactly', { severity: { min: 'high' } }, true],
    ['severity minimum not met', { severity: { min: 'critical' } }, false],
    ['rule id', { rule: ['sql/cloudtrail/console-brute-force-then-success'] }, true],
    ['rule glob within a folder', { rule: ['sql/cloudtrail/*'] }, true],
    ['single * does not cross /', { rule: ['sql/*'] }, false],
    ['** crosses /', { rule: ['sql/**'] }, true],
    ['other rule', { rule: ['sigma/**'] }, false],
    ['any tag', { tags: ['root', 'brute-force'] }, true],
    ['no tag', { tags: ['root'] }, false],
    ['source from rule id', { source: ['cloudtrail'] }, true],
    ['other source', { source: ['okta'] }, false],
    ['all conditions must hold', { severity: ['high'], tags: ['root'] }, false],
  ];
  for (const [name, match, expected] of cases) {
    it(name, () => expect(matches(match, high)).toBe(expected));
  }

  it('escapes regular-expression characters in globs', () => {
    expect(globToRegExp('a.b?c').test('a.bxc')).toBe(true);
    expect(globToRegExp('a.b?c').test('aXbxc')).toBe(false);
  });
});

describe('planning', () => {
  const config = validateConfig('config.yaml', {
    destinations: [
      { name: 'slack', type: 'webhook', url: 'https://example.com/a', secret: 's' },
      { name: 'pager', type: 'pagerduty', routing_key_secret: 'k' },
    ],
    routes: [
      { match: {}, to: ['slack'] },
      {
        match: { severity: { min: 'high' } },
        to: ['slack', 'pager'],
        escalate: { after: '30m', to: ['pager'] },
      },
      { match: { tags: ['brute-force'] }, to: ['slack'], escalate: { after: '10m', to: ['pager'] } },
    ],
  });

  it('notifies each destination once, and escalates at the earliest deadline', () => {
    expect(planRouting(high, config)).toEqual([
      {
        message: { id: `${high.id}:slack:trigger`, destination: 'slack', alertId: high.id, event: 'trigger' },
        availableAt: new Date(high.createdAt),
      },
      {
        message: { id: `${high.id}:pager:trigger`, destination: 'pager', alertId: high.id, event: 'trigger' },
        availableAt: new Date(high.createdAt),
      },
      {
        message: {
          id: `${high.id}:pager:escalate`,
          destination: 'pager',
          alertId: high.id,
          event: 'escalate',
        },
        availableAt: new Date(Date.parse(high.createdAt) + 10 * 60_000),
      },
    ]);
  });

  it('routes nothing for an alert that is not open', () => {
    expect(planRouting(sampleAlert({ status: 'suppressed' }), config)).toEqual([]);
  });
});

describe('config.yaml validation', () => {
  const error = (text: string) => {
    try {
      parseConfig('/home/me/.mantissa/config.yaml', text);
    } catch (err) {
      if (err instanceof ConfigError) return err.message;
      throw err;
    }
    throw new Error('no error');
  };

  it('reads a complete document with defaults', () => {
    const config = parseConfig(
      'config.yaml',
      `
destinations:
  - name: soc-hook
    type: webhook
    url: https://hooks.example.com/siem
    secret: hook-secret
    redact: [email, { name: badge, pattern: 'B-\\d+' }]
routes:
  - match: { severity: [critical] }
    to: [soc-hook]
delivery:
  max_attempts: 5
  timeout: 2500ms
`,
    );
    expect(config.delivery).toEqual({
      max_attempts: 5,
      timeout: 2_500,
      backoff_base: 5_000,
      backoff_cap: 900_000,
    });
    expect(config.destinations.get('soc-hook')).toMatchObject({
      type: 'webhook',
      settings: { url: 'https://hooks.example.com/siem', secret: 'hook-secret', headers: {} },
      redact: ['email', { name: 'badge', pattern: 'B-\\d+' }],
    });
    expect(config.enrichment).toMatchObject({ geo: true, cache_ttl: 86_400_000 });
    expect(parseConfig('config.yaml', '')).toMatchObject({ routes: [] });
  });

  it('names the file and field at fault', () => {
    const f = '/home/me/.mantissa/config.yaml';
    expect(error('routez: []')).toBe(`${f}: routez: unknown field`);
    expect(error('destinations: [{name: x, type: fax}]')).toBe(
      `${f}: destinations.0.type: unknown destination type "fax" (one of slack, pagerduty, jira, email, servicenow, teams, webhook)`,
    );
    expect(error('destinations: [{name: p, type: pagerduty}]')).toMatch(
      new RegExp(`^${f}: destinations\\.0\\.routing_key_secret: `),
    );
    expect(error('destinations: [{name: p, type: pagerduty, routing_key_secret: k, colour: red}]')).toBe(
      `${f}: destinations.0.colour: unknown field`,
    );
    expect(error('destinations: [{name: w, type: webhook, url: "not a url", secret: s}]')).toMatch(
      new RegExp(`^${f}: destinations\\.0\\.url: `),
    );
    expect(error('destinations: [{name: s, type: slack, token_secret: t}]')).toBe(
      `${f}: destinations.0.channel: chat.postMessage needs a channel`,
    );
    expect(
      error(
        'destinations: [{name: a, type: pagerduty, routing_key_secret: k}, {name: a, type: pagerduty, routing_key_secret: k}]',
      ),
    ).toBe(`${f}: destinations.1.name: a is defined twice`);
    expect(error('routes: [{match: {}, to: [nowhere]}]')).toBe(
      `${f}: routes.0.to.0: no destination named nowhere`,
    );
    expect(error('routes: [{match: {severity: {min: severe}}, to: [x]}]')).toMatch(
      new RegExp(`^${f}: routes\\.0\\.match\\.severity`),
    );
    expect(error('delivery: {timeout: soon}')).toBe(
      `${f}: delivery.timeout: a duration such as "500ms", "30s", "5m", "1h" or "7d"`,
    );
    expect(
      error('destinations: [{name: w, type: webhook, url: "https://x", secret: s, redact: [passport]}]'),
    ).toMatch(new RegExp(`^${f}: destinations\\.0\\.redact\\.0`));
    expect(error('routes: [')).toMatch(new RegExp(`^${f}: invalid YAML: `));
  });
});
