import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { m365 } from '../../lambdas/core/sources/m365/index.js';
import { generateM365Records } from '../../lambdas/core/sources/m365/sample.js';
import { fixtureNote, fixtureRecords, ndjsonBody, sigmaRule, sigmaSql } from '../fixtures/datasets.js';
import { type Lake, openLake } from '../fixtures/lake.js';

const SAMPLE = { end: new Date('2026-11-21T07:00:00Z'), days: 3, seed: 11 };
const SIGN_INS = new Set(['UserLoggedIn', 'UserLoginFailed']);

describe('m365 source (real DuckDB lake)', () => {
  let lake: Lake;
  beforeAll(async () => {
    lake = await openLake();
  });
  afterAll(async () => {
    await lake.close();
  });

  it('ingests Management Activity API content blobs, one row per record, sign-ins into identity_events', async () => {
    const records = generateM365Records(SAMPLE).map((r) => r.record);
    const reports = await lake.ingestSample(m365.sample(SAMPLE));
    expect(reports.every((r) => r.source === 'm365' && r.detectedBy === 'key' && r.quarantined === 0)).toBe(
      true,
    );
    expect(reports.reduce((n, r) => n + r.written, 0)).toBe(records.length);
    const [{ n }] = (await lake.query('SELECT count(*) AS n FROM m365')) as [{ n: number }];
    expect(n).toBe(records.length);
    const identity = await lake.query(
      `SELECT outcome, count(*) AS n FROM identity_events WHERE provider = 'm365' GROUP BY 1 ORDER BY 1`,
    );
    const failed = records.filter((r) => r.Operation === 'UserLoginFailed').length;
    const signIns = records.filter((r) => SIGN_INS.has(String(r.Operation))).length;
    expect(identity).toEqual(
      [
        { outcome: 'failure', n: failed },
        { outcome: 'success', n: signIns - failed },
      ].filter((r) => r.n > 0),
    );
  });

  it('keeps the forwarding inbox rule readable: parameters as a list and by name in detail', async () => {
    const rows = await lake.query(
      `SELECT userid, clientip, json_extract_string(detail, '$.ForwardTo') AS forward_to,
              list_filter(parameters, p -> p.name = 'StopProcessingRules')[1].value AS stop
       FROM m365 WHERE operation = 'New-InboxRule'`,
    );
    expect(rows).toEqual([
      {
        userid: 'Maria.Garcia@northwind-labs.com',
        clientip: '91.132.147.18:51234',
        forward_to: 'invoices.northwind@protonmail.com',
        stop: 'True',
      },
    ]);
    const moscow = await lake.query(
      `SELECT user_name, source_ip, user_agent FROM identity_events WHERE provider = 'm365' AND source_ip = '91.132.147.18'`,
    );
    expect(moscow).toEqual([
      { user_name: 'maria.garcia@northwind-labs.com', source_ip: '91.132.147.18', user_agent: 'BAV2ROPC' },
    ]);
  });

  it('SigmaHQ m365 audit rules convert; one selects the MFA disabled in the sample, one reads detail fields', async () => {
    const disabling = sigmaRule('cloud/m365/audit/microsoft365_disabling_mfa.yml');
    const bypass = sigmaRule('cloud/m365/audit/microsoft365_bypass_conditional_access.yml');
    if (!disabling || !bypass) return console.warn('SigmaHQ corpus absent: Sigma check skipped');
    const mfa = await lake.query(`SELECT userid, objectid FROM (${sigmaSql(disabling, 'disabling.yml')})`);
    expect(mfa).toEqual([
      { userid: 'Maria.Garcia@northwind-labs.com', objectid: 'svc-backup@northwind-labs.com' },
    ]);

    // RequestType lives in ExtendedProperties: the rule reaches it through detail. The second record is
    // the Intune enrolment the rule's filter excludes.
    const cmsi = (id: string, objectId: string) => ({
      Id: id,
      CreationTime: '2026-11-19T09:00:00',
      Operation: 'UserLoggedIn',
      RecordType: 15,
      Workload: 'AzureActiveDirectory',
      ResultStatus: 'Success',
      UserId: 'emily.walsh@northwind-labs.com',
      ObjectId: objectId,
      ApplicationId: '9ba1a5c7-f17a-4de9-a1f1-6178c8d51223',
      ExtendedProperties: [{ Name: 'RequestType', Value: 'Cmsi:Cmsi' }],
    });
    const report = await lake.ingestBody(
      'm365/audit/Audit.AzureActiveDirectory/cmsi.json',
      Buffer.from(
        JSON.stringify([
          cmsi('cmsi-1', '00000002-0000-0000-c000-000000000000'),
          cmsi('cmsi-2', '0000000a-0000-0000-c000-000000000000'),
        ]),
      ),
    );
    expect(report).toMatchObject({ records: 2, written: 2, tables: { m365: 2, identity_events: 2 } });
    const hits = await lake.query(`SELECT event_id FROM (${sigmaSql(bypass, 'bypass.yml')})`);
    expect(hits).toEqual([{ event_id: 'cmsi-1' }]);
  });

  it('quarantines records it cannot keep, naming the field', async () => {
    const report = await lake.ingestBody(
      'm365/audit/Audit.General/bad.json',
      Buffer.from(
        JSON.stringify([
          { Id: 'b-1', CreationTime: '2026-11-19T09:00:00', Workload: 'Exchange' },
          { Id: 'b-2', Operation: 'Send', Workload: 'Exchange' },
          { Id: 'b-3', Operation: 'Send', CreationTime: '2026-11-19T09:00:00', RecordType: 'two' },
        ]),
      ),
    );
    expect(report).toMatchObject({ records: 3, written: 0, quarantined: 3 });
    expect(report.reasons.map((r) => r.reason)).toEqual([
      'missing or non-text required field Operation',
      'missing event time CreationTime',
      'recordtype: expected an integer, got "two"',
    ]);
  });

  it('ingests the shared real M365 samples (Exchange, SharePoint, Azure AD; some with lower-cased keys) twice alike', async () => {
    const records = fixtureRecords('m365', 'panther-analysis_rule-tests.jsonl');
    if (!records) return console.warn(fixtureNote('m365', 'panther-analysis_rule-tests.jsonl'));
    const key = 'm365/fixtures/panther.ndjson';
    const expected = { records: 19, written: 19, quarantined: 0, tables: { m365: 19, identity_events: 2 } };
    expect(await lake.ingestBody(key, ndjsonBody(records))).toMatchObject(expected);
    expect(await lake.ingestBody(key, ndjsonBody(records))).toMatchObject(expected);
    const ops = await lake.query(
      `SELECT operation, count(*) AS n FROM m365 WHERE source_object = '${key}' GROUP BY 1 ORDER BY 1`,
    );
    expect(ops).toEqual([
      { operation: 'AddedToSecureLink', n: 5 },
      { operation: 'New-InboxRule', n: 3 },
      { operation: 'Set-Mailbox', n: 7 },
      { operation: 'Update user.', n: 2 },
      { operation: 'UserLoggedIn', n: 1 },
      { operation: 'UserLoginFailed', n: 1 },
    ]);
    const identity = await lake.query(
      `SELECT event_type, outcome, user_name, source_ip, reason FROM identity_events WHERE source_object = '${key}' ORDER BY outcome`,
    );
    expect(identity).toEqual([
      {
        event_type: 'login',
        outcome: 'failure',
        user_name: 'sample.user@yourorg.onmicrosoft.com',
        source_ip: '1.2.3.4',
        reason: 'InvalidUserNameOrPassword',
      },
      {
        event_type: 'login',
        outcome: 'success',
        user_name: 'sample.user@yourorg.onmicrosoft.com',
        source_ip: '1.2.3.4',
        reason: null,
      },
    ]);
  });
});
