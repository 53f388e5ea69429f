import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entraId } from '../../lambdas/core/sources/entra_id/index.js';
import { generateEntraRecords } from '../../lambdas/core/sources/entra_id/sample.js';
import { fixtureNote, fixtureRecords, ndjsonBody, sigmaRule, sigmaSql } from '../fixtures/datasets.js';
import { type Lake, openLake } from '../fixtures/lake.js';

const SAMPLE = { end: new Date('2026-11-21T07:00:00Z'), days: 3, seed: 11 };
const MARIA = 'maria.garcia@northwind-labs.com';

describe('entra_id source (real DuckDB lake)', () => {
  let lake: Lake;
  beforeAll(async () => {
    lake = await openLake();
  });
  afterAll(async () => {
    await lake.close();
  });

  it('ingests export blobs of sign-ins and Graph pages of audits into two tables and identity_events', async () => {
    const { signins, audits } = generateEntraRecords(SAMPLE);
    const files = entraId.sample(SAMPLE);
    const reports = await lake.ingestSample(files);
    expect(
      reports.every((r) => r.source === 'entra_id' && r.detectedBy === 'key' && r.quarantined === 0),
    ).toBe(true);
    const total = (t: string) => reports.reduce((n, r) => n + (r.tables[t] ?? 0), 0);
    expect(total('entra_signin_logs')).toBe(signins.length);
    expect(total('entra_audit_logs')).toBe(audits.length);
    const counts = await lake.query(
      `SELECT (SELECT count(*) FROM entra_signin_logs) AS signins, (SELECT count(*) FROM entra_audit_logs) AS audits`,
    );
    expect(counts).toEqual([{ signins: signins.length, audits: audits.length }]);
    // Every sign-in is identity activity; of the audits, the password changes, the new user and the role grant.
    const identity = await lake.query(
      `SELECT count(*) FILTER (WHERE raw_event_id IN (SELECT event_id FROM entra_signin_logs)) AS from_signins,
              count(*) FILTER (WHERE raw_event_id IN (SELECT event_id FROM entra_audit_logs)) AS from_audits
       FROM identity_events WHERE provider = 'entra_id'`,
    );
    const passwordChanges = audits.filter(
      (a) => a.activityDisplayName === 'Change password (self-service)',
    ).length;
    expect(identity).toEqual([{ from_signins: signins.length, from_audits: passwordChanges + 2 }]);
    const lastId = (signins.at(-1)?.properties as { id: string } | undefined)?.id;
    const columns = await lake.query(
      `SELECT category, resulttype, status.errorcode AS code, location.countryorregion AS country, isinteractive
       FROM entra_signin_logs WHERE event_id = '${lastId}'`,
    );
    expect(columns).toEqual([
      { category: 'SignInLogs', resulttype: '0', code: 0, country: 'RU', isinteractive: true },
    ]);
  });

  it('shows the takeover: Seattle, then MFA denied and a single-factor sign-in from Moscow 40 minutes later', async () => {
    const rows = await lake.query(
      `SELECT strftime(ts, '%H:%M') AS at, event_type, outcome, user_name, actor_name, country, city, target, mfa_method
       FROM identity_events
       WHERE provider = 'entra_id' AND (user_name = '${MARIA}' OR actor_name = '${MARIA}')
         AND event_type <> 'token_issued' AND ts >= TIMESTAMP '2026-11-20 23:00:00'
       ORDER BY ts`,
    );
    expect(rows).toEqual([
      {
        at: '00:00',
        event_type: 'login',
        outcome: 'success',
        user_name: MARIA,
        actor_name: null,
        country: 'US',
        city: 'Seattle',
        target: null,
        mfa_method: 'Mobile app notification',
      },
      {
        at: '00:36',
        event_type: 'mfa_denied',
        outcome: 'failure',
        user_name: MARIA,
        actor_name: null,
        country: 'RU',
        city: 'Moscow',
        target: null,
        mfa_method: 'Mobile app notification',
      },
      {
        at: '00:40',
        event_type: 'login',
        outcome: 'success',
        user_name: MARIA,
        actor_name: null,
        country: 'RU',
        city: 'Moscow',
        target: null,
        mfa_method: null,
      },
      {
        at: '00:52',
        event_type: 'account_created',
        outcome: 'success',
        user_name: 'svc-backup@northwind-labs.com',
        actor_name: MARIA,
        country: null,
        city: null,
        target: null,
        mfa_method: null,
      },
      {
        at: '00:55',
        event_type: 'privilege_change',
        outcome: 'success',
        user_name: 'svc-backup@northwind-labs.com',
        actor_name: MARIA,
        country: null,
        city: null,
        target: 'Global Administrator',
        mfa_method: null,
      },
    ]);
    const risky = await lake.query(
      `SELECT clientappused, authenticationrequirement, riskstate, risklevelduringsignin, riskeventtypes_v2
       FROM entra_signin_logs WHERE riskstate = 'atRisk' AND resulttype = '0'`,
    );
    expect(risky).toEqual([
      {
        clientappused: 'Exchange ActiveSync',
        authenticationrequirement: 'singleFactorAuthentication',
        riskstate: 'atRisk',
        risklevelduringsignin: 'high',
        riskeventtypes_v2: ['unlikelyTravel', 'anonymizedIPAddress'],
      },
    ]);
  });

  it('SigmaHQ sign-in and audit rules convert and select the attack rows of the sample', async () => {
    const denies = sigmaRule('cloud/azure/signin_logs/azure_mfa_denies.yml');
    const interrupted = sigmaRule('cloud/azure/signin_logs/azure_mfa_interrupted.yml');
    const toRole = sigmaRule('cloud/azure/audit_logs/azure_ad_user_added_to_admin_role.yml');
    if (!denies || !interrupted || !toRole) return console.warn('SigmaHQ corpus absent: Sigma check skipped');
    const sample = `source_object NOT LIKE 'entra_id/fixtures/%'`;
    for (const [rule, file] of [
      [denies, 'denies.yml'],
      [interrupted, 'interrupted.yml'],
    ] as const) {
      const rows = await lake.query(
        `SELECT userprincipalname, ipaddress, status.additionaldetails AS details FROM (${sigmaSql(rule, file)}) WHERE ${sample}`,
      );
      expect(rows).toEqual([
        {
          userprincipalname: 'Maria.Garcia@northwind-labs.com',
          ipaddress: '91.132.147.18',
          details: 'MFA denied; user declined the authentication',
        },
      ]);
    }
    const grants = await lake.query(
      `SELECT initiatedby.user.userprincipalname AS who, json_extract_string(targetresources, '$[0].displayName') AS role
       FROM (${sigmaSql(toRole, 'role.yml')}) WHERE ${sample}`,
    );
    expect(grants).toEqual([{ who: 'Maria.Garcia@northwind-labs.com', role: 'Global Administrator' }]);
  });

  it('reads Graph signIn pages and Event Hub exports, deriving the export columns from the resource', async () => {
    const signIn = (id: string, code: number, interactive: boolean) => ({
      id,
      createdDateTime: '2026-11-19T09:15:00Z',
      userPrincipalName: 'Emily.Walsh@northwind-labs.com',
      userId: 'u-emily',
      appDisplayName: 'Microsoft Teams',
      ipAddress: '192.0.2.45',
      isInteractive: interactive,
      status: { errorCode: code, failureReason: code === 0 ? 'Other.' : 'Invalid username or password.' },
      location: { city: 'New York', countryOrRegion: 'US' },
    });
    const page = {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns',
      value: [signIn('g-1', 50126, true), signIn('g-2', 0, false)],
    };
    const graph = await lake.ingestBody(
      'entra_id/graph/signIns/page-1.json',
      Buffer.from(JSON.stringify(page)),
    );
    expect(graph).toMatchObject({
      records: 2,
      written: 2,
      tables: { entra_signin_logs: 2, identity_events: 2 },
    });
    const rows = await lake.query(
      `SELECT s.event_id, s.category, s.operationname, s.resulttype, s.resultdescription, i.event_type, i.outcome, i.reason
       FROM entra_signin_logs s JOIN identity_events i ON i.raw_event_id = s.event_id
       WHERE s.event_id IN ('g-1', 'g-2') ORDER BY 1`,
    );
    expect(rows).toEqual([
      {
        event_id: 'g-1',
        category: 'SignInLogs',
        operationname: 'Sign-in activity',
        resulttype: '50126',
        resultdescription: 'Invalid username or password.',
        event_type: 'login',
        outcome: 'failure',
        reason: 'Invalid username or password.',
      },
      {
        event_id: 'g-2',
        category: 'NonInteractiveUserSignInLogs',
        operationname: 'Sign-in activity',
        resulttype: '0',
        resultdescription: 'Other.',
        event_type: 'token_issued',
        outcome: 'success',
        reason: null,
      },
    ]);
    // An Event Hub capture of AuditLogs with nothing in its name: found by content.
    const hub = {
      records: [
        {
          time: '2026-11-19T09:20:00Z',
          category: 'AuditLogs',
          operationName: 'Reset user password',
          properties: {
            id: 'hub-1',
            activityDisplayName: 'Reset user password',
            category: 'UserManagement',
            result: 'success',
            loggedByService: 'Core Directory',
            initiatedBy: {
              user: { userPrincipalName: 'Daniel.Kim@northwind-labs.com', ipAddress: '198.51.100.24' },
            },
            targetResources: [{ type: 'User', userPrincipalName: 'Emily.Walsh@northwind-labs.com' }],
          },
        },
      ],
    };
    const captured = await lake.ingestBody('capture/hub-0001.json', Buffer.from(JSON.stringify(hub)));
    expect(captured).toMatchObject({
      source: 'entra_id',
      detectedBy: 'content',
      written: 1,
      tables: { entra_audit_logs: 1 },
    });
    const reset = await lake.query(
      `SELECT event_type, user_name, actor_name, source_ip FROM identity_events WHERE raw_event_id = 'hub-1'`,
    );
    expect(reset).toEqual([
      {
        event_type: 'password_reset',
        user_name: 'emily.walsh@northwind-labs.com',
        actor_name: 'daniel.kim@northwind-labs.com',
        source_ip: '198.51.100.24',
      },
    ]);
  });

  it('names what is wrong with a record it cannot keep', async () => {
    const lines = [
      { time: '2026-11-20T10:00:00Z', category: 'ProvisioningLogs', properties: { id: 'p-1' } },
      { category: 'SignInLogs', properties: { id: 's-1', userPrincipalName: 'a@b.c' } },
      {
        category: 'SignInLogs',
        time: '2026-11-20T10:00:00Z',
        properties: { id: 's-2', isInteractive: 'sometimes' },
      },
      { hello: 'world' },
    ];
    const report = await lake.ingestBody('insights-logs-signinlogs/bad/PT1H.json', ndjsonBody(lines));
    expect(report).toMatchObject({ records: 4, written: 0, quarantined: 4 });
    expect(report.reasons).toEqual([
      {
        position: 'line 1',
        reason:
          'unsupported Entra ID log category "ProvisioningLogs": expected a sign-in category or AuditLogs',
      },
      { position: 'line 2', reason: 'missing event time properties.createdDateTime or time' },
      { position: 'line 3', reason: 'isinteractive: expected a boolean, got "sometimes"' },
      {
        position: 'line 4',
        reason:
          'neither an Entra ID sign-in (createdDateTime) nor a directory audit (activityDateTime) record',
      },
    ]);
  });

  it('ingests the shared real Entra ID samples (diagnostic export shape), the same way twice', async () => {
    const records = fixtureRecords('azure_ad', 'panther-analysis_rule-tests.jsonl');
    if (!records) return console.warn(fixtureNote('azure_ad', 'panther-analysis_rule-tests.jsonl'));
    const key = 'entra_id/fixtures/panther.ndjson';
    const first = await lake.ingestBody(key, ndjsonBody(records));
    const again = await lake.ingestBody(key, ndjsonBody(records));
    const expected = {
      records: 48,
      written: 48,
      quarantined: 0,
      tables: { entra_signin_logs: 27, entra_audit_logs: 21, identity_events: 31 },
    };
    expect(first).toMatchObject(expected);
    expect(again).toMatchObject(expected);
    const rows = await lake.query(
      `SELECT event_type, outcome, count(*) AS n FROM identity_events WHERE source_object = '${key}' GROUP BY ALL ORDER BY 1, 2`,
    );
    expect(rows).toEqual([
      { event_type: 'login', outcome: 'failure', n: 11 },
      { event_type: 'login', outcome: 'success', n: 10 },
      { event_type: 'login', outcome: 'unknown', n: 3 },
      { event_type: 'privilege_change', outcome: 'success', n: 3 },
      { event_type: 'privilege_change', outcome: 'unknown', n: 1 },
      { event_type: 'token_issued', outcome: 'success', n: 3 },
    ]);
    const categories = await lake.query(
      `SELECT category, count(*) AS n FROM entra_signin_logs WHERE source_object = '${key}' GROUP BY 1 ORDER BY 1`,
    );
    expect(categories).toEqual([
      { category: 'NonInteractiveUserSignInLogs', n: 3 },
      { category: 'ServicePrincipalSignInLogs', n: 9 },
      { category: 'SignInLogs', n: 15 },
    ]);
  });
});
