/**
 * Duo and Slack through the real ingest (DuckDB Parquet encoder, files on disk) and the DuckDB query
 * engine: the sample generators' files, the real samples under ../shared/datasets, identity_events
 * rows (push fatigue, fraud, sign-ins, role changes), and a Sigma rule per source run on the tables.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertRule } from '../../lambdas/core/sigma/index.js';
import { generateDuoLogs } from '../../lambdas/core/sources/duo/sample.js';
import { sourceNamed } from '../../lambdas/core/sources/registry.js';
import { generateSlackAuditEntries } from '../../lambdas/core/sources/slack/sample.js';
import { SOURCES_DOC } from '../../scripts/docs-sources.js';
import { fixtureRecords, ndjsonBody } from '../fixtures/datasets.js';
import { ingestSourceSample, type Lake, openLake } from '../fixtures/lake.js';
import { SIGMAHQ_RULES } from '../fixtures/shared.js';

const OPTS = { end: new Date('2026-11-20T18:00:00Z'), days: 1, seed: 42 };

describe('SaaS sources B: Duo and Slack (real ingest, real DuckDB)', () => {
  let lake: Lake;
  beforeAll(async () => {
    lake = await openLake();
  });
  afterAll(() => lake.close());

  const ingest = (sourceObject: string, body: Uint8Array, source?: string) =>
    lake.ingestBody(sourceObject, body, source);
  const ingestSample = (name: string) => ingestSourceSample(lake, name, OPTS);
  const rows = (sql: string) => lake.query(sql);
  const ndjson = ndjsonBody;

  it('docs/sources.md has a section and a generated column table for each of these five sources', () => {
    const text = readFileSync(SOURCES_DOC, 'utf8');
    for (const name of ['gcp_audit', 'github', 'k8s_audit', 'duo', 'slack']) {
      const source = sourceNamed(name);
      expect(text).toContain(`(\`${name}\`)`);
      for (const table of source?.tables.filter((t) => t.name !== 'identity_events') ?? []) {
        expect(text).toContain(`<!-- columns:${table.name} -->\nTable \`${table.name}\``);
      }
    }
    expect(text).toContain('## Custom JSON sources');
  });

  describe('duo', () => {
    it('keeps every authentication and administrator entry; push fatigue reads as denied pushes then an approval', async () => {
      const logs = generateDuoLogs(OPTS);
      const reports = await ingestSample('duo');
      expect(reports.reduce((n, r) => n + r.written, 0)).toBe(logs.auth.length + logs.admin.length);
      expect(await rows(`SELECT event_type, count(*) AS n FROM duo GROUP BY 1 ORDER BY 1`)).toEqual([
        { event_type: 'administrator', n: logs.admin.length },
        { event_type: 'authentication', n: logs.auth.length },
      ]);
      const burst = await rows(
        `SELECT event_type, outcome, reason, mfa_method, user_name, country, target FROM identity_events
         WHERE provider = 'duo' AND source_ip LIKE '185.156.73.%' ORDER BY ts`,
      );
      const denied = { event_type: 'mfa_denied', outcome: 'failure', reason: 'user_cancelled' };
      const unanswered = { event_type: 'mfa_failure', outcome: 'failure', reason: 'no_response' };
      const approved = { event_type: 'login', outcome: 'success', reason: 'user_approved' };
      const expected = [denied, denied, unanswered, denied, denied, unanswered, denied, denied, unanswered];
      expected.push(denied, denied, unanswered, denied, denied, approved);
      const same = {
        mfa_method: 'push',
        user_name: 'j.morgan@acme.io',
        country: 'NL',
        target: 'Okta SSO',
      };
      expect(burst).toEqual(expected.map((e) => ({ ...e, ...same })));
      // Every authentication becomes an identity event; of the administrator entries only the sign-ins do.
      const adminLogins = logs.admin.filter((a) => a.action === 'admin_login').length;
      expect(await rows(`SELECT count(*) AS n FROM identity_events WHERE provider = 'duo'`)).toEqual([
        { n: logs.auth.length + adminLogins },
      ]);
    });

    it('converts SigmaHQ "Cisco Duo Successful MFA Authentication Via Bypass Code" and selects the bypass sign-in', async () => {
      const path = join(SIGMAHQ_RULES, 'identity/cisco_duo/cisco_duo_mfa_bypass_via_bypass_code.yml');
      if (!existsSync(path)) {
        console.warn(`skipping: ${path} is not present`);
        return;
      }
      const converted = convertRule(readFileSync(path, 'utf8'), { dialect: 'duckdb' });
      if (!('sql' in converted)) throw new Error(converted.error);
      expect(
        await rows(`SELECT "user".name AS who, factor, application.name AS app FROM (${converted.sql}) m`),
      ).toEqual([{ who: 'kiosk-frontdesk@acme.io', factor: 'bypass_code', app: 'Cisco AnyConnect VPN' }]);
    });

    it('ingests the real Panther (v2) and StreamAlert (v1) Duo tests; v1 FRAUD is an mfa_denied with its reason', async () => {
      const panther = fixtureRecords('', 'duo/panther-analysis_rule-tests.jsonl');
      const streamalert = fixtureRecords('', 'duo/streamalert_rule-tests.jsonl');
      if (!panther || !streamalert) return;
      const p = await ingest('datasets/panther-duo.ndjson', ndjson(panther), 'duo');
      // Panther's authentication tests carry no timestamp at all: quarantined, with the reason.
      expect(p).toMatchObject({
        records: 42,
        written: 28,
        quarantined: 14,
        tables: { duo: 28, identity_events: 6 },
      });
      expect(p.reasons[0]).toEqual({
        position: 'line 29',
        reason: 'missing event time: none of timestamp, isotimestamp is present',
      });
      const s = await ingest('datasets/streamalert-duo.ndjson', ndjson(streamalert));
      expect(s).toMatchObject({
        source: 'duo',
        detectedBy: 'content',
        records: 10,
        written: 10,
        quarantined: 0,
      });
      expect(
        await rows(
          `SELECT event_type, outcome, reason, mfa_method, user_name, source_ip, city FROM identity_events
           WHERE source_object = 'datasets/streamalert-duo.ndjson' ORDER BY event_type, outcome, reason`,
        ),
      ).toEqual(
        [
          { event_type: 'login', outcome: 'failure', reason: 'anonymous_ip' },
          { event_type: 'login', outcome: 'success', reason: null },
          { event_type: 'login', outcome: 'success', reason: null },
          { event_type: 'mfa_denied', outcome: 'failure', reason: 'user_marked_fraud' },
        ].map((e) => ({
          ...e,
          mfa_method: 'push',
          user_name: 'user.name@email.com',
          source_ip: '12.123.123.12',
          city: 'Place',
        })),
      );
    });
  });

  describe('slack_audit', () => {
    it('keeps every entry of the API pages; the contractor installs a broad app and downloads 45 files', async () => {
      const entries = generateSlackAuditEntries(OPTS);
      const reports = await ingestSample('slack');
      expect(reports.reduce((n, r) => n + r.written, 0)).toBe(entries.length);
      expect(await rows(`SELECT count(DISTINCT event_id) AS n FROM slack_audit`)).toEqual([
        { n: entries.length },
      ]);
      expect(
        await rows(
          `SELECT action, count(*) AS n FROM slack_audit WHERE actor."user".email = 'contractor.kim@acme.io'
           GROUP BY 1 ORDER BY 1`,
        ),
      ).toEqual([
        { action: 'app_installed', n: 1 },
        { action: 'file_downloaded', n: 45 },
        { action: 'user_login', n: 1 },
      ]);
      expect(
        await rows(
          `SELECT entity.app.name AS app, entity.app.is_directory_approved AS approved, len(entity.app.scopes) AS scopes,
                  context.location.domain AS workspace, date_create = ts AS same_time
           FROM slack_audit WHERE action = 'app_installed' AND NOT entity.app.is_directory_approved`,
        ),
      ).toEqual([{ app: 'QuickExport', approved: false, scopes: 7, workspace: 'acme-hq', same_time: true }]);
      const logins = entries.filter((e) => e.action === 'user_login' || e.action === 'user_logout').length;
      expect(await rows(`SELECT count(*) AS n FROM identity_events WHERE provider = 'slack'`)).toEqual([
        { n: logins },
      ]);
    });

    // SigmaHQ has no Slack rules; this one is written to the logsource convention the pipeline maps.
    const UNAPPROVED_APP = `title: Slack App Installed Without Directory Approval
id: 3b0a8d57-6a0e-4c55-9d0f-0f7f1c2b5a11
status: experimental
logsource:
    product: slack
    service: audit
detection:
    selection:
        action: app_installed
        entity.app.is_directory_approved: false
    condition: selection
level: medium
`;

    it('a Sigma rule on slack/audit reaches struct fields (entity.app.is_directory_approved)', async () => {
      const converted = convertRule(UNAPPROVED_APP, { dialect: 'duckdb' });
      if (!('sql' in converted)) throw new Error(converted.error);
      expect(
        await rows(
          `SELECT entity.app.name AS app, actor."user".name AS who FROM (${converted.sql}) m WHERE source_object LIKE 'sample/%'`,
        ),
      ).toEqual([{ app: 'QuickExport', who: 'contractor.kim' }]);
    });

    it('an action that names an Object property is an ordinary entry, not an identity event', async () => {
      const entry = {
        id: 'odd-1',
        date_create: 1763630000,
        action: 'constructor',
        actor: { type: 'user' },
        context: {},
      };
      const report = await ingest('odd/slack-audit-odd.ndjson', ndjson([entry]));
      expect(report).toMatchObject({
        source: 'slack',
        written: 1,
        quarantined: 0,
        tables: { slack_audit: 1 },
      });
    });

    it('ingests the real Panther Slack tests; StreamAlert access logs (another API) are quarantined', async () => {
      const panther = fixtureRecords('', 'slack/panther-analysis_rule-tests.jsonl');
      const streamalert = fixtureRecords('', 'slack/streamalert_rule-tests.jsonl');
      if (!panther || !streamalert) return;
      const p = await ingest('datasets/panther-slack.ndjson', ndjson(panther), 'slack');
      expect(p).toMatchObject({
        records: 66,
        written: 34,
        quarantined: 32,
        tables: { slack_audit: 34, identity_events: 19 },
      });
      expect(
        await rows(
          `SELECT event_type, user_name, actor_name, target FROM identity_events
           WHERE source_object = 'datasets/panther-slack.ndjson' AND event_type = 'privilege_change' ORDER BY target`,
        ),
      ).toEqual([
        {
          event_type: 'privilege_change',
          user_name: 'example-account@example.com',
          actor_name: 'slack-enterprise-example@example.io',
          target: 'admin',
        },
      ]);
      const s = await ingest('datasets/streamalert-slack.ndjson', ndjson(streamalert), 'slack');
      expect(s).toMatchObject({ records: 3, written: 0, quarantined: 3 });
      expect(s.reasons.map((r) => r.reason)).toEqual(
        Array(3).fill('missing or non-text required field action'),
      );
    });
  });
});
