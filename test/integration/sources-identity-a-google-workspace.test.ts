import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { googleWorkspace } from '../../lambdas/core/sources/google_workspace/index.js';
import { generateGoogleWorkspaceActivities } from '../../lambdas/core/sources/google_workspace/sample.js';
import { fixtureNote, fixtureRecords, ndjsonBody, sigmaRule, sigmaSql } from '../fixtures/datasets.js';
import { type Lake, openLake } from '../fixtures/lake.js';

const SAMPLE = { end: new Date('2026-11-21T07:00:00Z'), days: 3, seed: 11 };
const TOM = 'tom.becker@northwind-labs.com';

describe('google_workspace source (real DuckDB lake)', () => {
  let lake: Lake;
  beforeAll(async () => {
    lake = await openLake();
  });
  afterAll(async () => {
    await lake.close();
  });

  it('ingests activities.list pages, one row per event of each activity', async () => {
    const activities = generateGoogleWorkspaceActivities(SAMPLE);
    const events = activities.reduce((n, a) => n + (a.events as unknown[]).length, 0);
    const reports = await lake.ingestSample(googleWorkspace.sample(SAMPLE));
    expect(
      reports.every((r) => r.source === 'google_workspace' && r.detectedBy === 'key' && r.quarantined === 0),
    ).toBe(true);
    // An activity is the record; its events are the rows.
    expect(reports.reduce((n, r) => n + r.written, 0)).toBe(activities.length);
    expect(reports.reduce((n, r) => n + (r.tables.google_workspace ?? 0), 0)).toBe(events);
    const apps = await lake.query(
      `SELECT id.applicationname AS app, servicename, count(*) AS n FROM google_workspace GROUP BY ALL ORDER BY 1`,
    );
    const count = (app: string) =>
      activities
        .filter((a) => (a.id as { applicationName: string }).applicationName === app)
        .reduce((n, a) => n + (a.events as unknown[]).length, 0);
    expect(apps).toEqual(
      ['admin', 'drive', 'login', 'token'].map((app) => ({
        app,
        servicename: `${app}.googleapis.com`,
        n: count(app),
      })),
    );
  });

  it('shows the suspicious sign-in and the super-admin grant in identity_events', async () => {
    const rows = await lake.query(
      `SELECT event_type, outcome, user_name, actor_name, target, reason, source_ip FROM identity_events
       WHERE provider = 'google_workspace' AND source_ip = '91.132.147.18' ORDER BY ts, event_id`,
    );
    expect(rows).toEqual([
      {
        event_type: 'login',
        outcome: 'success',
        user_name: TOM,
        actor_name: null,
        target: null,
        reason: null,
        source_ip: '91.132.147.18',
      },
      {
        event_type: 'login',
        outcome: 'unknown',
        user_name: TOM,
        actor_name: null,
        target: null,
        reason: 'suspicious_login',
        source_ip: '91.132.147.18',
      },
      {
        event_type: 'privilege_change',
        outcome: 'success',
        user_name: TOM,
        actor_name: 'daniel.kim@northwind-labs.com',
        target: 'super admin',
        reason: null,
        source_ip: '91.132.147.18',
      },
      {
        event_type: 'privilege_change',
        outcome: 'success',
        user_name: TOM,
        actor_name: 'daniel.kim@northwind-labs.com',
        target: '_SEED_ADMIN_ROLE',
        reason: null,
        source_ip: '91.132.147.18',
      },
    ]);
    const params = await lake.query(
      `SELECT json_extract(parameters, '$.is_suspicious') AS suspicious, json_extract_string(parameters, '$.login_type') AS login_type
       FROM google_workspace WHERE name = 'login_success' AND ipaddress = '91.132.147.18'`,
    );
    expect(params).toEqual([{ suspicious: 'true', login_type: 'google_password' }]);
  });

  it('SigmaHQ gworkspace login and admin rules convert and select the attack events', async () => {
    const suspicious = sigmaRule('cloud/gcp/gworkspace/login/gcp_gworkspace_suspicious_login.yml');
    const granted = sigmaRule('cloud/gcp/gworkspace/admin/gcp_gworkspace_user_granted_admin_privileges.yml');
    const mfaOff = sigmaRule('cloud/gcp/gworkspace/admin/gcp_gworkspace_mfa_disabled.yml');
    if (!suspicious || !granted || !mfaOff) return console.warn('SigmaHQ corpus absent: Sigma check skipped');
    const s = await lake.query(`SELECT actor.email AS who, name FROM (${sigmaSql(suspicious, 's.yml')})`);
    expect(s).toEqual([{ who: 'Tom.Becker@northwind-labs.com', name: 'suspicious_login' }]);
    const g = await lake.query(
      `SELECT actor.email AS who, json_extract_string(parameters, '$.user_email') AS grantee FROM (${sigmaSql(granted, 'g.yml')})`,
    );
    expect(g).toEqual([{ who: 'Daniel.Kim@northwind-labs.com', grantee: TOM }]);
    // Parameter fields (new_value) resolve into the parameters JSON.
    expect(sigmaSql(mfaOff, 'm.yml')).toContain(`json_extract_string("parameters", '$.new_value')`);
  });

  it('quarantines what it cannot read, naming the field', async () => {
    const lines = [
      { id: { applicationName: 'login' }, events: [{ name: 'login_success' }] },
      { id: { time: '2026-11-20T10:00:00Z' }, events: [{ name: 'login_success' }] },
      { id: { time: '2026-11-20T10:00:00Z', applicationName: 'login' }, events: [] },
      {
        id: { time: '2026-11-20T10:00:00Z', applicationName: 'login' },
        events: [{ name: 'x', parameters: [{ value: 'nameless' }] }],
      },
    ];
    const report = await lake.ingestBody('google_workspace/bad.ndjson', ndjsonBody(lines));
    expect(report).toMatchObject({ records: 4, written: 0, quarantined: 4 });
    expect(report.reasons.map((r) => r.reason)).toEqual([
      'missing event time id.time',
      'missing or non-text required field id.applicationName',
      'events: expected a non-empty list',
      'events[0].parameters[0]: expected an object with a name',
    ]);
  });

  it('ingests the shared real Google Workspace samples (Reports API and Panther-flattened events) twice alike', async (ctx) => {
    const files = [
      'panther-analysis_rule-tests.jsonl',
      'panther-scenario_gsuite-sensitive-files.jsonl',
      'streamalert_rule-tests.jsonl',
    ];
    const expected: Record<string, object> = {
      // 71 of Panther's test events carry no id.time (hand-trimmed): quarantined, not guessed.
      'panther-analysis_rule-tests.jsonl': {
        records: 165,
        written: 94,
        quarantined: 71,
        tables: { google_workspace: 94, identity_events: 4 },
      },
      // One activity with two events (edit, change_user_access): two rows.
      'panther-scenario_gsuite-sensitive-files.jsonl': {
        records: 1,
        written: 1,
        quarantined: 0,
        tables: { google_workspace: 2 },
      },
      'streamalert_rule-tests.jsonl': {
        records: 1,
        written: 1,
        quarantined: 0,
        tables: { google_workspace: 1 },
      },
    };
    // The assertions after the loop count rows from every file: without all of them, skip the case.
    const missing = files.find((file) => !fixtureRecords('google_workspace', file));
    if (missing) {
      console.warn(fixtureNote('google_workspace', missing));
      ctx.skip();
    }
    for (const file of files) {
      const records = fixtureRecords('google_workspace', file) ?? [];
      const key = `google_workspace/fixtures/${file}`;
      expect(await lake.ingestBody(key, ndjsonBody(records))).toMatchObject(expected[file] as object);
      expect(await lake.ingestBody(key, ndjsonBody(records))).toMatchObject(expected[file] as object);
    }
    const identity = await lake.query(
      `SELECT event_type, count(*) AS n FROM identity_events WHERE source_object LIKE 'google_workspace/fixtures/%' GROUP BY 1 ORDER BY 1`,
    );
    expect(identity).toEqual([
      { event_type: 'account_created', n: 1 },
      { event_type: 'token_issued', n: 3 },
    ]);
    const shared = await lake.query(
      `SELECT name, json_extract_string(parameters, '$.visibility') AS visibility, event_index FROM google_workspace
       WHERE source_object = 'google_workspace/fixtures/panther-scenario_gsuite-sensitive-files.jsonl' ORDER BY event_index`,
    );
    expect(shared).toEqual([
      { name: 'edit', visibility: 'shared_externally', event_index: 0 },
      { name: 'change_user_access', visibility: 'shared_externally', event_index: 1 },
    ]);
  });
});
