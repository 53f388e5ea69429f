import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { okta } from '../../lambdas/core/sources/okta/index.js';
import { generateOktaEvents } from '../../lambdas/core/sources/okta/sample.js';
import { fixtureNote, fixtureRecords, ndjsonBody, sigmaRule, sigmaSql } from '../fixtures/datasets.js';
import { type Lake, openLake } from '../fixtures/lake.js';

const SAMPLE = { end: new Date('2026-11-21T07:00:00Z'), days: 3, seed: 11 };
const IDENTITY_TYPES = new Set([
  'user.session.start',
  'user.session.end',
  'user.authentication.sso',
  'user.authentication.auth_via_mfa',
  'system.push.send_factor_verify_push',
  'user.mfa.okta_verify.deny_push',
  'user.account.update_password',
  'user.account.privilege.grant',
]);

describe('okta source (real DuckDB lake)', () => {
  let lake: Lake;
  beforeAll(async () => {
    lake = await openLake();
  });
  afterAll(async () => {
    await lake.close();
  });

  it('ingests the sample as delivered, one row per LogEvent, and derives identity_events', async () => {
    const events = generateOktaEvents(SAMPLE);
    const files = okta.sample(SAMPLE);
    expect(files.every((f) => f.path.startsWith('okta/system-log/'))).toBe(true);
    const reports = await lake.ingestSample(files);
    const written = reports.reduce((n, r) => n + r.written, 0);
    expect(reports.every((r) => r.source === 'okta' && r.detectedBy === 'key' && r.quarantined === 0)).toBe(
      true,
    );
    expect(written).toBe(events.length);
    const [{ n }] = (await lake.query('SELECT count(*) AS n FROM okta')) as [{ n: number }];
    expect(n).toBe(events.length);
    const last = events.at(-1)?.published as string;
    expect(Date.parse(last)).toBeLessThan(SAMPLE.end.getTime());
    expect(Date.parse(last)).toBeGreaterThan(SAMPLE.end.getTime() - 3 * 3_600_000);

    const identity = await lake.query(`SELECT count(*) AS n FROM identity_events WHERE provider = 'okta'`);
    expect(identity[0]?.n).toBe(events.filter((e) => IDENTITY_TYPES.has(e.eventType as string)).length);
  });

  it('shows the password spray: eleven failures and one success from one VPS across twelve accounts', async () => {
    const rows = await lake.query(
      `SELECT outcome, count(*) AS n, count(DISTINCT user_name) AS users FROM identity_events
       WHERE provider = 'okta' AND event_type = 'login' AND source_ip = '185.220.101.34' GROUP BY 1 ORDER BY 1`,
    );
    expect(rows).toEqual([
      { outcome: 'failure', n: 11, users: 11 },
      { outcome: 'success', n: 1, users: 1 },
    ]);
    const hit = await lake.query(
      `SELECT user_name, user_agent, country FROM identity_events
       WHERE source_ip = '185.220.101.34' AND outcome = 'success'`,
    );
    expect(hit).toEqual([
      {
        user_name: 'aisha.okafor@northwind-labs.com',
        user_agent: 'python-requests/2.31.0',
        country: 'NL',
      },
    ]);
  });

  it('shows MFA push fatigue: fourteen pushes, thirteen denials, then a push accepted from Moscow', async () => {
    const rows = await lake.query(
      `SELECT event_type, outcome, mfa_method, count(*) AS n FROM identity_events
       WHERE user_name = 'james.chen@northwind-labs.com' AND source_ip = '91.132.147.18'
       GROUP BY ALL ORDER BY 1, 2`,
    );
    expect(rows).toEqual([
      { event_type: 'login', outcome: 'success', mfa_method: null, n: 1 },
      { event_type: 'mfa_challenge', outcome: 'success', mfa_method: 'push', n: 14 },
      { event_type: 'mfa_denied', outcome: 'failure', mfa_method: 'push', n: 13 },
      { event_type: 'mfa_success', outcome: 'success', mfa_method: 'push', n: 1 },
      // The Super administrator grant below lands on the same account, from the same proxy.
      { event_type: 'privilege_change', outcome: 'success', mfa_method: null, n: 1 },
    ]);
    const grant = await lake.query(
      `SELECT user_name, actor_name, target, city FROM identity_events WHERE provider = 'okta' AND event_type = 'privilege_change'`,
    );
    expect(grant).toEqual([
      {
        user_name: 'james.chen@northwind-labs.com',
        actor_name: 'daniel.kim@northwind-labs.com',
        target: 'Super administrator',
        city: 'Moscow',
      },
    ]);
  });

  it('SigmaHQ Okta rules convert and select the attack rows of the sample', async () => {
    const proxyRule = sigmaRule('identity/okta/okta_user_session_start_via_anonymised_proxy.yml');
    const grantRule = sigmaRule('identity/okta/okta_admin_role_assigned_to_user_or_group.yml');
    if (!proxyRule || !grantRule) return console.warn('SigmaHQ corpus absent: Sigma check skipped');
    const proxy = await lake.query(
      `SELECT actor.alternateid AS who FROM (${sigmaSql(proxyRule, 'proxy.yml')}) ORDER BY ts`,
    );
    expect(proxy).toEqual([
      { who: 'James.Chen@northwind-labs.com' },
      { who: 'Daniel.Kim@northwind-labs.com' },
    ]);
    const grants = await lake.query(
      `SELECT eventtype, target[1].alternateid AS grantee,
              json_extract_string(debugcontext.debugdata, '$.privilegeGranted') AS role
       FROM (${sigmaSql(grantRule, 'grant.yml')})`,
    );
    expect(grants).toEqual([
      {
        eventtype: 'user.account.privilege.grant',
        grantee: 'James.Chen@northwind-labs.com',
        role: 'Super administrator',
      },
    ]);
  });

  it('reads an EventBridge log-stream event by content, and quarantines what is not a LogEvent', async () => {
    const [event] = generateOktaEvents({ ...SAMPLE, days: 1 });
    const bridged = {
      version: '0',
      id: 'f0e1d2c3-0000-4000-8000-000000000001',
      'detail-type': 'SystemLog',
      source: 'aws.partner/okta.com/northwind/stream',
      time: event?.published,
      detail: { ...event, uuid: 'bridge-uuid-1' },
    };
    const lines = [
      JSON.stringify(bridged),
      JSON.stringify({ eventType: 'user.session.start', actor: { alternateId: 'x@y.z' }, uuid: 'no-time' }),
      JSON.stringify({ ...event, uuid: 'bad-time', published: 'last tuesday' }),
      JSON.stringify({ ...event, uuid: 'bad-target', target: { id: 'not-a-list' } }),
    ];
    const report = await lake.ingestBody('exports/okta-stream.ndjson', Buffer.from(lines.join('\n')));
    expect(report).toMatchObject({
      source: 'okta',
      detectedBy: 'content',
      records: 4,
      written: 1,
      quarantined: 3,
    });
    expect(report.reasons).toEqual([
      { position: 'line 2', reason: 'missing event time published' },
      { position: 'line 3', reason: 'published: expected a timestamp, got "last tuesday"' },
      { position: 'line 4', reason: 'target: expected a list' },
    ]);
    const rows = await lake.query(`SELECT event_id FROM okta WHERE event_id = 'bridge-uuid-1'`);
    expect(rows).toHaveLength(1);
  });

  it('ingests the shared real Okta samples: every record written or quarantined, twice with the same result', async () => {
    const records = fixtureRecords('okta', 'panther-analysis_rule-tests.jsonl');
    if (!records) return console.warn(fixtureNote('okta', 'panther-analysis_rule-tests.jsonl'));
    const body = ndjsonBody(records);
    const first = await lake.ingestBody('okta/fixtures/panther.ndjson', body);
    const again = await lake.ingestBody('okta/fixtures/panther.ndjson', body);
    // 28 are Panther's behavioural-rule inputs or stubs without eventType; 25 have no usable time
    // (21 none, 4 "redacted").
    expect(first).toMatchObject({
      records: 122,
      written: 69,
      quarantined: 53,
      tables: { okta: 69, identity_events: 32 },
    });
    expect(again).toMatchObject({ records: 122, written: 69, quarantined: 53 });
    const rows = await lake.query(
      `SELECT event_type, outcome, count(*) AS n FROM identity_events
       WHERE source_object = 'okta/fixtures/panther.ndjson' GROUP BY ALL ORDER BY 1, 2`,
    );
    expect(rows).toEqual([
      { event_type: 'account_locked', outcome: 'failure', n: 1 },
      { event_type: 'login', outcome: 'failure', n: 4 },
      { event_type: 'login', outcome: 'success', n: 13 },
      { event_type: 'login', outcome: 'unknown', n: 2 },
      { event_type: 'mfa_failure', outcome: 'failure', n: 3 },
      { event_type: 'mfa_success', outcome: 'success', n: 2 },
      { event_type: 'password_reset', outcome: 'success', n: 1 },
      { event_type: 'privilege_change', outcome: 'failure', n: 3 },
      { event_type: 'privilege_change', outcome: 'success', n: 2 },
      { event_type: 'token_issued', outcome: 'success', n: 1 },
    ]);
    const [{ n }] = (await lake.query(
      `SELECT count(*) AS n FROM okta WHERE source_object = 'okta/fixtures/panther.ndjson'`,
    )) as [{ n: number }];
    expect(n).toBe(69);
    const reasons = new Set(first.reasons.map((r) => r.reason));
    expect(reasons).toEqual(
      new Set([
        'missing or non-text required field eventType',
        'missing event time published',
        'published: expected a timestamp, got "redacted"',
      ]),
    );
  });
});
